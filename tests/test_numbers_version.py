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
from number_lists import annotated_chain, chain
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
    # a value flows through a tuple assignment too
    ("def f(k, x0=1.0, steps=10):\n    x, v = x0, 0.0\n    for step in range(steps):\n"
     "        v = v - k * x\n        x = x + v\n    return x",
     {"k": "float", "x0": "float"}),
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


NBODY_LIKE = (
    "def f(xs, vs, masses, dt=0.01):\n"
    "    xs = list(xs)\n"
    "    for step in range(3):\n"
    "        for i in range(len(xs)):\n"
    "            vs[i] = vs[i] - dt * masses[i] * xs[i]\n"
    "            xs[i] = xs[i] + dt * vs[i]\n"
    "    return sum(xs)\n")


@pytest.mark.parametrize("source, expected", [
    (NBODY_LIKE, {"xs": "list[float]", "vs": "list[float]", "masses": "list[float]",
                  "dt": "float"}),
    # sliced, or made an array: not a list of numbers as far as s2s can tell
    ("def f(xs, w):\n    for i in range(3):\n        w = w + xs[1:] * w\n    return w",
     {"w": "float"}),
    ("def f(xs, w):\n    a = np.array(xs)\n    for i in range(3):\n        w = w * xs[i]\n"
     "    return w + a", {"w": "float"}),
])
def test_the_parameters_that_may_be_lists_of_numbers(source, expected):
    assert parameters(source) == expected


def chain_gradients(xs, w):
    flat = lambda v, w: chain(list(v), w)  # noqa: E731 (differences over an array)
    return numerical_gradient(flat, [np.array(xs, float), w], 0), \
        numerical_gradient(flat, [np.array(xs, float), w], 1)


@pytest.fixture(scope="module")
def chain_module(tmp_path_factory):
    import subprocess
    import sys
    import importlib.util

    out = tmp_path_factory.mktemp("lists") / "grad_chain.py"
    subprocess.run([sys.executable, "-m", "s2s", "differentiate", "number_lists.chain",
                    "--wrt", "xs,w", "-q", "-o", str(out)], check=True, cwd="tests")
    spec = importlib.util.spec_from_file_location("grad_chain", out)
    generated = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generated)
    return generated


