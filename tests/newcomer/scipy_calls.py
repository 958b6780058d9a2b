import numpy as np
import scipy.stats
from scipy import stats
from scipy.special import expit, softmax


def logreg_expit(w, X, y):
    p = expit(X @ w)
    return -np.sum(y * np.log(p) + (1 - y) * np.log(1 - p))


def norm_loglik(mu, sigma, x):
    return np.sum(stats.norm.logpdf(x, loc=mu, scale=sigma))


def log_posterior(theta, x):
    prior = scipy.stats.norm.logpdf(theta, 0, 10).sum()
    lik = scipy.stats.norm.logpdf(x, loc=theta[0], scale=np.exp(theta[1])).sum()
    return prior + lik


def softmax_policy(theta, rewards):
    pi = softmax(theta)
    return pi @ rewards


X = np.array([[0.5, 1.2], [-0.3, 0.8], [1.5, -0.7], [0.1, 0.2]])
y = np.array([1.0, 0.0, 1.0, 0.0])
x = np.array([0.3, -1.1, 0.8, 2.2])

CASES = [
    dict(f=logreg_expit,
         args=(np.array([0.3, -0.6]), X, y), wrt=("w",)),
    dict(f=norm_loglik,
         args=(0.2, 1.4, x), wrt=("mu", "sigma")),
    dict(f=log_posterior,
         args=(np.array([0.1, 0.2]), x), wrt=("theta",)),
    dict(f=softmax_policy,
         args=(np.array([0.1, 0.5, -0.3]), np.array([1.0, 2.0, 0.5])), wrt=("theta",)),
]
