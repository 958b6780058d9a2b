"""Hooks: `with s2s.grad_of(h) as g: ...` becomes a marker statement that the
reverse pass replaces with the block, in the adjoint sweep (s2s/hooks.py).

In: a checked `FunctionDef`.  Out: the same function where each such `with` is
`_s2s_grad_of_(h)`, carrying the gradient's name and the block (`stmt.s2s_hook`).
The block is adjoint code: it may read its gradient, the names it sets, and what
the module defines (`np`, `print`), not the function's variables, whose values the
adjoint sweep does not keep for it.  Names it sets that the function also uses are
renamed.
"""

import gast

from ..errors import Unsupported, error_at
from ..markers import grad_of
from ..syntax import load, local_names, located, names_read, names_stored, rename, walk

MARKER = "_s2s_grad_of_"


def mark_hooks(fn, source, operations, namer):
    hooks = [n for n in walk(fn) if isinstance(n, gast.With)]
    if not hooks:
        return fn
    variables = local_names(fn)
    inside = set()
    for hook in hooks:
        inside |= names_stored(hook.body) | {_target(hook, source, operations)}
    outside = variables - inside
    for hook in hooks:
        gradient = _target(hook, source, operations)
        for inner in walk(gast.Module(body=hook.body, type_ignores=[])):
            if isinstance(inner, (gast.Return, gast.Break, gast.Continue, gast.With)):
                raise error_at(inner, f"{type(inner).__name__.lower()} inside a gradient "
                               "hook is not supported", source, Unsupported)
        own = names_stored(hook.body) | {gradient}
        for read in names_read(hook.body) & (variables - own):
            raise error_at(hook, f"a gradient hook reads its gradient, names it sets and "
                           f"module-level names, not the function's variable {read!r}",
                           source, Unsupported)
        renames = {n: namer.fresh(n) for n in own if n in outside}
        body = [rename(stmt, renames) for stmt in hook.body]
        marker = located(gast.Expr(value=gast.Call(
            func=load(MARKER), args=[hook.items[0].context_expr.args[0]], keywords=[],
        )), hook)
        marker.s2s_hook = (renames.get(gradient, gradient), body)
        _replace(fn, hook, marker)
    return fn


def _target(hook, source, operations):
    """The gradient's name in `with s2s.grad_of(h) as g`, or an error."""
    item = hook.items[0] if len(hook.items) == 1 else None
    call = item.context_expr if item is not None else None
    if not (
        isinstance(call, gast.Call) and operations.resolve(call.func) is grad_of
        and len(call.args) == 1 and isinstance(call.args[0], gast.Name) and not call.keywords
        and isinstance(item.optional_vars, gast.Name)
    ):
        raise error_at(hook, "with statements are supported only as `with "
                       "s2s.grad_of(name) as g:`", source, Unsupported)
    return item.optional_vars.id


def _replace(node, old, new):
    for parent in walk(node):
        for field in ("body", "orelse"):
            stmts = getattr(parent, field, None)
            if isinstance(stmts, list) and old in stmts:
                stmts[stmts.index(old)] = new
                return
