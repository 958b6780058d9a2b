"""Markup of generated code, which both modes write and later passes read: comments
that `emit` turns into `#` lines, the mark on derivative statements (the optimizer
may remove them when unused), the number checks heading a function, and the checks
that values reaching a rule for real values only are real."""

import gast

from .syntax import constant, load

COMMENT = "_s2s_comment_"


def comment(text):
    """A statement that `emit` turns into a `# text` line."""
    call = gast.Call(func=load(COMMENT), args=[constant(text)], keywords=[])
    return gast.Expr(value=call)


def is_comment(stmt):
    return (
        isinstance(stmt, gast.Expr)
        and isinstance(stmt.value, gast.Call)
        and isinstance(stmt.value.func, gast.Name)
        and stmt.value.func.id == COMMENT
    )


def number_checks(call, values, lists=frozenset()):
    """`require_scalars(name=value, ...)`, and `require_number_lists(...)` for those of
    the names that are `lists` of numbers (`call(helper)` makes the runtime call), or
    nothing where there is nothing to check."""
    out = []
    for helper, names in (("require_scalars", [n for n in values if n not in lists]),
                          ("require_number_lists", [n for n in values if n in lists])):
        if names:
            check = call(helper)
            check.keywords = [gast.keyword(arg=n, value=values[n]) for n in names]
            out.append(gast.Expr(value=check))
    return out


def real_checks(operation, active, call):
    """`require_real(x, ..., what="np.var", why=...)` for the operands that carry a derivative
    into an operation whose rule holds for real values only (templating.real_only), or
    nothing."""
    from .templating import real_only_reason

    reason = real_only_reason(operation.key)
    names = [a for a in operation.args + list(operation.keywords.values())
             if isinstance(a, gast.Name) and a.id in active]
    if reason is None or not names:
        return []
    check = call("require_real")
    check.args = [load(a.id) for a in names]
    check.keywords = [gast.keyword(arg="what", value=constant(operation.label)),
                      gast.keyword(arg="why", value=constant(reason))]
    return [gast.Expr(value=check)]


def describe(source, line):
    """The text of the comment heading a primal line's derivative code."""
    text = source.line(line)
    if len(text) > 72:
        text = text[:69] + "..."
    return f"d of: {text}  ({source.basename}:{line})"


def mark(stmt):
    """Flag `stmt` as adjoint code, which the optimizer may remove when unused."""
    stmt.s2s_adjoint = True
    return stmt
