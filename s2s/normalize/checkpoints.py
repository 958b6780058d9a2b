"""Checkpoints: `with s2s.checkpoint(): <a for loop>` becomes the loop, marked.

In: a checked `FunctionDef`.  Out: the same function, where each such `with` is the
`for t in range(...)` loop it holds, with `s2s_checkpoint` set to the segment length
the user gave (`every=`) or None (about the square root of the iteration count).
With `every_loop` (`s2s differentiate --checkpoint`), each `for` loop of the function
body's own statements is marked too.  The reverse pass reads the mark (reverse.py);
forward mode has no tape and ignores it.
"""

import gast

from ..markers import checkpoint
from ..errors import Unsupported, error_at
from ..syntax import walk


def mark_checkpoints(fn, source, operations, every_loop=False, allowed=True):
    """`allowed`: False in a function another calls, whose adjoint runs apart from its
    forward sweep (callees.py), where checkpoints are not supported."""
    for parent in list(walk(fn)):
        for field in ("body", "orelse"):
            stmts = getattr(parent, field, None)
            if not isinstance(stmts, list):
                continue
            for i, stmt in enumerate(stmts):
                if isinstance(stmt, gast.With) and _is_checkpoint(stmt, operations):
                    stmts[i] = _marked(stmt, source, allowed, parent is fn)
    if every_loop:
        for stmt in fn.body:
            if isinstance(stmt, gast.For) and not hasattr(stmt, "s2s_checkpoint"):
                stmt.s2s_checkpoint = None
    return fn


def _is_checkpoint(stmt, operations):
    item = stmt.items[0] if len(stmt.items) == 1 else None
    return (
        item is not None and isinstance(item.context_expr, gast.Call)
        and operations.resolve(item.context_expr.func) is checkpoint
    )


def _marked(stmt, source, allowed, top_level):
    call = stmt.items[0].context_expr
    if not allowed:
        raise error_at(stmt, "s2s.checkpoint in a function that the differentiated one "
                       "calls is not supported: mark the loop in the function itself",
                       source, Unsupported)
    if len(stmt.body) != 1 or not isinstance(stmt.body[0], gast.For) or not top_level:
        raise error_at(stmt, "s2s.checkpoint() marks one `for` loop of the function's "
                       "own statements (not inside another loop or a branch): put the "
                       "loop alone in the `with` block", source, Unsupported)
    every = [k.value for k in call.keywords if k.arg == "every"]
    if call.args or len(every) != len(call.keywords) or stmt.items[0].optional_vars:
        raise error_at(stmt, "s2s.checkpoint takes only `every=<iterations per segment>`",
                       source, Unsupported)
    loop = stmt.body[0]
    loop.s2s_checkpoint = every[0] if every else None
    return loop
