"""Products (dot and the method .dot, inner, outer, vdot, tensordot), against finite
differences, for every combination of ranks NumPy gives its own rule."""

import numpy as np
import pytest

import s2s
from gradcheck import check_gradient, check_hvp

rng = np.random.default_rng(3)


def dot(x, y, w):
    return np.sum(np.dot(x, y) ** 2 * w)


def dot_method(x, y, w):
    return np.sum(x.dot(y) ** 2 * w)


def inner(x, y, w):
    return np.sum(np.inner(x, y) ** 2 * w)


def outer(x, y, w):
    return np.sum(np.outer(x, y) ** 2 * w)


def vdot(x, y, w):
    return np.vdot(x, y) ** 2 * w


def tensordot_default(x, y, w):
    return np.sum(np.tensordot(x, y) ** 2 * w)


def tensordot_int(x, y, w):
    return np.sum(np.tensordot(x, y, 1) ** 2 * w)


def tensordot_pairs(x, y, w):
    return np.sum(np.tensordot(x, y, axes=([0, 2], [1, 0])) ** 2 * w)


def tensordot_single(x, y, w):
    return np.sum(np.tensordot(x, y, axes=(-1, 0)) ** 2 * w)


def tensordot_none(x, y, w):
    return np.sum(np.tensordot(x, y, 0) ** 2 * w)


def arrays(*shapes, dtype=np.float64):
    return [rng.normal(size=s).astype(dtype) for s in shapes]


DOT_SHAPES = [
    ((), ()), ((), (3,)), ((3, 2), ()), ((4,), (4,)), ((3, 4), (4,)), ((4,), (4, 2)),
    ((3, 4), (4, 2)), ((2, 3, 4), (4, 5)), ((3, 4), (2, 4, 5)), ((2, 3, 4), (3, 4, 2)),
    ((2, 3, 4), (4,)), ((4,), (2, 4, 3)),
]


@pytest.mark.parametrize("f", [dot, dot_method], ids=lambda f: f.__name__)
@pytest.mark.parametrize("shapes", DOT_SHAPES, ids=str)
def test_dot(f, shapes):
    x, y = arrays(*shapes)
    w = rng.normal(size=np.shape(np.dot(x, y)))
    if f is dot_method and shapes[0] == ():
        # the oracle's steps turn a 0-d array into a NumPy scalar, which has no .dot:
        # compare with np.dot's gradient, which the oracle checks
        got = s2s.grad(f, wrt=(0, 1))(x, y, w)
        for a, b in zip(got, check_gradient(dot, (x, y, w), wrt=(0, 1))):
            np.testing.assert_allclose(a, b, rtol=1e-12)
        return
    check_gradient(f, (x, y, w), wrt=(0, 1))


def test_dot_python_floats():
    y = rng.normal(size=3)
    check_gradient(dot, (1.5, y, rng.normal(size=3)), wrt=(0, 1))
    (g,) = check_gradient(dot, (1.5, -0.5, 2.0), wrt=(0,))
    assert type(g) is float


INNER_SHAPES = [
    ((), (3,)), ((4,), (4,)), ((3, 4), (4,)), ((4,), (2, 4)), ((3, 4), (2, 4)),
    ((2, 3, 4), (5, 4)), ((3, 4), (2, 5, 4)),
]


@pytest.mark.parametrize("shapes", INNER_SHAPES, ids=str)
def test_inner(shapes):
    x, y = arrays(*shapes)
    w = rng.normal(size=np.shape(np.inner(x, y)))
    check_gradient(inner, (x, y, w), wrt=(0, 1))


@pytest.mark.parametrize("shapes", [((3,), (4,)), ((2, 3), (4,)), ((3,), (2, 2))], ids=str)
def test_outer(shapes):
    x, y = arrays(*shapes)
    w = rng.normal(size=np.shape(np.outer(x, y)))
    check_gradient(outer, (x, y, w), wrt=(0, 1))


@pytest.mark.parametrize("shapes", [((6,), (6,)), ((2, 3), (3, 2)), ((2, 3), (6,))], ids=str)
def test_vdot(shapes):
    x, y = arrays(*shapes)
    check_gradient(vdot, (x, y, 0.7), wrt=(0, 1))


@pytest.mark.parametrize(
    "f, shapes",
    [
        (tensordot_default, ((2, 3, 4), (3, 4, 5))),
        (tensordot_default, ((3, 4), (3, 4))),
        (tensordot_int, ((2, 3), (3, 4, 5))),
        (tensordot_int, ((4,), (4,))),
        (tensordot_pairs, ((3, 4, 2), (2, 3, 5))),
        (tensordot_pairs, ((5, 1, 3), (3, 5))),
        (tensordot_single, ((2, 3), (3, 4))),
        (tensordot_single, ((2, 5, 3), (3,))),
        (tensordot_none, ((2,), (3, 2))),
        (tensordot_none, ((2, 3), ())),
    ],
    ids=str,
)
def test_tensordot(f, shapes):
    x, y = arrays(*shapes)
    w = rng.normal(size=np.shape(np.tensordot(x, y, TENSORDOT_AXES[f.__name__])))
    check_gradient(f, (x, y, w), wrt=(0, 1))


