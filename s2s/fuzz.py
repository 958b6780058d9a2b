"""Random programs, to hunt wrong derivatives: `python -m s2s.fuzz --count 10000`.

Each program is a module of its own: a function `f(x, y, s)` of two vectors and a
float, with straight-line code, branches, `for` and `while` loops with `break` and
`continue`, calls to generated helper functions, a recursion whose base case depends
on the data, lists built by `append`, tuples, dicts, in-place writes into a buffer,
numbers and vectors broadcast into rows, rows written from the row before, and
products of matrices and vectors, over smooth, bounded operations.  For each, at a random point:

- the gradient (reverse mode) against central finite differences;
- the directional derivative (forward mode) against finite differences along a random
  direction, and against the gradient;
- the gradient with every loop checkpointed (`--checkpoint`), where s2s can
  checkpoint them, against the plain gradient: bit for bit;
- the Hessian-vector product against differences of gradients.

A point where finite differences with two steps disagree is near a kink (a branch
flips): it is skipped, not counted.  `programs(random)` makes the source from any
`random.Random`, so hypothesis can drive it (`hypothesis.strategies.randoms()`), as
tests/test_random_programs.py does, and shrink what fails.
"""

import argparse
import importlib.util
import itertools
import os
import random as random_module
import sys
import tempfile
import time

import numpy

from .testing import finite_differences, moved_along

UNARY = ["np.sin({0})", "np.tanh({0})", "np.cos({0}) * 0.5", "np.log1p({0} * {0})",
         "np.sqrt(1.0 + {0} * {0})", "np.exp(np.tanh({0}))", "{0} ** 2", "-{0}"]
BINARY = ["{0} + {1}", "{0} - {1}", "{0} * {1}", "{0} / (1.5 + {1} * {1})",
          "np.hypot({0}, {1}) * 0.5", "np.arctan2({0}, 2.0 + {1} * {1})",
          "np.maximum({0}, {1})"]
REDUCE = ["np.sum({0})", "np.mean({0})", "np.max({0})", "np.prod(np.tanh({0}))"]


