import numpy as np


def top_eigenvalue(A, iters=30):
    v = np.ones(A.shape[0])
    for _ in range(iters):
        v = A @ v
        v = v / np.linalg.norm(v)
    return v @ A @ v


def eig_loss(B):
    A = 0.5 * (B + B.T)  # a symmetric matrix from free parameters
    vals, vecs = np.linalg.eigh(A)
    return vals[-1] + np.sum(vecs[:, 0] ** 4)


A = np.array([[2.0, 0.3, 0.1], [0.3, 1.0, 0.2], [0.1, 0.2, 0.5]])

CASES = [
    dict(f=top_eigenvalue, args=(A,), wrt=("A",)),
    dict(f=eig_loss, args=(A + np.array([[0.0, 0.1, 0.0], [0.0, 0.0, -0.2], [0.05, 0.0, 0.0]]),), wrt=("B",)),
]
