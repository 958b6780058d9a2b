"""Random programs, to hunt wrong derivatives and wrong values:
`python -m s2s.fuzz --count 10000`.

Each program is a module of its own, of one of two families:

- `f(x, y, s)` of two vectors and a float, with straight-line code, branches, `for`
  and `while` loops with `break` and `continue`, calls to generated helper functions,
  a recursion whose base case depends on the data, lists built by `append`, tuples,
  dicts, in-place writes into a buffer, `np.add.at` scatters, numbers and vectors
  broadcast into rows, rows written from the row before, and products of matrices
  and vectors;
- `f(a, b, c)` of three Python floats, written the way newcomers write them:
  unannotated, `math` functions and plain arithmetic, `if`/`else`, conditional
  expressions, loops on floats; lambdas given to `map` and `functools.reduce`, a
  `try` whose handler runs where `math.sqrt` meets a negative number, `with
  np.errstate(...)`, helpers that take `*args`, a `functools.partial`, a dataclass
  made in the function and its method.

Both also have what users write most: accumulators started from a literal
(`total = 0.0`, `total = 0`, `acc = 1.0`) and updated with `+=`, `-=`, `*=` in `for`
loops (nested too) over `range`, a list, a vector's elements, `enumerate` and `zip`,
with `continue`, `break` or an early `return`; running maxima (`best = -math.inf`),
means with a count, `sum()` of a generator; `while` loops that run to a count (with
`break`) or to a tolerance (Newton's method, a contraction) and return their state;
callees decorated with `functools.lru_cache` / `functools.cache` (called with floats)
and `staticmethod`s called as `Ops.blend(...)`, a callee that returns what its loop
carries; and results that are the name a loop carries (`return total`, `return z`),
floats or vectors.  All over smooth, bounded operations.  Sometimes
(`EXPECTED_REFUSAL` in the module) a callee has a decorator of the user's own
(`@scaled`, `@scaled_by(0.5)`, written with `functools.wraps`): s2s must refuse it,
raising `s2s.Unsupported` located and naming the decorator; a result is a failure.

For each, at a random point (a vector result is reduced with a random seed, passed
as `d_result`):

- the value each derivative returns against the function's own `f(*args)`, bit for
  bit: the gradient's (`value_and_grad`), forward mode's (`jvp`), the checkpointed
  gradient's; and the gradient the Hessian-vector-product module returns as its value
  against `value_and_grad`'s;
- the gradient (reverse mode) against central finite differences;
- the directional derivative (forward mode) against finite differences along a random
  direction, and against the gradient;
- the gradient with every loop checkpointed (`--checkpoint`), where s2s can
  checkpoint them, against the plain gradient: bit for bit;
- the Hessian-vector product against differences of gradients (scalar results).

A point where finite differences with two steps disagree is near a kink (a branch
flips): it is skipped, not counted.  `programs(random)` makes the source from any
`random.Random`, so hypothesis can drive it (`hypothesis.strategies.randoms()`), as
tests/test_random_programs.py does, and shrink what fails.  `check(f, random)` takes
any function whose parameters are named `x`, `y` (vectors of 3) or anything else
(floats), as the kept programs in tests/fixtures/fuzz/ are.
"""

import argparse
import collections
import importlib.util
import inspect
import itertools
import os
import random as random_module
import re
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
# on floats, as newcomers write it: `math` and plain arithmetic
MATH_UNARY = ["math.sin({0})", "math.tanh({0})", "math.cos({0}) * 0.5",
              "math.log1p({0} * {0})", "math.sqrt(1.0 + {0} * {0})",
              "math.exp(math.tanh({0}))", "{0} ** 2", "-{0}", "math.atan({0})",
              "math.erf({0})", "{0} * {0} * 0.5", "1.0 / (1.0 + {0} * {0})"]
MATH_BINARY = ["{0} + {1}", "{0} - {1}", "{0} * {1}", "{0} / (1.5 + {1} * {1})",
               "math.hypot({0}, {1}) * 0.5", "math.atan2({0}, 2.0 + {1} * {1})",
               "max({0}, {1})", "min({0}, {1})", "{0} * 0.5 - {1} * 0.25"]
VECTORS = ("x", "y")  # parameters that are vectors of 3; any other is a float
# statement kinds, with weights: the vector family's and the float family's
VECTOR_KINDS = {"assign": 1, "branch": 1, "for": 1, "while": 1, "call": 1, "recursion": 1,
                "list": 1, "dict": 1, "write": 1, "matrix": 1, "scatter": 1,
                "accumulate": 3, "scalar": 2, "count": 1, "tolerance": 1, "callee": 2,
                "idiom": 2}
FLOAT_KINDS = {"assign": 2, "branch": 3, "accumulate": 5, "count": 1, "tolerance": 2,
               "callee": 3, "idiom": 7}
# decorators of the user's own, which s2s must refuse: (name, the line above `def`,
# its definition)
REFUSED = [
    ("scaled", "@scaled", """def scaled(fn):
    @functools.wraps(fn)
    def wrapper(*args):
        return 2.0 * fn(*args)

    return wrapper"""),
    ("scaled_by", "@scaled_by(0.5)", """def scaled_by(factor):
    def decorate(fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            return factor * fn(*args, **kwargs)

        return wrapper

    return decorate"""),
]


