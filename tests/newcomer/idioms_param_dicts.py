"""Dicts of parameters, walked the usual ways."""
import numpy as np

rng = np.random.default_rng(182)
PARAMS = {"w1": rng.normal(size=(3, 4)), "b1": rng.normal(size=4), "w2": rng.normal(size=(4, 1))}
X = rng.normal(size=(5, 3))


def l2_penalty(params):
    total = 0.0
    for name, value in params.items():
        total = total + np.sum(value ** 2)
    return total


def norms_by_values(params):
    return sum(np.sum(np.abs(v)) for v in params.values())


def forward_with_get(params, x):
    h = np.tanh(x @ params["w1"] + params.get("b1", 0.0))
    return np.sum((h @ params["w2"]) ** 2)


def decayed(params, rate):
    shrunk = {k: v * (1 - rate) for k, v in params.items()}
    return sum(np.sum(v ** 2) for v in shrunk.values())


def by_keys(params):
    out = 0.0
    for key in sorted(params.keys()):
        out = out + np.mean(params[key]) ** 2
    return out


CASES = [
    dict(f=l2_penalty, args=(PARAMS,), wrt=("params",)),
    dict(f=norms_by_values, args=(PARAMS,), wrt=("params",)),
    dict(f=forward_with_get, args=(PARAMS, X), wrt=("params",)),
    dict(f=decayed, args=(PARAMS, 0.1), wrt=("params", "rate")),
    dict(f=by_keys, args=(PARAMS,), wrt=("params",)),
]
