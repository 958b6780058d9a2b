"""Layout rules against finite differences: einsum (explicit and implicit output,
diagonals, ellipsis broadcasting, the sublist form, a scalar result), tile, repeat,
roll, pad, hstack/vstack/dstack/column_stack, split and its kin, take_along_axis,
sort (with ties), diag, diagonal, triu and tril."""

import numpy as np
import pytest

import s2s
from gradcheck import check_gradient, strict_gradients

rng = np.random.default_rng(31)


def normal(*shape):
    return rng.normal(size=shape)


# -- einsum ---------------------------------------------------------------------------


def einsum_matmul(x, y, w):
    return np.sum(np.einsum("ij,jk->ik", x, y) * w)


def einsum_implicit(x, y, w):
    return np.sum(np.einsum("ij,jk", x, y) * w)


def einsum_spaces(x, y, w):
    return np.sum(np.einsum("ij, jk -> ki", x, y) * w)


def einsum_outer(x, y, w):
    return np.sum(np.einsum("i,j->ij", x, y) * w)


def einsum_uppercase(x, y, w):
    return np.sum(np.einsum("Ba,a", x, y) * w)  # implicit output: B (ASCII order)


def einsum_broadcast_labels(x, y, w):
    return np.sum(np.einsum("ij,ij->ij", x, y) * w)  # x is (1, n)


def einsum_batched(x, y, w):
    return np.sum(np.einsum("...ij,...jk->...ik", x, y) * w)


def einsum_ellipsis_implicit(x, y, w):
    return np.sum(np.einsum("...i,...i", x, y) * w)


def einsum_diagonal_with(x, y, w):
    return np.sum(np.einsum("ii,i->i", x, y) * w)


def einsum_lonely_label(x, y, w):
    return np.sum(np.einsum("ijk,j->i", x, y) * w)


def einsum_optimize(x, y, w):
    return np.sum(np.einsum("bij,bjk->bik", x, y, optimize=True) * w)


def einsum_sublists(x, y, w):
    return np.sum(np.einsum(x, [0, 1], y, [1, 2], [0, 2]) * w)


def einsum_sublists_ellipsis(x, y, w):
    return np.sum(np.einsum(x, [Ellipsis, 0], y, [0, 1]) * w)


TWO = [
    (einsum_matmul, (2, 3), (3, 4), (2, 4)),
    (einsum_implicit, (2, 3), (3, 4), (2, 4)),
    (einsum_spaces, (2, 3), (3, 4), (4, 2)),
    (einsum_outer, (3,), (4,), (3, 4)),
    (einsum_uppercase, (2, 3), (3,), (2,)),
    (einsum_broadcast_labels, (1, 3), (2, 3), (2, 3)),
    (einsum_batched, (2, 1, 3, 4), (5, 4, 2), (2, 5, 3, 2)),
    (einsum_batched, (3, 4), (4, 2), (3, 2)),
    (einsum_ellipsis_implicit, (2, 3), (4, 1, 3), (4, 2)),
    (einsum_diagonal_with, (3, 3), (3,), (3,)),
    (einsum_lonely_label, (2, 3, 4), (3,), (2,)),
    (einsum_optimize, (2, 3, 4), (2, 4, 5), (2, 3, 5)),
    (einsum_sublists, (2, 3), (3, 4), (2, 4)),
    (einsum_sublists_ellipsis, (2, 5, 3), (3, 4), (2, 5, 4)),
]


@pytest.mark.parametrize("f, xs, ys, ws", TWO, ids=lambda v: getattr(v, "__name__", ""))
def test_einsum_two_operands(f, xs, ys, ws):
    check_gradient(f, (normal(*xs), normal(*ys), normal(*ws)), wrt=(0, 1))


def einsum_diagonal(x, w):
    return np.sum(np.einsum("ii->i", x) * w)


def einsum_trace(x, w):
    return np.einsum("ii->", x) * w


def einsum_trace_implicit(x, w):
    return np.einsum("ii", x) * w


def einsum_batch_diagonal(x, w):
    return np.sum(np.einsum("...jj->...j", x) * w)


def einsum_two_diagonals(x, w):
    return np.sum(np.einsum("ijij->ij", x) * w)


def einsum_transpose(x, w):
    return np.sum(np.einsum("ijk->kij", x) * w)


def einsum_sum_axis(x, w):
    return np.sum(np.einsum("ij->j", x) * w)


def einsum_sublist_trace(x, w):
    return np.einsum(x, [0, 0]) * w