def _fill(form, *operands):
    """`form.format(*operands)`, each operand in parentheses unless it is a name or
    stands alone as an argument."""
    def alone(j):
        pieces = form.split(f"{{{j}}}")
        return all(before.rstrip().endswith(("(", ",")) for before in pieces[:-1]) and all(
            after.startswith((")", ",")) for after in pieces[1:])

    def atom(o):  # a name, an item, or one call
        if re.fullmatch(r"[\w.\[\]]+", o):
            return True
        head = re.match(r"[\w.]+\(", o)
        if not head or not o.endswith(")"):
            return False
        depth = 0
        for n, char in enumerate(o[head.end() - 1:], head.end() - 1):
            depth += {"(": 1, ")": -1}.get(char, 0)
            if depth == 0:
                return n == len(o) - 1
        return False

    return form.format(*(o if atom(o) or alone(j) else f"({o})"
                         for j, o in enumerate(operands)))


class _Writer:
    def __init__(self, rng, vectors):
        self.rng = rng
        self.vectors = vectors  # the family: `f(x, y, s)`, else `f(a, b, c)`
        self.lines = []
        self.count = itertools.count()
        self.names = ["x", "y", "s"] if vectors else ["a", "b", "c"]
        self.floats = ["s"] if vectors else ["a", "b", "c"]  # known to be numbers
        self.arrays = ["x", "y"] if vectors else []  # known to be vectors of 3
        self.helpers = {}  # name: source, of the callees the program calls
        self.imports = ["import functools", "import math"]
        self.kinds = set()  # what was drawn (tests/test_random_programs.py asks)
        self.refused = None  # the decorator s2s must refuse, where one is drawn
        self.required = []  # names that must reach the result (a refused call's)

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

    def scalar(self, names, depth=2):
        """An expression of the numbers `names` in `math` and plain arithmetic, with
        parentheses only where they are needed (as people write it)."""
        rng = self.rng
        if depth == 0 or rng.random() < 0.25:
            return rng.choice(names)
        if rng.random() < 0.5:
            return _fill(rng.choice(MATH_UNARY), self.scalar(names, depth - 1))
        left, right = self.scalar(names, depth - 1), self.scalar(names, depth - 1)
        return _fill(rng.choice(MATH_BINARY), left, right)

    def helper(self, name, source):
        self.helpers.setdefault(name, source)

    def statements(self, indent):
        """Append a few statements; add the names they define."""
        kinds = VECTOR_KINDS if self.vectors else FLOAT_KINDS
        kind = self.rng.choices(list(kinds), weights=list(kinds.values()))[0]
        self.kinds.add(f"{'vector' if self.vectors else 'float'} {kind}")
        if kind in ("accumulate", "scalar", "count", "tolerance", "callee", "idiom") or (
                not self.vectors):
            getattr(self, f"_{kind}")(" " * indent)
        else:
            self._vector(kind, " " * indent)

    def _vector(self, kind, pad):
        rng, names = self.rng, self.names
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
        elif kind == "scatter":  # np.add.at: values added at places, repeated ones adding up
            places = rng.choice(["[2, 0, 2]", "[1, 1, 1]", "np.array([0, 2, 1])"])
            self.lines += [f"{pad}{name} = np.zeros(3)",
                           f"{pad}np.add.at({name}, {places}, {e(names, 1)})",
                           f"{pad}np.add.at({name}, [0, 0, 1], {rng.choice(names)} * 0.5)"]
            self.arrays.append(name)
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
            self.arrays.append(name)
        elif rng.random() < 0.3:  # rows written from numbers and vectors, broadcast
            self.lines += [f"{pad}{name}_grid = np.zeros((2, 3))",
                           f"{pad}{name}_grid[0] = {rng.choice(names)} * 0.5",
                           f"{pad}{name}_grid[1] = np.sum({e(names, 1)}) * 0.2",
                           f"{pad}{name}_grid[:, 2:] = np.sum({rng.choice(names)}) * "
                           f"{name}_grid[1, 2]",
                           f"{pad}{name} = {name}_grid[0] * {name}_grid[1] + {name}_grid[1] * 0.1"]
            self.arrays.append(name)
        elif rng.random() < 0.5:  # a buffer written element by element
            self.lines += [f"{pad}{name} = np.zeros(3)",
                           f"{pad}for i in range(3):",
                           f"{pad}    {name}[i] = np.sum({rng.choice(names)}) * 0.1 "
                           f"+ x[i] * {name}[i - 1]"]
            self.arrays.append(name)
        else:  # time steps: each row from the one before
            self.lines += [f"{pad}{name}_rows = np.zeros((4, 3))",
                           f"{pad}{name}_rows[0] = {rng.choice(names)}",  # (`s`: broadcast)
                           f"{pad}for i in range(3):",
                           f"{pad}    {name}_rows[i + 1] = np.tanh({name}_rows[i] * "
                           f"{e(names, 1)}) + x * 0.1",
                           f"{pad}{name} = {name}_rows[3] * 0.5 + {name}_rows[1]"]
            self.arrays.append(name)
        self.names.append(name)

    def _define(self, name, is_float=True):
        self.names.append(name)
        (self.floats if is_float else self.arrays).append(name)

    # -- numbers: the float family's statements, and the vector family's on numbers

    def _assign(self, pad):
        name = self.fresh()
        self.lines.append(f"{pad}{name} = {self.scalar(self.floats)}")
        self._define(name)

    _scalar = _assign  # (the vector family's name for it: numbers among vectors)

    def _branch(self, pad):
        rng, s, fl = self.rng, self.scalar, self.floats
        name = self.fresh()
        test = f"{rng.choice(fl)} {rng.choice(['>', '<', '>='])} {rng.uniform(-1, 1):.2f}"
        shape = rng.randrange(4)
        if shape == 0:
            self.lines += [f"{pad}if {test}:", f"{pad}    {name} = {s(fl)}",
                           f"{pad}else:", f"{pad}    {name} = {s(fl)}"]
        elif shape == 1:  # no `else`: the name is set before
            self.lines += [f"{pad}{name} = {s(fl)}", f"{pad}if {test}:",
                           f"{pad}    {name} = {name} * 0.5 + {s(fl, 1)}"]
        elif shape == 2:
            self.lines.append(f"{pad}{name} = {s(fl, 1)} if {test} else {s(fl, 1)}")
        else:
            other = f"{rng.choice(fl)} < {rng.choice(fl)}"
            self.lines += [f"{pad}if {test}:", f"{pad}    {name} = {s(fl)}",
                           f"{pad}elif {other}:", f"{pad}    {name} = {s(fl, 1)}",
                           f"{pad}else:", f"{pad}    {name} = {s(fl, 1)} - 0.5"]
        self._define(name)

    def _loop_header(self, pad):
        """A `for` header, and the numbers (loop variables) its body can read, and
        whether it runs over `range` (its variable an int)."""
        rng, fl = self.rng, self.floats
        shapes = ["range", "list", "enumerate", "zip"]
        if self.vectors:
            shapes += ["elements", "elements", "enumerate vector", "zip vectors",
                       "range vector", "range len"]
        shape = rng.choice(shapes)
        self.kinds.add(f"for over {shape}")
        if shape == "range":
            return f"{pad}for i in range({rng.randint(1, 4)}):", ["i"], shape
        if shape == "list":
            items = ", ".join(rng.choice(fl) for _ in range(rng.randint(2, 4)))
            return f"{pad}for v in {rng.choice(['[{}]', '({},)'])}:".format(items), ["v"], shape
        if shape == "enumerate":
            items = ", ".join(rng.choice(fl) for _ in range(rng.randint(2, 3)))
            return f"{pad}for i, v in enumerate([{items}]):", ["i", "v"], shape
        if shape == "zip":
            first = ", ".join(rng.choice(fl) for _ in range(3))
            second = ", ".join(rng.choice(fl) for _ in range(3))
            return f"{pad}for u, w in zip([{first}], [{second}]):", ["u", "w"], shape
        vector = rng.choice(self.arrays)
        if shape == "elements":
            return f"{pad}for v in {vector}:", ["v"], shape
        if shape == "enumerate vector":
            other = rng.choice(self.arrays)
            return f"{pad}for i, v in enumerate({vector}):", ["v", f"{other}[i]"], shape
        if shape == "zip vectors":
            return f"{pad}for u, w in zip({vector}, {rng.choice(self.arrays)}):", ["u", "w"], shape
        if shape == "range len":
            return (f"{pad}for i in range(len({vector})):",
                    [f"{vector}[i]", f"{rng.choice(self.arrays)}[i]"], shape)
        return f"{pad}for i in range(3):", ["i", f"{vector}[i]"], shape

    def _accumulate(self, pad, final=False):
        """`total = 0.0` (or `0`, or `acc = 1.0`), updated in a `for` loop with `+=`,
        `-=` or `*=`, sometimes in a nested loop, with `continue`, `break`, or (`final`)
        an early `return`; or a running maximum (`best = -math.inf`), a mean (with a
        count), a `sum()` of a generator.  Returns what the result reads: the name it
        defines (a number), or for a mean an expression."""
        rng, s = self.rng, self.scalar
        name = self.fresh()
        header, items, shape = self._loop_header(pad)
        form = rng.choices(["plain", "nested", "max", "mean", "sum"], [10, 2, 1, 1, 1])[0]
        operator = "+=" if final or form != "plain" else rng.choice(["+=", "+=", "-=", "*="])
        start = rng.choice(["1.0", "1"] if operator == "*=" else ["0.0", "0"])
        self.kinds.add(f"accumulator {start} {operator}" if form == "plain" else
                       f"accumulator {form}")
        readable = self.floats + items
        term = s(readable, 2)
        if not any(re.search(rf"\b{re.escape(item)}", term) for item in items):
            term = _fill("{0} * {1}", rng.choice(items), term)  # (the loop's items read)
        if self.vectors and shape == "range vector" and rng.random() < 0.5:
            term = f"np.sum({self.expression(self.names, 1)} * i)"  # (numbers made of vectors)
        if operator == "*=":
            term = f"(1.0 + 0.3 * math.tanh({term}))"
        if final and self.required:
            term = f"{term} + 0.1 * ({' + '.join(self.required)})"
        inner = pad + "    "
        if form == "sum":  # no statement in the loop: a generator or a list comprehension
            generator = f"{term} {header.strip()[:-1]}"
            self.lines.append(f"{pad}{name} = sum({rng.choice(['{}', '[{}]']).format(generator)})")
            self._define(name)
            return name
        if form == "nested":
            header += f"\n{inner}for j in range({rng.randint(1, 3)}):"
            inner += "    "
            term = _fill("{0} * {1}", term, "0.5 + 0.25 * j")
        if form == "max":
            start = rng.choice(["-math.inf", 'float("-inf")', "-1e9"])
            if rng.random() < 0.5:
                body = [f"{inner}{name} = max({name}, {term})"]
            else:
                body = [f"{inner}value = {term}", f"{inner}if value > {name}:",
                        f"{inner}    {name} = value"]
        else:
            body = [f"{inner}{name} {operator} {term}"]
        if form == "mean":
            count = f"n{next(self.count)}"
            self.lines.append(f"{pad}{count} = 0")
            body.append(f"{inner}{count} += 1")
        if form == "plain" and rng.random() < 0.25:  # a second accumulator in the loop
            other = self.fresh()
            self.lines.append(f"{pad}{other} = 1.0")
            body.append(f"{inner}{other} *= 1.0 + 0.2 * math.sin({s(readable, 1)})")
            self._define(other)
        if form == "plain" and rng.random() < 0.3:
            test = f"{name} > {rng.uniform(0.5, 2):.2f}"
            if final:  # an early return of what the loop carries
                body += [f"{inner}if {test}:", f"{inner}    return {name}"]
                self.kinds.add("accumulator early return")
            elif rng.random() < 0.5:
                body += [f"{inner}if {test}:", f"{inner}    break"]
            elif "i" in items:
                body.insert(0, f"{inner}if i == {rng.randint(0, 2)}:\n{inner}    continue")
            else:
                alternative = {"+=": "-=", "-=": "+=", "*=": "*="}[operator]
                body = [f"{inner}if {rng.choice(items)} > {rng.uniform(-1, 1):.2f}:",
                        "    " + body[0], f"{inner}else:",
                        f"{inner}    {name} {alternative} {_fill('{0} * 0.5', term)}"] + body[1:]
        self.lines += [f"{pad}{name} = {start}", header] + body
        self._define(name)
        if form == "mean":
            mean = self.fresh()
            self.lines.append(f"{pad}{mean} = {name} / {count}")
            self._define(mean)
            return f"{name} / {count}" if final else mean
        return name

    def _count(self, pad, final=False):
        """A `while` loop to a count, its state carried, with a `break` sometimes."""
        rng, s = self.rng, self.scalar
        name, counter = self.fresh(), f"k{next(self.count)}"
        step = rng.choice(["0.5 * math.cos({0})", "math.tanh({0}) * 0.8", "{0} * 0.6"])
        drive = s(self.floats, 1)
        if final and self.required:
            drive = f"{drive} + 0.1 * ({' + '.join(self.required)})"
        self.lines += [f"{pad}{name} = {s(self.floats, 1)}",
                       f"{pad}{counter} = 0",
                       f"{pad}while {counter} < {rng.randint(1, 5)}:",
                       f"{pad}    {name} = {step.format(name)} + ({drive}) * 0.3",
                       f"{pad}    {counter} += 1"]
        if rng.random() < 0.5:
            self.lines += [f"{pad}    if {name} > {rng.uniform(0.5, 1.5):.2f}:",
                           f"{pad}        break"]
        self._define(name)
        return name

    def _tolerance(self, pad, final=False):
        """A `while` loop to a tolerance, its state carried: Newton's method for
        `z + 0.5 tanh(z) = target` (converged to rounding, whatever the trip count), or
        a contraction; on vectors too."""
        rng, s = self.rng, self.scalar
        name, step = self.fresh(), f"step{next(self.count)}"
        vector = self.vectors and (final == "array" or not final and rng.random() < 0.4)
        if vector:
            target = self.expression(self.names, 1) + " + x * 0.0"
            start = rng.choice(self.arrays + ["np.zeros(3)"])
            start = start if start.startswith("np.") else f"{start}.copy()"  # (`-=` below)
        else:
            target = s(self.floats, 1)
            start = rng.choice(self.floats + ["0.0", "1.0"])
        if final and self.required:
            target = f"{target} + 0.1 * ({' + '.join(self.required)})"
        t = "np.tanh" if vector else "math.tanh"
        small = (f"np.max(np.abs({step})) < 1e-12 * (1.0 + np.max(np.abs({name})))" if vector
                 else f"abs({step}) < 1e-12 * (1.0 + abs({name}))")
        shape = rng.randrange(3)
        if shape == 0 or shape == 1:  # Newton
            update = rng.choice([f"{name} -= {step}", f"{name} = {name} - {step}"])
            update = [f"{pad}    t = {t}({name})",
                      f"{pad}    {step} = ({name} + 0.5 * t - target) / "
                      "(1.0 + 0.5 * (1.0 - t * t))",
                      f"{pad}    {update}"]
        else:  # a contraction (by 0.5 at most): linear, to a tolerance near rounding
            update = [f"{pad}    new = 0.5 * {t}({name}) + target",
                      f"{pad}    {step} = new - {name}",
                      f"{pad}    {name} = new"]
        self.lines += [f"{pad}target = {target}", f"{pad}{name} = {start}"]
        if shape == 0:
            self.lines += [f"{pad}while True:"] + update + [f"{pad}    if {small}:",
                                                            f"{pad}        break"]
        else:
            self.lines += [f"{pad}{step} = 1.0", f"{pad}while not {small}:"] + update
        self._define(name, is_float=not vector)
        return name

    def _idiom(self, pad):
        """What people write that is more than arithmetic: a lambda given to `map` or
        `functools.reduce`, a `try` whose handler runs where `math.sqrt` is given a
        negative number, `with np.errstate(...)`, a helper that takes `*args`, a
        `functools.partial`, a dataclass made in the function and its method, an object
        whose `__init__` computes and whose method sets its attributes, a loop over
        objects of two classes with a method of the same name, `:=`, `match`, and
        `math.fsum` and `math.prod`."""
        rng, s, fl = self.rng, self.scalar, self.floats
        name = self.fresh()
        shape = rng.choice(["map", "reduce", "try", "with", "star", "partial", "record",
                            "state", "dispatch", "walrus", "match", "fsum"])
        self.kinds.add(f"idiom {shape}")
        items = ", ".join(rng.choice(fl) for _ in range(rng.randint(2, 3)))
        if shape == "map":
            self.lines.append(f"{pad}{name} = sum(map(lambda v: {s(['v'], 1)}, [{items}]))")
        elif shape == "reduce":
            self.lines.append(f"{pad}{name} = functools.reduce(lambda acc, v: acc * 0.5 + "
                              f"{s(['v'], 1)}, [{items}], {rng.choice(fl)})")
        elif shape == "try":
            self.lines += [f"{pad}try:",
                           f"{pad}    {name} = math.sqrt({rng.choice(fl)}) * 0.5 + {s(fl, 1)}",
                           f"{pad}except ValueError:",
                           f"{pad}    {name} = {s(fl, 1)} * 0.25"]
        elif shape == "with":
            self.lines += [f"{pad}with np.errstate(all=\"ignore\"):",
                           f"{pad}    {name} = {s(fl)}"]
        elif shape == "star":
            self.helper("spread", "def spread(*vs):\n    total = 0.0\n    for v in vs:\n"
                                  f"        total = total + {s(['v'], 1)}\n    return total")
            self.lines.append(f"{pad}{name} = spread({items})")
        elif shape == "partial":
            self.helper("half", f"def weighted(a, b, k):\n    return {s(['a', 'b', 'k'], 1)}\n\n\n"
                                "half = functools.partial(weighted, k=0.5)")
            self.lines.append(f"{pad}{name} = half({rng.choice(fl)}, {rng.choice(fl)})")
        elif shape == "walrus":
            self.lines += [f"{pad}if ({name} := {s(fl, 1)}) > {rng.choice(['0.0', '0.5'])}:",
                           f"{pad}    {name} = {name} * 0.5 + {s(fl, 1)}"]
        elif shape == "match":
            self.lines += [f"{pad}{name} = {rng.choice(fl)}",
                           f"{pad}for k in range({rng.randint(1, 4)}):",
                           f"{pad}    match k:",
                           f"{pad}        case 0:",
                           f"{pad}            {name} = {name} * 0.5 + {s(fl, 1)}",
                           f"{pad}        case 1 | 2:",
                           f"{pad}            {name} = {s([name] + fl, 1)}",
                           f"{pad}        case _:",
                           f"{pad}            {name} = {name} - 0.25"]
        elif shape == "fsum":
            self.lines.append(f"{pad}{name} = math.fsum(v * {rng.choice(fl)} for v in "
                              f"[{items}]) + math.prod([{items}])")
        elif shape == "state":
            self.helper("Accumulator", "class Accumulator:\n    def __init__(self, start):\n"
                                       "        self.total = start * 1.0\n"
                                       "        self.count = 0\n\n"
                                       "    def add(self, v):\n        self.count += 1\n"
                                       "        self.total = self.total * 0.5 + "
                                       f"{s(['v'], 1)}\n")
            self.lines += [f"{pad}{name}_acc = Accumulator({rng.choice(fl)})",
                           f"{pad}for k in range({rng.randint(1, 3)}):",
                           f"{pad}    {name}_acc.add({s(fl, 1)})",
                           f"{pad}{name} = {name}_acc.total / {name}_acc.count"]
        elif shape == "dispatch":
            self.helper("Scale", "class Scale:\n    def __init__(self, k):\n        self.k = k"
                                 "\n\n    def apply(self, v):\n"
                                 f"        return {s(['self.k', 'v'], 1)}\n")
            self.helper("Shift", "class Shift:\n    def __init__(self, k):\n        self.k = k"
                                 "\n\n    def apply(self, v):\n        return v + self.k\n")
            parts = ", ".join(f"{rng.choice(['Scale', 'Shift'])}({rng.choice(fl)})"
                              for _ in range(rng.randint(1, 3)))
            self.lines += [f"{pad}{name} = {rng.choice(fl)}",
                           f"{pad}for part in [{parts}]:",
                           f"{pad}    {name} = part.apply({name})"]
        else:
            if "import dataclasses" not in self.imports:
                self.imports.insert(0, "import dataclasses")
            self.helper("Pair", "@dataclasses.dataclass\nclass Pair:\n    a: float\n"
                                "    b: float = 0.5\n\n    def mix(self, t):\n"
                                f"        return {s(['self.a', 'self.b', 't'], 1)}")
            made = rng.choice([f"Pair({rng.choice(fl)}, {rng.choice(fl)})", f"Pair({rng.choice(fl)})"])
            self.lines += [f"{pad}{name}_pair = {made}",
                           f"{pad}{name} = {name}_pair.mix({rng.choice(fl)}) + {name}_pair.a"]
        self._define(name)

    def _callee(self, pad, refused=False):
        """A call of a callee: plain, `functools.lru_cache`d / `functools.cache`d
        (called with numbers), a `staticmethod`, one that returns what its loop
        carries, or (`refused`) one with a decorator of the user's own."""
        rng, fl = self.rng, self.floats
        name = self.fresh()
        shape = "refused" if refused else rng.choice(["plain", "cached", "static", "loop"])
        self.kinds.add(f"callee {shape}")
        arguments = f"{rng.choice(fl)}, {self.scalar(fl, 1)}"
        is_float = True
        if shape == "plain":
            self.helper("combine", f"def combine(a, b):\n    return {self.scalar(['a', 'b'])}")
            self.lines.append(f"{pad}{name} = combine({arguments})")
        elif shape == "cached":
            if "cached" not in self.helpers:
                decorator = rng.choice(["@functools.lru_cache(maxsize=None)",
                                        "@functools.cache", "@lru_cache(maxsize=None)",
                                        "@cache"])
                if not decorator.startswith("@functools"):
                    self.imports.append(f"from functools import {decorator[1:].split('(')[0]}")
                self.helper("cached", f"{decorator}\ndef cached(a, b):\n"
                                      f"    return {self.scalar(['a', 'b'])}")
            self.lines.append(f"{pad}{name} = cached({arguments})")
        elif shape == "static":
            body = (self.expression(["a", "b"]) if self.vectors
                    else self.scalar(["a", "b"]))
            self.helper("Ops", "class Ops:\n    @staticmethod\n    def blend(a, b):\n"
                               f"        return {body}")
            if self.vectors:
                arguments = f"{rng.choice(self.names)}, {rng.choice(self.names)}"
                is_float = None  # a number or a vector
            self.lines.append(f"{pad}{name} = Ops.blend({arguments})")
        elif shape == "loop":
            operator = rng.choice(["+=", "-="])
            self.helper("accumulate", "def accumulate(a, b):\n    total = 0.0\n"
                                      f"    for i in range({rng.randint(1, 4)}):\n"
                                      f"        total {operator} "
                                      f"{self.scalar(['a', 'b', 'i'])}\n    return total")
            self.lines.append(f"{pad}{name} = accumulate({arguments})")
        else:
            decorator_name, line, definition = rng.choice(REFUSED)
            self.refused = decorator_name
            self.helper(decorator_name, definition)
            self.helper("decorated", f"{line}\ndef decorated(a, b):\n"
                                     f"    return {self.scalar(['a', 'b'])}")
            # a parameter in both arguments: a call whose result needs no derivative
            # runs as written, decorator and all, and is rightly not refused
            parameter = fl[0]  # (`s`, or `a`: a parameter of `f`)
            arguments = f"{parameter}, {_fill('{0} * 0.5 + {1}', parameter, self.scalar(fl, 1))}"
            self.lines.append(f"{pad}{name} = decorated({arguments})")
            self.required.append(name)
        if is_float is None:
            self.names.append(name)
        else:
            self._define(name, is_float)

    def result(self):
        """The `return` line: an expression of what was computed, or the name a last
        loop carries (a number, or in the vector family sometimes a vector)."""
        rng, pad = self.rng, "    "
        required = "".join(f" + 0.1 * {r}" for r in self.required)
        shape = rng.random()
        if shape < 0.45:  # an expression
            if self.vectors:
                self.kinds.add("vector return expression")
                return f"{rng.choice(REDUCE).format(self.expression(self.names, 1))}{required}"
            self.kinds.add("float return expression")
            return f"{self.scalar(self.floats, 2)}{required}"
        if self.vectors and shape > 0.8:  # a vector the loop carries
            self.kinds.add("vector return loop-carried vector")
            name = self.fresh()
            form = rng.randrange(3)
            if form == 0:
                start = rng.choice(self.arrays)
                self.lines += [f"{pad}{name} = {start}",
                               f"{pad}for i in range({rng.randint(1, 3)}):",
                               f"{pad}    {name} = {name} * 0.5 + "
                               f"{self.expression(self.names + [name], 1)}{required}"]
            elif form == 1:
                self.lines += [f"{pad}{name} = {rng.choice(['0.0', '0'])}",
                               f"{pad}for i in range({rng.randint(1, 3)}):",
                               f"{pad}    {name} += np.tanh({rng.choice(self.arrays)} * "
                               f"{self.expression(self.names, 1)}) * 0.5{required}"]
            else:
                return self._tolerance(pad, final="array")
            return name
        self.kinds.add(f"{'vector' if self.vectors else 'float'} return loop-carried number")
        loop = rng.choice([self._accumulate, self._accumulate, self._count, self._tolerance])
        return loop(pad, final=True)

    def source(self):
        parts = ["\n".join(self.imports) + "\n\nimport numpy as np"]
        if self.refused:
            parts.append(f"EXPECTED_REFUSAL = {self.refused!r}  # s2s must refuse @{self.refused}")
        parts += list(self.helpers.values())
        return "\n\n\n".join(parts) + "\n\n\n"


