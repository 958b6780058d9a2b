"""Reductions (sum, mean, prod, max, min, as functions and methods), against finite
differences, over every form of `axis`, with and without keepdims; prod through
zeros; max and min through ties, against values worked out by hand."""

import math

import numpy as np
import pytest

import s2s
from gradcheck import check_gradient

rng = np.random.default_rng(2)


# -- every reduction, with axis and keepdims passed in ------------------------


def sum_(x, w, axis, keepdims):
    return np.sum(np.sum(x, axis=axis, keepdims=keepdims) ** 2 * w)


def mean(x, w, axis, keepdims):
    return np.sum(np.mean(x, axis=axis, keepdims=keepdims) ** 2 * w)


def prod(x, w, axis, keepdims):
    return np.sum(np.prod(x, axis=axis, keepdims=keepdims) ** 2 * w)


def max_(x, w, axis, keepdims):
    return np.sum(np.max(x, axis=axis, keepdims=keepdims) ** 2 * w)


def amax(x, w, axis, keepdims):
    return np.sum(np.amax(x, axis=axis, keepdims=keepdims) ** 2 * w)


def min_(x, w, axis, keepdims):
    return np.sum(np.min(x, axis=axis, keepdims=keepdims) ** 2 * w)


def amin(x, w, axis, keepdims):
    return np.sum(np.amin(x, axis=axis, keepdims=keepdims) ** 2 * w)


def sum_method(x, w, axis, keepdims):
    return np.sum(x.sum(axis=axis, keepdims=keepdims) ** 2 * w)


def mean_method(x, w, axis, keepdims):
    return np.sum(x.mean(axis=axis, keepdims=keepdims) ** 2 * w)


def prod_method(x, w, axis, keepdims):
    return np.sum(x.prod(axis=axis, keepdims=keepdims) ** 2 * w)


def max_method(x, w, axis, keepdims):
    return np.sum(x.max(axis=axis, keepdims=keepdims) ** 2 * w)


def min_method(x, w, axis, keepdims):
    return np.sum(x.min(axis=axis, keepdims=keepdims) ** 2 * w)


REDUCTIONS = [
    sum_, mean, prod, max_, amax, min_, amin,
    sum_method, mean_method, prod_method, max_method, min_method,
]
NUMPY = {
    "sum": np.sum, "mean": np.mean, "prod": np.prod,
    "max": np.max, "amax": np.max, "min": np.min, "amin": np.min,
}

# (shape, axis): None, int, negative int, tuple (with a negative member)
AXES = [
    ((), None), ((5,), None), ((5,), 0), ((5,), -1), ((5,), (0,)),
    ((3, 4), None), ((3, 4), 0), ((3, 4), 1), ((3, 4), -1), ((3, 4), (0, 1)),
    ((2, 3, 4), None), ((2, 3, 4), 1), ((2, 3, 4), -3), ((2, 3, 4), (0, 2)),
    ((2, 3, 4), (-1, 1)), ((2, 3, 4), (0, 1, 2)),
]


def reference(f):
    name = f.__name__.replace("_method", "").rstrip("_")
    return NUMPY[name]


def inputs(f, shape, axis, keepdims, dtype=np.float64):
    # distinct values away from zero: max/min have no ties, prod is well scaled
    x = rng.permutation(np.linspace(0.5, 1.5, int(np.prod(shape)))).reshape(shape)
    x = x * rng.choice([-1.0, 1.0], size=shape)
    out = reference(f)(x, axis=axis, keepdims=keepdims)
    w = rng.normal(size=np.shape(out))
    return x.astype(dtype), w.astype(dtype)


@pytest.mark.parametrize("keepdims", [False, True])
@pytest.mark.parametrize("shape, axis", AXES, ids=str)
@pytest.mark.parametrize("f", REDUCTIONS, ids=lambda f: f.__name__)
def test_reduction(f, shape, axis, keepdims):
    x, w = inputs(f, shape, axis, keepdims)
    check_gradient(f, (x, w, axis, keepdims))


