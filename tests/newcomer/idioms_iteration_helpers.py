"""zip(*rows), enumerate(zip(...)), reversed lists, comprehensions with conditions."""
import numpy as np


def column_sums(rows):
    cols = list(zip(*rows))
    return sum(c[0] * c[1] for c in cols)


def weighted_pairs(a, b):
    total = 0.0
    for i, (x, y) in enumerate(zip(a, b)):
        total = total + (i + 1) * x * y
    return total


def discounted(rewards, gamma):
    g = 0.0
    out = []
    for r in reversed(rewards):
        g = r + gamma * g
        out.append(g)
    return sum(v * v for v in out)


def positive_products(a, b):
    return sum([x * y for x in a for y in b if x > 0])


def distinct_scales(x, names):
    scales = {n: 1.0 + len(n) for n in set(names)}
    return sum(scales[n] * x ** 2 for n in sorted(scales))


CASES = [
    dict(f=column_sums, args=([[0.5, 1.5], [2.0, -1.0], [0.3, 0.4]],), wrt=("rows",)),
    dict(f=weighted_pairs, args=([0.5, 1.5, -0.7], [2.0, -1.0, 0.3]), wrt=("a", "b")),
    dict(f=discounted, args=([1.0, 0.5, -0.2, 0.8], 0.9), wrt=("rewards", "gamma")),
    dict(f=positive_products, args=([0.5, -1.5, 0.7], [2.0, -1.0]), wrt=("a", "b")),
    dict(f=distinct_scales, args=(1.3, ["a", "bb", "a"]), wrt=("x",)),
]
