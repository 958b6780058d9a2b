"""Errors that surface only when generated code runs name the user's source line, and
awkward inputs either work or get a clear error (no traceback from the CLI, no hang)."""

import subprocess
import sys
import traceback

import numpy as np
import pytest

import s2s


def singular(a):
    b = a * 2.0
    return np.linalg.det(b) * 3.0


def mismatched(x, y):
    z = x * 2.0
    w = z @ y
    return np.sum(w)


def vector(x):
    return x * 2.0


def notes(exc):
    return "".join(traceback.format_exception_only(exc))


def test_an_error_in_the_derivative_names_the_users_line():
    with pytest.raises(np.linalg.LinAlgError) as failure:
        s2s.grad(singular)(np.ones((2, 2)))  # det's adjoint inverts a singular matrix
    assert "while computing the derivative of test_diagnostics.py:" in notes(failure.value)
    assert "np.linalg.det(b) * 3.0" in notes(failure.value)


def test_an_error_in_the_functions_own_statements_names_its_line():
    with pytest.raises(ValueError) as failure:
        s2s.grad(mismatched)(np.ones(3), np.ones((4, 2)))
    assert "in mismatched (" in notes(failure.value) and "w = z @ y" in notes(failure.value)


def test_a_gradient_for_an_integer_names_the_parameter():
    with pytest.raises(TypeError, match="with respect to 'x'.*integer"):
        s2s.grad(mismatched)(np.arange(3), np.ones((3, 2)))


def test_a_gradient_of_a_non_scalar_result_is_refused():
    with pytest.raises(ValueError, match=r"shape \(3,\), not a number"):
        s2s.grad(vector)(np.ones(3))
    value, g = s2s.value_and_grad(vector)(np.ones(3), d_result=np.ones(3))  # a VJP is fine
    np.testing.assert_array_equal(g, 2.0 * np.ones(3))


def test_a_function_without_source_is_refused_clearly():
    namespace = {}
    exec("def made(x):\n    return x * x\n", namespace)
    with pytest.raises(s2s.S2SError, match="no source file"):
        s2s.grad(namespace["made"])(1.0)
    with pytest.raises(s2s.S2SError, match="not a Python function"):
        s2s.grad(np.sin)(1.0)


SOURCES = {
    "long": "import numpy as np\n\n\ndef f(x):\n    s = x\n" + "".join(
        f"    s = s * 0.999 + np.sin(x) * {i % 7 + 1}e-4\n" for i in range(300)
    ) + "    return np.sum(s)\n",
    "deep": "import numpy as np\n\n\ndef f(x):\n    s = x\n" + "".join(
        "    " * (i + 1) + f"if np.sum(x) > -{i + 100}:\n" for i in range(20)
    ) + "    " * 21 + "s = s * 2.0\n    return np.sum(s * s)\n",
    "fstring": "import numpy as np\n\n\ndef f(x):\n    label = f'{len(x)} values'\n"
               "    return np.sum(x * x)\n",
    "walrus": "import numpy as np\n\n\ndef f(x):\n    if (n := len(x)) > 2:\n"
              "        return np.sum(x) * n\n    return np.sum(x)\n",
    "starred": "def f(x, y):\n    parts = [*x, *y]\n    return sum(parts)\n",
    "match": "import numpy as np\n\n\ndef f(x, k=2):\n    match k:\n        case 1:\n"
             "            return np.sum(x)\n        case _:\n            return np.sum(x * x)\n",
    "broken": "raise RuntimeError('import-time failure')\n\n\ndef f(x):\n    return x\n",
}
EXPECTED = {  # None: works
    "long": None, "deep": None, "fstring": None, "walrus": None, "match": None,
    "starred": "starred.py:2:14: star-unpacking (*x) is not supported",
    "broken": "importing broken failed: RuntimeError: import-time failure",
}


