"""Lambdas where people write them, iteration helpers (map, filter, zip(*rows),
enumerate(zip(...)), reversed, sorted/min/max with a key, itertools.accumulate,
functools.reduce) and comprehensions of every kind: the value, reverse and forward
mode against central differences, and Hessian-vector products against differences
of gradients (normalize/iteration.py, normalize/loops.py)."""

import functools
import itertools
from functools import reduce

import numpy as np
import pytest

import s2s
from s2s.errors import Unsupported

from gradcheck import check_gradient

rng = np.random.default_rng(7)


def check_everything(f, args, wrt=0, hvp=True):
    """The value, both modes against finite differences, and the HVP in `wrt`
    against central differences of s2s's gradients."""
    indices = wrt if isinstance(wrt, tuple) else (wrt,)
    value, _ = s2s.value_and_grad(f, wrt=indices)(*args)
    expected = f(*args)
    assert np.array_equal(value, expected), (value, expected)
    check_gradient(f, args, wrt=indices)
    if not hvp:
        return
    eps = 1e-6
    vs = tuple(rng.normal(size=np.shape(args[i])) for i in indices)
    vs = tuple(float(v) if isinstance(args[i], float) else v for v, i in zip(vs, indices))
    got = s2s.hvp(f, wrt=wrt)(*args, vs if len(indices) > 1 else vs[0])
    got = got if len(indices) > 1 else (got,)
    grad = s2s.grad(f, wrt=wrt)
    plus, minus = list(args), list(args)
    for i, v in zip(indices, vs):
        plus[i] = args[i] + eps * v
        minus[i] = args[i] - eps * v
    ups, downs = grad(*plus), grad(*minus)
    ups, downs = (ups, downs) if len(indices) > 1 else ((ups,), (downs,))
    for g, up, down in zip(got, ups, downs):
        np.testing.assert_allclose(g, (np.asarray(up) - np.asarray(down)) / (2 * eps),
                                   rtol=1e-5, atol=1e-7)


xs = np.array([0.5, -1.2, 2.0, 0.7])
ys = np.array([1.5, 0.3, -0.7, 1.1])


# -- lambdas --------------------------------------------------------------------------


def weighted_fold(w, xs):
    return functools.reduce(lambda total, x: total + x * w, xs, 0.0)


def product_of_all(xs):
    return reduce(lambda a, b: a * b, xs)


def squares_by_map(w, xs):
    return sum(map(lambda x: (x * w) ** 2, xs))


def scaled_list(w, xs):
    scaled = list(map(lambda x: x * w, xs))
    return scaled[0] * scaled[-1] + sum(scaled)


def loop_over_map(w, xs):
    total = 0.0
    for y in map(lambda x: np.sin(x * w), xs):
        total = total + y * y
    return total


def map_of_two_lists(xs, ys):
    return sum(map(lambda a, b: a * b + a, xs, ys))


def lambda_called_at_once(w, x):
    return (lambda t: t * w + np.cos(t))(x) * 2.0


def named_lambda_and_map(w, xs):
    f = lambda x: np.tanh(x * w)  # noqa: E731
    return sum([f(x) for x in xs]) + sum(map(f, xs))


def sort_by_first(w, pairs):
    ordered = sorted(pairs, key=lambda p: p[0])
    return ordered[0][1] * w + ordered[-1][1] * w**2


def sort_values(xs):
    ordered = sorted(xs * 2.0)
    return ordered[0] * 3.0 + ordered[-1] + ordered[1] ** 2


def sort_descending_by_size(xs):
    ordered = sorted(xs, key=lambda x: abs(x), reverse=True)
    return ordered[0] * 10.0 + ordered[1]


def biggest_by_key(xs, ys):
    best = max(zip(xs, ys), key=lambda pair: pair[0] * pair[1])
    return best[0] - best[1] ** 2


