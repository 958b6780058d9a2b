"""Numbers: which parameters a version of the derivative made for numbers takes as
numbers, where their annotations do not say.

In: a function as parsed (before normalization).  Out: its unannotated parameters
that may hold numbers, or lists of numbers, and that its loops compute with, in
order, each with the annotation it gets: none where such a version would not pay.

A gradient of code that does not say its parameters are numbers undoes broadcasting
against each operand (`unbroadcast`, and `shape_of` on the tape): in a loop on
numbers that is most of its time (7-11x a hand-written gradient of the unannotated
pendulum).  The compiler then also makes the derivative as if these parameters were
annotated `float`, and the general one runs it where they hold numbers
(`are_numbers`).  It pays only where loops compute with them; and a parameter that
the function indexes, takes an attribute or the length of, iterates over, or
multiplies as a matrix (itself, or a value it flows into by arithmetic: `s = x` and
`s @ w`) is an array (or an object), whatever its value.

A parameter used only as a list is (`xs[i]`, with no slice, read or written, `len(xs)`,
`list(xs)`, `for x in xs`): the version takes it as `list[float]`, whose items are
numbers (analysis/scalars.py), as N-body codes hold positions.
"""

import numbers

import gast

from ..syntax import walk


def number_parameters(fn):
    """{parameter: "float", or "int" where its default is an int} for the unannotated
    parameters of `fn` (a `FunctionDef`) that may hold numbers and that the
    arithmetic of its loops reads, in order."""
    if not any(isinstance(node, (gast.For, gast.While)) for node in walk(fn)):
        return {}
    args = fn.args
    positional = args.posonlyargs + args.args
    defaults = dict(zip([a.id for a in positional][len(positional) - len(args.defaults):],
                        args.defaults))
    defaults.update({a.id: d for a, d in zip(args.kwonlyargs, args.kw_defaults) if d})
    candidates = [
        a.id for a in positional + args.kwonlyargs
        if a.annotation is None and (a.id not in defaults or _is_number(defaults[a.id]))
    ]
    flows = _arithmetic_flows(fn)
    arrays = _used_as_arrays(fn)
    in_loops = _read_in_loop_arithmetic(fn)
    lists = _used_as_lists(fn)
    # (a version pays only where the loops' arithmetic reads what they hold; one that
    # takes the others as numbers too would serve fewer calls)
    kinds = {}
    for name in candidates:
        if not _reach(name, flows) & in_loops:
            continue
        if not _reach(name, flows) & arrays:
            kinds[name] = _kind(defaults.get(name))
        elif name in lists and name not in defaults:
            kinds[name] = "list[float]"
    return kinds


def _kind(default):
    if isinstance(default, gast.UnaryOp):
        default = default.operand
    if isinstance(default, gast.Constant) and type(default.value) is int:
        return "int"
    return "float"


def _is_number(node):
    if isinstance(node, gast.UnaryOp) and isinstance(node.op, (gast.USub, gast.UAdd)):
        node = node.operand
    return (isinstance(node, gast.Constant) and isinstance(node.value, numbers.Real)
            and not isinstance(node.value, bool))


def _used_as_arrays(fn):
    """The names `fn` indexes, takes an attribute or the length of, iterates over,
    unpacks or multiplies as matrices.  (A parameter it reassigns may still be a
    number: versions tell its values apart, as for an annotated one.)"""
    found = set()
    for node in walk(fn):
        if isinstance(node, (gast.Subscript, gast.Attribute, gast.Starred)):
            found |= _name(node.value)
        elif isinstance(node, gast.For):
            found |= _name(node.iter)
        elif isinstance(node, gast.BinOp) and isinstance(node.op, gast.MatMult):
            found |= _name(node.left) | _name(node.right)
        elif (isinstance(node, gast.Call) and isinstance(node.func, gast.Name)
                and node.func.id == "len" and node.args):
            found |= _name(node.args[0])
    return found


