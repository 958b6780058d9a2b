"""Objects as models are written: a model handed to the loss, layers of two classes,
and a cell that keeps its state (the golden file grad_objects.py)."""

import numpy as np


class Dense:
    def __init__(self, w, b):
        self.w = w
        self.b = b

    def __call__(self, x):
        return x @ self.w + self.b


class Tanh:
    def __call__(self, x):
        return np.tanh(x)


class Model:
    def __init__(self, layers):
        self.layers = layers
        self.calls = 0

    def forward(self, x):
        self.calls += 1
        for layer in self.layers:
            x = layer(x)
        return x


def loss(model, x, y):
    pred = model.forward(x)
    return np.mean((pred - y) ** 2)
