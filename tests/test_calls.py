"""Calls into the user's functions: same module, other modules, in loops, branches
and argument position, keywords and defaults, tuples returned, and recursion
(direct, mutual, tree-shaped), against finite differences."""

import numpy as np
import pytest

import s2s
from callee_module import smooth
from gradcheck import check_gradient

rng = np.random.default_rng(41)


def layer(h, w, b):
    return np.tanh(h @ w + b)


def two_layers(w1, b1, w2, x):
    h = layer(x, w1, b1)
    return np.sum(layer(h, w2, 0.0) ** 2)


def scaled_sum(v, k=2.0):
    total = 0.0
    for i in range(v.shape[0]):
        total = total + v[i] * k
    return total


def calls_in_loops_and_branches(x, w):
    s = 0.0
    for i in range(3):
        if np.sum(x) * i > 0.0:
            s = s + scaled_sum(x * w, k=float(i))
        else:
            s = s + scaled_sum(np.sin(x), 1.5) * w[0]
    return s + smooth(scaled_sum(x), width=2.0)


def moments(v):
    mean = np.mean(v)
    return mean, np.mean((v - mean) ** 2)


def uses_a_tuple(x):
    m, var = moments(x * 2.0)
    return m * var


def different_arguments(x, y):
    # the first call needs the gradient for `h`, the second for `w` and `b`
    return np.sum(layer(x, np.ones((3, 3)), 0.5)) + np.sum(layer(np.ones(3), y, y[0]))


def test_calls_into_user_functions():
    w1, b1, w2, x = rng.normal(size=(3, 4)), rng.normal(size=4), rng.normal(size=(4, 2)), rng.normal(size=(5, 3))
    check_gradient(two_layers, (w1, b1, w2, x), wrt=(0, 1, 2, 3))
    check_gradient(calls_in_loops_and_branches, (rng.normal(size=4), rng.normal(size=4)), wrt=(0, 1))
    check_gradient(calls_in_loops_and_branches, (-np.abs(rng.normal(size=4)), rng.normal(size=4)), wrt=(0, 1))
    check_gradient(uses_a_tuple, (rng.normal(size=5),))
    check_gradient(different_arguments, (rng.normal(size=3), rng.normal(size=(3, 3))), wrt=(0, 1))


def test_each_callee_is_generated_once():
    source = s2s.source(two_layers, wrt=(0, 1, 2))
    assert source.count("def forward_layer(") == 1
    assert source.count("def adjoint_layer(") == 1
    assert "# Calls test_calls.layer" in source


# -- recursion ------------------------------------------------------------------


def halve_until_small(x):
    if np.sum(x * x) < 0.01:
        return x
    return np.sin(halve_until_small(x * 0.5)) + x


def is_even_power(x, n):
    if n == 0:
        return x
    return np.cos(is_odd_power(x * 1.1, n - 1))


def is_odd_power(x, n):
    if n == 0:
        return x * x
    return is_even_power(x, n - 1) * 0.9


def tree(x, depth):
    if depth == 0:
        return np.tanh(x)
    left = tree(x * 0.7, depth - 1)
    right = tree(x + 0.3, depth - 1)
    return left * right + x


def chain(x, n):
    if n == 0:
        return x
    return chain(np.sin(x) + x * 0.5, n - 1)


def sum_halved(x):
    return np.sum(halve_until_small(x))


def sum_even_power(x, n):
    return np.sum(is_even_power(x, n))


def sum_tree(x, depth):
    return np.sum(tree(x, depth))


def test_recursion():
    check_gradient(sum_halved, (rng.normal(size=3),))
    check_gradient(sum_halved, (rng.normal(size=3) * 0.01,))  # the base case at once
    check_gradient(sum_even_power, (rng.normal(size=2), 5))
    check_gradient(sum_even_power, (rng.normal(size=2), 0))
    check_gradient(sum_tree, (rng.normal(size=2), 4))
    check_gradient(chain, (0.3, 40))


