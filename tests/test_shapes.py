"""Shape operations and indexing, against finite differences: reshape, transpose,
.T, ravel, squeeze, expand_dims, swapaxes, moveaxis, broadcast_to, copies, casts,
and reading `x[index]` with basic, integer-array (repeated) and boolean indices."""

import numpy as np
import pytest

import s2s
from gradcheck import check_gradient

rng = np.random.default_rng(4)


# -- reshape, ravel, squeeze, expand_dims -----------------------------------------


def reshape(x, w):
    return np.sum(np.reshape(x, (2, -1)) ** 2 * w)


def reshape_keyword_order_f(x, w):
    return np.sum(np.reshape(x, shape=(-1, 2), order="F") ** 2 * w)


def reshape_method_args(x, w):
    return np.sum(x.reshape(2, -1) ** 2 * w)


def reshape_method_tuple(x, w):
    return np.sum(x.reshape((-1, 2)) ** 2 * w)


def reshape_method_order_f(x, w):
    return np.sum(x.reshape(-1, 2, order="F") ** 2 * w)


def ravel(x, w):
    return np.sum(np.ravel(x) ** 2 * w)


def ravel_order_f(x, w):
    return np.sum(np.ravel(x, order="F") ** 2 * w)


def ravel_method(x, w):
    return np.sum(x.ravel() ** 2 * w)


def flatten_method(x, w):
    return np.sum(x.flatten() ** 2 * w)


def flatten_order_f(x, w):
    return np.sum(x.flatten("F") ** 2 * w)


def squeeze(x, w):
    return np.sum(np.squeeze(x) ** 2 * w)


def squeeze_axis(x, w):
    return np.sum(np.squeeze(x, axis=0) ** 2 * w)


def squeeze_method(x, w):
    return np.sum(x.squeeze() ** 2 * w)


def expand_dims(x, w):
    return np.sum(np.expand_dims(x, 1) ** 2 * w)


def expand_dims_tuple(x, w):
    return np.sum(np.expand_dims(x, axis=(0, -1)) ** 2 * w)


def atleast_1d(x, w):
    return np.sum(np.atleast_1d(x) ** 2 * w)


def atleast_3d(x, w):
    return np.sum(np.atleast_3d(x) ** 2 * w)


def atleast_2d(x, w):
    return np.sum(np.atleast_2d(x) ** 2 * w)


# -- transposes ----------------------------------------------------------------


def transpose(x, w):
    return np.sum(np.transpose(x) ** 2 * w)


def transpose_axes(x, w):
    return np.sum(np.transpose(x, (1, 2, 0)) ** 2 * w)


def transpose_negative_axes(x, w):
    return np.sum(np.transpose(x, axes=(-1, 0, 1)) ** 2 * w)


def transpose_method(x, w):
    return np.sum(x.transpose() ** 2 * w)


def transpose_method_args(x, w):
    return np.sum(x.transpose(2, 0, 1) ** 2 * w)


def transpose_method_tuple(x, w):
    return np.sum(x.transpose((1, 2, 0)) ** 2 * w)


def T(x, w):
    return np.sum(x.T ** 2 * w)


def swapaxes(x, w):
    return np.sum(np.swapaxes(x, 0, -1) ** 2 * w)


def swapaxes_method(x, w):
    return np.sum(x.swapaxes(1, 0) ** 2 * w)


def moveaxis(x, w):
    return np.sum(np.moveaxis(x, 0, -1) ** 2 * w)


def moveaxis_many(x, w):
    return np.sum(np.moveaxis(x, [0, 1], [-1, 0]) ** 2 * w)


def flip(x, w):
    return np.sum(np.flip(x) ** 2 * w)


def flip_axis(x, w):
    return np.sum(np.flip(x, axis=-1) ** 2 * w)


def fliplr(x, w):
    return np.sum(np.fliplr(x) ** 2 * w)


def flipud(x, w):
    return np.sum(np.flipud(x) ** 2 * w)


# -- broadcasts, copies, casts, take ---------------------------------------------


def take(x, w):
    return np.sum(np.take(x, [3, 0, 3, 1]) ** 2 * w)


