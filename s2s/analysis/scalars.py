"""Scalars: which names surely hold a single number (shape `()`), so derivative rules
can skip undoing broadcasting against them.

In: a function in the core language.  Out: the set of such names.

A name is a scalar when every assignment to it is: a number; a scalar name; `+ - *
/ ** %` or unary minus of scalars and numbers; a `math` function's result, or a NumPy
ufunc's or reduction's of scalars (`np.sin(x)`, `np.sum(x)`); `len(...)`, `int(...)`,
`float(...)`; an item `xs[i]` (`i` a scalar) of a list of numbers, or an item
`c[i, j]` (as many integer indices as `c` has axes) of an array made with a shape
(`c = np.zeros((n, m))`, `np.ones`, `np.empty`, `np.full`, or a copy of one); or it is a
parameter annotated `float`/`int`, or a `range` loop's counter.  Loop-carried
names make the facts circular, so this is the greatest set consistent with every
assignment (assume scalar, remove what contradicts it).

A list of numbers (`Scalars.lists`) is a parameter annotated `list[float]` (or
`list[int]`), or a name every assignment of which makes one (`[]`, `[0.0] * n`,
`[a, b]` of scalars, a copy of one) and that is used only to read items `xs[i]`, to
write scalars into them or append scalars, to take its length, and to copy it.

A call of a function of the user's that is given numbers is a number, or a tuple of
numbers, where that function computes its results from its parameters as a number
would be (`return v, -k * x + math.cos(t)`: `returns_numbers`), as the right-hand
sides of ODE integrators are.
"""

import functools
import inspect
import math
import textwrap

import gast
import numpy

from .. import runtime
from ..callees import is_user_function, undecorated
from ..resolve import meaning
from ..syntax import appended, parameter_names, statements, walk

SCALAR_ANNOTATIONS = {"float", "int"}
SCALAR_FUNCTIONS = {len, int, float, abs, round, min, max}
# NumPy functions that, given one number, give a number
REDUCTIONS = {numpy.sum, numpy.mean, numpy.prod, numpy.max, numpy.min, numpy.amax,
              numpy.amin, numpy.real, numpy.squeeze}


# functions that make a float array from its shape alone (and `numpy.full`, from a number)
SHAPED_ARRAYS = {numpy.zeros, numpy.ones, numpy.empty}


class _Containers(frozenset):
    """The names of lists of numbers; `ranks`: name -> the number of axes of the array
    it holds wherever it is bound; `integers`: the names that index those arrays."""

    def __new__(cls, lists, ranks, integers):
        containers = super().__new__(cls, lists)
        containers.ranks, containers.integers = ranks, integers
        return containers


class Scalars(frozenset):
    """The scalar names; `lists`: the names that hold lists of numbers."""

    def __new__(cls, names, lists=frozenset()):
        scalars = super().__new__(cls, names)
        scalars.lists = frozenset(lists)
        return scalars


def _assignments(stmts):
    out = {}
    for stmt, _ in statements(stmts):
        if getattr(stmt, "s2s_placeholder", False):
            continue  # `x = None` where only some paths bind `x`: never read as None
        if isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name):
            out.setdefault(stmt.targets[0].id, []).append(stmt.value)
        elif isinstance(stmt, gast.For):
            out.setdefault(stmt.target.id, []).append("range counter")
    return out


