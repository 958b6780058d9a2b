"""Smoke checks of an installed s2s: what a user gets from the wheel, not the checkout.

    cd "$(mktemp -d)" && python /path/to/checkout/.ci/smoke.py /path/to/checkout

Run it with the Python of a virtual environment the wheel was installed into (not
editable), from a folder outside the checkout: it refuses to run where `import s2s`
would find the checkout's s2s/.  The checkout gives only the examples.

Checks, one line each (`ok` or `FAIL`), exit status 1 if any failed:
- each example's gradient, written by the CLI (`s2s differentiate path/to/example.py:fn
  --wrt ...`) and imported, and from the Python API: the value against the function's
  own, the gradient against central finite differences;
- forward mode, `s2s.jvp` and the CLI's `--mode forward`, against finite differences;
- Hessian-vector products, `s2s.hvp`, against differences of gradients; `s2s.hessian`
  and `s2s.testing.check_grads(order=2)`;
- errors: a ValueError raised inside generated code is caught by `except ValueError`
  and names the user's line; the CLI refuses a missing function with exit status 2;
- SciPy's rules where SciPy is installed (CI installs the scipy extra for one Python),
  and without it, the rules that need none;
- `--target numba` where numba is installed (CI installs the numba extra for one
  Python): the CLI's compiled modules of four examples and the API on an unannotated
  loop, value and gradient as above; without numba, the CLI's refusal.
"""

import atexit
import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
import time
import traceback

CHECKOUT = os.path.realpath(sys.argv[1]) if len(sys.argv) == 2 else sys.exit(__doc__)
EXAMPLES = os.path.join(CHECKOUT, "examples")


def inside(path, folder):
    path, folder = os.path.realpath(path), os.path.realpath(folder)
    return path == folder or path.startswith(folder + os.sep)


# Nothing of the checkout on sys.path (this script's own folder, .ci/, is put there)
sys.path[:] = [p for p in sys.path if not (p and inside(p, CHECKOUT))]
if inside(os.getcwd(), CHECKOUT):
    sys.exit(f"smoke: run me from a folder outside the checkout, not {os.getcwd()}")

import numpy as np  # noqa: E402

import s2s  # noqa: E402
import s2s.testing  # noqa: E402

RESULTS = []


def check(name):
    """Run the decorated function now, as the check `name`: it returns a detail to
    print, or raises."""

    def run(fn):
        start = time.perf_counter()
        try:
            detail = fn()
        except Exception as exc:  # noqa: BLE001 - every failure is reported, then counted
            text = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
            print(f"FAIL {name}\n" + "\n".join("     " + line for line in text.splitlines()))
            RESULTS.append(False)
        else:
            seconds = time.perf_counter() - start
            print(f"ok   {name}" + (f"  ({detail})" if detail else "") + f"  [{seconds:.1f}s]")
            RESULTS.append(True)
        sys.stdout.flush()
        return fn

    return run


def load(path, name):
    """The module at `path`, imported as `name` (by file: no sys.path entry)."""
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def replaced(args, index, value):
    return [value if i == index else a for i, a in enumerate(args)]


def finite_differences(f, args, index, eps=1e-6):
    """d f(*args) / d args[index] by central differences, f a scalar function."""
    x = args[index]
    if isinstance(x, float):
        up, down = replaced(args, index, x + eps), replaced(args, index, x - eps)
        return (f(*up) - f(*down)) / (2 * eps)
    x = np.asarray(x, dtype=float)
    out = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        up, down = x.copy(), x.copy()
        up[i] += eps
        down[i] -= eps
        out[i] = (f(*replaced(args, index, up)) - f(*replaced(args, index, down))) / (2 * eps)
    return out


def close(got, want, what, rtol=1e-5, atol=1e-7):
    got, want = np.asarray(got, dtype=float), np.asarray(want, dtype=float)
    if got.shape != want.shape or not np.allclose(got, want, rtol=rtol, atol=atol):
        raise AssertionError(f"{what}: got {got!r}, expected {want!r}")
    scale = np.maximum(np.abs(want), 1.0)
    return float(np.max(np.abs(got - want) / scale)) if got.size else 0.0


def run_cli(*args, check_status=True):
    """`s2s ARGS`: the console script installed next to this Python."""
    script = os.path.join(os.path.dirname(sys.executable), "s2s")
    done = subprocess.run([script, *args], capture_output=True, text=True, timeout=300)
    if check_status and done.returncode != 0:
        raise AssertionError(f"s2s {' '.join(args)}: exit {done.returncode}\n{done.stderr}")
    return done


