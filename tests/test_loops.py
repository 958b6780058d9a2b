"""Loops in reverse mode, against finite differences."""

import math

import numpy as np
import pytest

import s2s
from gradcheck import check_gradient

rng = np.random.default_rng(11)


def accumulate(x, w, n):
    s = 0.0
    for i in range(n):
        s += x[i] * w[i]
    return s


def repeated_square(x, n):
    a = x
    for i in range(n):
        a = a * a
    return a


def strided_bounds(x, start, stop):
    s = x[0] * 0.0
    for i in range(start, stop, 2):
        s = s + np.sin(x[i]) * s + x[i]
    return s


def nested(x, y):
    s = 1.0
    for i in range(x.shape[0]):
        for j in range(i + 1):
            s = s * 0.5 + x[i] * y[j] * s
    return s


def branch_in_loop(x):
    s = 0.0
    for i in range(x.shape[0]):
        if x[i] > 0.0:
            s = s + x[i] ** 2
        else:
            s = s - x[i] * s
    return s


def until_large(x, scale):
    while x < 10.0:
        x = x * scale + 0.1
    return x


def last_value_after_loop(x):
    s = 0.0
    for i in range(3):
        t = np.tanh(x * i)
        s = s + t
    return s * t


def arrays_in_loop(h, w, steps):
    for k in range(steps):
        h = np.tanh(w @ h + 0.1)
    return np.sum(h * h)


def pendulum(theta, omega, k):
    dt = 0.01
    for step in range(200):
        acc = -k * math.sin(theta) - 0.1 * omega
        theta = theta + dt * omega
        omega = omega + dt * acc
    return theta


@pytest.mark.parametrize("n", [0, 1, 4])
def test_iteration_counts(n):
    x, w = rng.normal(size=4), rng.normal(size=4)
    check_gradient(accumulate, (x, w, n), wrt=(0, 1))
    check_gradient(repeated_square, (1.1, n))
    check_gradient(arrays_in_loop, (rng.normal(size=3), rng.normal(size=(3, 3)) * 0.5, n), wrt=(0, 1))


def test_data_dependent_bounds():
    x = rng.normal(size=9)
    for start, stop in [(1, 8), (2, 3), (5, 5), (0, 9)]:
        check_gradient(strided_bounds, (x, start, stop))


def test_nested_loops():
    check_gradient(nested, (rng.normal(size=4), rng.normal(size=4)), wrt=(0, 1))


def test_branches_in_loops_take_both_sides():
    x = np.array([0.5, -0.7, 1.2, -0.3, 0.8])
    check_gradient(branch_in_loop, (x,))


@pytest.mark.parametrize("x", [0.5, 3.0, 12.0])
def test_while(x):
    check_gradient(until_large, (x, 1.7), wrt=(0, 1))


def test_value_of_last_iteration_used_after_loop():
    check_gradient(last_value_after_loop, (0.7,))


def test_pendulum():
    check_gradient(pendulum, (0.3, -0.2, 2.5), wrt=(0, 1, 2))


def straight_line(x):
    y = x * x
    y = np.sin(y) * y
    return y


def test_tape_only_in_loops():
    assert "tape" not in s2s.source(straight_line)
    assert "tape.append" in s2s.source(repeated_square)


def test_accumulators_are_updated_in_place():
    """O(1) work per iteration for `d[x][i] += ...`: no copy of the whole adjoint."""
    source = s2s.source(accumulate, wrt=(0, 1))
    loop = source[source.index("for i in reversed"):]
    assert "zeros_like" not in loop


def annotated_scale(x: float, y):
    return np.sum(x * y)


def test_scalar_annotations_are_checked_not_trusted():
    assert s2s.grad(annotated_scale)(2.0, np.ones(3)) == 3.0
    with pytest.raises(TypeError, match="'x' is annotated as a number but holds an array"):
        s2s.grad(annotated_scale)(np.ones(3), np.ones((2, 3)))


def test_pendulum_example_is_plain_scalar_code():
    from examples.pendulum import energy

    check_gradient(energy, (0.8, -0.3, 2.5, 0.1, 0.01, 300), wrt=(0, 1, 2))
    source = s2s.source(energy, wrt=(0, 1, 2))
    loop = source[source.index("for step in reversed"):]
    assert "unbroadcast" not in loop and "cast_like" not in loop.split("return")[0]
    assert loop.count("tape.pop()") == 2


def over_rows(x, w):
    s = 0.0
    for row in x:
        s = s + np.sum(np.tanh(row) * w)
    return s


def over_list(a, b):
    s = 1.0
    for v in [a, b * 2.0, 3.0]:
        s = s * v + v
    return s


def with_enumerate(x):
    s = 0.0
    for i, v in enumerate(x, 1):
        s = s + v * i * s + v
    return s


def with_zip(x, y):
    s = 0.0
    for a, b, c in zip(x, y, x):
        s = s + a * b - np.sin(c)
    return s


def over_arange(x):
    s = 0.0
    for t in np.arange(0.0, 1.0, 0.25):
        s = s + np.exp(-t * x)
    return s


