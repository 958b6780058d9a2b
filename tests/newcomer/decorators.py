import functools
import math

import numpy as np


def scaled(factor):
    def deco(fn):
        @functools.wraps(fn)
        def wrapper(*args):
            return factor * fn(*args)
        return wrapper
    return deco


@scaled(2.0)
def energy(x):
    return np.sum(x**2)


def total(x):
    return energy(x) + np.sum(x)


class Disk:
    def __init__(self, r):
        self.r = r

    @property
    def area(self):
        return math.pi * self.r**2

    @staticmethod
    def perimeter_of(r):
        return 2 * math.pi * r


def disk_cost(r):
    d = Disk(r)
    return d.area + Disk.perimeter_of(r)


@functools.lru_cache(maxsize=None)
def coefficient(n):
    return 1.0 / math.factorial(n)


def exp_series(x):
    return sum(coefficient(n) * x**n for n in range(8))


CASES = [
    dict(f=energy, refused=r"decorators\.py:\d+:\d+: energy is decorated with @scaled",
         args=(np.array([0.5, -1.5, 2.0]),), wrt=("x",)),
    dict(f=total, refused=r"decorators\.py:\d+:\d+: energy is decorated with @scaled",
         args=(np.array([0.5, -1.5, 2.0]),), wrt=("x",)),
    dict(f=disk_cost,
         args=(1.3,), wrt=("r",)),
    dict(f=exp_series, args=(0.7,), wrt=("x",)),
]
