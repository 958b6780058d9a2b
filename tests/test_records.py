"""Records made inside the function from values that need derivatives (s2s/records.py):
dataclasses, NamedTuples and SimpleNamespaces, read by field, passed to helpers, kept
in lists; each checked for value, gradient and forward mode against finite
differences (gradcheck), and for Hessian-vector products."""

import dataclasses
import types
from typing import NamedTuple

import numpy as np
import pytest

import s2s
from gradcheck import check_gradient, check_hvp

rng = np.random.default_rng(188)


@dataclasses.dataclass
class Spring:
    k: float
    rest: float = 1.0


class Layer(NamedTuple):
    w: np.ndarray
    b: np.ndarray


def spring_energy(k, x):
    s = Spring(k)
    return 0.5 * s.k * (x - s.rest) ** 2


def two_springs(k1, k2, x):
    springs = [Spring(k1, 1.0), Spring(k=k2, rest=0.5)]
    total = 0.0
    for s in springs:
        total = total + 0.5 * s.k * (x - s.rest) ** 2
    return total


def apply(layer, x):
    return np.tanh(x @ layer.w + layer.b)


def mlp_loss(w1, b1, w2, b2, x):
    layers = [Layer(w1, b1), Layer(w=w2, b=b2)]
    for layer in layers:
        x = apply(layer, x)
    return np.sum(x ** 2)


def namespace_loss(w, x):
    p = types.SimpleNamespace(w=w, scale=2.0)
    return np.sum((x * p.w) ** 2) * p.scale


CASES = [
    (spring_energy, lambda: (3.0, 1.4), (0, 1)),
    (two_springs, lambda: (3.0, 0.5, 1.4), (0, 1, 2)),
    (mlp_loss, lambda: (rng.normal(size=(3, 4)), rng.normal(size=4), rng.normal(size=(4, 2)),
                        rng.normal(size=2), rng.normal(size=(5, 3))), (0, 1, 2, 3)),
    (namespace_loss, lambda: (rng.normal(size=3), rng.normal(size=3)), (0, 1)),
]


@pytest.mark.parametrize("f, args, wrt", CASES, ids=lambda v: getattr(v, "__name__", ""))
def test_a_record_made_in_the_function(f, args, wrt):
    args = args()
    check_gradient(f, args, wrt=wrt)
    check_hvp(f, args, wrt, rng)


class Plain:
    def __init__(self, w, b=0.5):
        self.w = w
        self.b = b

    def __call__(self, x):
        return np.tanh(x @ self.w + self.b)

    @property
    def size(self):
        return np.sum(self.w ** 2)


class Scaled(Plain):
    def __call__(self, x):
        return 2.0 * super().__call__(x)


def plain_objects(w, b, x):
    first, second = Plain(w, b), Scaled(w)
    return np.sum(first(x) * second(x)) + first.size


def test_objects_of_a_class_whose_init_stores_its_arguments():
    """`Plain(w, b)`: its `__init__` only stores its arguments, so it is made as a
    record of them; its `__call__`, a property, and an inherited `__call__` calling
    `super()`'s are calls of the user's functions."""
    args = (rng.normal(size=(3, 2)), rng.normal(size=2), rng.normal(size=(4, 3)))
    check_gradient(plain_objects, args, wrt=(0, 1, 2))
    check_hvp(plain_objects, args, (0, 1, 2), rng)


class Doubled:
    def __init__(self, w):
        self.w = w * 2.0  # (computes: not a record of its arguments)


def computing_init(w):
    return np.sum(Doubled(w).w ** 2)


def test_an_object_whose_init_computes_is_refused():
    with pytest.raises(s2s.Unsupported, match=r"test_records\.py:\d+:\d+: making a Doubled "
                                              r"object from values that need derivatives"):
        s2s.grad(computing_init)(np.ones(2))


@dataclasses.dataclass
class Oscillator:
    k: float
    damping: float = 0.1

    @property
    def frequency(self):
        return np.sqrt(self.k)

    @staticmethod
    def clamp(v):
        return np.tanh(v)

    def force(self, x, v):
        return -self.k * x - self.damping * v

    def step(self, x, v, dt):
        a = self.force(x, v)  # a method calling another of its class
        return x + dt * v, v + dt * self.clamp(a)


@dataclasses.dataclass
class Driven(Oscillator):
    drive: float = 0.5

    def force(self, x, v):
        return super().force(x, v) + self.drive


def simulate(k, x):
    osc = Oscillator(k)
    v = 0.0
    for _ in range(5):
        x, v = osc.step(x, v, 0.1)
    return x * osc.frequency + v


def driven(k, drive, x):
    return Driven(k, 0.2, drive).force(x, 0.3) ** 2


@pytest.mark.parametrize("f, args, wrt", [(simulate, (2.0, 0.7), (0, 1)),
                                          (driven, (2.0, 0.4, 0.7), (0, 1, 2))],
                         ids=["methods_property_static", "inherited_super"])
def test_methods_of_a_dataclass_made_in_the_function(f, args, wrt):
    """`osc.step(...)`, `self.force(...)`, `osc.frequency` (a property),
    `self.clamp(...)` (a static method), `super().force(...)`: calls of the user's
    functions (normalize/methods.py)."""
    check_gradient(f, args, wrt=wrt)
    check_hvp(f, args, wrt, rng)
