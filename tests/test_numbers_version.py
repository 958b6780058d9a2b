"""The version of a gradient made for numbers (analysis/numbers.py, compiler.py): a
module `s2s differentiate` writes for a function with a loop and unannotated
parameters also holds `value_and_grad_f_on_numbers`, made as if they were annotated,
which the general gradient runs when they hold numbers.  Each path against the
function itself and central differences; which functions get one."""

import gast
import numpy as np
import pytest

from benchmarks.common import load_generated
from examples import pendulum
from gradcheck import numerical_gradient
from s2s.analysis.numbers import number_parameters

module = load_generated("grad_pendulum_as_written")
ARGS = (0.8, -0.3, 2.5)


def test_numbers_take_the_version_made_for_them(monkeypatch):
    calls = []
    version = module.value_and_grad_energy_as_written_on_numbers

    def counted(*args):
        calls.append(args)
        return version(*args)

    monkeypatch.setattr(module, "value_and_grad_energy_as_written_on_numbers", counted)
    for args in [ARGS, (np.float64(0.8), np.float32(-0.3), 2.5)]:
        value, grads = module.value_and_grad_energy_as_written(*args)
        assert value == pendulum.energy_as_written(*args)
        for i, g in enumerate(grads):
            expected = numerical_gradient(pendulum.energy_as_written,
                                          [float(a) for a in args], i)
            rtol = 1e-6 if np.result_type(args[i]) == np.float64 else 1e-4
            np.testing.assert_allclose(g, expected, rtol=rtol, atol=1e-9)
            assert np.result_type(g) == np.result_type(args[i])
    assert len(calls) == 2
    calls.clear()
    module.grad_energy_as_written(*ARGS)
    assert len(calls) == 1


def test_arrays_take_the_general_version(monkeypatch):
    """`k` an array (one step: the next `math.sin` would need a number): the general
    gradient, which undoes broadcasting, against differences of sum(d * energy)."""
    def refuse(*args):
        raise AssertionError("the version for numbers ran on an array")

    monkeypatch.setattr(module, "value_and_grad_energy_as_written_on_numbers", refuse)
    k, seed = np.array([2.5, 1.0, 0.3]), np.array([1.0, -2.0, 0.5])
    value, grads = module.value_and_grad_energy_as_written(0.8, -0.3, k, steps=1,
                                                           d_result=seed)
    np.testing.assert_array_equal(value, pendulum.energy_as_written(0.8, -0.3, k, steps=1))

    def weighted(theta, omega, k):
        return np.sum(seed * pendulum.energy_as_written(theta, omega, k, steps=1))

    for i, g in enumerate(grads):
        np.testing.assert_allclose(g, numerical_gradient(weighted, [0.8, -0.3, k], i),
                                   rtol=1e-6, atol=1e-9)
    assert np.shape(grads[2]) == (3,)


def test_which_functions_get_one():
    with open("generated/grad_pendulum_as_written.py") as f:
        assert "def value_and_grad_energy_as_written_on_numbers(" in f.read()
    for name in ["grad_pendulum.py", "grad_rnn.py", "grad_mlp.py", "grad_window.py"]:
        with open(f"generated/{name}") as f:  # annotated; arrays in loops; no loop
            assert "are_numbers" not in f.read(), name


def parameters(source):
    return number_parameters(gast.parse(source).body[0])


@pytest.mark.parametrize("source, expected", [
    ("def f(x, n=3, rate=0.5, scale=-2):\n    for i in range(n):\n        x = x * rate\n"
     "    return x * scale",
     {"x": "float", "rate": "float"}),
    # the loop's arithmetic reads x and rate; n only counts, and scale and the target
    # are read after the loop, so a version taking them as numbers would undo no
    # more broadcasting in the loop, and serve fewer calls
    ("def f(u0, a, target, dt=0.1, steps=9):\n    u = u0.copy()\n"
     "    for _ in range(steps):\n        u = u + dt * a * u\n"
     "    return np.sum((u - target) ** 2)",
     {"a": "float", "dt": "float"}),
    ("def f(x, w, b, v, xs, y: float, z=None):\n    for row in xs:\n"
     "        x = x + w[0] + b.T + v @ w + len(row)\n    return x + y + z",
     {"x": "float"}),
    ("def f(x):\n    return x * 2.0", {}),  # no loop: nothing to gain
    # a value it flows into is multiplied as a matrix
    ("def f(x, w):\n    s = 2.0 * x\n    for i in range(3):\n        s = np.tanh(s @ w)\n"
     "    return s", {}),
    # the loop computes with none of them
    ("def f(x, w, c):\n    for i in range(3):\n        w = np.tanh(w[0])\n    return w * c", {}),
    ("def f(x, *rest):\n    while x < 1:\n        x = x * 2 + rest[0]\n    return x",
     {"x": "float"}),
])
def test_the_parameters_that_may_be_numbers(source, expected):
    assert parameters(source) == expected
