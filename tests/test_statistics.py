"""median, quantile, percentile, nanvar, nanstd, nanprod, cov and corrcoef against
finite differences, on several shapes and axes; float32 kept."""

import numpy as np
import pytest

import s2s
from gradcheck import check_gradient, strict_gradients

rng = np.random.default_rng(71)
METHODS = ["linear", "lower", "higher", "nearest", "midpoint", "hazen", "weibull",
           "median_unbiased", "normal_unbiased", "inverted_cdf",
           "averaged_inverted_cdf", "closest_observation", "interpolated_inverted_cdf"]


def distinct(*shape):
    """Values at least 0.05 apart: a quantile's order statistics are unambiguous."""
    n = int(np.prod(shape))
    return (rng.permutation(n) * 0.1 + rng.uniform(0, 0.05, size=n)).reshape(shape)


def median_all(a, w):
    return np.median(a) * w


def median_axis(a, w):
    return np.sum(np.median(a, axis=1) * w)


def median_axes_keepdims(a, w):
    return np.sum(np.median(a, axis=(0, 2), keepdims=True) * w)


@pytest.mark.parametrize(
    "f, shape, wshape",
    [(median_all, (7,), ()), (median_all, (4, 5), ()), (median_axis, (3, 4), (3,)),
     (median_axis, (3, 5, 2), (3, 2)), (median_axes_keepdims, (2, 3, 4), (1, 3, 1))],
    ids=lambda v: getattr(v, "__name__", str(v)),
)
def test_median(f, shape, wshape):
    check_gradient(f, (distinct(*shape), rng.normal(size=wshape)))


def quantile_scalar(a, w):
    return np.sum(np.quantile(a, 0.3, axis=0) * w)


def quantile_many(a, w):
    return np.sum(np.quantile(a, [0.1, 0.5, 0.95], axis=-1, keepdims=True) ** 2 * w)


def percentile_grid(a, w):
    return np.sum(np.percentile(a, np.array([[10.0, 40.0], [75.0, 100.0]])) * w)


@pytest.mark.parametrize(
    "f, shape, wshape",
    [(quantile_scalar, (6, 3), (3,)), (quantile_scalar, (5,), ()),
     (quantile_many, (2, 7), (3, 2, 1)), (percentile_grid, (3, 4), (2, 2))],
    ids=lambda v: getattr(v, "__name__", str(v)),
)
def test_quantile_and_percentile(f, shape, wshape):
    check_gradient(f, (distinct(*shape), rng.normal(size=wshape)))


def quantile_method(a, w, method):
    return np.sum(np.quantile(a, [0.05, 0.33, 0.5, 0.8], axis=0, method=method) * w)


@pytest.mark.parametrize("method", METHODS)
def test_every_quantile_method(method):
    a, w = distinct(9, 2), rng.normal(size=(4, 2))
    check_gradient(quantile_method, (a, w, method))


def test_median_of_equal_values_follows_a_stable_sort():
    # [2, 1, 2]: the median is the 2 a stable sort puts second, the first one
    g = s2s.grad(median_all)(np.array([2.0, 1.0, 2.0]), 1.0)
    np.testing.assert_array_equal(g, [1.0, 0.0, 0.0])


def test_median_float32():
    a, w = distinct(4, 5).astype(np.float32), rng.normal(size=4).astype(np.float32)
    (g,) = strict_gradients(median_axis, (a, w))
    np.testing.assert_allclose(g, s2s.grad(median_axis)(a.astype(float), w.astype(float)),
                               rtol=1e-6)


def test_quantile_weights_are_refused():
    def weighted(a, w):
        return np.quantile(a, 0.5, method="inverted_cdf", weights=w)

    with pytest.raises(NotImplementedError, match="weights"):
        s2s.grad(weighted)(distinct(5), np.ones(5))


# -- nan- reductions -----------------------------------------------------------


def with_nans(*shape):
    a = rng.uniform(0.5, 1.5, size=shape)
    a.flat[::4] = np.nan
    return a


def nanvar_axis(a, w):
    return np.sum(np.nanvar(a, axis=0, ddof=1) * w)


def nanvar_all(a, w):
    return np.nanvar(a) * w


def nanstd_keepdims(a, w):
    return np.sum(np.nanstd(a, axis=-1, keepdims=True) * w)


def nanprod_axis(a, w):
    return np.sum(np.nanprod(a, axis=1) * w)


def nanprod_all(a, w):
    return np.nanprod(a) * w


NAN_CASES = [(nanvar_axis, (4, 3), (3,)), (nanvar_all, (3, 4), ()),
             (nanstd_keepdims, (2, 5), (2, 1)), (nanstd_keepdims, (6,), (1,)),
             (nanprod_axis, (3, 4), (3,)), (nanprod_all, (7,), ())]


@pytest.mark.parametrize("f, shape, wshape", NAN_CASES,
                         ids=lambda v: getattr(v, "__name__", str(v)))
