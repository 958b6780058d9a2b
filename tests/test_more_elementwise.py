"""The rest of NumPy's ufuncs: float_power, remainder (mod), fmod, divmod, modf,
frexp, ldexp, copysign, nextafter, conjugate, vecdot, matvec and vecmat, against
finite differences (broadcasting included); float32 kept; and every ufunc NumPy has
is either differentiated or declared to have no derivative."""

import numpy as np
import pytest

import s2s
from gradcheck import check_gradient, strict_gradients
from s2s import templating

rng = np.random.default_rng(11)

SHAPES = [((3, 4), (3, 4)), ((3, 4), (4,)), ((2, 1, 4), (3, 1)), ((4,), ())]


def away_from_jumps(shape, yshape, dtype=np.float64):
    """(x, y) with every x / y at least 0.02 from an integer, |y| in [1, 2] of both signs."""
    while True:
        x = rng.uniform(-4.0, 4.0, size=shape)
        y = rng.uniform(1.0, 2.0, size=yshape) * rng.choice([-1.0, 1.0], size=yshape)
        ratio = x / y
        if np.all(np.abs(ratio - np.round(ratio)) > 0.02):
            return x.astype(dtype), y.astype(dtype)


def pair(shape, yshape):
    """x in (0.5, 2) (a power's base), y in (-1.5, 1.5)."""
    return rng.uniform(0.5, 2.0, size=shape), rng.uniform(-1.5, 1.5, size=yshape)


# -- binary ---------------------------------------------------------------------


def float_power(x, y, w):
    return np.sum(np.float_power(x, y) * w)


def remainder(x, y, w):
    return np.sum(np.remainder(x, y) * w)


def mod(x, y, w):
    return np.sum(np.mod(x, y) ** 2 * w)


def percent(x, y, w):
    return np.sum((x % y) * w)


def builtin_divmod(x, y, w):
    q, r = divmod(x, y)
    return np.sum(r * w)


def fmod(x, y, w):
    return np.sum(np.fmod(x, y) * w)


def divmod_(x, y, w):
    q, r = np.divmod(x, y)
    return np.sum(r * w) + np.sum(q * 0.5)


def divmod_remainder_only(x, y, w):
    t = np.divmod(x, y)
    return np.sum(t[1] * w)


def copysign(x, y, w):
    return np.sum(np.copysign(x, y) * w)


def nextafter(x, y, w):
    return np.sum(np.nextafter(x, y) * w)


@pytest.mark.parametrize("shape, yshape", SHAPES, ids=str)
@pytest.mark.parametrize("f", [float_power], ids=lambda f: f.__name__)
def test_power_like(f, shape, yshape):
    x, y = pair(shape, yshape)
    w = rng.normal(size=np.broadcast_shapes(shape, yshape))
    check_gradient(f, (x, y, w), wrt=(0, 1))


@pytest.mark.parametrize("shape, yshape", SHAPES, ids=str)
@pytest.mark.parametrize("f", [remainder, mod, percent, fmod, divmod_, divmod_remainder_only, builtin_divmod],
                         ids=lambda f: f.__name__)
def test_remainders(f, shape, yshape):
    x, y = away_from_jumps(shape, yshape)
    w = rng.normal(size=np.broadcast_shapes(shape, yshape))
    check_gradient(f, (x, y, w), wrt=(0, 1))


@pytest.mark.parametrize("shape, yshape", SHAPES, ids=str)
@pytest.mark.parametrize("f", [copysign, nextafter], ids=lambda f: f.__name__)
def test_sign_like(f, shape, yshape):
    # |x| away from 0, y of both signs: no derivative w.r.t. y (piecewise constant)
    x = rng.uniform(0.5, 2.0, size=shape) * rng.choice([-1.0, 1.0], size=shape)
    y = rng.uniform(0.5, 2.0, size=yshape) * rng.choice([-1.0, 1.0], size=yshape)
    w = rng.normal(size=np.broadcast_shapes(shape, yshape))
    gx, gy = check_gradient(f, (x, y, w), wrt=(0, 1))
    assert not np.any(gy)