def scalar_names(fn, operations):
    declared, declared_lists = set(), set()
    for arg in fn.args.posonlyargs + fn.args.args + fn.args.kwonlyargs:
        annotation = arg.annotation
        if isinstance(annotation, gast.Name) and annotation.id in SCALAR_ANNOTATIONS:
            declared.add(arg.id)
        elif (isinstance(annotation, gast.Subscript) and isinstance(annotation.value, gast.Name)
              and annotation.value.id == "list" and isinstance(annotation.slice, gast.Name)
              and annotation.slice.id in SCALAR_ANNOTATIONS):
            declared_lists.add(arg.id)
    assignments = _assignments(fn.body)
    scalars = declared | set(assignments)
    parameters = set(parameter_names(fn))
    lists = declared_lists | {name for name, values in assignments.items()
                              if name not in parameters and all(_makes_list(v) for v in values)}
    lists -= _used_otherwise(fn, operations)
    integers = _integers(assignments)
    reshaped = {n.value.id for n in walk(fn) if isinstance(n, gast.Attribute)
                and isinstance(n.ctx, gast.Store) and isinstance(n.value, gast.Name)}
    changed = True
    while changed:
        changed = False
        known = _Containers(lists, _ranks(assignments, scalars, operations, integers,
                                          parameters | reshaped), integers)
        for name in list(scalars - declared):
            if name in parameters or not all(
                _is_scalar(v, scalars, operations, known) for v in assignments[name]
            ):
                scalars.discard(name)
                changed = True
        for name in list(lists - declared_lists):
            if not all(_is_list_of_numbers(v, scalars, operations, known)
                       for v in assignments[name]):
                lists.discard(name)
                changed = True
        for name, value in _written_items(fn):
            if name in lists and not _is_scalar(value, scalars, operations, known):
                lists.discard(name)
                changed = True
    # (a list written into under another name, `zs = ys; zs[0] = ...`, is refused
    # before this: analysis/writes.py)
    return Scalars(scalars, lists)


def _integers(assignments):
    """Names that hold an integer wherever they are bound: loop counters, integer
    literals, `len(...)`, and `+ - * // %` of them (`t2 = i - 1`).  Only they count as
    an array's index here (a NumPy boolean, `np.greater(a, b)`, indexes as a mask)."""
    def integer(value, names):
        if value == "range counter":
            return True
        if isinstance(value, gast.Constant):
            return type(value.value) is int
        if isinstance(value, gast.Name):
            return value.id in names
        if isinstance(value, gast.BinOp) and isinstance(
                value.op, (gast.Add, gast.Sub, gast.Mult, gast.FloorDiv, gast.Mod)):
            return integer(value.left, names) and integer(value.right, names)
        if isinstance(value, gast.UnaryOp) and isinstance(value.op, gast.USub):
            return integer(value.operand, names)
        return (isinstance(value, gast.Call) and isinstance(value.func, gast.Name)
                and value.func.id == "len" and len(value.args) == 1)

    names = set(assignments)
    changed = True
    while changed:
        changed = False
        for name in list(names):
            if not all(integer(v, names) for v in assignments[name]):
                names.discard(name)
                changed = True
    return names


def _ranks(assignments, scalars, operations, integers, excluded):
    """{name: its array's number of axes}, for names (not in `excluded`) every
    assignment of which makes a float array from a shape of integers (`np.zeros(n)`: 1,
    `np.full((n, m), 0.5)`: 2) or copies such a name's (`y = x`, `y = x.copy()`)."""
    def rank(value, ranks):
        if isinstance(value, gast.Name):
            return ranks.get(value.id)
        if not isinstance(value, gast.Call):
            return None
        if (isinstance(value.func, gast.Attribute) and value.func.attr == "copy"
                and isinstance(value.func.value, gast.Name) and not value.args
                and not value.keywords):
            return ranks.get(value.func.value.id)
        function = operations.resolve(value.func)
        if value.keywords or not value.args or not (
                function in SHAPED_ARRAYS and len(value.args) == 1
                or function is numpy.full and len(value.args) == 2
                and _is_scalar(value.args[1], scalars, operations)):
            return None  # (a `dtype` may be `object`: its items may be anything)
        shape = value.args[0]
        sizes = shape.elts if isinstance(shape, gast.Tuple) else [shape]
        if not all(_is_scalar_index(size, integers) for size in sizes):
            return None
        return len(sizes)

    candidates = [name for name in assignments if name not in excluded]
    ranks = {}
    for _ in range(len(candidates) + 1):  # (to a fixed point: `y = x.copy()` after `x`)
        found = {name: {rank(v, ranks) for v in assignments[name]} for name in candidates}
        found = {name: r.pop() for name, r in found.items() if len(r) == 1 and None not in r}
        if found == ranks:
            break
        ranks = found
    return ranks


def _makes_list(value):
    return isinstance(value, (gast.List, gast.BinOp, gast.Call, gast.Name))