def programs(rng, drawn=None):
    """The source of a random module defining `f(x, y, s)` or `f(a, b, c)` (and its
    helpers).  `drawn`, a set, receives the kinds of statement drawn."""
    writer = _Writer(rng, vectors=rng.random() < 0.6)
    refuse_at = rng.randint(1, 3) if rng.random() < 0.08 else None
    for n in range(1, rng.randint(1, 5) + 1):
        if n == refuse_at:
            writer.kinds.add("refused decorator")
            writer._callee("    ", refused=True)
        else:
            writer.statements(4)
    result = writer.result()
    if writer.vectors:
        writer.helper("helper", f"def helper(a, b):\n    return {writer.expression(['a', 'b'], 2)}")
        writer.helper("settle", "def settle(v, n):\n"
                                "    if n <= 0 or np.sum(v * v) > 50.0:\n"
                                "        return v\n"
                                "    return settle(np.tanh(v) + v * 0.5, n - 1)")
    if drawn is not None:
        drawn.update(writer.kinds)
    signature = "x, y, s" if writer.vectors else "a, b, c"
    return (writer.source() + f"def f({signature}):\n" + "\n".join(writer.lines)
            + f"\n    return {result}\n")


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


def _same(got, expected):
    """Bit for bit: the same shape and the same numbers (a float and a 0-d array
    holding it are the same)."""
    return numpy.shape(got) == numpy.shape(expected) and bool(numpy.array_equal(got, expected))


