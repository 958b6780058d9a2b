"""`--target numba` (s2s/numba_target.py, s2s/runtime/compiled.py): the gradient
compiled by numba gives the NumPy target's values and gradients, to rounding, and the
function's own value; lists of numbers come back as lists; what numba cannot compile is
refused where the module is made, at the user's line; an error in compiled code is
raised again at its line, with the user's line noted.  Also over the newcomer corpus
and random programs, where numba takes them."""

import copy
import importlib
import importlib.util
import json
import math
import os
import pathlib
import random
import re
import subprocess
import sys

import numpy as np
import pytest

pytest.importorskip("numba")

import s2s  # noqa: E402
from s2s import fuzz  # noqa: E402
from s2s.cli import main  # noqa: E402
from s2s.errors import S2SError  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from examples import heat, loop_matmul, nbody, pendulum  # noqa: E402


def _module(tmp_path, target, wrt, name):
    path = tmp_path / f"{name}.py"
    assert main(["differentiate", target, "--wrt", wrt, "--target", "numba",
                 "-o", str(path)]) == 0
    return _loaded(path, name)


def _loaded(path, name):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _user_and_numba_modules(tmp_path, source, function, *options):
    """The user's module written from `source`, and its function's numba module."""
    path = tmp_path / "user_code_numba.py"
    path.write_text(source)
    out = tmp_path / "grad_user_code_numba.py"
    assert main(["differentiate", f"{path}:{function}", *options, "--target", "numba",
                 "-o", str(out)]) == 0
    return _loaded(path, "user_code_numba"), _loaded(out, "grad_user_code_numba"), \
        out.read_text()


def _numpy_module(name):
    return importlib.import_module(f"generated.{name}")


def _same(got, expected, rtol=1e-11):
    if isinstance(expected, (tuple, list)):
        assert type(got) is type(expected) and len(got) == len(expected)
        for g, e in zip(got, expected):
            _same(g, e, rtol)
        return
    assert np.shape(got) == np.shape(expected)
    np.testing.assert_allclose(got, expected, rtol=rtol, atol=1e-13)


def _central(f, args, index, at=None, eps=1e-6):
    def shifted(delta):
        moved = [np.array(a, dtype=float) if i == index else a for i, a in enumerate(args)]
        if at is None:
            moved[index] = moved[index] + delta
        else:
            moved[index][at] += delta
        if isinstance(args[index], list):
            moved[index] = list(moved[index])
        return f(*moved)
    return (shifted(eps) - shifted(-eps)) / (2 * eps)


WORKLOADS = [
    # (target, wrt, NumPy target's module, the function, arguments)
    ("examples.pendulum.energy_as_written", "theta,omega,k", "grad_pendulum_as_written",
     pendulum.energy_as_written, (0.3, 0.1, 2.0)),
    ("examples.pendulum.energy", "theta,omega,k", "grad_pendulum", pendulum.energy,
     (0.3, 0.1, 2.0)),
    ("examples.nbody.energy", "xs,vxs", "grad_nbody", nbody.energy,
     ([0.0, 1.0, -0.5], [0.0, 0.5, 1.0], [0.1, 0.0, -0.1], [0.0, 0.2, 0.0],
      [1.0, 1.5, 0.5], 0.01, 20)),
    ("examples.heat.loss", "u0,alpha", "grad_heat", heat.loss,
     (np.sin(np.linspace(0.0, np.pi, 12)), 0.2, np.linspace(0.0, 0.1, 12), 0.1, 30)),
    ("examples.loop_matmul.matmul", "a,b", "grad_loop_matmul", loop_matmul.matmul,
     (np.arange(6.0).reshape(2, 3) / 7, np.cos(np.arange(12.0)).reshape(3, 4))),
]


@pytest.mark.parametrize("target,wrt,reference,f,args", WORKLOADS,
                         ids=[w[0] for w in WORKLOADS])
def test_workloads_match_the_numpy_target(tmp_path, target, wrt, reference, f, args):
    module = _module(tmp_path, target, wrt, "numba_" + reference)
    name = f"value_and_grad_{f.__name__}"
    seed = {"d_result": np.cos(np.arange(8.0)).reshape(2, 4)} if f is loop_matmul.matmul else {}
    value, grads = getattr(module, name)(*copy.deepcopy(args), **seed)
    expected_value, expected = getattr(_numpy_module(reference), name)(*args, **seed)
    _same(value, f(*args))
    _same(value, expected_value)
    _same(grads, expected)


