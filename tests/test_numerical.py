"""trapezoid, gradient, interp, convolve, correlate and polyval against finite
differences, with respect to every differentiable parameter; float32 kept."""

import numpy as np
import pytest

import s2s
from gradcheck import check_gradient, strict_gradients

rng = np.random.default_rng(73)


def ids(v):
    return getattr(v, "__name__", str(v))


# -- trapezoid -------------------------------------------------------------------


def trapezoid_dx(y, dx, w):
    return np.sum(np.trapezoid(y, dx=dx) * w)


def trapezoid_x(y, x, w):
    return np.sum(np.trapezoid(y, x, axis=0) * w)


def trapezoid_plain(y, w):
    return np.sum(np.trapezoid(y, axis=1) ** 2 * w)


@pytest.mark.parametrize(
    "f, shapes, wrt",
    [(trapezoid_dx, [(6,), (), ()], (0, 1)), (trapezoid_dx, [(3, 5), (), (3,)], (0, 1)),
     (trapezoid_x, [(5, 3), (5,), (3,)], (0, 1)), (trapezoid_x, [(4, 2), (4, 2), (2,)], (0, 1)),
     (trapezoid_x, [(5,), (5,), ()], (0, 1)), (trapezoid_plain, [(2, 4, 3), (2, 3)], (0,))],
    ids=ids,
)
def test_trapezoid(f, shapes, wrt):
    args = [rng.normal(size=s) for s in shapes]
    if f is trapezoid_x:
        args[1] = np.sort(args[1], axis=0)
    args = [float(a) if a.ndim == 0 else a for a in args]
    check_gradient(f, tuple(args), wrt=wrt)


# -- gradient --------------------------------------------------------------------


def gradient_1d(f, h, w):
    return np.sum(np.gradient(f, h) * w)


def gradient_2d(f, h, w):
    gy, gx = np.gradient(f, h, edge_order=2)
    return np.sum(gy * w) + np.sum(gx ** 2)


def gradient_two_spacings(f, h, k, w):
    gy, gx = np.gradient(f, h, k)
    return np.sum(gy * w) - np.sum(gx * w)


def gradient_axis(f, w):
    return np.sum(np.gradient(f, axis=-1, edge_order=2) * w)


@pytest.mark.parametrize(
    "f, shapes, wrt",
    [(gradient_1d, [(6,), (), (6,)], (0, 1)), (gradient_1d, [(2,), (), (2,)], (0, 1)),
     (gradient_2d, [(4, 5), (), (4, 5)], (0, 1)),
     (gradient_two_spacings, [(3, 4), (), (), (3, 4)], (0, 1, 2)),
     (gradient_axis, [(2, 3, 5), (2, 3, 5)], (0,))],
    ids=ids,
)
def test_gradient(f, shapes, wrt):
    args = [rng.normal(size=s) for s in shapes]
    args = [float(abs(a) + 0.5) if a.ndim == 0 else a for a in args]
    check_gradient(f, tuple(args), wrt=wrt)


def gradient_coordinates(f, x):
    return np.sum(np.gradient(f, x))


def test_gradient_with_coordinates_is_refused():
    with pytest.raises(NotImplementedError, match="coordinates"):
        s2s.grad(gradient_coordinates)(rng.normal(size=5), np.arange(5.0))


# -- interp ----------------------------------------------------------------------


def interp(x, xp, fp, w):
    return np.sum(np.interp(x, xp, fp) * w)


def interp_ends(x, xp, fp, left, right, w):
    return np.sum(np.interp(x, xp, fp, left, right) * w)


def knots(n):
    return np.cumsum(rng.uniform(0.5, 1.5, size=n))


def test_interp_all_parameters():
    xp, fp = knots(5), rng.normal(size=5)
    # inside, left and right of xp, none on a knot
    x = np.concatenate([rng.uniform(xp[0], xp[-1], size=6), [xp[0] - 1, xp[-1] + 0.7]])
    check_gradient(interp, (x, xp, fp, rng.normal(size=8)), wrt=(0, 1, 2))
    check_gradient(interp, (float(x[0]), xp, fp, 2.0), wrt=(0, 1, 2))


def test_interp_left_and_right():
    xp, fp = knots(4), rng.normal(size=4)
    x = np.array([xp[0] - 0.5, (xp[1] + xp[2]) / 2, xp[-1] + 0.25, xp[-1] + 1.0])
    check_gradient(interp_ends, (x, xp, fp, -1.0, 3.0, rng.normal(size=4)),
                   wrt=(0, 1, 2, 3, 4))


