"""NumPy's elementwise functions, `where` and `clip`, against finite differences.

Each function under test weights its result by `w`, so the rules must use the
incoming adjoint rather than assume it is 1."""

import numpy as np
import pytest

import s2s
from gradcheck import check_gradient

rng = np.random.default_rng(2)


# -- unary -----------------------------------------------------------------


def sin(x, w):
    return np.sum(w * np.sin(x))


def cos(x, w):
    return np.sum(w * np.cos(x))


def tan(x, w):
    return np.sum(w * np.tan(x))


def arcsin(x, w):
    return np.sum(w * np.arcsin(x))


def arccos(x, w):
    return np.sum(w * np.arccos(x))


def arctan(x, w):
    return np.sum(w * np.arctan(x))


def sinh(x, w):
    return np.sum(w * np.sinh(x))


def cosh(x, w):
    return np.sum(w * np.cosh(x))


def tanh(x, w):
    return np.sum(w * np.tanh(x))


def arcsinh(x, w):
    return np.sum(w * np.arcsinh(x))


def arccosh(x, w):
    return np.sum(w * np.arccosh(x))


def arctanh(x, w):
    return np.sum(w * np.arctanh(x))


def exp(x, w):
    return np.sum(w * np.exp(x))


def exp2(x, w):
    return np.sum(w * np.exp2(x))


def expm1(x, w):
    return np.sum(w * np.expm1(x))


def log(x, w):
    return np.sum(w * np.log(x))


def log2(x, w):
    return np.sum(w * np.log2(x))


def log10(x, w):
    return np.sum(w * np.log10(x))


def log1p(x, w):
    return np.sum(w * np.log1p(x))


def sqrt(x, w):
    return np.sum(w * np.sqrt(x))


def cbrt(x, w):
    return np.sum(w * np.cbrt(x))


def square(x, w):
    return np.sum(w * np.square(x))


def reciprocal(x, w):
    return np.sum(w * np.reciprocal(x))


def absolute(x, w):
    return np.sum(w * np.absolute(x))


def abs_(x, w):
    return np.sum(w * np.abs(x))


def fabs(x, w):
    return np.sum(w * np.fabs(x))


def deg2rad(x, w):
    return np.sum(w * np.deg2rad(x))


def radians(x, w):
    return np.sum(w * np.radians(x))


def rad2deg(x, w):
    return np.sum(w * np.rad2deg(x))


def degrees(x, w):
    return np.sum(w * np.degrees(x))


def sinc(x, w):
    return np.sum(w * np.sinc(x))


NONZERO = "nonzero"  # |x| in (0.2, 3), either sign
UNARY = [
    (sin, -3.0, 3.0), (cos, -3.0, 3.0), (tan, -1.2, 1.2),
    (arcsin, -0.9, 0.9), (arccos, -0.9, 0.9), (arctan, -3.0, 3.0),
    (sinh, -2.0, 2.0), (cosh, -2.0, 2.0), (tanh, -2.0, 2.0),
    (arcsinh, -3.0, 3.0), (arccosh, 1.2, 3.0), (arctanh, -0.9, 0.9),
    (exp, -2.0, 2.0), (exp2, -2.0, 2.0), (expm1, -2.0, 2.0),
    (log, 0.2, 3.0), (log2, 0.2, 3.0), (log10, 0.2, 3.0), (log1p, -0.8, 3.0),
    (sqrt, 0.2, 3.0), (cbrt, NONZERO, None), (square, -3.0, 3.0),
    (reciprocal, NONZERO, None), (absolute, NONZERO, None), (abs_, NONZERO, None),
    (fabs, NONZERO, None), (deg2rad, -3.0, 3.0), (radians, -3.0, 3.0),
    (rad2deg, -3.0, 3.0), (degrees, -3.0, 3.0), (sinc, -3.0, 3.0),
]


def sample(low, high, shape, dtype=np.float64):
    if low == NONZERO:
        x = rng.uniform(0.2, 3.0, size=shape) * rng.choice([-1.0, 1.0], size=shape)
    else:
        x = rng.uniform(low, high, size=shape)
    return np.asarray(x, dtype=dtype)


def unary_id(case):
    return case[0].__name__


@pytest.mark.parametrize("case", UNARY, ids=unary_id)
@pytest.mark.parametrize("shape", [(5,), (3, 4), ()], ids=str)
def test_unary(case, shape):
    f, low, high = case
    x = sample(low, high, shape)
    w = rng.normal(size=shape)
    check_gradient(f, (x, w))


@pytest.mark.parametrize("case", UNARY, ids=unary_id)
def test_unary_python_float(case):
    f, low, high = case
    x = float(sample(low, high, ()))
    grad = check_gradient(f, (x, 0.7))[0]
    assert type(grad) is float