def test_nan_reductions(f, shape, wshape):
    a, w = with_nans(*shape), rng.normal(size=wshape)
    got = s2s.grad(f)(a, w)
    assert np.all(got[np.isnan(a)] == 0), "the NaNs it skips get a zero adjoint"
    kept = ~np.isnan(a)

    def on_kept(values, w):  # the function of the values that are not NaN
        b = a.copy()
        b[kept] = values
        return f(b, w)

    from gradcheck import numerical_gradient

    np.testing.assert_allclose(got[kept], numerical_gradient(on_kept, (a[kept], w), 0),
                               rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("f, shape, wshape", NAN_CASES[::2],
                         ids=lambda v: getattr(v, "__name__", str(v)))
def test_nan_reductions_float32(f, shape, wshape):
    a, w = with_nans(*shape).astype(np.float32), rng.normal(size=wshape).astype(np.float32)
    (g,) = strict_gradients(f, (a, w))
    np.testing.assert_allclose(g, s2s.grad(f)(a.astype(float), w.astype(float)),
                               rtol=1e-4, atol=1e-6)


# -- cov and corrcoef ----------------------------------------------------------


def cov_rows(m, w):
    return np.sum(np.cov(m) * w)


def cov_columns_biased(m, w):
    return np.sum(np.cov(m, rowvar=False, bias=True) * w)


def cov_ddof(m, w):
    return np.sum(np.cov(m, ddof=0) * w)


def cov_one_variable(m, w):
    return np.cov(m) * w


def cov_pair(m, y, w):
    return np.sum(np.cov(m, y) * w)


def cov_pair_columns(m, y, w):
    return np.sum(np.cov(m, y, rowvar=False) * w)


def corrcoef_rows(m, w):
    return np.sum(np.corrcoef(m) * w)


def corrcoef_pair(m, y, w):
    return np.sum(np.corrcoef(m, y, rowvar=False) * w)


def corrcoef_one_variable(m, w):
    return np.corrcoef(m) * w


@pytest.mark.parametrize(
    "f, shapes",
    [(cov_rows, [(3, 6), (3, 3)]), (cov_columns_biased, [(6, 2), (2, 2)]),
     (cov_ddof, [(2, 5), (2, 2)]), (cov_one_variable, [(5,), ()]),
     (cov_pair, [(2, 5), (5,), (3, 3)]), (cov_pair_columns, [(5, 2), (5, 1), (3, 3)]),
     (corrcoef_rows, [(3, 6), (3, 3)]), (corrcoef_pair, [(6, 2), (6,), (3, 3)]),
     (corrcoef_one_variable, [(5,), ()])],
    ids=lambda v: getattr(v, "__name__", str(v)),
)
def test_cov_and_corrcoef(f, shapes):
    args = tuple(rng.normal(size=s) for s in shapes)
    check_gradient(f, args, wrt=tuple(range(len(args) - 1)))


def test_cov_float32_gradient_is_float32():
    m, w = rng.normal(size=(3, 6)).astype(np.float32), rng.normal(size=(3, 3))
    (g,) = strict_gradients(corrcoef_rows, (m, w))
    np.testing.assert_allclose(g, s2s.grad(corrcoef_rows)(m.astype(float), w), rtol=1e-4,
                               atol=1e-5)


def test_cov_weights_are_refused():
    def weighted(m, a):
        return np.sum(np.cov(m, aweights=a))

    with pytest.raises(NotImplementedError, match="aweights"):
        s2s.grad(weighted)(rng.normal(size=(2, 4)), np.ones(4))


# -- q --------------------------------------------------------------------------


def quantile_in_q(q, a, w, method):
    return np.sum(np.quantile(a, q, axis=0, method=method) * w)


def percentile_in_q(q, a, w):
    return np.sum(np.percentile(a, q, axis=-1, keepdims=True) * w)


@pytest.mark.parametrize("method", ["linear", "hazen", "weibull", "median_unbiased",
                                    "normal_unbiased", "interpolated_inverted_cdf"])
def test_quantiles_move_with_q(method):
    a = distinct(7, 2)
    check_gradient(quantile_in_q, (np.array([0.23, 0.61]), a, rng.normal(size=(2, 2)),
                                   method), wrt=(0, 1))
    check_gradient(quantile_in_q, (0.44, a, rng.normal(size=2), method), wrt=(0, 1))


def test_percentile_moves_with_q():
    check_gradient(percentile_in_q, (np.array([[17.0], [66.0]]), distinct(3, 5),
                                     rng.normal(size=(2, 1, 3, 1))), wrt=(0, 1))


@pytest.mark.parametrize("method", ["lower", "nearest", "inverted_cdf", "midpoint"])
def test_quantiles_that_jump_have_no_derivative_in_q(method):
    a = distinct(6, 2)
    g = s2s.grad(quantile_in_q)(np.array([0.3, 0.7]), a, np.ones((2, 2)), method)
    np.testing.assert_array_equal(g, [0.0, 0.0])


def test_second_derivatives_through_q_are_refused():
    with pytest.raises(NotImplementedError, match="with respect to q"):
        s2s.hvp(quantile_in_q)(np.array([0.3, 0.7]), distinct(6, 2), np.ones((2, 2)),
                               "linear", np.ones(2))
