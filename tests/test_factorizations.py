"""pinv, svd (and svdvals), qr, lstsq and multi_dot against finite differences, on
square, tall, wide and stacked matrices; functions of u and v that do not depend on
their signs; float32 kept; the cases without a unique derivative refused clearly."""

import numpy as np
import pytest

from gradcheck import check_gradient, strict_gradients

import s2s

rng = np.random.default_rng(41)


def normal(*shape):
    return rng.normal(size=shape)


def ids(v):
    return getattr(v, "__name__", str(v))


def pinv(a, w):
    return np.sum(np.linalg.pinv(a) * w)


@pytest.mark.parametrize("shape", [(3, 3), (4, 2), (2, 5), (2, 3, 2)], ids=str)
def test_pinv(shape):
    a = normal(*shape)
    check_gradient(pinv, (a, normal(*np.linalg.pinv(a).shape)))


def singular_values(a, w):
    return np.sum(np.linalg.svd(a, compute_uv=False) * w)


def svdvals(a, w):
    return np.sum(np.linalg.svdvals(a) ** 2 * w)


def svd_products(a, w, k):
    # u_i v_i^T and u_i u_i^T do not change when NumPy flips a pair of signs
    u, s, vh = np.linalg.svd(a, full_matrices=False)
    rank_one = u[..., :, k:k + 1] * vh[..., k:k + 1, :]
    projector = u[..., :, :k + 1] @ np.swapaxes(u[..., :, :k + 1], -1, -2)
    return np.sum(rank_one * w) + np.sum(projector ** 2 * s[..., :1, None]) + np.sum(s)


def svd_square_default(a, w):
    u, s, vh = np.linalg.svd(a)
    return np.sum((u * s) @ vh * w) + np.sum(u[:, :1] * vh[:1, :].T)


@pytest.mark.parametrize("shape", [(3, 3), (4, 2), (2, 5), (2, 3, 4)], ids=str)
def test_svd(shape):
    a = normal(*shape)
    k = min(shape[-2:])
    check_gradient(singular_values, (a, normal(k)))
    check_gradient(svdvals, (a, normal(k)))
    w = normal(*shape)
    for i in range(k):
        check_gradient(svd_products, (a, w, i))


def test_svd_square_with_full_matrices():
    check_gradient(svd_square_default, (normal(3, 3), normal(3, 3)))


def svd_wide_full(a):
    u, s, vh = np.linalg.svd(a)
    return np.sum(vh[0] * u[0, 0])


def test_svd_full_matrices_of_a_rectangle_is_refused():
    with pytest.raises(NotImplementedError, match="full_matrices=False"):
        s2s.grad(svd_wide_full)(normal(2, 3))


def qr(a, wq, wr):
    q, r = np.linalg.qr(a)
    return np.sum(q * wq) + np.sum(r * wr)


def qr_r(a, wr):
    return np.sum(np.linalg.qr(a, mode="r") ** 2 * wr)


@pytest.mark.parametrize("shape", [(3, 3), (5, 3), (2, 4, 2)], ids=str)
def test_qr(shape):
    a = normal(*shape)
    q, r = np.linalg.qr(a)
    check_gradient(qr, (a, normal(*q.shape), normal(*r.shape)))
    check_gradient(qr_r, (a, normal(*r.shape)))


def test_qr_of_a_wide_matrix_is_refused():
    with pytest.raises(NotImplementedError, match="at least as many rows"):
        s2s.grad(qr_r)(normal(2, 3), normal(2, 3))


def lstsq(a, b, wx, wres):
    x, residuals, rank, s = np.linalg.lstsq(a, b)
    return np.sum(x * wx) + np.sum(residuals * wres)


def lstsq_singular_values(a, b, w):
    x, residuals, rank, s = np.linalg.lstsq(a, b)
    return np.sum(s * w) + np.sum(x ** 2)


@pytest.mark.parametrize("ashape, bshape", [((5, 3), (5,)), ((5, 3), (5, 2)), ((3, 3), (3,)),
                                            ((2, 4), (2, 3))], ids=str)