@pytest.mark.parametrize("case", UNARY, ids=unary_id)
def test_unary_float32(case):
    f, low, high = case
    x = sample(low, high, (3, 4), np.float32)
    w = rng.normal(size=(3, 4)).astype(np.float32)
    got = s2s.grad(f)(x, w)
    assert got.dtype == np.float32
    expected = s2s.grad(f)(x.astype(np.float64), w.astype(np.float64))
    np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-6)


def test_abs_at_zero():
    x = np.array([0.0, 1.5, -2.0, 0.0])
    w = np.array([1.0, 2.0, 3.0, 4.0])
    for f in (absolute, abs_, fabs):
        np.testing.assert_array_equal(s2s.grad(f)(x, w), [0.0, 2.0, -3.0, 0.0])


def test_sinc_at_zero():
    x = np.array([0.0, 0.5])
    got = s2s.grad(sinc)(x, np.ones(2))
    assert got[0] == 0.0 and np.isfinite(got).all()
    np.testing.assert_allclose(got[1], (np.cos(np.pi * 0.5) - np.sinc(0.5)) / 0.5)


# -- binary ----------------------------------------------------------------


def maximum(x, y, w):
    return np.sum(w * np.maximum(x, y))


def minimum(x, y, w):
    return np.sum(w * np.minimum(x, y))


def fmax(x, y, w):
    return np.sum(w * np.fmax(x, y))


def fmin(x, y, w):
    return np.sum(w * np.fmin(x, y))


def arctan2(x, y, w):
    return np.sum(w * np.arctan2(x, y))


def hypot(x, y, w):
    return np.sum(w * np.hypot(x, y))


def logaddexp(x, y, w):
    return np.sum(w * np.logaddexp(x, y))


def logaddexp2(x, y, w):
    return np.sum(w * np.logaddexp2(x, y))


def power(x, y, w):
    return np.sum(w * np.power(x, y))


def pow_(x, y, w):
    return np.sum(w * np.pow(x, y))


BINARY = [
    (maximum, -2.0, 2.0), (minimum, -2.0, 2.0), (fmax, -2.0, 2.0), (fmin, -2.0, 2.0),
    (arctan2, NONZERO, None), (hypot, NONZERO, None), (logaddexp, -3.0, 3.0),
    (logaddexp2, -3.0, 3.0), (power, 0.5, 2.0), (pow_, 0.5, 2.0),
]
SHAPES = [((3,), (3,)), ((4, 3), (3,)), ((3,), (4, 3)), ((2, 1, 3), (4, 1)), ((), (2, 3))]


@pytest.mark.parametrize("case", BINARY, ids=unary_id)
@pytest.mark.parametrize("shapes", SHAPES, ids=str)
def test_binary(case, shapes):
    f, low, high = case
    x = sample(low, high, shapes[0])
    y = sample(low, high, shapes[1])
    w = rng.normal(size=np.broadcast_shapes(*shapes))
    check_gradient(f, (x, y, w), wrt=(0, 1))


