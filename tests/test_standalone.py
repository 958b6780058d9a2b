"""`s2s differentiate --standalone`: the runtime helpers a generated module uses are
copied into it, and the module runs where s2s cannot be imported, with the values and
gradients of the module that imports them."""

import importlib.util
import inspect
import os
import pickle
import re
import subprocess
import sys
import traceback

import black
import numpy as np
import pytest

import examples.mlp
import examples.pendulum
import examples.rnn
from s2s.errors import S2SError
from s2s.standalone import copied

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

LIST_LOSS = """\
import numpy as np


def loss(w, b, batches):
    total = 0.0
    for x, y in batches:
        prediction = np.tanh(x @ w + b)
        total = total + np.mean((prediction - y) ** 2)
    return total / len(batches)
"""

S2S_NAMES = """\
import numpy as np

import s2s


def loss(w, x):
    xp = s2s.array_namespace(x)
    scale = s2s.stop_gradient(np.sum(w))
    return xp.sum(xp.tanh(x @ w) * scale)
"""

# Runs in a fresh Python (-I), from a folder that is not the project's, where
# `import s2s` fails: loads a generated module from its file and calls its functions
# with the pickled arguments; pickles what they return or the error they raise.
RUNNER = """\
import importlib.util
import pickle
import sys
import traceback

sys.modules["s2s"] = None  # no s2s here
try:
    import s2s
except ImportError:
    pass
else:
    raise SystemExit("s2s could be imported")

path, calls_file, results_file = sys.argv[1:]
spec = importlib.util.spec_from_file_location("standalone_module", path)
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
with open(calls_file, "rb") as f:
    calls = pickle.load(f)
results = []
for name, args, kwargs in calls:
    try:
        results.append(("ok", getattr(module, name)(*args, **kwargs)))
    except Exception as exc:
        results.append(("error", "".join(traceback.format_exception_only(exc))))
loaded = [name for name, m in sys.modules.items() if name.split(".")[0] == "s2s" and m]
with open(results_file, "wb") as f:
    pickle.dump((results, loaded), f)
"""


def differentiate(arguments, output, cwd=ROOT):
    command = [sys.executable, "-m", "s2s", "differentiate", *arguments, "-o", str(output)]
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return output.read_text()


