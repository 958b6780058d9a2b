import numpy as np


def cumulative(x):
    y = np.zeros_like(x)
    y[0] = x[0]
    for i in range(1, len(x)):
        y[i] = y[i - 1] + x[i] ** 2
    return y[-1] * y[1]


def normalize_rows(M):
    M = M.copy()
    for i in range(M.shape[0]):
        M[i] /= np.linalg.norm(M[i])
    return np.sum(M[:, 0])


def accumulate_grid(a):
    grid = np.zeros((3, 3))
    for i in range(3):
        for j in range(3):
            grid[i, j] += a[i] * a[j] + i - j
    return np.trace(grid @ grid)


def running_mean(x):
    means = np.empty(len(x))
    total = 0.0
    for i, v in enumerate(x):
        total += v
        means[i] = total / (i + 1)
    return np.sum(means**2)


CASES = [
    dict(f=cumulative, args=(np.array([0.5, -1.2, 0.8, 1.1]),), wrt=("x",)),
    dict(f=normalize_rows, args=(np.array([[1.0, 2.0], [-0.5, 0.3], [0.7, 0.7]]),), wrt=("M",)),
    dict(f=accumulate_grid, args=(np.array([0.3, -0.6, 1.1]),), wrt=("a",)),
    dict(f=running_mean, args=(np.array([0.3, -0.6, 1.1, 0.2]),), wrt=("x",)),
]
