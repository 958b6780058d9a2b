"""Desugar: rewrite assignment forms into single-name assignments.

In: a checked `FunctionDef`.  Out: the same function where every assignment is
`name = expression` or the original subscript form, and where
- `x op= e` is `x = x op e`,
- `x: T = e` is `x = e`,
- `a = b = e` is `a = e; b = a`,
- `a, b = e1, e2` is `t1 = e1; t2 = e2; a = t1; b = t2` (so swaps are right),
- `a, b = e` is `t = e; a = t[0]; b = t[1]`,
- `xs.pop()` as a statement is `t = xs.pop()` (the item is what its derivative
  puts back),
- the docstring and `pass` are gone.
"""

import gast

from ..syntax import (
    assign,
    clone,
    constant,
    is_simple,
    load,
    located,
    names_read,
    names_stored,
    popped,
    store,
    walk,
)


class Desugar(gast.NodeTransformer):
    def __init__(self, namer):
        self.namer = namer

    def visit_FunctionDef(self, node):
        body = node.body
        if body and isinstance(body[0], gast.Expr) and isinstance(body[0].value, gast.Constant):
            body = body[1:]  # the docstring
        node.body = self.block(body)
        return node

    def block(self, stmts):
        out = []
        for stmt in stmts:
            result = self.visit(stmt)
            if result is None:
                continue
            out.extend(result if isinstance(result, list) else [result])
        return out

    def visit_If(self, node):
        node.body = self.block(node.body) or [gast.Pass()]
        node.orelse = self.block(node.orelse)
        return node

    def visit_For(self, node):
        node.body = self.block(node.body) or [gast.Pass()]
        return node  # `for` targets are names by now (normalize/loops.py)

    visit_While = visit_For

    def visit_Pass(self, node):
        return None

    def visit_Expr(self, node):
        if popped(gast.Assign(targets=[], value=node.value)):
            return located(assign(self.namer.temporary(), node.value), node)
        return node

    def visit_AnnAssign(self, node):
        if node.value is None:
            return None  # `x: float` alone declares nothing at run time
        return self.visit(assign(node.target, node.value, like=node))

    def visit_AugAssign(self, node):
        target = node.target
        if isinstance(target, gast.Subscript):
            # `y[i] += v` is `y[i] = y[i] + v`, with a computed index computed once
            before, index = self.named_index(target.slice, node)
            read = gast.Subscript(value=clone(target.value), slice=clone(index), ctx=gast.Load())
            value = gast.copy_location(gast.BinOp(left=read, op=node.op, right=node.value), node)
            written = gast.Subscript(value=target.value, slice=index, ctx=gast.Store())
            return before + [assign(written, value, like=node)]
        read = gast.Name(id=target.id, ctx=gast.Load(), annotation=None, type_comment=None)
        value = gast.copy_location(gast.BinOp(left=read, op=node.op, right=node.value), node)
        return assign(store(target.id), value, like=node)

    def named_index(self, index, like):
        """`index` with each computed part in a temporary (slices and simple parts stay)."""
        parts = index.elts if isinstance(index, gast.Tuple) else [index]
        before, named = [], []
        for part in parts:
            if isinstance(part, gast.Slice) or is_simple(part):
                named.append(part)
            else:
                name = self.namer.temporary()
                before.append(assign(name, part, like=like))
                named.append(load(name))
        if isinstance(index, gast.Tuple):
            return before, gast.Tuple(elts=named, ctx=gast.Load())
        return before, named[0]

    def visit_Assign(self, node):
        first, *others = node.targets
        if not others:
            return self.unpack(first, node.value, node)
        if not isinstance(first, gast.Name):
            whole = self.namer.temporary()
            first = store(whole)
            others = node.targets
        out = [assign(first, node.value, like=node)]
        for other in others:
            out += self.unpack(other, load(first.id), node)
        return out

    def unpack(self, target, value, like):
        if isinstance(target, gast.Name):
            return [assign(target, value, like=like)]
        if not isinstance(target, (gast.Tuple, gast.List)):
            return [assign(target, value, like=like)]
        out = []
        if isinstance(value, (gast.Tuple, gast.List)) and len(value.elts) == len(target.elts):
            parts = value.elts
            written = names_stored(target) | {  # `s[0], s[1] = s[1], s[0]` writes `s`
                part.value.id for part in walk(target)
                if isinstance(part, gast.Subscript) and isinstance(part.ctx, gast.Store)
                and isinstance(part.value, gast.Name)}
            if written & names_read(value):
                # `a, b = b, a`: evaluate every right-hand side before assigning any
                temps = [self.namer.temporary() for _ in parts]
                out += [assign(t, part, like=like) for t, part in zip(temps, parts)]
                parts = [load(t) for t in temps]
        else:
            whole = self.namer.temporary()
            out.append(assign(whole, value, like=like))
            parts = [
                located(
                    gast.Subscript(value=load(whole), slice=constant(i), ctx=gast.Load()), like
                )
                for i in range(len(target.elts))
            ]
        for element, part in zip(target.elts, parts):
            out += self.unpack(element, part, like)
        return out


def desugar(fn, namer):
    return Desugar(namer).visit(fn)
