"""linspace, logspace, geomspace, arange, full, full_like, meshgrid, broadcast_arrays
and vander against finite differences, in every value that carries a derivative;
float32 kept; and functions of indices and shapes that carry none."""

import numpy as np
import pytest

import s2s
from gradcheck import check_gradient, strict_gradients

rng = np.random.default_rng(43)


def normal(*shape):
    return rng.normal(size=shape)


def ids(v):
    return getattr(v, "__name__", str(v))


def linspace(a, b, w):
    return np.sum(np.linspace(a, b, 5) * w)


def linspace_open(a, b, w):
    return np.sum(np.linspace(a, b, 4, endpoint=False, axis=-1) * w)


def linspace_step(a, b, w):
    samples, step = np.linspace(a, b, 6, retstep=True)
    return np.sum(samples * w) + np.sum(step ** 2)


def linspace_one(a, b, w):
    return np.sum(np.linspace(a, b, 1) * w)


def logspace(a, b, base, w):
    return np.sum(np.logspace(a, b, 4, base=base) * w)


def geomspace(a, b, w):
    return np.sum(np.geomspace(a, b, 5, axis=-1) * w)


def geomspace_open(a, b, w):
    return np.sum(np.geomspace(a, b, 3, endpoint=False) * w)


def weights_for(f, *args):
    """A weight shaped like what `f` sums."""
    probe = []

    class Shape:
        __array_ufunc__ = None

        def __rmul__(self, other):
            probe.append(np.shape(other))
            return 0.0

    f(*args, Shape())
    return normal(*probe[0])


@pytest.mark.parametrize(
    "f, shapes",
    [(linspace, [(), ()]), (linspace, [(3,), (2, 1)]), (linspace_open, [(2,), ()]),
     (linspace_step, [(), (3,)]), (linspace_one, [(), ()])],
    ids=ids,
)
def test_linspace(f, shapes):
    a, b = (float(normal()) if s == () else normal(*s) for s in shapes)
    check_gradient(f, (a, b, weights_for(f, a, b)), wrt=(0, 1))


@pytest.mark.parametrize("shapes", [[(), (), ()], [(2,), (), (2,)]], ids=str)
def test_logspace(shapes):
    a, b = (rng.uniform(-1, 1, size=s) for s in shapes[:2])
    base = rng.uniform(1.5, 3.0, size=shapes[2])
    a, b, base = (float(x) if x.ndim == 0 else x for x in (a, b, base))
    check_gradient(logspace, (a, b, base, weights_for(logspace, a, b, base)), wrt=(0, 1, 2))


@pytest.mark.parametrize("f, shapes, sign", [(geomspace, [(), ()], 1.0),
                                              (geomspace, [(3,), (3,)], -1.0),
                                              (geomspace_open, [(2,), ()], 1.0)], ids=str)
def test_geomspace(f, shapes, sign):
    a, b = (sign * rng.uniform(0.5, 3.0, size=s) for s in shapes)
    a, b = (float(x) if x.ndim == 0 else x for x in (a, b))
    check_gradient(f, (a, b, weights_for(f, a, b)), wrt=(0, 1))


def arange(a, h, w):
    return np.sum(np.arange(a, a + 2.05, h) * w)


def arange_count(n, x):
    return np.sum(np.arange(n) * x)


def test_arange():
    a, h = 0.3, 0.5  # five values whatever the small steps of the differences
    check_gradient(arange, (a, h, normal(5)), wrt=(0, 1))
    check_gradient(arange_count, (4, normal(4)), wrt=1)


def full(v, w):
    return np.sum(np.full((3, 2), v) * w)


def full_like(x, v, w):
    return np.sum(np.full_like(x, v) * w) + np.sum(x * 0.5)


@pytest.mark.parametrize("vshape", [(), (2,), (3, 1)], ids=str)
def test_full(vshape):
    v = float(normal()) if vshape == () else normal(*vshape)
    check_gradient(full, (v, normal(3, 2)))
    check_gradient(full_like, (normal(3, 2), v, normal(3, 2)), wrt=(0, 1))