def test_gradient_against_central_differences(tmp_path):
    module = _module(tmp_path, "examples.nbody.energy", "xs,vxs", "numba_nbody_fd")
    args = WORKLOADS[2][4]
    value, (dxs, dvxs) = module.value_and_grad_energy(*copy.deepcopy(args))
    assert value == pytest.approx(nbody.energy(*args), rel=1e-12)
    assert isinstance(dxs, list) and isinstance(dvxs, list)
    for i in range(3):
        assert dxs[i] == pytest.approx(_central(nbody.energy, args, 0, i), rel=1e-6, abs=1e-8)
        assert dvxs[i] == pytest.approx(_central(nbody.energy, args, 2, i), rel=1e-6, abs=1e-8)


def test_the_module_reads_as_the_numpy_targets(tmp_path):
    """One compiled function with a stack per kept value and counting-down loops, and
    the public functions in Python around it."""
    path = tmp_path / "grad.py"
    assert main(["differentiate", "examples.pendulum.energy_as_written", "--wrt", "theta",
                 "--target", "numba", "-o", str(path)]) == 0
    text = path.read_text()
    assert "--target numba" in text.splitlines()[2]
    assert "@compiled\ndef value_and_grad_energy_as_written_compiled(" in text
    assert "reversed(" not in text
    assert "for step in range(steps - 1, -1, -1):" in text
    # the stacks of numbers are arrays, room made before the loop
    assert "tape_1 = numpy.empty(0, numpy.float64)" in text
    assert "tape_1 = reserved(tape_1, size_1 + len(range(steps)))" in text
    assert "tape_1[size_1] = theta_1" in text and "theta_1 = tape_1[size_1]" in text
    assert "require_scalars(" in text.split("@compiled")[0]  # checked in Python


REFUSED = '''
import numpy as np


def helper(x):
    return x * 2.0


def with_dict(x):
    d = {"a": x}
    return d["a"] * x


def calls_mine(x):
    y = helper(x)
    return y * y


def einsum_use(x):
    return np.einsum("i,i->", x, x)


def list_added(x, n=3):
    a = [x] * n
    b = [x] * n
    c = a + b
    return c[0] * c[5]


def slice_written(xs: list[float]):
    ys = xs[:]
    ys.append(ys[0] ** 2)
    return sum(ys) + len(xs)


def recursive(x, n=3):
    if n == 0:
        return x
    return recursive(x * 1.5, n - 1)


def while_test(x):
    while helper(x) < 10.0:
        x = x + 1.0
    return x


def row_maxima(x):
    m = x.max(axis=1)
    return m.sum()


def kept_dims(x):
    return (x.sum(axis=-1, keepdims=True) * x).sum()
'''


@pytest.mark.parametrize("function,line,why", [
    ("with_dict", 10, "a dict"),
    ("einsum_use", 20, "numpy.einsum"),
    ("list_added", 26, "the list `a`"),
    ("slice_written", 32, "a slice of a list of numbers given"),
    ("recursive", 39, "a call of your function recursive"),
    ("while_test", 43, "a call of your function helper"),
    ("row_maxima", 49, "`.max()` along an axis"),
    ("kept_dims", 54, "`keepdims=`"),
])
def test_refused_at_the_users_line(tmp_path, capsys, function, line, why):
    source = tmp_path / "user_code.py"
    source.write_text(REFUSED)
    out = tmp_path / "out.py"
    out.write_text("kept\n")
    status = main(["differentiate", f"{source}:{function}", "--target", "numba",
                   "-o", str(out)])
    err = capsys.readouterr().err
    assert status == 2
    assert f"user_code.py:{line}:" in err and why in err and "--target numba" in err
    assert "Traceback" not in err
    assert out.read_text() == "kept\n"


REDUCED = """
import numpy as np


def reduced(x, w):
    columns = (x * w).sum(axis=0)
    rows = np.sum(x * x, 1)
    kept = np.expand_dims(x.sum(axis=-1), 1) * w
    clipped = np.maximum(rows, 5.0).sum() + max(w[0, 0], 0.1)
    return (columns * columns).sum() + clipped + np.max(x) + w.max() + kept.sum()
"""