def _draw(nrng, name, normal=False):
    """A random value for the parameter `name`: a vector of 3 for `x` and `y`, else a
    Python float."""
    if name in VECTORS:
        return nrng.normal(size=3) if normal else nrng.uniform(-1.5, 1.5, 3)
    return float(nrng.normal() if normal else nrng.uniform(-1.5, 1.5))


def check(f, rng, rtol=1e-4, atol=1e-6):
    """"ok", "skipped" (near a kink, or not finite), or a string saying what failed.

    `f`'s parameters named `x` and `y` get vectors of 3, any other a float.  A vector
    result is checked as a vector-Jacobian product with a random `d_result`.  Where
    `f`'s module says `EXPECTED_REFUSAL = "name"`, s2s must refuse it instead, with
    `s2s.Unsupported` located and naming that decorator."""
    import s2s

    nrng = numpy.random.default_rng(rng.randrange(2**32))
    params = list(inspect.signature(f).parameters)
    args = [_draw(nrng, p) for p in params]
    wrt = tuple(range(len(params)))
    refused = getattr(f, "__globals__", {}).get("EXPECTED_REFUSAL")
    if refused:
        return _check_refused(f, args, wrt, refused)
    with numpy.errstate(all="ignore"):
        value = f(*args)
        if not numpy.all(numpy.isfinite(value)):
            return "skipped"
        seed = nrng.normal(size=numpy.shape(value)) if numpy.ndim(value) else None
        scalar = f if seed is None else (lambda *a: numpy.sum(seed * f(*a)))
        expected = [finite_differences(scalar, args, i, 1e-6) for i in wrt]
        coarse = [finite_differences(scalar, args, i, 1e-4) for i in wrt]
    if not all(numpy.allclose(a, b, rtol=1e-3, atol=1e-5) for a, b in zip(expected, coarse)):
        return "skipped"  # finite differences disagree with themselves: a kink
    seeded = {} if seed is None else {"d_result": seed}
    got, grads = s2s.value_and_grad(f, wrt=wrt)(*args, **seeded)
    if not _same(got, value):
        return f"value (reverse mode): {got!r}, the function returns {value!r}"
    for i, (g, e) in enumerate(zip(grads, expected)):
        if not numpy.allclose(g, e, rtol=rtol, atol=atol):
            return f"gradient in argument {i}: {g!r}, finite differences {e!r}"
    vs = [_draw(nrng, p, normal=True) for p in params]
    got, tangent = s2s.jvp(f, wrt=wrt)(*args, *vs)
    if not _same(got, value):
        return f"value (forward mode): {got!r}, the function returns {value!r}"
    along = sum(float(numpy.sum(g * v)) for g, v in zip(grads, vs))
    seeded_tangent = tangent if seed is None else numpy.sum(seed * tangent)
    if not numpy.isclose(seeded_tangent, along, rtol=1e-7, atol=1e-9):
        return f"forward mode: {seeded_tangent!r}, reverse mode {along!r}"
    eps = 1e-6
    plus, minus = moved_along(args, wrt, vs, eps)
    with numpy.errstate(all="ignore"):
        directional = (f(*plus) - f(*minus)) / (2 * eps)
    if not numpy.allclose(tangent, directional, rtol=rtol, atol=atol):
        return f"forward mode: {tangent!r}, finite differences {directional!r}"
    checkpointed = _checkpointed_gradient(f, wrt)
    if checkpointed is not None:
        got, checkpointed_grads = checkpointed(*args, **seeded)
        if not _same(got, value):
            return f"value (checkpointed gradient): {got!r}, the function returns {value!r}"
        for i, (c, g) in enumerate(zip(checkpointed_grads, grads)):
            if not numpy.array_equal(c, g):
                return f"checkpointed gradient in argument {i}: {c!r}, without {g!r}"
    if seed is not None:
        return "ok"  # (Hessian-vector products are of functions with a number as result)
    products = s2s.hvp(f, wrt=wrt)(*args, tuple(vs))
    for i, (h, g) in enumerate(zip(_hvp_module_value(f, params, args, vs), grads)):
        if not _same(h, g):
            return (f"value (Hessian-vector-product module) in argument {i}: {h!r}, "
                    f"value_and_grad's gradient {g!r}")
    grad = s2s.grad(f, wrt=wrt)
    for i, (h, p, m) in enumerate(zip(products, grad(*plus), grad(*minus))):
        if not numpy.allclose(h, (numpy.asarray(p) - m) / (2 * eps), rtol=1e-3, atol=1e-5):
            return f"Hessian-vector product in argument {i}: {h!r}"
    return "ok"