def load(path, name):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run_without_s2s(path, calls, folder):
    """[("ok", result) or ("error", message)] of each call (name, args, kwargs) of the
    module at `path`, run where s2s cannot be imported."""
    folder.mkdir(exist_ok=True)
    runner = folder / "runner.py"
    runner.write_text(RUNNER)
    with open(folder / "calls.pickle", "wb") as f:
        pickle.dump(calls, f)
    command = [sys.executable, "-I", str(runner), str(path), str(folder / "calls.pickle"),
               str(folder / "results.pickle")]
    done = subprocess.run(command, cwd=folder, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    with open(folder / "results.pickle", "rb") as f:
        results, loaded = pickle.load(f)
    assert loaded == []
    return results


def same(a, b):
    """Equal bit for bit, types and dtypes too (nan equals nan)."""
    if isinstance(b, (tuple, list)):
        return type(a) is type(b) and len(a) == len(b) and all(map(same, a, b))
    if isinstance(b, np.ndarray):
        return (isinstance(a, np.ndarray) and a.dtype == b.dtype and a.shape == b.shape
                and np.array_equal(a, b, equal_nan=True))
    return type(a) is type(b) and a == b


def imports_s2s(text):
    return re.search(r"^\s*(import|from)\s+s2s\b", text, re.MULTILINE) is not None


def central_differences(f, args, position, eps=1e-6):
    """The derivative of f(*args) with respect to args[position]."""
    x = args[position]
    if isinstance(x, float):
        up, down = list(args), list(args)
        up[position], down[position] = x + eps, x - eps
        return (f(*up) - f(*down)) / (2 * eps)
    gradient = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        up, down = list(args), list(args)
        up[position], down[position] = x.copy(), x.copy()
        up[position][index] += eps
        down[position][index] -= eps
        gradient[index] = (f(*up) - f(*down)) / (2 * eps)
    return gradient


def mlp_arguments():
    rng = np.random.default_rng(0)
    w1, b1 = rng.normal(size=(3, 5)), rng.normal(size=5)
    w2, b2 = rng.normal(size=(5, 2)), rng.normal(size=2)
    x, y = rng.normal(size=(6, 3)), rng.normal(size=(6, 2))
    return [w1, b1, w2, b2, x, y]


def rnn_arguments():
    rng = np.random.default_rng(1)
    Wx, Wh = rng.normal(size=(3, 4)) * 0.5, rng.normal(size=(4, 4)) * 0.5
    b, Wy = rng.normal(size=4), rng.normal(size=(4, 2))
    xs, ys = rng.normal(size=(7, 2, 3)), rng.normal(size=(7, 2, 2))
    return [Wx, Wh, b, Wy, xs, ys]


def pendulum_arguments():
    return [0.8, -0.3, 2.5]


def list_arguments():
    rng = np.random.default_rng(2)
    w, b = rng.normal(size=(3, 2)), rng.normal(size=2)
    batches = []
    for size in [4, 1, 3]:
        batches.append((rng.normal(size=(size, 3)), rng.normal(size=(size, 2))))
    return [w, b, batches]


def pendulum(theta, omega, k):
    return examples.pendulum.energy(theta, omega, k, steps=40)


# name: (the target, its arguments after it, the function, its arguments, how many of
# them the gradient is of, keyword arguments of the generated functions)
REVERSE = {
    "mlp": ("examples.mlp.loss", ["--wrt", "w1,b1,w2,b2"], examples.mlp.loss,
            mlp_arguments, 4, {}),
    "rnn": ("examples.rnn.loss", ["--wrt", "Wx,Wh,b,Wy"], examples.rnn.loss,
            rnn_arguments, 4, {}),
    "rnn_checkpointed": ("examples.rnn.loss", ["--wrt", "Wx,Wh,b,Wy", "--checkpoint"],
                         examples.rnn.loss, rnn_arguments, 4, {}),
    "pendulum": ("examples.pendulum.energy", ["--wrt", "theta,omega,k"], pendulum,
                 pendulum_arguments, 3, {"steps": 40}),
    "list_loop": ("{folder}/list_loss.py:loss", ["--wrt", "w,b"], None, list_arguments, 2,
                  {}),
}


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    path = tmp_path_factory.mktemp("standalone")
    (path / "list_loss.py").write_text(LIST_LOSS)
    return path


def generate_both(folder, name, target, arguments):
    """(the standalone module's path and text, the usual module)."""
    target = target.format(folder=folder)
    usual = folder / f"usual_{name}.py"
    alone = folder / f"standalone_{name}.py"
    differentiate([target, *arguments], usual)
    text = differentiate([target, *arguments, "--standalone"], alone)
    return alone, text, load(usual, f"usual_{name}")


@pytest.mark.parametrize("name", list(REVERSE))
def test_a_standalone_gradient_runs_without_s2s(name, folder):
    target, arguments, function, make_arguments, count, keywords = REVERSE[name]
    if function is None:
        function = load(folder / "list_loss.py", "list_loss").loss
    alone, text, usual = generate_both(folder, name, target, arguments)
    assert not imports_s2s(text)
    assert "# The s2s runtime helpers this module uses, copied from s2s" in text
    assert "--standalone" in text.splitlines()[2]
    assert black.format_str(text, mode=black.Mode()) == text
    function_name = function.__name__ if name != "pendulum" else "energy"

    args = make_arguments()
    calls = [
        (f"value_and_grad_{function_name}", args, keywords),
        (f"grad_{function_name}", args, keywords),
    ]
    (status, (value, gradients)), (status_2, gradients_2) = run_without_s2s(
        alone, calls, folder / f"run_{name}"
    )
    assert status == status_2 == "ok"
    assert same(value, function(*args))
    assert same(gradients_2, gradients)

    usual_value, usual_gradients = getattr(usual, f"value_and_grad_{function_name}")(
        *args, **keywords
    )
    assert same(value, usual_value)
    assert same(gradients, usual_gradients)

    for position in range(count):
        expected = central_differences(function, args, position)
        np.testing.assert_allclose(gradients[position], expected, rtol=1e-6, atol=1e-9)


def test_a_standalone_forward_mode_module(folder):
    arguments = ["examples.pendulum.energy", "--wrt", "theta,omega,k", "--mode", "forward"]
    alone, text, usual = generate_both(folder, "jvp_pendulum", arguments[0], arguments[1:])
    assert not imports_s2s(text)
    point = pendulum_arguments()
    direction = [0.3, -1.1, 0.7]
    tangents = {}  # one per parameter, keyword-only, after the function's own
    for parameter in inspect.signature(usual.jvp_energy).parameters.values():
        if parameter.kind == parameter.KEYWORD_ONLY:
            tangents[parameter.name] = direction[len(tangents)]
    assert len(tangents) == 3
    [(status, result)] = run_without_s2s(
        alone, [("jvp_energy", point, {"steps": 40, **tangents})], folder / "run_jvp"
    )
    assert status == "ok", result
    value, tangent = result
    assert same(value, pendulum(*point))
    assert same((value, tangent), usual.jvp_energy(*point, steps=40, **tangents))

    eps = 1e-6
    up, down = [], []
    for p, d in zip(point, direction):
        up.append(p + eps * d)
        down.append(p - eps * d)
    expected = (pendulum(*up) - pendulum(*down)) / (2 * eps)
    np.testing.assert_allclose(tangent, expected, rtol=1e-6)


def test_a_standalone_hessian_vector_product_module(folder):
    arguments = ["examples.mlp.loss", "--wrt", "w1,b1,w2,b2", "--mode", "hvp"]
    alone, text, usual = generate_both(folder, "hvp_mlp", arguments[0], arguments[1:])
    assert not imports_s2s(text)
    args = mlp_arguments()
    rng = np.random.default_rng(3)
    vectors = []
    for parameter in args[:4]:
        vectors.append(rng.normal(size=parameter.shape))
    calls = [("value_and_grad_loss", args, {}), ("hvp_loss", args + vectors, {})]
    (status, (value, gradients)), (status_2, product) = run_without_s2s(
        alone, calls, folder / "run_hvp"
    )
    assert status == status_2 == "ok"
    assert same(value, examples.mlp.loss(*args))
    assert same(gradients, usual.value_and_grad_loss(*args)[1])
    assert same(product, usual.hvp_loss(*args, *vectors))

    eps = 1e-6
    up, down = list(args), list(args)
    for i in range(4):
        up[i] = args[i] + eps * vectors[i]
        down[i] = args[i] - eps * vectors[i]
    for i in range(4):
        expected = (usual.grad_loss(*up)[i] - usual.grad_loss(*down)[i]) / (2 * eps)
        np.testing.assert_allclose(product[i], expected, rtol=1e-6, atol=1e-8)


def test_errors_name_the_users_line_in_a_standalone_module(folder):
    alone, text, usual = generate_both(
        folder, "mlp_errors", "examples.mlp.loss", ["--wrt", "w1,b1,w2,b2"]
    )
    args = mlp_arguments()
    wrong_x = args[:4] + [np.ones((6, 4)), args[5]]  # x @ w1 does not fit
    calls = [
        ("grad_loss", wrong_x, {}),
        # raised in a copied helper (expand_reduced): its derivative's line is named
        ("value_and_grad_loss", args, {"d_result": np.ones(7)}),
    ]
    results = run_without_s2s(alone, calls, folder / "run_errors")
    messages = []
    for status, message in results:
        assert status == "error"
        messages.append(message)
    assert "in loss (mlp.py:7): h = np.maximum(x @ w1 + b1, 0.0)" in messages[0]
    assert "while computing the derivative of mlp.py:9:" in messages[1]

    for (name, call_args, keywords), message in zip(calls, messages):
        with pytest.raises(ValueError) as failure:
            getattr(usual, name)(*call_args, **keywords)
        assert "".join(traceback.format_exception_only(failure.value)) == message


def test_the_s2s_names_a_function_reads_come_along(folder):
    (folder / "uses_s2s.py").write_text(S2S_NAMES)
    alone, text, usual = generate_both(folder, "uses_s2s", "{folder}/uses_s2s.py:loss", [])
    assert not imports_s2s(text)
    assert "s2s = types.SimpleNamespace(" in text
    rng = np.random.default_rng(4)
    args = [rng.normal(size=3), rng.normal(size=(2, 3))]
    [(status, result)] = run_without_s2s(alone, [("value_and_grad_loss", args, {})],
                                         folder / "run_uses_s2s")
    assert status == "ok"
    assert same(result, usual.value_and_grad_loss(*args))


def test_s2s_check_reads_a_standalone_module(tmp_path):
    (tmp_path / "model.py").write_text(
        "import numpy as np\n\n\ndef loss(w, x):\n    return np.sum(np.tanh(x @ w))\n"
    )
    text = differentiate(["model.loss", "--standalone"], tmp_path / "grad_loss.py",
                         cwd=tmp_path)
    check = [sys.executable, "-m", "s2s", "check"]
    done = subprocess.run(check, cwd=tmp_path, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "1 generated modules are fresh" in done.stdout

    helper_line = '    """Sum `g` over the axes that broadcasting added'
    assert text.count(helper_line) == 1  # in the copied `unbroadcast`
    edited = text.replace(helper_line, '    """Add up `g` over the axes that broadcasting added')
    (tmp_path / "grad_loss.py").write_text(edited)
    done = subprocess.run(check, cwd=tmp_path, capture_output=True, text=True)
    assert done.returncode == 1
    assert "grad_loss.py: stale" in done.stderr


def test_helpers_of_one_name_from_two_runtime_modules_are_renamed():
    lines = [
        "import numpy as np",
        "from s2s.runtime.layout import insert_adjoints",
        "from s2s.runtime.reductions import cumprod_adjoint_tangent",
        "from s2s.runtime.selection import nancumprod_adjoint_tangent, select_default_adjoint",
    ]
    rest = "__all__ = []\n\n\ndef _Shaped(x):\n    return x\n"
    helpers = copied(lines, rest)
    assert not any(imports_s2s(line) for line in helpers.imports)
    assert "class _Shaped_layout:" in helpers.block
    assert "class _Shaped_selection:" in helpers.block
    assert "def cumprod_adjoint_tangent_selection(" in helpers.block
    assert "renamed: this module has another `_Shaped`" in helpers.block
    namespace = {}
    exec("\n".join(helpers.imports) + "\n\n" + helpers.block + "\n\n" + rest, namespace)
    assert namespace["_Shaped_layout"] is not namespace["_Shaped_selection"]

    from s2s.runtime import reductions, selection

    rng = np.random.default_rng(5)
    t, g, a = rng.normal(size=(3, 4, 5))
    a[1, 2] = np.nan
    for axis in [0, 1]:
        assert same(namespace["nancumprod_adjoint_tangent"](t, g, a, axis),
                    selection.nancumprod_adjoint_tangent(t, g, a, axis))
        assert same(namespace["cumprod_adjoint_tangent"](g, t, a, axis),
                    reductions.cumprod_adjoint_tangent(g, t, a, axis))


FAKE_RUNTIME = """\
import numpy

from s2s.runtime import unbroadcast

REGISTRY = {}


def register(name):
    def add(helper):
        REGISTRY[name] = helper
        return helper

    return add


@register("twice")
def twice(x):
    return unbroadcast(x * 2.0, x)


def by_name(name, x):
    return REGISTRY[name](x)


by_name.checked = True


def imports_inside(x):
    from s2s.runtime.layout import sort_adjoint

    return sort_adjoint(x, x)


if numpy.ndim(1) == 0:

    def conditional(x):
        return x


def calls_conditional(x):
    return conditional(x)
"""


@pytest.fixture
def fake_runtime(tmp_path, monkeypatch):
    """A runtime module of s2s, s2s.runtime.fake, written for these tests."""
    path = tmp_path / "fake.py"
    path.write_text(FAKE_RUNTIME)
    spec = importlib.util.spec_from_file_location("s2s.runtime.fake", path)
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "s2s.runtime.fake", module)
    spec.loader.exec_module(module)
    return module


def test_a_registry_filled_at_import_is_copied_with_what_fills_it(fake_runtime):
    helpers = copied(["from s2s.runtime.fake import by_name"], "__all__ = []\n")
    namespace = {}
    exec("\n".join(helpers.imports) + "\n\n" + helpers.block, namespace)
    assert namespace["by_name"]("twice", 3.0) == 6.0
    assert namespace["by_name"].checked
    assert helpers.block.index("REGISTRY = {}") < helpers.block.index("def by_name")


def test_what_cannot_be_copied_is_refused_by_name(fake_runtime):
    with pytest.raises(S2SError, match=r"s2s\.runtime\.fake\.imports_inside imports "
                                       r"'from s2s\.runtime\.layout import sort_adjoint'"):
        copied(["from s2s.runtime.fake import imports_inside"], "__all__ = []\n")
    with pytest.raises(S2SError, match="reads 'conditional', which s2s.runtime.fake binds "
                                       "in a `if` statement"):
        copied(["from s2s.runtime.fake import calls_conditional"], "__all__ = []\n")


def test_the_golden_standalone_module_is_the_mlp_gradient():
    path = os.path.join(ROOT, "tests", "golden", "grad_mlp_standalone.py")
    with open(path) as f:
        text = f.read()
    assert not imports_s2s(text)
    usual = load(os.path.join(ROOT, "generated", "grad_mlp.py"), "golden_usual_mlp")
    alone = load(path, "golden_standalone_mlp")
    args = mlp_arguments()
    assert same(alone.value_and_grad_loss(*args), usual.value_and_grad_loss(*args))