def _is_list_of_numbers(value, scalars, operations, lists):
    """`[]`, `[a, b]` of scalars, `[0.0] * n` (either way round), a copy of a list of
    numbers (`list(xs)`, `indexable(xs)`, `xs`)."""
    if isinstance(value, gast.List):
        return all(_is_scalar(e, scalars, operations, lists) for e in value.elts)
    if isinstance(value, gast.BinOp) and isinstance(value.op, gast.Mult):
        items, count = ((value.left, value.right) if isinstance(value.left, (gast.List, gast.Name))
                        and not _is_scalar(value.left, scalars, operations, lists)
                        else (value.right, value.left))
        return (_is_list_of_numbers(items, scalars, operations, lists)
                and _is_scalar(count, scalars, operations, lists))
    if isinstance(value, gast.Name):
        return value.id in lists
    if isinstance(value, gast.Call) and _user_call_returns(value, scalars, operations,
                                                          lists) == "tuple":
        return True
    if isinstance(value, gast.Call) and len(value.args) == 1 and not value.keywords:
        function = operations.resolve(value.func)
        return (function in (list, runtime.indexable) and isinstance(value.args[0], gast.Name)
                and value.args[0].id in lists)
    return False


def _written_items(fn):
    """(list, value) of each `xs[i] = value` and `xs.append(value)`."""
    for stmt, _ in statements(fn.body):
        if (isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Subscript)
                and isinstance(stmt.targets[0].value, gast.Name)):
            yield stmt.targets[0].value.id, stmt.value
        elif appended(stmt):
            yield appended(stmt)


def _used_otherwise(fn, operations):
    """Names used other than as a list of numbers may be: an item read or written
    (`xs[i]`, no slice), appended to, its length taken, copied (as a whole value
    assigned, `list(xs)`, `indexable(xs)`) or repeated (`[0.0] * n`)."""
    allowed = set()
    for node in walk(fn):
        if isinstance(node, gast.Subscript) and isinstance(node.value, gast.Name) and not any(
                isinstance(n, gast.Slice) for n in walk(node.slice)):
            allowed.add(id(node.value))
        elif isinstance(node, gast.Assign) and isinstance(node.value, gast.Name):
            allowed.add(id(node.value))
        elif isinstance(node, gast.Assign) and isinstance(node.value, gast.BinOp) \
                and isinstance(node.value.op, gast.Mult):
            allowed |= {id(node.value.left), id(node.value.right)}
        elif isinstance(node, gast.Call) and len(node.args) == 1 and isinstance(
                node.args[0], gast.Name) and operations.resolve(node.func) in (
                len, list, sum, min, max, runtime.indexable):
            allowed.add(id(node.args[0]))
        elif isinstance(node, gast.Expr) and appended(node):
            allowed.add(id(node.value.func.value))
    return {node.id for node in walk(fn) if isinstance(node, gast.Name)
            and id(node) not in allowed and isinstance(node.ctx, gast.Load)}


def _is_scalar(value, scalars, operations, lists=frozenset()):
    if value == "range counter":
        return True
    if (isinstance(value, gast.Subscript) and isinstance(value.value, gast.Name)
            and value.value.id in lists and _is_scalar_index(value.slice, scalars)):
        return True
    if isinstance(value, gast.Subscript) and isinstance(value.value, gast.Name):
        rank = getattr(lists, "ranks", {}).get(value.value.id)
        index = value.slice.elts if isinstance(value.slice, gast.Tuple) else [value.slice]
        return rank == len(index) and all(
            _is_scalar_index(i, getattr(lists, "integers", ())) for i in index)
    if isinstance(value, gast.Constant):
        return type(value.value) in (int, float)
    if isinstance(value, gast.Name):
        return value.id in scalars
    if isinstance(value, gast.BinOp) and not isinstance(value.op, gast.MatMult):
        return all(_is_scalar(v, scalars, operations, lists) for v in (value.left, value.right))
    if isinstance(value, gast.UnaryOp) and isinstance(value.op, (gast.USub, gast.UAdd)):
        return _is_scalar(value.operand, scalars, operations, lists)
    if isinstance(value, gast.Call):
        function = operations.resolve(value.func)
        if getattr(function, "__module__", None) == "math" or function is getattr(math, "pow"):
            return True
        if (isinstance(function, numpy.ufunc) and function.nout == 1 and not value.keywords
                and len(value.args) == function.nin
                and all(_is_scalar(a, scalars, operations, lists) for a in value.args)):
            return True  # (`np.sin(x)` of a number: a NumPy number)
        if (function in REDUCTIONS and len(value.args) == 1 and not value.keywords
                and _is_scalar(value.args[0], scalars, operations, lists)):
            return True
        if _user_call_returns(value, scalars, operations, lists) == "number":
            return True
        if function in SCALAR_FUNCTIONS:
            return function in (len, int, float) or all(
                _is_scalar(a, scalars, operations, lists) for a in value.args
            )
    return False


