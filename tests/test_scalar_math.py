"""The `math` module and the numeric builtins, against finite differences.

Python floats in, Python floats out; the builtins abs, min, max and pow also on
arrays.  Each function weights its result by `w` so the rules must use the incoming
adjoint."""

import math

import numpy as np
import pytest

import s2s
from gradcheck import check_gradient

rng = np.random.default_rng(3)


def sin(x, w):
    return w * math.sin(x)


def cos(x, w):
    return w * math.cos(x)


def tan(x, w):
    return w * math.tan(x)


def asin(x, w):
    return w * math.asin(x)


def acos(x, w):
    return w * math.acos(x)


def atan(x, w):
    return w * math.atan(x)


def sinh(x, w):
    return w * math.sinh(x)


def cosh(x, w):
    return w * math.cosh(x)


def tanh(x, w):
    return w * math.tanh(x)


def asinh(x, w):
    return w * math.asinh(x)


def acosh(x, w):
    return w * math.acosh(x)


def atanh(x, w):
    return w * math.atanh(x)


def exp(x, w):
    return w * math.exp(x)


def expm1(x, w):
    return w * math.expm1(x)


def log(x, w):
    return w * math.log(x)


def log2(x, w):
    return w * math.log2(x)


def log10(x, w):
    return w * math.log10(x)


def log1p(x, w):
    return w * math.log1p(x)


def sqrt(x, w):
    return w * math.sqrt(x)


def erf(x, w):
    return w * math.erf(x)


def erfc(x, w):
    return w * math.erfc(x)


def fabs(x, w):
    return w * math.fabs(x)


def builtin_abs(x, w):
    return w * abs(x)


def builtin_float(x, w):
    return w * float(x)


NONZERO = "nonzero"  # |x| in (0.2, 3), either sign
UNARY = [
    (sin, -3.0, 3.0), (cos, -3.0, 3.0), (tan, -1.2, 1.2),
    (asin, -0.9, 0.9), (acos, -0.9, 0.9), (atan, -3.0, 3.0),
    (sinh, -2.0, 2.0), (cosh, -2.0, 2.0), (tanh, -2.0, 2.0),
    (asinh, -3.0, 3.0), (acosh, 1.1, 3.0), (atanh, -0.9, 0.9),
    (exp, -2.0, 2.0), (expm1, -2.0, 2.0), (log, 0.2, 3.0), (log2, 0.2, 3.0),
    (log10, 0.2, 3.0), (log1p, -0.8, 3.0), (sqrt, 0.2, 3.0), (erf, -2.0, 2.0),
    (erfc, -2.0, 2.0), (fabs, NONZERO, None), (builtin_abs, NONZERO, None),
    (builtin_float, -3.0, 3.0),
]


def sample(low, high, shape=None):
    if low == NONZERO:
        return rng.uniform(0.2, 3.0, size=shape) * rng.choice([-1.0, 1.0], size=shape)
    return rng.uniform(low, high, size=shape)


def case_id(case):
    return case[0].__name__


@pytest.mark.parametrize("case", UNARY, ids=case_id)
@pytest.mark.parametrize("draw", range(3))
def test_unary(case, draw):
    f, low, high = case
    x = float(sample(low, high))
    grad = check_gradient(f, (x, 1.7))[0]
    assert type(grad) is float


@pytest.mark.parametrize("case", UNARY, ids=case_id)
def test_unary_forward_mode(case):
    """One rule gives both modes: the tangent is the gradient, a Python float."""
    f, low, high = case
    x = float(sample(low, high))
    value, tangent = s2s.jvp(f)(x, 1.7, 1.0)
    assert value == f(x, 1.7)
    assert type(tangent) is float
    assert tangent == pytest.approx(s2s.grad(f)(x, 1.7), rel=1e-12)


# -- two arguments -----------------------------------------------------------


def log_base(x, base, w):
    return w * math.log(x, base)


def atan2(y, x, w):
    return w * math.atan2(y, x)


def hypot(x, y, w):
    return w * math.hypot(x, y)


def math_pow(x, y, w):
    return w * math.pow(x, y)


def builtin_pow(x, y, w):
    return w * pow(x, y)


def builtin_min(x, y, w):
    return w * min(x, y)


def builtin_max(x, y, w):
    return w * max(x, y)


BINARY = [
    (log_base, 0.2, 3.0), (atan2, NONZERO, None), (hypot, NONZERO, None),
    (math_pow, 0.5, 2.0), (builtin_pow, 0.5, 2.0), (builtin_min, -2.0, 2.0),
    (builtin_max, -2.0, 2.0),
]


@pytest.mark.parametrize("case", BINARY, ids=case_id)
@pytest.mark.parametrize("draw", range(3))
def test_binary(case, draw):
    f, low, high = case
    x, y = float(sample(low, high)), float(sample(low, high))
    if f is log_base and abs(y - 1.0) < 0.1:
        y += 0.5  # log base 1 is undefined
    grads = check_gradient(f, (x, y, 1.7), wrt=(0, 1))
    assert all(type(g) is float for g in grads)


def test_log_base_constant():
    check_gradient(log_base, (2.5, 10.0, 1.0))
    check_gradient(log_base, (0.5, 2.0, 1.0))


def test_math_pow_negative_base():
    """A negative base with an integer exponent: no derivative along y, 0 as NumPy."""
    dx, dy = s2s.grad(math_pow, wrt=(0, 1))(-1.5, 3.0, 1.0)
    assert dx == pytest.approx(3.0 * 1.5**2) and dy == 0.0


