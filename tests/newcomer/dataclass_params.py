from dataclasses import dataclass

import numpy as np


@dataclass
class Params:
    slope: float
    intercept: float
    noise: float = 0.5


def neg_loglik(p, x, y):
    pred = p.slope * x + p.intercept
    return np.sum((y - pred) ** 2) / (2 * p.noise**2) + len(x) * np.log(p.noise)


def fit_objective(slope, intercept, x, y):
    p = Params(slope, intercept)
    return neg_loglik(p, x, y)


CASES = [
    dict(f=fit_objective,
         args=(0.8, -0.1, np.array([0.0, 1.0, 2.0]), np.array([0.1, 0.7, 1.9])),
         wrt=("slope", "intercept")),
]
