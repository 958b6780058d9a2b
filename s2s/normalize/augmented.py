"""Augmented assignments on shared arrays: `y += v` changes an array in place, where
s2s reads it as `y = y + v` (desugar.py), which is exact for numbers and for an array
no other name reads afterwards.  Where another name that may share `y`'s memory (`y =
x`, `col = X[:, 0]`, `r = x.reshape(...)`, `for row in X:`) is read later, the statement
gets a check before it: `require_unshared(y, ...)` fails, when it runs, if `y` holds
a NumPy or CuPy array (a number passes), rather than the derivative be wrong.

In: a checked function as written.  Out: the same function, with those checks.
"""

import gast

from ..analysis.aliases import VIEW_ATTRIBUTES, VIEWS
from ..syntax import constant, load, located, walk


def _source_of(value, operations):
    """The name whose memory `value` may share: `x`, `x[...]`, `x.T`, `np.reshape(x)`."""
    while isinstance(value, gast.Subscript) or (
        isinstance(value, gast.Attribute) and value.attr in VIEW_ATTRIBUTES
    ):
        value = value.value
    if isinstance(value, gast.Call):
        operation = operations.classify(value)
        if operation.key in VIEWS and operation.args:
            return _source_of(operation.args[0], operations)
        return None
    return value.id if isinstance(value, gast.Name) else None


def _sharing(fn, operations):
    """(name, name, the statement that makes them share memory), for every statement
    that may."""
    edges = []
    for node in walk(fn):
        pairs = []
        if isinstance(node, gast.Assign):
            pairs = [(t.id, node.value) for t in node.targets if isinstance(t, gast.Name)]
        elif isinstance(node, gast.For) and isinstance(node.target, gast.Name):
            pairs = [(node.target.id, node.iter)]  # a row of an array is a view of it
        for name, value in pairs:
            other = _source_of(value, operations)
            if other is not None and other != name:
                edges.append((name, other, node))
    return edges


def _position(node):
    return (node.lineno, node.col_offset)


def guard_augmented(fn, operations, require_unshared, source):
    """`require_unshared()` gives the expression naming the runtime's check."""
    sharing = _sharing(fn, operations)
    if not sharing:
        return fn
    loops = [n for n in walk(fn) if isinstance(n, (gast.For, gast.While))]

    def within(node, inside):
        return any(any(n is node for n in walk(loop)) for loop in inside)

    def after(node, stmt, inside):
        """Whether `node` may run after `stmt`: later in the text, or in a loop around
        both (`inside`: the loops around `stmt`)."""
        return _position(node) > _position(stmt) or within(node, inside)

    def shared_at(name, stmt, inside):
        """The names that may share `name`'s memory when `stmt` runs: made to share it
        by a statement that may run before (earlier in the text, or in a loop around)."""
        edges = {}
        for a, b, node in sharing:
            if node is not stmt and (_position(node) <= _position(stmt)
                                     or within(node, inside)):
                edges.setdefault(a, set()).add(b)
                edges.setdefault(b, set()).add(a)
        shared, frontier = set(), [name]
        while frontier:  # every name reachable through sharing
            for other in edges.get(frontier.pop(), ()):
                if other not in shared and other != name:
                    shared.add(other)
                    frontier.append(other)
        return shared

    def reads_later(names, stmt, inside):
        return {node.id for node in walk(fn)
                if isinstance(node, gast.Name) and isinstance(node.ctx, gast.Load)
                and node.id in names and after(node, stmt, inside)}

    def guarded(stmts):
        out = []
        for stmt in stmts:
            for field in ("body", "orelse"):
                if isinstance(getattr(stmt, field, None), list):
                    setattr(stmt, field, guarded(getattr(stmt, field)))
            if isinstance(stmt, gast.AugAssign) and isinstance(stmt.target, gast.Name):
                name = stmt.target.id
                inside = [loop for loop in loops if within(stmt, [loop])]
                readers = reads_later(shared_at(name, stmt, inside), stmt, inside)
                if readers:
                    call = gast.Call(func=require_unshared(), args=[
                        load(name),
                        constant(source.line(stmt.lineno)),
                        constant(", ".join(sorted(readers))),
                    ], keywords=[])
                    out.append(located(gast.Expr(value=call), stmt))
            out.append(stmt)
        return out

    fn.body = guarded(fn.body)
    return fn
