import numpy as np


def apply_twice(f, x):
    return f(f(x))


def compose_loss(x, a):
    square = lambda v: v**2
    scale = lambda v: a * v
    h = apply_twice(scale, x)
    return np.sum(square(h)) + sum(map(np.sin, x))


activations = {
    "tanh": np.tanh,
    "sigmoid": lambda z: 1 / (1 + np.exp(-z)),
    "softplus": lambda z: np.log(1 + np.exp(z)),
}


def net(w, x, act="sigmoid"):
    f = activations[act]
    return np.sum(f(x * w))


def trapezoid(f, a, b, n=21):
    xs = np.linspace(a, b, n)
    ys = f(xs)
    h = (b - a) / (n - 1)
    return h * (0.5 * ys[0] + ys[1:-1].sum() + 0.5 * ys[-1])


def gaussian_area(c, upper):
    return trapezoid(lambda t: np.exp(-c * t**2), 0.0, upper)


def list_of_pairs(x):
    pairs = [(x[i], i) for i in range(len(x))]
    weights = [w for (w, i) in pairs]
    return sum([wi * (i + 1) for i, wi in enumerate(weights)])


CASES = [
    dict(f=compose_loss, args=(np.array([0.2, -0.7, 1.1]), 1.3), wrt=("x", "a")),
    dict(f=net, args=(np.array([0.5, -1.0, 2.0]), np.array([1.0, 0.3, -0.4])), wrt=("w",)),
    dict(f=net, args=(np.array([0.5, -1.0, 2.0]), np.array([1.0, 0.3, -0.4]), "tanh"), wrt=("w",)),
    dict(f=net, args=(np.array([0.5, -1.0, 2.0]), np.array([1.0, 0.3, -0.4]), "softplus"), wrt=("w",)),
    dict(f=gaussian_area, args=(0.8, 1.7), wrt=("c", "upper")),
    dict(f=list_of_pairs, args=(np.array([0.4, 1.5, -0.6]),), wrt=("x",)),
]
