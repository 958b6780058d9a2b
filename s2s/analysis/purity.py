"""Purity: assignments whose only effect is the value they give a name, so that a
gradient may leave them out where nothing reads that name.

In: a function in the core language.  Out: the `id`s of such `name = value`
statements.

A value is pure when it is made of names, numbers, arithmetic, comparisons, tuples,
attributes (`x.shape`), indexing, and calls of NumPy's and `math`'s functions that
have a derivative rule (NumPy's mathematics).  Not: the user's functions (with a rule
of the user's or not), random draws (they advance the generator), `print`, or any
other call.  (Left out, a
pure statement that would have failed, a shape mismatch in a value nothing reads, no
longer fails.)
"""

import numpy

import gast

from ..syntax import statements
from ..templating import adjoint_template

PURE_NODES = (
    gast.Name, gast.Constant, gast.BinOp, gast.UnaryOp, gast.Compare, gast.Tuple,
    gast.Attribute, gast.Subscript, gast.Slice, gast.operator, gast.unaryop, gast.cmpop,
    gast.expr_context,
)


def pure_assignments(fn, operations):
    return {
        id(stmt) for stmt, _ in statements(fn.body)
        if isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name)
        and not getattr(stmt, "s2s_hook", None) and _pure(stmt.value, operations)
    }


def _numpy_or_math(function):
    owner = getattr(function, "__objclass__", None)  # an array method: `x.sum`
    module = getattr(owner or function, "__module__", None) or ""
    return module == "math" or module == "numpy" or module.startswith("numpy.")


def _pure(node, operations):
    if isinstance(node, gast.Call):
        function = operations.classify(node).key
        if not (isinstance(function, numpy.ufunc) or (
            _numpy_or_math(function) and adjoint_template(function) is not None
        )):
            return False
        parts = list(node.args) + [k.value for k in node.keywords]
        return all(_pure(p, operations) for p in parts)
    if not isinstance(node, PURE_NODES):
        return False
    return all(_pure(child, operations) for child in gast.iter_child_nodes(node))
