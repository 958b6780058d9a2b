"""Tuple targets that write into elements, and counters on objects."""
import numpy as np


def swap_pass(xs):
    s = list(xs)
    for i in range(len(s) - 1):
        if s[i] > s[i + 1]:
            s[i], s[i + 1] = s[i + 1], s[i]
    return s[0] * 2.0 + s[-1]


def rotate(v, angle):
    out = np.zeros(2)
    out[0], out[1] = np.cos(angle) * v[0] - np.sin(angle) * v[1], np.sin(angle) * v[0] + np.cos(angle) * v[1]
    return np.sum(out ** 2) + out[0]


class Counter:
    def __init__(self):
        self.calls = 0


def counted_loss(x):
    c = Counter()
    total = 0.0
    for xi in x:
        c.calls += 1
        total = total + xi ** 2
    return total / c.calls


CASES = [
    dict(f=swap_pass, args=([0.5, -1.5, 2.0, 0.3],), wrt=("xs",)),
    dict(f=rotate, args=(np.array([0.5, -1.5]), 0.3), wrt=("v", "angle")),
    dict(f=counted_loss, args=(np.array([0.5, -1.5, 2.0]),), wrt=("x",)),
]
