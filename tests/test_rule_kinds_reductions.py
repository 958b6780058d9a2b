"""Reductions stated once (templates/reductions.py): sum, mean, cumsum, cumulative_sum
and Python's sum are linear, their tangent made from the call site; the array
methods keep a tangent that calls the function, since a NumPy scalar's tangent may be
a Python float, which has no `.sum()`.  Each case is checked in forward mode against
reverse mode and finite differences (gradcheck.check_gradient)."""

import re

import numpy as np
import pytest

import s2s
from gradcheck import check_gradient, numerical_gradient, strict_jvp
from s2s import templating

rng = np.random.default_rng(11)


# -- array methods on NumPy scalars, whose tangents are Python floats -----------


def sum_method_of_scalar(x, w):
    s = np.sum(x * w)  # a NumPy float
    return s.sum() * 2.0


def mean_method_of_scalar(x, w):
    s = np.sum(x * w)
    return s.mean(keepdims=False) * 3.0


def cumsum_method_of_scalar(x, w):
    s = np.sum(x * w)
    return np.sum(s.cumsum() * w[0])


@pytest.mark.parametrize("f", [sum_method_of_scalar, mean_method_of_scalar,
                               cumsum_method_of_scalar], ids=lambda f: f.__name__)
def test_method_of_a_numpy_scalar(f):
    x, w = rng.normal(size=4), rng.normal(size=4)
    check_gradient(f, (x, w))
    dx = 0.5  # a Python float, the tangent a NumPy scalar gets too
    value, tangent = s2s.jvp(f)(np.float64(1.5), 2.0 * np.ones(1), dx)
    assert np.isclose(value, f(np.float64(1.5), 2.0 * np.ones(1)))


def test_method_tangent_is_the_function():
    def f(x):
        return x.sum(axis=0)

    text = s2s.source(f, mode="forward")
    dx = re.search(r"def jvp_f\(x, (\w+)\)", text).group(1)
    assert re.search(rf"(np|numpy)\.sum\({dx}, axis=0", text) and f"{dx}.sum(" not in text


# -- the derived tangents: the call site's expression on tangents --------------


def sum_mean_cumsum(x, w):
    a = np.sum(x, axis=0, keepdims=True)
    b = np.mean(x, 1)
    c = np.cumsum(x, axis=-1)
    e = np.cumulative_sum(x, axis=0, include_initial=True)
    return np.sum(a * w[0]) + np.sum(b ** 2) + np.sum(c * x) + np.sum(e ** 2)


def test_derived_tangents_are_the_operations_on_tangents():
    x, w = rng.normal(size=(3, 4)), rng.normal(size=(3, 4))
    check_gradient(sum_mean_cumsum, (x, w))
    text = s2s.source(sum_mean_cumsum, wrt=["x"], mode="forward")
    dx = re.search(r"def jvp_sum_mean_cumsum\(x, w, (\w+)\)", text).group(1)
    for line in ("np.sum(dx, axis=0, keepdims=True)", "np.mean(dx, 1)",
                 "np.cumsum(dx, axis=-1)",
                 "np.cumulative_sum(dx, axis=0, include_initial=True)"):
        assert line.replace("dx", dx) in text, text


def test_cumsum_dtype_keeps_the_tangent_in_the_results_dtype():
    def f(x):
        return np.sum(np.cumsum(x, dtype=np.float32) ** 2)

    x = rng.normal(size=5).astype(np.float32)
    value, tangent = strict_jvp(f, (x,), (np.ones(5, np.float32),))
    assert tangent.dtype == np.float32


def sum_and_mean_of_a_list(a, b):
    return np.sum(np.sum([a, b * 2.0], axis=0) ** 2) + np.mean([a, b]) ** 2


