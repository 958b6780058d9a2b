"""ufunc.at scatters (normalize/scatters.py): np.add.at (a histogram, an embedding
gradient, messages on a graph), np.subtract.at, np.maximum.at and np.minimum.at
(pooling), np.multiply.at, np.divide.at and np.power.at (place by place), with
repeated places, tuple indices and broadcast values; each
checked for value, gradient and forward mode against finite differences (gradcheck),
and for Hessian-vector products against differences of gradients."""

import numpy as np
import pytest

import s2s
from gradcheck import check_gradient

rng = np.random.default_rng(187)
EDGES = np.array([[0, 1], [1, 2], [2, 0], [2, 3], [3, 1], [0, 1]])  # (0, 1) twice


def histogram(values, weights):
    bins = np.zeros(4)
    places = np.clip((values * 2).astype(int), 0, 3)
    np.add.at(bins, places, weights)
    return np.sum(bins ** 2) + bins[0]


def embedding_grads(table, targets):
    tokens = [0, 2, 2, 1, 3, 0]
    acc = np.zeros_like(table)
    np.add.at(acc, tokens, table[tokens] * 0.5)
    return np.sum((acc - targets) ** 2)


def messages(h, w):
    for step in range(2):
        out = np.zeros_like(h)
        np.add.at(out, EDGES[:, 1], np.tanh(h[EDGES[:, 0]] * w))
        h = h + out
    return np.sum(h ** 2)


def grid_scatter(a, v):
    rows, cols = np.array([0, 1, 1]), np.array([2, 0, 0])
    np.add.at(a, (rows, cols), v)  # into the parameter's copy
    return np.sum(a * a)


def copy_then_scatter(a, v):
    b = a.copy()
    np.add.at(b, ([0, 1, 1], [2, 0, 0]), v)  # one value, broadcast to each place
    return np.sum(np.sin(b))


def max_pooled(h, a):
    out = a.copy()
    np.maximum.at(out, EDGES[:, 1], np.tanh(h[EDGES[:, 0]]))
    return np.sum(out * np.arange(1.0, 1.0 + out.size).reshape(out.shape))


def min_on_a_grid(a, v):
    b = a.copy()
    np.minimum.at(b, ([0, 1, 1], [2, 0, 0]), v)  # one value, broadcast to each place
    return np.sum(np.sin(b) * b)


def taken_back(a, v):
    b = a.copy()
    np.subtract.at(b, [0, 2, 2], v)
    return np.sum(np.tanh(b))


def hvp_matches_differences(f, args, eps=1e-6):
    v = rng.normal(size=np.shape(args[0]))
    grad = s2s.grad(f)
    plus = grad(args[0] + eps * v, *args[1:])
    minus = grad(args[0] - eps * v, *args[1:])
    np.testing.assert_allclose(s2s.hvp(f)(*args, v), (plus - minus) / (2 * eps),
                               rtol=1e-5, atol=1e-7)


CASES = [
    (histogram, lambda: (np.array([0.1, 0.7, 1.2, 1.9, 0.4, 0.3]), rng.normal(size=6)), 1),
    (embedding_grads, lambda: (rng.normal(size=(4, 2)), rng.normal(size=(4, 2))), 0),
    (messages, lambda: (rng.normal(size=(4, 3)), 0.7), (0, 1)),
    (copy_then_scatter, lambda: (rng.normal(size=(2, 3)), 0.4), (0, 1)),
    (max_pooled, lambda: (rng.normal(size=(4, 3)), rng.normal(size=(4, 3)) - 0.5), (0, 1)),
    (min_on_a_grid, lambda: (rng.normal(size=(2, 3)), 0.1), (0, 1)),
    (taken_back, lambda: (rng.normal(size=3), rng.normal(size=3)), (0, 1)),
]


@pytest.mark.parametrize("f, args, wrt", CASES, ids=lambda v: getattr(v, "__name__", ""))
def test_scatter(f, args, wrt):
    args = args()
    check_gradient(f, args, wrt=wrt)
    if wrt != 1:
        hvp_matches_differences(f, args)


def test_a_scatter_into_a_parameter_is_refused_as_any_write_into_one():
    with pytest.raises(s2s.Unsupported, match=r"test_scatters\.py:\d+:\d+: writing into parameter 'a'"):
        s2s.grad(grid_scatter)(np.zeros((2, 3)), np.ones(3))


def ties(a, v):
    b = a.copy()
    np.maximum.at(b, [0, 1, 1], v)
    return np.sum(b * np.array([3.0, 5.0]))


def test_a_tie_gives_the_derivative_to_the_array_then_to_the_first_value():
    a, v = np.array([1.0, 0.0]), np.array([1.0, 2.0, 2.0])
    value, (da, dv) = s2s.value_and_grad(ties, wrt=("a", "v"))(a, v)
    assert value == ties(a, v)
    np.testing.assert_array_equal(da, [3.0, 0.0])  # a[0] equals v[0]: a's
    np.testing.assert_array_equal(dv, [0.0, 5.0, 0.0])  # the first of the two 2.0s
    _, tangent = s2s.jvp(ties, wrt=("a", "v"))(a, v, np.array([1.0, 1.0]),
                                                np.array([10.0, 100.0, 1000.0]))
    assert tangent == 3.0 * 1.0 + 5.0 * 100.0


def products(a, v):
    b = a.copy()
    np.multiply.at(b, [0, 2, 0], v)  # place 0 twice
    return np.sum(np.sin(b))


def row_products(a, v):
    b = a.copy()
    np.multiply.at(b, np.array([1, 1, 0]), v)  # rows, each value a row (or one row for all)
    return np.sum(b ** 2)


def quotients(a, v):
    b = a.copy()
    np.divide.at(b, [0, 0, 1], v)
    return np.sum(np.tanh(b))


def powers(a, v):
    b = a.copy()
    np.power.at(b, [1, 1], v)
    return np.sum(b)


@pytest.mark.parametrize("f, args", [
    (products, lambda: (rng.normal(size=3), rng.normal(size=3))),
    (row_products, lambda: (rng.normal(size=(2, 2)), rng.normal(size=(3, 2)))),
    (row_products, lambda: (rng.normal(size=(2, 2)), rng.normal(size=2))),
    (quotients, lambda: (rng.normal(size=2), rng.normal(size=3) + 3.0)),
    (powers, lambda: (rng.uniform(0.5, 1.5, size=3), rng.uniform(0.5, 2.0, size=2))),
], ids=lambda v: getattr(v, "__name__", ""))
def test_ufuncs_at_run_one_place_at_a_time(f, args):
    """np.multiply.at, np.divide.at and np.power.at: a loop of writes, place by place,
    as NumPy runs them (repeated places multiply up)."""
    args = args()
    assert s2s.value_and_grad(f, wrt=(0, 1))(*args)[0] == f(*args)
    check_gradient(f, args, wrt=(0, 1))
    hvp_matches_differences(f, args)


def test_a_tuple_index_to_multiply_at_fails_clearly():
    def grid(a, v):
        b = a.copy()
        np.multiply.at(b, ([0, 1], [1, 0]), v)
        return np.sum(b)

    with pytest.raises(TypeError, match="an index of one 1-D integer array or list"):
        s2s.grad(grid)(np.ones((2, 2)), 2.0)


def test_other_ufuncs_at_stay_refused():
    def angles(a, v):
        b = a.copy()
        np.arctan2.at(b, [0, 0], v)
        return np.sum(b)

    with pytest.raises(s2s.Unsupported, match=r"np\.arctan2\.at\(\) changes a value in place"):
        s2s.grad(angles)(np.ones(3), 2.0)