ONE = [
    (einsum_diagonal, (3, 3), (3,)),
    (einsum_trace, (4, 4), ()),
    (einsum_trace_implicit, (3, 3), ()),
    (einsum_batch_diagonal, (2, 3, 3), (2, 3)),
    (einsum_batch_diagonal, (3, 3), (3,)),
    (einsum_two_diagonals, (2, 3, 2, 3), (2, 3)),
    (einsum_transpose, (2, 3, 4), (4, 2, 3)),
    (einsum_sum_axis, (2, 3), (3,)),
    (einsum_sublist_trace, (3, 3), ()),
]


@pytest.mark.parametrize("f, xs, ws", ONE, ids=lambda v: getattr(v, "__name__", ""))
def test_einsum_one_operand(f, xs, ws):
    check_gradient(f, (normal(*xs), normal(*ws) if ws else 0.7))


def einsum_scalar(x, y):
    return np.einsum("i,i", x, y)  # the result itself: its adjoint is a Python 1.0


def einsum_everything(x, y):
    return np.einsum("ij,ij->", x, y)


def einsum_with_number(x, c):
    return np.sum(np.einsum(",i->i", c, x) ** 2)


def test_einsum_scalar_results():
    check_gradient(einsum_scalar, (normal(4), normal(4)), wrt=(0, 1))
    check_gradient(einsum_everything, (normal(2, 3), normal(1, 3)), wrt=(0, 1))
    check_gradient(einsum_with_number, (normal(3), 0.8), wrt=(0, 1))


def einsum_three(x, y, z):
    return np.sum(np.einsum("ij,jk,kl->il", x, y, z))


def test_einsum_with_three_operands():
    args = (normal(2, 3), normal(3, 4), normal(4, 2))
    check_gradient(einsum_three, args, wrt=(0, 1, 2))
    check_gradient(einsum_three, args, wrt=(2,))  # the third alone: it must be active


# -- tile, repeat, roll -----------------------------------------------------------------


def tile(x, w, reps):
    return np.sum(np.tile(x, reps) * w)


@pytest.mark.parametrize("shape, reps", [
    ((3,), 2), ((2, 3), (2, 1, 2)), ((2, 3), (3,)), ((2, 1, 3), (2, 2)), ((), 3),
])
def test_tile(shape, reps):
    x = normal(*shape)
    w = normal(*np.tile(x, reps).shape)
    check_gradient(tile, (x, w, reps))


def repeat(x, w, repeats, axis):
    return np.sum(np.repeat(x, repeats, axis=axis) * w)


def repeat_positional(x, w, repeats, axis):
    return np.sum(np.repeat(x, repeats, axis) * w)


def repeat_method(x, w, repeats, axis):
    return np.sum(x.repeat(repeats, axis=axis) * w)


def repeat_default(x, w):
    return np.sum(np.repeat(x, 3) * w) + np.sum(x.repeat([1, 0, 2, 1, 1, 3]) ** 2)


@pytest.mark.parametrize("f", [repeat, repeat_positional, repeat_method])
@pytest.mark.parametrize("shape, repeats, axis", [
    ((2, 3), 2, None), ((2, 3), 3, 1), ((2, 3, 2), 2, -2), ((2, 3), [1, 0, 2], -1),
    ((2, 3), [3, 1], 0), ((2, 3), [1, 2, 0, 1, 1, 2], None), ((4,), np.array([2]), 0),
    ((2, 3), 0, 1),
])
def test_repeat(f, shape, repeats, axis):
    x = normal(*shape)
    w = normal(*np.repeat(x, repeats, axis).shape)
    check_gradient(f, (x, w, repeats, axis))


def test_repeat_defaults():
    check_gradient(repeat_default, (normal(2, 3), normal(18)))


def roll(x, w, shift, axis):
    return np.sum(np.roll(x, shift, axis=axis) * w)


def roll_default(x, w):
    return np.sum(np.roll(x, -2) * w)


@pytest.mark.parametrize("shift, axis", [
    (1, None), (2, 1), (-1, -1), ((1, -2), (0, 1)), ((1, 2), None), ((1, 1), (2, 2)), (5, 0),
])
def test_roll(shift, axis):
    x = normal(3, 4, 2)
    check_gradient(roll, (x, normal(3, 4, 2), shift, axis))


def test_roll_default():
    check_gradient(roll_default, (normal(5), normal(5)))


# -- pad ----------------------------------------------------------------------------------


def pad(x, w, pad_width, mode):
    return np.sum(np.pad(x, pad_width, mode=mode) * w)


