"""Shapes: which names surely hold values of one shape, so derivative rules can skip
undoing broadcasting between them (and the tape need not keep a value only its shape
was read for).

In: a function in the core language, its scalar names (scalars.py).  Out: `Shapes`,
the set of scalar names that also answers `alike(a, b)`.

A name has the shape of another when every assignment to it is: that name; a
one-argument ufunc of it (`np.sin(x)`, `-x`); or arithmetic (or a two-argument ufunc)
of it with a scalar or with a name of its shape.  Loop-carried names make the facts
circular: each name starts with what its first assignment says, and loses it when
another assignment disagrees, until nothing changes.

Parts `y[i]`, `y[i, j]` of an array `y` made once, here (`np.zeros(...)`), with
scalar indices, all have one shape: `part(y, 2)` names that of `y[i, j]`, so that
`alike(v, part(y, 1))` says a write `y[t + 1] = v` broadcasts nothing.

Slices of an array whose shape does not change (a parameter, or a name bound once,
outside loops; writes into it keep its shape) with constant bounds, `u[1:-1]`,
`u[2:]`, `u[:-2]`, have one shape where they cut as much: max(0, len(u) - 2) rows
each.  `sliced_class` names it `("sliced", "u", (-2,))`, for the stencils of explicit
PDE solvers.  An array made like such an array (`np.zeros_like(u)`, `u.copy()`),
however often, is of its class, and so are its slices.
"""

import numpy

import gast

from ..syntax import statements
from .writes import NEW_ARRAYS

ARITHMETIC = (gast.Add, gast.Sub, gast.Mult, gast.Div, gast.Pow, gast.Mod, gast.FloorDiv)
# functions whose result has the shape of their first argument, given no keywords
# (`shape=` would change it)
ALIKE = {numpy.zeros_like, numpy.ones_like, numpy.empty_like, numpy.full_like, numpy.copy,
         numpy.ndarray.copy}


class Shapes(frozenset):
    """The scalar names; `alike(a, b)`: whether names `a` and `b` surely share a shape."""

    def __new__(cls, scalars, classes=None, fixed=frozenset()):
        shapes = super().__new__(cls, scalars)
        shapes.classes = classes or {}  # name -> a name of its shape (a class's root)
        shapes.fixed = fixed  # arrays whose shape does not change
        shapes.lists = getattr(scalars, "lists", frozenset())  # lists of numbers
        return shapes

    def alike(self, a, b):
        return a == b or _find(self.classes, a) == _find(self.classes, b)

    def fills(self, value, array, index):
        """Whether the name `value` surely has the shape of `array[index]`, so that
        writing it there broadcasts nothing."""
        depth = scalar_index_depth(index, self)
        if array in self.lists:  # a number, written over a number
            return depth == 1 and value in self
        if depth is None:
            cut = sliced_class(array, index, self.fixed, self.classes)
            return cut is not None and self.alike(value, cut)
        return self.alike(value, part(array, depth))


def part(array, depth):
    """The class of the parts `array[i]` (`depth` scalar indices) of a made array."""
    return ("part", array, depth)


def sliced_class(array, index, fixed, classes):
    """The class of `array[index]`, for an array of `fixed` shape (or of the class of
    one) and constant slices `a:b` (a >= 0, b < 0 or none; no step) on its first axes:
    what each cuts, or None."""
    array = _find(classes, array)
    if array not in fixed:
        return None
    parts = index.elts if isinstance(index, gast.Tuple) else [index]
    cuts = []
    for p in parts:
        if not isinstance(p, gast.Slice) or p.step is not None:
            return None
        start = 0 if p.lower is None else _constant_int(p.lower)
        stop = 0 if p.upper is None else _constant_int(p.upper)
        if start is None or stop is None or start < 0 or stop > 0 or (
                p.upper is not None and stop == 0):
            return None
        cuts.append(stop - start)
    return ("sliced", array, tuple(cuts))


def _constant_int(node):
    sign = 1
    if isinstance(node, gast.UnaryOp) and isinstance(node.op, gast.USub):
        sign, node = -1, node.operand
    if isinstance(node, gast.Constant) and type(node.value) is int:
        return sign * node.value
    return None


def scalar_index_depth(index, scalars):
    """How many scalar indices `index` is (`i`, `i, j`, `-1`), or None."""
    parts = index.elts if isinstance(index, gast.Tuple) else [index]
    for p in parts:
        if isinstance(p, gast.UnaryOp) and isinstance(p.op, gast.USub):
            p = p.operand
        if not ((isinstance(p, gast.Constant) and type(p.value) is int)
                or (isinstance(p, gast.Name) and p.id in scalars)):
            return None
    return len(parts)


