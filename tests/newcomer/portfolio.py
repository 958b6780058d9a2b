import numpy as np


def portfolio_variance(w, cov):
    w = w / np.sum(w)
    return w.T @ cov @ w


def neg_sharpe(w, mu, cov, rf=0.01):
    w = np.abs(w) / np.abs(w).sum()
    ret = np.dot(w, mu)
    vol = np.sqrt(w @ cov @ w)
    return -(ret - rf) / vol


def mean_variance_utility(w, mu, cov, risk_aversion):
    n = len(w)
    risk = sum(w[i] * w[j] * cov[i, j] for i in range(n) for j in range(n))
    return -(mu @ w) + risk_aversion / 2 * risk


cov = np.array([[0.04, 0.006, 0.01], [0.006, 0.09, 0.02], [0.01, 0.02, 0.16]])
mu = np.array([0.05, 0.08, 0.12])

CASES = [
    dict(f=portfolio_variance, args=(np.array([0.2, 0.5, 0.3]), cov), wrt=("w", "cov")),
    dict(f=neg_sharpe, args=(np.array([0.2, 0.5, 0.3]), mu, cov), wrt=("w", "mu")),
    dict(f=mean_variance_utility, args=(np.array([0.2, 0.5, 0.3]), mu, cov, 3.0), wrt=("w", "risk_aversion")),
]
