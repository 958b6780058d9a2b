"""Unread restores: drop the put-backs of an array that the adjoint sweep never reads.

In: the forward and adjoint sweeps that reverse.py wrote, where each write into an
array `u[i] = v` saves the overwritten part (`tape.append(snapshot(u[i]))`) and the
adjoint sweep puts it back (`u[i] = tape.pop()`), both marked `s2s_restores = "u"`.
Out: the same sweeps, with both statements of each such pair marked `s2s_dropped`
(tape.py's `finish` removes them) where nothing in the adjoint sweep reads `u`'s
values, through `u` or any name that may share its memory, but for shapes.

The put-back exists so that what the adjoint sweep reads of `u` holds what the
forward sweep read.  An explicit solver's state, `u[1:-1] = u[1:-1] + dt * du[1:-1]`,
is read only by linear arithmetic, whose adjoints read no operand: each step saved
and put back a slice that nothing read.  Dropped, conservatively, only where:
- `u` is made in the function (no parameter shares its memory, which would be the
  caller's array);
- every name that may share its memory (views, `u` itself) is used in the forward
  sweep only to be indexed, in arithmetic, by NumPy functions and the runtime's
  helpers (new arrays: a view makes a name that shares), or pushed on the tape;
- from its first put-back on, the adjoint sweep, and then the value returned, read
  none of those names, but in the put-backs themselves and where a helper reads
  only a shape (`unbroadcast(d, u)`).
"""

import gast
import numpy

from . import runtime
from .analysis.aliases import VIEW_ATTRIBUTES, VIEWS
from .analysis.writes import NEW_ARRAYS
from .syntax import statements, walk

# runtime helpers that read only the shape (and type) of the argument at this position
SHAPE_READS = {runtime.unbroadcast: 1, runtime.shape_of: 0, runtime.zeros_like: 0,
               runtime.writable_like: 1, runtime.cast_like: 1}
# attributes that give no view of the array's memory
PLAIN_ATTRIBUTES = {"shape", "ndim", "dtype", "size"}
# NumPy's functions that return new arrays (or numbers), never views of an argument
NEW_VALUES = NEW_ARRAYS - {list, dict} | {
    numpy.sum, numpy.mean, numpy.prod, numpy.max, numpy.min, numpy.amax, numpy.amin,
    numpy.std, numpy.var, numpy.dot, numpy.vdot, numpy.inner, numpy.outer, numpy.matmul,
    numpy.tensordot, numpy.cumsum, numpy.cumprod, numpy.diff, numpy.where, numpy.clip,
    numpy.sort, numpy.trace, numpy.kron, numpy.cross, numpy.linalg.norm, numpy.ndarray.sum,
    numpy.ndarray.mean, numpy.ndarray.prod, numpy.ndarray.max, numpy.ndarray.min,
    numpy.ndarray.dot, numpy.ndarray.copy, numpy.ndarray.astype, len, float, int, abs,
}


def drop_unread_restores(primal, adjoint, returned, parameters, operations, imports, stacks):
    """Mark the pairs to drop (see the module's docstring); `parameters`: the
    function's parameter names; `stacks`: the names of the tape's stacks."""
    pairs = {}
    for stmt in _statements(primal + adjoint):
        if getattr(stmt, "s2s_restores", None):
            pairs.setdefault(stmt.s2s_restores, []).append(stmt)
    calls = _Calls(operations, imports)
    for base, marked in pairs.items():
        shared = _sharing(base, primal, calls)
        if shared is None or base in parameters or shared & set(parameters):
            continue
        # (what the adjoint sweep reads before its first put-back sees the array as
        # the forward sweep left it, put back or not)
        first = next(i for i, stmt in enumerate(adjoint)
                     if any(getattr(s, "s2s_restores", None) == base
                            for s in _statements([stmt])))
        if _escapes(shared, primal, calls, stacks) or _read(shared, adjoint[first:], returned,
                                                          calls):
            continue
        for stmt in marked:
            stmt.s2s_dropped = True


def _statements(stmts):
    """Every statement, nested ones included (in `with` and `try` blocks too)."""
    return (stmt for stmt, _ in statements(stmts))


class _Calls:
    def __init__(self, operations, imports):
        self.operations, self.imports = operations, imports

    def function(self, call):
        """The object `call` calls, or None."""
        if isinstance(call.func, gast.Name):
            helper = self.imports.object_named(call.func.id)
            if helper is not None:
                return helper
        try:
            return self.operations.classify(call).key
        except Exception:  # (not a call the user's function makes)
            return None

    def shape_read(self, call, position):
        function = self.function(call)
        return SHAPE_READS.get(function) == position if _hashable(function) else False

    def view(self, call):
        function = self.function(call)
        return _hashable(function) and function in VIEWS

    def makes_new(self, call):
        """A function that returns a new value and keeps no reference to its arguments:
        a ufunc (without `out=`), a `math` function, one of NumPy's that surely copies
        (`NEW_VALUES`), or a runtime helper marked `returns_new_array`.  Anything else
        may give a view (`einsum` may, `sliding_window_view` does)."""
        function = self.function(call)
        if function is None or not _hashable(function) or any(
                k.arg == "copy" for k in call.keywords):  # (`copy=False` may give it back)
            return False
        if isinstance(function, numpy.ufunc):
            return not any(k.arg == "out" for k in call.keywords)
        return (getattr(function, "__module__", None) == "math" or function in NEW_VALUES
                or getattr(function, "returns_new_array", False))


def _hashable(value):
    try:
        hash(value)
        return True
    except TypeError:
        return False


