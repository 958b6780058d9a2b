"""Aliases: check that nothing sharing memory with an array (or a list or dict) is
read after that array was changed in place.

In: a function in the core language.  Out: nothing, or an error at the read.

`z = y[0:2]` (a view), `t = [y]`, `xs.append(y)`: each of these sees a later
`y[0] = v`.  Python reads the new value through `z`, but the derivative would
follow `z` back to `y` as it was when `z` was made, so the gradient would be
silently wrong.  Reads of such values before the change are fine, and so is any
value made after it.  (The adjoint sweep may read them at any time: it puts back
what each change overwrote, so views see what they saw in the forward sweep.)

Which values share memory is decided conservatively: indexing, the attributes `.T`,
`.real`, `.imag`, NumPy functions and methods that may return views, and
containers.  A branch or a loop may change an array: after it, its aliases are
treated as changed.
"""

import gast
import numpy

from ..errors import Unsupported, error_at
from ..runtime import indexable, stop_gradient
from ..syntax import appended, popped, walk

# functions and methods whose result may be a view of their first argument
VIEWS = {
    numpy.reshape, numpy.ravel, numpy.transpose, numpy.squeeze, numpy.swapaxes,
    numpy.moveaxis, numpy.expand_dims, numpy.atleast_1d, numpy.atleast_2d,
    numpy.atleast_3d, numpy.broadcast_to, numpy.asarray, numpy.asanyarray,
    numpy.ascontiguousarray, numpy.flip, numpy.fliplr, numpy.flipud, numpy.diagonal,
    numpy.real, numpy.imag, numpy.rot90, numpy.ndarray.reshape, numpy.ndarray.ravel,
    numpy.ndarray.transpose, numpy.ndarray.squeeze, numpy.ndarray.swapaxes,
    numpy.ndarray.view, numpy.ndarray.diagonal, indexable, stop_gradient,
}
VIEW_ATTRIBUTES = {"T", "real", "imag", "flat", "base", "mT"}


def check_aliases(fn, operations, source):
    containers = {  # lists and dicts: a write into one makes it hold the value
        node.targets[0].id for node in walk(fn)
        if isinstance(node, gast.Assign) and isinstance(node.targets[0], gast.Name)
        and (
            isinstance(node.value, (gast.List, gast.Dict))
            or operations.classify(node.value).key in (list, dict)
        )
    }
    _Walk(operations, source, containers).block(fn.body, _State())


def _shared(value, operations):
    """The names whose memory `value` may share, or hold (a container)."""
    if isinstance(value, gast.Name):
        return {value.id}
    if isinstance(value, gast.Subscript) and isinstance(value.value, gast.Name):
        return {value.value.id}
    if isinstance(value, gast.Attribute) and value.attr in VIEW_ATTRIBUTES:
        return {value.value.id} if isinstance(value.value, gast.Name) else set()
    if isinstance(value, (gast.List, gast.Tuple)):
        return {e.id for e in value.elts if isinstance(e, gast.Name)}
    if isinstance(value, gast.Dict):
        return {v.id for v in value.values if isinstance(v, gast.Name)}
    if isinstance(value, gast.Call):
        operation = operations.classify(value)
        if operation.key in VIEWS and operation.args and isinstance(operation.args[0], gast.Name):
            return {operation.args[0].id}
    return set()


class _State:
    """At one point of the function: what each name's value may share memory with
    (`holds`: names, as their values are now), and which names hold memory changed
    since their value was made (`stale`: name -> the statement that changed it)."""

    def __init__(self, holds=None, stale=None):
        self.holds = holds or {}
        self.stale = stale or {}

    def copy(self):
        return _State({k: set(v) for k, v in self.holds.items()}, dict(self.stale))

    def merge(self, other):
        """What holds after either of two paths."""
        holds = {k: set(v) for k, v in self.holds.items()}
        for name, shared in other.holds.items():
            holds.setdefault(name, set()).update(shared)
        return _State(holds, {**other.stale, **self.stale})

    def same(self, other):
        return self.holds == other.holds and self.stale.keys() == other.stale.keys()

    def assigned(self, name, shared):
        """`name` holds a new value, sharing memory with `shared` (names).  (Only names
        that share something are kept in `holds`: most values share nothing, and each
        assignment looks through the names kept.)"""
        for held in self.holds.values():
            held.discard(name)  # they hold its old value, not the new one
        reach = self.reach(shared)
        if reach:
            self.holds[name] = reach
        else:
            self.holds.pop(name, None)
        self.stale.pop(name, None)

    def added(self, name, shared):
        """`name` now also holds `shared` (an append, or a write into a container)."""
        reach = self.reach(shared)
        if not reach:
            return
        for holder, held in self.holds.items():
            if name in held:
                held.update(reach)
        self.holds.setdefault(name, set()).update(reach)

    def changed(self, name, stmt):
        for holder, held in self.holds.items():
            if name in held:
                self.stale[holder] = stmt

    def reach(self, shared):
        return set(shared).union(*(self.holds.get(n, ()) for n in shared))


class _Walk:
    """Walks the function in order, following `_State`."""

    def __init__(self, operations, source, containers):
        self.operations = operations
        self.source = source
        self.containers = containers

    def block(self, stmts, state):
        for stmt in stmts:
            state = self.statement(stmt, state)
        return state

    def statement(self, stmt, state):
        if isinstance(stmt, gast.If):
            self.check(stmt.test, state)
            return self.block(stmt.body, state.copy()).merge(self.block(stmt.orelse, state.copy()))
        if isinstance(stmt, (gast.For, gast.While)):
            self.check(stmt.iter if isinstance(stmt, gast.For) else stmt.test, state)
            entry = state
            while True:  # the body runs again from what its last run left
                merged = entry.merge(self.block(stmt.body, state.copy()))
                if merged.same(state):
                    return merged
                state = merged
        self.check(stmt, state)  # (a simple statement changes the state it is given)
        if isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name):
            if popped(stmt):
                state.changed(popped(stmt), stmt)
            value = stmt.value
            if (isinstance(value, gast.Subscript) and isinstance(value.value, gast.Name)
                    and value.value.id in self.containers):
                # an item of a list or dict: what the container holds, not the container,
                # whose later writes replace items and change none
                shared = state.holds.get(value.value.id, set())
            else:
                shared = _shared(value, self.operations)
            state.assigned(stmt.targets[0].id, shared)
        elif isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Subscript):
            name = stmt.targets[0].value.id
            state.changed(name, stmt)
            if name in self.containers:  # an array copies the value in, a list holds it
                state.added(name, _shared(stmt.value, self.operations))
        elif appended(stmt):
            name, value = appended(stmt)
            state.changed(name, stmt)
            state.added(name, _shared(value, self.operations))
        return state

    def check(self, node, state):
        for read in _reads(node):
            change = state.stale.get(read.id)
            if change is not None:
                line = self.source.line(change.lineno)
                raise error_at(
                    read, f"this reads a value that shares memory with an array, list or "
                    f"dict changed in place after the value was made (`{line}`, line "
                    f"{change.lineno}); s2s cannot differentiate that: copy the value "
                    "when you make it (.copy(), list(...))", self.source, Unsupported,
                )


def _reads(node):
    return [
        n for n in walk(node)
        if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Load)
    ]
