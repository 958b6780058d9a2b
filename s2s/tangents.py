"""Zero tangents in forward-mode rules: marked, then dropped.

A tangent rule is instantiated for every call site; an argument whose value does not
depend on the `wrt` parameters has no tangent, and gets a zero marker
(`_s2s_zero_(x)`, remembering `x`).  `simplified` then takes the expression apart:
rules are linear in the tangents, so a product, quotient, call, subscript or
attribute whose only tangents are zero is zero, a sum drops its zero terms, and a
zero left next to a nonzero tangent in a call or display becomes `zeros_like(x)`.
"""

import gast

from .syntax import walk

ZERO = "_s2s_zero_"


def zero(primal):
    """The marker of the zero tangent of `primal` (a node)."""
    return gast.Call(func=gast.Name(id=ZERO, ctx=gast.Load(), annotation=None,
                                    type_comment=None), args=[primal], keywords=[])


def is_zero(node):
    return (
        isinstance(node, gast.Call) and isinstance(node.func, gast.Name)
        and node.func.id == ZERO
    )


def simplified(expr, tangents, zeros_like, broadcast, wide):
    """`expr` without its zero terms, or None where it is zero as a whole.

    `tangents` holds the names of tangents; `zeros_like(primal)` makes the node of an
    explicit zero tangent; `broadcast(term, primals, before)` the node of a sum's
    remaining `term` at the shape the zero terms (of `primals`, `before` it or after
    it) may have given the sum (`d[x] + d[y]` for a vector x and a matrix y is `d[x]`
    at y's shape; for lists, `+` joins them).  `wide(primal)`: whether a value may be
    an array (not a number), whose zero tangent may widen a sum."""
    return _Simplify(tangents, zeros_like, broadcast, wide).value(expr)


class _Simplify:
    def __init__(self, tangents, zeros_like, broadcast, wide):
        self.tangents = tangents
        self.zeros_like = zeros_like
        self.broadcast = broadcast
        self.wide = wide

    def holds_tangent(self, node):
        return any(
            is_zero(n) or (isinstance(n, gast.Name) and n.id in self.tangents)
            for n in walk(node)
        )

    def value(self, node):
        """`node` simplified; None for zero."""
        if is_zero(node):
            return None
        method = getattr(self, type(node).__name__, None)
        return method(node) if method else node

    def explicit(self, node, original):
        """A simplified operand where a value is needed: zeros where it vanished."""
        if node is not None:
            return node
        markers = [n for n in walk(original) if is_zero(n)]
        return self.zeros_like(markers[0].args[0])

    def BinOp(self, node):
        left, right = self.value(node.left), self.value(node.right)
        if isinstance(node.op, (gast.Add, gast.Sub)) and (left is None or right is None):
            if left is None and right is None:
                return None
            gone = node.left if left is None else node.right
            primals = [n.args[0] for n in walk(gone) if is_zero(n)]
            if not any(map(self.wide, primals)):  # numbers: the sum keeps its shape
                if right is None:
                    return left
                return right if isinstance(node.op, gast.Add) else gast.UnaryOp(
                    op=gast.USub(), operand=right)
            kept = left if right is None else right
            read = {n.id for n in walk(kept) if isinstance(n, gast.Name)}
            if not _bare(gone) and not read & {p.id for p in primals if self.wide(p)}:
                # a term like `sum(d[x])` is not shaped like `x`: its zeros are
                # computed, so that the sum has the shape it would have had (unless
                # the term left reads x, and so broadcasts with it already)
                zeros = _Zeroed(self.zeros_like).visit(gone)
                node.left, node.right = (zeros, right) if left is None else (left, zeros)
                return node
            if right is None:
                return self.broadcast(left, primals, False)
            if isinstance(node.op, gast.Sub):
                right = gast.UnaryOp(op=gast.USub(), operand=right)
            return self.broadcast(right, primals, True)
        elif left is None or right is None:  # a product: zero times anything is zero
            return None
        node.left, node.right = left, right
        return node

    def UnaryOp(self, node):
        operand = self.value(node.operand)
        if operand is None:
            return None
        node.operand = operand
        return node

    def Subscript(self, node):
        value = self.value(node.value)
        if value is None:
            return None
        node.value = value
        return node

    def Attribute(self, node):
        return self.Subscript(node)

    def _parts(self, parts):
        """Simplify the parts of a call or display: (their new nodes, whether any part
        holding a tangent survived, whether any vanished)."""
        out, kept, vanished = [], False, False
        for part in parts:
            had = self.holds_tangent(part)
            new = self.value(part)
            if new is None:
                vanished = True
            elif had:
                kept = True
            out.append((new, part))
        return out, kept, vanished

    def Call(self, node):
        # a method's receiver is a part too: `dx.dot(y)` is zero with dx
        method = isinstance(node.func, gast.Attribute) and self.holds_tangent(node.func.value)
        values = ([node.func.value] if method else []) + list(node.args) + [
            k.value for k in node.keywords]
        parts, kept, vanished = self._parts(values)
        if vanished and not kept:
            return None
        parts = [self.explicit(new, old) for new, old in parts]
        if method:
            node.func.value = parts.pop(0)
        node.args = parts[:len(node.args)]
        for keyword, value in zip(node.keywords, parts[len(node.args):]):
            keyword.value = value
        return node

    def _display(self, node, field):
        parts, kept, vanished = self._parts(getattr(node, field))
        if vanished and not kept:
            return None
        setattr(node, field, [self.explicit(new, old) for new, old in parts])
        return node

    def Tuple(self, node):
        return self._display(node, "elts")

    def List(self, node):
        return self._display(node, "elts")

    def IfExp(self, node):
        body, orelse = self.value(node.body), self.value(node.orelse)
        if body is None and orelse is None:
            return None
        node.body, node.orelse = self.explicit(body, node.body), self.explicit(orelse, node.orelse)
        return node


def _bare(node):
    """Whether a term is a tangent as it is, up to sign and a factor that is a number
    or a name (`d[y]`, `-d[y]`, `d[y] * c`): shaped like its value then."""
    if is_zero(node):
        return True
    if isinstance(node, gast.UnaryOp) and isinstance(node.op, (gast.USub, gast.UAdd)):
        return _bare(node.operand)
    if isinstance(node, gast.BinOp) and isinstance(node.op, (gast.Mult, gast.Div)):
        factor = node.right if _bare(node.left) else node.left if isinstance(
            node.op, gast.Mult) and _bare(node.right) else None
        return isinstance(factor, (gast.Constant, gast.Name))
    return False


class _Zeroed(gast.NodeTransformer):
    """A term with each zero marker replaced by explicit zeros of its value."""

    def __init__(self, zeros_like):
        self.zeros_like = zeros_like

    def visit_Call(self, node):
        if is_zero(node):
            return self.zeros_like(node.args[0])
        return self.generic_visit(node)