rng = np.random.default_rng(0)
normal = rng.normal

# example file: (function, --wrt, arguments, d_result for a function returning an array)
CASES = {
    "mlp.py": ("loss", ["w1", "b1", "w2", "b2"],
               [normal(size=(4, 5)), normal(size=5), normal(size=(5, 2)), normal(size=2),
                normal(size=(6, 4)), normal(size=(6, 2))], None),
    "window.py": ("score", ["W", "b", "u", "x"],
                  [normal(size=(4, 5)), normal(size=4), normal(size=4), normal(size=5)], None),
    "rnn.py": ("loss", ["Wx", "Wh", "b", "Wy"],
               [0.5 * normal(size=s) for s in [(3, 4), (4, 4), (4,), (4, 2), (5, 2, 3),
                                               (5, 2, 2)]], None),
    "loop_matmul.py": ("matmul", ["a", "b"], [normal(size=(2, 3)), normal(size=(3, 2))],
                       normal(size=(2, 2))),
    "pendulum.py": ("energy", ["theta", "omega", "k"], [0.3, -0.2, 1.5], None),
    "recursion.py": ("iterate", ["x", "a"], [0.4, 1.3, 6], None),
    "newton.py": ("loss", ["w"], [normal(size=4), normal(size=(10, 4)),
                                  np.sign(normal(size=10)), 0.01], None),
    "logistic_dask.py": ("loss", ["w", "b"], [normal(size=3), 0.2, normal(size=(8, 3)),
                                              np.sign(normal(size=8))], None),
    "spectral.py": ("misfit", ["signal"], [normal(size=8), normal(size=3) + 1j * normal(size=3)],
                    None),
    "heat.py": ("loss", ["u0", "alpha"], [normal(size=7), 0.3, normal(size=7), 0.1, 5], None),
    "nbody.py": ("energy", ["xs", "vxs"],
                 [list(normal(size=3)), list(normal(size=3)), list(0.1 * normal(size=3)),
                  list(0.1 * normal(size=3)), [1.0, 0.5, 0.8], 0.01, 4], None),
    "rk4.py": ("loss_as_written", ["k", "c", "f"], [1.3, 0.2, 0.5, 1.0, 0.0, 0.01, 20], None),
    "lstm.py": ("loss", ["W", "b", "Wy"],
                [0.3 * normal(size=(6, 16)), 0.1 * normal(size=16), 0.3 * normal(size=(4, 5)),
                 normal(size=(3, 2, 2)), np.eye(5)[np.arange(6) % 5].reshape(3, 2, 5)], None),
    "attention.py": ("loss", ["Wq", "Wk", "Wv", "Wo", "gamma", "beta"],
                     [0.5 * normal(size=(4, 4)) for _ in range(4)]
                     + [1.0 + 0.1 * normal(size=4), 0.1 * normal(size=4), normal(size=(5, 4))],
                     None),
}

print(f"smoke: Python {sys.version.split()[0]}, NumPy {np.__version__}, s2s {s2s.__version__} "
      f"from {os.path.dirname(s2s.__file__)}")
work = tempfile.mkdtemp(prefix="s2s-smoke-")  # the modules the CLI writes
atexit.register(shutil.rmtree, work, ignore_errors=True)


@check("s2s is the installed wheel, not the checkout")
def _():
    if inside(s2s.__file__, CHECKOUT):
        raise AssertionError(f"s2s imported from the checkout: {s2s.__file__}")
    if "site-packages" not in s2s.__file__:
        raise AssertionError(f"s2s not from site-packages: {s2s.__file__}")
    for module in ("s2s.templates.runtime_linalg", "s2s.runtime.notes", "s2s.normalize.anf"):
        importlib.import_module(module)  # (what a hand-kept package list left out)
    return s2s.__file__


@check("every module of the checkout's s2s/ and templates/ is installed")
def _():
    installed = os.path.dirname(s2s.__file__)
    missing, count = [], 0
    for tree, under in (("s2s", ""), ("templates", "templates")):
        top = os.path.join(CHECKOUT, tree)
        for folder, dirs, files in os.walk(top):
            dirs[:] = [d for d in dirs if d != "__pycache__"]
            for name in files:
                if name.endswith(".py"):
                    count += 1
                    relative = os.path.relpath(os.path.join(folder, name), top)
                    if not os.path.isfile(os.path.join(installed, under, relative)):
                        missing.append(os.path.join(tree, relative))
    if missing:
        raise AssertionError(f"not installed: {missing}")
    return f"{count} modules"



