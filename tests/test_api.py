"""The Python API: compiled from the generated source, cached, debuggable."""

import inspect
import linecache
import traceback

import numpy as np
import pytest

import s2s
from s2s.api import _compiled

SCALE = 3.0


def uses_global(x):
    return x * SCALE


def shape_mismatch(x, y):
    return np.sum(x * y)


def test_globals_of_the_users_module():
    assert s2s.grad(uses_global)(2.0) == 3.0


def test_cached_by_source():
    s2s.grad(uses_global)(1.0)
    before = len(_compiled)
    s2s.grad(uses_global)(2.0)
    s2s.value_and_grad(uses_global)(3.0)
    assert len(_compiled) == before


def test_a_cached_call_reads_no_source(monkeypatch):
    """A call checks that nothing changed by code objects and files' times: it
    neither reads nor tokenizes any source (that cost 1.9 ms a call)."""
    s2s.value_and_grad(uses_global)(1.0)
    s2s.jvp(uses_global)(1.0, 1.0)
    s2s.hvp(uses_global)(1.0, 1.0)

    def read(*args):
        raise AssertionError("a cached call read a source")

    monkeypatch.setattr(inspect, "getsource", read)
    monkeypatch.setattr(inspect, "getsourcelines", read)
    assert s2s.value_and_grad(uses_global)(2.0) == (6.0, 3.0)
    assert s2s.grad(uses_global)(2.0) == 3.0
    assert s2s.jvp(uses_global)(2.0, 1.0) == (6.0, 3.0)
    assert s2s.hvp(uses_global)(2.0, 1.0) == 0.0


HELPER = """
def helper(x):
    return x * {power}
"""

USER = """
import helpers_edited


def f(x):
    return helpers_edited.helper(x) + x
"""


