"""var, std, cumsum, cumprod (and cumulative_sum, cumulative_prod), nansum, nanmean,
average and ptp, as functions and methods, against finite differences over every
form of `axis` and keyword; cumprod through zeros against values worked out by hand;
float32 kept; and the stable softmax, log-softmax and logsumexp written with NumPy."""

import numpy as np
import pytest

import s2s
from gradcheck import check_gradient, strict_gradients

rng = np.random.default_rng(7)

# (shape, axis): None, int, negative int, tuple (with a negative member)
AXES = [
    ((5,), None), ((5,), 0), ((5,), -1),
    ((3, 4), None), ((3, 4), 0), ((3, 4), -1), ((3, 4), (0, 1)),
    ((2, 3, 4), None), ((2, 3, 4), 1), ((2, 3, 4), -3), ((2, 3, 4), (0, 2)),
    ((2, 3, 4), (-1, 1)),
]


def distinct(shape, dtype=np.float64):
    """Distinct values, away from zero, with both signs: no ties, no kinks."""
    x = rng.permutation(np.linspace(0.5, 1.5, int(np.prod(shape)))).reshape(shape)
    return (x * rng.choice([-1.0, 1.0], size=shape)).astype(dtype)


def weight(shape, dtype=np.float64):
    return rng.normal(size=shape).astype(dtype)


# -- var, std, nanmean, nansum, ptp: axis, keepdims, ddof ----------------------


def var(x, w, axis, keepdims, ddof):
    return np.sum(np.var(x, axis=axis, keepdims=keepdims, ddof=ddof) * w)


def std(x, w, axis, keepdims, ddof):
    return np.sum(np.std(x, axis=axis, keepdims=keepdims, ddof=ddof) * w)


def var_method(x, w, axis, keepdims, ddof):
    return np.sum(x.var(axis=axis, keepdims=keepdims, ddof=ddof) * w)


def std_method(x, w, axis, keepdims, ddof):
    return np.sum(x.std(axis=axis, keepdims=keepdims, ddof=ddof) * w)


def var_correction(x, w, axis, keepdims, ddof):
    return np.sum(np.var(x, axis=axis, keepdims=keepdims, correction=ddof) * w)


def std_correction(x, w, axis, keepdims, ddof):
    return np.sum(np.std(x, axis=axis, keepdims=keepdims, correction=ddof) * w)


def nansum(x, w, axis, keepdims, ddof):
    return np.sum(np.nansum(x, axis=axis, keepdims=keepdims) ** 2 * w)


def nanmean(x, w, axis, keepdims, ddof):
    return np.sum(np.nanmean(x, axis=axis, keepdims=keepdims) ** 2 * w)


def ptp(x, w, axis, keepdims, ddof):
    return np.sum(np.ptp(x, axis=axis, keepdims=keepdims) ** 2 * w)


def average(x, w, axis, keepdims, ddof):
    return np.sum(np.average(x, axis=axis, keepdims=keepdims) ** 2 * w)


WITH_DDOF = [var, std, var_method, std_method, var_correction, std_correction]
KEEPDIMS = [
    *[(f, ddof) for f in WITH_DDOF for ddof in (0, 1)],
    *[(f, 0) for f in (nansum, nanmean, ptp, average)],
]


@pytest.mark.parametrize("keepdims", [False, True])
@pytest.mark.parametrize("shape, axis", AXES, ids=str)
@pytest.mark.parametrize("f, ddof", KEEPDIMS, ids=lambda v: getattr(v, "__name__", f"ddof{v}"))
def test_reduction(f, ddof, shape, axis, keepdims):
    x = distinct(shape)
    out = np.var(x, axis=axis, keepdims=keepdims)
    check_gradient(f, (x, weight(np.shape(out)), axis, keepdims, ddof))


def spellings(x, w):
    # positional axis, dtype, out and ddof; defaults; the mean passed in
    a = np.var(x, 0, None, None, 1) + np.std(x, -2) + x.var(0) * x.std(0, None, None, 1)
    m = np.mean(x, axis=1, keepdims=True)
    b = np.var(x, axis=1, mean=m) + x.std(1, mean=m, ddof=1)
    return np.sum(a * w) + np.sum(b) + np.var(x) * np.std(x) + np.ptp(x) + np.nansum(x)


