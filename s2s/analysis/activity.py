"""Activity: which variables need an adjoint.

In: a function in the core language (A-normal form, versioned), the `wrt` names.
Out: the set of *active* names: those that depend on a `wrt` input through
differentiable operations (varied) and that the result depends on through
differentiable operations (useful).  Only active names get adjoints.

The analysis is flow-insensitive over names, which is exact for versioned
straight-line code and a safe over-approximation where names are reassigned.
"""

import gast

from ..callees import is_user_function
from ..errors import Unsupported
from ..syntax import appended, names_read, parameter_names, popped, statements
from ..templating import adjoint_template, is_nondifferentiable, tangent_template
from .writes import mirrored


def derivative_operands(operation, source):
    """The names of the operands a derivative flows from, for one operation."""
    if operation.kind in ("constant", "nondifferentiable"):
        return set()
    if operation.kind == "unresolved":  # refused where a derivative flows: any name counts
        return names_read(operation.node)
    operands = operation.args + list(operation.keywords.values())
    names = {a.id for a in operands if isinstance(a, gast.Name)}
    if operation.kind != "apply":
        return names  # copies, and what the reverse pass will reject if active
    if is_nondifferentiable(operation.key):
        return set()
    # (the runtime's helpers in generated gradients have forward rules only)
    template = adjoint_template(operation.key) or tangent_template(operation.key)
    if template is None:
        return names
    try:
        bound = template.bind(operation.args, operation.keywords, operation.node, source)
    except Unsupported:
        return names
    names = set()
    for p in template.differentiable:
        # a `*operands` parameter is bound to a tuple: each of its names counts
        parts = bound[p].elts if isinstance(bound[p], gast.Tuple) else [bound[p]]
        names |= {a.id for a in parts if isinstance(a, gast.Name)}
    return names


class _Change:
    """Marks, in `_assignments`, an in-place change of a value by `value`:
    `y[i] = value` or `y.append(value)`."""

    def __init__(self, value):
        self.value = value


def _assignments(stmts, operations):
    for stmt, _ in statements(stmts):
        if isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name):
            yield stmt.targets[0].id, stmt.value
        elif isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Subscript):
            yield stmt.targets[0].value.id, _Change(stmt.value)
        elif appended(stmt):
            name, value = appended(stmt)
            yield name, _Change(value)
        elif mirrored(stmt, operations):  # a generated gradient's add_at or restore_item
            _, base, _, value = mirrored(stmt, operations)
            if value is not None:  # (drop_after changes no value's activity)
                yield base.id, _Change(value)


def _returned(stmts):
    return {s.value.id for s in stmts if isinstance(s, gast.Return) and isinstance(s.value, gast.Name)}


def active_names(fn, wrt, operations, source):
    """(A user's function may append to a list it is given, or pop from it, as
    generated gradients do with their tape: such a call may change each list the
    function made that it is passed, with what the others hold; and such a list
    parameter is, like the result, what the function gives back.)"""
    flows = []
    changes = []  # (the result of a call, the lists it may change)
    parameters = set(parameter_names(fn))
    lists = {  # the lists the function makes
        s.targets[0].id for s, _ in statements(fn.body)
        if isinstance(s, gast.Assign) and isinstance(s.targets[0], gast.Name)
        and isinstance(s.value, gast.List)
    }
    for target, value in _assignments(fn.body, operations):
        if isinstance(value, _Change):  # `y[i] = v`: y's new value depends on v and on y
            flows.append((target, {target} | names_read(value.value)))
            continue
        operation = operations.classify(value)
        flows.append((target, derivative_operands(operation, source)))
        if operation.kind == "apply" and is_user_function(operation.key):
            arguments = {a.id for a in operation.args + list(operation.keywords.values())
                         if isinstance(a, gast.Name)}
            flows += [(a, arguments | {a}) for a in arguments & lists]
            if arguments & lists:
                changes.append((target, arguments & lists))

    varied = set(wrt)
    changed = True
    while changed:
        changed = False
        for target, operands in flows:
            if target not in varied and operands & varied:
                varied.add(target)
                changed = True

    useful = _returned(fn.body)
    useful |= {t for t, v in _assignments(fn.body, operations) if isinstance(v, _Change)} & parameters
    useful |= {popped(s) for s, _ in statements(fn.body) if popped(s)} & parameters
    changed = True
    while changed:
        changed = False
        for target, operands in reversed(flows):
            if target in useful and not operands <= useful:
                useful |= operands
                changed = True
        for target, lists_changed in changes:
            # a call that changes a list the result depends on counts, whatever it returns
            if target not in useful and lists_changed & useful:
                useful.add(target)
                changed = True

    return varied & useful
