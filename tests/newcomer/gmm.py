import math

import numpy as np
from scipy.special import logsumexp


def gmm_loglik(means, log_stds, logits, x):
    weights = np.exp(logits) / np.sum(np.exp(logits))
    stds = np.exp(log_stds)
    comp = (np.log(weights)[None, :] - 0.5 * ((x[:, None] - means[None, :]) / stds) ** 2
            - np.log(stds) - 0.5 * np.log(2 * np.pi))
    return np.sum(logsumexp(comp, axis=1))


def gmm_loglik_loop(means, stds, weights, x):
    total = 0.0
    for xi in x:
        p = 0.0
        for k in range(len(means)):
            p += weights[k] * math.exp(-0.5 * ((xi - means[k]) / stds[k]) ** 2) / (
                stds[k] * math.sqrt(2 * math.pi))
        total += math.log(p)
    return total


def gmm_manual_lse(means, x):
    comp = -0.5 * (x[:, None] - means[None, :]) ** 2
    m = comp.max(axis=1)
    lse = m + np.log(np.exp(comp - m[:, None]).sum(axis=1))
    return lse.sum()


x = np.array([-1.2, 0.3, 0.9, 2.5, 1.7])

CASES = [
    dict(f=gmm_loglik,
         args=(np.array([-1.0, 1.5]), np.array([0.1, -0.3]), np.array([0.2, -0.1]), x),
         wrt=("means", "log_stds", "logits")),
    dict(f=gmm_loglik_loop, args=(np.array([-1.0, 1.5]), np.array([0.9, 1.2]), np.array([0.4, 0.6]), x),
         wrt=("means", "stds", "weights")),
    dict(f=gmm_manual_lse, args=(np.array([-1.0, 0.4, 1.5]), x), wrt=("means", "x")),
]