def test_interp_at_a_knot_takes_the_slope_to_the_right():
    xp, fp = np.array([0.0, 1.0, 3.0]), np.array([0.0, 2.0, 3.0])
    g = s2s.grad(interp)(np.array([1.0, 3.0]), xp, fp, 1.0)
    np.testing.assert_allclose(g, [0.5, 0.5])  # right of 1.0; left of the last knot


def interp_period(x, xp, fp):
    return np.sum(np.interp(x, xp, fp, period=2.0))


def test_interp_period_is_refused():
    with pytest.raises(NotImplementedError, match="period"):
        s2s.grad(interp_period)(np.array([0.3]), np.array([0.0, 1.0]), np.array([1.0, 2.0]))


# -- convolve and correlate ------------------------------------------------------


def convolve(a, v, w, mode):
    return np.sum(np.convolve(a, v, mode) * w)


def correlate(a, v, w, mode):
    return np.sum(np.correlate(a, v, mode) * w)


LENGTHS = [(5, 3), (3, 5), (4, 4), (6, 2), (2, 6), (4, 5), (5, 4), (1, 4)]


@pytest.mark.parametrize("f", [convolve, correlate], ids=ids)
@pytest.mark.parametrize("mode", ["full", "same", "valid"])
@pytest.mark.parametrize("n, m", LENGTHS, ids=str)
def test_convolve_and_correlate(f, mode, n, m):
    a, v = rng.normal(size=n), rng.normal(size=m)
    w = rng.normal(size=np.shape(f(a, v, 1.0, mode)))
    check_gradient(f, (a, v, w, mode), wrt=(0, 1))


# -- polyval ---------------------------------------------------------------------


def polyval(p, x, w):
    return np.sum(np.polyval(p, x) * w)


@pytest.mark.parametrize("pshape, xshape", [((4,), (5,)), ((3,), (2, 3)), ((1,), (3,)),
                                            ((3,), ())], ids=str)
def test_polyval(pshape, xshape):
    p, x = rng.normal(size=pshape), rng.normal(size=xshape)
    x = float(x) if x.ndim == 0 else x
    check_gradient(polyval, (p, x, rng.normal(size=xshape)), wrt=(0, 1))


# -- float32 ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "f, args, wrt",
    [(trapezoid_x, lambda: [rng.normal(size=(5, 3)), np.sort(rng.normal(size=5)),
                            rng.normal(size=3)], (0, 1)),
     (gradient_axis, lambda: [rng.normal(size=(3, 5)), rng.normal(size=(3, 5))], (0,)),
     (interp, lambda: [rng.uniform(1.0, 3.0, size=4), knots(5), rng.normal(size=5),
                       rng.normal(size=4)], (0, 1, 2)),
     (polyval, lambda: [rng.normal(size=3), rng.normal(size=4), rng.normal(size=4)], (0, 1))],
    ids=ids,
)
def test_float32(f, args, wrt):
    args = args()
    low = tuple(a.astype(np.float32) for a in args)
    got = strict_gradients(f, low, wrt=wrt)
    expected = s2s.grad(f, wrt=wrt)(*(a.astype(float) for a in low))
    for g, e in zip(got, expected):
        np.testing.assert_allclose(g, e, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("mode", ["full", "same", "valid"])
def test_convolve_float32(mode):
    a, v = rng.normal(size=5).astype(np.float32), rng.normal(size=3).astype(np.float32)
    w = rng.normal(size=np.shape(np.convolve(a, v, mode))).astype(np.float32)
    for f in (convolve, correlate):
        got = strict_gradients(f, (a, v, w, mode), wrt=(0, 1))
        expected = s2s.grad(f, wrt=(0, 1))(a.astype(float), v.astype(float), w.astype(float),
                                           mode)
        for g, e in zip(got, expected):
            np.testing.assert_allclose(g, e, rtol=1e-4, atol=1e-5)


def trapezoid_x_and_dx(y, x, h):
    return np.trapezoid(y, x, dx=h)


def test_trapezoid_ignores_dx_where_x_is_given():
    # NumPy ignores dx then: its derivative is 0, in both modes
    y, x = rng.normal(size=4), np.sort(rng.normal(size=4))
    dh = check_gradient(trapezoid_x_and_dx, (y, x, 0.5), wrt=(0, 1, 2))[2]
    assert dh == 0.0