def _hvp_module_value(f, names, args, vs):
    """The value the module `s2s.hvp(f)` runs (forward mode over the generated gradient)
    returns: the gradient, a tuple of one per name of `names`.  (It is the very module
    `s2s.hvp` compiled, taken from its cache.)"""
    from . import api

    names = tuple(names)
    forward_over_grad = api._compile(api._generated_function(f, names, "grad"), names,
                                     "forward")[1]
    value, _ = forward_over_grad(*args, **dict(zip(forward_over_grad.s2s_generated.tangents,
                                                   vs)))
    return value if len(names) > 1 else (value,)


def _check_refused(f, args, wrt, decorator):
    """"ok" where s2s refuses `f` (its callee has the user's `@decorator`) in reverse
    and in forward mode, with `s2s.Unsupported` located and naming it; else what it
    did instead."""
    import s2s

    for mode, run in (("reverse mode", s2s.value_and_grad(f, wrt=wrt)),
                      ("forward mode", s2s.jvp(f, wrt=wrt))):
        try:
            extra = [] if mode == "reverse mode" else [0.0 * numpy.asarray(a) for a in args]
            result = run(*args, *extra)
        except s2s.Unsupported as exc:
            problems = [problem for problem, found in (
                ("not located", exc.lineno is not None),
                (f"not naming @{decorator}", decorator in exc.message)) if not found]
            if problems:
                return f"refusal ({mode}): Unsupported {exc}, {' and '.join(problems)}"
            continue
        return (f"refusal ({mode}): a result {result!r} where s2s must refuse the "
                f"decorator @{decorator} (the function returns {f(*args)!r})")
    return "ok"