def _is_scalar_index(index, scalars):
    if isinstance(index, gast.UnaryOp) and isinstance(index.op, gast.USub):
        index = index.operand
    return (isinstance(index, gast.Constant) and type(index.value) is int) or (
        isinstance(index, gast.Name) and index.id in scalars)


def _user_call_returns(call, scalars, operations, lists):
    """What a call of a function of the user's gives when every argument is a number
    ("number", "tuple" of numbers: `returns_numbers`), else None."""
    arguments = list(call.args) + [k.value for k in call.keywords]
    if any(isinstance(a, gast.Starred) for a in call.args) or not all(
            _is_scalar(a, scalars, operations, lists) for a in arguments):
        return None
    function = operations.resolve(call.func)
    if function is None or not is_user_function(function):
        return None
    try:
        return returns_numbers(undecorated(function))
    except TypeError:  # (unhashable: not a plain function)
        return None


@functools.lru_cache(maxsize=256)
def returns_numbers(function):
    """"number" or "tuple" where `function`, given numbers, returns a number or a tuple
    of numbers: its body is a docstring, assignments to names and returns, of
    arithmetic on numbers, its parameters and those names, and `math` functions (or
    NumPy ufuncs) of them; else None."""
    try:
        tree = gast.parse(textwrap.dedent(inspect.getsource(function)))
    except (OSError, TypeError, SyntaxError):
        return None
    fn = tree.body[0] if tree.body and isinstance(tree.body[0], gast.FunctionDef) else None
    if fn is None or fn.args.vararg or fn.args.kwarg:
        return None
    # (a parameter whose default is not a number may hold something else, where a
    # call leaves it out)
    positional = fn.args.posonlyargs + fn.args.args
    defaults = dict(zip([a.id for a in positional][len(positional) - len(fn.args.defaults):],
                        fn.args.defaults))
    defaults.update({a.id: d for a, d in zip(fn.args.kwonlyargs, fn.args.kw_defaults) if d})
    known = {a.id for a in positional + fn.args.kwonlyargs
             if a.id not in defaults or _number_expression(defaults[a.id], set(), {})}
    namespace = getattr(function, "__globals__", {})
    kinds = set()
    for stmt in fn.body:
        if isinstance(stmt, gast.Expr) and isinstance(stmt.value, gast.Constant):
            continue  # a docstring
        if (isinstance(stmt, gast.Assign) and len(stmt.targets) == 1
                and isinstance(stmt.targets[0], gast.Name)
                and _number_expression(stmt.value, known, namespace)):
            known.add(stmt.targets[0].id)
        elif isinstance(stmt, gast.Return) and stmt.value is not None:
            value = stmt.value
            if isinstance(value, gast.Tuple) and all(
                    _number_expression(e, known, namespace) for e in value.elts):
                kinds.add("tuple")
            elif _number_expression(value, known, namespace):
                kinds.add("number")
            else:
                return None
        else:
            return None
    return kinds.pop() if len(kinds) == 1 else None


def _number_expression(node, known, namespace):
    if isinstance(node, gast.Constant):
        return type(node.value) in (int, float)
    if isinstance(node, gast.Name):
        return node.id in known
    if isinstance(node, gast.BinOp) and not isinstance(node.op, gast.MatMult):
        return (_number_expression(node.left, known, namespace)
                and _number_expression(node.right, known, namespace))
    if isinstance(node, gast.UnaryOp) and isinstance(node.op, (gast.USub, gast.UAdd)):
        return _number_expression(node.operand, known, namespace)
    if isinstance(node, gast.Call) and not node.keywords:
        function = meaning(node.func, namespace)
        numeric = getattr(function, "__module__", None) == "math" or (
            isinstance(function, numpy.ufunc) and function.nout == 1)
        return numeric and all(_number_expression(a, known, namespace) for a in node.args)
    return False
