import numpy as np


def rbf_kernel(X1, X2, length, var):
    sqdist = np.sum(X1**2, 1).reshape(-1, 1) + np.sum(X2**2, 1) - 2 * X1 @ X2.T
    return var * np.exp(-0.5 / length**2 * sqdist)


def gp_nll(log_length, log_var, X, y, noise=0.1):
    K = rbf_kernel(X, X, np.exp(log_length), np.exp(log_var)) + noise**2 * np.eye(len(X))
    L = np.linalg.cholesky(K)
    alpha = np.linalg.solve(L.T, np.linalg.solve(L, y))
    return 0.5 * y @ alpha + np.sum(np.log(np.diag(L))) + 0.5 * len(X) * np.log(2 * np.pi)


def gp_nll_inv(log_length, X, y):
    K = rbf_kernel(X, X, np.exp(log_length), 1.0) + 0.01 * np.eye(X.shape[0])
    sign, logdet = np.linalg.slogdet(K)
    return 0.5 * y.T @ np.linalg.inv(K) @ y + 0.5 * logdet


X = np.array([[0.0], [0.5], [1.2], [2.0]])
y = np.array([0.1, 0.6, 0.9, 0.4])

CASES = [
    dict(f=gp_nll, args=(-0.2, 0.1, X, y), wrt=("log_length", "log_var", "X")),
    dict(f=gp_nll_inv, args=(-0.2, X, y), wrt=("log_length", "y")),
]