@pytest.mark.parametrize("name", list(SOURCES))
def test_awkward_inputs(name, tmp_path):
    (tmp_path / f"{name}.py").write_text(SOURCES[name])
    out = tmp_path / "out.py"
    out.write_text("kept\n")
    run = subprocess.run(
        [sys.executable, "-m", "s2s", "differentiate", f"{name}.f", "-o", str(out)],
        cwd=tmp_path, capture_output=True, text=True, timeout=120,
    )
    assert "Traceback" not in run.stderr
    if EXPECTED[name] is None:
        assert run.returncode == 0, run.stderr
        namespace = {}
        exec(compile(out.read_text(), str(out), "exec"), namespace)
        sys.path.insert(0, str(tmp_path))
        try:
            module = __import__(name)
            x = np.linspace(0.1, 0.9, 4)
            expected = (module.f(x + 1e-6 * np.eye(4)[0]) - module.f(x - 1e-6 * np.eye(4)[0])) / 2e-6
            np.testing.assert_allclose(namespace["grad_f"](x)[0], expected, rtol=1e-5)
        finally:
            sys.path.remove(str(tmp_path))
            sys.modules.pop(name, None)
    else:
        assert run.returncode == 2
        assert EXPECTED[name] in run.stderr
        assert out.read_text() == "kept\n"  # untouched


UNSUPPORTED = {  # source of f -> the message, at (line, column) of the construct
    "async": ("async def f(x):\n    return x\n", 1, 1,
              "u_async.f is an async function, which is not supported"),
    "await": ("async def g(x):\n    return x\n\n\ndef f(x):\n    y = await g(x)\n    return y\n",
              6, 9, "importing u_await failed: 'await' outside async function"),  # (Python's)
    "yield_from": ("def f(x):\n    yield from [x]\n", 2, 5,
                   "generators (yield from) are not supported"),
    "nonlocal": ("def f(x):\n    def g():\n        nonlocal x\n        return x\n    return g()\n",
                 3, 9, "nonlocal statements are not supported"),
    "del": ("def f(x):\n    y = [x]\n    del y[0]\n    return x\n", 3, 9,
            "del of an item or an attribute is not supported: s2s could not put it back "
            "(assign a new value instead)"),
    "import": ("def f(x):\n    import math\n    return math.sin(x)\n", 2, 5,
               "imports inside the function are not supported"),
    "from_import": ("def f(x):\n    from math import sin\n    return sin(x)\n", 2, 5,
                    "imports inside the function are not supported"),
    "class": ("def f(x):\n    class C:\n        pass\n    return x\n", 2, 5,
              "class definitions inside the function are not supported"),
    "set": ("def f(x):\n    s = {x, 2.0}\n    return x\n", 2, 9, "set literals are not supported"),
}


@pytest.mark.parametrize("name", list(UNSUPPORTED))
def test_every_unsupported_construct_is_named_where_it_is(name, tmp_path):
    source, line, column, message = UNSUPPORTED[name]
    (tmp_path / f"u_{name}.py").write_text(source)
    out = tmp_path / "out.py"
    out.write_text("kept\n")
    run = subprocess.run(
        [sys.executable, "-m", "s2s", "differentiate", f"u_{name}.f", "-o", str(out)],
        cwd=tmp_path, capture_output=True, text=True, timeout=60,
    )
    assert run.returncode == 2
    where = f"u_{name}.py:{line}:{column}: " if line else ""
    assert run.stderr.strip() == where + message
    assert out.read_text() == "kept\n"


