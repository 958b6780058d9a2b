"""Purity: assignments whose only effect is the value they give a name, so that a
gradient may leave them out where nothing reads that name.

In: a function in the core language.  Out: the `id`s of such `name = value`
statements.

A value is pure when it is made of names, numbers, arithmetic, comparisons, tuples,
attributes (`x.shape`), indexing, and calls of NumPy's ufuncs, `math`'s functions and
functions with a derivative rule (NumPy's mathematics).  Not: the user's functions,
random draws (they advance the generator), `print`, or any other call.  (Left out, a
pure statement that would have failed, a shape mismatch in a value nothing reads, no
longer fails.)
"""

import math

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


def _pure(node, operations):
    if isinstance(node, gast.Call):
        function = operations.classify(node).key
        if not (
            isinstance(function, numpy.ufunc)
            or getattr(function, "__module__", None) == "math"
            or (callable(function) and function in vars(math).values())
            or adjoint_template(function) is not None
        ):
            return False
        parts = list(node.args) + [k.value for k in node.keywords]
        return all(_pure(p, operations) for p in parts)
    if not isinstance(node, PURE_NODES):
        return False
    return all(_pure(child, operations) for child in gast.iter_child_nodes(node))