def test_reductions_and_maxima(tmp_path):
    """Sums along an axis (numba reduces along one), the maximum of a whole array and
    `np.maximum`/`max`: ties share the adjoint, as in the NumPy target."""
    user, module, _ = _user_and_numba_modules(tmp_path, REDUCED, "reduced", "--wrt", "x,w")
    x = np.array([[1.0, 3.0, -2.0], [2.0, 0.5, -1.0]])
    w = np.array([[0.3, 0.2, 0.7], [0.6, 0.4, -0.2]])
    value, grads = module.value_and_grad_reduced(x, w)
    assert value == pytest.approx(user.reduced(x, w), rel=1e-13)
    for i in range(2):  # (no ties here: central differences hold)
        expected = [_central(user.reduced, (x, w), i, at) for at in np.ndindex(x.shape)]
        np.testing.assert_allclose(grads[i].ravel(), expected, rtol=1e-6)
    tied = (np.array([[1.0, 3.0, 3.0], [2.0, 0.0, -1.0]]),  # (the maximum twice; rows[1] = 5)
            np.array([[0.3, 0.2, 0.5], [0.5, 0.4, -0.2]]))  # (the maximum twice)
    value, grads = module.value_and_grad_reduced(*tied)
    expected = s2s.value_and_grad(user.reduced, wrt=("x", "w"))(*tied)
    assert value == pytest.approx(user.reduced(*tied), rel=1e-13)
    _same(grads, expected[1])


def test_options_it_does_not_make(capsys):
    for extra in (["--mode", "forward"], ["--checkpoint"], ["--standalone"]):
        status = main(["differentiate", "examples.pendulum.energy", "--target", "numba",
                       *extra])
        assert status == 2
        assert "--target numba makes gradients without" in capsys.readouterr().err


def test_errors_in_compiled_code_name_the_users_line(tmp_path):
    module = _module(tmp_path, "examples.heat.loss", "u0,alpha", "numba_heat_errors")
    with pytest.raises(ValueError) as caught:
        module.value_and_grad_loss(np.ones(10), 0.2, np.ones(7), 0.1, 3)
    assert "heat.py:14" in "".join(getattr(caught.value, "__notes__", [])) + str(caught.value)
    bodies = _module(tmp_path, "examples.nbody.energy", "xs,vxs", "numba_nbody_errors")
    with pytest.raises(IndexError) as caught:  # (numba checks bounds: no garbage read)
        bodies.value_and_grad_energy([0.0, 1.0, 2.0], [0.0, 1.0, 0.0], [0.0] * 3, [0.0] * 3,
                                     [1.0, 1.0], 0.01, 2)
    assert "nbody.py:24" in "".join(getattr(caught.value, "__notes__", [])) + str(
        caught.value)


INLINED = '''
import math


def rhs(x, v, k):
    return v, -k * x - 0.1 * v


def scale(a, b=2.0):
    return a * b


def helper(x):
    return math.sin(scale(x)) + 1.0


def rk2(x, v, k, dt=0.05, steps=40):
    for _ in range(steps):
        ax, av = rhs(x, v, k)
        bx, bv = rhs(x + dt * ax, v + dt * av, k)
        x = x + 0.5 * dt * (ax + bx)
        v = v + 0.5 * dt * (av + bv)
    return x * x + helper(v) * scale(v, b=0.5)
'''


def test_calls_of_the_users_functions_are_inlined(tmp_path):
    """The numba target compiles one function: the calls of the module's functions are
    their bodies in it (normalize/inline_calls.py), in the order Python makes them;
    a pair returned is unpacked into numbers."""
    user, module, text = _user_and_numba_modules(tmp_path, INLINED, "rk2", "--wrt", "x,v,k")
    code = [line for line in text.splitlines() if not line.strip().startswith(("#", '"'))]
    assert not [line for line in code if "forward_" in line or "rhs(" in line
                or "scale(" in line]
    on_numbers = text[text.index("def value_and_grad_rk2_on_numbers_compiled"):]
    assert "shape_of" not in on_numbers[:on_numbers.index("\n\n\n")]
    args = (0.4, -0.2, 1.7)
    value, grads = module.value_and_grad_rk2(*args)
    assert value == pytest.approx(user.rk2(*args), rel=1e-13)
    for i in range(3):
        assert grads[i] == pytest.approx(_central(user.rk2, args, i), rel=1e-6, abs=1e-9)


