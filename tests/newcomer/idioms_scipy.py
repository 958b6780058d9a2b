"""SciPy's special functions and distributions, NumPy's FFT and factorizations, the
way people use them: a GELU with erf, Black-Scholes with ndtr, a mixture's
log-likelihood with logsumexp, a spectral low-pass filter with rfft, a least-squares
fit with lstsq, a PCA reconstruction loss with svd, a classifier with log_softmax,
frozen distributions' likelihoods and priors, an ODE fit with odeint."""

import math

import numpy as np
from scipy import special, stats
from scipy.integrate import odeint
from scipy.special import erf, log_softmax, logsumexp, ndtr
from scipy.stats import multivariate_normal, norm


def gelu_layer(W, x):
    h = x @ W
    out = 0.5 * h * (1 + erf(h / np.sqrt(2)))
    return np.mean(out ** 2)


def black_scholes(S, K, T, r, sigma):
    d1 = (np.log(S / K) + (r + sigma ** 2 / 2) * T) / (sigma * np.sqrt(T))
    d2 = d1 - sigma * np.sqrt(T)
    return S * ndtr(d1) - K * np.exp(-r * T) * ndtr(d2)


def portfolio_of_calls(strikes, S, T, r, sigma):
    total = 0.0
    for K in strikes:
        d1 = (math.log(S / K) + (r + 0.5 * sigma * sigma) * T) / (sigma * math.sqrt(T))
        d2 = d1 - sigma * math.sqrt(T)
        total += S * special.ndtr(d1) - K * math.exp(-r * T) * special.ndtr(d2)
    return total


def mixture_nll(means, log_scales, logits, x):
    log_w = logits - logsumexp(logits)
    z = (x[:, None] - means) / np.exp(log_scales)
    log_p = log_w - 0.5 * z ** 2 - log_scales - 0.5 * np.log(2 * np.pi)
    return -np.sum(logsumexp(log_p, axis=1))


def weighted_mixture_nll(means, x, weights):
    log_p = -0.5 * (x[:, None] - means) ** 2
    return -np.sum(logsumexp(log_p, axis=1, b=weights))


def lowpass_energy(signal, cutoff):
    spectrum = np.fft.rfft(signal)
    freqs = np.fft.rfftfreq(len(signal))
    spectrum = spectrum * (freqs < cutoff)
    smooth = np.fft.irfft(spectrum, n=len(signal))
    return np.sum((signal - smooth) ** 2) + 0.1 * np.sum(smooth ** 2)


def fit_line(slope, intercept, t):
    y = slope * t + intercept + 0.1 * np.sin(7 * t)
    A = np.stack([t, np.ones_like(t)], axis=1)
    coef, residuals, rank, sv = np.linalg.lstsq(A, y, rcond=None)
    return np.sum((A @ coef - y) ** 2) + coef[0] ** 2


def pca_reconstruction(X, k=2):
    Xc = X - X.mean(axis=0)
    U, S, Vt = np.linalg.svd(Xc, full_matrices=False)
    X_hat = U[:, :k] @ np.diag(S[:k]) @ Vt[:k]
    return np.sum((Xc - X_hat) ** 2) / len(X)


def classifier_loss(W, X, labels):
    logp = log_softmax(X @ W, axis=1)
    return -np.mean(logp[np.arange(len(labels)), labels])


def frozen_likelihood(mu, log_sigma, x):
    model = norm(mu, np.exp(log_sigma))
    return -np.sum(model.logpdf(x)) - stats.t(4.0, loc=mu).logcdf(2.0)


def posterior_in_a_loop(theta, x):
    prior = multivariate_normal(mean=np.zeros(2), cov=np.eye(2) * 4.0)
    total = prior.logpdf(theta)
    for xi in x:
        component = norm(theta[0], np.exp(theta[1]))
        total += component.logpdf(xi)
    return -total


def sir(state, t, beta, gamma):
    s, i, r = state
    return [-beta * s * i, beta * s * i - gamma * i, gamma * i]


def epidemic_fit(beta, gamma, observed):
    t = np.linspace(0, 10, 11)
    path = odeint(sir, [0.99, 0.01, 0.0], t, args=(beta, gamma))
    return np.sum((path[:, 1] - observed) ** 2)


rng = np.random.default_rng(19)
x = np.array([-1.2, 0.3, 0.9, 2.5, 1.7])
t = np.linspace(0.0, 1.0, 6)

CASES = [
    dict(f=gelu_layer, args=(rng.normal(size=(3, 4)) * 0.5, rng.normal(size=(5, 3))),
         wrt=("W", "x")),
    dict(f=black_scholes, args=(100.0, 105.0, 0.5, 0.02, 0.25),
         wrt=("S", "K", "T", "r", "sigma")),
    dict(f=portfolio_of_calls, args=(np.array([95.0, 100.0, 110.0]), 100.0, 0.5, 0.02, 0.25),
         wrt=("strikes", "S", "sigma")),
    dict(f=mixture_nll, args=(np.array([-1.0, 1.5]), np.array([0.1, -0.3]),
                              np.array([0.2, -0.1]), x), wrt=("means", "log_scales", "logits")),
    dict(f=weighted_mixture_nll, args=(np.array([-1.0, 0.5, 1.5]), x, np.array([0.2, 0.5, 0.3])),
         wrt=("means", "weights")),
    dict(f=lowpass_energy, args=(rng.normal(size=9), 0.3), wrt=("signal",)),
    dict(f=fit_line, args=(1.5, -0.5, t), wrt=("slope", "intercept", "t")),
    dict(f=pca_reconstruction, args=(rng.normal(size=(6, 4)),), wrt=("X",)),
    dict(f=frozen_likelihood, args=(0.3, -0.2, x), wrt=("mu", "log_sigma", "x")),
    dict(f=posterior_in_a_loop, args=(np.array([0.2, 0.1]), x), wrt=("theta",)),
    dict(f=epidemic_fit, args=(0.8, 0.25, np.linspace(0.01, 0.2, 11)), wrt=("beta", "gamma")),
    dict(f=classifier_loss, args=(rng.normal(size=(3, 4)), rng.normal(size=(5, 3)),
                                  np.array([0, 3, 1, 2, 3])), wrt=("W",)),
]