def test_deep_recursion_needs_no_deeper_stack():
    """The forward and adjoint functions recurse exactly as deep as the function."""
    import sys

    depth = sys.getrecursionlimit() - 60  # pytest's own frames take some
    expected = chain(0.3, depth)
    value, dx = s2s.value_and_grad(chain)(0.3, depth)
    assert value == expected and np.isfinite(dx)


def scaled(v: float, k: float) -> float:
    return v * k + v


def calls_annotated(x, k):
    return np.sum(scaled(x, k))


def test_calls_check_what_they_pass_to_number_parameters():
    """`scaled` relies on its `float` annotations; a call that passes an array fails
    clearly instead of giving a gradient of the wrong shape."""
    check_gradient(calls_annotated, (0.7, 1.5), wrt=(0, 1))
    try:
        s2s.grad(calls_annotated)(np.ones(3), 1.5)
    except TypeError as exc:
        assert "annotated as a number" in str(exc)
    else:
        raise AssertionError("an array passed for a float parameter went unnoticed")


# -- nested functions, lambdas, closures ------------------------------------------


def nested_layers(w, b, x):
    def layer(h):
        return np.tanh(h @ w + b)

    square = lambda v: v * v  # noqa: E731
    total = 0.0
    for i in range(2):
        total = total + np.sum(square(layer(x * i)))
    return total + np.sum(layer(x))


def nested_calling_nested(a, x):
    def inner(v):
        return np.sin(v * a)

    def outer(v):
        if np.sum(v) > 0.0:
            return inner(v) + v
        return inner(v * 2.0)

    return np.sum(outer(x) * outer(-x))


def nested_recursion(x, n):
    def shrink(v, k):
        if k == 0:
            return v * scale
        return shrink(np.sin(v), k - 1)

    scale = 2.0 * x[0]
    return np.sum(shrink(x, n))


def nested_inactive_call(x):
    def count(v):
        return v.shape[0] * 2

    return np.sum(x) * count(x)


def make_loss(scale, offset):
    def loss(x):
        return np.sum((x - offset) ** 2) * scale

    return loss


closure_loss = make_loss(0.5, 1.25)
array_closure_loss = make_loss(0.5, np.arange(3.0))


def test_nested_functions_and_lambdas():
    w, b, x = rng.normal(size=(3, 3)), rng.normal(size=3), rng.normal(size=(4, 3))
    check_gradient(nested_layers, (w, b, x), wrt=(0, 1, 2))
    check_gradient(nested_calling_nested, (0.7, rng.normal(size=3)), wrt=(0, 1))
    check_gradient(nested_recursion, (rng.normal(size=3), 3))
    check_gradient(nested_inactive_call, (rng.normal(size=3),))


def test_closures_over_numbers_and_arrays():
    x = rng.normal(size=3)
    check_gradient(closure_loss, (x,))
    check_gradient(array_closure_loss, (x,))


def test_closure_constants_on_the_command_line(tmp_path):
    from s2s.cli import main

    out = tmp_path / "grad_closure.py"
    assert main(["differentiate", "tests/test_calls.py:closure_loss", "-o", str(out)]) == 0
    assert "offset = 1.25" in out.read_text()
    namespace = {}
    exec(compile(out.read_text(), str(out), "exec"), namespace)
    x = rng.normal(size=3)
    np.testing.assert_allclose(namespace["grad_loss"](x), (x - 1.25))


# -- gradient hooks ------------------------------------------------------------------


def clipped_backward(w, x):
    h = np.tanh(x @ w)
    with s2s.grad_of(h) as g:
        print("dh", float(np.sum(g)))
        g = np.clip(g, -0.1, 0.1)
    return np.sum(h**2 * 3.0)


def hooked_in_a_loop(a, xs):
    s = 0.0
    for x in xs:
        s = s + np.sin(a * x)
        with s2s.grad_of(s) as ds:
            ds = ds * 2.0
    return s