class _Writer:
    def __init__(self, rng):
        self.rng = rng
        self.lines = []
        self.count = itertools.count()

    def fresh(self):
        return f"v{next(self.count)}"

    def expression(self, names, depth=2):
        rng = self.rng
        if depth == 0 or rng.random() < 0.3:
            return rng.choice(names)
        if rng.random() < 0.5:
            return rng.choice(UNARY).format(f"({self.expression(names, depth - 1)})")
        left, right = self.expression(names, depth - 1), self.expression(names, depth - 1)
        return rng.choice(BINARY).format(f"({left})", f"({right})")

    def statements(self, names, indent):
        """Append a few statements; return the names they define."""
        rng, pad = self.rng, " " * indent
        kind = rng.choice(["assign", "branch", "for", "while", "call", "recursion",
                           "list", "dict", "write", "matrix"])
        name = self.fresh()
        e = self.expression
        if kind == "assign":
            self.lines.append(f"{pad}{name} = {e(names)}")
        elif kind == "branch":
            test = rng.choice(names)
            self.lines += [f"{pad}if np.sum({test}) > {rng.uniform(-1, 1):.2f}:",
                           f"{pad}    {name} = {e(names)}",
                           f"{pad}else:",
                           f"{pad}    {name} = {e(names)}",
                           f"{pad}    {name} = {name} * 0.5 + {e(names, 1)}"]
        elif kind == "for":
            self.lines += [f"{pad}{name} = {rng.choice(names)}",
                           f"{pad}for i in range({rng.randint(1, 4)}):",
                           f"{pad}    if i == {rng.randint(0, 3)}:",
                           f"{pad}        continue",
                           f"{pad}    {name} = {name} * 0.5 + {e(names + [name], 1)}"]
        elif kind == "while":
            self.lines += [f"{pad}{name} = {rng.choice(names)}",
                           f"{pad}k = 0",
                           f"{pad}while k < {rng.randint(1, 4)}:",
                           f"{pad}    k = k + 1",
                           f"{pad}    {name} = np.tanh({name}) + {e(names, 1)} * 0.3",
                           f"{pad}    if np.sum({name} * {name}) > 40.0:",
                           f"{pad}        break"]
        elif kind == "call":
            self.lines.append(f"{pad}{name} = helper({rng.choice(names)}, {rng.choice(names)})")
        elif kind == "recursion":
            self.lines.append(f"{pad}{name} = settle({rng.choice(names)}, {rng.randint(0, 4)})")
        elif kind == "list":
            self.lines += [f"{pad}{name}_items = []",
                           f"{pad}for item in ({rng.choice(names)}, {rng.choice(names)}):",
                           f"{pad}    {name}_items.append({e(['item'] + names, 1)})",
                           f"{pad}first, second = {name}_items[0], {name}_items[1]",
                           f"{pad}{name} = first * second"]
        elif kind == "dict":
            self.lines += [f"{pad}{name}_parts = {{'a': {rng.choice(names)}}}",
                           f"{pad}{name}_parts['b'] = {e(names, 1)}",
                           f"{pad}{name} = {name}_parts['a'] - {name}_parts['b'] * 0.5"]
        elif kind == "matrix":  # products of matrices and vectors; rows read out by one
            vector = f"({rng.choice(names)} + x * 0.0)"  # (a number made a vector)
            self.lines += [f"{pad}{name}_m = np.outer({vector}, y) * 0.3 + np.eye(3) * 0.5",
                           f"{pad}{name}_buf = np.zeros((3, 3))",
                           f"{pad}{name}_buf[0] = {rng.choice(names)}",
                           f"{pad}{name}_buf[1] = np.tanh({name}_m @ {name}_buf[0])",
                           f"{pad}{name}_buf[2] = {name}_buf[1] @ {name}_m * {e(names, 1)}",
                           f"{pad}{name}_w = np.tanh({name}_m + {e(names, 1)}) * {name}_m[:, :1]",
                           f"{pad}{name} = np.sum({name}_buf[1:] @ {name}_m, axis=0) * 0.2 "
                           f"+ np.mean({name}_w, axis={rng.randint(0, 1)})"]
        elif rng.random() < 0.3:  # rows written from numbers and vectors, broadcast
            self.lines += [f"{pad}{name}_grid = np.zeros((2, 3))",
                           f"{pad}{name}_grid[0] = {rng.choice(names)} * 0.5",
                           f"{pad}{name}_grid[1] = np.sum({e(names, 1)}) * 0.2",
                           f"{pad}{name}_grid[:, 2:] = np.sum({rng.choice(names)}) * "
                           f"{name}_grid[1, 2]",
                           f"{pad}{name} = {name}_grid[0] * {name}_grid[1] + {name}_grid[1] * 0.1"]
        elif rng.random() < 0.5:  # a buffer written element by element
            self.lines += [f"{pad}{name} = np.zeros(3)",
                           f"{pad}for i in range(3):",
                           f"{pad}    {name}[i] = np.sum({rng.choice(names)}) * 0.1 "
                           f"+ x[i] * {name}[i - 1]"]
        else:  # time steps: each row from the one before
            self.lines += [f"{pad}{name}_rows = np.zeros((4, 3))",
                           f"{pad}{name}_rows[0] = {rng.choice(names)}",  # (`s`: broadcast)
                           f"{pad}for i in range(3):",
                           f"{pad}    {name}_rows[i + 1] = np.tanh({name}_rows[i] * "
                           f"{e(names, 1)}) + x * 0.1",
                           f"{pad}{name} = {name}_rows[3] * 0.5 + {name}_rows[1]"]
        return [name]


def programs(rng):
    """The source of a random module defining `f(x, y, s)` (and its helpers)."""
    writer = _Writer(rng)
    names = ["x", "y", "s"]
    for _ in range(rng.randint(1, 5)):
        names += writer.statements(names, 4)
    result = rng.choice(REDUCE).format(writer.expression(names, 1))
    helper = writer.expression(["a", "b"], 2)
    return (
        "import numpy as np\n\n\n"
        f"def helper(a, b):\n    return {helper}\n\n\n"
        "def settle(v, n):\n"
        "    if n <= 0 or np.sum(v * v) > 50.0:\n"
        "        return v\n"
        "    return settle(np.tanh(v) + v * 0.5, n - 1)\n\n\n"
        "def f(x, y, s):\n" + "\n".join(writer.lines) + f"\n    return {result}\n"
    )


_modules = itertools.count()


