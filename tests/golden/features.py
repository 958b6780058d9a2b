"""Small functions whose generated derivatives are pinned in tests/golden/."""

import math

import numpy as np


def branches(x, y):
    z = x * y if x > y else x + y
    if z > 1.0:
        z = math.sin(z)
    return z * y


def broadcasting(x, b, c):
    h = np.tanh(x + b)
    outer = c[None, :] * c[:, None]
    return np.sum(h @ outer) / x.shape[0]


def collections(xs, w):
    kept = [np.tanh(x * w) for x in xs if np.sum(x) > 0.0]
    totals = {}
    totals["kept"] = sum(kept)
    totals["all"] = sum(x * w for x in xs)
    return np.sum(totals["kept"] * totals["all"])
