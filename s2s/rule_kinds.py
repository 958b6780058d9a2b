"""Rules stated once: the templates that the derived kinds of rule give.

In: the parsed function of an `@elementwise` rule.  Out: the bodies (gast statements)
of its adjoint and tangent templates, in the notation hand-written `@adjoint` and
`@tangent` templates use (templating.py), which instantiates them as it does those.

An elementwise rule returns the partial derivatives of its operation's result, one
per argument (None where no derivative flows through one):

    @elementwise(numpy.arctan2, math.atan2)
    def arctan2(z, y, x):
        r = x * x + y * y
        return x / r, -y / r

gives the adjoint rule `d[y] += unbroadcast(d[z] * x / r, y)`, `d[x] -=
unbroadcast(d[z] * y / r, x)` and the tangent rule `d[z] = d[y] * x / r - d[x] * y /
r`.  For a target of the `math` module, NumPy's functions in the rule become math's
(`numpy.cos` is `math.cos`), so that code on numbers stays plain float arithmetic.

`@linear` and `@bilinear` rules need no tree of their own: their function is the
adjoint as written, and their tangent is the operation itself applied to tangents,
made from the call site (templating.LinearTangent).
"""

import math

import gast
import numpy

from .syntax import clone, load, walk

# NumPy's functions and constants that have a counterpart in `math`
NUMPY_TO_MATH = {
    numpy.sin: math.sin, numpy.cos: math.cos, numpy.tan: math.tan,
    numpy.arcsin: math.asin, numpy.arccos: math.acos, numpy.arctan: math.atan,
    numpy.arctan2: math.atan2, numpy.hypot: math.hypot,
    numpy.sinh: math.sinh, numpy.cosh: math.cosh, numpy.tanh: math.tanh,
    numpy.arcsinh: math.asinh, numpy.arccosh: math.acosh, numpy.arctanh: math.atanh,
    numpy.exp: math.exp, numpy.expm1: math.expm1, numpy.exp2: None,
    numpy.log: math.log, numpy.log2: math.log2, numpy.log10: math.log10,
    numpy.log1p: math.log1p, numpy.sqrt: math.sqrt, numpy.cbrt: getattr(math, "cbrt", None),
    numpy.power: math.pow, numpy.fabs: math.fabs, numpy.floor: math.floor,
    numpy.ceil: math.ceil, numpy.trunc: math.trunc, numpy.copysign: math.copysign,
}
MATH_CONSTANTS = {"pi": math.pi, "e": math.e}


def _d(name):
    return gast.Subscript(value=load("d"), slice=load(name), ctx=gast.Load())


def partials(tree, params):
    """(the rule's statements before its `return`, {parameter: its partial derivative
    (an expression)} for the parameters one flows through)."""
    body = list(tree.body)
    if not body or not isinstance(body[-1], gast.Return) or body[-1].value is None:
        raise TypeError(f"elementwise rule {tree.name} must end with `return <partial "
                        "derivative(s)>`, one per argument")
    returned = body[-1].value
    values = returned.elts if isinstance(returned, gast.Tuple) and len(params) > 1 else [returned]
    if len(values) != len(params):
        raise TypeError(f"elementwise rule {tree.name} returns {len(values)} partial "
                        f"derivatives for its {len(params)} arguments")
    found = {p: v for p, v in zip(params, values)
             if not (isinstance(v, gast.Constant) and v.value is None)}
    return body[:-1], found


def scaled(derivative, partial):
    """(`derivative` times `partial`, written as a careful hand would, and its sign):
    `g` for 1, `g / q` for `1 / q`, `g * x / q` for `x / q`, `g * a * b` for `a * b`,
    the sign kept apart."""
    if isinstance(partial, gast.UnaryOp) and isinstance(partial.op, gast.USub):
        product, sign = scaled(derivative, partial.operand)
        return product, -sign
    if isinstance(partial, gast.Constant) and partial.value in (1, 1.0) and (
            type(partial.value) in (int, float)):
        return derivative, 1
    if isinstance(partial, gast.BinOp) and isinstance(partial.op, (gast.Div, gast.Mult)):
        # `g * a * b`, `g * a / b`: left to right, as the product would be written out
        left, sign = scaled(derivative, partial.left)
        return gast.BinOp(left=left, op=partial.op, right=partial.right), sign
    return gast.BinOp(left=derivative, op=gast.Mult(), right=partial), 1