def load(source, directory):
    """The function `f` of `source`, from a module file of its own (s2s reads it)."""
    path = os.path.join(directory, f"fuzz_program_{os.getpid()}_{next(_modules)}.py")
    with open(path, "w") as out:
        out.write(source)
    spec = importlib.util.spec_from_file_location(os.path.basename(path)[:-3], path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.f


def check(f, rng, rtol=1e-4, atol=1e-6):
    """"ok", "skipped" (near a kink, or not finite), or a string saying what failed."""
    import s2s

    nrng = numpy.random.default_rng(rng.randrange(2**32))
    args = [nrng.uniform(-1.5, 1.5, 3), nrng.uniform(-1.5, 1.5, 3),
            float(nrng.uniform(-1.5, 1.5))]
    with numpy.errstate(all="ignore"):
        value = f(*args)
        if not numpy.isfinite(value):
            return "skipped"
        expected = [finite_differences(f, args, i, 1e-6) for i in range(3)]
        coarse = [finite_differences(f, args, i, 1e-4) for i in range(3)]
    if not all(numpy.allclose(a, b, rtol=1e-3, atol=1e-5) for a, b in zip(expected, coarse)):
        return "skipped"  # finite differences disagree with themselves: a kink
    wrt = (0, 1, 2)
    grads = s2s.grad(f, wrt=wrt)(*args)
    for i, (g, e) in enumerate(zip(grads, expected)):
        if not numpy.allclose(g, e, rtol=rtol, atol=atol):
            return f"gradient in argument {i}: {g!r}, finite differences {e!r}"
    vs = [nrng.normal(size=3), nrng.normal(size=3), float(nrng.normal())]
    _, tangent = s2s.jvp(f, wrt=wrt)(*args, *vs)
    along = sum(float(numpy.sum(g * v)) for g, v in zip(grads, vs))
    if not numpy.isclose(tangent, along, rtol=1e-7, atol=1e-9):
        return f"forward mode: {tangent!r}, reverse mode {along!r}"
    eps = 1e-6
    plus, minus = moved_along(args, wrt, vs, eps)
    with numpy.errstate(all="ignore"):
        directional = (f(*plus) - f(*minus)) / (2 * eps)
    if not numpy.isclose(tangent, directional, rtol=rtol, atol=atol):
        return f"forward mode: {tangent!r}, finite differences {directional!r}"
    checkpointed = _checkpointed_gradient(f, wrt)
    if checkpointed is not None:
        for i, (c, g) in enumerate(zip(checkpointed(*args)[1], grads)):
            if not numpy.array_equal(c, g):
                return f"checkpointed gradient in argument {i}: {c!r}, without {g!r}"
    products = s2s.hvp(f, wrt=wrt)(*args, tuple(vs))
    grad = s2s.grad(f, wrt=wrt)
    for i, (h, p, m) in enumerate(zip(products, grad(*plus), grad(*minus))):
        if not numpy.allclose(h, (numpy.asarray(p) - m) / (2 * eps), rtol=1e-3, atol=1e-5):
            return f"Hessian-vector product in argument {i}: {h!r}"
    return "ok"


def _checkpointed_gradient(f, wrt):
    """`value_and_grad` of `f` with every loop checkpointed (`--checkpoint`), or None
    where s2s refuses to checkpoint one of its loops."""
    import inspect

    from .compiler import differentiate
    from .errors import Unsupported

    names = tuple(list(inspect.signature(f).parameters)[i] for i in wrt)
    try:
        generated = differentiate(f, names, inject=True, checkpoint=True)
    except Unsupported:
        return None
    namespace = dict(generated.injected)
    exec(compile(generated.source, f"<checkpointed {f.__qualname__}>", "exec"), namespace)
    return namespace[generated.functions["value_and_grad"]]


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m s2s.fuzz", description=__doc__.split(
        "\n\n")[0])
    parser.add_argument("--count", type=int, default=1000, help="programs to check")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--keep", metavar="DIR", help="write failing programs here")
    args = parser.parse_args(argv)
    rng = random_module.Random(args.seed)
    counts = {"ok": 0, "skipped": 0, "failed": 0}
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as directory:
        sys.path.insert(0, directory)
        for n in range(args.count):
            source = programs(rng)
            try:
                outcome = check(load(source, directory), rng)
            except Exception as exc:  # a crash is a failure too: say which program
                outcome = f"{type(exc).__name__}: {exc}"
            if outcome in ("ok", "skipped"):
                counts[outcome] += 1
                continue
            counts["failed"] += 1
            print(f"program {n} failed: {outcome}\n{source}", file=sys.stderr)
            if args.keep:
                os.makedirs(args.keep, exist_ok=True)
                with open(os.path.join(args.keep, f"failed_{n}.py"), "w") as out:
                    out.write(source)
    seconds = time.perf_counter() - start
    print(f"{args.count} programs in {seconds:.0f} s: {counts['ok']} checked, "
          f"{counts['skipped']} skipped (near a kink), {counts['failed']} failed")
    return 1 if counts["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