# -- the spellings: positional axis, literal axes, defaults --------------------


def positional_axis(x, w):
    return np.sum(np.sum(x, 1) ** 2 * w) + np.sum(np.max(x, -1) * w)


def literal_tuple_axis(x, w):
    a = np.prod(x, axis=(0, -1), keepdims=True)
    b = np.mean(x, axis=(-1, 0))
    return np.sum(a * b * w)


def method_positional_axis(x, w):
    return np.sum(x.sum(0) * x.mean(-2) * x.max(0) * x.min(-2) * x.prod(0) * w)


def defaults(x, w):
    return np.sum(x) * np.mean(x) + np.prod(x) * w + np.max(x) - x.min() * x.sum()


def reduce_a_reduction(x, w):
    return np.sum(np.max(np.sum(x * w, axis=0), axis=-1) ** 2)


@pytest.mark.parametrize("shape", [(3, 4), (2, 5)], ids=str)
def test_spellings(shape):
    x = rng.uniform(0.5, 1.5, size=shape)
    check_gradient(positional_axis, (x, rng.normal(size=shape[:1])))
    check_gradient(literal_tuple_axis, (x, rng.normal(size=(shape[1],))))
    check_gradient(method_positional_axis, (x, rng.normal(size=shape[1:])))
    check_gradient(defaults, (x, 0.7))
    check_gradient(reduce_a_reduction, (rng.uniform(0.5, 1.5, size=(4,) + shape), x))


# -- prod through zeros ------------------------------------------------------


def prod_all(x):
    return np.prod(x)


def prod_rows(x, w):
    return np.sum(np.prod(x, axis=1) * w)


def prod_tuple(x, w):
    return np.sum(np.prod(x, axis=(0, 2)) * w)


def test_prod_one_zero():
    x = np.array([2.0, 0.0, 3.0, 5.0])
    (g,) = check_gradient(prod_all, (x,))
    np.testing.assert_array_equal(g, [0.0, 30.0, 0.0, 0.0])


def test_prod_two_zeros():
    x = np.array([2.0, 0.0, 3.0, 0.0])
    (g,) = check_gradient(prod_all, (x,))
    np.testing.assert_array_equal(g, [0.0, 0.0, 0.0, 0.0])


def test_prod_zeros_along_an_axis():
    # row 0: no zero; row 1: one zero; row 2: two zeros
    x = np.array([[2.0, 3.0, 4.0], [2.0, 0.0, 4.0], [0.0, 3.0, 0.0]])
    w = np.array([1.0, 10.0, 100.0])
    (g,) = check_gradient(prod_rows, (x, w))
    expected = [[12.0, 8.0, 6.0], [0.0, 80.0, 0.0], [0.0, 0.0, 0.0]]
    np.testing.assert_array_equal(g, expected)


def test_prod_zeros_tuple_axis():
    x = rng.uniform(0.5, 1.5, size=(2, 3, 2))
    x[0, 1, 1] = 0.0  # one zero in column 1
    x[1, 2, 0] = x[0, 2, 1] = 0.0  # two zeros in column 2
    check_gradient(prod_tuple, (x, rng.normal(size=3)))


# -- max and min through ties: the adjoint is shared evenly ------------------


def max_rows(x, w):
    return np.sum(np.max(x, axis=1) * w)


def min_columns_keepdims(x, w):
    return np.sum(x.min(axis=0, keepdims=True) * w)


def max_all(x):
    return np.max(x) * 6.0


def amin_tuple(x, w):
    return np.sum(np.amin(x, axis=(0, 2)) * w)


def test_max_ties():
    x = np.array([[1.0, 3.0, 3.0], [2.0, 2.0, 0.0], [5.0, 4.0, 4.0]])
    w = np.array([2.0, 10.0, 7.0])
    g = s2s.grad(max_rows)(x, w)
    # row 0: 3 twice, half of 2 each; row 1: 2 twice, half of 10 each; row 2: no tie
    np.testing.assert_array_equal(g, [[0.0, 1.0, 1.0], [5.0, 5.0, 0.0], [7.0, 0.0, 0.0]])


