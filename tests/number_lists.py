"""Programs on lists of numbers, and on functions of numbers, for
tests/test_numbers_version.py (a module of its own: the CLI imports it)."""

import math

import numpy as np


def chain(xs, w):
    """Items of a list of numbers updated from each other, as particle codes do; with
    `np.sin`, items that are arrays work too (the general version)."""
    ys = list(xs)
    for _ in range(3):
        for i in range(1, len(ys)):
            ys[i] = ys[i] + w * np.sin(ys[i - 1])
    total = 0.0
    for y in ys:
        total = total + np.sum(y * y)
    return total


def annotated_chain(xs: list[float], w: float):
    ys = list(xs)
    for i in range(1, len(ys)):
        ys[i] = ys[i] + w * ys[i - 1]
    return ys[-1]


def rhs(x, v, k, t):
    """An ODE's right-hand side: a pair of numbers, given numbers."""
    acc = -k * x + 0.3 * math.cos(t)
    return v, acc


def rk2(k, x0, dt=0.05, steps=20):
    x, v, t = x0, 0.0, 0.0
    for _ in range(steps):
        a1, b1 = rhs(x, v, k, t)
        a2, b2 = rhs(x + dt * a1, v + dt * b1, k, t + dt)
        x = x + 0.5 * dt * (a1 + a2)
        v = v + 0.5 * dt * (b1 + b2)
        t = t + dt
    return x * x + v


def both_ways(k, xs):
    """`rhs` given numbers, then given an array: two sets of its derivatives."""
    a, b = rhs(0.5, 0.25, k, 0.1)
    c, e = rhs(xs, xs * 0.5, k, 0.2)
    return a * b + np.sum(c * e)


def aliased(xs, w):
    """`zs` is `ys` under another name; an array written through it makes `ys` a list
    that holds an array too."""
    ys = list(xs)
    zs = ys
    zs[0] = np.ones(2) * w
    total = 0.0
    for i in range(len(ys)):
        total = total + np.sum(ys[i] * w)
    return total


def shift(x, offset=np.array([0.5, -0.5])):
    return x + offset


def through_a_default(w):
    total = 0.0
    for i in range(3):
        total = total + np.sum(shift(w * i) ** 2)
    return total