def _used_as_lists(fn):
    """The names `fn` uses only as lists may be used: items read or written with an
    index that is no slice, `len(xs)`, `list(xs)`, `sum(xs)`, iterated over (`for x in
    xs`)."""
    allowed = set()
    for node in walk(fn):
        if isinstance(node, gast.Subscript) and isinstance(node.value, gast.Name) and not any(
                isinstance(n, gast.Slice) for n in walk(node.slice)):
            allowed.add(id(node.value))
        elif isinstance(node, gast.For) and isinstance(node.iter, gast.Name):
            allowed.add(id(node.iter))
        elif (isinstance(node, gast.Call) and isinstance(node.func, gast.Name)
                and node.func.id in ("len", "list", "sum", "min", "max") and len(node.args) == 1):
            allowed |= {id(node.args[0])}
    names = {n.id for n in walk(fn) if isinstance(n, gast.Name)}
    used_otherwise = {n.id for n in walk(fn) if isinstance(n, gast.Name)
                      and isinstance(n.ctx, gast.Load) and id(n) not in allowed}
    return names - used_otherwise


def _arithmetic_flows(fn):
    """{name: the names assigned arithmetic of it} (`s = x`, `y = 2.0 * x + c`): a
    number stays a number through them, so what they are used as, it is used as; and
    likewise the copies of a list (`ys = list(xs)`)."""
    flows = {}
    for node in walk(fn):
        if (isinstance(node, gast.Assign) and isinstance(node.value, gast.Call)
                and isinstance(node.value.func, gast.Name) and node.value.func.id == "list"
                and len(node.value.args) == 1 and isinstance(node.value.args[0], gast.Name)):
            targets = {n.id for t in node.targets for n in walk(t) if isinstance(n, gast.Name)}
            flows.setdefault(node.value.args[0].id, set()).update(targets)
        elif (isinstance(node, gast.Assign) and isinstance(node.targets[0], gast.Tuple)
              and isinstance(node.value, gast.Tuple)
              and len(node.targets[0].elts) == len(node.value.elts)):  # `x, v = x0, 0.0`
            for target, value in zip(node.targets[0].elts, node.value.elts):
                if isinstance(target, gast.Name) and _is_arithmetic(value):
                    for read in walk(value):
                        if isinstance(read, gast.Name):
                            flows.setdefault(read.id, set()).add(target.id)
        elif isinstance(node, gast.Assign) and _is_arithmetic(node.value):
            targets = {n.id for t in node.targets for n in walk(t) if isinstance(n, gast.Name)}
            for read in walk(node.value):
                if isinstance(read, gast.Name):
                    flows.setdefault(read.id, set()).update(targets)
        elif isinstance(node, gast.AugAssign) and isinstance(node.target, gast.Name):
            for read in walk(node.value):
                if isinstance(read, gast.Name):
                    flows.setdefault(read.id, set()).add(node.target.id)
    return flows


def _is_arithmetic(node):
    return all(isinstance(n, (gast.Name, gast.Constant, gast.BinOp, gast.UnaryOp, gast.Load,
                              gast.operator, gast.unaryop)) for n in walk(node))


def _reach(name, flows):
    """`name` and every name its value flows into by arithmetic."""
    seen, todo = {name}, [name]
    while todo:
        for nxt in flows.get(todo.pop(), ()):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def _read_in_loop_arithmetic(fn):
    """The names that arithmetic inside loops reads, and the arguments of calls there
    (a function called in the loop computes with them: an ODE's right-hand side)."""
    found = set()
    for loop in walk(fn):
        if isinstance(loop, (gast.For, gast.While)):
            for node in walk(loop):
                if isinstance(node, (gast.BinOp, gast.AugAssign)):
                    found |= {n.id for n in walk(node) if isinstance(n, gast.Name)}
                elif isinstance(node, gast.Call) and not (
                        isinstance(node.func, gast.Name) and node.func.id == "range"):
                    found |= {n.id for a in node.args + [k.value for k in node.keywords]
                              for n in walk(a) if isinstance(n, gast.Name)}
    return found


def _name(node):
    return {node.id} if isinstance(node, gast.Name) else set()