def pad_positional(x, w, pad_width, mode):
    return np.sum(np.pad(x, pad_width, mode) * w)


def pad_default(x, w):
    return np.sum(np.pad(x, 2) * w)


def pad_constant(x, c, w):
    return np.sum(np.pad(x, ((1, 0), (2, 1)), constant_values=c) * w)


WIDTHS = [1, (2,), (1, 2), ((1, 2),), ((1, 2), (0, 3)), ((1,), (2,)), np.array([[0, 1], [2, 1]])]


@pytest.mark.parametrize("f", [pad, pad_positional])
@pytest.mark.parametrize("mode", ["constant", "edge", "wrap", "reflect", "symmetric"])
@pytest.mark.parametrize("pad_width", WIDTHS)
def test_pad(f, mode, pad_width):
    x = normal(3, 4)
    w = normal(*np.pad(x, pad_width, mode).shape)
    check_gradient(f, (x, w, pad_width, mode))


@pytest.mark.parametrize("mode", ["constant", "reflect"])
def test_pad_higher_rank(mode):
    x = normal(2, 3, 4)
    width = ((0, 1), (2, 2), (1, 3))
    check_gradient(pad, (x, normal(*np.pad(x, width).shape), width, mode))


def test_pad_default_and_constant_value():
    check_gradient(pad_default, (normal(3), normal(7)))
    check_gradient(pad_constant, (normal(2, 3), 0.4, normal(3, 6)), wrt=(0, 1))


def test_pad_other_modes_fail_clearly():
    with pytest.raises(NotImplementedError, match="linear_ramp"):
        s2s.grad(pad)(normal(3), normal(5), 1, "linear_ramp")


# -- joining --------------------------------------------------------------------------------


def hstack(x, y, w):
    return np.sum(np.hstack([x, y * 2.0, x]) * w)


def vstack(x, y, w):
    return np.sum(np.vstack((x, y)) * w)


def dstack(x, y, w):
    return np.sum(np.dstack([x, y]) * w)


def column_stack(x, y, w):
    return np.sum(np.column_stack([x, y]) * w)


def hstack_dtype(x, y, w):
    return np.sum(np.hstack([x, y], dtype=np.float64, casting="same_kind") * w)


def vstack_dtype(x, y, w):
    return np.sum(np.vstack([x, y], dtype=np.float64) * w)


JOINS = [
    (hstack, (3,), (2,)), (hstack, (2, 3), (2, 1)), (hstack, (), ()), (hstack, (2, 1, 3), (2, 4, 3)),
    (vstack, (3,), (3,)), (vstack, (3,), (2, 3)), (vstack, (2, 3, 2), (1, 3, 2)),
    (dstack, (3,), (3,)), (dstack, (2, 3), (2, 3)), (dstack, (2, 3, 1), (2, 3, 2)), (dstack, (), ()),
    (column_stack, (3,), (3, 2)), (column_stack, (3,), (3,)), (column_stack, (2, 2, 3), (2, 1, 3)),
    (hstack_dtype, (2, 3), (2, 2)), (vstack_dtype, (3,), (2, 3)),
]


@pytest.mark.parametrize("f, xs, ys", JOINS, ids=lambda v: getattr(v, "__name__", ""))
def test_join(f, xs, ys):
    x, y = normal(*xs), normal(*ys)
    parts = [x, y * 2.0, x] if f is hstack else [x, y]
    joined = {hstack: np.hstack, hstack_dtype: np.hstack, vstack: np.vstack,
              vstack_dtype: np.vstack, dstack: np.dstack, column_stack: np.column_stack}[f]
    check_gradient(f, (x, y, normal(*joined(parts).shape)), wrt=(0, 1))


def hstack_floats(a, b):
    return np.sum(np.hstack([a, a * b, b]) ** 2)


def test_join_python_floats():
    check_gradient(hstack_floats, (0.3, 1.2), wrt=(0, 1))


# -- splitting --------------------------------------------------------------------------------


def split(x, w, sections, axis):
    parts = np.split(x, sections, axis=axis)
    return np.sum(parts[0] * w) + np.sum(parts[-1] ** 2)  # middle parts unused


def array_split(x, w, sections, axis):
    parts = np.array_split(x, sections, axis)
    return np.sum(parts[0] * w) + np.sum(parts[-1] ** 2)


def split_unpacked(x, w):
    a, b = np.split(x, 2)
    return np.sum(a * b * w)