def adjoint_body(tree, result, params):
    """`d[x] += unbroadcast(d[z] * ∂z/∂x, x)` (or `-=`) for each partial derivative."""
    before, found = partials(tree, params)
    body = [clone(s) for s in before]
    for p, partial in found.items():
        if refused(partial):  # `d[n] += no_derivative("why")`
            body.append(gast.AugAssign(target=gast.Subscript(
                value=load("d"), slice=load(p), ctx=gast.Store()), op=gast.Add(),
                value=clone(partial)))
            continue
        product, sign = scaled(_d(result), clone(partial))
        body.append(gast.AugAssign(
            target=gast.Subscript(value=load("d"), slice=load(p), ctx=gast.Store()),
            op=gast.Add() if sign > 0 else gast.Sub(),
            value=gast.Call(func=load("unbroadcast"), args=[product, load(p)], keywords=[]),
        ))
    return body


def tangent_body(tree, result, params):
    """`d[z] = d[x] * ∂z/∂x + d[y] * ∂z/∂y`."""
    before, found = partials(tree, params)
    total = None
    for p, partial in sorted(found.items(), key=lambda item: refused(item[1])):
        if refused(partial):  # `no_derivative(d[n], "why")`: a zero tangent, or refused
            term = gast.Call(func=load("no_derivative"), args=[_d(p)] + [
                clone(a) for a in partial.args], keywords=[])
            total = term if total is None else gast.BinOp(left=total, op=gast.Add(), right=term)
            continue
        term, sign = scaled(_d(p), clone(partial))
        if isinstance(partial, gast.Name) and partial.id in params[:params.index(p)]:
            term = gast.BinOp(left=clone(partial), op=gast.Mult(), right=_d(p))  # `x * d[y]`
        if total is None:
            if sign < 0:  # `-d[x] * q`
                term, _ = scaled(gast.UnaryOp(op=gast.USub(), operand=_d(p)), clone(partial))
            total = term
        else:
            total = gast.BinOp(left=total, op=gast.Add() if sign > 0 else gast.Sub(), right=term)
    if total is None:
        raise TypeError(f"elementwise rule {tree.name} gives no partial derivative")
    flowing = {p: e for p, e in found.items() if not refused(e)}
    if len(flowing) < len(params) and not _reads(
            flowing.values(), {result} | set(params) - set(flowing)):
        # an argument without a derivative may still widen the result (nextafter's x2)
        total = gast.Call(func=load("broadcast_like"), args=[total, load(result)], keywords=[])
    target = gast.Subscript(value=load("d"), slice=load(result), ctx=gast.Store())
    return [clone(s) for s in before] + [
        gast.Assign(targets=[target], value=total, type_comment=None)]


def refused(partial):
    """Whether a partial derivative is `no_derivative("why")` (templating.py)."""
    return (isinstance(partial, gast.Call) and isinstance(partial.func, gast.Name)
            and partial.func.id == "no_derivative")


def _reads(expressions, names):
    return any(isinstance(n, gast.Name) and n.id in names for e in expressions for n in walk(e))


def on_numbers(body, namespace):
    """`body` with NumPy's functions and constants replaced by `math`'s, for a `math`
    target; TypeError naming a NumPy function that `math` lacks.  `namespace`: the
    rule's globals, which the names in `body` mean."""
    class Replace(gast.NodeTransformer):
        def visit_Attribute(self, node):
            obj = _resolved(node, namespace)
            if isinstance(obj, numpy.ufunc) or callable(obj) and getattr(
                    obj, "__module__", "").startswith("numpy"):
                counterpart = NUMPY_TO_MATH.get(obj)
                if counterpart is None:
                    raise TypeError(f"numpy.{node.attr} has no counterpart in math: write "
                                    "the math function's rule apart")
                return gast.Attribute(value=load("math"), attr=counterpart.__name__,
                                      ctx=gast.Load())
            if isinstance(node.value, gast.Name) and _resolved(node.value, namespace) is numpy \
                    and node.attr in MATH_CONSTANTS:
                return gast.Attribute(value=load("math"), attr=node.attr, ctx=gast.Load())
            return self.generic_visit(node)

    return [Replace().visit(s) for s in body]


def _resolved(node, namespace):
    if isinstance(node, gast.Name):
        return namespace.get(node.id)
    if isinstance(node, gast.Attribute):
        base = _resolved(node.value, namespace)
        return getattr(base, node.attr, None) if base is not None else None
    return None


def is_math(target):
    return getattr(target, "__module__", None) == "math"