def take_axis(x, w):
    return np.sum(np.take(x, [1, 1, 0], axis=-1) ** 2 * w)


def take_method(x, w):
    return np.sum(x.take([[0, 1], [1, 1]], axis=0) ** 2 * w)



def broadcast_to(x, w):
    return np.sum(np.broadcast_to(x, (2, 3, 4)) ** 2 * w)


def copy(x, w):
    return np.sum(np.copy(x) ** 2 * w)


def copy_method(x, w):
    return np.sum(x.copy() ** 2 * w)


def asarray(x, w):
    return np.sum(np.asarray(x, dtype=np.float64) ** 2 * w)


def ascontiguousarray(x, w):
    return np.sum(np.ascontiguousarray(x.T) ** 2 * w.T)


def astype(x, w):
    return np.sum(x.astype(np.float64) ** 2 * w)


def astype_name(x, w):
    return np.sum(x.astype("float64") ** 2 * w)


# (function, x's shape, the result's shape); two of each
CASES = [
    (reshape, (4, 3), (2, 6)), (reshape, (2, 3, 2), (2, 6)),
    (reshape_keyword_order_f, (3, 4), (6, 2)), (reshape_keyword_order_f, (2, 2, 3), (6, 2)),
    (reshape_method_args, (4, 3), (2, 6)), (reshape_method_args, (2, 2, 2), (2, 4)),
    (reshape_method_tuple, (4, 3), (6, 2)), (reshape_method_tuple, (8,), (4, 2)),
    (reshape_method_order_f, (3, 4), (6, 2)), (reshape_method_order_f, (2, 3, 2), (6, 2)),
    (ravel, (3, 4), (12,)), (ravel, (2, 3, 2), (12,)),
    (ravel_order_f, (3, 4), (12,)), (ravel_order_f, (2, 3, 2), (12,)),
    (ravel_method, (3, 4), (12,)), (ravel_method, (2, 3, 2), (12,)),
    (flatten_method, (3, 4), (12,)), (flatten_method, (), (1,)),
    (flatten_order_f, (3, 4), (12,)), (flatten_order_f, (2, 3, 2), (12,)),
    (squeeze, (1, 3, 1), (3,)), (squeeze, (2, 1), (2,)),
    (squeeze_axis, (1, 3, 1), (3, 1)), (squeeze_axis, (1, 4), (4,)),
    (squeeze_method, (1, 3, 1), (3,)), (squeeze_method, (3, 1, 2), (3, 2)),
    (expand_dims, (3,), (3, 1)), (expand_dims, (3, 4), (3, 1, 4)),
    (expand_dims_tuple, (3,), (1, 3, 1)), (expand_dims_tuple, (2, 3), (1, 2, 3, 1)),
    (atleast_1d, (), (1,)), (atleast_1d, (2, 3), (2, 3)),
    (atleast_2d, (3,), (1, 3)), (atleast_2d, (), (1, 1)),
    (atleast_3d, (3,), (1, 3, 1)), (atleast_3d, (2, 3), (2, 3, 1)),
    (transpose, (3, 4), (4, 3)), (transpose, (2, 3, 4), (4, 3, 2)),
    (transpose_axes, (2, 3, 4), (3, 4, 2)), (transpose_axes, (4, 1, 3), (1, 3, 4)),
    (transpose_negative_axes, (2, 3, 4), (4, 2, 3)), (transpose_negative_axes, (3, 1, 2), (2, 3, 1)),
    (transpose_method, (3, 4), (4, 3)), (transpose_method, (2, 3, 4), (4, 3, 2)),
    (transpose_method_args, (2, 3, 4), (4, 2, 3)), (transpose_method_args, (3, 2, 5), (5, 3, 2)),
    (transpose_method_tuple, (2, 3, 4), (3, 4, 2)), (transpose_method_tuple, (3, 2, 5), (2, 5, 3)),
    (T, (3, 4), (4, 3)), (T, (2, 3, 4), (4, 3, 2)), (T, (5,), (5,)),
    (swapaxes, (3, 4), (4, 3)), (swapaxes, (2, 3, 4), (4, 3, 2)),
    (swapaxes_method, (3, 4), (4, 3)), (swapaxes_method, (2, 3, 4), (3, 2, 4)),
    (moveaxis, (3, 4), (4, 3)), (moveaxis, (2, 3, 4), (3, 4, 2)),
    (moveaxis_many, (2, 3, 4), (3, 4, 2)), (moveaxis_many, (2, 5, 3), (5, 3, 2)),
    (flip, (4,), (4,)), (flip, (2, 3, 4), (2, 3, 4)),
    (flip_axis, (3, 4), (3, 4)), (flip_axis, (2, 3, 2), (2, 3, 2)),
    (fliplr, (3, 4), (3, 4)), (fliplr, (2, 3, 2), (2, 3, 2)),
    (flipud, (4,), (4,)), (flipud, (2, 3), (2, 3)),
    (take, (4,), (4,)), (take, (2, 3), (4,)),
    (take_axis, (3, 2), (3, 3)), (take_axis, (2, 3, 4), (2, 3, 3)),
    (take_method, (2, 3), (2, 2, 3)), (take_method, (3,), (2, 2)),
    (broadcast_to, (3, 1), (2, 3, 4)), (broadcast_to, (4,), (2, 3, 4)),
    (copy, (3, 4), (3, 4)), (copy, (2, 3, 4), (2, 3, 4)),
    (copy_method, (3, 4), (3, 4)), (copy_method, (5,), (5,)),
    (asarray, (3, 4), (3, 4)), (asarray, (), ()),
    (ascontiguousarray, (3, 4), (3, 4)), (ascontiguousarray, (2, 3, 4), (2, 3, 4)),
    (astype, (3, 4), (3, 4)), (astype, (2, 3, 4), (2, 3, 4)),
    (astype_name, (3, 4), (3, 4)), (astype_name, (5,), (5,)),
]


