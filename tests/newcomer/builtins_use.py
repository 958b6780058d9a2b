import numpy as np


def soft_loss(x):
    total = sum([xi**2 for xi in x])
    biggest = max(x)
    smallest = min(x)
    return total + biggest - 2 * smallest + abs(x[0])


def pairwise(x, y):
    return sum(a * b for a, b in zip(x, y)) / len(x)


def scalar_max(a, b):
    return max(a * b, a + b) + min(a, 2.0) + abs(a - b)


def round_trip(x):
    # float() and .item() on a value that depends on x
    m = float(np.mean(x))
    s = np.sum(x**2).item()
    return m * s + x.max()


CASES = [
    dict(f=soft_loss,
         args=(np.array([-0.4, 1.3, 0.7]),), wrt=("x",)),
    dict(f=pairwise, args=(np.array([0.5, 1.2, -0.3]), np.array([1.0, -2.0, 0.4])), wrt=("x", "y")),
    dict(f=scalar_max, args=(1.5, 3.5), wrt=("a", "b")),
    dict(f=round_trip, refused=r"builtins_use\.py:\d+:\d+: no (derivative|forward-mode) rule for \.item\(\)",
         args=(np.array([0.5, 1.2, -0.3]),), wrt=("x",)),
]