def shape_facts(fn, operations, scalars):
    values, in_loops = {}, set()
    for stmt, in_loop in statements(fn.body):
        if getattr(stmt, "s2s_placeholder", False):
            continue
        if isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name):
            values.setdefault(stmt.targets[0].id, []).append(stmt.value)
            if in_loop:
                in_loops.add(stmt.targets[0].id)
        else:  # loop counters, tuple targets: no facts
            for node in _stores(stmt):
                values.setdefault(node, []).append(None)
    excluded = set(scalars)
    made = {  # arrays bound once, outside loops, to a new array: their parts keep one shape
        name for name, assigned in values.items()
        if len(assigned) == 1 and name not in in_loops and isinstance(assigned[0], gast.Call)
        and operations.classify(assigned[0]).key in NEW_ARRAYS - {list, dict}
    }
    fixed = frozenset(  # names bound once, outside loops, and parameters never bound
        {name for name, assigned in values.items()
         if len(assigned) == 1 and name not in in_loops and assigned[0] is not None}
        | {a.id for a in fn.args.posonlyargs + fn.args.args + fn.args.kwonlyargs
           if a.id not in values})
    made = _Arrays(made, fixed)
    while True:
        classes = _classes(values, excluded, operations, scalars, made)
        wrong = {
            name for name, assigned in values.items()
            if name in classes and any(
                _shape_of(v, classes, operations, scalars, made) != _find(classes, name)
                for v in assigned
            )
        }
        if not wrong:
            return Shapes(scalars, classes, fixed)
        excluded |= wrong


class _Arrays:
    """`parts`: arrays made here whose parts have one shape; `fixed`: arrays whose
    shape does not change (whose like slices have one shape)."""

    def __init__(self, parts, fixed):
        self.parts, self.fixed = parts, fixed


def _stores(stmt):
    if isinstance(stmt, gast.For):
        return [n.id for n in gast.walk(stmt.target) if isinstance(n, gast.Name)]
    if isinstance(stmt, gast.Assign):
        return [n.id for t in stmt.targets for n in gast.walk(t)
                if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Store)]
    return []


def _classes(values, excluded, operations, scalars, made):
    """Each name's class from its first assignment, in order (names read before they
    are assigned, in loops, are their own class until then)."""
    classes = {}
    changed = True
    while changed:
        changed = False
        for name, assigned in values.items():
            if name in excluded or name in classes:
                continue
            root = _shape_of(assigned[0], classes, operations, scalars, made)
            if root is not None and root != name and _find(classes, root) != name:
                classes[name] = root
                changed = True
    return classes


def _find(classes, name):
    """The root of `name`'s class."""
    while name in classes:
        name = classes[name]
    return name


def _shape_of(value, classes, operations, scalars, made):
    """The class root of `value`'s shape, or None where unknown or a scalar's
    (`made`: the arrays whose parts have one shape)."""
    if isinstance(value, gast.Name):
        return None if value.id in scalars else _find(classes, value.id)
    if (isinstance(value, gast.Subscript) and isinstance(value.value, gast.Name)
            and value.value.id in made.parts):
        depth = scalar_index_depth(value.slice, scalars)
        if depth:
            return part(value.value.id, depth)
    if isinstance(value, gast.Subscript) and isinstance(value.value, gast.Name):
        return sliced_class(value.value.id, value.slice, made.fixed, classes)
    if isinstance(value, gast.UnaryOp) and isinstance(value.op, (gast.USub, gast.UAdd)):
        return _shape_of(value.operand, classes, operations, scalars, made)
    if isinstance(value, gast.BinOp) and isinstance(value.op, ARITHMETIC):
        return _common(value.left, value.right, classes, operations, scalars, made)
    if isinstance(value, gast.Call) and not value.keywords:
        function = operations.classify(value).key
        if function in ALIKE:
            method = isinstance(value.func, gast.Attribute) and function is numpy.ndarray.copy
            like = value.func.value if method else value.args[0] if value.args else None
            return None if like is None else _shape_of(like, classes, operations, scalars, made)
        if isinstance(function, numpy.ufunc) and function.nout == 1:
            if function.nin == 1 and len(value.args) == 1:
                return _shape_of(value.args[0], classes, operations, scalars, made)
            if function.nin == 2 and len(value.args) == 2:
                return _common(*value.args, classes, operations, scalars, made)
    return None


def _common(left, right, classes, operations, scalars, made):
    """The shape of an elementwise operation on `left` and `right`: one operand's,
    where the other is a scalar or has the same shape."""
    if _scalar(left, scalars):
        return _shape_of(right, classes, operations, scalars, made)
    if _scalar(right, scalars):
        return _shape_of(left, classes, operations, scalars, made)
    a = _shape_of(left, classes, operations, scalars, made)
    b = _shape_of(right, classes, operations, scalars, made)
    return a if a is not None and a == b else None


def _scalar(node, scalars):
    return (isinstance(node, gast.Constant) and type(node.value) in (int, float)) or (
        isinstance(node, gast.Name) and node.id in scalars
    )
