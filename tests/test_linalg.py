"""Linear algebra (det, slogdet, inv, solve, norm and its array-API forms, cholesky,
eigh, eigvalsh, matrix_power, trace, kron), against finite differences, on single
and stacked matrices, well conditioned; conventions at kinks checked by hand."""

import numpy as np
import pytest

import s2s
from gradcheck import check_gradient, strict_gradients

rng = np.random.default_rng(41)


def well_conditioned(shape, dtype=np.float64):
    """Random square matrices, far from singular, one with a negative determinant."""
    n = shape[-1]
    a = rng.normal(size=shape) * 0.5 + 2.0 * np.eye(n)
    a[..., 0, :] *= -1.0  # det < 0, so log|det| and the sign matter
    return a.astype(dtype)


def spd(shape, dtype=np.float64):
    """Symmetric positive definite, with well-separated eigenvalues."""
    n = shape[-1]
    q, _ = np.linalg.qr(rng.normal(size=shape))
    eigenvalues = np.arange(1.0, n + 1.0) * 1.5
    a = (q * eigenvalues[..., None, :]) @ np.swapaxes(q, -1, -2)
    return (a + 0.01 * rng.normal(size=shape)).astype(dtype)  # not quite symmetric


def symmetric(a):
    return (a + np.swapaxes(a, -1, -2)) * 0.5


# -- det, slogdet, inv -------------------------------------------------------


def det(a, w):
    return np.sum(np.linalg.det(a) * w)


def slogdet_unpacked(a, w):
    sign, logdet = np.linalg.slogdet(a)
    return np.sum(sign * logdet * w)


def slogdet_field(a, w):
    result = np.linalg.slogdet(a)
    return np.sum(result.logabsdet * w) + np.sum(result[1] ** 2)


def inv(a, w):
    return np.sum(np.linalg.inv(a) * w)


@pytest.mark.parametrize("f", [det, slogdet_unpacked, slogdet_field], ids=lambda f: f.__name__)
@pytest.mark.parametrize("shape", [(1, 1), (3, 3), (2, 4, 4), (2, 1, 3, 3)], ids=str)
def test_determinants(f, shape):
    a = well_conditioned(shape)
    check_gradient(f, (a, rng.normal(size=shape[:-2])), wrt=(0,))


def test_slogdet_of_one_matrix_by_hand():
    a = well_conditioned((3, 3))
    (g,) = check_gradient(slogdet_unpacked, (a, 1.5), wrt=(0,))
    np.testing.assert_allclose(g, -1.5 * np.linalg.inv(a).T)  # sign = -1


@pytest.mark.parametrize("shape", [(3, 3), (2, 4, 4)], ids=str)
def test_inv(shape):
    check_gradient(inv, (well_conditioned(shape), rng.normal(size=shape)), wrt=(0,))


# -- solve -------------------------------------------------------------------


def solve(a, b, w):
    return np.sum(np.linalg.solve(a, b) * w)


@pytest.mark.parametrize(
    "shapes",
    [((3, 3), (3,)), ((3, 3), (3, 2)), ((2, 3, 3), (3,)), ((2, 3, 3), (2, 3, 4)),
     ((3, 3), (2, 3, 2)), ((2, 3, 3), (3, 1)), ((2, 1, 3, 3), (4, 3, 2))],
    ids=str,
)
def test_solve(shapes):
    a = well_conditioned(shapes[0])
    b = rng.normal(size=shapes[1])
    w = rng.normal(size=np.linalg.solve(a, b).shape)
    check_gradient(solve, (a, b, w), wrt=(0, 1))


# -- norm ----------------------------------------------------------------------


def norm(x, w, ord, axis, keepdims):
    return np.sum(np.linalg.norm(x, ord, axis, keepdims) * w)


def norm_keywords(x, w, ord, axis, keepdims):
    return np.sum(np.linalg.norm(x, ord=ord, axis=axis, keepdims=keepdims) * w)


def norm_plain(x):
    return np.linalg.norm(x) * 2.0


def vector_norm(x, w, ord, axis, keepdims):
    return np.sum(np.linalg.vector_norm(x, axis=axis, keepdims=keepdims, ord=ord) * w)