@pytest.mark.parametrize("shape", [(3, 4), (5, 4)], ids=str)
def test_spellings(shape):
    check_gradient(spellings, (distinct(shape), weight(shape[1:])))


def std_of_constant(x):
    return np.std(x) + np.sum(np.std(x, axis=0))


def test_std_where_zero():
    # all values equal: std is 0, and its derivative is taken to be 0 there
    g = s2s.grad(std_of_constant)(np.full((3, 2), 2.0))
    np.testing.assert_array_equal(g, np.zeros((3, 2)))


def var_where(x):
    return np.sum(np.var(x, axis=0, where=x > 0))


def test_where_refused():
    with pytest.raises(s2s.errors.Unsupported, match="not supported by the derivative rule"):
        s2s.grad(var_where)(distinct((3, 2)))


# -- nansum and nanmean skip NaNs ---------------------------------------------


def nan_reductions(x, w):
    return np.sum(np.nansum(x, axis=0) * w) + np.nanmean(x) + np.sum(np.nanmean(x, 1) ** 2)


def nansum_initial(x, s):
    return np.sum(np.nansum(x, axis=1, initial=s) ** 2)


def test_nans():
    x = distinct((4, 3))
    x[1, 2] = x[3, 0] = x[2, 2] = np.nan
    w = weight(3)
    g = s2s.grad(nan_reductions)(x, w)
    assert np.all(g[np.isnan(x)] == 0.0)
    # finite differences on the values that are not NaN
    kept = ~np.isnan(x)

    def on_kept(v):
        y = x.copy()
        y[kept] = v
        return nan_reductions(y, w)

    from gradcheck import numerical_gradient

    np.testing.assert_allclose(g[kept], numerical_gradient(on_kept, (x[kept],), 0), rtol=1e-6)
    check_gradient(nansum_initial, (x, 0.5), wrt=(0, 1))


# -- average with weights ------------------------------------------------------


def average_weighted(x, v, w, axis, keepdims):
    return np.sum(np.average(x, axis=axis, weights=v, keepdims=keepdims) ** 2 * w)


def average_positional(x, v, w, axis, keepdims):
    return np.sum(np.average(x, axis, v) * w)


WEIGHTS = [  # (x's shape, axis, the weights' shape)
    ((5,), None, (5,)), ((5,), 0, (5,)), ((3, 4), None, (3, 4)), ((3, 4), 1, (4,)),
    ((3, 4), -2, (3,)), ((3, 4), 0, (3, 4)), ((2, 3, 4), (0, 2), (2, 4)),
    ((2, 3, 4), (2, 0), (4, 2)), ((2, 3, 4), (-1, 1), (4, 3)), ((2, 3, 4), (0, 1), (2, 3, 4)),
]


@pytest.mark.parametrize("keepdims", [False, True])
@pytest.mark.parametrize("shape, axis, wshape", WEIGHTS, ids=str)
def test_average_weights(shape, axis, wshape, keepdims):
    x, v = distinct(shape), rng.uniform(0.5, 2.0, size=wshape)
    out = np.average(x, axis=axis, weights=v, keepdims=keepdims)
    args = (x, v, weight(np.shape(out)), axis, keepdims)
    check_gradient(average_weighted, args, wrt=(0, 1))
    if not keepdims:
        check_gradient(average_positional, args, wrt=(0, 1))


def average_returned(x, v):
    avg, total = np.average(x, weights=v, returned=True)
    return avg * 2.0


def test_average_returned_refused():
    with pytest.raises(NotImplementedError, match="returned=True"):
        s2s.grad(average_returned)(distinct((4,)), rng.uniform(0.5, 2.0, size=4))


# -- cumsum and cumprod ---------------------------------------------------------


def cumsum(x, w, axis):
    return np.sum(np.cumsum(x, axis=axis) * w)


def cumprod(x, w, axis):
    return np.sum(np.cumprod(x, axis=axis) * w)


def cumsum_method(x, w, axis):
    return np.sum(x.cumsum(axis=axis) * w)


def cumprod_method(x, w, axis):
    return np.sum(x.cumprod(axis) * w)


def cumsum_dtype(x, w, axis):
    return np.sum(np.cumsum(x, axis, np.float64) * w)