def copysign_at_zero(x, y):
    return np.sum(np.copysign(x, y))


def test_copysign_at_zero():
    # like abs: derivative 0 at x = 0
    g = s2s.grad(copysign_at_zero)(np.array([0.0, -0.0, 2.0, -2.0]), np.array([1.0, -1.0, -1.0, 1.0]))
    np.testing.assert_array_equal(g, [0.0, 0.0, -1.0, -1.0])


def remainder_of_numbers(x: float, y: float):
    q, r = divmod(x, y)
    return np.remainder(x, y) * 3.0 + np.fmod(x, y) + np.copysign(x, y) + x % y * r


def test_python_floats():
    gx, gy = check_gradient(remainder_of_numbers, (5.3, -2.0), wrt=(0, 1))
    assert type(gx) is float and type(gy) is float


# -- ldexp, frexp, modf ---------------------------------------------------------


def ldexp(x, e, w):
    return np.sum(np.ldexp(x, e) * w)


@pytest.mark.parametrize("shape, eshape", SHAPES, ids=str)
def test_ldexp(shape, eshape):
    x = rng.normal(size=shape)
    e = rng.integers(-3, 4, size=eshape)
    check_gradient(ldexp, (x, e, rng.normal(size=np.broadcast_shapes(shape, eshape))))


def frexp(x, w):
    m, e = np.frexp(x)
    return np.sum(m * w)


def modf(x, w):
    frac, whole = np.modf(x)
    return np.sum(frac * w + whole)


def modf_fraction_only(x, w):
    return np.sum(np.modf(x)[0] ** 2 * w)


@pytest.mark.parametrize("shape", [(5,), (3, 4), (2, 3, 4)], ids=str)
@pytest.mark.parametrize("f", [frexp, modf, modf_fraction_only], ids=lambda f: f.__name__)
def test_two_results(f, shape):
    # away from powers of two (frexp) and from integers (modf)
    x = rng.uniform(1.1, 1.9, size=shape) * 2.0 ** rng.integers(-2, 3, size=shape)
    x *= rng.choice([-1.0, 1.0], size=shape)
    check_gradient(f, (x, rng.normal(size=shape)))


# -- conjugate (real arrays: the identity) ----------------------------------------


def conjugate(x, w):
    return np.sum(np.conjugate(x) * w) + np.sum(np.conj(x) ** 2) + np.sum(x.conj() * x.conjugate())


@pytest.mark.parametrize("shape", [(4,), (2, 3)], ids=str)
def test_conjugate(shape):
    check_gradient(conjugate, (rng.normal(size=shape), rng.normal(size=shape[-1:])))


# -- vecdot, matvec, vecmat ---------------------------------------------------------


def vecdot(x, y, w):
    return np.sum(np.vecdot(x, y) * w)


def vecdot_axis(x, y, w):
    return np.sum(np.vecdot(x, y, axis=-2) * w)


def vecdot_first_axis(x, y, w):
    return np.sum(np.vecdot(x, y, axis=0) * w)


def matvec(x, y, w):
    return np.sum(np.matvec(x, y) * w)


def vecmat(x, y, w):
    return np.sum(np.vecmat(x, y) * w)


GUFUNCS = [
    (vecdot, (4,), (4,)), (vecdot, (3, 4), (4,)), (vecdot, (2, 1, 4), (3, 4)),
    (vecdot_axis, (2, 3, 4), (3, 4)), (vecdot_axis, (3, 1), (2, 3, 4)),
    (matvec, (3, 4), (4,)), (matvec, (2, 3, 4), (4,)), (matvec, (3, 4), (2, 4)),
    (vecmat, (3,), (3, 4)), (vecmat, (2, 3), (3, 4)), (vecmat, (3,), (2, 3, 4)),
]