def matrix_norm(x, w, ord, keepdims):
    return np.sum(np.linalg.matrix_norm(x, keepdims=keepdims, ord=ord) * w)


VECTOR_ORDS = [None, 2, 1, np.inf, -np.inf, 3, 1.5, 0.5, -1, 0]
MATRIX_ORDS = [None, "fro", "nuc", 2, -2, 1, -1, np.inf, -np.inf]

NORM_CASES = (
    [((5,), ord, None, False) for ord in VECTOR_ORDS]
    + [((3, 4), ord, 1, False) for ord in VECTOR_ORDS]
    + [((2, 3, 4), ord, -2, True) for ord in (None, 1, np.inf, 3)]
    + [((3, 4), ord, None, False) for ord in MATRIX_ORDS]
    + [((2, 3, 4), ord, (1, 2), False) for ord in MATRIX_ORDS]
    + [((3, 2, 4), ord, (2, -3), True) for ord in ("fro", "nuc", 2, 1, -np.inf)]
    + [((2, 3, 4), None, None, False), ((2, 3, 4), None, None, True), ((), None, None, False)]
)


@pytest.mark.parametrize("f", [norm, norm_keywords], ids=lambda f: f.__name__)
@pytest.mark.parametrize("shape, ord, axis, keepdims", NORM_CASES, ids=str)
def test_norm(f, shape, ord, axis, keepdims):
    x = rng.uniform(0.5, 2.0, size=shape) * rng.choice([-1.0, 1.0], size=shape)
    w = rng.normal(size=np.shape(np.linalg.norm(x, ord, axis, keepdims)))
    check_gradient(f, (x, w, ord, axis, keepdims), wrt=(0,), rtol=1e-4)


def test_norm_without_arguments():
    check_gradient(norm_plain, (rng.normal(size=(3, 4)),))


@pytest.mark.parametrize(
    "shape, ord, axis, keepdims",
    [((2, 3, 4), 2, None, False), ((2, 3, 4), 3, None, True), ((2, 3, 4), 1, (0, 2), False),
     ((2, 3, 4), np.inf, (2, 0), True), ((5,), 0.5, 0, False), ((3, 4), -np.inf, -1, False)],
    ids=str,
)
def test_vector_norm(shape, ord, axis, keepdims):
    x = rng.uniform(0.5, 2.0, size=shape) * rng.choice([-1.0, 1.0], size=shape)
    out = np.linalg.vector_norm(x, axis=axis, keepdims=keepdims, ord=ord)
    check_gradient(vector_norm, (x, rng.normal(size=out.shape), ord, axis, keepdims), rtol=1e-4)


@pytest.mark.parametrize(
    "shape, ord, keepdims",
    [((3, 4), "fro", False), ((2, 3, 4), "fro", True), ((2, 3, 4), "nuc", False),
     ((2, 4, 3), 2, False), ((2, 3, 4), 1, True), ((3, 4), -np.inf, False)],
    ids=str,
)
def test_matrix_norm(shape, ord, keepdims):
    x = rng.uniform(0.5, 2.0, size=shape) * rng.choice([-1.0, 1.0], size=shape)
    out = np.linalg.matrix_norm(x, keepdims=keepdims, ord=ord)
    check_gradient(matrix_norm, (x, rng.normal(size=out.shape), ord, keepdims), rtol=1e-4)


@pytest.mark.parametrize("ord", [None, 2, 1, 3, 0.5, np.inf])
def test_vector_norm_at_zero_is_zero(ord):
    # the kink at 0: the derivative is taken as 0, without NaNs or warnings
    x = np.array([[0.0, 0.0, 0.0], [3.0, 0.0, -4.0]])
    with np.errstate(all="raise"):
        (g,) = s2s.grad(norm, wrt=(0,))(x, np.ones(2), ord, 1, False)
    assert np.all(g[0] == 0.0)
    if ord in (None, 2):
        np.testing.assert_allclose(g[1], [0.6, 0.0, -0.8])
    if ord == 1:
        np.testing.assert_allclose(g[1], [1.0, 0.0, -1.0])  # sign(0) = 0