def test_a_module_written_by_the_cli_names_an_integer_parameter(tmp_path):
    (tmp_path / "model.py").write_text(
        "import numpy as np\n\n\ndef loss(w, x):\n    return np.sum((x @ w) ** 2)\n"
    )
    out = tmp_path / "grad_loss.py"
    run = subprocess.run([sys.executable, "-m", "s2s", "differentiate", "model.loss",
                          "-o", str(out)], cwd=tmp_path, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    namespace = {}
    exec(compile(out.read_text(), str(out), "exec"), namespace)
    with pytest.raises(TypeError, match="with respect to 'w', which holds a integer value"):
        namespace["grad_loss"](np.arange(3), np.ones((2, 3)))


MODEL = '''import numpy as np


def loss(w, x):
    h = x @ w
    return np.sum(np.tanh(h))


def vector(w, x):
    return np.tanh(x @ w)
'''

CALLS = '''
import traceback
import numpy as np
from {module} import *

def notes(call):
    try:
        call()
    except Exception as exc:
        print("".join(traceback.format_exception_only(exc)).strip())
        print("--")

w, x = np.ones(3), np.ones((2, 3))
{calls}
'''


def _run_generated(tmp_path, target, module, calls, mode="reverse", model=MODEL):
    """What each call (Python source, one per line) raises, with its notes, run in a
    fresh process that imports the module `s2s differentiate` wrote."""
    (tmp_path / "model.py").write_text(MODEL)
    made = subprocess.run(
        [sys.executable, "-m", "s2s", "differentiate", target, "--mode", mode,
         "-o", str(tmp_path / f"{module}.py")],
        cwd=tmp_path, capture_output=True, text=True, timeout=120,
    )
    assert made.returncode == 0, made.stderr
    (tmp_path / "model.py").write_text(model)
    script = CALLS.format(module=module, calls="\n".join(f"notes(lambda: {c})" for c in calls))
    run = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, capture_output=True,
                         text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    return run.stdout.split("--\n")[:-1]


def test_a_module_written_by_the_cli_names_the_users_lines(tmp_path):
    own, derivative = _run_generated(tmp_path, "model.loss", "grad_loss", [
        "grad_loss(w, np.ones((2, 4)))",
        "value_and_grad_loss(w, x, d_result=np.ones(7))",
    ])
    assert "matmul" in own and own.endswith("in loss (model.py:5): h = x @ w\n"), own
    assert own.count("in loss (") == 1  # (grad_loss and value_and_grad_loss: one note)
    assert derivative.endswith(
        "while computing the derivative of model.py:6: return np.sum(np.tanh(h))\n"
    ), derivative


def test_grad_of_a_module_written_by_the_cli_refuses_an_array_result(tmp_path):
    [refused] = _run_generated(tmp_path, "model.vector", "grad_vector", ["grad_vector(w, x)"])
    assert refused.startswith(
        "ValueError: grad_vector: vector returned an array of shape (2,), not a number"
    ), refused
    assert "value_and_grad_vector(..., d_result=" in refused
    assert refused.endswith("in vector (model.py:9): def vector(w, x):\n"), refused


def test_a_modules_notes_are_its_own_whatever_its_source_became(tmp_path):
    """The notes are data in the module: they name the lines it was made from, with the
    text they had then, whether the source has changed since or is gone."""
    edited = MODEL.replace("h = x @ w", "h = x @ w  # edited")
    [own] = _run_generated(tmp_path, "model.loss", "grad_loss",
                           ["grad_loss(w, np.ones((2, 4)))"], model=edited)
    assert own.endswith("in loss (model.py:5): h = x @ w\n"), own
    [own] = _run_generated(tmp_path, "model.loss", "grad_loss",
                           ["grad_loss(w, np.ones((2, 4)))"], model="raise SystemExit\n")
    assert own.endswith("in loss (model.py:5): h = x @ w\n"), own


def test_a_hessian_vector_product_module_names_the_users_lines(tmp_path):
    [own] = _run_generated(tmp_path, "model.loss", "hvp_loss",
                           ["hvp_loss(w, np.ones((2, 4)), w)"], mode="hvp")
    assert own.endswith("in loss (model.py:5): h = x @ w\n"), own


def test_errors_in_a_forward_mode_module_name_the_users_lines(tmp_path):
    [own] = _run_generated(tmp_path, "model.loss", "jvp_loss",
                           ["jvp_loss(w, np.ones((2, 4)), w)"], mode="forward")
    assert own.endswith("in loss (model.py:5): h = x @ w\n"), own