def test_vecdot_with_a_non_negative_axis():
    x, y = rng.normal(size=(4, 3)), rng.normal(size=(4, 3))
    check_gradient(vecdot_first_axis, (x, y, rng.normal(size=3)), wrt=(0, 1))
    # each operand's own axis 0: refused where their ranks differ, not silently wrong
    with pytest.raises(NotImplementedError, match="non-negative axis"):
        s2s.grad(vecdot_first_axis)(rng.normal(size=(2, 4, 3)), rng.normal(size=(2, 3)), 1.0)


@pytest.mark.parametrize("f, shape, yshape", GUFUNCS, ids=str)
def test_gufuncs(f, shape, yshape):
    x, y = rng.normal(size=shape), rng.normal(size=yshape)
    out = getattr(np, f.__name__.replace("_axis", ""))(x, y, **(
        {"axis": -2} if f is vecdot_axis else {}))
    check_gradient(f, (x, y, rng.normal(size=np.shape(out))), wrt=(0, 1))


# -- float32 in, float32 gradients -------------------------------------------------


def all_in_one(x, y, w):
    a = np.remainder(x, y) + np.fmod(x, y) + np.copysign(x, y) + np.nextafter(x, y)
    q, r = np.divmod(x, y)
    m, e = np.frexp(x)
    b = np.ldexp(x, 2) + np.modf(x)[0] + m + np.conjugate(x)
    c = np.sum(np.vecdot(x, y) * w) + np.sum(np.matvec(x[None] * x[:, None], y) * x)
    return np.sum((a + r + b) * w) + c + np.sum(np.vecmat(y, x[None] * x[:, None]))


def test_float32():
    x, y = away_from_jumps((4,), (4,), np.float32)
    w = rng.normal(size=4).astype(np.float32)
    grads = strict_gradients(all_in_one, (x, y, w), wrt=(0, 1))
    assert all(g.dtype == np.float32 for g in grads)
    g64 = s2s.grad(all_in_one, wrt=(0, 1))(*(v.astype(np.float64) for v in (x, y, w)))
    for g, e in zip(grads, g64):
        np.testing.assert_allclose(g, e, rtol=1e-4, atol=1e-4)


def float_power32(x, y):
    return np.sum(np.float_power(x, y))


def test_float_power_float32():
    # float_power computes in float64; the gradients come back as float32
    x, y = pair((3,), (3,))
    gx, gy = s2s.grad(float_power32, wrt=(0, 1))(x.astype(np.float32), y.astype(np.float32))
    assert gx.dtype == gy.dtype == np.float32


# -- every ufunc has a rule or is declared to have no derivative ---------------------

NONDIFFERENTIABLE = [
    "bitwise_and", "bitwise_or", "bitwise_xor", "bitwise_not", "bitwise_invert", "invert",
    "bitwise_left_shift", "bitwise_right_shift", "left_shift", "right_shift",
    "bitwise_count", "gcd", "lcm", "heaviside", "spacing", "isnat", "isnan", "isinf",
    "isfinite", "signbit", "sign", "floor", "ceil", "trunc", "rint", "floor_divide",
    "equal", "not_equal", "less", "less_equal", "greater", "greater_equal",
    "logical_and", "logical_or", "logical_xor", "logical_not",
]


def test_every_ufunc_has_a_status():
    ufuncs = [n for n in dir(np) if isinstance(getattr(np, n), np.ufunc)]
    missing = [
        n for n in ufuncs
        if templating.adjoint_template(getattr(np, n)) is None
        and not templating.is_nondifferentiable(getattr(np, n))
    ]
    assert missing == []
    for name in NONDIFFERENTIABLE:
        assert templating.is_nondifferentiable(getattr(np, name)), name


def heaviside_and_bits(x, n):
    return np.sum(np.heaviside(x, 0.5) * x) + np.sum(np.bitwise_and(n, 3) * x) + np.sum(
        np.gcd(n, 4) * np.spacing(x) * 0.0
    )


def test_nondifferentiable_ufuncs():
    x, n = rng.normal(size=5), rng.integers(0, 9, size=5)
    (g,) = check_gradient(heaviside_and_bits, (x, n))
    np.testing.assert_array_equal(g, (x > 0) + np.bitwise_and(n, 3))
