import numpy as np


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def nll(w, b, X, y, lam=0.01):
    p = sigmoid(X.dot(w) + b)
    eps = 1e-12
    loss = -np.mean(y * np.log(p + eps) + (1 - y) * np.log(1 - p + eps))
    return loss + lam * np.sum(w**2)


def predict_and_loss(w, X, y):
    # a helper returning two things; the caller keeps one
    def forward(w, X):
        logits = X @ w
        return sigmoid(logits), logits

    p, logits = forward(w, X)
    loss = 0.0
    for i in range(len(y)):
        if y[i] == 1:
            loss -= np.log(p[i])
        else:
            loss -= np.log(1 - p[i])
    return loss


X = np.array([[0.5, 1.2], [-0.3, 0.8], [1.5, -0.7], [0.1, 0.2]])
y = np.array([1.0, 0.0, 1.0, 0.0])

CASES = [
    dict(f=nll, args=(np.array([0.3, -0.6]), 0.1, X, y), wrt=("w", "b")),
    dict(f=predict_and_loss, args=(np.array([0.3, -0.6]), X, np.array([1, 0, 1, 0])), wrt=("w",)),
]