CUMULATIVE = [cumsum, cumprod, cumsum_method, cumprod_method, cumsum_dtype]
CUM_AXES = [
    ((5,), None), ((5,), 0), ((5,), -1), ((3, 4), None), ((3, 4), 0), ((3, 4), -1),
    ((2, 3, 4), None), ((2, 3, 4), 1), ((2, 3, 4), -3),
]


@pytest.mark.parametrize("shape, axis", CUM_AXES, ids=str)
@pytest.mark.parametrize("f", CUMULATIVE, ids=lambda f: f.__name__)
def test_cumulative(f, shape, axis):
    x = distinct(shape)
    out = np.cumsum(x, axis=axis)
    check_gradient(f, (x, weight(np.shape(out)), axis))


def cumulative_sum(x, w, axis, include_initial):
    return np.sum(np.cumulative_sum(x, axis=axis, include_initial=include_initial) * w)


def cumulative_prod(x, w, axis, include_initial):
    return np.sum(np.cumulative_prod(x, axis=axis, include_initial=include_initial) * w)


@pytest.mark.parametrize("include_initial", [False, True])
@pytest.mark.parametrize("shape, axis", [((5,), None), ((5,), 0), ((3, 4), 1), ((2, 3, 4), -2)],
                         ids=str)
@pytest.mark.parametrize("f", [cumulative_sum, cumulative_prod], ids=lambda f: f.__name__)
def test_cumulative_functions(f, shape, axis, include_initial):
    x = distinct(shape)
    out = getattr(np, f.__name__)(x, axis=axis, include_initial=include_initial)
    check_gradient(f, (x, weight(np.shape(out)), axis, include_initial))


def cumprod_all(x, w):
    return np.sum(np.cumprod(x) * w)


def test_cumprod_zeros_by_hand():
    # z = (2, 0, 0, 0): dz/dx0 = (1, 0, 0, 0), dz/dx1 = (0, 2, 2*3, 2*3*0) ...
    x = np.array([2.0, 0.0, 3.0, 0.0])
    w = np.array([1.0, 10.0, 100.0, 1000.0])
    (g, _) = check_gradient(cumprod_all, (x, w), wrt=(0, 1))
    np.testing.assert_array_equal(g, [1.0, 20.0 + 600.0, 0.0, 0.0])


def test_cumprod_zeros_along_axes():
    x = distinct((4, 5))
    x[0, 0] = 0.0  # a zero first
    x[1, 2] = 0.0  # one zero in the middle
    x[2, 1] = x[2, 3] = 0.0  # two zeros
    x[3, 4] = 0.0  # a zero last
    for axis in (None, 0, 1, -1):
        w = weight(np.shape(np.cumprod(x, axis=axis)))
        check_gradient(cumprod, (x, w, axis))
        check_gradient(cumprod_method, (x, w, axis))


# -- float32 in, float32 gradients ---------------------------------------------


def all_in_one(x, w):
    a = np.var(x, axis=0, ddof=1) + np.std(x, axis=0) + np.nanmean(x, axis=0)
    b = np.cumsum(x, axis=1) + np.cumprod(x, axis=1) + np.average(x, axis=1, keepdims=True)
    c = np.nansum(x) + np.ptp(x, axis=(0, 1)) + x.var() + x.std(keepdims=True)
    return np.sum(a * w) + np.sum(b * x) + np.sum(c)


def weighted_average(x, v):
    return np.sum(np.average(x, axis=-1, weights=v) ** 2)


def test_float32():
    x = distinct((3, 4), np.float32)
    x[1, 1] = 0.0  # cumprod through a zero
    w = weight(4, np.float32)
    grads = strict_gradients(all_in_one, (x, w), wrt=(0, 1))
    assert all(g.dtype == np.float32 for g in grads)
    g64 = s2s.grad(all_in_one, wrt=(0, 1))(x.astype(np.float64), w.astype(np.float64))
    for g, e in zip(grads, g64):
        np.testing.assert_allclose(g, e, rtol=1e-4, atol=1e-4)
    v = rng.uniform(0.5, 2.0, size=4).astype(np.float32)
    grads = strict_gradients(weighted_average, (x, v), wrt=(0, 1))
    assert all(g.dtype == np.float32 for g in grads)


# -- stable softmax, log-softmax and logsumexp, written with NumPy ---------------


def softmax(x, w):
    e = np.exp(x - np.max(x, axis=-1, keepdims=True))
    p = e / np.sum(e, axis=-1, keepdims=True)
    return np.sum(p * w)