@check("every example has a smoke case")
def _():
    found = sorted(f for f in os.listdir(EXAMPLES) if f.endswith(".py") and f != "__init__.py")
    missing = [f for f in found if f not in CASES]
    if missing:
        raise AssertionError(f"examples without a case in .ci/smoke.py's CASES: {missing}")
    return f"{len(found)} examples"


def check_example(value_and_grad, f, wrt_indices, args, seed, how):
    """The value of `value_and_grad(*args)` against f's own, its gradient against
    central finite differences."""
    if seed is None:
        value, grads = value_and_grad(*args)
        scalar = f
    else:
        value, grads = value_and_grad(*args, d_result=seed)

        def scalar(*a):
            return float(np.sum(seed * f(*a)))

    close(value, f(*args), f"{how}: value", rtol=1e-12, atol=1e-12)
    grads = grads if len(wrt_indices) > 1 else (grads,)
    worst = 0.0
    for index, grad in zip(wrt_indices, grads):
        if isinstance(args[index], float) and not isinstance(grad, float):
            raise AssertionError(f"{how}: the gradient of a float is a {type(grad)}")
        want = finite_differences(scalar, args, index)
        worst = max(worst, close(grad, want, f"{how}: gradient of argument {index}"))
    return f"largest relative difference from finite differences {worst:.1e}"


for filename, (name, wrt, args, seed) in CASES.items():
    path = os.path.join(EXAMPLES, filename)
    stem = filename[:-3]
    if not os.path.exists(path):
        continue  # (reported by the check above)
    example = load(path, f"example_{stem}")
    f = getattr(example, name)
    indices = [f.__code__.co_varnames.index(w) for w in wrt]

    @check(f"gradient of examples/{filename}:{name} --wrt {','.join(wrt)} (CLI module)")
    def _():
        out = os.path.join(work, f"grad_{stem}.py")
        run_cli("differentiate", f"{path}:{name}", "--wrt", ",".join(wrt), "-o", out)
        generated = load(out, f"grad_{stem}")
        return check_example(getattr(generated, f"value_and_grad_{name}"), f, indices, args,
                             seed, "CLI")

    @check(f"gradient of examples/{filename}:{name} (s2s.value_and_grad)")
    def _():
        names = tuple(wrt) if len(wrt) > 1 else wrt[0]  # (a tuple: a tuple of gradients)
        return check_example(s2s.value_and_grad(f, wrt=names), f, indices, args, seed, "API")


mlp = sys.modules["example_mlp"].loss
window = sys.modules["example_window"].score
newton = sys.modules["example_newton"].loss
mlp_args, window_args, newton_args = (CASES[f][2] for f in ("mlp.py", "window.py", "newton.py"))


def directional_difference(f, args, directions, eps=1e-6):
    """d/dt f(args + t directions) at 0, directions {index: array}, by central differences."""
    up = [a + eps * directions[i] if i in directions else a for i, a in enumerate(args)]
    down = [a - eps * directions[i] if i in directions else a for i, a in enumerate(args)]
    return (np.asarray(f(*up)) - np.asarray(f(*down))) / (2 * eps)


@check("forward mode: s2s.jvp of examples/mlp.py:loss along w1 and b2")
def _():
    d_w1, d_b2 = normal(size=(4, 5)), normal(size=2)
    value, tangent = s2s.jvp(mlp, wrt=("w1", "b2"))(*mlp_args, d_w1, d_b2)
    close(value, mlp(*mlp_args), "value", rtol=1e-12, atol=1e-12)
    want = directional_difference(mlp, mlp_args, {0: d_w1, 3: d_b2})
    return f"relative difference {close(tangent, want, 'tangent'):.1e}"


@check("forward mode: CLI --mode forward of examples/window.py:score along W and x")
def _():
    out = os.path.join(work, "jvp_window.py")
    run_cli("differentiate", f"{os.path.join(EXAMPLES, 'window.py')}:score", "--wrt", "W,x",
            "--mode", "forward", "-o", out)
    jvp_score = load(out, "jvp_window").jvp_score
    d_W, d_x = normal(size=(4, 5)), normal(size=5)
    value, tangent = jvp_score(*window_args, d_W, d_x)
    close(value, window(*window_args), "value", rtol=1e-12, atol=1e-12)
    want = directional_difference(window, window_args, {0: d_W, 3: d_x})
    return f"relative difference {close(tangent, want, 'tangent'):.1e}"


@check("HVP: s2s.hvp of examples/newton.py:loss against differences of gradients")
def _():
    v = normal(size=4)
    product = s2s.hvp(newton)(*newton_args, v)
    grad = s2s.grad(newton)
    want = directional_difference(grad, newton_args, {0: v}, eps=1e-5)
    return f"relative difference {close(product, want, 'H v', rtol=1e-6):.1e}"


