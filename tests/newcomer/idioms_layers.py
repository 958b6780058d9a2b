"""Classes with forward, __call__, properties, inheritance and dataclasses."""
import dataclasses

import numpy as np

rng = np.random.default_rng(184)


class Dense:
    def __init__(self, w, b):
        self.w = w
        self.b = b

    def forward(self, x):
        return np.tanh(x @ self.w + self.b)


def dense_loss(w, b, x):
    layer = Dense(w, b)
    return np.sum(layer.forward(x) ** 2)


class Scaled(Dense):
    def forward(self, x):
        return 2.0 * super().forward(x)


def inherited_loss(w, b, x):
    return np.sum(Scaled(w, b).forward(x))


class Quadratic:
    def __init__(self, a):
        self.a = a

    @property
    def curvature(self):
        return 2.0 * self.a

    def __call__(self, x):
        return self.a * x ** 2


def property_loss(a, x):
    q = Quadratic(a)
    return np.sum(q(x)) + q.curvature


@dataclasses.dataclass
class Spring:
    k: float
    rest: float

    def energy(self, x):
        return 0.5 * self.k * (x - self.rest) ** 2


def dataclass_loss(k, x):
    return Spring(k, 1.0).energy(x)


class Stack:
    def __init__(self, layers):
        self.layers = layers

    def __call__(self, x):
        for layer in self.layers:
            x = layer.forward(x)
        return x


def stacked_loss(w1, w2, x):
    net = Stack([Dense(w1, 0.0), Dense(w2, 0.0)])
    return np.sum(net(x) ** 2)


X = rng.normal(size=(4, 3))

CASES = [
    dict(f=dense_loss, args=(rng.normal(size=(3, 2)), rng.normal(size=2), X), wrt=("w", "b")),
    dict(f=inherited_loss, args=(rng.normal(size=(3, 2)), rng.normal(size=2), X), wrt=("w", "b")),
    dict(f=property_loss, args=(0.7, np.array([0.3, -1.1])), wrt=("a", "x")),
    dict(f=dataclass_loss, args=(3.0, 1.4), wrt=("k", "x")),
    dict(f=stacked_loss, args=(rng.normal(size=(3, 3)), rng.normal(size=(3, 2)), X), wrt=("w1", "w2")),
]
