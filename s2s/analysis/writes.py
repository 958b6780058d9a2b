"""Writes: check that every change the function makes to a value in place is one the
reverse pass can undo, into a value the function made itself.

In: a function as written (`check_in_place_calls`), then in the core language
(`check_writes`).  Out: nothing, or an error at the offending statement.

Two kinds of in-place change are differentiated: `y[index] = v` and `xs.append(v)`.
The generated code makes them as the user's code does; this is what makes that
safe: the caller's arrays and lists are never changed, and no other variable (or
view) sees the change, so undoing it in the adjoint sweep is exact.  Every other
in-place change (`xs.sort()`, `np.copyto(y, x)`, `out=`) is an error, because the
adjoint sweep could not see the values as they were.
"""

import types
from collections.abc import Hashable

import gast
import numpy

from .. import runtime
from ..errors import Unsupported, error_at
from ..syntax import appended, dotted, parameter_names, popped, statements, walk

# NumPy functions and array methods that return a new array, never a view
NEW_ARRAYS = {
    numpy.zeros, numpy.zeros_like, numpy.ones, numpy.ones_like, numpy.empty,
    numpy.empty_like, numpy.full, numpy.full_like, numpy.array, numpy.copy,
    numpy.eye, numpy.identity, numpy.arange, numpy.linspace, numpy.concatenate,
    numpy.stack, numpy.ndarray.copy, numpy.ndarray.astype, list, dict,
}  # (and the runtime's helpers marked `returns_new_array`, in generated gradients)
# methods that change their list, dict or array in place
IN_PLACE_METHODS = {
    "append", "extend", "insert", "pop", "remove", "clear", "sort", "reverse",
    "update", "popitem", "setdefault", "fill", "put", "itemset", "resize",
    "partition", "setfield", "setflags", "shuffle",
}
# functions that write into an argument (and numpy.nan_to_num with copy=False)
IN_PLACE_FUNCTIONS = {
    numpy.copyto, numpy.put, numpy.place, numpy.putmask, numpy.fill_diagonal,
    numpy.put_along_axis, numpy.random.shuffle, setattr, delattr,
}


def check_writes(fn, operations, source, shared_lists=False, sharing=True):
    """(`shared_lists`: appending to a list parameter, and popping from it, is fine:
    in forward mode the caller passes the list's tangent too, which changes alike; in
    a function s2s differentiates where another calls it, the caller passes the list's
    adjoint, which its adjoint function changes alike.  `sharing=False`: do not check
    that what is written into shares memory with nothing else, for generated code,
    whose adjoints share only with values it no longer reads.)"""
    stmts = [stmt for stmt, _ in statements(fn.body)]
    written = {}
    for s in stmts:
        if isinstance(s, gast.Assign) and isinstance(s.targets[0], gast.Subscript):
            written.setdefault(s.targets[0].value.id, s)
        elif appended(s):
            written.setdefault(appended(s)[0], s)
        elif popped(s):
            written.setdefault(popped(s), s)
    if not written:
        return
    parameters = set(parameter_names(fn))
    for name, write in written.items():
        if name in parameters and not (shared_lists and (appended(write) or popped(write))):
            raise error_at(
                write, f"{_verbs(write)[0]} parameter {name!r} would change the caller's "
                f"value; {_verbs(write)[1]} a copy ({name} = {name}.copy())", source, Unsupported,
            )
    if not sharing:
        return
    assignments = [s for s in stmts
                   if isinstance(s, gast.Assign) and isinstance(s.targets[0], gast.Name)]
    owned = _owned(assignments, operations, parameters)
    lists = {appended(s)[0] for s in stmts if appended(s)} | {popped(s) for s in stmts
                                                               if popped(s)}
    for stmt in assignments:
        # (a name made from a changed one, `z = y`, is checked where it is read:
        # analysis/aliases.py; `y_1 = y` between versions of a `y` the function made
        # is fine: `y` is not read after it)
        target, value = stmt.targets[0].id, stmt.value
        if target in lists and _whole_slice(value):
            continue  # `ys = xs[:]`, appended to: a list, so a copy (an array's is a view)
        if target in written and not _makes_new_array(value, operations) and not (
            getattr(stmt, "s2s_version_copy", False) and value.id in owned
        ) and not _passes_owned(value, operations, owned):
            fix = f"{target} = {value.id}.copy()" if isinstance(value, gast.Name) else (
                f"{target} = (...).copy()"
            )
            doing, do = _verbs(written[target])
            raise error_at(
                written[target], f"{doing} {target!r}, which may share memory with another "
                f"value; {do} a copy ({fix})", source, Unsupported,
            )