TENSORDOT_AXES = {
    "tensordot_default": 2, "tensordot_int": 1, "tensordot_pairs": ([0, 2], [1, 0]),
    "tensordot_single": (-1, 0), "tensordot_none": 0,
}


def test_dot_adjoints_by_hand():
    # z = x @ y for matrices: dx = g y^T, dy = x^T g
    x, y, g = arrays((3, 4), (4, 2), (3, 2))
    np.testing.assert_allclose(s2s.runtime.dot_lhs_adjoint(g, x, y), g @ y.T)
    np.testing.assert_allclose(s2s.runtime.dot_rhs_adjoint(g, x, y), x.T @ g)


@pytest.mark.parametrize(
    "f, shapes",
    [(dot, ((2, 3, 4), (4, 5))), (dot_method, ((3, 4), (2, 4, 5))), (dot, ((4,), (4,))),
     (inner, ((3, 4), (2, 4))), (outer, ((3,), (2, 2))), (tensordot_pairs, ((3, 4, 2), (2, 3, 5)))],
    ids=str,
)
def test_float32(f, shapes):
    x, y = arrays(*shapes, dtype=np.float32)
    if f is outer:
        out = np.outer(x, y)
    elif f is inner:
        out = np.inner(x, y)
    elif f is tensordot_pairs:
        out = np.tensordot(x, y, TENSORDOT_AXES[f.__name__])
    else:
        out = np.dot(x, y)
    w = rng.normal(size=np.shape(out)).astype(np.float32)
    gx, gy = s2s.grad(f, wrt=(0, 1))(x, y, w)
    assert gx.dtype == np.float32 and gx.shape == x.shape
    assert gy.dtype == np.float32 and gy.shape == y.shape
    gx64, gy64 = s2s.grad(f, wrt=(0, 1))(*(a.astype(np.float64) for a in (x, y, w)))
    np.testing.assert_allclose(gx, gx64, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(gy, gy64, rtol=1e-4, atol=1e-5)


def cross(a, b, w):
    return np.sum(np.cross(a, b) * w)


def cross_axis(a, b, w):
    return np.sum(np.cross(a, b, axis=0) * w)


def cross_axes(a, b, w):
    # a's vectors along its first axis, b's along its last, the result's along axis 0
    return np.sum(np.cross(a, b, axisa=0, axisb=-1, axisc=0) * w)


def cross_positive_axes(a, b, w):
    return np.sum(np.cross(a, b, axisa=1, axisb=0) * w) + np.sum(np.cross(a, b, 1, 0, 0) ** 2)


@pytest.mark.parametrize(
    "f, shapes",
    [(cross, [(3,), (3,), (3,)]), (cross, [(4, 3), (3,), (4, 3)]),
     (cross, [(2, 1, 3), (4, 3), (2, 4, 3)]), (cross_axis, [(3, 4), (3, 4), (3, 4)]),
     (cross_axes, [(3, 4), (4, 3), (3, 4)]), (cross_axes, [(3, 1), (2, 3), (3, 2)]),
     (cross_positive_axes, [(2, 3), (3, 2), (2, 3)])],
    ids=str,
)
def test_cross(f, shapes):
    a, b, w = (rng.normal(size=s) for s in shapes)
    check_gradient(f, (a, b, w), wrt=(0, 1))
    check_hvp(f, (a, b, w), (0, 1), rng)


TWO_VECTORS = np.lib.NumpyVersion(np.__version__) < "2.5.0"  # (2.5 refuses them itself)


@pytest.mark.filterwarnings("ignore:Arrays of 2-dimensional vectors:DeprecationWarning")
@pytest.mark.skipif(not TWO_VECTORS, reason="NumPy 2.5 and later refuse 2-vectors")
def test_cross_of_2_vectors():
    a, b, w = rng.normal(size=(4, 2)), rng.normal(size=(4, 2)), rng.normal(size=4)
    check_gradient(cross, (a, b, w), wrt=(0, 1))
    check_hvp(cross, (a, b, w), (0, 1), rng)


@pytest.mark.filterwarnings("ignore:Arrays of 2-dimensional vectors:DeprecationWarning")
def test_cross_of_a_2_vector_and_a_3_vector_is_refused():
    # NumPy 2.5 and later refuse 2-vectors themselves; before, s2s's rule does
    with pytest.raises((NotImplementedError, ValueError),
                       match="a 2-vector and a 3-vector|3-dimensional"):
        s2s.grad(cross)(rng.normal(size=2), rng.normal(size=3), np.ones(3))
