"""list(x), tuple(x) and x[:]: copies of lists."""
import numpy as np


def copy_then_edit(xs):
    ys = list(xs)
    ys[0] = ys[0] * 3.0
    return sum(x * y for x, y in zip(xs, ys))


def tuple_copy(xs):
    t = tuple(xs)
    return t[0] * t[-1] + sum(t)


def slice_copy(xs):
    ys = xs[:]
    ys.append(ys[0] ** 2)
    return sum(ys) + len(xs)


def doubled(xs):
    return np.sum(np.array(list(xs)) ** 2)


CASES = [
    dict(f=copy_then_edit, args=([0.5, -1.5, 2.0],), wrt=("xs",)),
    dict(f=tuple_copy, args=([0.5, -1.5, 2.0],), wrt=("xs",)),
    dict(f=slice_copy, args=([0.5, -1.5, 2.0],), wrt=("xs",)),
    dict(f=doubled, args=([0.5, -1.5, 2.0],), wrt=("xs",)),
]
