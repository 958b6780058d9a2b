import numpy as np


def sir_curve(beta, gamma, I0, days):
    N = 1000.0
    S, I, R = N - I0, I0, 0.0
    infected = []
    for day in range(days):
        new_inf = beta * S * I / N
        new_rec = gamma * I
        S -= new_inf
        I += new_inf - new_rec
        R += new_rec
        infected.append(I)
    return np.array(infected)


def sir_fit(beta, gamma, observed):
    pred = sir_curve(beta, gamma, 1.0, len(observed))
    return np.sum((np.log(pred) - np.log(observed)) ** 2)


CASES = [
    dict(f=sir_fit, args=(0.5, 0.2, np.array([1.2, 1.5, 1.8, 2.4, 2.9, 3.6, 4.3])), wrt=("beta", "gamma", "observed")),
]