def test_lstsq(ashape, bshape):
    a, b = normal(*ashape), normal(*bshape)
    x, residuals, _, s = np.linalg.lstsq(a, b)
    check_gradient(lstsq, (a, b, normal(*x.shape), normal(*residuals.shape)), wrt=(0, 1))
    check_gradient(lstsq_singular_values, (a, b, normal(*s.shape)), wrt=(0, 1))


def multi_dot(a, b, c, w):
    return np.sum(np.linalg.multi_dot([a, b, c]) * w)


def multi_dot_two(a, b, w):
    return np.sum(np.linalg.multi_dot((a, b)) * w)


@pytest.mark.parametrize(
    "f, shapes",
    [(multi_dot, [(2, 3), (3, 4), (4, 2), (2, 2)]), (multi_dot, [(3,), (3, 4), (4,), ()]),
     (multi_dot, [(3,), (3, 2), (2, 5), (5,)]), (multi_dot_two, [(2, 3), (3,), (2,)])],
    ids=ids,
)
def test_multi_dot(f, shapes):
    args = [normal(*s) for s in shapes]
    args[-1] = float(args[-1]) if args[-1].ndim == 0 else args[-1]
    check_gradient(f, tuple(args), wrt=tuple(range(len(args) - 1)))


@pytest.mark.parametrize(
    "f, shapes, wrt",
    [(pinv, [(4, 3), (3, 4)], (0,)), (singular_values, [(4, 3), (3,)], (0,)),
     (svd_products, [(3, 4), (3, 4)], (0,)), (qr, [(4, 3), (4, 3), (3, 3)], (0,)),
     (lstsq, [(5, 3), (5, 2), (3, 2), (2,)], (0, 1)),
     (multi_dot, [(2, 3), (3, 4), (4, 2), (2, 2)], (0, 1, 2))],
    ids=ids,
)
def test_float32(f, shapes, wrt):
    args = [normal(*s).astype(np.float32) for s in shapes]
    if f is svd_products:
        args.append(1)
    got = strict_gradients(f, tuple(args), wrt=wrt)
    wide = [a.astype(float) if isinstance(a, np.ndarray) else a for a in args]
    for g, e in zip(got, s2s.grad(f, wrt=wrt)(*wide)):
        assert g.dtype == np.float32
        np.testing.assert_allclose(g, e, rtol=2e-3, atol=2e-4)


def tensorinv(a, w):
    return np.sum(np.linalg.tensorinv(a, ind=1) * w)


def tensorinv_default(a, w):
    return np.sum(np.linalg.tensorinv(a) * w)


def tensorsolve(a, b, w):
    return np.sum(np.linalg.tensorsolve(a, b) * w)


def tensorsolve_axes(a, b, w):
    return np.sum(np.linalg.tensorsolve(a, b, axes=(1, 2)) * w)


def well_conditioned(*shape):
    n = int(np.sqrt(np.prod(shape)))
    return (normal(n, n) + 3 * np.eye(n)).reshape(shape)


@pytest.mark.parametrize(
    "f, ashape, others",
    [(tensorinv, (6, 2, 3), [(2, 3, 6)]), (tensorinv_default, (2, 3, 6), [(6, 2, 3)]),
     (tensorsolve, (2, 3, 6), [(2, 3), (6,)]), (tensorsolve, (6, 2, 3), [(6,), (2, 3)]),
     (tensorsolve_axes, (2, 3, 2, 3), [(2, 3), (3, 2)])],
    ids=ids,
)
def test_tensorinv_and_tensorsolve(f, ashape, others):
    args = (well_conditioned(*ashape),) + tuple(normal(*s) for s in others)
    check_gradient(f, args, wrt=(0, 1) if f.__name__.startswith("tensorsolve") else (0,))
    low = tuple(x.astype(np.float32) for x in args)
    wrt = (0, 1) if f.__name__.startswith("tensorsolve") else (0,)
    for g, e in zip(strict_gradients(f, low, wrt=wrt),
                    s2s.grad(f, wrt=wrt)(*(x.astype(float) for x in low))):
        np.testing.assert_allclose(g, e, rtol=2e-3, atol=2e-4)