def test_lists_of_numbers_take_the_version_made_for_them(chain_module, monkeypatch):
    text = open(chain_module.__file__).read()
    assert "are_number_lists(xs)" in text and "xs: list[float]" in text
    assert "unbroadcast" not in text.split("def value_and_grad_chain_on_numbers")[1]
    calls = []
    version = chain_module.value_and_grad_chain_on_numbers
    monkeypatch.setattr(chain_module, "value_and_grad_chain_on_numbers",
                        lambda *a: calls.append(a) or version(*a))
    xs = [0.3, -0.2, 0.5, 0.1]
    value, (dxs, dw) = chain_module.value_and_grad_chain(xs, 0.7)
    assert value == chain(xs, 0.7) and len(calls) == 1
    expected = chain_gradients(xs, 0.7)
    np.testing.assert_allclose(dxs, expected[0], rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(dw, expected[1], rtol=1e-6, atol=1e-9)
    assert type(dxs) is list


def test_lists_that_hold_arrays_take_the_general_version(chain_module, monkeypatch):
    def refuse(*args):
        raise AssertionError("the version for lists of numbers ran on arrays")

    monkeypatch.setattr(chain_module, "value_and_grad_chain_on_numbers", refuse)
    rng = np.random.default_rng(2)
    xs = [rng.normal(size=2) for _ in range(3)]
    value, (dxs, dw) = chain_module.value_and_grad_chain(xs, 0.7)
    assert value == chain(xs, 0.7)
    flat = lambda v, w: chain(list(v), w)  # noqa: E731
    expected = numerical_gradient(flat, [np.array(xs), 0.7], 0)
    np.testing.assert_allclose(np.array(dxs), expected, rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(dw, numerical_gradient(flat, [np.array(xs), 0.7], 1),
                               rtol=1e-6, atol=1e-9)


def test_the_api_makes_a_derivative_for_lists_of_numbers():
    """Called with a list of numbers, then with a list of arrays: two derivatives, each
    right (the cache tells the two calls apart)."""
    import s2s

    vg = s2s.value_and_grad(chain, wrt=(0, 1))
    xs = [0.3, -0.2, 0.5, 0.1]
    value, (dxs, dw) = vg(xs, 0.7)
    assert value == chain(xs, 0.7)
    expected = chain_gradients(xs, 0.7)
    np.testing.assert_allclose(dxs, expected[0], rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(dw, expected[1], rtol=1e-6, atol=1e-9)
    arrays = [np.array([0.3, 0.1]), np.array([-0.2, 0.4])]
    value, (dxs, dw) = vg(arrays, 0.7)
    assert value == chain(arrays, 0.7)
    flat = lambda v, w: chain(list(v), w)  # noqa: E731
    np.testing.assert_allclose(np.array(dxs), numerical_gradient(flat, [np.array(arrays), 0.7], 0),
                               rtol=1e-6, atol=1e-9)


def test_a_list_annotated_as_numbers_is_checked():
    import s2s

    grad = s2s.grad(annotated_chain, wrt=(0, 1))
    dxs, dw = grad([0.5, 0.25, 1.0], 0.5)
    np.testing.assert_allclose(dxs, [0.25, 0.5, 1.0])
    assert dw == pytest.approx(0.25 + 2 * 0.5 * 0.5)
    with pytest.raises(TypeError, match="'xs' is annotated as a list of numbers but item 1"):
        grad([0.5, np.array([0.25, 1.0]), 1.0], 0.5)


@pytest.mark.parametrize("body, expected", [
    ("def g(x, v, k):\n    return v, -k * x + math.cos(x)", "tuple"),
    ("def g(x, k):\n    '''doc'''\n    a = k * x\n    return np.sin(a) * 2.0", "number"),
    ("def g(x, k):\n    if x > 0:\n        return x\n    return k", None),  # (a branch)
    ("def g(x, w):\n    return x @ w", None),
    ("def g(x, k):\n    return np.sum(x) * k", None),  # (a reduction may take an array)
    ("def g(*xs):\n    return xs[0]", None),
])
def test_which_functions_return_numbers_given_numbers(body, expected, tmp_path, monkeypatch):
    from s2s.analysis.scalars import returns_numbers

    (tmp_path / "helpers_for_numbers.py").write_text("import math\nimport numpy as np\n\n\n"
                                                     + body + "\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    import importlib

    module = importlib.import_module("helpers_for_numbers")
    try:
        assert returns_numbers(module.g) == expected
    finally:
        del __import__("sys").modules["helpers_for_numbers"]


def test_a_function_given_numbers_gets_derivatives_made_for_numbers(tmp_path):
    """A right-hand side returning a pair, called in a loop on numbers (as RK4 codes
    call it): the module's version for numbers calls `forward_rhs_on_numbers`, whose
    loop and functions undo no broadcasting; values and gradients against the
    function and central differences, through the module and the API."""
    import importlib.util
    import subprocess
    import sys

    import s2s
    from number_lists import rk2

    out = tmp_path / "grad_rk2.py"
    subprocess.run([sys.executable, "-m", "s2s", "differentiate", "number_lists.rk2",
                    "--wrt", "k,x0", "-q", "-o", str(out)], check=True, cwd="tests")
    text = out.read_text()
    version = text.split("def value_and_grad_rk2_on_numbers")[1].split("\n\n\n")[0]
    assert "forward_rhs_on_numbers(" in version and "unbroadcast" not in version
    spec = importlib.util.spec_from_file_location("grad_rk2", out)
    generated = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generated)
    for run in (generated.value_and_grad_rk2, s2s.value_and_grad(rk2, wrt=(0, 1))):
        value, grads = run(1.3, 0.4)
        assert value == rk2(1.3, 0.4)
        for i, g in enumerate(grads):
            np.testing.assert_allclose(g, numerical_gradient(rk2, [1.3, 0.4], i),
                                       rtol=1e-6, atol=1e-9)


def test_a_function_given_numbers_and_arrays_gets_both_derivatives():
    from gradcheck import check_gradient
    from number_lists import both_ways

    from s2s.api import _compile

    args = (0.7, np.array([0.3, -0.4, 0.9]))
    check_gradient(both_ways, args, wrt=(0, 1))
    source = _compile(both_ways, ("k", "xs"), args=args, kwargs={})[0].source
    assert "def forward_rhs_on_numbers(" in source and "def forward_rhs(" in source


def test_a_function_whose_default_is_an_array_does_not_return_numbers():
    """`shift(w * i)` leaves out `offset`, an array: its result is one (values and
    gradients right, through the API, which makes a derivative for the number it is
    given)."""
    from gradcheck import check_gradient
    from number_lists import shift, through_a_default

    from s2s.analysis.scalars import returns_numbers

    assert returns_numbers(shift) is None
    check_gradient(through_a_default, (0.7,), wrt=0)


def test_a_list_written_under_another_name_is_refused():
    import s2s
    from number_lists import aliased

    with pytest.raises(s2s.errors.Unsupported, match=r"number_lists.py:\d+:\d+: writing into 'zs'"):
        s2s.grad(aliased, wrt=1)([0.3, -0.2, 0.5], 0.7)
