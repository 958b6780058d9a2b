"""The logistic function as people write it, `1.0 / (1.0 + np.exp(-x))`, read as one
operation, `one_over_one_plus_exp(-x)` (s2s.runtime.elementwise), which computes
exactly that.

In: a parsed function (gast) and its source.  Out: the same function with each
`1 / (1 + np.exp(e))` (numerator 1, the sum either way round) a call of the
runtime's `one_over_one_plus_exp(e)`.  Its derivative is read from its result z,
-z (1 - z), which the products of a gated network keep anyway: the gradient keeps
neither the exponential nor the denominator of each gate (an LSTM kept two more
arrays per gate and step), and takes two products where it took four operations.
"""

import numpy

import gast

from ..resolve import meaning
from ..syntax import located


def rewrite_logistic(fn, source, reference, logistic):
    """`reference(obj)`: the expression naming `obj` in generated code; `logistic`:
    the runtime's `one_over_one_plus_exp`."""
    locals_ = {n.id for n in gast.walk(fn) if isinstance(n, gast.Name)
               and isinstance(n.ctx, (gast.Store, gast.Param))}

    class Rewrite(gast.NodeTransformer):
        def visit_BinOp(self, node):
            self.generic_visit(node)
            argument = _logistic_of(node, source, locals_)
            if argument is None:
                return node
            return located(gast.Call(func=reference(logistic), args=[argument], keywords=[]),
                           node)

    return Rewrite().visit(fn)


def _logistic_of(node, source, locals_):
    """`e` where `node` is `1 / (1 + np.exp(e))` (or `(np.exp(e) + 1)`), else None."""
    if not (isinstance(node.op, gast.Div) and _one(node.left)
            and isinstance(node.right, gast.BinOp) and isinstance(node.right.op, gast.Add)):
        return None
    left, right = node.right.left, node.right.right
    exponential = right if _one(left) else left if _one(right) else None
    if not (isinstance(exponential, gast.Call) and len(exponential.args) == 1
            and not exponential.keywords and not isinstance(exponential.args[0], gast.Starred)):
        return None
    func = exponential.func
    if isinstance(func, gast.Name) and func.id in locals_:
        return None
    if meaning(func, source.namespace) is not numpy.exp:
        return None
    return exponential.args[0]


def _one(node):
    return (isinstance(node, gast.Constant) and type(node.value) in (int, float)
            and node.value == 1)
