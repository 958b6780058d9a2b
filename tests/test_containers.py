"""Containers of values that need derivatives: dicts, nested dicts, lists, tuples,
and np.array of them, against finite differences."""

import numpy as np

import s2s
from gradcheck import check_gradient, numerical_gradient

rng = np.random.default_rng(31)


def dict_model(params, x):
    h = np.tanh(x @ params["w"] + params["b"])
    return np.sum(h * params["scale"])


def nested_dict(params, x):
    first = params["layers"]["first"]
    return np.sum(np.sin(x * first)) * params["gain"]


def dict_display(a, b):
    parts = {"a": a * 2.0, "b": b}
    return parts["a"] * parts["b"] + parts["a"]


def array_of_scalars(a, b):
    v = np.array([a, b * a, 3.0])
    return np.sum(v * v)


def flat_check(f, params, rest, key_path):
    """Finite differences for one leaf of a dict parameter."""
    def with_leaf(leaf):
        copy = {k: (dict(v) if isinstance(v, dict) else v) for k, v in params.items()}
        node = copy
        for key in key_path[:-1]:
            node = node[key]
        node[key_path[-1]] = leaf
        return f(copy, *rest)

    node = params
    for key in key_path:
        node = node[key]
    return numerical_gradient(with_leaf, (node,), 0)


def test_dict_parameters_get_dict_gradients():
    params = {"w": rng.normal(size=(3, 2)), "b": rng.normal(size=2), "scale": 1.5}
    x = rng.normal(size=(4, 3))
    grads = s2s.grad(dict_model)(params, x)
    assert set(grads) == {"w", "b", "scale"} and type(grads["scale"]) is float
    for key in params:
        np.testing.assert_allclose(grads[key], flat_check(dict_model, params, (x,), [key]), rtol=1e-5)


def test_nested_dicts():
    params = {"layers": {"first": rng.normal(size=3)}, "gain": 0.7}
    x = rng.normal(size=3)
    grads = s2s.grad(nested_dict)(params, x)
    np.testing.assert_allclose(
        grads["layers"]["first"], flat_check(nested_dict, params, (x,), ["layers", "first"]),
        rtol=1e-5,
    )
    np.testing.assert_allclose(grads["gain"], flat_check(nested_dict, params, (x,), ["gain"]), rtol=1e-5)


def test_dict_display_and_array_of_active_values():
    for f in (dict_display, array_of_scalars):
        got = s2s.grad(f, wrt=(0, 1))(0.7, -1.2)
        for i, g in enumerate(got):
            assert type(g) is float
            assert abs(g - numerical_gradient(f, (0.7, -1.2), i)) < 1e-6


def write_into_list_after_array(a, b):
    t = [a * 1.0, b]
    t[0] = t[0] * 2.0
    v = np.array(t)
    return np.sum(v * v)


def write_into_dict(a, b):
    t = {"p": a * 1.0, "q": b}
    v = np.array([t["p"], t["q"]])
    t["p"] = t["p"] * 2.0
    return np.sum(v) + t["p"] * t["q"]


def test_writes_into_lists_and_dicts():
    for f in (write_into_list_after_array, write_into_dict):
        got = s2s.grad(f, wrt=(0, 1))(1.5, -2.0)
        for i, g in enumerate(got):
            assert abs(g - numerical_gradient(f, (1.5, -2.0), i)) < 1e-6, f.__name__


def list_used_twice(xs):
    return np.sum(np.array(xs) ** 2) + np.sum(np.asarray(xs))


def test_list_adjoints_add_item_by_item():
    """Two contributions to a list's adjoint add up; Python's + would concatenate."""
    assert s2s.grad(list_used_twice)([1.0, 2.0]) == [3.0, 5.0]
    assert s2s.grad(list_used_twice)((1.0, 2.0)) == (3.0, 5.0)


def comprehension(x, w):
    ys = [np.tanh(v) * w for v in x]
    return np.sum(np.array(ys)) + np.sum(sum([v * v for v in ys]))


def comprehension_in_call(x):
    return sum([np.sum(np.sin(row)) for row in x]) * 2.0


def test_list_comprehensions():
    x, w = rng.normal(size=(4, 3)), rng.normal(size=3)
    check_gradient(comprehension, (x, w), wrt=(0, 1))
    check_gradient(comprehension, (x[:0], w), wrt=(0, 1))
    check_gradient(comprehension_in_call, (x,))


def sum_of_rows(x, start):
    return np.sum(sum(x, start) ** 2)


def test_builtin_sum_over_array_rows():
    check_gradient(sum_of_rows, (rng.normal(size=(4, 3)), 0.5), wrt=(0, 1))