def pairs(x):
    s = 0.0
    for a, b in x:
        s = s + a * b
    return s


def test_for_over_sequences():
    x, y = rng.normal(size=(4, 3)), rng.normal(size=3)
    check_gradient(over_rows, (x, y), wrt=(0, 1))
    check_gradient(over_list, (0.7, -1.3), wrt=(0, 1))
    check_gradient(with_enumerate, (rng.normal(size=5),))
    check_gradient(with_zip, (rng.normal(size=4), rng.normal(size=6)), wrt=(0, 1))
    check_gradient(over_arange, (0.9,))
    check_gradient(pairs, (rng.normal(size=(3, 2)),))
    check_gradient(over_rows, (x[:0], y), wrt=(0, 1))  # no iterations


def list_parameter(xs, w):
    s = 0.0
    for v in xs:
        s = s + np.sum(v * w) * s + 1.0
    return s


def test_list_and_tuple_parameters_get_gradients_of_the_same_structure():
    xs = [rng.normal(size=3) for _ in range(3)]
    w = rng.normal(size=3)
    grads = s2s.grad(list_parameter)(xs, w)
    assert type(grads) is list and [g.shape for g in grads] == [(3,)] * 3
    grads = s2s.grad(list_parameter)(tuple(xs), w)
    assert type(grads) is tuple
    stacked = np.stack(xs)
    expected = s2s.grad(list_parameter)(stacked, w)  # rows of an array: same math
    np.testing.assert_allclose(np.stack(grads), expected, rtol=1e-12)
    check_gradient(list_parameter, (stacked, w), wrt=(0, 1))


def with_break(x, limit):
    s = 0.0
    for i in range(x.shape[0]):
        s = s + x[i] * s + x[i]
        if s > limit:
            break
        s = s * 1.5
    return s


def with_continue(x):
    s = 0.0
    for v in x:
        if v < 0.0:
            continue
        s = s + v * v * s + v
    return s


def return_in_branch(x):
    if x > 1.0:
        return x * x
    y = math.sin(x)
    if y < 0.0:
        return -y * x
    return y + x


def return_in_loop(x, limit):
    s = 1.0
    for i in range(10):
        s = s * x + 0.5
        if s > limit:
            return s * 2.0
    return s


def while_with_break(x):
    n = 0
    while True:
        x = x * 1.3 + 0.1
        n = n + 1
        if x > 5.0 or n > 50:
            break
    return x


def nested_break(x):
    s = 0.0
    for i in range(3):
        for j in range(4):
            s = s + x[i] * x[j]
            if j >= i:
                break
    return s


@pytest.mark.parametrize("limit", [-1.0, 0.5, 3.0, 100.0])
def test_break_continue_return(limit):
    x = np.array([0.4, -0.3, 0.9, 0.2, 0.7])
    check_gradient(with_break, (x, limit))
    check_gradient(return_in_loop, (1.1, limit))
    check_gradient(return_in_loop, (0.3, limit))


def test_continue_and_returns_in_branches():
    check_gradient(with_continue, (np.array([0.4, -0.3, 0.9, -0.2, 0.7]),))
    for x in (1.5, 0.5, -0.5, 4.0):
        check_gradient(return_in_branch, (x,))
    for x in (0.2, 2.0, 6.0):
        check_gradient(while_with_break, (x,))
    check_gradient(nested_break, (np.array([0.4, -0.3, 0.9, 0.2]),))


def over_dict_keys(x, table):
    s = 0.0
    for key in table:
        s = s + x * key
    return s


def test_loops_over_dicts_and_sets_see_what_python_sees():
    table = {0: 5.0, 1: 7.0}
    assert s2s.value_and_grad(over_dict_keys)(1.5, table) == (over_dict_keys(1.5, table), 1.0)
    # a dict's keys carry no derivative: its values, unread here, get zeros
    value, (dx, dtable) = s2s.value_and_grad(over_dict_keys, wrt=("x", "table"))(1.5, table)
    assert (dx, dtable) == (1.0, {0: 0.0, 1: 0.0})
    assert s2s.jvp(over_dict_keys, wrt=("x", "table"))(1.5, table, 1.0, {0: 1.0, 1: 1.0}) == (
        over_dict_keys(1.5, table), 1.0)
    assert s2s.hvp(over_dict_keys)(1.5, table, 1.0) == 0.0
    assert s2s.value_and_grad(over_dict_keys)(1.5, {3, 4}) == (over_dict_keys(1.5, {3, 4}), 7.0)
    assert s2s.value_and_grad(over_dict_keys)(1.5, iter([2, 5])) == (10.5, 7.0)
    assert s2s.grad(over_dict_keys)(1.0, [0.0, 1.0]) == 1.0


def loop_only_compares(x, n):
    z = x * 3.0
    count = 0
    for i in range(n):
        if x > i:
            count = count + 1
    return z * count


def test_loop_without_adjoint_code():
    """A loop that only compares an active value has no adjoint, and leaves none
    half-made for the statements before it."""
    check_gradient(loop_only_compares, (1.5, 3))
