import numpy as np


def train_step_loss(w, X, y, verbose=False):
    assert X.ndim == 2, "X must be a matrix"
    assert X.shape[1] == len(w)
    pred = X @ w
    loss = np.mean((pred - y) ** 2)
    if np.isnan(loss):
        raise ValueError("loss is nan")
    if verbose:
        print("loss", loss, "pred", pred)
    return loss


def iterate_with_history(x0, lr):
    x = x0
    history = []
    for it in range(10):
        grad = 2 * (x - 1.0) + np.cos(x)
        x = x - lr * grad
        history.append(float(np.sum(x**2)))
        if len(history) > 1 and abs(history[-1] - history[-2]) < 1e-14:
            break
    return np.sum((x - 0.5) ** 2)


X = np.array([[1.0, 0.4], [0.2, -0.7], [0.5, 1.5]])
y = np.array([0.3, -0.2, 1.1])

CASES = [
    dict(f=train_step_loss, args=(np.array([0.6, -0.4]), X, y), wrt=("w",)),
    dict(f=iterate_with_history, args=(np.array([0.3, 2.0]), 0.2), wrt=("x0", "lr")),
]
