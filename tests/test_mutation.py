"""Writes into arrays (`y[i] = v`, `c[i, j] += v`, slices), against finite differences."""

import numpy as np

import s2s
from gradcheck import check_gradient

rng = np.random.default_rng(21)


def fill_buffer(x, w):
    y = np.zeros_like(x)
    for i in range(x.shape[0]):
        y[i] = np.sin(x[i]) * w[i]
    return np.sum(y * y)


def loop_matmul_loss(a, b, w):
    c = np.zeros((a.shape[0], b.shape[1]))
    for i in range(a.shape[0]):
        for j in range(b.shape[1]):
            for k in range(a.shape[1]):
                c[i, j] += a[i, k] * b[k, j]
    return np.sum(c * w)


def laplacian(u, w):
    lap = np.zeros_like(u)
    lap[1:-1] = u[2:] - 2.0 * u[1:-1] + u[:-2]
    return np.sum(lap * lap * w)


def copy_then_write(x):
    x = x.copy()
    x[0] = x[0] * 3.0
    x[1:] += x[0]
    return np.sum(x * x)


def overwrite_read_between(x):
    y = np.ones(3) * x[0]
    y[0] = x[1] * 2.0
    z = y[0] * y
    y[0] = x[2] * z[1]
    y[2] += y[0]
    return np.sum(y * z)


def rows_in_a_loop(x, w):
    h = np.zeros((x.shape[0] + 1, w.shape[0]))
    for t in range(x.shape[0]):
        h[t + 1] = np.tanh(w @ h[t] + x[t])
    return np.sum(h[1:] ** 2)


def write_through_index_array(x, positions):
    y = np.zeros(6)
    y[positions] = x * 2.0
    y[positions] += x * x
    return np.sum(np.sin(y) * np.arange(6.0))


def write_through_mask(x):
    y = x.copy()
    y[x > 0] = x[x > 0] ** 2
    return np.sum(y * y)


def write_pairs(x, rows, cols):
    c = np.ones((3, 3))
    c[rows, cols] = np.tanh(x)
    return np.sum(c @ c)


def test_writes_through_index_arrays_and_masks():
    # a repeated position keeps the last write; the earlier ones reach nothing
    positions = np.array([1, 3, 1, 5, 3])
    check_gradient(write_through_index_array, (rng.normal(size=5), positions))
    dx = s2s.grad(write_through_index_array)(rng.normal(size=5), positions)
    assert dx[0] == 0.0 and dx[1] == 0.0 and dx[2] != 0.0
    check_gradient(write_through_mask, (rng.normal(size=8),))
    rows, cols = np.array([0, 2, 0, 1]), np.array([1, 2, 1, 0])
    check_gradient(write_pairs, (rng.normal(size=4), rows, cols))


def reads_what_the_loop_writes(x):
    y = np.ones(3)
    for i in range(4):
        t = y[0]
        y[0] = t * x[i % 3]
        y[1:] = y[:-1] * x[1]
    return np.sum(y * y)


def views_before_and_after_writes(x):
    y = np.ones((3, 2))
    first = y[0]
    s = np.sum(first * x)
    y[0] = x * s
    again = y[0]
    rows = [y[1].copy(), again * 1.0]
    y[1] = again * 2.0
    return np.sum(rows[0] + rows[1]) + np.sum(y.T @ y)


def test_views_read_before_the_write_or_made_after_it():
    check_gradient(views_before_and_after_writes, (rng.normal(size=2),))


def test_buffers_slices_and_copies():
    x, w = rng.normal(size=5), rng.normal(size=5)
    check_gradient(fill_buffer, (x, w), wrt=(0, 1))
    check_gradient(laplacian, (rng.normal(size=7), rng.normal(size=7)), wrt=0)
    check_gradient(copy_then_write, (rng.normal(size=4),))
    # `t = y[0]` holds another value each iteration, so the tape keeps each one
    check_gradient(reads_what_the_loop_writes, (rng.normal(size=3),))
    check_gradient(overwrite_read_between, (rng.normal(size=3),))
    check_gradient(rows_in_a_loop, (rng.normal(size=(4, 3)), rng.normal(size=(3, 3))), wrt=(0, 1))


def test_loop_matmul_gradient_equals_matmul_gradient():
    a, b, w = rng.normal(size=(3, 4)), rng.normal(size=(4, 2)), rng.normal(size=(3, 2))
    da, db = s2s.grad(loop_matmul_loss, wrt=(0, 1))(a, b, w)
    np.testing.assert_allclose(da, w @ b.T, rtol=1e-12)
    np.testing.assert_allclose(db, a.T @ w, rtol=1e-12)
    check_gradient(loop_matmul_loss, (a, b, w), wrt=(0, 1))


def test_callers_arrays_are_never_changed():
    x = rng.normal(size=4)
    before = x.copy()
    s2s.grad(copy_then_write)(x)
    np.testing.assert_array_equal(x, before)


def broadcast_into_rows(x, n):
    """`x` (a number, a row, a column) is broadcast into the first row of a made
    buffer, then stepped through; its gradient sums over what was broadcast."""
    h = np.zeros((n + 1, 2, 3))
    h[0] = x
    for t in range(n):
        h[t + 1] = np.tanh(h[t] * 0.5 + 0.1)
    return np.sum(h**2)


def broadcast_made_values(x):
    """Values computed from `x` and written broadcast: one a reduction, whose adjoint
    must have its value's shape, one read back before the write (not blank)."""
    y = np.ones((2, 4, 3))
    y[0] = np.sum(x, axis=0)
    y[1] = np.sin(x[0]) * y[1, 0]
    y[0, 1:] = x[1:2, :1] * 2.0
    return np.sum(y * y)


def test_a_value_broadcast_into_a_part_gets_the_summed_adjoint():
    for x in [0.37, rng.normal(size=3), rng.normal(size=(2, 1)), rng.normal(size=(2, 3))]:
        (grad,) = check_gradient(broadcast_into_rows, (x, 3), wrt=0)
        assert np.shape(grad) == np.shape(x)
    (grad,) = check_gradient(broadcast_made_values, (rng.normal(size=(4, 3)),), wrt=0)
    assert grad.shape == (4, 3)