@check("HVP: s2s.hvp of examples/mlp.py:loss along (w1, b1) against differences of gradients")
def _():
    v = (normal(size=(4, 5)), normal(size=5))
    product = s2s.hvp(mlp, wrt=("w1", "b1"))(*mlp_args, v)
    grad = s2s.grad(mlp, wrt=("w1", "b1"))
    worst = 0.0
    for k in range(2):
        def part(*a, k=k):
            return grad(*a)[k]

        want = directional_difference(part, mlp_args, {0: v[0], 1: v[1]}, eps=1e-5)
        worst = max(worst, close(product[k], want, f"(H v)[{k}]", rtol=1e-6))
    return f"relative difference {worst:.1e}"


@check("s2s.hessian of examples/newton.py:loss: symmetric, its columns the HVPs")
def _():
    hessian = s2s.hessian(newton)(*newton_args)
    close(hessian, hessian.T, "symmetry", rtol=1e-10, atol=1e-12)
    hvp = s2s.hvp(newton)
    for i, column in enumerate(np.eye(4)):
        close(hessian[:, i], hvp(*newton_args, column), f"column {i}", rtol=1e-10)
    return f"shape {hessian.shape}"


@check("s2s.testing.check_grads(order=2) of examples/newton.py:loss")
def _():
    s2s.testing.check_grads(newton, tuple(newton_args), wrt=0, order=2)


def error_text(exc):
    return "".join(traceback.format_exception_only(type(exc), exc))


def value_error_noted(run, note):
    """`run()` raises a ValueError (caught as one) whose printed form shows `note`."""
    try:
        run()
    except ValueError as exc:
        shown = error_text(exc)
        if note not in shown:
            raise AssertionError(f"no note naming the user's line in:\n{shown}") from exc
        return f"{type(exc).__name__}, the note shown: {shown.splitlines()[-1]!r}"
    raise AssertionError("no ValueError")


@check("error in generated code (s2s.grad): caught by `except ValueError`, names the user's line")
def _():
    wrong_x = normal(size=3)  # W @ x: W is 4 by 5
    return value_error_noted(lambda: s2s.grad(window, wrt=(0, 1))(*window_args[:3], wrong_x),
                             "in score (window.py:8): z = W @ x + b")


@check("error in a derivative the CLI wrote: caught by `except ValueError`, names the line")
def _():
    module = sys.modules.get("grad_window") or load(os.path.join(work, "grad_window.py"),
                                                    "grad_window")
    return value_error_noted(  # (the value is a number: a d_result of 3 does not fit)
        lambda: module.value_and_grad_score(*window_args, d_result=np.ones(3)),
        "while computing the derivative of window.py:10: return u @ h")


@check("s2s check: the checked-in modules of examples/ (reverse, forward, HVP) are fresh")
def _():
    # a copy, run where the checkout is not importable: the forward and HVP modules need
    # the tangent rules, which a wheel without every package lacked
    copy = os.path.join(work, "checked")
    for folder in ("examples", "generated"):
        shutil.copytree(os.path.join(CHECKOUT, folder), os.path.join(copy, folder),
                        ignore=shutil.ignore_patterns("__pycache__"))
    script = os.path.join(os.path.dirname(sys.executable), "s2s")
    paths, left = ["generated"], ""
    if importlib.util.find_spec("numba") is None:
        # (the `--target numba` modules need numba to be made again; CI's test run,
        # with the test extras, checks them)
        paths = [os.path.join("generated", name) for name in sorted(os.listdir(
            os.path.join(copy, "generated"))) if name.endswith(".py")
            and not name.endswith("_numba.py")]
        left = " (numba is not installed: the --target numba modules are left out)"
    done = subprocess.run([script, "check", *paths], capture_output=True, text=True,
                          timeout=300, cwd=copy)
    if done.returncode != 0:
        raise AssertionError(f"exit {done.returncode}\n{done.stdout}{done.stderr}")
    return done.stdout.strip().splitlines()[-1] + left


SCIPY_USER = """
import numpy as np
import scipy.linalg
from scipy import special, stats


def loglik(mu, log_sigma, x, a):
    model = stats.norm(mu, np.exp(log_sigma))
    L = np.linalg.cholesky(a @ a.T + np.eye(3))
    z = scipy.linalg.solve_triangular(L, x[:3] * mu, lower=True)
    return np.sum(model.logpdf(x)) + special.logsumexp(x * mu) - np.sum(special.erf(z))
"""


