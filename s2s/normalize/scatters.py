"""Scatters: `np.add.at(a, index, values)`, which adds into `a` in place (repeated
places adding up), becomes the write `a[...] = scatter_added(a, index, values)`;
`np.subtract.at` adds `-values`; `np.maximum.at` and `np.minimum.at` become
`a[...] = scatter_extreme(a, index, values, "maximum")`; `np.multiply.at`,
`np.divide.at` and `np.power.at` (one index array) become a loop that writes one place
at a time, as NumPy does.

In: the checked function, as written.  Out: the same, each such statement (of its
own, into a name) rewritten: the same values land in the same memory, in a form s2s
differentiates as any write into an array, forward and in reverse.  Other ufuncs'
`.at` stay refused (analysis/writes.py).
"""

import gast
import numpy

from ..runtime.selection import scatter_added, scatter_extreme, scatter_places
from ..syntax import clone, constant, load, located, store

# ufuncs whose `.at` s2s runs one place at a time (a loop of writes): their operator
ONE_AT_A_TIME = {numpy.multiply: gast.Mult, numpy.divide: gast.Div, numpy.power: gast.Pow}


def rewrite_scatters(fn, operations, reference, namer):
    """`reference(helper)`: the name node of a runtime helper in generated code."""
    return _Scatters(operations, reference, namer).visit(fn)


class _Scatters(gast.NodeTransformer):
    def __init__(self, operations, reference, namer):
        self.operations = operations
        self.reference = reference
        self.namer = namer

    def visit_Expr(self, node):
        call = node.value
        ufunc = self.operations.resolve(call.func.value) if (
            isinstance(call, gast.Call) and isinstance(call.func, gast.Attribute)) else None
        if not (ufunc in (numpy.add, numpy.subtract, numpy.maximum, numpy.minimum)
                or ufunc in ONE_AT_A_TIME) or not (
                call.func.attr == "at" and len(call.args) == 3 and not call.keywords
                and isinstance(call.args[0], gast.Name)):
            return node
        into, index, values = call.args
        if ufunc in ONE_AT_A_TIME:
            return self.one_at_a_time(node, ONE_AT_A_TIME[ufunc], into, index, values)
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

    def one_at_a_time(self, node, op, into, index, values):
        """`np.multiply.at(a, index, values)` as NumPy runs it, place by place:
            places = scatter_places(index)
            values_at = broadcast_to(values, np.shape(a[places]))
            for k in range(len(places)):
                a[places[k]] = a[places[k]] * values_at[k]
        which s2s differentiates as any loop of writes."""
        places, at, k = (self.namer.fresh(n) for n in ("places", "values_at", "k"))
        shape = gast.Call(func=self.reference(numpy.shape), keywords=[], args=[
            gast.Subscript(value=clone(into), slice=load(places), ctx=gast.Load())])
        place = gast.Subscript(value=load(places), slice=load(k), ctx=gast.Load())
        update = gast.Assign(
            targets=[gast.Subscript(value=clone(into), slice=clone(place), ctx=gast.Store())],
            value=gast.BinOp(left=gast.Subscript(value=clone(into), slice=clone(place),
                                                 ctx=gast.Load()),
                             op=op(), right=gast.Subscript(value=load(at), slice=load(k),
                                                           ctx=gast.Load())),
            type_comment=None)
        loop = gast.For(target=store(k), iter=gast.Call(func=load("range"), keywords=[], args=[
            gast.Call(func=load("len"), args=[load(places)], keywords=[])]),
            body=[update], orelse=[], type_comment=None)
        stmts = [
            gast.Assign(targets=[store(places)], type_comment=None, value=gast.Call(
                func=self.reference(scatter_places), args=[index], keywords=[])),
            gast.Assign(targets=[store(at)], type_comment=None, value=gast.Call(
                func=self.reference(numpy.broadcast_to), args=[values, shape], keywords=[])),
            loop,
        ]
        return [located(s, node) for s in stmts]
