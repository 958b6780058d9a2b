"""Scalars: which names surely hold a single number (shape `()`), so derivative rules
can skip undoing broadcasting against them.

In: a function in the core language.  Out: the set of such names.

A name is a scalar when every assignment to it is: a number; a scalar name; `+ - *
/ ** %` or unary minus of scalars and numbers; a `math` function's result; `len(...)`,
`int(...)`, `float(...)`; or it is a parameter annotated `float`/`int`, or a `range`
loop's counter.  Loop-carried names make the facts circular, so this is the greatest
set consistent with every assignment (assume scalar, remove what contradicts it).
"""

import math

import gast

from ..syntax import parameter_names, statements

SCALAR_ANNOTATIONS = {"float", "int"}
SCALAR_FUNCTIONS = {len, int, float, abs, round, min, max}


def _assignments(stmts):
    out = {}
    for stmt, _ in statements(stmts):
        if getattr(stmt, "s2s_placeholder", False):
            continue  # `x = None` where only some paths bind `x`: never read as None
        if isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name):
            out.setdefault(stmt.targets[0].id, []).append(stmt.value)
        elif isinstance(stmt, gast.For):
            out.setdefault(stmt.target.id, []).append("range counter")
    return out


def scalar_names(fn, operations):
    declared = set()
    for arg in fn.args.posonlyargs + fn.args.args + fn.args.kwonlyargs:
        annotation = arg.annotation
        if isinstance(annotation, gast.Name) and annotation.id in SCALAR_ANNOTATIONS:
            declared.add(arg.id)
    assignments = _assignments(fn.body)
    scalars = declared | set(assignments)
    parameters = set(parameter_names(fn))
    changed = True
    while changed:
        changed = False
        for name in list(scalars - declared):
            if name in parameters or not all(
                _is_scalar(v, scalars, operations) for v in assignments[name]
            ):
                scalars.discard(name)
                changed = True
    return scalars


def _is_scalar(value, scalars, operations):
    if value == "range counter":
        return True
    if isinstance(value, gast.Constant):
        return type(value.value) in (int, float)
    if isinstance(value, gast.Name):
        return value.id in scalars
    if isinstance(value, gast.BinOp) and not isinstance(value.op, gast.MatMult):
        return all(_is_scalar(v, scalars, operations) for v in (value.left, value.right))
    if isinstance(value, gast.UnaryOp) and isinstance(value.op, (gast.USub, gast.UAdd)):
        return _is_scalar(value.operand, scalars, operations)
    if isinstance(value, gast.Call):
        function = operations.resolve(value.func)
        if getattr(function, "__module__", None) == "math" or function is getattr(math, "pow"):
            return True
        if function in SCALAR_FUNCTIONS:
            return function in (len, int, float) or all(
                _is_scalar(a, scalars, operations) for a in value.args
            )
    return False