def test_matrix_norm_at_zero_is_zero():
    (g,) = s2s.grad(norm, wrt=(0,))(np.zeros((2, 3, 3)), np.ones(2), "fro", (1, 2), False)
    assert np.all(g == 0.0)
    assert np.all(s2s.grad(norm_plain)(np.zeros((2, 2))) == 0.0)


def test_norm_inf_ties_share():
    x = np.array([2.0, -2.0, 1.0])
    (g,) = s2s.grad(norm, wrt=(0,))(x, 1.0, np.inf, None, False)
    np.testing.assert_allclose(g, [0.5, -0.5, 0.0])


# -- cholesky, eigh, eigvalsh -----------------------------------------------------


def cholesky(a, w):
    return np.sum(np.linalg.cholesky(symmetric(a)) * w)


def cholesky_upper(a, w):
    return np.sum(np.linalg.cholesky(symmetric(a), upper=True) * w)


def eigh(a, w, u):
    values, vectors = np.linalg.eigh(symmetric(a))
    # eigenvectors' signs are arbitrary: use their squares
    return np.sum(values * w) + np.sum(vectors**2 * u)


def eigh_upper_vectors(a, w, u):
    result = np.linalg.eigh(symmetric(a), UPLO="U")
    return np.sum(result.eigenvectors ** 2 * u)


def eigh_values(a, w, u):
    return np.sum(np.linalg.eigh(symmetric(a))[0] * w)


def eigvalsh(a, w, u):
    return np.sum(np.linalg.eigvalsh(symmetric(a)) * w)


def eigvalsh_upper(a, w, u):
    return np.sum(np.linalg.eigvalsh(symmetric(a), UPLO="U") ** 2 * w)


@pytest.mark.parametrize("f", [cholesky, cholesky_upper], ids=lambda f: f.__name__)
@pytest.mark.parametrize("shape", [(1, 1), (3, 3), (2, 4, 4)], ids=str)
def test_cholesky(f, shape):
    a = spd(shape)
    check_gradient(f, (a, np.tril(rng.normal(size=shape))), wrt=(0,))


def test_cholesky_adjoint_is_symmetric():
    a = symmetric(spd((4, 4)))
    g = s2s.grad(cholesky_of_symmetric)(a, rng.normal(size=(4, 4)))
    np.testing.assert_allclose(g, g.T)


def cholesky_of_symmetric(a, w):
    return np.sum(np.linalg.cholesky(a) * w)


@pytest.mark.parametrize(
    "f", [eigh, eigh_upper_vectors, eigh_values, eigvalsh, eigvalsh_upper],
    ids=lambda f: f.__name__,
)
@pytest.mark.parametrize("shape", [(1, 1), (3, 3), (2, 4, 4)], ids=str)
def test_eigh(f, shape):
    a = spd(shape)
    w, u = rng.normal(size=shape[:-1]), rng.normal(size=shape)
    check_gradient(f, (a, w, u), wrt=(0,))


def test_eigenvalues_of_repeated_eigenvalues():
    # eigenvectors of I are not unique, but functions of the eigenvalues are smooth
    w = np.array([1.0, 2.0, 3.0])
    for f in (eigh_values, eigvalsh):
        g = s2s.grad(f)(np.eye(3), w, None)
        np.testing.assert_allclose(g, np.diag(w), atol=1e-12)


# -- matrix_power, trace, kron -------------------------------------------------------


def matrix_power(a, w, n):
    return np.sum(np.linalg.matrix_power(a, n) * w)


@pytest.mark.parametrize("n", [0, 1, 2, 3, 5, -1, -2])
@pytest.mark.parametrize("shape", [(3, 3), (2, 4, 4)], ids=str)
def test_matrix_power(shape, n):
    a = well_conditioned(shape) * 0.5
    check_gradient(matrix_power, (a, rng.normal(size=shape), n), wrt=(0,))


def trace(a, w):
    return np.sum(np.trace(a) * w)


def trace_offset(a, w):
    return np.sum(np.trace(a, 1) * w) + np.sum(np.trace(a, offset=-1) ** 2)


def trace_axes(a, w):
    return np.sum(np.trace(a, offset=1, axis1=2, axis2=0) * w)