@pytest.mark.parametrize("case", BINARY, ids=unary_id)
def test_binary_float32(case):
    f, low, high = case
    x = sample(low, high, (4, 3), np.float32)
    y = sample(low, high, (3,), np.float32)
    w = rng.normal(size=(4, 3)).astype(np.float32)
    dx, dy = s2s.grad(f, wrt=(0, 1))(x, y, w)
    assert dx.dtype == np.float32 and dy.dtype == np.float32
    ex, ey = s2s.grad(f, wrt=(0, 1))(x.astype(np.float64), y.astype(np.float64), w)
    np.testing.assert_allclose(dx, ex, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(dy, ey, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("f", [maximum, minimum, fmax, fmin])
def test_ties_split_evenly(f):
    x = np.array([1.0, 2.0, -1.0, 0.5])
    y = np.array([1.0, 3.0, -2.0, 0.5])
    w = np.array([2.0, 4.0, 6.0, 8.0])
    dx, dy = s2s.grad(f, wrt=(0, 1))(x, y, w)
    x_wins = (x > y) if f in (maximum, fmax) else (x < y)
    np.testing.assert_array_equal(dx, np.where(x == y, 0.5 * w, w * x_wins))
    np.testing.assert_array_equal(dy, np.where(x == y, 0.5 * w, w * ~x_wins))
    dx, dy = s2s.grad(f, wrt=(0, 1))(x.astype(np.float32), y.astype(np.float32), w.astype(np.float32))
    assert dx.dtype == dy.dtype == np.float32


def test_logaddexp_tie():
    x = np.array([0.3, -1.0])
    dx, dy = s2s.grad(logaddexp, wrt=(0, 1))(x, x.copy(), np.ones(2))
    np.testing.assert_allclose(dx, [0.5, 0.5])
    np.testing.assert_allclose(dy, [0.5, 0.5])


# -- where -----------------------------------------------------------------


def where(x, y, w):
    return np.sum(w * np.where(x > y, x * y, y))


def where_given(c, x, y, w):
    return np.sum(w * np.where(c, x, y))


def where_constant(c, x, w):
    return np.sum(w * np.where(c, 0.0, np.sin(x)))


@pytest.mark.parametrize("shapes", [((5,), (5,)), ((4, 3), (3,)), ((3,), (2, 3))], ids=str)
def test_where(shapes):
    x = rng.normal(size=shapes[0])
    y = rng.normal(size=shapes[1])
    out = np.broadcast_shapes(*shapes)
    w = rng.normal(size=out)
    check_gradient(where, (x, y, w), wrt=(0, 1))
    c = rng.uniform(size=out) > 0.5
    check_gradient(where_given, (c, x, y, w), wrt=(1, 2))
    check_gradient(where_given, (c, x, 0.7, w), wrt=(1, 2))
    check_gradient(where_constant, (c, x, w), wrt=1)


def test_where_float32():
    c = np.array([[True, False, True], [False, False, True]])
    x = rng.normal(size=(2, 3)).astype(np.float32)
    y = rng.normal(size=(3,)).astype(np.float32)
    dx, dy = s2s.grad(where_given, wrt=(1, 2))(c, x, y, np.ones((2, 3), np.float32))
    assert dx.dtype == dy.dtype == np.float32
    np.testing.assert_array_equal(dx, c)
    np.testing.assert_array_equal(dy, (~c).sum(axis=0))


# -- clip ------------------------------------------------------------------


def clip(x, lo, hi, w):
    return np.sum(w * np.clip(x, lo, hi))


def clip_keywords(x, lo, hi, w):
    return np.sum(w * np.clip(x, a_min=lo, a_max=hi))


def clip_min_max(x, lo, hi, w):
    return np.sum(w * np.clip(x, min=lo, max=hi))


def clip_method(x, lo, hi, w):
    return np.sum(w * x.clip(lo, hi))


def clip_method_keywords(x, lo, hi, w):
    return np.sum(w * x.clip(max=hi, min=lo))


def clip_below(x, lo, w):
    return np.sum(w * np.clip(x, lo, None))


def clip_above(x, hi, w):
    return np.sum(w * x.clip(None, hi))


def clip_method_min(x, lo, w):
    return np.sum(w * x.clip(min=lo))


def clip_constants(x, w):
    return np.sum(w * np.clip(x, -0.5, 0.5))


CLIPS = [clip, clip_keywords, clip_min_max, clip_method, clip_method_keywords]


def away_from(x, *bounds):
    """`x` nudged off the bounds so finite differences see no kink."""
    for b in bounds:
        x = np.where(np.abs(x - b) < 1e-3, x + 1e-2, x)
    return x


@pytest.mark.parametrize("f", CLIPS)
@pytest.mark.parametrize(
    "shapes", [((5,), (5,), (5,)), ((4, 3), (3,), (4, 1)), ((4, 3), (), ()), ((4, 3), (3,), ())],
    ids=str,
)
def test_clip(f, shapes):
    lo = rng.uniform(-1.0, -0.2, size=shapes[1])
    hi = rng.uniform(0.2, 1.0, size=shapes[2])
    x = away_from(rng.uniform(-2.0, 2.0, size=shapes[0]), lo, hi)
    w = rng.normal(size=shapes[0])
    check_gradient(f, (x, lo, hi, w), wrt=(0, 1, 2))


def test_clip_one_sided():
    lo = rng.uniform(-1.0, 0.0, size=(3,))
    x = away_from(rng.uniform(-2.0, 2.0, size=(4, 3)), lo)
    w = rng.normal(size=(4, 3))
    check_gradient(clip_below, (x, lo, w), wrt=(0, 1))
    check_gradient(clip_above, (x, lo, w), wrt=(0, 1))
    check_gradient(clip_method_min, (x, lo, w), wrt=(0, 1))
    check_gradient(clip_below, (x, 0.3, w), wrt=(0, 1))
    check_gradient(clip_constants, (away_from(x, -0.5, 0.5), w))


def test_clip_ties_go_to_x():
    x = np.array([-1.0, -0.5, 0.0, 0.5, 1.0, 2.0])
    dx, dlo, dhi = s2s.grad(clip, wrt=(0, 1, 2))(x, -0.5, 0.5, np.ones(6))
    np.testing.assert_array_equal(dx, [0.0, 1.0, 1.0, 1.0, 0.0, 0.0])
    assert dlo == 1.0 and dhi == 2.0
    assert type(dlo) is float and type(dhi) is float


@pytest.mark.parametrize("f", CLIPS)
def test_clip_float32(f):
    x = rng.uniform(-2.0, 2.0, size=(4, 3)).astype(np.float32)
    lo = rng.uniform(-1.0, -0.2, size=(3,)).astype(np.float32)
    hi = rng.uniform(0.2, 1.0, size=(4, 1)).astype(np.float32)
    w = rng.normal(size=(4, 3)).astype(np.float32)
    grads = s2s.grad(f, wrt=(0, 1, 2))(x, lo, hi, w)
    assert all(g.dtype == np.float32 for g in grads)
