"""Calls of the user's own functions, as their bodies: for the numba target, whose
compiled function can call nothing that numba does not compile (numba_target.py).

In: a parsed function, its source and its namer.  Out: the function with each call of
a function of its own module written as the statements of that function's body
(normalize/inline.py), the call first moved into a statement of its own where it is
part of an expression (`y = y + h * f(y)` as `result = f(y)`, its body, then `y = y + h
* result`), innermost first, in the order Python calls them.  The bodies' own calls
are inlined in turn.  A call is left as it is, for the numba target to refuse at its
line, where it cannot be inlined: recursion, a function of another module, one that
returns before its end, and a call that Python may make another number of times than
once (in a `while` test, after `and`/`or`, in a conditional expression, a lambda or a
comprehension).
"""

import gast

from ..callees import is_user_function
from ..resolve import meaning
from ..syntax import clone, load, walk
from .inline import inlined

_LIMIT = 30  # calls inlined inside one another, at most


def inline_calls(fn, source, namer):
    local = {a.id for a in fn.args.args + fn.args.posonlyargs + fn.args.kwonlyargs}
    local |= {n.id for n in walk(fn) if isinstance(n, gast.Name)
              and isinstance(n.ctx, gast.Store)}
    _Inliner(source, namer, local).block(fn.body, (_unwrapped(source.function),))
    return fn


class _Inliner:
    def __init__(self, source, namer, local):
        self.source = source
        self.namer = namer
        self.local = local

    def block(self, stmts, active):
        """`stmts` (changed in place) with the calls inlined; `active`: the functions
        whose bodies these statements are, innermost last."""
        out = []
        for stmt in stmts:
            out += self.statement(stmt, active)
        stmts[:] = out

    def statement(self, stmt, active):
        for field in ("body", "orelse", "finalbody"):
            if getattr(stmt, field, None):
                self.block(getattr(stmt, field), active)
        for handler in getattr(stmt, "handlers", None) or []:
            self.block(handler.body, active)
        if isinstance(stmt, gast.If):
            return self.hoisted(stmt, stmt.test, active)
        if isinstance(stmt, gast.For):
            return self.hoisted(stmt, stmt.iter, active)
        if isinstance(stmt, (gast.Assign, gast.AugAssign, gast.AnnAssign, gast.Expr,
                             gast.Return)) and stmt.value is not None:
            return self.hoisted(stmt, stmt.value, active)
        return [stmt]

    def hoisted(self, stmt, expression, active):
        """`stmt`, after the statements of the calls of `expression` that it makes."""
        before = []
        skipped = set()
        while True:
            call = next((c for c in _calls_once(expression)
                         if id(c) not in skipped and self.inlinable(c, active)), None)
            if call is None:
                return before + [stmt]
            direct = (expression is call and isinstance(stmt, (gast.Assign, gast.Expr))
                      and (isinstance(stmt, gast.Expr) or isinstance(stmt.targets[0], gast.Name)))
            target = (stmt.targets[0].id if isinstance(stmt, gast.Assign) else None) if direct \
                else self.namer.fresh("result")
            body = self.body(call, target, active)
            if body is None:
                skipped.add(id(call))
                continue
            if direct:
                return before + body
            unpacked = _unpacked(stmt, call, target, body)
            if unpacked is not None:  # `a, b = f(...)` of a `return x, y`: `a, b = x, y`
                return before + unpacked
            before += body
            replaced = clone(stmt, {id(call): load(target)})
            stmt, expression = replaced, _same_field(replaced, stmt, expression)

    def inlinable(self, call, active):
        func = call.func
        if isinstance(func, gast.Name) and func.id in self.local:
            return False
        function = meaning(func, self.source.namespace)
        return (is_user_function(function) and function not in active
                and len(active) < _LIMIT
                and getattr(function, "__globals__", None) is self.source.function.__globals__)

    def body(self, call, target, active):
        function = meaning(call.func, self.source.namespace)
        body = inlined(function, list(call.args), list(call.keywords), target, self.namer)
        if body is None:
            return None
        for stmt in body:  # (the names it binds are the function's too)
            self.local |= {n.id for n in walk(stmt) if isinstance(n, gast.Name)
                           and isinstance(n.ctx, gast.Store)}
        self.block(body, active + (function,))
        return body


def _unpacked(stmt, call, target, body):
    """For `a, b = f(...)`, whose body ends `target = (x, y)`: the body ending
    `a, b = (x, y)`, so that each name is seen to get its own value (a number, where
    `x` is one); else None."""
    if not (isinstance(stmt, gast.Assign) and stmt.value is call
            and isinstance(stmt.targets[0], gast.Tuple) and body):
        return None
    last = body[-1]
    if not (isinstance(last, gast.Assign) and isinstance(last.targets[0], gast.Name)
            and last.targets[0].id == target and isinstance(last.value, gast.Tuple)
            and len(last.value.elts) == len(stmt.targets[0].elts)
            and not any(isinstance(e, gast.Starred) for e in stmt.targets[0].elts)):
        return None
    return body[:-1] + [gast.copy_location(gast.Assign(
        targets=[stmt.targets[0]], value=last.value, type_comment=None), stmt)]


def _unwrapped(function):
    return getattr(function, "__wrapped__", function)


def _same_field(new, old, expression):
    """The expression of `new`, a copy of `old`, that `expression` of `old` became."""
    for field in ("value", "test", "iter"):
        if getattr(old, field, None) is expression:
            return getattr(new, field)
    raise AssertionError("an expression of the statement")


def _calls_once(expression):
    """The calls in `expression` that Python makes exactly once when it evaluates it,
    in the order it makes them (arguments before the call)."""
    found = []

    def visit(node):
        if isinstance(node, (gast.BoolOp, gast.IfExp, gast.Lambda, gast.ListComp,
                             gast.SetComp, gast.DictComp, gast.GeneratorExp, gast.NamedExpr)):
            return
        for child in gast.iter_child_nodes(node):
            visit(child)
        if isinstance(node, gast.Call):
            found.append(node)

    visit(expression)
    return found
