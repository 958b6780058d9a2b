"""Helpers with *args and **kwargs, and functools.partial."""
import functools

import numpy as np


def total(*xs):
    s = 0.0
    for x in xs:
        s = s + x * x
    return s


def energy(a, b, c):
    return total(a, b, c) + a * b


def scaled(x, **opts):
    return x * opts.get("scale", 1.0) + opts.get("shift", 0.0)


def uses_options(x, k):
    return np.sum(scaled(x, scale=k) ** 2) + np.sum(scaled(x))


def spring(x, k, rest):
    return 0.5 * k * (x - rest) ** 2


stiff = functools.partial(spring, k=10.0)


def two_springs(x1, x2):
    return stiff(x1, rest=1.0) + stiff(x2 - x1, rest=1.0)


def mean_of(*arrays):
    return sum(np.mean(a) for a in arrays) / len(arrays)


def uses_mean_of(a, b):
    return mean_of(a ** 2, b * a, np.exp(b))


CASES = [
    dict(f=energy, args=(0.5, -1.2, 2.0), wrt=("a", "b", "c")),
    dict(f=uses_options, args=(np.array([0.2, -0.4]), 1.7), wrt=("x", "k")),
    dict(f=two_springs, args=(1.3, 2.1), wrt=("x1", "x2")),
    dict(f=uses_mean_of, args=(np.array([0.2, 0.5, -0.4]), np.array([0.1, -0.3, 0.6])), wrt=("a", "b")),
]
