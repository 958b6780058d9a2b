"""Scatters: `np.add.at(a, index, values)`, which adds into `a` in place (repeated
places adding up), becomes the write `a[...] = scatter_added(a, index, values)`.

In: the checked function, as written.  Out: the same, each such statement (of its
own, into a name) rewritten: the same values land in the same memory, in a form s2s
differentiates as any write into an array, forward and in reverse.  Other ufuncs'
`.at` stay refused (analysis/writes.py).
"""

import gast
import numpy

from ..syntax import clone, load


def rewrite_scatters(fn, operations, helper):
    """`helper()`: the name node of the runtime's `scatter_added` in generated code."""
    return _Scatters(operations, helper).visit(fn)


class _Scatters(gast.NodeTransformer):
    def __init__(self, operations, helper):
        self.operations = operations
        self.helper = helper

    def visit_Expr(self, node):
        call = node.value
        if not (isinstance(call, gast.Call) and isinstance(call.func, gast.Attribute)
                and call.func.attr == "at" and len(call.args) == 3 and not call.keywords
                and isinstance(call.args[0], gast.Name)
                and self.operations.resolve(call.func.value) is numpy.add):
            return node
        into, index, values = call.args
        target = gast.Subscript(value=load(into.id), slice=gast.Constant(value=Ellipsis, kind=None),
                                ctx=gast.Store())
        added = gast.Call(func=self.helper(), args=[clone(into), index, values], keywords=[])
        return gast.copy_location(gast.Assign(targets=[target], value=added, type_comment=None),
                                  node)