@pytest.mark.parametrize(
    "f, shape, out", CASES, ids=[f"{f.__name__}-{s}" for f, s, _ in CASES]
)
def test_shape_operation(f, shape, out):
    x = rng.normal(size=shape)
    w = rng.normal(size=out)
    check_gradient(f, (x, w))


def asarray_of_float(x):
    return np.sum(np.asarray(x) * 3.0) * x


def test_asarray_of_python_float():
    (g,) = check_gradient(asarray_of_float, (1.25,), wrt=(0,))
    assert type(g) is float


# -- indexing -----------------------------------------------------------------------


def index_int(x, w):
    return np.sum(x[1] ** 2 * w)


def index_negative(x, w):
    return np.sum(x[-1] ** 2 * w)


def index_slices(x, w):
    return np.sum(x[1:, ::2] ** 2 * w)


def index_reversed(x, w):
    return np.sum(x[::-1] ** 2 * w)


def index_step_bounds(x, w):
    return np.sum(x[3:0:-2] ** 2 * w)


def index_newaxis(x, w):
    return np.sum(x[None, :, np.newaxis] ** 2 * w)


def index_ellipsis(x, w):
    return np.sum(x[..., 0] ** 2 * w)


def index_mixed(x, w):
    return np.sum(x[-1, None, ..., 1:3] ** 2 * w)


def index_array(x, w):
    return np.sum(x[[0, 0, 2]] ** 2 * w)


def index_array_columns(x, w):
    return np.sum(x[:, [1, 1, 0, 1]] ** 2 * w)


def index_array_pairs(x, w):
    return np.sum(x[[0, 1, 0], [2, 2, 2]] ** 2 * w)


def index_mask(x, w):
    return np.sum(x[x > 0] ** 2) * w


def index_several(x, w):
    a = x[0]
    b = x[1:3].sum(axis=0)
    c = x[[2, 2]].sum(axis=0)
    return np.sum(a * b * c * w)


