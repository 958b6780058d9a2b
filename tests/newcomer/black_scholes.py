import math

from scipy.stats import norm


def bs_call(S, K, T, r, sigma):
    d1 = (math.log(S / K) + (r + 0.5 * sigma**2) * T) / (sigma * math.sqrt(T))
    d2 = d1 - sigma * math.sqrt(T)
    return S * norm.cdf(d1) - K * math.exp(-r * T) * norm.cdf(d2)


def ncdf(x):
    return 0.5 * (1 + math.erf(x / math.sqrt(2)))


def bs_call_erf(S, K, T, r, sigma):
    d1 = (math.log(S / K) + (r + sigma**2 / 2) * T) / (sigma * math.sqrt(T))
    d2 = d1 - sigma * math.sqrt(T)
    return S * ncdf(d1) - K * math.exp(-r * T) * ncdf(d2)


CASES = [
    dict(f=bs_call,
         args=(100.0, 105.0, 0.5, 0.02, 0.25), wrt=("S", "K", "T", "r", "sigma")),
    dict(f=bs_call_erf, args=(100.0, 105.0, 0.5, 0.02, 0.25), wrt=("S", "K", "T", "r", "sigma")),
]