SCATTERED = '''
import numpy as np


def scattered(theta, xs, actions):
    logp = 0.0
    for a in actions:
        probs = np.exp(theta) / np.sum(np.exp(theta))
        logp += np.log(probs[a])
    positive = np.sum(theta[theta > 0] ** 2)
    return -logp + positive + sum(v * v * theta[0] for v in xs)
'''


def test_indexed_updates_and_sums_of_generators(tmp_path):
    """An adjoint added at an integer index (`probs[a]`, `a` from a list of integers
    given) or through a mask (`theta[theta > 0]`), and `sum` over a generator (a list
    made inside, its adjoint a list there): value and central differences."""
    user, module, _ = _user_and_numba_modules(tmp_path, SCATTERED, "scattered",
                                              "--wrt", "theta,xs")
    args = (np.array([0.2, -0.1, 0.4]), [1.5, -0.3, 0.8], [0, 2, 1, 2])
    value, grads = module.value_and_grad_scattered(*args)
    assert value == pytest.approx(user.scattered(*args), rel=1e-13)
    expected = [_central(user.scattered, args, 0, at) for at in range(3)]
    np.testing.assert_allclose(grads[0], expected, rtol=1e-6)
    assert isinstance(grads[1], list)
    expected = [_central(user.scattered, args, 1, at) for at in range(3)]
    np.testing.assert_allclose(grads[1], expected, rtol=1e-6)


EITHER = '''
import numpy as np


def decay(x, k, steps=30):
    for _ in range(steps):
        x = x - 0.1 * k * x
    return np.sum(x * x)
'''


def test_numbers_or_arrays(tmp_path):
    """Unannotated parameters may hold numbers or arrays: the module compiles the
    version made for numbers where they hold numbers, the general one otherwise, as
    the NumPy target's module takes either."""
    user, module, text = _user_and_numba_modules(tmp_path, EITHER, "decay", "--wrt", "x,k")
    assert "def value_and_grad_decay_on_numbers_compiled(" in text
    assert "def value_and_grad_decay_compiled(" in text
    for x, k in ((0.8, 1.5), (np.array([0.8, -0.3]), 1.5), (np.array([0.8, -0.3]),
                                                              np.array([1.5, 0.5]))):
        value, grads = module.value_and_grad_decay(x, k)
        assert value == pytest.approx(user.decay(x, k), rel=1e-13)
        for i, arg in enumerate((x, k)):
            expected = [_central(user.decay, (x, k), i, at) for at in np.ndindex(np.shape(arg))]
            np.testing.assert_allclose(np.ravel(grads[i]), expected, rtol=1e-6)
            assert np.shape(grads[i]) == np.shape(arg)
    compiled = {name: getattr(module, name).signatures for name in (
        "value_and_grad_decay_on_numbers_compiled", "value_and_grad_decay_compiled")}
    assert all(len(s) >= 1 for s in compiled.values()), compiled  # (both were called)


ROWS_OR_ITEMS = '''
import numpy as np


def weighted(a, w):
    total = 0.0
    for i in range(a.shape[0]):
        total = total + np.sum(a[i] * w[i]) ** 2
    return total
'''


def test_shapes_kept_only_where_the_values_are_not_numbers(tmp_path):
    """`a[i] * w[i]` is a number where `a` is a vector and a row where it is a matrix:
    the NumPy target keeps the shapes of both operands for `unbroadcast`.  Compiled, a
    stack of shapes keeps nothing where the types say numbers (`typed_shapes`), and
    what it keeps where they do not; the same module takes both."""
    user, module, text = _user_and_numba_modules(tmp_path, ROWS_OR_ITEMS, "weighted",
                                                 "--wrt", "a,w")
    assert "if not typed_shapes(" in text and "= pop_shapes(tape_" in text
    rng = np.random.default_rng(12)
    for a in (rng.normal(size=4), rng.normal(size=(4, 3))):
        w = rng.normal(size=4)
        value, grads = module.value_and_grad_weighted(a, w)
        assert value == pytest.approx(user.weighted(a, w), rel=1e-13)
        expected_value, expected = s2s.value_and_grad(user.weighted, wrt=(0, 1))(a, w)
        _same(grads, expected)
        for i, arg in enumerate((a, w)):
            fd = [_central(user.weighted, (a, w), i, at) for at in np.ndindex(arg.shape)]
            np.testing.assert_allclose(np.ravel(grads[i]), fd, rtol=1e-6, atol=1e-9)
    assert len(module.value_and_grad_weighted_compiled.signatures) == 2


