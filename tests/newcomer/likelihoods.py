import math

import numpy as np
from scipy.special import gammaln


def gaussian_nll(mu, log_sigma, x):
    sigma = np.exp(log_sigma)
    n = len(x)
    return (0.5 * np.sum(((x - mu) / sigma) ** 2) + n * np.log(sigma)
            + 0.5 * n * np.log(2 * np.pi))


def poisson_glm(beta, X, counts):
    eta = X @ beta
    lam = np.exp(eta)
    return -np.sum(counts * eta - lam - gammaln(counts + 1))


def student_t_loglik(mu, scale, x, nu=4.0):
    z = (x - mu) / scale
    ll = 0.0
    for zi in z:
        ll += (math.lgamma((nu + 1) / 2) - math.lgamma(nu / 2) - 0.5 * math.log(nu * math.pi)
               - math.log(scale) - (nu + 1) / 2 * math.log(1 + zi**2 / nu))
    return ll


x = np.array([0.3, -1.1, 0.8, 2.2, 0.5])

CASES = [
    dict(f=gaussian_nll, args=(0.4, -0.2, x), wrt=("mu", "log_sigma", "x")),
    dict(f=poisson_glm, args=(np.array([0.2, -0.3]), np.array([[1.0, 0.5], [1.0, -0.2], [1.0, 1.3]]),
                              np.array([2.0, 0.0, 1.0])), wrt=("beta",)),
    dict(f=student_t_loglik, args=(0.2, 1.3, x), wrt=("mu", "scale")),
]
