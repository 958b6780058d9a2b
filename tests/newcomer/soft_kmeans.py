import numpy as np


def soft_kmeans(centers, X, beta=2.0):
    d2 = ((X[:, None, :] - centers[None, :, :]) ** 2).sum(-1)
    w = np.exp(-beta * d2)
    w = w / w.sum(axis=1, keepdims=True)
    return np.sum(w * d2)


def kmeans_loop(centers, X):
    cost = 0.0
    for x in X:
        dists = [np.sum((x - c) ** 2) for c in centers]
        cost += min(dists)
    return cost


X = np.array([[0.0, 0.1], [0.9, 1.2], [2.1, 1.8], [0.3, -0.4], [1.7, 2.4]])
C = np.array([[0.2, 0.0], [1.8, 1.9]])

CASES = [
    dict(f=soft_kmeans, args=(C, X), wrt=("centers", "X")),
    dict(f=kmeans_loop,
         args=(C, X), wrt=("centers",)),
]