GLOBAL_DATA = '''
import numpy as np

DATA = np.array([1.0, 2.0, 3.0])
PAIRS = [(np.ones(2), 1.0), (np.arange(2.0), -1.0)]


def fit(w):
    total = 0.0
    for d in DATA:
        total = total + (w * d - 2.0) ** 2
    return total + sum(np.sum(x * w) * y for x, y in PAIRS)
'''


def test_the_modules_data_is_read_at_each_call(tmp_path):
    """The module's arrays and lists reach the compiled code as arguments: numba would
    compile a global in as a constant (and could not take a list), so a change to it
    would go unseen, in this Python and, cached, in the next."""
    from s2s.runtime.compiled import _reads_globals_that_may_change

    sys.path.insert(0, str(tmp_path))
    try:
        user, module, text = _user_and_numba_modules(tmp_path, GLOBAL_DATA, "fit")
        assert "def value_and_grad_fit_on_numbers_compiled(w, d_result, DATA, PAIRS):" in text
        for data in ([1.0, 2.0, 3.0], [0.5, -1.0, 4.0]):
            module.DATA[:] = user.DATA[:] = data
            value, grad = module.value_and_grad_fit(0.7)
            assert value == pytest.approx(user.fit(0.7), rel=1e-13)
            assert grad == pytest.approx(_central(user.fit, (0.7,), 0), rel=1e-6)
    finally:
        sys.path.remove(str(tmp_path))
        sys.modules.pop("user_code_numba", None)
    assert not _reads_globals_that_may_change(module.value_and_grad_fit_on_numbers_compiled.py_func)
    assert _reads_globals_that_may_change(user.fit)  # (DATA: no cache for such code)


STACKS = '''
import math


def mixed(x, n=6, m=5):
    total = 0.0
    for i in range(n):
        for j in range(i, m):
            if (i + j) % 2 == 0:
                total = total + math.sin(x * (i + 1)) * x
    y = x
    while y < 5.0:
        y = y * 1.5 + math.cos(y)
    return total + y * y
'''


def test_stacks_of_numbers_are_arrays(tmp_path):
    """Booleans and floats kept in `for` loops go on arrays, room made before the
    outermost loop that counts their iterations (inside the outer loop where an inner
    loop's bounds change with it); a `while` loop's stay lists.  Same gradient."""
    user, module, text = _user_and_numba_modules(tmp_path, STACKS, "mixed")
    assert "numpy.empty(0, numpy.bool_)" in text and "numpy.empty(0, numpy.float64)" in text
    reserves = [line for line in text.splitlines() if "= reserved(" in line]
    assert reserves and all(line.startswith("        tape_") and "len(range(i, m)))" in line
                            for line in reserves)  # (in the loop over i)
    assert "= []" in text  # (the while loop's)
    for x in (0.3, 1.1, 2.0):
        value, grad = module.value_and_grad_mixed(x)
        assert value == pytest.approx(user.mixed(x), rel=1e-13)
        assert grad == pytest.approx(_central(user.mixed, (x,), 0), rel=1e-6)
        expected = s2s.grad(user.mixed)(x)
        assert grad == pytest.approx(expected, rel=1e-12)


def _steps(x, k, n=50):
    for _ in range(n):
        x = x + 0.01 * (-k * math.sin(x))
    return x * x


def _tanh_sum(w, xs):
    s = 0.0
    for x in xs:
        s += np.tanh(w * x)
    return s


