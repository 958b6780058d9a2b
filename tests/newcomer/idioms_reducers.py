"""Lambdas handed to reducers and sorting; math.fsum and math.prod."""
import functools
import itertools
import math

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


def exact_energy(xs, k):
    return math.fsum(0.5 * k * x * x for x in xs)


def likelihood(ps, scale):
    return math.log(math.prod([p * scale for p in ps], start=scale))


CASES = [
    dict(f=exact_energy, args=([0.3, -1.2, 2.0], 0.8), wrt=("xs", "k")),
    dict(f=likelihood, args=([0.3, 0.9, 0.6], 1.7), wrt=("ps", "scale")),
    dict(f=product_of, args=([1.5, -0.5, 2.0],), wrt=("xs",)),
    dict(f=weighted_fold, args=([0.3, 1.2, -0.7, 0.4], 1.3), wrt=("xs", "w")),
    dict(f=squares_by_map, args=([0.3, -1.2, 2.0],), wrt=("xs",)),
    dict(f=running_max_cost, args=([0.3, -1.2, 2.0, 0.5],), wrt=("xs",)),
    dict(f=top_two, args=([(0.1, 1.5), (2.0, -0.3), (1.1, 0.7)],), wrt=("points",)),
]