@check("SciPy's rules, from the wheel: where SciPy is installed (the scipy extra), "
       "scipy.special, scipy.stats and scipy.linalg; without it, math.erf's rule alone")
def _():
    if importlib.util.find_spec("scipy") is None:
        path = os.path.join(work, "erf_user.py")
        with open(path, "w") as f:
            f.write("import math\n\n\ndef erf_loss(x):\n    return math.erf(x) * x\n")
        module = load(path, "erf_user")
        value, grad = s2s.value_and_grad(module.erf_loss)(0.3)
        close(grad, finite_differences(module.erf_loss, [0.3], 0), "math.erf's gradient")
        return "SciPy is not installed here: math.erf's rule loads, SciPy's are left out"
    path = os.path.join(work, "scipy_user.py")
    with open(path, "w") as f:
        f.write(SCIPY_USER)
    module = load(path, "scipy_user")
    args = [0.2, -0.1, normal(size=5), normal(size=(3, 3))]
    value, grads = s2s.value_and_grad(module.loglik, wrt=(0, 1, 2, 3))(*args)
    close(value, module.loglik(*args), "value", rtol=1e-12)
    worst = 0.0
    for i, got in enumerate(grads):
        worst = max(worst, close(got, finite_differences(module.loglik, args, i), f"gradient {i}"))
    return f"largest relative difference from finite differences {worst:.1e}"


@check("CLI: a missing function is refused with exit status 2, without a traceback")
def _():
    done = run_cli("differentiate", f"{os.path.join(EXAMPLES, 'mlp.py')}:no_such_function",
                   check_status=False)
    if done.returncode != 2 or "Traceback" in done.stderr or not done.stderr.strip():
        raise AssertionError(f"exit {done.returncode}, stderr:\n{done.stderr}")
    return done.stderr.strip().splitlines()[0]


# --target numba: the examples its generated modules come from, with the smoke cases'
# arguments; the pendulum as people write it, unannotated
NUMBA_CASES = {"pendulum.py": "energy_as_written", "nbody.py": None, "heat.py": None,
               "loop_matmul.py": None}

NEWCOMER_LOOP = """
def simulate(k, c, x0=1.0, v0=0.0, dt=0.01, steps=300):
    x, v = x0, v0
    loss = 0.0
    for _ in range(steps):
        a = -k * x - c * v
        x += dt * v
        v += dt * a
        loss += x * x
    return loss / steps
"""

if importlib.util.find_spec("numba") is not None:
    for filename, other in NUMBA_CASES.items():
        name, wrt, args, seed = CASES[filename]
        name = other or name
        stem = filename[:-3]

        @check(f"--target numba: examples/{filename}:{name} (CLI module, compiled)")
        def _():
            path, out = os.path.join(EXAMPLES, filename), os.path.join(work, f"grad_{stem}_numba.py")
            run_cli("differentiate", f"{path}:{name}", "--wrt", ",".join(wrt), "--target",
                    "numba", "-o", out)
            generated = load(out, f"grad_{stem}_numba")
            f = getattr(sys.modules[f"example_{stem}"], name)
            indices = [f.__code__.co_varnames.index(w) for w in wrt]
            return check_example(getattr(generated, f"value_and_grad_{name}"), f, indices,
                                 args, seed, "numba CLI")

    @check("--target numba: s2s.value_and_grad(target='numba') of an unannotated loop")
    def _():
        path = os.path.join(work, "newcomer_loop.py")
        with open(path, "w") as f:
            f.write(NEWCOMER_LOOP)
        simulate = load(path, "newcomer_loop").simulate
        args = [1.3, 0.2]
        return check_example(s2s.value_and_grad(simulate, wrt=("k", "c"), target="numba"),
                             simulate, [0, 1], args, None, "numba API")
else:
    @check("--target numba without numba: refused with exit status 2, naming the extra")
    def _():
        out = os.path.join(work, "never_written.py")
        done = run_cli("differentiate", f"{os.path.join(EXAMPLES, 'pendulum.py')}:energy",
                       "--wrt", "theta", "--target", "numba", "-o", out, check_status=False)
        if (done.returncode != 2 or "Traceback" in done.stderr or "s2s[numba]" not in
                done.stderr or os.path.exists(out)):
            raise AssertionError(f"exit {done.returncode}, stderr:\n{done.stderr}")
        return done.stderr.strip().splitlines()[0]


failed = RESULTS.count(False)
print(f"smoke: {len(RESULTS) - failed} of {len(RESULTS)} checks passed "
      f"(Python {sys.version.split()[0]})")
sys.exit(1 if failed else 0)