def test_api_target():
    for target in ("numba", "numpy"):
        value, grads = s2s.value_and_grad(_steps, wrt=("x", "k"), target=target)(0.5, 2.0)
        assert value == pytest.approx(_steps(0.5, 2.0), rel=1e-13)
        assert grads[0] == pytest.approx(_central(_steps, (0.5, 2.0), 0), rel=1e-6)
        assert grads[1] == pytest.approx(_central(_steps, (0.5, 2.0), 1), rel=1e-6)
    grads = s2s.grad(_tanh_sum, wrt=("w", "xs"), target="numba")(0.5, [1.0, -2.0])
    expected = s2s.grad(_tanh_sum, wrt=("w", "xs"))(0.5, [1.0, -2.0])
    _same(grads, expected)
    assert isinstance(grads[1], list)
    with pytest.raises(ValueError, match="target='jax'"):
        s2s.grad(_steps, target="jax")


CACHED = """
import math


def swing(theta, k, steps=40):
    for _ in range(steps):
        theta = theta - 0.05 * k * math.sin(theta)
    return theta * theta
"""

_CACHE_RUN = """
import json, sys
import s2s.runtime.compiled as compiled
if sys.argv[2] == "other runtime":
    compiled._Cache.stamp = "another"
if sys.argv[1] == "package":
    from pkg import grad_swing as m
else:
    sys.path.insert(0, "pkg")
    import grad_swing as m
value, grads = m.value_and_grad_swing(0.7, 1.3)
stats = m.value_and_grad_swing_on_numbers_compiled.stats
print(json.dumps([value, list(grads), sum(stats.cache_hits.values()),
                  sum(stats.cache_misses.values())]))
"""


def test_the_nbody_stacks_of_numbers_are_arrays():
    """In N-body's version for numbers (lists of floats), every stack but that of each
    step's acceleration lists is an array: values made from the lists not
    differentiated (`masses`, `ys`) are numbers too."""
    text = (ROOT / "generated" / "grad_nbody_numba.py").read_text()
    core = text[text.index("def value_and_grad_energy_on_numbers_compiled("):]
    core = core[:core.index("\n\n\n")]
    assert re.findall(r"\n    (tape_\d+) = \[\]", core) == ["tape_10"]
    assert len(re.findall(r"\n    tape_\d+ = numpy.empty\(", core)) == 13


