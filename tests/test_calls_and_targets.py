"""Calls and assignments as newcomers write them: helpers taking *args and **kwargs,
functools.partial, dict and list methods, helpers returning tuples, tuple targets
that write into elements; each checked for its value, its gradient against central
finite differences, forward mode, and Hessian-vector products against differences
of gradients."""

import functools
import math

import numpy as np
import pytest

import s2s
from gradcheck import check_gradient

rng = np.random.default_rng(7)


def check_everything(f, args, wrt=0, eps=1e-6):
    """Value, gradient (reverse and forward mode) and Hessian-vector product."""
    indices = wrt if isinstance(wrt, tuple) else (wrt,)
    value, _ = s2s.value_and_grad(f, wrt=indices)(*args)
    assert value == f(*args)
    check_gradient(f, args, wrt=indices)
    vs = tuple(rng.normal(size=np.shape(args[i])) if np.ndim(args[i]) else float(rng.normal())
               for i in indices)
    got = s2s.hvp(f, wrt=indices)(*args, vs)
    grad = s2s.grad(f, wrt=indices)
    plus, minus = list(args), list(args)
    for i, v in zip(indices, vs):
        plus[i] = args[i] + eps * v
        minus[i] = args[i] - eps * v
    for g, p, m in zip(got, grad(*plus), grad(*minus)):
        np.testing.assert_allclose(g, (np.asarray(p) - np.asarray(m)) / (2 * eps),
                                   rtol=1e-5, atol=1e-7)


# --- *args and **kwargs ---------------------------------------------------------


def total(*xs):
    return sum(x * x for x in xs)


def squares_of_several(a, b):
    return total(a, b) + total(a) * 0.5 + total(a, b, 2.0)


def weighted(x, *rest, scale=1.0):
    out = x * scale
    for r in rest:
        out = out + np.sin(r) * scale
    return out


def with_rest_and_keyword(x, y):
    return np.sum(weighted(x, y, x * y, scale=0.5)) + np.sum(weighted(y))


def scaled(x, **opts):
    scale = opts.get("scale", 1.0)
    shift = opts.get("shift", 0.0)
    return x * scale + shift


def with_options(x, s):
    return np.sum(scaled(x, scale=s) ** 2) + np.sum(scaled(x, shift=s, scale=3.0)) \
        + np.sum(scaled(x))


def test_a_helper_that_takes_args():
    check_everything(squares_of_several, (1.3, -0.7), wrt=(0, 1))
    check_everything(with_rest_and_keyword, (rng.normal(size=3), rng.normal(size=3)),
                     wrt=(0, 1))


def test_a_helper_that_takes_kwargs():
    check_everything(with_options, (rng.normal(size=4), 0.8), wrt=(0, 1))


def test_each_shape_of_call_gets_its_own_functions():
    source = s2s.source(squares_of_several, wrt=(0, 1))
    assert "(tape, xs_0):" in source and "(tape, xs_0, xs_1, xs_2):" in source
    assert "xs = (xs_0, xs_1)" in source
    assert source.count("# Calls ") == 1  # the header names `total` once


# --- functools.partial ------------------------------------------------------------


def power(x, k):
    return x ** k


square = functools.partial(power, k=2.0)
cube = functools.partial(power, k=3.0)


def uses_partials(x):
    return square(x) + cube(x) * 0.1 + functools.partial(power, k=1.5)(x)


def soft(x, temperature):
    return temperature * np.log(np.sum(np.exp(x / temperature)))


def partial_of_a_variable(x, t):
    return functools.partial(soft, temperature=t)(x * 2.0)


def test_partials_as_callees():
    check_everything(uses_partials, (1.7,))
    assert 'k=square.keywords["k"]' in s2s.source(uses_partials)


def test_a_partial_made_inline_of_a_parameter():
    check_everything(partial_of_a_variable, (rng.normal(size=3), 1.3), wrt=(0, 1))


# --- dict and list methods ---------------------------------------------------------


def penalty(params):
    s = 0.0
    for name, value in params.items():
        s = s + np.sum(value ** 2)
    return s


def model(w, b, x):
    params = {"w": w, "b": b}
    out = np.tanh(x @ params["w"] + params.get("b", 0.0))
    decay = params.get("decay", 0.01)
    return np.mean(out ** 2) + decay * penalty(params) + sum(np.sum(v) for v in params.values())


def count_keys(w, b):
    params = {"w": w, "b": b}
    total = 0.0
    for k in params.keys():
        total += np.sum(params[k] * 2.0)
    return total * len(params) + sum(params.values())[0]


def test_dict_methods():
    w, b, x = rng.normal(size=(3, 2)), rng.normal(size=2), rng.normal(size=(4, 3))
    check_everything(model, (w, b, x), wrt=(0, 1))
    check_everything(count_keys, (rng.normal(size=2), rng.normal(size=2)), wrt=(0, 1))


def dict_parameter(params):
    return params.get("a", 0.0) * sum(params.values()) + params.get("c", 2.0)


def test_dict_methods_on_a_dict_parameter():
    params = {"a": 1.5, "b": -0.5}
    value, grads = s2s.value_and_grad(dict_parameter)(params)
    assert value == dict_parameter(params)
    eps = 1e-6
    for key in params:
        plus, minus = dict(params), dict(params)
        plus[key] += eps
        minus[key] -= eps
        expected = (dict_parameter(plus) - dict_parameter(minus)) / (2 * eps)
        assert math.isclose(grads[key], expected, rel_tol=1e-6)