def check_in_place_calls(fn, operations, source, forward=False):
    """Reject calls that change a value in place, other than `xs.append(v)` as a
    statement of its own and `v = xs.pop()` (with `v` a name or names): both are
    differentiated, forward and in reverse (`forward`: and the runtime's
    `add_at(g, index, v)` and `restore_item(d, key, saved)`, of generated gradients,
    forward mode mirrors).  Runs on
    the function as written, so errors quote it."""
    for stmt, _ in statements(fn.body):
        if isinstance(stmt, (gast.If, gast.For, gast.While)):
            nodes = [stmt.test if not isinstance(stmt, gast.For) else stmt.iter]
        elif appended(stmt):
            nodes = [appended(stmt)[1]]
        elif popped(stmt) or (isinstance(stmt, gast.Expr) and popped(
                gast.Assign(targets=[], value=stmt.value))):
            continue  # `v = xs.pop()`, or `xs.pop()` (desugared to the first)
        else:
            nodes = [stmt]
        for node in (n for part in nodes for n in walk(part)):
            if not isinstance(node, gast.Call):
                continue
            if any(k.arg == "out" for k in node.keywords):
                raise error_at(
                    node, "out= writes into an existing array in place, which is not "
                    "supported; assign the result instead", source, Unsupported,
                )
            func = node.func
            what = None
            receiver = operations.resolve(func.value) if isinstance(func, gast.Attribute) else None
            if isinstance(func, gast.Attribute) and not isinstance(receiver, types.ModuleType):
                in_place = func.attr in IN_PLACE_METHODS or (
                    func.attr == "at" and isinstance(receiver, numpy.ufunc)
                )
            else:
                obj = operations.resolve(func)
                in_place = isinstance(obj, Hashable) and (obj in IN_PLACE_FUNCTIONS or (
                    obj is numpy.nan_to_num and any(  # copy=False: into its argument
                        k.arg == "copy" and not (isinstance(k.value, gast.Constant)
                                                 and k.value.value)
                        for k in node.keywords
                    )
                ))
            what = f"{dotted(func, unknown='...')}()" if in_place else None
            if what:
                hint = (
                    " (xs.append(v) is supported as a statement of its own)"
                    if what.endswith(".append()") else ""
                )
                raise error_at(
                    node, f"{what} changes a value in place, which is not supported{hint}",
                    source, Unsupported,
                )
        if isinstance(stmt, gast.Expr) and isinstance(stmt.value, gast.Call) and not appended(stmt):
            if not (forward and mirrored(stmt, operations)):
                _check_call_for_effect(stmt.value, operations, source)


# the runtime's helpers that generated gradients call to change a value in place,
# `helper(base, place, value)`: forward mode mirrors them on the tangents
MIRRORED = (runtime.add_at, runtime.restore_item, runtime.drop_after)


def mirrored(stmt, operations):
    """(helper, base, place, value) when `stmt` is `add_at(g, index, v)`,
    `restore_item(d, key, saved)` or `drop_after(tape, length)` (value None)
    (s2s.runtime's, as generated gradients call them), else None."""
    call = stmt.value if isinstance(stmt, gast.Expr) else None
    if not (isinstance(call, gast.Call) and len(call.args) in (2, 3)
            and isinstance(call.args[0], gast.Name)):
        return None
    helper = operations.resolve(call.func)
    if not any(helper is m for m in MIRRORED) or (len(call.args) == 2) != (
            helper is runtime.drop_after):
        return None
    return (helper, *call.args, None)[:4]


def _check_call_for_effect(call, operations, source):
    """A call made as a statement is made for its effect, which s2s cannot see unless
    the function is one of Python's, NumPy's or `math`'s (`print(x)`)."""
    obj = operations.resolve(call.func)
    module = getattr(obj, "__module__", None) or getattr(type(obj), "__module__", "")
    if obj is not None and module.split(".")[0] in ("builtins", "numpy", "math"):
        return
    if getattr(obj, "s2s_check", False):  # a check in generated gradients: changes nothing
        return
    raise error_at(
        call, f"calling {dotted(call.func, unknown='...')}() for its effect is not supported: s2s cannot "
        "see what it changes (use its result)", source, Unsupported,
    )


def _verbs(change):
    """How to say the change: ("writing into", "write into"), or for append."""
    if popped(change):
        return ("popping from", "pop from")
    return ("appending to", "append to") if appended(change) else ("writing into", "write into")


def arrays_made_here(fn, operations):
    """The names of `fn` that hold, wherever they are bound, arrays (or lists) `fn`
    made itself: no parameter shares their memory."""
    assignments = [s for s, _ in statements(fn.body)
                   if isinstance(s, gast.Assign) and isinstance(s.targets[0], gast.Name)]
    return _owned(assignments, operations, set(parameter_names(fn)))


def _owned(assignments, operations, parameters):
    """The names every assignment gives an array the function made: a new one, or,
    by a copy between versions of one variable (normalize/versions.py), one such
    name's."""
    owned = {s.targets[0].id for s in assignments} - parameters
    changed = True
    while changed:
        changed = False
        for s in assignments:
            target, value = s.targets[0].id, s.value
            if target in owned and not _makes_new_array(value, operations) and not (
                getattr(s, "s2s_version_copy", False) and value.id in owned
            ) and not _passes_owned(value, operations, owned):
                owned.discard(target)
                changed = True
    return owned


def _passes_owned(value, operations, owned):
    """A call of a helper that returns its first argument or a new array, on an array
    the function made (`unbroadcast(g, x)` in generated gradients)."""
    if not (isinstance(value, gast.Call) and value.args and isinstance(value.args[0], gast.Name)):
        return False
    helper = operations.classify(value).key
    return getattr(helper, "returns_argument_or_new_array", False) and value.args[0].id in owned


def _whole_slice(value):
    """`xs[:]`."""
    return (isinstance(value, gast.Subscript) and isinstance(value.slice, gast.Slice)
            and value.slice.lower is None and value.slice.upper is None
            and value.slice.step is None)


def _makes_new_array(value, operations):
    if isinstance(value, (gast.BinOp, gast.UnaryOp, gast.Constant)):
        return True  # (a constant shares no memory: `t = None` holds a name's place)
    if isinstance(value, (gast.List, gast.Tuple, gast.Dict)):
        return True
    if isinstance(value, gast.Call):
        if any(k.arg == "copy" and not (isinstance(k.value, gast.Constant)
                                        and k.value.value is True) for k in value.keywords):
            return False  # (`np.array(x, copy=False)`, `x.astype(t, copy=False)`: maybe `x`)
        operation = operations.classify(value)
        # (and the runtime's helpers that say so, in generated gradients)
        return operation.key in NEW_ARRAYS or getattr(
            operation.key, "returns_new_array", False) or (
            isinstance(operation.key, type) and operation.key.__module__ != "builtins")
    return False  # (a class's call makes a new object: writing its attributes is ours)
