import math

import numpy as np

n_evals = 0


def counted_loss(w, x):
    global n_evals
    n_evals += 1
    return np.sum((x @ w) ** 2)


def newton_early_return(a):
    x = 1.0
    for it in range(50):
        fx = x**3 - a
        if abs(fx) < 1e-13:
            return x
        x = x - fx / (3 * x**2)
    return x


def integrate(k, method="rk2"):
    y, dt = 1.0, 0.1
    for _ in range(10):
        if method == "euler":
            y = y + dt * (-k * y)
        elif method == "rk2":
            y_mid = y + 0.5 * dt * (-k * y)
            y = y + dt * (-k * y_mid)
        else:
            raise ValueError("unknown method " + method)
    return y


def robust_cholesky_logdet(a, X):
    K = np.exp(-a * (X[:, None] - X[None, :]) ** 2) + 1e-3 * np.eye(len(X))
    try:
        L = np.linalg.cholesky(K)
    except np.linalg.LinAlgError:
        L = np.linalg.cholesky(K + 1e-6 * np.eye(len(X)))
    return 2 * np.sum(np.log(np.diag(L)))


def noisy_training_log(w, x):
    loss = 0.0
    for epoch in range(3):
        loss += np.sum((w * x - 1.0) ** 2) / (epoch + 1)
        print(f"epoch {epoch}: loss {loss:.4f}")
    return loss


def count_positive(x):
    total = 0.0
    count = 0
    for v in x:
        if v > 0:
            total += math.log(v)
            count += 1
    return total / count


CASES = [
    dict(f=counted_loss, args=(np.array([0.3, -0.2]), np.array([[1.0, 2.0], [0.5, -1.0]])), wrt=("w",)),
    dict(f=newton_early_return, args=(2.5,), wrt=("a",)),
    dict(f=integrate, args=(0.7,), wrt=("k",)),
    dict(f=robust_cholesky_logdet, args=(0.8, np.array([0.0, 0.4, 1.1])), wrt=("a", "X")),
    dict(f=noisy_training_log, args=(np.array([0.5, 1.2]), np.array([1.0, 0.7])), wrt=("w",)),
    dict(f=count_positive, args=(np.array([0.5, -1.0, 2.0, 0.3]),), wrt=("x",)),
]
