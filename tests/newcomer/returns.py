import math

import numpy as np


def annual_vol(prices):
    r = np.diff(np.log(prices))
    return np.std(r) * math.sqrt(252)


def compounded(rates, principal):
    growth = np.cumprod(1 + rates)
    return principal * growth[-1] - np.sum(growth)


def npv(rate, cashflows):
    return sum(cf / (1 + rate) ** t for t, cf in enumerate(cashflows))


def irr(cashflows):
    rate = 0.1
    for _ in range(100):
        f = npv(rate, cashflows)
        df = sum(-t * cf / (1 + rate) ** (t + 1) for t, cf in enumerate(cashflows))
        step = f / df
        rate -= step
        if abs(step) < 1e-12:
            break
    return rate


CASES = [
    dict(f=annual_vol, args=(np.array([100.0, 101.5, 99.8, 102.3, 103.0]),), wrt=("prices",)),
    dict(f=compounded, args=(np.array([0.01, 0.03, -0.02, 0.015]), 1000.0), wrt=("rates", "principal")),
    dict(f=npv, args=(0.05, np.array([-100.0, 30.0, 40.0, 50.0])), wrt=("rate", "cashflows")),
    dict(f=irr, args=(np.array([-100.0, 30.0, 40.0, 50.0]),), wrt=("cashflows",)),
]