def hsplit(x):
    left, right = np.hsplit(x, 2)
    return np.sum(np.sin(left) * right)


def vsplit(x):
    top, bottom = np.vsplit(x, [1])
    return np.sum(np.sin(top)) + np.sum(bottom**2)


def dsplit(x):
    front, back = np.dsplit(x, 2)
    return np.sum(np.sin(front) * back)


@pytest.mark.parametrize("f", [split, array_split])
@pytest.mark.parametrize("shape, sections, axis", [
    ((6,), 3, 0), ((4, 6), [1, 4], 1), ((2, 6, 3), 2, -2), ((4, 6), [2], 0),
])
def test_split(f, shape, sections, axis):
    x = normal(*shape)
    w = normal(*np.split(x, sections, axis)[0].shape)
    check_gradient(f, (x, w, sections, axis))


def test_array_split_uneven():
    x = normal(3, 7)
    check_gradient(array_split, (x, normal(3, 3), 3, 1))


@pytest.mark.parametrize("f, shape", [
    (hsplit, (4,)), (hsplit, (3, 4)), (vsplit, (3, 2)), (dsplit, (2, 3, 4)),
])
def test_hsplit_vsplit_dsplit(f, shape):
    check_gradient(f, (normal(*shape),))


def test_split_unpacked():
    check_gradient(split_unpacked, (normal(4, 3), normal(2, 3)), wrt=(0, 1))


# -- take_along_axis, sort -------------------------------------------------------------------


def take_along_axis(x, w, indices, axis):
    return np.sum(np.take_along_axis(x, indices, axis=axis) * w)


def take_along_axis_default(x, w, indices):
    return np.sum(np.take_along_axis(x, indices) * w)


@pytest.mark.parametrize("shape, indices, axis", [
    ((3, 4), np.array([[0, 0, 3], [1, 2, 1], [3, 3, 3]]), 1),
    ((3, 4), np.array([[2, 0, 1, 1], [0, 0, 0, 2]]), 0),
    ((3, 4), np.array([[1], [3], [0]]), -1),
    ((2, 3, 4), np.array([[[0, 3, 3]], [[1, 1, 2]]]), 2),
    ((3, 4), np.array([0, 11, 5, 5]), None),
])
def test_take_along_axis(shape, indices, axis):
    x = normal(*shape)
    w = normal(*np.take_along_axis(x, indices, axis).shape)
    check_gradient(take_along_axis, (x, w, indices, axis))
    if axis == -1 and np.lib.NumpyVersion(np.__version__) >= "2.3.0":  # (its default axis)
        check_gradient(take_along_axis_default, (x, w, indices))


def sort(x, w, axis):
    return np.sum(np.sort(x, axis=axis) * w)


def sort_default(x, w):
    return np.sum(np.sort(x) * w)


def sort_keywords(x, w):
    return np.sum(np.sort(x, 0, kind="stable") * w) + np.sum(np.sort(x, stable=True) ** 3)


@pytest.mark.parametrize("shape, axis", [((5,), 0), ((3, 4), 0), ((3, 4), -1), ((2, 3, 4), 1),
                                         ((3, 4), None)])
def test_sort(shape, axis):
    x = normal(*shape)
    check_gradient(sort, (x, normal(*np.sort(x, axis=axis).shape), axis))


def test_sort_defaults_and_keywords():
    check_gradient(sort_default, (normal(3, 4), normal(3, 4)))
    check_gradient(sort_keywords, (normal(3, 4), normal(3, 4)))


def test_sort_ties_follow_a_stable_sort():
    x = np.array([2.0, 1.0, 2.0, 1.0, 3.0])
    w = np.array([10.0, 20.0, 30.0, 40.0, 50.0])  # sorted: 1 1 2 2 3
    (got,) = s2s.grad(sort, wrt=(0,))(x, w, 0)
    np.testing.assert_array_equal(got, [30.0, 10.0, 40.0, 20.0, 50.0])


# -- diag, diagonal, triu, tril --------------------------------------------------------------


def diag(x, w, k):
    return np.sum(np.diag(x, k) * w)


def diag_default(x, w):
    return np.sum(np.diag(x) * w)


@pytest.mark.parametrize("shape, k", [((3,), 0), ((3,), 2), ((3,), -1), ((3, 4), 0), ((3, 4), 1),
                                      ((4, 3), -2), ((3, 3), 0)])
def test_diag(shape, k):
    x = normal(*shape)
    check_gradient(diag, (x, normal(*np.diag(x, k).shape), k))
    if k == 0:
        check_gradient(diag_default, (x, normal(*np.diag(x).shape)))


