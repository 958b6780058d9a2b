"""The logistic function as people write it, `1.0 / (1.0 + np.exp(-x))`, is read as one
operation (normalize/logistic.py) whose derivative comes from its result: the value is
the function's own, bit for bit, the gradient and the tangent match central
differences, and other expressions that look alike are left as written."""

import math

import numpy as np
import pytest

import s2s
from gradcheck import check_gradient


def floats(x, w):
    return np.sum(1.0 / (1.0 + np.exp(-x * w)) * x)


def ints_and_other_order(x, w):
    gate = 1 / (np.exp(-(x + w)) + 1)
    other = 1 / (1 + np.exp(x * w))  # (any exponent)
    return np.sum(gate * gate + other)


def on_a_number(a, b):
    return 1.0 / (1.0 + np.exp(-a * b)) + a


def looks_alike(x, w):
    two = 2.0 / (1.0 + np.exp(-x))  # not 1 over it
    plus = 1.0 / (2.0 + np.exp(x * w))  # not 1 plus it
    exp = math.exp  # (a local name)
    local = 1.0 / (1.0 + exp(-w))
    return np.sum(two * plus) + local


@pytest.mark.parametrize("f", [floats, ints_and_other_order])
def test_a_gate_is_read_as_one_operation(f):
    rng = np.random.default_rng(4)
    x, w = rng.normal(size=(3, 4)), rng.normal(size=4)
    value, _ = s2s.value_and_grad(f, wrt=(0, 1))(x, w)
    assert value == f(x, w)
    check_gradient(f, (x, w), wrt=(0, 1))
    assert "one_over_one_plus_exp(" in s2s.source(f, wrt=(0, 1))


def test_float32_stays_float32():
    rng = np.random.default_rng(5)
    x, w = rng.normal(size=(3, 4)).astype(np.float32), rng.normal(size=4).astype(np.float32)
    value, (dx, dw) = s2s.value_and_grad(floats, wrt=(0, 1))(x, w)
    assert value == floats(x, w) and value.dtype == np.float32
    assert dx.dtype == np.float32 and dw.dtype == np.float32


def test_on_numbers():
    value, grads = s2s.value_and_grad(on_a_number, wrt=(0, 1))(0.3, -1.2)
    assert value == on_a_number(0.3, -1.2) and type(value) is type(on_a_number(0.3, -1.2))
    check_gradient(on_a_number, (0.3, -1.2), wrt=(0, 1))


def test_what_only_looks_alike_is_left_as_written():
    rng = np.random.default_rng(6)
    x, w = rng.normal(size=4), 0.4
    assert "one_over_one_plus_exp(" not in s2s.source(looks_alike, wrt=(0, 1))
    check_gradient(looks_alike, (x, w), wrt=(0, 1))