def _checkpointed_gradient(f, wrt):
    """`value_and_grad` of `f` with every loop checkpointed (`--checkpoint`), or None
    where s2s refuses to checkpoint one of its loops."""
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


def _what(outcome):
    """The kind of a failure, to count them by: its words before the first colon."""
    return outcome.split(":")[0].split(" in argument")[0]


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m s2s.fuzz", description=__doc__.split(
        "\n\n")[0])
    parser.add_argument("--count", type=int, default=1000, help="programs to check")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--keep", metavar="DIR", help="write failing programs here")
    args = parser.parse_args(argv)
    rng = random_module.Random(args.seed)
    counts = {"ok": 0, "skipped": 0, "failed": 0}
    failures = collections.Counter()
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
            failures[_what(outcome)] += 1
            print(f"program {n} failed: {outcome}\n{source}", file=sys.stderr)
            if args.keep:
                os.makedirs(args.keep, exist_ok=True)
                with open(os.path.join(args.keep, f"failed_{n}.py"), "w") as out:
                    comment = "\n".join(f"# {line}" for line in outcome.splitlines())
                    out.write(f"{comment}\n{source}")
    seconds = time.perf_counter() - start
    print(f"{args.count} programs in {seconds:.0f} s: {counts['ok']} checked, "
          f"{counts['skipped']} skipped (near a kink), {counts['failed']} failed")
    for what, number in failures.most_common():
        print(f"  {number} failed: {what}")
    return 1 if counts["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