def diagonal(x, w, offset, axis1, axis2):
    return np.sum(np.diagonal(x, offset, axis1=axis1, axis2=axis2) * w)


def diagonal_method(x, w, offset, axis1, axis2):
    return np.sum(x.diagonal(offset=offset, axis1=axis1, axis2=axis2) * w)


def diagonal_default(x, w):
    return np.sum(np.diagonal(x) * w) + np.sum(x.diagonal() ** 2)


@pytest.mark.parametrize("f", [diagonal, diagonal_method])
@pytest.mark.parametrize("shape, offset, axis1, axis2", [
    ((3, 4), 0, 0, 1), ((3, 4), 1, 0, 1), ((4, 3), -1, 1, 0), ((2, 3, 4), -1, 1, 2),
    ((3, 2, 3), 0, -1, 0),
])
def test_diagonal(f, shape, offset, axis1, axis2):
    x = normal(*shape)
    w = normal(*np.diagonal(x, offset, axis1, axis2).shape)
    check_gradient(f, (x, w, offset, axis1, axis2))


def test_diagonal_defaults():
    check_gradient(diagonal_default, (normal(3, 4), normal(3)))


def triu(x, w, k):
    return np.sum(np.triu(x, k=k) * w)


def tril(x, w, k):
    return np.sum(np.tril(x, k) * w)


def triangles_default(x, w):
    return np.sum(np.triu(x) * w) + np.sum(np.tril(x) ** 2)


@pytest.mark.parametrize("f", [triu, tril])
@pytest.mark.parametrize("shape, k", [((3, 4), 0), ((3, 4), 1), ((2, 4, 3), -1), ((4,), 1)])
def test_triangles(f, shape, k):
    x = normal(*shape)
    w = normal(*np.triu(x, k).shape)
    check_gradient(f, (x, w, k))


def test_triangles_default():
    check_gradient(triangles_default, (normal(3, 3), normal(3, 3)))


# -- float32 stays float32 ----------------------------------------------------------------------


def layout_mix(x, y, w):
    a = np.einsum("...ij,jk->...ik", x, y)
    b = np.pad(np.tile(a, (1, 2)), 1, mode="reflect")
    c = np.sort(np.roll(b, 1, axis=0), axis=None)
    parts = np.split(np.repeat(c, [1, 2] * 12), 3)
    return np.sum(np.hstack(parts) * w) + np.einsum("ii", np.triu(y[:2]))


def einsum_diagonal_scalar(x):
    return np.einsum("ii->", x) + np.sum(np.diagonal(np.take_along_axis(x, np.argsort(x), 1)))


def test_float32_stays_float32():
    x = normal(2, 3).astype(np.float32)
    y = normal(3, 2).astype(np.float32)
    w = normal(36).astype(np.float32)
    grads = strict_gradients(layout_mix, (x, y, w), wrt=(0, 1))
    assert [g.dtype for g in grads] == [np.float32, np.float32]
    (g,) = strict_gradients(einsum_diagonal_scalar, (normal(3, 3).astype(np.float32),))
    assert g.dtype == np.float32


# -- append and diff --------------------------------------------------------------------


def append_flat(x, y, w):
    return np.sum(np.append(x, np.sin(y)) * w)


def append_axis(x, y, w):
    return np.sum(np.append(x, y * 2.0, axis=1) * w)


def append_number(x, w):
    return np.sum(np.append(x, x[0] * 3.0) * w)


def diff(x, w, n, axis):
    return np.sum(np.diff(x, n=n, axis=axis) * w)


def test_append():
    check_gradient(append_flat, (normal(2, 3), normal(4), normal(10)), wrt=(0, 1))
    check_gradient(append_axis, (normal(2, 3), normal(2, 2), normal(2, 5)), wrt=(0, 1))
    check_gradient(append_number, (normal(3), normal(4)))


@pytest.mark.parametrize("shape, n, axis", [((5,), 1, -1), ((5,), 3, 0), ((4, 3), 1, 0),
                                             ((4, 3), 2, -1), ((2, 4, 3), 1, 1)])
def test_diff(shape, n, axis):
    x = normal(*shape)
    w = normal(*np.diff(x, n=n, axis=axis).shape)
    check_gradient(diff, (x, w, n, axis))
    (dx,) = strict_gradients(diff, (x.astype(np.float32), w.astype(np.float32), n, axis))
    assert dx.dtype == np.float32
