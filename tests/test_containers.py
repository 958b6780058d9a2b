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


# -- lists built by append --------------------------------------------------------


def states_appended(h, w, xs):
    states = []
    for x in xs:
        h = np.tanh(h * w + x)
        states.append(h)
    return np.sum(np.stack(states) ** 2) + np.sum(states[-1])


def reads_the_growing_list(a, w):
    values = [a]
    for i in range(4):
        values.append(np.sin(values[-1] * w) + values[i])
    return np.sum(sum(values) * values[2])


def appends_in_branches(x, w):
    kept = []
    dropped = []
    for v in x:
        if v * w > 0.0:
            kept.append(v * w)
        else:
            dropped.append(np.exp(v))
    return np.sum(np.array(kept + [0.0])) + 2.0 * np.sum(np.array(dropped + [0.0]))


def appends_until(a: float, b: float):
    terms = []
    term = a
    while abs(term) > 1e-3:
        terms.append(term * b)
        term = term * 0.5
        if len(terms) > 5:
            break
    terms.append(b * b)
    return sum(terms)


def appends_in_nested_loops(x, w):
    products = []
    for i in range(x.shape[0]):
        for j in range(i):
            products.append(x[i] * x[j] * w)
    products.append(x[0])
    return np.sum(np.concatenate(products, axis=None))


def returns_appended(x):
    out = []
    out.append(x * 2.0)
    out.append(x * x)
    return np.sum(out[0] + out[1])


def test_lists_built_by_append():
    xs, w = rng.normal(size=(5, 3)), rng.normal(size=3)
    check_gradient(states_appended, (rng.normal(size=3), w, xs), wrt=(0, 1, 2))
    check_gradient(reads_the_growing_list, (rng.normal(size=2), rng.normal(size=2)), wrt=(0, 1))
    x = rng.normal(size=8)
    check_gradient(appends_in_branches, (x, 0.7), wrt=(0, 1))
    check_gradient(appends_in_branches, (x, -0.7), wrt=(0, 1))
    for a in (0.9, -0.3, 1e-4):  # stopped by the condition, by break, never entered
        check_gradient(appends_until, (a, 1.3), wrt=(0, 1))
    check_gradient(appends_in_nested_loops, (rng.normal(size=(4, 2)), rng.normal(size=2)), wrt=(0, 1))
    check_gradient(returns_appended, (rng.normal(size=3),))


def test_append_leaves_no_trace():
    """The adjoint sweep takes the items back off the list it appended to: the list
    the value came from is not changed by the gradient (here, it is returned)."""
    x = rng.normal(size=3)
    value, dx = s2s.value_and_grad(returns_appended)(x)
    np.testing.assert_allclose(value, returns_appended(x))
    assert "pop()" in s2s.source(states_appended)


# -- comprehensions with conditions, several fors, nesting; generator expressions ----


def filtered(x, w):
    return sum([np.sin(v) * w for v in x if v > 0.0]) + 0.0 * w


def two_fors(x, y):
    return sum([a * b for a in x for b in y if a * b < 1.0])


def nested(x, y):
    table = np.array([[np.tanh(a - b) for b in y] for a in x])
    return np.sum(table * table)


def zipped_and_enumerated(x, y):
    pairs = [a * b for a, b in zip(x, y)]
    weighted = [i * v for i, v in enumerate(pairs, 1)]
    return sum(weighted)


def generator_arguments(x, w):
    return sum(v * v * w for v in x) + sum((v * w for v in x), 1.0)


def rebinds_its_sequence(x):
    ys = [v * 2.0 for v in x]
    ys = [np.exp(y) for y in ys if y > -1.0]
    return sum(ys)


def comprehension_in_a_loop(x, w):
    total = 0.0
    for i in range(3):
        total = total + sum([v * w ** i for v in x if v > i * 0.1])
    return total


def test_comprehensions_with_conditions_and_several_fors():
    x, y = rng.normal(size=6), rng.normal(size=4)
    check_gradient(filtered, (x, 0.8), wrt=(0, 1))
    check_gradient(filtered, (-np.abs(x), 0.8), wrt=(0, 1))  # nothing kept
    check_gradient(two_fors, (x, y), wrt=(0, 1))
    check_gradient(nested, (x, y), wrt=(0, 1))
    check_gradient(zipped_and_enumerated, (x, y), wrt=(0, 1))
    check_gradient(generator_arguments, (x, 0.3), wrt=(0, 1))
    check_gradient(rebinds_its_sequence, (x,))
    check_gradient(comprehension_in_a_loop, (x, 1.3), wrt=(0, 1))


# -- dicts built by writing keys -----------------------------------------------------


def dict_built_by_keys(x, w):
    d = {}
    d["a"] = x * 2.0
    d["b"] = np.sin(x)
    d["a"] = d["a"] * w
    return np.sum(d["a"] * d["b"])


def dict_filled_in_a_loop(x, w):
    cache = {"start": w}
    for i in range(3):
        cache[i] = np.tanh(cache["start"] * x[i])
        cache["start"] = cache["start"] + cache[i]
    return np.sum(cache["start"]) + np.sum(cache[1])


