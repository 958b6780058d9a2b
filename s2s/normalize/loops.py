"""Loops: every `for` becomes a loop over `range(...)`.

In: a checked function.  Out: the same function where
- `for x in xs:` is `for i in range(len(xs)): x = xs[i]` (a list, a tuple, the rows
  of an array, `np.arange(...)`),
- `for i, x in enumerate(xs, start):` is `for j in range(len(xs)): i = j + start;
  x = xs[j]`,
- `for a, b in zip(xs, ys):` is `for i in range(min(len(xs), len(ys))): a = xs[i];
  b = ys[i]`,
- tuple targets unpack the element (`for a, b in pairs:`),
- a list comprehension `[e for v in xs]` is a list `[None] * len(xs)` filled by such a
  loop just before the statement that uses it (the loop variable renamed, since a
  comprehension's does not leak).
The sequence is named once before the loop, so it is evaluated once, as in Python,
and passed through `s2s.runtime.indexable`, which rejects what indexing would get
wrong (a dict's `d[i]` is not its i-th key).
"""

import gast

from ..syntax import assign, clone, constant, load, located, rename, store


class RangeLoops(gast.NodeTransformer):
    def __init__(self, namer, indexable):
        self.namer = namer
        self.indexable = indexable  # gives the expression naming s2s.runtime.indexable

    def visit_FunctionDef(self, node):
        node.body = self.block(node.body)
        return node

    def block(self, stmts):
        """Statements with their comprehensions computed by loops just before them."""
        out = []
        for stmt in stmts:
            if (
                isinstance(stmt, gast.Assign)
                and isinstance(stmt.targets[0], gast.Name)
                and isinstance(stmt.value, gast.ListComp)
            ):
                # `ys = [e for v in xs]`: the loop fills `ys` itself
                self.comprehensions(stmt.value, out, stmt, name=stmt.targets[0].id)
                continue
            for field in ("test", "iter"):  # a compound statement's own expression
                if hasattr(stmt, field) and not isinstance(stmt, gast.While):
                    setattr(stmt, field, self.comprehensions(getattr(stmt, field), out, stmt))
            if isinstance(stmt, (gast.If, gast.For, gast.While)):
                stmt.body = self.block(stmt.body)
                stmt.orelse = self.block(stmt.orelse)
            else:
                stmt = self.comprehensions(stmt, out, stmt)
            result = self.visit(stmt) if isinstance(stmt, gast.For) else stmt
            out.extend(result if isinstance(result, list) else [result])
        return out

    def comprehensions(self, node, out, like, name=None):
        """`node` with each `[e for v in xs]` replaced by a list that a loop before it
        fills: `ys = [None] * len(xs)`, then `ys[i] = e` for each `v = xs[i]`."""
        owner = self

        class Hoist(gast.NodeTransformer):
            def visit_ListComp(self, comp):
                generator = comp.generators[0]
                result = name or owner.namer.fresh("elements")
                variable = owner.namer.fresh(generator.target.id)
                element = rename(comp.elt, {generator.target.id: variable})
                loop = gast.For(
                    target=store(variable), iter=generator.iter,
                    body=[assign(
                        gast.Subscript(value=load(result), slice=None, ctx=gast.Store()),
                        element, like=like,
                    )],
                    orelse=[], type_comment=None,
                )
                rewritten = owner.visit_For(loop)
                *before, range_loop = rewritten
                size = range_loop.iter.args[0]
                index = range_loop.target.id
                range_loop.body[-1].targets[0].slice = load(index)
                empty = gast.BinOp(
                    left=gast.List(elts=[constant(None)], ctx=gast.Load()),
                    op=gast.Mult(), right=clone(size),
                )
                out.extend(located(s, like) for s in before)
                out.append(assign(result, empty, like=like))
                out.append(located(range_loop, like))
                return load(result)

        return Hoist().visit(node)

    def visit_For(self, node):
        node.body = self.block(node.body)
        if _is_call_of(node.iter, "range") and isinstance(node.target, gast.Name):
            return node
        before, count, elements = self.sequences(node)
        index = self.namer.fresh("i")
        prologue = []
        if _is_call_of(node.iter, "enumerate"):
            counter, target = node.target.elts
            start = node.iter.args[1] if len(node.iter.args) > 1 else constant(0)
            position = load(index) if _is_zero(start) else gast.BinOp(
                left=load(index), op=gast.Add(), right=start
            )
            prologue.append(assign(counter, position, like=node))
            targets = [target]
        elif _is_call_of(node.iter, "zip"):
            targets = list(node.target.elts)
        else:
            targets = [node.target]
        for target, sequence in zip(targets, elements):
            element = gast.Subscript(value=load(sequence), slice=load(index), ctx=gast.Load())
            prologue.append(assign(target, element, like=node))
        loop = gast.For(
            target=store(index),
            iter=gast.Call(func=load("range"), args=[count], keywords=[]),
            body=prologue + node.body,
            orelse=[],
            type_comment=None,
        )
        return [located(s, node) for s in before] + [located(loop, node)]

    def sequences(self, node):
        """Statements naming the sequences, the trip count, and the sequences' names."""
        if _is_call_of(node.iter, "enumerate"):
            iterables = node.iter.args[:1]
        elif _is_call_of(node.iter, "zip"):
            iterables = node.iter.args
        else:
            iterables = [node.iter]
        before, names = [], []
        for iterable in iterables:
            if not isinstance(iterable, (gast.List, gast.Tuple)):
                # dicts, sets and generators are not indexable as sequences: fail clearly
                iterable = gast.Call(func=self.indexable(), args=[iterable], keywords=[])
            name = self.namer.fresh("sequence")
            before.append(assign(name, iterable, like=node))
            names.append(name)
        lengths = [gast.Call(func=load("len"), args=[load(n)], keywords=[]) for n in names]
        count = lengths[0] if len(lengths) == 1 else gast.Call(
            func=load("min"), args=lengths, keywords=[]
        )
        return before, count, names


def _is_call_of(node, name):
    return (
        isinstance(node, gast.Call)
        and isinstance(node.func, gast.Name)
        and node.func.id == name
        and not node.keywords
    )


def _is_zero(node):
    return isinstance(node, gast.Constant) and node.value == 0


def range_loops(fn, namer, indexable):
    return RangeLoops(namer, indexable).visit(fn)