def copies(a, b):
    xs = [a, b, a * b]
    ys = list(xs)
    zs = xs[:]
    ys[0] = ys[0] * 3.0
    zs.append(b)
    return ys[0] * xs[0] + zs[-1] * zs[2] + sum(list(ys))


def test_list_copies():
    check_everything(copies, (1.2, -0.4), wrt=(0, 1))


# --- tuples from helpers -------------------------------------------------------------


def stats(v):
    mean = np.mean(v)
    out = (mean, np.mean((v - mean) ** 2))
    return out


def pair(v):
    return v * 2.0, np.sin(v) * 3.0


def uses_tuples(x, y):
    m, var = stats(x * y)
    both = pair(m)
    a, b = pair(var)
    return both[0] * both[1] + a * b


def test_helpers_that_return_tuples():
    check_everything(uses_tuples, (rng.normal(size=5), rng.normal(size=5)), wrt=(0, 1))


# --- tuple targets that write into elements ---------------------------------------


def step(u, v, h):
    return u + h * v, v - h * np.sin(u)


def integrate(theta, omega):
    state = [theta, omega]
    for _ in range(5):
        state[0], state[1] = step(state[0], state[1], 0.1)
    return state[0] ** 2 + state[1]


def neighbours(v):
    s = v.copy()
    for i in range(len(s) - 1):
        s[i], s[i + 1] = s[i + 1] * 0.5, s[i] * s[i + 1]
    return np.sum(s ** 2)


def test_tuple_targets_write_into_elements():
    check_everything(integrate, (0.4, -0.3), wrt=(0, 1))
    check_everything(neighbours, (rng.normal(size=4),))


# --- what is refused ------------------------------------------------------------------


def swaps_in_place(v):
    s = [v, v * 2.0]
    s[0], s[1] = s[1], s[0]
    return s[0] * 3.0 + s[1]


class Counter:
    def __init__(self):
        self.count = 0


def counts(x):
    c = Counter()
    c.count += 1
    return x * c.count


def test_swapping_list_items_in_place():
    assert s2s.value_and_grad(swaps_in_place)(1.5) == (swaps_in_place(1.5), 7.0)
    assert s2s.jvp(swaps_in_place)(1.5, 1.0) == (swaps_in_place(1.5), 7.0)


def test_a_counter_on_an_object_made_here():
    value, grad = s2s.value_and_grad(counts)(1.5)
    assert (value, grad) == (counts(1.5), 1.0)


def reads_its_module(x, **opts):
    return x * power(opts.get("power", 2.0), 1.0)


def passes_power(x):
    return reads_its_module(x, power=3.0)


@pytest.mark.parametrize("f, message", [
    (passes_power, "reads 'power' as a name of its module"),
])
def test_refused_with_a_located_message(f, message):
    with pytest.raises(s2s.S2SError, match=message) as caught:
        s2s.grad(f)(1.5)
    assert "test_calls_and_targets.py:" in str(caught.value)


def tuple_of_a_list(xs):
    t = tuple(xs)
    return t[0] * t[-1] + sum(t)


def tuple_of_an_array(x):
    t = tuple(x)
    return t[0] * t[-1] + np.sum(np.array(t) ** 2)


@pytest.mark.parametrize("f, args", [(tuple_of_a_list, ([0.5, -1.5, 2.0],)),
                                     (tuple_of_an_array, (np.array([0.5, -1.5, 2.0]),))],
                         ids=["list", "array"])
def test_tuple_of_items_that_need_derivatives(f, args):
    """`tuple(xs)` was refused ("making a tuple object from values that need
    derivatives"): it is linear in the items (templates/shapes.py)."""
    from gradcheck import check_hvp

    check_gradient(f, args)
    if isinstance(args[0], np.ndarray):
        check_hvp(f, args, (0,), rng)


# -- functions handed to functions: inlined where they are called -----------------------


def euler(f, y, h, n):
    for _ in range(n):
        y = y + h * f(y)
    return y


def decay(y):
    return -0.5 * y * y


def step_twice(f, y, h, *args):
    return euler(f, y, h, 2) + 0.5 * f(y, *args)


def uses_euler(y0, k):
    fast = lambda y: -k * y  # noqa: E731 - as people write it
    return (euler(lambda y: -k * np.sin(y), y0, 0.1, 5) + euler(decay, y0, 0.1, 3)
            + step_twice(fast, y0, 0.05) + step_twice(tanh_scaled, y0, 0.05, k))


def tanh_scaled(y, k=1.5):
    return np.tanh(k * y)


def test_functions_handed_to_functions():
    """A lambda written in the call, one named first, and a module's function, handed
    to a function of the module that calls it (and hands it on): each call is the
    function's body with the function given in its place."""
    for args in ((0.8, 1.3), (-0.4, 0.2)):
        value, grads = s2s.value_and_grad(uses_euler, wrt=(0, 1))(*args)
        assert value == uses_euler(*args)
        check_gradient(uses_euler, args, wrt=(0, 1))
        grad = s2s.grad(uses_euler, wrt=0)
        expected = (grad(args[0] + 1e-6, args[1]) - grad(args[0] - 1e-6, args[1])) / 2e-6
        assert abs(s2s.hvp(uses_euler, wrt=0)(*args, 1.0) - expected) < 1e-6