@pytest.mark.value_unchecked("the hooks print: calling the function again prints too")
def test_gradient_hooks(capsys):
    w, x = rng.normal(size=(3, 2)), rng.normal(size=(4, 3))
    dw = s2s.grad(clipped_backward)(w, x)
    h = np.tanh(x @ w)
    expected = x.T @ (np.clip(6.0 * h, -0.1, 0.1) * (1 - h * h))
    np.testing.assert_allclose(dw, expected)
    printed = capsys.readouterr().out
    assert printed.startswith("dh ") and abs(float(printed.split()[1]) - np.sum(6.0 * h)) < 1e-6

    # each iteration doubles what flows back through s: the first term counts 2**n times
    xs = rng.normal(size=3)
    da = s2s.grad(hooked_in_a_loop)(0.4, xs)
    expected = sum(2.0 ** (3 - i) * np.cos(0.4 * x) * x for i, x in enumerate(xs))
    np.testing.assert_allclose(da, expected)

    # run as plain Python, no gradient flows: the hook sees zero
    clipped_backward(w, x)
    assert capsys.readouterr().out == "dh 0.0\n"


def make_shift(amount):
    def shift(v):
        return v + amount * v * v

    return shift


shifted = make_shift(0.3)


def uses_a_closure(x):
    return np.sum(shifted(x) ** 2)


def fills_its_own_buffer(v, w):
    out = np.zeros_like(v)
    for i in range(v.shape[0]):
        out[i] = np.sin(v[i]) * w
    return out


def takes_a_list(parts, scale):
    return sum(p * scale for p in parts)


def calls_with_writes_and_lists(x, w):
    filled = fills_its_own_buffer(x, w)
    return np.sum(filled * takes_a_list([x, filled], w))


def test_callees_made_by_factories_that_write_and_take_lists():
    check_gradient(uses_a_closure, (rng.normal(size=3),))
    check_gradient(calls_with_writes_and_lists, (rng.normal(size=4), 0.8), wrt=(0, 1))


def with_inner(h, w):
    def act(v):
        return np.tanh(v * w)

    return act(h)


def needs_more_later(x, y):
    # the first call needs the gradient for `h`; the second, for `w`: made again
    return np.sum(with_inner(x, 2.0)) + np.sum(with_inner(np.ones(3), y))


def test_a_callee_made_again_for_more_parameters():
    check_gradient(needs_more_later, (rng.normal(size=3), 0.4), wrt=(0, 1))
    source = s2s.source(needs_more_later, wrt=(0, 1))
    assert source.count("def forward_act(") == 1 and source.count("def forward_with_inner(") == 1


def writes_and_counts(v, k):
    y = v.copy()
    y[0] = v[1] * k
    n = 0.0
    while n < 3.0:
        y = y * 0.9 + k
        n = n + 1.0
    return np.sum(y * v)


def calls_a_writer(x, k):
    return writes_and_counts(x, k) * 2.0


def test_callee_state_made_by_the_transform_reaches_its_adjoint():
    """What the forward keeps for itself (an overwritten part, a loop count) goes
    into its frame on the tape, like the callee's own values."""
    check_gradient(calls_a_writer, (rng.normal(size=3), 0.7), wrt=(0, 1))


def push_twice(xs, v):
    xs.append(v * 2.0)
    xs.append(v * v)
    return v


def fills_a_list_through_a_call(x):
    xs = []
    a = push_twice(xs, x)
    _ = push_twice(xs, x * 0.5)  # what it returns is unused; what it appends is not
    return xs[0] * xs[3] + a * xs[2]


def test_a_callee_may_append_to_a_list_it_is_given():
    # the adjoint function takes the caller's adjoint of the list and pops from it
    check_gradient(fills_a_list_through_a_call, (1.3,))
    check_gradient(fills_a_list_through_a_call, (-0.7,))
