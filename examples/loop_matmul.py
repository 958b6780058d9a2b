"""Matrix multiplication as three nested Python loops."""

import numpy as np


def matmul(a, b):
    c = np.zeros_like(a, shape=(a.shape[0], b.shape[1]))
    for i in range(a.shape[0]):
        for j in range(b.shape[1]):
            for k in range(a.shape[1]):
                c[i, j] += a[i, k] * b[k, j]
    return c
