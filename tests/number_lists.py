"""Programs on lists of numbers, for tests/test_numbers_version.py (a module of its
own: the CLI imports it)."""

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
