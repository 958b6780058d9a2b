import numpy as np


def huber(residual, delta=1.0):
    small = np.abs(residual) <= delta
    return np.where(small, 0.5 * residual**2, delta * (np.abs(residual) - 0.5 * delta))


def robust_fit(w, X, y):
    r = X @ w - y
    return np.sum(huber(r))


def ppo_objective(ratio, adv, eps=0.2):
    clipped = np.clip(ratio, 1 - eps, 1 + eps)
    return -np.mean(np.minimum(ratio * adv, clipped * adv))


def safe_log_loss(p, y):
    p = np.clip(p, 1e-7, 1 - 1e-7)
    return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))


X = np.array([[1.0, 0.5], [1.0, -1.0], [1.0, 2.0], [1.0, 0.1]])
y = np.array([0.3, 2.5, -0.4, 0.2])

CASES = [
    dict(f=robust_fit, args=(np.array([0.2, 0.7]), X, y), wrt=("w",)),
    dict(f=ppo_objective, args=(np.array([0.7, 0.95, 1.35, 1.1]), np.array([1.0, -0.5, 2.0, -1.5])),
         wrt=("ratio", "adv")),
    dict(f=safe_log_loss, args=(np.array([0.2, 0.7, 0.9]), np.array([0.0, 1.0, 1.0])), wrt=("p",)),
]
