"""Numbers: arithmetic on number literals in the user's code, done once, here.

In: a function.  Out: the same function where `3 - 1`, `2.0 * 3.0`, `-(1.5)` are the
numbers they make (Python computes the same values; it folds such constants itself
when it compiles).  So A-normal form gives them no names, and derivative rules see the
number (`x ** (3 - 1)` is `x ** 2`, whose adjoint reads `x`).
"""

import gast

from ..operations import BINARY

ARITHMETIC = {
    op: BINARY[op]
    for op in (gast.Add, gast.Sub, gast.Mult, gast.Div, gast.FloorDiv, gast.Mod, gast.Pow)
}


def fold_numbers(fn):
    return _Fold().visit(fn)


def _number(node):
    return isinstance(node, gast.Constant) and type(node.value) in (int, float)


class _Fold(gast.NodeTransformer):
    def visit_BinOp(self, node):
        self.generic_visit(node)
        if _number(node.left) and _number(node.right) and type(node.op) in ARITHMETIC:
            try:
                value = ARITHMETIC[type(node.op)](node.left.value, node.right.value)
            except (ArithmeticError, ValueError):  # 1 / 0 fails where Python runs it
                return node
            if type(value) in (int, float) and abs(value) < 1e300:
                return gast.copy_location(gast.Constant(value=value, kind=None), node)
        return node

    def visit_UnaryOp(self, node):
        self.generic_visit(node)
        if _number(node.operand) and isinstance(node.op, (gast.USub, gast.UAdd)):
            value = -node.operand.value if isinstance(node.op, gast.USub) else node.operand.value
            return gast.copy_location(gast.Constant(value=value, kind=None), node)
        return node