def test_compiled_code_is_cached_beside_the_module(tmp_path):
    """A module imported from its file keeps its machine code in `__pycache__` beside
    it: a new Python loads it rather than compiling.  An entry is found again only
    under the name the module was imported as and with the same runtime (numba keys
    it to the module's source only).  A module made in memory or loaded without
    import has no cache."""
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("")
    (tmp_path / "swing.py").write_text(CACHED)
    out = tmp_path / "pkg" / "grad_swing.py"
    assert main(["differentiate", f"{tmp_path / 'swing.py'}:swing", "--wrt", "theta,k",
                 "--target", "numba", "-o", str(out)]) == 0
    env = {k: v for k, v in os.environ.items() if k != "NUMBA_CACHE_DIR"}
    env["PYTHONPATH"] = str(pathlib.Path(s2s.__file__).parents[1])

    def run(name, runtime="this runtime"):
        done = subprocess.run([sys.executable, "-c", _CACHE_RUN, name, runtime],
                              cwd=tmp_path, env=env, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        value, grads, hits, misses = json.loads(done.stdout)
        return (value, grads), (hits, misses)

    user = _loaded(tmp_path / "swing.py", "swing")
    expected = (user.swing(0.7, 1.3), [_central(user.swing, (0.7, 1.3), i) for i in (0, 1)])
    results = []
    for name, runtime, found in (("package", "this runtime", (0, 1)),
                                 ("package", "this runtime", (1, 0)),
                                 ("file", "this runtime", (0, 1)),
                                 ("file", "this runtime", (1, 0)),
                                 ("package", "other runtime", (0, 1)),
                                 ("package", "this runtime", (1, 0))):
        result, hits_misses = run(name, runtime)
        assert hits_misses == found, (name, runtime, hits_misses)
        assert result[0] == pytest.approx(expected[0], rel=1e-13)
        assert result[1] == pytest.approx(expected[1], rel=1e-6)
        results.append(result)
    assert all(r == results[0] for r in results)  # (loaded or compiled: the same code)
    assert list((tmp_path / "pkg" / "__pycache__").glob("grad_swing.*.nbi"))
    loaded = _loaded(out, "grad_swing_loaded")  # (not imported: not in sys.modules)
    assert type(loaded.value_and_grad_swing_on_numbers_compiled._cache).__name__ == "NullCache"
    in_memory = s2s.value_and_grad(_steps, target="numba")
    assert in_memory(0.5, 2.0)[0] == pytest.approx(_steps(0.5, 2.0), rel=1e-13)


def test_a_typing_failure_says_so_with_the_users_line():
    """Where numba cannot type what it was given (a number that becomes an array in a
    loop), the first call says so in one message, with the user's line."""
    with pytest.raises(TypeError) as caught:
        s2s.grad(_tanh_sum, target="numba")(np.ones(3), np.ones((2, 3)))
    message = str(caught.value)
    assert message.startswith("numba cannot compile value_and_grad__tanh_sum_compiled")
    assert "test_numba_target.py:" in message


CORPUS = ROOT / "tests" / "newcomer"


def _corpus_cases():
    sys.path.insert(0, str(ROOT / "tests"))
    for path in sorted(CORPUS.glob("*.py")):
        if path.name.startswith("_"):
            continue
        module = importlib.import_module(f"newcomer.{path.stem}")
        for case in module.CASES:
            if "refused" not in case or "refused_in" in case:
                yield f"{path.stem}.{case['f'].__qualname__}", case


def test_newcomer_corpus():
    """Each case numba takes gives the NumPy target's value and gradients, to rounding;
    the others are refused with a located message, or, where numba's types do not
    unify for the arguments given, its first call says so."""
    outcomes = {"same": [], "refused": [], "untyped": []}
    for name, case in _corpus_cases():
        wrt = tuple(case["wrt"])
        try:
            expected = s2s.value_and_grad(case["f"], wrt=wrt)(*copy.deepcopy(tuple(case["args"])))
        except Exception:  # noqa: BLE001 - test_newcomer's business
            continue
        try:
            got = s2s.value_and_grad(case["f"], wrt=wrt, target="numba")(
                *copy.deepcopy(tuple(case["args"])))
        except S2SError as error:
            assert "--target numba" in str(error) and error.lineno, (name, str(error))
            outcomes["refused"].append(name)
            continue
        except TypeError as error:
            assert str(error).startswith("numba cannot compile"), (name, str(error))
            outcomes["untyped"].append(name)
            continue
        _corpus_same(got, expected, name)
        outcomes["same"].append(name)
    assert len(outcomes["same"]) >= 75, outcomes
    assert len(outcomes["untyped"]) <= 6, outcomes["untyped"]


def _corpus_same(got, expected, name):
    if isinstance(expected, dict):
        assert got.keys() == expected.keys(), name
        for k in expected:
            _corpus_same(got[k], expected[k], name)
    elif isinstance(expected, (list, tuple)):
        assert len(got) == len(expected), name
        for g, e in zip(got, expected):
            _corpus_same(g, e, name)
    else:
        np.testing.assert_allclose(got, expected, rtol=1e-9, atol=1e-12, err_msg=name)


def test_random_programs(tmp_path):
    """Random programs (s2s/fuzz.py) numba takes: the NumPy target's value and
    gradients, and the function's own value."""
    rng = random.Random(2121)
    compiled = 0
    for _ in range(80):
        f = fuzz.load(fuzz.programs(rng), str(tmp_path))
        if getattr(f, "__globals__", {}).get("EXPECTED_REFUSAL"):
            continue
        nrng = np.random.default_rng(rng.randrange(2**32))
        params = list(__import__("inspect").signature(f).parameters)
        args = [fuzz._draw(nrng, p) for p in params]
        wrt = tuple(range(len(params)))
        with np.errstate(all="ignore"):
            value = f(*copy.deepcopy(args))
        if np.ndim(value) or not np.isfinite(value):
            continue
        try:
            expected = s2s.value_and_grad(f, wrt=wrt)(*copy.deepcopy(args))
        except Exception:  # noqa: BLE001 - test_random_programs' business
            continue
        try:
            got = s2s.value_and_grad(f, wrt=wrt, target="numba")(*copy.deepcopy(args))
        except S2SError as error:
            assert "--target numba" in str(error) and error.lineno, str(error)
            continue
        except TypeError as error:
            assert str(error).startswith("numba cannot compile"), str(error)
            continue
        np.testing.assert_allclose(got[0], value, rtol=1e-12)
        _corpus_same(got, expected, f"random program {_}")
        compiled += 1
    assert compiled >= 8, compiled
