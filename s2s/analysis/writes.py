"""Writes: check that every `y[index] = v` writes into an array that the function
made itself and that no other name refers to.

In: a function in the core language.  Out: nothing, or an error at the write.
The generated code writes in place, as the user's code does; this is what makes that
safe: the caller's arrays are never changed, and no other variable (or view) sees
the write, so restoring the old part in the adjoint sweep is exact.
"""

import gast
import numpy

from ..errors import Unsupported, error_at
from ..syntax import parameter_names, statements

# NumPy functions and array methods that return a new array, never a view
NEW_ARRAYS = {
    numpy.zeros, numpy.zeros_like, numpy.ones, numpy.ones_like, numpy.empty,
    numpy.empty_like, numpy.full, numpy.full_like, numpy.array, numpy.copy,
    numpy.eye, numpy.identity, numpy.arange, numpy.linspace, numpy.concatenate,
    numpy.stack, numpy.ndarray.copy, numpy.ndarray.astype,
}


def check_writes(fn, operations, source):
    stmts = [stmt for stmt, _ in statements(fn.body)]
    written = {
        s.targets[0].value.id: s
        for s in stmts
        if isinstance(s, gast.Assign) and isinstance(s.targets[0], gast.Subscript)
    }
    if not written:
        return
    parameters = set(parameter_names(fn))
    for name, write in written.items():
        if name in parameters:
            raise error_at(
                write, f"writing into parameter {name!r} would change the caller's array; "
                f"write into a copy ({name} = {name}.copy())", source, Unsupported,
            )
    for stmt in stmts:
        if not (isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name)):
            continue
        target, value = stmt.targets[0].id, stmt.value
        if isinstance(value, gast.Name) and value.id in written:
            raise error_at(
                stmt, f"{target!r} refers to the same array as {value.id!r}, which is "
                "written into; write into a copy", source, Unsupported,
            )
        if target in written and not _makes_new_array(value, operations):
            fix = f"{target} = {value.id}.copy()" if isinstance(value, gast.Name) else (
                f"{target} = (...).copy()"
            )
            raise error_at(
                written[target], f"writing into {target!r}, which may share memory with "
                f"another array; write into a copy ({fix})", source, Unsupported,
            )


def _makes_new_array(value, operations):
    if isinstance(value, (gast.BinOp, gast.UnaryOp)):
        return True
    if isinstance(value, (gast.List, gast.Tuple, gast.Dict)):
        return True
    if isinstance(value, gast.Call):
        operation = operations.classify(value)
        return operation.key in NEW_ARRAYS
    return False
