import numpy as np


class Linear:
    def __init__(self, W, b):
        self.W = W
        self.b = b

    def __call__(self, x):
        return x @ self.W + self.b


class Model:
    def __init__(self, W1, b1, W2, b2):
        self.l1 = Linear(W1, b1)
        self.l2 = Linear(W2, b2)

    def forward(self, x):
        h = np.tanh(self.l1(x))
        return self.l2(h)

    def loss(self, x, y):
        return np.mean((self.forward(x) - y) ** 2)


def train_loss(W1, b1, W2, b2, x, y):
    model = Model(W1, b1, W2, b2)
    return model.loss(x, y)


class Oscillator:
    def __init__(self, k, m=1.0):
        self.k = k
        self.m = m
        self.x = 1.0
        self.v = 0.0

    def step(self, dt):
        a = -self.k / self.m * self.x
        self.v += a * dt
        self.x += self.v * dt


def run_oscillator(k, steps=50):
    osc = Oscillator(k)
    for _ in range(steps):
        osc.step(0.05)
    return osc.x


rng = np.random.default_rng(5)
W1 = rng.normal(size=(2, 3))
b1 = np.array([0.1, 0.0, -0.1])
W2 = rng.normal(size=(3, 1))
b2 = np.array([0.3])
x = rng.normal(size=(4, 2))
y = rng.normal(size=(4, 1))
model = Model(W1, b1, W2, b2)

CASES = [
    dict(f=train_loss, args=(W1, b1, W2, b2, x, y), wrt=("W1", "b1", "W2", "b2")),
    dict(f=model.loss, args=(x, y), wrt=("x",)),
    dict(f=run_oscillator, args=(2.3,), wrt=("k",)),
]
