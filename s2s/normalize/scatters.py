"""Scatters: `np.add.at(a, index, values)`, which adds into `a` in place (repeated
places adding up), becomes the write `a[...] = scatter_added(a, index, values)`;
`np.subtract.at` adds `-values`; `np.maximum.at` and `np.minimum.at` become
`a[...] = scatter_extreme(a, index, values, "maximum")`.

In: the checked function, as written.  Out: the same, each such statement (of its
own, into a name) rewritten: the same values land in the same memory, in a form s2s
differentiates as any write into an array, forward and in reverse.  Other ufuncs'
`.at` stay refused (analysis/writes.py).
"""

import gast
import numpy

from ..runtime.selection import scatter_added, scatter_extreme
from ..syntax import clone, constant, load


def rewrite_scatters(fn, operations, reference):
    """`reference(helper)`: the name node of a runtime helper in generated code."""
    return _Scatters(operations, reference).visit(fn)


class _Scatters(gast.NodeTransformer):
    def __init__(self, operations, reference):
        self.operations = operations
        self.reference = reference

    def visit_Expr(self, node):
        call = node.value
        ufunc = self.operations.resolve(call.func.value) if (
            isinstance(call, gast.Call) and isinstance(call.func, gast.Attribute)) else None
        if not (ufunc in (numpy.add, numpy.subtract, numpy.maximum, numpy.minimum)
                and call.func.attr == "at" and len(call.args) == 3 and not call.keywords
                and isinstance(call.args[0], gast.Name)):
            return node
        into, index, values = call.args
        target = gast.Subscript(value=load(into.id), slice=gast.Constant(value=Ellipsis, kind=None),
                                ctx=gast.Store())
        if ufunc is numpy.subtract:
            values = gast.UnaryOp(op=gast.USub(), operand=values)
        if ufunc in (numpy.add, numpy.subtract):
            added = gast.Call(func=self.reference(scatter_added),
                              args=[clone(into), index, values], keywords=[])
        else:
            added = gast.Call(func=self.reference(scatter_extreme), keywords=[], args=[
                clone(into), index, values, constant(ufunc.__name__)])
        return gast.copy_location(gast.Assign(targets=[target], value=added, type_comment=None),
                                  node)