def test_sum_and_mean_of_a_list_display_forward():
    a, b, da, db = rng.normal(size=(4, 3))
    _, tangent = s2s.jvp(sum_and_mean_of_a_list, wrt=(0, 1))(a, b, da, db)
    expected = (numerical_gradient(sum_and_mean_of_a_list, (a, b), 0) @ da
                + numerical_gradient(sum_and_mean_of_a_list, (a, b), 1) @ db)
    np.testing.assert_allclose(tangent, expected, rtol=1e-6)
    _, tangent = s2s.jvp(sum_and_mean_of_a_list, wrt=(1,))(a, b, db)  # a inactive
    expected = numerical_gradient(sum_and_mean_of_a_list, (a, b), 1) @ db
    np.testing.assert_allclose(tangent, expected, rtol=1e-6)


def mean_of_a_list(a, b):
    return np.mean([a, b])


def test_mean_of_a_list_reverse():
    """size_ratio(z, x) took a list's size as 1: each element got 1, not 1/n."""
    a, b = rng.normal(size=(2, 3))
    check_gradient(mean_of_a_list, (a, b), wrt=(0, 1), forward=False)


# -- Python's sum: linear in its items and `start` together ---------------------


def builtin_sum_of_list(xs, w):
    return np.sum(sum(xs) * w)


def builtin_sum_with_start(xs, start, w):
    return np.sum(sum(xs, start) ** 2 * w)


def builtin_sum_with_literal_start(xs, w):
    return np.sum(sum(xs, 0.5) * w)


def builtin_sum_of_display(a, b, w):
    return np.sum(sum([a, b * b]) * w)


def builtin_sum_of_array_rows(x, start, w):
    return np.sum(sum(x, start) ** 2 * w)


def test_builtin_sum():
    xs = [rng.normal(size=3) for _ in range(3)]
    w = rng.normal(size=3)
    check_gradient(builtin_sum_of_list, (xs, w))
    check_gradient(builtin_sum_with_start, (xs, rng.normal(size=3), w), wrt=(0, 1))
    check_gradient(builtin_sum_with_start, (xs, rng.normal(size=3), w), wrt=1)
    check_gradient(builtin_sum_with_start, (xs, 0.25, w), wrt=1)  # start widens
    check_gradient(builtin_sum_with_literal_start, (xs, w))
    check_gradient(builtin_sum_of_display, (xs[0], xs[1], w), wrt=(0, 1))
    check_gradient(builtin_sum_of_display, (xs[0], xs[1], w), wrt=1)
    x = rng.normal(size=(3, 4))
    wide = rng.normal(size=(2, 4))  # start wider than a row: the sum has its shape
    check_gradient(builtin_sum_of_array_rows, (x, wide, rng.normal(size=(2, 4))), wrt=1)
    check_gradient(builtin_sum_of_array_rows, (x, 0.5, rng.normal(size=4)), wrt=(0, 1))


def test_hvp_through_linear_reductions():
    def f(x):
        return np.sum(np.cumsum(x, axis=0) ** 3) + np.mean(x) ** 2 + sum(x) @ sum(x)

    x, v = rng.normal(size=(3, 2)), rng.normal(size=(3, 2))
    eps = 1e-6
    got = s2s.hvp(f)(x, v)
    g = s2s.grad(f)
    expected = (g(x + eps * v) - g(x - eps * v)) / (2 * eps)
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-7)


def test_how_the_rules_are_stated():
    templating.load_builtin_templates()
    for function in (np.sum, np.mean, np.cumsum, np.cumulative_sum, sum,
                     np.ndarray.sum, np.ndarray.mean, np.ndarray.cumsum):
        assert templating.adjoint_template(function).rule == "linear", function
    for function in (np.sum, np.mean, np.cumsum, np.cumulative_sum, sum):
        assert isinstance(templating.tangent_template(function), templating.LinearTangent)
    for method in (np.ndarray.sum, np.ndarray.mean, np.ndarray.cumsum):
        assert templating.tangent_template(method).rule == "tangent"
    for function in (np.prod, np.max, np.var, np.std, np.cumprod, np.nansum, np.nanmean,
                     np.average, np.ptp, np.median, np.quantile, np.percentile,
                     np.nanvar, np.nanstd, np.nanprod, np.cov, np.corrcoef):
        assert templating.adjoint_template(function).rule == "adjoint", function
        assert templating.tangent_template(function).rule == "tangent", function