def test_an_edited_callee_is_differentiated_again(tmp_path, monkeypatch):
    """A callee's module edited and reloaded: the next call regenerates, by the file's
    new modification time and the changed source, and the value and the gradient
    are the new function's."""
    import importlib
    import os

    monkeypatch.syspath_prepend(str(tmp_path))
    helpers = tmp_path / "helpers_edited.py"
    helpers.write_text(HELPER.format(power="x"))
    (tmp_path / "user_edited.py").write_text(USER)
    import helpers_edited
    import user_edited

    grad = s2s.value_and_grad(user_edited.f)
    assert grad(3.0) == (12.0, 7.0)
    helpers.write_text(HELPER.format(power="x * x"))
    stat = os.stat(helpers)
    os.utime(helpers, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
    importlib.reload(helpers_edited)
    assert user_edited.f(3.0) == 30.0
    assert grad(3.0) == (30.0, 28.0)


def test_a_touched_file_keeps_its_derivative(tmp_path, monkeypatch):
    """A file whose time changed but whose function did not: the source is hashed
    again, the derivative kept."""
    import os

    monkeypatch.syspath_prepend(str(tmp_path))
    path = tmp_path / "touched_module.py"
    path.write_text("def g(x):\n    return x * x * x\n")
    import touched_module

    s2s.grad(touched_module.g)(2.0)
    before = len(_compiled)
    stat = os.stat(path)
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
    assert s2s.grad(touched_module.g)(2.0) == 12.0
    assert len(_compiled) == before


def test_a_function_given_new_code_is_differentiated_again():
    def g(x):
        return x * x

    def h(x):
        return x * x * x

    grad = s2s.grad(g)
    assert grad(2.0) == 4.0
    g.__code__ = h.__code__
    assert grad(2.0) == 12.0


def test_nested_function_reads_closure():
    factor = 4.0

    def inner(x):
        return x * factor

    assert s2s.grad(inner)(1.0) == 4.0


def test_source_is_what_runs():
    text = s2s.source(uses_global)
    assert "def value_and_grad_uses_global(x, d_result=1.0):" in text
    assert "def grad_uses_global(x):" in text


def cubes(x):
    return np.sum(x ** 3)


def test_source_in_every_mode_is_what_runs():
    """mode "hvp" raised KeyError: 'jvp'."""
    x, v = np.array([0.5, -1.0, 2.0]), np.array([1.0, 2.0, -1.0])
    assert "def jvp_cubes(x, " in s2s.source(cubes, mode="forward")
    text = s2s.source(cubes, mode="hvp")
    assert "def jvp_grad_cubes(x, " in text  # forward mode over the gradient
    product = s2s.hvp(cubes)(x, v)
    np.testing.assert_allclose(product, 6 * x * v)
    with pytest.raises(ValueError, match="the modes are 'reverse', 'forward' and 'hvp'"):
        s2s.source(cubes, mode="backward")


@pytest.mark.value_unchecked("it reads the frames of the generated function itself")
def test_tracebacks_show_generated_lines():
    grad = s2s.grad(shape_mismatch, wrt=(0, 1))
    with pytest.raises(ValueError) as info:
        grad(np.ones(3), np.ones(4))
    frames = traceback.extract_tb(info.value.__traceback__)
    generated = [f for f in frames if f.filename.startswith("<s2s generated")]
    assert generated, [f.filename for f in frames]
    assert generated[-1].line  # linecache knows the generated text
    assert "x * y" in generated[-1].line
    lines = linecache.getlines(generated[-1].filename)
    assert any("def value_and_grad_shape_mismatch" in line for line in lines)


def sum_of_two(x, y):
    return np.sum(x + y)


def scaled_copy(x):
    return x * 1.0


def test_gradients_share_no_memory():
    """Updating one gradient in place changes no other gradient and no input."""
    x, y = np.ones(3), np.ones(3)
    dx, dy = s2s.grad(sum_of_two, wrt=(0, 1))(x, y)
    assert not np.shares_memory(dx, dy)
    seed = np.full(3, 2.0)
    _, dx = s2s.value_and_grad(scaled_copy)(x, d_result=seed)
    dx *= 10.0
    np.testing.assert_array_equal(seed, [2.0, 2.0, 2.0])
    assert "copy=True" in s2s.source(sum_of_two, wrt=(0, 1))


def tanh_sum(x):
    return np.sum(np.tanh(x) * 2.0)


@pytest.mark.value_unchecked("pdb steps into the generated function itself")
def test_pdb_steps_through_generated_lines():
    import io
    import pdb

    _, value_and_grad_fn = _compile_for_test(tanh_sum)
    out = io.StringIO()
    # (skipping the wrapper that adds notes to errors, as README says)
    debugger = pdb.Pdb(stdin=io.StringIO("next\nlist\ncontinue\n"), stdout=out,
                       skip=["s2s.runtime.notes"])
    debugger.use_rawinput = False
    debugger.runcall(value_and_grad_fn, np.ones(3))
    text = out.getvalue()
    assert "<s2s generated: derivative of" in text
    assert "t1 = np.tanh(x)" in text and "# d of: return np.sum(np.tanh(x) * 2.0)" in text


def _compile_for_test(f):
    from s2s.api import _compile

    return _compile(f, ("x",))


def pendulum_like(theta, omega, k, dt=0.05, steps=20):
    for _ in range(steps):
        acc = -k * np.sin(theta) - 0.1 * omega
        theta = theta + dt * omega
        omega = omega + dt * acc
    return np.sum(0.5 * omega * omega + k * (1.0 - np.cos(theta)))


def test_made_for_numbers_where_a_call_passes_numbers():
    """The API reads the call's argument types: numbers (defaults too) are compiled as
    if annotated, without undoing broadcasting; a later call with arrays there gets
    its own derivative, not the numbers' one.  Values and gradients against the
    function and central differences, each way."""
    from gradcheck import numerical_gradient

    grad = s2s.value_and_grad(pendulum_like, wrt=(0, 1, 2))
    for args in [(0.8, -0.3, 2.5), (np.array([0.8, 0.1]), -0.3, np.array([[2.5], [1.0]])),
                 (0.8, -0.3, 2.5), (np.float64(0.8), np.float32(-0.3), 2.5)]:
        value, grads = grad(*args)
        assert np.all(value == pendulum_like(*args))
        for i, g in enumerate(grads):
            np.testing.assert_allclose(
                g, numerical_gradient(pendulum_like, [np.asarray(a, dtype=float)
                                                      if i == j else a
                                                      for j, a in enumerate(args)], i),
                rtol=1e-6, atol=1e-8)
            assert np.shape(g) == np.shape(args[i])
    made = [entry[0].source for key, entry in _compiled.items() if key[2] == "pendulum_like"]
    assert any("theta: float" in text and "require_scalars" in text for text in made)
    assert any("theta: float" not in text and "unbroadcast" in text for text in made)