def test_dicts_built_by_writing_keys():
    x, w = rng.normal(size=3), rng.normal(size=3)
    check_gradient(dict_built_by_keys, (x, w), wrt=(0, 1))
    check_gradient(dict_filled_in_a_loop, (x, 0.4), wrt=(0, 1))
    source = s2s.source(dict_built_by_keys)
    assert "tape" not in source  # straight-line writes keep what they overwrite in names


def test_adjoint_dicts_add_key_by_key_into_new_memory():
    from s2s.runtime import AdjointDict

    a, b = AdjointDict({"p": np.ones(2)}), AdjointDict({"p": np.ones(2), "q": np.full(2, 2.0)})
    total = a + b
    assert list(total) == ["p", "q"]
    np.testing.assert_array_equal(total["p"], [2.0, 2.0])
    total["q"] += 1.0  # updated in place: b's own value must not change
    np.testing.assert_array_equal(b["q"], [2.0, 2.0])


def dict_comprehension(x, w):
    scaled = {name: np.tanh(v * w) for name, v in zip(["a", "b", "c"], x) if name != "b"}
    return np.sum(scaled["a"] * scaled["c"]) + np.sum(scaled["c"])


def test_dict_comprehension():
    check_gradient(dict_comprehension, (rng.normal(size=(3, 2)), rng.normal(size=2)), wrt=(0, 1))


def test_pinned_collections_example():
    from golden.features import collections

    xs, w = rng.normal(size=(6, 3)), rng.normal(size=3)
    check_gradient(collections, (xs, w), wrt=(0, 1))


def table_of_mixed_items(x, w):
    table = {}
    for i, v in enumerate(x):
        if v > 0:
            table[i] = v * w
        else:
            table[i] = [v, v * v]
    total = 0.0
    for key in range(len(x)):
        item = table[key]
        if x[key] > 0:
            total = total + item
        else:
            total = total + item[0] * item[1]
    return total


def test_dict_of_lists_and_numbers_filled_and_read_in_loops():
    """The adjoint of a list item adds item by item (`+=` on a list would extend it)."""
    x = np.array([0.5, -1.2, 0.3, -0.7, 1.1])
    check_gradient(table_of_mixed_items, (x, 0.7), wrt=(0, 1))


# -- parameters as objects: NamedTuple, dataclass, SimpleNamespace ------------------

import dataclasses  # noqa: E402
import types  # noqa: E402
from typing import NamedTuple  # noqa: E402


class Params(NamedTuple):
    w: np.ndarray
    b: float


@dataclasses.dataclass(frozen=True)
class Config:
    params: Params
    scale: float
    name: str


def params_loss(p, x):
    return np.sum(np.tanh(x @ p.w + p.b))


def config_loss(cfg, x):
    w, b = cfg.params  # a NamedTuple unpacks by position too
    return np.sum(np.tanh(x @ w + b)) * cfg.scale + getattr(cfg, "scale") ** 2


def namespace_loss(ns, x):
    return np.sum(ns.a * x) * ns.k


def replaced(obj, path, value):
    """`obj` with the field at `path` (names) set to `value`."""
    name, *rest = path
    if rest:
        value = replaced(getattr(obj, name), rest, value)
    if isinstance(obj, types.SimpleNamespace):
        return types.SimpleNamespace(**{**vars(obj), name: value})
    if isinstance(obj, tuple):
        return obj._replace(**{name: value})
    return dataclasses.replace(obj, **{name: value})


def field_gradient(f, obj, rest, path):
    value = obj
    for name in path:
        value = getattr(value, name)
    return numerical_gradient(lambda v, *r: f(replaced(obj, path, v), *r), (value, *rest), 0)


def test_parameter_objects_get_gradients_of_their_type():
    x = rng.normal(size=(4, 3))
    p = Params(rng.normal(size=(3, 2)), 0.5)
    g = s2s.grad(params_loss)(p, x)
    assert type(g) is Params and type(g.b) is float
    for field in ("w", "b"):
        np.testing.assert_allclose(getattr(g, field), field_gradient(params_loss, p, (x,), [field]), rtol=1e-6)

    cfg = Config(p, 2.0, "layer")
    g = s2s.grad(config_loss)(cfg, x)
    assert type(g) is Config and type(g.params) is Params and g.name is None
    for path in (["params", "w"], ["params", "b"], ["scale"]):
        got = g
        for name in path:
            got = getattr(got, name)
        np.testing.assert_allclose(got, field_gradient(config_loss, cfg, (x,), path), rtol=1e-6)

    ns = types.SimpleNamespace(a=rng.normal(size=3), k=2.0)
    g = s2s.grad(namespace_loss)(ns, rng.normal(size=3))
    assert type(g) is types.SimpleNamespace
    xs = rng.normal(size=3)
    g = s2s.grad(namespace_loss)(ns, xs)
    for field in ("a", "k"):
        np.testing.assert_allclose(getattr(g, field), field_gradient(namespace_loss, ns, (xs,), [field]), rtol=1e-6)
