"""Straight-line language features, against finite differences."""

import math

import numpy as np
import pytest

import s2s
from gradcheck import check_gradient, numerical_gradient

rng = np.random.default_rng(1)


def reassigned(x, y):
    h = x * y
    h = h * h + x
    h = np.sin(h)
    return np.sum(h)


def augmented(x, y):
    s = x * 1.0
    s += y
    s *= x
    s -= 2.0 * y
    s /= y
    s **= 2
    return np.sum(s)


def tuple_targets(x, y):
    a, b = x * y, x + y
    c, (d, e) = a, (b, a * b)
    return np.sum(c * d + e)


def swap(a, b):
    a, b = b, a * b
    a, b = b, a
    return a * 2.0 + b


def chained_targets(x):
    a = b = x * 3.0
    return np.sum(a * b)


def annotated(x: float, y: float) -> float:
    z: float = x * y
    return z + x


def conditional_expression(x, y):
    z = x * y if x > y else x + y
    return z * z


def nested_conditional(x):
    z = math.sin(x) if x > 0.5 else (math.cos(x) if x > -0.5 else x**3)
    return z


def conditional_in_operand(x, y):
    return (x if x > 0.0 else -x) * y + (y if y > 0.0 else 0.0)


def branch(x, y):
    if np.sum(x) > np.sum(y):
        z = x * y
    else:
        z = x - y
    return np.sum(z * z)


def branch_one_side(x, y):
    z = x * 2.0
    if y > 0.0:
        z = z * y
    return z + y


def branch_elif(x):
    if x > 1.0:
        z = x**2
    elif x > 0.0:
        z = math.exp(x)
    else:
        z = -x
    return z


def comparisons_and_ints(x, n):
    m = n * 2 + 1
    k = x.shape[0] // 2
    flag = (x[0] < 0.5) and (m > 2)
    scale = 2.0 if flag else 3.0
    return np.sum(x[:k]) * scale * m


def constant_result(x):
    return 3.0


def unused_input(x, y):
    return x * 2.0


def default_argument(x, scale=2.0):
    return x * scale


def keyword_only(x, *, scale):
    return x * scale


def docstring(x):
    """A docstring, ignored."""
    return x * x


@pytest.mark.parametrize(
    "f", [reassigned, augmented, tuple_targets, chained_targets], ids=lambda f: f.__name__
)
def test_array_functions(f):
    x = rng.uniform(0.5, 1.5, size=(3, 2))
    y = rng.uniform(0.5, 1.5, size=(3, 2))
    arity = f.__code__.co_argcount
    check_gradient(f, (x, y)[:arity], wrt=(0, 1)[:arity])


@pytest.mark.parametrize("args", [(0.3, 1.7), (1.7, 0.3)])
def test_scalar_functions(args):
    for f in (swap, annotated, conditional_expression, conditional_in_operand):
        check_gradient(f, args, wrt=(0, 1))
    check_gradient(conditional_in_operand, (-args[0], -args[1]), wrt=(0, 1))


@pytest.mark.parametrize("x", [1.2, 0.1, -0.2, -1.5])
def test_each_branch(x):
    check_gradient(nested_conditional, (x,))
    check_gradient(branch_elif, (x,))


@pytest.mark.parametrize("sign", [1.0, -1.0])
def test_branch_sides(sign):
    x = rng.uniform(0.5, 1.5, size=4) * sign
    y = rng.uniform(0.5, 1.5, size=4) * -sign
    check_gradient(branch, (x, y), wrt=(0, 1))
    check_gradient(branch_one_side, (x[0], y[0]), wrt=(0, 1))


@pytest.mark.parametrize("first", [0.2, 0.8])
def test_nondifferentiable_values(first):
    x = rng.uniform(0.5, 1.5, size=6)
    x[0] = first
    check_gradient(comparisons_and_ints, (x, 3))


def test_constant_and_unused_inputs():
    assert s2s.grad(constant_result)(2.0) == 0.0
    g = s2s.grad(constant_result)(np.ones((2, 3), np.float32))
    assert g.shape == (2, 3) and g.dtype == np.float32 and not g.any()
    dx, dy = s2s.grad(unused_input, wrt=(0, 1))(1.5, 2.5)
    assert (dx, dy) == (2.0, 0.0)
    source = s2s.source(unused_input, wrt=(0, 1))
    assert "dy = zeros_like(y)" in source  # nothing computed for an unused input


def test_defaults_keywords_docstrings():
    assert s2s.grad(default_argument)(3.0) == 2.0
    assert s2s.grad(default_argument)(3.0, scale=5.0) == 5.0
    assert s2s.grad(keyword_only)(3.0, scale=4.0) == 4.0
    assert s2s.grad(docstring)(3.0) == 6.0


def test_value_and_seed():
    value, g = s2s.value_and_grad(annotated, wrt=("x", "y"))(2.0, 3.0)
    assert value == 8.0 and g == (4.0, 2.0)
    _, g = s2s.value_and_grad(annotated)(2.0, 3.0, d_result=0.5)
    assert g == 2.0


def test_wrt_forms():
    x, y = 1.5, 2.5
    assert s2s.grad(swap, wrt="b")(x, y) == s2s.grad(swap, wrt=1)(x, y)
    assert s2s.grad(swap, wrt=-1)(x, y) == s2s.grad(swap, wrt=1)(x, y)
    assert isinstance(s2s.grad(swap, wrt=("a",))(x, y), tuple)
    expected = numerical_gradient(swap, (x, y), 0)
    assert s2s.grad(swap)(x, y) == pytest.approx(expected)


def reassigned_in_one_branch(d, c, a, x):
    # the body's one version of `y` and the else branch's first have the same name:
    # the merged value needs a name of its own (found differentiating a gradient)
    if c:
        y = d
    else:
        y = x * 0.5
        y = y + math.cos(x) * a
    return y * x


def test_a_name_assigned_once_in_one_branch_and_twice_in_the_other():
    check_gradient(reassigned_in_one_branch, (1.0, False, 1.3, 0.7), wrt=(0, 2, 3))
    check_gradient(reassigned_in_one_branch, (1.0, True, 1.3, 0.7), wrt=(0, 2, 3))