def meshgrid(x, y, wx, wy):
    gx, gy = np.meshgrid(x, y)
    return np.sum(gx * wx) + np.sum(gy ** 2 * wy)


def meshgrid_ij_sparse(x, y, z, w):
    gx, gy, gz = np.meshgrid(x, y, z, indexing="ij", sparse=True)
    return np.sum((gx * gy + gz) * w)


def meshgrid_one_used(x, y, w):
    gx, gy = np.meshgrid(x, y, indexing="ij")
    return np.sum(gx * w)


def test_meshgrid():
    x, y = normal(3), normal(4)
    check_gradient(meshgrid, (x, y, normal(4, 3), normal(4, 3)), wrt=(0, 1))
    check_gradient(meshgrid_ij_sparse, (x, y, normal(2), normal(3, 4, 2)), wrt=(0, 1, 2))
    check_gradient(meshgrid_one_used, (x, y, normal(3, 4)), wrt=(0, 1))


def broadcast(x, y, w):
    a, b = np.broadcast_arrays(x, y)
    return np.sum(a * b * w) + np.sum(a)


@pytest.mark.parametrize("xs, ys", [((3, 1), (4,)), ((2, 3), (2, 3)), ((), (3,))], ids=str)
def test_broadcast_arrays(xs, ys):
    x = float(normal()) if xs == () else normal(*xs)
    y = normal(*ys)
    check_gradient(broadcast, (x, y, normal(*np.broadcast_shapes(xs, ys))), wrt=(0, 1))


def vander(x, w):
    return np.sum(np.vander(x) * w)


def vander_increasing(x, w):
    return np.sum(np.vander(x, 3, increasing=True) * w)


def test_vander():
    x = normal(4)
    check_gradient(vander, (x, normal(4, 4)))
    check_gradient(vander_increasing, (x, normal(4, 3)))
    np.testing.assert_array_equal(s2s.grad(vander_increasing)(np.zeros(2), np.ones((2, 3))),
                                  [1.0, 1.0])  # at 0: d(1 + x + x^2)/dx = 1, no NaN


@pytest.mark.parametrize(
    "f, args, wrt",
    [(linspace, lambda: (normal(3), normal(3), normal(5, 3)), (0, 1)),
     (geomspace, lambda: (rng.uniform(1, 2, 2), rng.uniform(1, 2, 2), normal(2, 5)), (0, 1)),
     (full_like, lambda: (normal(3, 2), normal(2), normal(3, 2)), (0, 1)),
     (meshgrid, lambda: (normal(3), normal(4), normal(4, 3), normal(4, 3)), (0, 1)),
     (broadcast, lambda: (normal(3, 1), normal(4), normal(3, 4)), (0, 1)),
     (vander, lambda: (normal(4), normal(4, 4)), (0,))],
    ids=ids,
)
def test_float32(f, args, wrt):
    args = tuple(a.astype(np.float32) for a in args())
    if f in (geomspace, vander):  # NumPy computes these in float64 itself
        got = s2s.grad(f, wrt=wrt)(*args)
    else:
        got = strict_gradients(f, args, wrt=wrt)
    for g, e in zip(got, s2s.grad(f, wrt=wrt)(*(a.astype(float) for a in args))):
        assert g.dtype == np.float32
        np.testing.assert_allclose(g, e, rtol=1e-4, atol=1e-5)


def index_functions(x):
    i, j = np.tril_indices(3)
    k = np.flatnonzero(x > 0)
    r = np.around(x, 1) + np.fix(x)  # piecewise constant: derivative 0
    return np.sum(x[i, j]) + np.sum(x.ravel()[k]) + np.sum(r * x)


def test_index_and_piecewise_constant_functions_carry_no_derivative():
    x = normal(3, 3)
    check_gradient(index_functions, (x,))


def arange_stop_and_step(h, w):
    return np.sum(np.arange(2.0, step=h) * w)


def test_arange_with_a_stop_and_a_step():
    check_gradient(arange_stop_and_step, (0.45, normal(5)))  # 0, h, ..., 4h
