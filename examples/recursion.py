"""A map iterated by recursion, depth given at run time: x <- sin(a x) + x / 2."""

import math


def iterate(x: float, a: float, depth: int) -> float:
    if depth == 0:
        return x
    return iterate(math.sin(a * x) + 0.5 * x, a, depth - 1)