def _sharing(base, primal, calls):
    """The names whose values may share `base`'s memory in the forward sweep (a view
    of it, or it of them), or None where `base` is bound to anything but a new array
    (a NumPy function's, a helper's, or arithmetic's)."""
    shared, changed = {base}, True
    while changed:
        changed = False
        for stmt in _statements(primal):
            if isinstance(stmt, gast.For) and _mentions(stmt.target, {base}):
                return None
            if not isinstance(stmt, gast.Assign):
                continue
            target, value = stmt.targets[0], stmt.value
            if not isinstance(target, gast.Name):
                if not isinstance(target, gast.Subscript) and _mentions(target, {base}):
                    return None
                continue
            if target.id == base and not (
                    isinstance(value, (gast.BinOp, gast.UnaryOp))
                    or isinstance(value, gast.Call) and calls.makes_new(value)):
                return None
            names = _views_of(value, calls)
            if target.id in shared and names - shared:
                shared |= names
                changed = True
            elif target.id not in shared and names & shared:
                shared.add(target.id)
                changed = True
    return shared


def _views_of(value, calls):
    """The names whose memory `value` may share."""
    if isinstance(value, gast.Name):
        return {value.id}
    if isinstance(value, gast.Subscript) and isinstance(value.value, gast.Name):
        return {value.value.id}
    if isinstance(value, gast.Attribute) and value.attr in VIEW_ATTRIBUTES \
            and isinstance(value.value, gast.Name):
        return {value.value.id}
    if isinstance(value, gast.Call) and not calls.makes_new(value):
        return {n.id for n in walk(value) if isinstance(n, gast.Name)}
    if isinstance(value, (gast.Tuple, gast.List, gast.Dict, gast.IfExp)):
        return {n.id for n in walk(value) if isinstance(n, gast.Name)}
    return set()


def _escapes(shared, primal, calls, stacks):
    """Whether the forward sweep uses a name of `shared` other than by indexing it,
    in arithmetic, as a NumPy function's or helper's argument, or pushing it."""
    for stmt in _statements(primal):
        if isinstance(stmt, (gast.For, gast.While, gast.If)):
            header = stmt.iter if isinstance(stmt, gast.For) else stmt.test
            if _mentions(header, shared):
                return True
            continue
        if _pushed(stmt, stacks):
            continue
        if isinstance(stmt, gast.Assign):
            target = stmt.targets[0]
            if isinstance(target, gast.Subscript):
                if _mentions(target.slice, shared) or not _fine(stmt.value, shared, calls):
                    return True
                continue
            if isinstance(target, gast.Name) and _fine(stmt.value, shared, calls, whole=True):
                continue
        if _mentions(stmt, shared):
            return True
    return False


def _fine(value, shared, calls, whole=False):
    """Whether `value` uses names of `shared` only as allowed (`whole`: the value
    bound to a name, which may be a view of one: `_sharing` follows those)."""
    if isinstance(value, gast.Name):
        return whole or value.id not in shared
    if isinstance(value, gast.Subscript):
        return not _mentions(value.slice, shared) and (
            isinstance(value.value, gast.Name) or _fine(value.value, shared, calls))
    if isinstance(value, gast.Attribute):
        return value.attr in PLAIN_ATTRIBUTES or not _mentions(value, shared) or (
            whole and value.attr in VIEW_ATTRIBUTES and isinstance(value.value, gast.Name))
    if isinstance(value, gast.BinOp):
        return _operand(value.left, shared, calls) and _operand(value.right, shared, calls)
    if isinstance(value, gast.UnaryOp):
        return _operand(value.operand, shared, calls)
    if isinstance(value, gast.Compare):
        return all(_operand(v, shared, calls) for v in [value.left, *value.comparators])
    if isinstance(value, gast.Call):
        if calls.makes_new(value):
            method = [value.func.value] if isinstance(value.func, gast.Attribute) else []
            return all(_operand(a, shared, calls)
                       for a in [*value.args, *[k.value for k in value.keywords], *method])
        if whole and calls.view(value):
            return True
    return not _mentions(value, shared)


def _operand(node, shared, calls):
    """An operand that a new value is computed from: any name, or a value fine as one."""
    return isinstance(node, (gast.Name, gast.Constant)) or _fine(node, shared, calls)


def _pushed(stmt, stacks):
    """`tape.append(...)` (onto one of `stacks`): what it pushes is popped into names the adjoint's reads
    are checked by."""
    call = stmt.value if isinstance(stmt, gast.Expr) else None
    return (isinstance(call, gast.Call) and isinstance(call.func, gast.Attribute)
            and call.func.attr == "append" and isinstance(call.func.value, gast.Name)
            and call.func.value.id in stacks)


def _read(shared, adjoint, returned, calls):
    """Whether the adjoint sweep or the value returned reads a name of `shared`, but
    in the put-backs and for shapes."""
    if _mentions(returned, shared):
        return True
    for stmt in adjoint:
        if getattr(stmt, "s2s_restores", None):
            continue
        if isinstance(stmt, (gast.For, gast.While, gast.If)):
            header = stmt.iter if isinstance(stmt, gast.For) else stmt.test
            if _mentions(header, shared) or _read(shared, stmt.body, None, calls) \
                    or _read(shared, stmt.orelse, None, calls):
                return True
            continue
        shapes = {id(call.args[position]) for call in walk(stmt) if isinstance(call, gast.Call)
                  for position in range(len(call.args)) if calls.shape_read(call, position)}
        for node in walk(stmt):
            if isinstance(node, gast.Name) and node.id in shared \
                    and isinstance(node.ctx, gast.Load) and id(node) not in shapes:
                return True
    return False


def _mentions(node, names):
    return node is not None and any(
        isinstance(n, gast.Name) and n.id in names for n in walk(node))