@pytest.mark.parametrize("f, args, wrt", [
    (weighted_fold, (1.3, xs), (0, 1)),
    (product_of_all, (xs,), 0),
    (squares_by_map, (1.3, xs), (0, 1)),
    (scaled_list, (1.3, xs), (0, 1)),
    (loop_over_map, (1.3, xs), (0, 1)),
    (map_of_two_lists, (xs, ys), (0, 1)),
    (lambda_called_at_once, (1.3, 0.4), (0, 1)),
    (named_lambda_and_map, (1.3, xs), (0, 1)),
    (sort_by_first, (1.3, [(0.3, 1.0), (-0.2, 2.0), (0.9, 3.0)]), 0),
    (sort_values, (xs,), 0),
    (sort_descending_by_size, (xs,), 0),
    (biggest_by_key, (xs, ys), (0, 1)),
], ids=lambda v: getattr(v, "__name__", ""))
def test_lambdas(f, args, wrt):
    check_everything(f, args, wrt)


def sort_points(points, w):
    ordered = sorted(points, key=lambda p: p[0])
    return sum(p[1] * w for p in ordered)


def test_sorting_carries_the_derivative_of_the_values_not_of_the_keys():
    points = np.array([[0.3, 1.0], [-0.2, 2.0], [0.9, 3.0]])
    check_everything(sort_points, (points, 0.7), (0, 1))


# -- iteration helpers ----------------------------------------------------------------


def column_sums(w, rows):
    total = 0.0
    for column in zip(*rows):
        total = total + sum(column) * w
    return total


def transpose_and_unpack(rows):
    total = 0.0
    for a, b, c in zip(*rows):
        total = total + a * b - c
    return total


def column_products(rows):
    return sum([a * b * c for a, b, c in zip(*rows)])


def numbered_pairs(w, a, b):
    total = 0.0
    for i, (x, y) in enumerate(zip(a, b)):
        total = total + (i + 1) * x * y * w
    return total


def numbered_pair_tuples(a, b):
    total = 0.0
    for i, pair in enumerate(zip(a, b), 1):
        total = total + i * pair[0] * pair[1]
    return total


def square(v):
    return v * v


def map_a_helper(w, xs):
    return sum(map(square, [x * w for x in xs]))


def backwards(w, xs):
    ys = list(reversed(xs))
    total = 0.0
    for i, y in enumerate(reversed(xs)):
        total = total + i * y
    for x, y in zip(reversed(xs), xs):
        total = total + x * y * w
    return ys[0] * w + total


def running_sum(xs):
    totals = list(itertools.accumulate(xs))
    return sum(t * t for t in totals)


def running_product(w, xs):
    total = 0.0
    for p in itertools.accumulate(xs * w, lambda a, b: a * b):
        total = total + p
    return total


def running_with_start(xs):
    return sum(itertools.accumulate(xs, initial=2.0)) + sum(itertools.accumulate(xs, np.maximum))


def keep_positive(xs):
    return sum(filter(lambda x: x > 0, xs)) * sum(x * x for x in filter(None, xs))


def smallest_square(xs):
    return min(xs, key=square) * 2.0 + max(xs, key=abs)


def largest_and_smallest(xs, w):
    best = max(xs)  # (one sequence: the derivative goes to the item chosen)
    return best * w + min(x * w for x in xs) + max(np.sin(xs))


@pytest.mark.parametrize("f, args, wrt", [
    (column_sums, (1.3, [xs, ys]), 0),
    (column_sums, (1.3, np.stack([xs, ys])), (0, 1)),  # each column a tuple of them
    (transpose_and_unpack, (np.stack([xs, ys, xs * ys]),), 0),
    (column_products, (np.stack([xs, ys, xs + 1.0]),), 0),
    (numbered_pairs, (1.3, xs, ys), (0, 1, 2)),
    (numbered_pair_tuples, (xs, ys), (0, 1)),
    (map_a_helper, (1.3, xs), (0, 1)),
    (backwards, (1.3, xs), (0, 1)),
    (running_sum, (xs,), 0),
    (running_product, (1.3, xs), (0, 1)),
    (running_with_start, (xs,), 0),
    (keep_positive, (xs,), 0),
    (smallest_square, (xs,), 0),
    (largest_and_smallest, (list(xs), 1.3), (0, 1)),
], ids=lambda v: getattr(v, "__name__", ""))
def test_iteration_helpers(f, args, wrt):
    check_everything(f, args, wrt)