def test_min_ties_keepdims():
    x = np.array([[1.0, 0.0, 4.0], [1.0, 2.0, 4.0], [1.0, 0.0, 3.0]])
    w = np.array([[3.0, 4.0, 5.0]])
    g = s2s.grad(min_columns_keepdims)(x, w)
    # column 0: three-way tie, 1 each; column 1: two-way tie, 2 each; column 2: alone
    np.testing.assert_array_equal(g, [[1.0, 2.0, 0.0], [1.0, 0.0, 0.0], [1.0, 2.0, 5.0]])


def test_max_ties_all_axes():
    x = np.array([[3.0, 1.0], [3.0, 3.0]])
    g = s2s.grad(max_all)(x)
    np.testing.assert_array_equal(g, [[2.0, 0.0], [2.0, 2.0]])


def test_amin_ties_tuple_axis():
    x = np.empty((2, 2, 3))
    x[:, 0, :] = [[-1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]  # -1 alone: all of 4
    x[:, 1, :] = [[0.5, 1.0, 2.0], [-1.0, 3.0, -1.0]]  # -1 twice: 3 each
    w = np.array([4.0, 6.0])
    g = s2s.grad(amin_tuple)(x, w)
    expected = np.zeros((2, 2, 3))
    expected[0, 0, 0] = 4.0
    expected[1, 1, 0] = expected[1, 1, 2] = 3.0
    np.testing.assert_array_equal(g, expected)


# -- float32 in, float32 out --------------------------------------------------


@pytest.mark.parametrize("f", REDUCTIONS, ids=lambda f: f.__name__)
@pytest.mark.parametrize("axis, keepdims", [(None, False), (1, True), ((0, -1), False)], ids=str)
def test_float32(f, axis, keepdims):
    x, w = inputs(f, (2, 3, 4), axis, keepdims, dtype=np.float32)
    g = s2s.grad(f, wrt=0)(x, w, axis, keepdims)
    assert g.dtype == np.float32 and g.shape == x.shape
    g64 = s2s.grad(f, wrt=0)(x.astype(np.float64), w.astype(np.float64), axis, keepdims)
    np.testing.assert_allclose(g, g64, rtol=1e-4, atol=1e-5)


def fsum_of_squares(xs, k):
    return math.fsum(k * x * x for x in xs) + math.fsum([math.sin(x) for x in xs])


def product_with_start(xs, s):
    return math.prod(xs) + math.prod([x + s for x in xs], start=s)


@pytest.mark.parametrize("xs", [[0.5, -1.2, 2.0], [0.5, 0.0, 2.0], [0.0, 0.0, 1.5]])
def test_math_fsum_and_prod(xs):
    """math.fsum is Python's sum rounded once; math.prod's derivative is exact where
    items are zero (one zero, two zeros), with respect to `start` too."""
    check_gradient(fsum_of_squares, (xs, 0.8), wrt=(0, 1))
    check_gradient(product_with_start, (xs, 0.7), wrt=(0, 1))
    for f, args in ((fsum_of_squares, (xs, 0.8)), (product_with_start, (xs, 0.7))):
        assert s2s.value_and_grad(f, wrt=(0, 1))(*args)[0] == f(*args)
        v = [0.3, -0.4, 0.9]
        grad = s2s.grad(f, wrt=0)
        step = 1e-6
        expected = (np.array(grad([x + step * vi for x, vi in zip(xs, v)], args[1]))
                    - np.array(grad([x - step * vi for x, vi in zip(xs, v)], args[1]))) / (2 * step)
        np.testing.assert_allclose(s2s.hvp(f, wrt=0)(*args, v), expected, rtol=1e-5, atol=1e-7)