# (function, x's shape, w's shape)
INDEXING = [
    (index_int, (4,), ()), (index_int, (3, 4), (4,)),
    (index_negative, (4,), ()), (index_negative, (3, 4, 2), (4, 2)),
    (index_slices, (4, 5), (3, 3)), (index_slices, (3, 4, 2), (2, 2, 2)),
    (index_reversed, (4,), (4,)), (index_reversed, (3, 2), (3, 2)),
    (index_step_bounds, (5,), (2,)), (index_step_bounds, (4, 3), (2, 3)),
    (index_newaxis, (4,), (1, 4, 1)), (index_newaxis, (3, 2), (1, 3, 1, 2)),
    (index_ellipsis, (4, 3), (4,)), (index_ellipsis, (2, 3, 2), (2, 3)),
    (index_mixed, (2, 3, 4), (1, 3, 2)), (index_mixed, (3, 5), (1, 2)),
    (index_array, (4,), (3,)), (index_array, (3, 2), (3, 2)),
    (index_array_columns, (3, 2), (3, 4)), (index_array_columns, (2, 3, 2), (2, 4, 2)),
    (index_array_pairs, (2, 3), (3,)), (index_array_pairs, (3, 4, 2), (3, 2)),
    (index_mask, (7,), ()), (index_mask, (3, 4), ()),
    (index_several, (4, 3), (3,)), (index_several, (3, 2, 2), (2, 2)),
]


@pytest.mark.parametrize(
    "f, shape, wshape", INDEXING, ids=[f"{f.__name__}-{s}" for f, s, _ in INDEXING]
)
def test_indexing(f, shape, wshape):
    x = rng.normal(size=shape)
    w = rng.normal(size=wshape)
    check_gradient(f, (x, w))


def index_repeated(x):
    return np.sum(x[[0, 0, 2]] * np.array([1.0, 10.0, 100.0]))


def test_repeated_indices_accumulate():
    g = s2s.grad(index_repeated)(np.zeros(4))
    np.testing.assert_array_equal(g, [11.0, 0.0, 100.0, 0.0])
    assert "add_at(" in s2s.source(index_repeated)


def index_parameter(x, w, i):
    return np.sum(x[i] ** 2 * w)


def index_parameter_slice(x, w, i):
    return np.sum(x[i:] ** 2 * w)


def index_parameter_array(x, w, i):
    return np.sum(x[i] ** 2 * w)


def index_parameter_mask(x, w, mask):
    return np.sum(x[mask] ** 2 * w)


def index_parameter_tuple(x, w, i):
    return np.sum(x[i, 1:] ** 2 * w)


def test_index_parameters():
    x = rng.normal(size=(4, 3))
    check_gradient(index_parameter, (x, rng.normal(size=3), 2))
    check_gradient(index_parameter, (x, rng.normal(size=3), -3))
    check_gradient(index_parameter, (x[0], 0.5, 1))
    check_gradient(index_parameter_slice, (x, rng.normal(size=(3, 3)), 1))
    check_gradient(index_parameter_array, (x, rng.normal(size=(4, 3)), np.array([3, 1, 3, 3])))
    check_gradient(index_parameter_array, (x, rng.normal(size=(2, 3)), [2, 2]))
    check_gradient(index_parameter_array, (x, rng.normal(size=2), (2, slice(None, None, 2))))
    mask = np.array([True, False, True, True])
    check_gradient(index_parameter_mask, (x, rng.normal(size=(3, 3)), mask))
    check_gradient(index_parameter_mask, (x, rng.normal(size=np.sum(x > 0.1)), x > 0.1))


def test_index_parameter_with_slice():
    x = rng.normal(size=(4, 3))
    check_gradient(index_parameter_tuple, (x, rng.normal(size=2), 2))


def alias_then_index(x, w):
    y = x
    a = y[1]
    return np.sum(y * w) + np.sum(a * a)


def index_then_copy(x, w):
    a = x[1]
    y = np.copy(x)
    return np.sum(y * w) + np.sum(a * a)


def test_indexing_does_not_write_into_other_adjoints():
    x, w = rng.normal(size=(3, 4)), rng.normal(size=(3, 4))
    keep = w.copy()
    check_gradient(alias_then_index, (x, w))
    check_gradient(index_then_copy, (x, w))
    np.testing.assert_array_equal(w, keep)


# -- float32 in, float32 out ---------------------------------------------------


