"""try around an optional step, and context managers that only silence warnings."""
import contextlib
import warnings

import numpy as np


def robust_solve(a, b):
    try:
        x = np.linalg.solve(a, b)
    except np.linalg.LinAlgError:
        x = np.linalg.lstsq(a, b, rcond=None)[0]
    return np.sum(x ** 2)


def refine(x):
    if np.any(x > 10):
        raise ValueError("diverged")
    return x - 0.1 * np.sin(x)


def maybe_refined(x):
    try:
        x = refine(x)
    except ValueError:
        pass
    return np.sum(x ** 2)


def refined_twice(x):
    y = x * 2.0
    try:
        y = refine(y)
        y = refine(y * 3.0)
    except ValueError:
        y = y + 1.0
    return np.sum(y ** 2)


def log_safely(x):
    with np.errstate(divide="ignore", invalid="ignore"):
        y = np.log(x)
    return np.sum(np.where(np.isfinite(y), y, 0.0) * x)


def quiet(x):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        z = np.sqrt(x) * 2.0
    return np.sum(z)


def maybe_context(x, ctx=None):
    with ctx or contextlib.nullcontext():
        y = x * 3.0
    return np.sum(y ** 2)


A = np.array([[2.0, 0.3], [0.1, 1.5]])

CASES = [
    dict(f=robust_solve, args=(A, np.array([1.0, -0.5])), wrt=("a", "b")),
    dict(f=maybe_refined, args=(np.array([0.4, 1.2, -0.3]),), wrt=("x",)),
    dict(f=maybe_refined, args=(np.array([0.4, 12.0, -0.3]),), wrt=("x",)),
    dict(f=refined_twice, args=(np.array([0.4, 1.2, -0.3]),), wrt=("x",)),
    dict(f=refined_twice, args=(np.array([0.4, 2.0, -0.3]),), wrt=("x",)),  # the second raises
    dict(f=refined_twice, args=(np.array([0.4, 6.0, -0.3]),), wrt=("x",)),  # the first raises
    dict(f=log_safely, args=(np.array([0.4, 1.2, 2.3]),), wrt=("x",)),
    dict(f=quiet, args=(np.array([0.4, 1.2, 2.3]),), wrt=("x",)),
    dict(f=maybe_context, refused=r"optional_steps\.py:\d+:\d+: with \.\.\.\(\.\.\.\) is not supported", args=(np.array([0.4, -1.2]),), wrt=("x",)),
]