# -- ties and kinks ----------------------------------------------------------


def test_min_max_ties_split_evenly():
    for f in (builtin_min, builtin_max):
        dx, dy = s2s.grad(f, wrt=(0, 1))(1.25, 1.25, 2.0)
        assert (dx, dy) == (1.0, 1.0)
        assert type(dx) is float and type(dy) is float
    assert s2s.grad(builtin_max, wrt=(0, 1))(3.0, 1.0, 2.0) == (2.0, 0.0)
    assert s2s.grad(builtin_min, wrt=(0, 1))(3.0, 1.0, 2.0) == (0.0, 2.0)


def max_with_constant(x):
    return max(x, 0.0)


def test_max_with_constant_tie():
    assert s2s.grad(max_with_constant)(0.0) == 0.5
    assert s2s.grad(max_with_constant)(2.0) == 1.0
    assert s2s.grad(max_with_constant)(-2.0) == 0.0


def test_abs_at_zero():
    for f in (fabs, builtin_abs):
        g = s2s.grad(f)(0.0, 3.0)
        assert g == 0.0 and type(g) is float
        assert s2s.grad(f)(-2.0, 3.0) == -3.0


# -- builtins on arrays ------------------------------------------------------


def array_abs(x, w):
    return np.sum(w * abs(x))


def array_pow(x, y, w):
    return np.sum(w * pow(x, y))


def array_float(x, w):
    return w * float(x)


@pytest.mark.parametrize("shape", [(5,), (3, 4)], ids=str)
def test_abs_on_arrays(shape):
    x = sample(NONZERO, None, shape)
    check_gradient(array_abs, (x, rng.normal(size=shape)))
    x[0] = 0.0
    assert s2s.grad(array_abs)(x, np.ones(shape)).flat[0] == 0.0


@pytest.mark.parametrize("shapes", [((3,), (3,)), ((4, 3), (3,)), ((3,), (4, 3)), ((), (2, 3))], ids=str)
def test_pow_on_arrays(shapes):
    x = rng.uniform(0.5, 2.0, size=shapes[0])
    y = rng.uniform(0.5, 2.0, size=shapes[1])
    w = rng.normal(size=np.broadcast_shapes(*shapes))
    check_gradient(array_pow, (x, y, w), wrt=(0, 1))


def test_min_max_on_0d_arrays():
    for f in (builtin_min, builtin_max):
        x, y = np.array(0.3), np.array(-0.4)
        check_gradient(f, (x, y, 1.7), wrt=(0, 1))
        dx, dy = s2s.grad(f, wrt=(0, 1))(x, x.copy(), 1.0)
        assert dx == dy == 0.5


def test_float_of_0d_array():
    check_gradient(array_float, (np.array(0.7), 1.7))


def test_builtins_keep_float32():
    x = sample(NONZERO, None, (3, 4)).astype(np.float32)
    w = np.ones((3, 4), np.float32)
    assert s2s.grad(array_abs)(x, w).dtype == np.float32
    x = rng.uniform(0.5, 2.0, size=(4, 3)).astype(np.float32)
    y = rng.uniform(0.5, 2.0, size=(3,)).astype(np.float32)
    dx, dy = s2s.grad(array_pow, wrt=(0, 1))(x, y, w.reshape(4, 3))
    assert dx.dtype == dy.dtype == np.float32
    for f in (builtin_min, builtin_max):
        a, b = np.float32(0.25), np.float32(0.25)
        da, db = s2s.grad(f, wrt=(0, 1))(np.array(a), np.array(b), np.float32(1.0))
        assert da.dtype == db.dtype == np.float32
        assert da == db == 0.5


def distance_to_itself(a, b):
    d = a * 0.0
    return math.hypot(d, d) + b * a


def test_hypot_at_the_origin_takes_the_derivative_zero():
    """hypot has no derivative at (0, 0): it is taken as 0 there, as abs's at 0 (the
    rule divided by the result, and Python floats raise ZeroDivisionError)."""
    value, grads = s2s.value_and_grad(distance_to_itself, wrt=(0, 1))(0.3, 0.5)
    assert value == distance_to_itself(0.3, 0.5)
    assert grads == (0.5, 0.3)
    assert s2s.jvp(distance_to_itself, wrt=(0, 1))(0.3, 0.5, 1.0, 1.0) == (value, 0.8)
    assert s2s.grad(math_hypot_of, wrt=(0, 1))(0.0, 0.0) == (0.0, 0.0)


def math_hypot_of(x, y):
    return math.hypot(x, y)


def distances_to_themselves(x):
    d = x * 0.0
    return np.sum(np.hypot(d, d)) + np.sum(np.hypot(x, 2.0 * x) * x)


def test_numpy_hypot_at_the_origin_takes_the_derivative_zero():
    x = np.array([0.3, -0.5, 1.2], dtype=np.float32)
    value, grad = s2s.value_and_grad(distances_to_themselves)(x)
    assert value == distances_to_themselves(x)
    assert grad.dtype == np.float32
    np.testing.assert_allclose(grad, 2 * np.sqrt(5.0) * np.abs(x), rtol=1e-6)
    _, tangent = s2s.jvp(distances_to_themselves)(x, np.ones(3, dtype=np.float32))
    np.testing.assert_allclose(tangent, np.sum(2 * np.sqrt(5.0) * np.abs(x)), rtol=1e-6)
    check_gradient(distances_to_themselves, (np.array([0.3, -0.5, 1.2]),))