def trace_negative_axes(a, w):
    return np.sum(np.trace(a, 0, -1, -2) * w)


def trace_method(a, w):
    return np.sum(a.trace(offset=-1, axis1=1, axis2=2) * w) + np.sum(a.trace() ** 2)


TRACE_OUT = {
    "trace": lambda a: np.trace(a),
    "trace_offset": lambda a: np.trace(a, 1),
    "trace_axes": lambda a: np.trace(a, offset=1, axis1=2, axis2=0),
    "trace_negative_axes": lambda a: np.trace(a, 0, -1, -2),
    "trace_method": lambda a: a.trace(offset=-1, axis1=1, axis2=2),
}


@pytest.mark.parametrize(
    "f, shape",
    [(trace, (3, 3)), (trace, (3, 4)), (trace, (3, 4, 2)), (trace_offset, (3, 4)),
     (trace_offset, (4, 3, 2)), (trace_axes, (3, 2, 4)), (trace_negative_axes, (2, 3, 3)),
     (trace_method, (2, 3, 4))],
    ids=lambda p: getattr(p, "__name__", str(p)),
)
def test_trace(f, shape):
    a = rng.normal(size=shape)
    w = rng.normal(size=np.shape(TRACE_OUT[f.__name__](a)))
    check_gradient(f, (a, w), wrt=(0,))


def kron(a, b, w):
    return np.sum(np.kron(a, b) * w)


@pytest.mark.parametrize(
    "shapes",
    [((2, 3), (4, 2)), ((3,), (2,)), ((3,), (2, 2)), ((2, 2, 2), (3,)), ((2, 1), (1, 3, 2)),
     ((), (3,))],
    ids=str,
)
def test_kron(shapes):
    a, b = rng.normal(size=shapes[0]), rng.normal(size=shapes[1])
    w = rng.normal(size=np.kron(a, b).shape)
    check_gradient(kron, (a, b, w), wrt=(0, 1))


# -- float32 stays float32 -----------------------------------------------------------


def float32_args(f):
    a = {cholesky: spd, eigh: spd, eigvalsh: spd}.get(f, well_conditioned)((2, 3, 3), np.float32)
    w = rng.normal(size=(2, 3)).astype(np.float32)
    if f in (eigh, eigvalsh):
        return (a, w, rng.normal(size=(2, 3, 3)).astype(np.float32)), (0,)
    if f is solve:
        return (a, rng.normal(size=(2, 3, 2)).astype(np.float32), w[..., None]), (0, 1)
    if f is kron:
        return (a[0], a[1, :2], rng.normal(size=(6, 9)).astype(np.float32)), (0, 1)
    if f is matrix_power:
        return (a, rng.normal(size=(2, 3, 3)).astype(np.float32), 3), (0,)
    if f is norm:
        return (a, w[:, :1], "nuc", (1, 2), True), (0,)
    if f in (det, slogdet_unpacked):
        return (a, w[:, 0]), (0,)
    return (a, rng.normal(size=(2, 3, 3)).astype(np.float32)), (0,)


def one_det32(a, w):
    return np.linalg.det(a) * w + np.linalg.slogdet(a)[1] + np.trace(a) + np.linalg.norm(a)


@pytest.mark.parametrize(
    "f",
    [det, slogdet_unpacked, inv, solve, norm, cholesky, eigh, eigvalsh, matrix_power, kron],
    ids=lambda f: f.__name__,
)
def test_float32_stays_float32(f):
    args, wrt = float32_args(f)
    grads = strict_gradients(f, args, wrt=wrt)
    assert all(g.dtype == np.float32 for g in grads)
    expected = s2s.grad(f, wrt=wrt)(*(x.astype(np.float64) if hasattr(x, "dtype") else x
                                      for x in args))
    expected = expected if isinstance(expected, tuple) else (expected,)
    for g, e in zip(grads, expected):
        np.testing.assert_allclose(g, e, rtol=2e-3, atol=2e-3)


def test_float32_of_one_matrix():
    # one matrix: the determinants are NumPy scalars, the seed a Python float
    a = well_conditioned((3, 3), np.float32)
    (g,) = strict_gradients(one_det32, (a, np.float32(0.5)))
    assert g.dtype == np.float32
