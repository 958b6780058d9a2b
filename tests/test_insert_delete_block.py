"""insert, delete, block and rot90 against finite differences: scalar, sequence,
slice and boolean `obj`, `axis` None or given, broadcast `values`, nested blocks of
mixed ranks; float32 kept."""

import numpy as np
import pytest

from gradcheck import check_gradient, strict_gradients

rng = np.random.default_rng(37)


def normal(*shape):
    return rng.normal(size=shape)


def insert(arr, values, w, obj, axis):
    return np.sum(np.insert(arr, obj, values, axis) * w)


INSERTS = [  # arr shape, values shape, obj, axis
    ((5,), (), 2, None), ((5,), (3,), 1, None), ((5,), (2,), [1, 3], None),
    ((3, 4), (3,), 1, 1), ((3, 4), (2, 4), 3, 0), ((3, 4), (4,), -1, 0),
    ((3, 4), (), [0, 2, 2], 1), ((3, 4), (3, 1), [4, 0], 1), ((3, 4), (3,), [2], 1),
    ((2, 3), (2,), 1, None), ((4, 3), (3,), slice(0, 4, 2), 0),
    ((3, 4), (3, 2), [3, 1], 1), ((4,), (2,), np.array([True, False, True, False]), 0),
]


@pytest.mark.parametrize("shape, vshape, obj, axis", INSERTS, ids=str)
def test_insert(shape, vshape, obj, axis):
    arr, values = normal(*shape), normal(*vshape)
    values = float(values) if values.ndim == 0 else values
    w = normal(*np.shape(np.insert(arr, obj, values, axis)))
    check_gradient(insert, (arr, values, w, obj, axis), wrt=(0, 1))


def insert_into_counts(values, w):
    counts = np.arange(6)  # integers: what is inserted is truncated
    return np.sum(np.insert(counts, 2, values) * w) + np.sum(values * w[:2])


def test_insert_into_an_integer_array_carries_no_derivative():
    """Values inserted into an integer array are truncated: their derivative through
    it is 0 (the reverse rule gave them `g`)."""
    values, w = np.array([0.3, 1.7]), normal(8)
    grad = check_gradient(insert_into_counts, (values, w), wrt=0)[0]
    np.testing.assert_allclose(grad, w[:2])


def delete(arr, w, obj, axis):
    return np.sum(np.delete(arr, obj, axis) ** 2 * w)


@pytest.mark.parametrize(
    "shape, obj, axis",
    [((5,), 2, None), ((3, 4), [0, 5, 7], None), ((3, 4), 1, 1), ((3, 4), [0, -1], 0),
     ((3, 4), slice(1, 3), 1), ((4, 2), np.array([True, False, False, True]), 0)],
    ids=str,
)
def test_delete(shape, obj, axis):
    arr = normal(*shape)
    w = normal(*np.shape(np.delete(arr, obj, axis)))
    check_gradient(delete, (arr, w, obj, axis))


def block_2x2(a, b, c, e, w):
    return np.sum(np.block([[a, b], [c, e]]) * w)


def block_row(a, b, w):
    return np.sum(np.block([a, b]) * w)


def block_mixed(a, b, c, w):
    return np.sum(np.block([[[a], [b]], [[c], [c]]]) * w)


@pytest.mark.parametrize(
    "f, shapes",
    [(block_2x2, [(2, 2), (2, 3), (1, 2), (1, 3), (3, 5)]),
     (block_2x2, [(2,), (2,), (2,), (2,), (2, 4)]),
     (block_row, [(3,), (2,), (5,)]), (block_row, [(2, 3), (2, 1), (2, 4)]),
     (block_mixed, [(2,), (1, 2), (1, 2), (2, 2, 2)])],
    ids=lambda v: getattr(v, "__name__", str(v)),
)
def test_block(f, shapes):
    args = tuple(normal(*s) for s in shapes)
    check_gradient(f, args, wrt=tuple(range(len(args) - 1)))


def block_scalar(x, y, w):
    return np.sum(np.block([x, y]) * w)


def test_block_of_python_floats():
    dx, dy = check_gradient(block_scalar, (1.5, -0.5, normal(2)), wrt=(0, 1))
    assert type(dx) is float and type(dy) is float


def rot90(m, w, k, axes):
    return np.sum(np.rot90(m, k, axes) * w)


def rot90_default(m, w):
    return np.sum(np.rot90(m) * w)


@pytest.mark.parametrize("shape, k, axes", [((3, 4), 1, (0, 1)), ((3, 4), -3, (1, 0)),
                                            ((2, 3, 4), 2, (0, 2)), ((2, 3, 4), 3, (2, 1))],
                         ids=str)
def test_rot90(shape, k, axes):
    m = normal(*shape)
    check_gradient(rot90, (m, normal(*np.shape(np.rot90(m, k, axes))), k, axes))
    check_gradient(rot90_default, (m, normal(*np.shape(np.rot90(m)))))


@pytest.mark.parametrize(
    "f, args, wrt",
    [(insert, lambda: (normal(3, 4), normal(3), normal(3, 5), 1, 1, ), (0, 1)),
     (insert, lambda: (normal(3, 4), normal(2, 4), normal(5, 4), [3, 0], 0), (0, 1)),
     (delete, lambda: (normal(3, 4), normal(3, 2), [0, 2], 1), (0,)),
     (block_row, lambda: (normal(2, 3), normal(2, 1), normal(2, 4)), (0, 1)),
     (rot90_default, lambda: (normal(3, 4), normal(4, 3)), (0,))],
    ids=lambda v: getattr(v, "__name__", ""),
)
def test_float32(f, args, wrt):
    args = tuple(a.astype(np.float32) if isinstance(a, np.ndarray) else a for a in args())
    got = strict_gradients(f, args, wrt=wrt)
    wide = tuple(a.astype(float) if isinstance(a, np.ndarray) else a for a in args)
    from s2s import grad

    for g, e in zip(got, grad(f, wrt=wrt)(*wide)):
        assert g.dtype == np.float32
        np.testing.assert_allclose(g, e, rtol=1e-5, atol=1e-6)
