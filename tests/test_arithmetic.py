"""Arithmetic operators, against finite differences, with broadcasting."""

import numpy as np
import pytest

from gradcheck import check_gradient, strict_gradients

rng = np.random.default_rng(0)


def add(x, y):
    return np.sum(x + y)


def subtract(x, y):
    return np.sum(x - y)


def multiply(x, y):
    return np.sum(x * y)


def divide(x, y):
    return np.sum(x / y)


def power(x, y):
    return np.sum(x**y)


def negative(x, y):
    return np.sum(-x * y)


def positive(x, y):
    return np.sum(+x * y)


def np_add(x, y):
    return np.sum(np.add(x, y))


def np_subtract(x, y):
    return np.sum(np.subtract(x, y) * x)


def np_divide(x, y):
    return np.sum(np.divide(x, y) + np.true_divide(y, x))


def np_multiply_power(x, y):
    return np.sum(np.multiply(x, y) + np.power(x, y))


def np_negative_positive(x, y):
    return np.sum(np.negative(x) * y + np.positive(y) * x)


FUNCTIONS = [
    add, subtract, multiply, divide, power, negative, positive,
    np_add, np_subtract, np_divide, np_multiply_power, np_negative_positive,
]
SHAPES = [((3,), (3,)), ((4, 3), (3,)), ((2, 1, 3), (4, 1)), ((), (2, 3))]


@pytest.mark.parametrize("f", FUNCTIONS)
@pytest.mark.parametrize("shapes", SHAPES, ids=str)
def test_binary(f, shapes):
    x = rng.uniform(0.5, 2.0, size=shapes[0])
    y = rng.uniform(0.5, 2.0, size=shapes[1])
    check_gradient(f, (x, y), wrt=(0, 1))


def scalars(a, b):
    c = a * b + a / b - b**2
    return -c + 3.0 * a


def test_python_floats():
    grads = check_gradient(scalars, (1.3, 0.7), wrt=(0, 1))
    assert all(type(g) is float for g in grads)


def matmul(x, y):
    return np.sum(np.sin(x @ y) + np.cos(np.matmul(x, y)))


@pytest.mark.parametrize(
    "shapes",
    [((3, 4), (4, 2)), ((4,), (4, 2)), ((3, 4), (4,)), ((4,), (4,)),
     ((5, 3, 4), (4, 2)), ((3, 4), (2, 4, 5)), ((2, 3, 4), (2, 4, 5)), ((4,), (2, 4, 3))],
    ids=str,
)
def test_matmul(shapes):
    x = rng.normal(size=shapes[0])
    y = rng.normal(size=shapes[1])
    check_gradient(matmul, (x, y), wrt=(0, 1))


def mlp_like(w, b, x):
    h = np.maximum(x @ w + b, 0.0)
    return np.mean((h - 1.0) ** 2)


@pytest.mark.parametrize("f", [add, subtract, multiply, divide, power, negative, mlp_like,
                               np_divide, np_negative_positive])
def test_float32_stays_float32(f):
    arity = f.__code__.co_argcount
    args = [rng.uniform(0.5, 2.0, size=s).astype(np.float32) for s in [(3, 4), (4,), (2, 3)]]
    grads = strict_gradients(f, args[:arity], wrt=tuple(range(arity)))
    assert all(g.dtype == np.float32 for g in grads)


def bias(x, b):
    return np.sum((x + b) ** 2)


def per_channel(image, scale):
    return np.sum(image * scale - scale)


def outer_product(c, w):
    return np.sum(c[None, :] * c[:, None] * w)


def scalar_times_array(s, x):
    return np.sum(s * x + x / s)


def test_broadcasting_cases():
    check_gradient(bias, (rng.normal(size=(5, 3)), rng.normal(size=3)), wrt=(0, 1))
    image, scale = rng.normal(size=(4, 5, 3)), rng.normal(size=3)
    check_gradient(per_channel, (image, scale), wrt=(0, 1))
    check_gradient(outer_product, (rng.normal(size=4), rng.normal(size=(4, 4))), wrt=0)
    grads = check_gradient(scalar_times_array, (1.5, rng.normal(size=(2, 3))), wrt=(0, 1))
    assert type(grads[0]) is float