# -- comprehensions ------------------------------------------------------------------


def nested_generators(w, xs):
    return sum(sum(x * y for y in xs) for x in xs) * w


def products_of_positive(w, a, b):
    return sum([x * y * w for x in a for y in b if x > 0])


def squared_params(values):
    params = {k: v for k, v in zip(["a", "b", "c", "d"], values)}
    squared = {k: v**2 for k, v in zip(params.keys(), params.values())}
    return squared["a"] + squared["c"] * squared["d"]


def distinct_labels(w, labels, xs):
    seen = {label for label in labels}
    return w * len(seen) + sum(x for x, label in zip(xs, labels) if label in seen)


def lambda_inside_comprehension(w, xs):
    return sum([(lambda t: t * x)(w) for x in xs])


@pytest.mark.parametrize("f, args, wrt", [
    (nested_generators, (1.3, xs), (0, 1)),
    (products_of_positive, (1.3, xs, ys), (0, 1, 2)),
    (distinct_labels, (1.3, ["a", "b", "a", "c"], xs), (0, 2)),
    (lambda_inside_comprehension, (1.3, xs), (0, 1)),
], ids=lambda v: getattr(v, "__name__", ""))
def test_comprehensions(f, args, wrt):
    check_everything(f, args, wrt)


def test_dict_comprehension():
    check_everything(squared_params, (xs,))


# -- refusals ----------------------------------------------------------------------


def set_of_values(xs):
    return sum({x * x for x in xs})


def map_kept_for_later(xs):
    squares = map(lambda x: x * x, xs)
    return sum(squares)


def one_of_two_lambdas(x, flag):
    f = (lambda t: t * 2.0) if flag else (lambda t: t * 3.0)
    return f(x)


def lambda_given_to_a_helper(x):
    return apply_twice(lambda t: t * 2.0, x)


def apply_twice(f, x):
    return f(f(x))


def test_a_lambda_given_to_a_helper_of_the_module():
    # (the helper is inlined, with the lambda in its place: test_calls_and_targets.py)
    check_everything(lambda_given_to_a_helper, (0.5,))


def fold_in_a_branch(xs, flag):
    return reduce(lambda a, b: a * b, xs) if flag else 0.0


def lambda_with_default(w, xs):
    return sum(map(lambda x, k=2.0: x * k * w, xs))


def scale_changing_in_the_loop(w, xs):
    total = 0.0
    for y in map(lambda x: x * w, xs):
        total = total + y
        w = w * 2.0
    return total


@pytest.mark.parametrize("f, args, message", [
    (scale_changing_in_the_loop, (1.3, xs), "this loop assigns w, which the function given"),
    (set_of_values, (xs,), "making a set object from values that need derivatives"),
    (map_kept_for_later, (xs,), "map is supported only where it is consumed at once"),
    (one_of_two_lambdas, (0.5, True), "lambda is supported only as `name = lambda ...`"),
    (fold_in_a_branch, (xs, True), "reduce(...) evaluated conditionally or repeatedly"),
    (lambda_with_default, (1.3, xs), "the lambda given to map must take 1 parameter"),
], ids=lambda v: getattr(v, "__name__", ""))
def test_refused_with_the_place_and_the_reason(f, args, message):
    with pytest.raises(Unsupported) as error:
        s2s.grad(f, wrt=tuple(range(len(args))))(*args)
    assert message in str(error.value)
    assert "test_iteration.py:" in str(error.value)
