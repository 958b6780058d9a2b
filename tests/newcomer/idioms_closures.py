"""Losses made by factories and closures, mixed with lambdas and comprehensions."""
import numpy as np

rng = np.random.default_rng(185)
BATCHES = [(rng.normal(size=(4, 2)), rng.normal(size=4)) for _ in range(3)]


def make_loss(x, y):
    def loss(w):
        return np.mean((x @ w - y) ** 2)
    return loss


FIRST = make_loss(*BATCHES[0])


def batch_loss(w):
    return sum(np.mean((x @ w - y) ** 2) for x, y in BATCHES)


def with_activation(w, x):
    act = {"relu": lambda z: np.maximum(z, 0.0), "tanh": np.tanh}["tanh"]
    return np.sum(act(x @ w))


def pairwise(points):
    n = len(points)
    return sum((points[i] - points[j]) ** 2 for i in range(n) for j in range(i + 1, n))


def nested_lists(grid):
    return sum(sum(v * v for v in row) for row in grid)


def running_mean(xs):
    means = [sum(xs[: i + 1]) / (i + 1) for i in range(len(xs))]
    return means[-1] * means[0]


def counts_with_dict(words, weights):
    seen = {}
    for word, w in zip(words, weights):
        seen[word] = seen.get(word, 0.0) + w
    return sum(v ** 2 for v in seen.values())


def normalised(xs):
    total = sum(xs)
    return [x / total for x in xs][0]


W = np.array([0.3, -0.2])

CASES = [
    dict(f=FIRST, args=(W,), wrt=("w",)),
    dict(f=batch_loss, args=(W,), wrt=("w",)),
    dict(f=with_activation, args=(W, BATCHES[0][0]), wrt=("w",)),
    dict(f=pairwise, args=([0.5, -1.5, 2.0, 0.1],), wrt=("points",)),
    dict(f=nested_lists, args=([[0.5, -1.5], [2.0, 0.1], [0.3, 0.3]],), wrt=("grid",)),
    dict(f=running_mean, args=([0.5, -1.5, 2.0, 0.1],), wrt=("xs",)),
    dict(f=counts_with_dict, args=(["a", "b", "a"], [0.5, 1.5, 2.0]), wrt=("weights",)),
    dict(f=normalised, args=([0.5, 1.5, 2.0],), wrt=("xs",)),
]