def log_softmax(x, w):
    shifted = x - np.max(x, axis=-1, keepdims=True)
    out = shifted - np.log(np.sum(np.exp(shifted), axis=-1, keepdims=True))
    return np.sum(out * w)


def logsumexp(x, w):
    m = np.max(x, axis=-1, keepdims=True)
    out = np.log(np.sum(np.exp(x - m), axis=-1)) + np.squeeze(m, axis=-1)
    return np.sum(out * w)


def logsumexp_all(x):
    m = np.max(x)
    return m + np.log(np.sum(np.exp(x - m)))


def softmax_method(x, w):
    e = np.exp(x - x.max(axis=1, keepdims=True))
    return np.sum(e / e.sum(axis=1, keepdims=True) * w)


STABLE = [softmax, log_softmax, logsumexp]


@pytest.mark.parametrize("shape", [(5,), (3, 4), (2, 3, 4)], ids=str)
@pytest.mark.parametrize("f", STABLE, ids=lambda f: f.__name__)
def test_stable(f, shape):
    x = rng.normal(size=shape) * 3.0
    out_shape = shape if f is not logsumexp else shape[:-1]
    check_gradient(f, (x, weight(out_shape)))


def test_stable_closed_forms():
    x = rng.normal(size=(3, 4)) * 3.0
    w = weight((3, 4))
    p = np.exp(x) / np.sum(np.exp(x), axis=-1, keepdims=True)
    inner = np.sum(p * w, axis=-1, keepdims=True)
    np.testing.assert_allclose(s2s.grad(softmax)(x, w), p * (w - inner), rtol=1e-10)
    np.testing.assert_allclose(s2s.grad(softmax_method)(x, w), p * (w - inner), rtol=1e-10)
    wsum = np.sum(w, axis=-1, keepdims=True)
    np.testing.assert_allclose(s2s.grad(log_softmax)(x, w), w - p * wsum, rtol=1e-10, atol=1e-12)
    v = weight(3)
    np.testing.assert_allclose(s2s.grad(logsumexp)(x, v), p * v[:, None], rtol=1e-10)
    flat = np.exp(x) / np.sum(np.exp(x))
    np.testing.assert_allclose(s2s.grad(logsumexp_all)(x), flat, rtol=1e-10)


def test_stable_large_and_tied():
    # huge values: no overflow; a tie at the max: the shift cancels all the same
    x = np.array([[1000.0, 999.0, 998.0], [3.0, 3.0, 1.0]])
    p = np.exp(x - x.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    w = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    inner = np.sum(p * w, axis=1, keepdims=True)
    g = s2s.grad(softmax)(x, w)
    assert np.all(np.isfinite(g))
    np.testing.assert_allclose(g, p * (w - inner), rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(s2s.grad(logsumexp_all)(x), np.exp(x - 1000.0) / np.sum(np.exp(x - 1000.0)), rtol=1e-10, atol=1e-300)


@pytest.mark.parametrize("f", STABLE + [softmax_method], ids=lambda f: f.__name__)
def test_stable_float32(f):
    x = (rng.normal(size=(3, 4)) * 3.0).astype(np.float32)
    w = weight((3, 4) if f is not logsumexp else (3,), np.float32)
    (g,) = strict_gradients(f, (x, w))
    assert g.dtype == np.float32
    np.testing.assert_allclose(g, s2s.grad(f)(x.astype(np.float64), w.astype(np.float64)),
                               rtol=1e-4, atol=1e-5)


def nanmax_sum(x, w, axis):
    return np.sum(np.nanmax(x, axis=axis) * w) + np.sum(np.nanmin(x, axis=axis, keepdims=True))


@pytest.mark.parametrize("shape, axis", [((5,), None), ((3, 4), 0), ((2, 3, 4), -1)])
def test_nanmax_nanmin(shape, axis):
    x = rng.normal(size=shape)
    w = rng.normal(size=np.shape(np.nanmax(x, axis=axis)))
    check_gradient(nanmax_sum, (x, w, axis))
    # a NaN is skipped: it gets no adjoint, and none becomes NaN
    with_nan = x.copy()
    with_nan.flat[1] = np.nan
    dx = s2s.grad(nanmax_sum)(with_nan, w, axis)
    assert dx.flat[1] == 0.0
    assert np.all(np.isfinite(dx))
