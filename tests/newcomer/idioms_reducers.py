"""Lambdas handed to reducers and sorting."""
import functools
import itertools

import numpy as np


def product_of(xs):
    return functools.reduce(lambda a, b: a * b, xs)


def weighted_fold(xs, w):
    return functools.reduce(lambda acc, x: 0.9 * acc + w * x, xs, 0.0)


def squares_by_map(xs):
    return sum(map(lambda x: x ** 2, xs))


def running_max_cost(xs):
    best = list(itertools.accumulate(xs))
    return sum(b * b for b in best)


def top_two(points):
    ordered = sorted(points, key=lambda p: p[0])
    return ordered[-1][1] * ordered[-2][1]


CASES = [
    dict(f=product_of, args=([1.5, -0.5, 2.0],), wrt=("xs",)),
    dict(f=weighted_fold, args=([0.3, 1.2, -0.7, 0.4], 1.3), wrt=("xs", "w")),
    dict(f=squares_by_map, args=([0.3, -1.2, 2.0],), wrt=("xs",)),
    dict(f=running_max_cost, args=([0.3, -1.2, 2.0, 0.5],), wrt=("xs",)),
    dict(f=top_two, args=([(0.1, 1.5), (2.0, -0.3), (1.1, 0.7)],), wrt=("points",)),
]
