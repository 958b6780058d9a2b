"""Results that a loop carries, as users write them: a loss accumulated from a literal,
an integrator's running cost, a filter's log-likelihood, a solver's state returned
after `while`/`break`.  The value returned is the function's own (bit for bit), the
gradient matches finite differences, in the API and in modules the CLI writes."""

import math

import numpy as np
import pytest

import s2s
from gradcheck import check_gradient

rng = np.random.default_rng(15)


def summed_in_a_loop(x):
    s = 0.0
    for i in range(3):
        s += np.sum(x * i)
    return s


def counted_from_an_int(x):
    total = 0
    for v in x:
        total += v * v
    return total


def running_cost(y0, k):
    y = y0
    cost = 0.0
    dt = 0.1
    for step in range(20):
        y = y - dt * k * y
        cost += dt * y * y
    return cost


def log_likelihood(q, zs):
    x, p = 0.0, 1.0
    ll = 0.0
    for z in zs:
        p = p + q
        gain = p / (p + 0.5)
        x = x + gain * (z - x)
        p = (1 - gain) * p
        ll -= 0.5 * ((z - x) ** 2 / (p + 0.5) + math.log(2 * math.pi * (p + 0.5)))
    return ll


def settle(x):
    guess = 1.0
    while True:
        better = 0.5 * (guess + x / guess)
        if abs(better - guess) < 1e-12:
            break
        guess = better
    return guess


def product_of_terms(xs):
    acc = 1.0
    for i, v in enumerate(xs):
        acc *= 1.0 + v / (i + 1)
    return acc


def state_after_steps(x, n):
    state = x
    k = 0
    while k < n:
        state = np.tanh(state) * 0.9 + 0.1 * x
        k += 1
    return state


def loss_over_batches(w, xs, ys):
    loss = 0.0
    for x, y in zip(xs, ys):
        pred = x @ w
        loss = loss + np.mean((pred - y) ** 2)
    loss /= len(xs)
    return loss


CASES = [
    (summed_in_a_loop, lambda: (rng.normal(size=3),), 0),
    (counted_from_an_int, lambda: (rng.normal(size=4),), 0),
    (running_cost, lambda: (1.3, 0.7), (0, 1)),
    (log_likelihood, lambda: (0.3, rng.normal(size=6)), 0),
    (settle, lambda: (2.5,), 0),
    (product_of_terms, lambda: (rng.normal(size=4) * 0.3,), 0),
    (loss_over_batches, lambda: (rng.normal(size=3), rng.normal(size=(4, 5, 3)),
                                 rng.normal(size=(4, 5))), 0),
]


@pytest.mark.parametrize("f, make, wrt", CASES, ids=[c[0].__name__ for c in CASES])
def test_the_value_is_the_functions_own(f, make, wrt):
    args = make()
    indices = wrt if isinstance(wrt, tuple) else (wrt,)
    value, _ = s2s.value_and_grad(f, wrt=indices)(*args)
    assert value == f(*args)
    assert type(value) is type(f(*args))
    check_gradient(f, args, wrt)


def test_a_loop_carried_array_returned():
    x = rng.normal(size=3)
    value, grad = s2s.value_and_grad(state_after_steps)(x, 4, d_result=np.ones(3))
    np.testing.assert_array_equal(value, state_after_steps(x, 4))
    check_gradient(summed_state, (x,))


def summed_state(x):
    return np.sum(state_after_steps(x, 4))


def test_the_first_example_of_the_issue():
    value, grad = s2s.value_and_grad(summed_in_a_loop)(np.ones(2))
    assert value == 6.0
    np.testing.assert_array_equal(grad, [3.0, 3.0])


def test_modules_the_cli_writes_return_the_value_too(tmp_path, monkeypatch):
    from s2s import cli

    source = tmp_path / "model.py"
    source.write_text(
        "import numpy as np\n\n\n"
        "def f(x):\n"
        "    s = 0.0\n"
        "    for i in range(3):\n"
        "        s += np.sum(x * i)\n"
        "    return s\n"
    )
    out = tmp_path / "grad_model.py"
    assert cli.main(["differentiate", f"{source}:f", "-o", str(out)]) == 0
    namespace = {}
    exec(compile(out.read_text(), str(out), "exec"), namespace)
    value, grad = namespace["value_and_grad_f"](np.ones(2))
    assert value == 6.0
    np.testing.assert_array_equal(grad, [3.0, 3.0])