def float32_chain(x, w):
    y = np.reshape(x.T, (-1,))
    z = np.expand_dims(y[::2], 0).astype(np.float64)
    v = np.transpose(np.squeeze(z, 0)[[0, 0, 1]].reshape(3, 1), (1, 0))
    u = np.take(np.flip(x, 0), [2, 2, 0], axis=1) * np.moveaxis(x[..., None], -1, 0)[0, :, :3]
    return (
        np.sum(v.ravel() * w)
        + np.sum(np.swapaxes(x, 0, 1)[x.T > 0] ** 2)
        + np.sum(np.copy(x).flatten()[1:] * np.broadcast_to(x[0, 0], (11,)))
        + np.sum(u)
    )


def test_float32():
    x = rng.normal(size=(3, 4)).astype(np.float32)
    w = rng.normal(size=3).astype(np.float32)
    g = s2s.grad(float32_chain, wrt=0)(x, w)
    assert g.dtype == np.float32 and g.shape == x.shape
    g64 = check_gradient(float32_chain, (x.astype(np.float64), w.astype(np.float64)))[0]
    np.testing.assert_allclose(g, g64, rtol=1e-4, atol=1e-5)


def random_index(x):
    return np.sum(x[np.random.permutation(4)] * np.arange(4.0))


def computed_index_and_mask(x, i):
    return np.sum(x[i + 1, 1 : i + 2] ** 2) + np.sum(x[x > 0.0] * 3.0)


@pytest.mark.value_unchecked("the function draws a random permutation")
def test_index_is_computed_once():
    """The adjoint reuses the primal's index: a random permutation is drawn once."""
    np.random.seed(0)
    permutation = np.random.permutation(4)
    np.random.seed(0)
    got = s2s.grad(random_index)(np.zeros(4))
    expected = np.zeros(4)
    expected[permutation] = np.arange(4.0)
    np.testing.assert_array_equal(got, expected)
    x = rng.normal(size=(4, 5))
    check_gradient(computed_index_and_mask, (x, 1))
    functions, _ = s2s.source(computed_index_and_mask).split("__source_notes__ = ")
    code = [line for line in functions.splitlines() if not line.lstrip().startswith("#")]
    assert sum("x > 0.0" in line for line in code) == 1


# -- stack and concatenate: lists in, one array out ------------------------------


def stack(x, y, w):
    return np.sum(np.stack([x, y * 2.0, x * y]) * w)


def stack_axis(x, y, w):
    return np.sum(np.stack((x, y), axis=-1) * w)


def concatenate(x, y, w):
    return np.sum(np.concatenate([x, np.sin(y), x]) * w)


def concatenate_axis(x, y, w):
    return np.sum(np.concatenate((x, y), axis=1) * w)


def concatenate_flat(x, y, w):
    return np.sum(np.concatenate([x, y], axis=None) * w)


def stack_floats(a, b):
    return np.sum(np.stack([a, a * b, b]) ** 2)


@pytest.mark.parametrize(
    "f, shapes, out",
    [
        (stack, [(3,), (3,)], (3, 3)), (stack, [(2, 3), (2, 3)], (3, 2, 3)),
        (stack_axis, [(3,), (3,)], (3, 2)), (stack_axis, [(2, 4), (2, 4)], (2, 4, 2)),
        (concatenate, [(3,), (2,)], (8,)), (concatenate, [(2, 3), (1, 3)], (5, 3)),
        (concatenate_axis, [(2, 3), (2, 1)], (2, 4)), (concatenate_axis, [(1, 2, 3), (1, 4, 3)], (1, 6, 3)),
        (concatenate_flat, [(2, 3), (4,)], (10,)), (concatenate_flat, [(3,), (1, 2)], (5,)),
    ],
    ids=lambda v: getattr(v, "__name__", None) or str(v),
)
def test_stack_and_concatenate(f, shapes, out):
    args = [rng.normal(size=s) for s in shapes] + [rng.normal(size=out)]
    check_gradient(f, tuple(args), wrt=(0, 1))
    float32 = tuple(a.astype(np.float32) for a in args)
    check_gradient(f, float32, wrt=(0, 1))


def test_stack_of_python_floats():
    da, db = check_gradient(stack_floats, (0.5, -1.5), wrt=(0, 1))
    assert type(da) is float and type(db) is float
