"""Loops: every `for` becomes a loop over `range(...)`.

In: a checked function.  Out: the same function where
- `for x in xs:` is `for i in range(len(xs)): x = xs[i]` (a list, a tuple, the rows
  of an array, `np.arange(...)`),
- `for i, x in enumerate(xs, start):` is `for j in range(len(xs)): i = j + start;
  x = xs[j]`,
- `for a, b in zip(xs, ys):` is `for i in range(min(len(xs), len(ys))): a = xs[i];
  b = ys[i]`,
- `for i, (x, y) in enumerate(zip(xs, ys)):` is `for j in range(min(len(xs),
  len(ys))): i = j; x = xs[j]; y = ys[j]`,
- `for x in reversed(xs):` is a loop over `xs[::-1]` (a range, too, reversed is one),
  and so is `reversed(xs)` given to zip or enumerate,
- tuple targets unpack the element (`for a, b in pairs:`),
- a list comprehension `[e for v in xs if c for w in ys]` (or a generator expression
  that `sum`, `min`, `max`, `any`, `all`, `list`, `tuple` consume) is a list that
  such loops, nested, fill by `append` just before the statement that uses it (the
  loop variables renamed, since a comprehension's do not leak); a dict
  comprehension is a dict they fill by `d[k] = v`.
The sequence is named once before the loop, so it is evaluated once, as in Python,
and passed through `s2s.runtime.indexable`, which rejects what indexing would get
wrong (a dict's `d[i]` is not its i-th key).
"""

import gast

from ..syntax import assign, constant, load, located, names_read, names_stored, rename, store


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
                and isinstance(stmt.value, (gast.ListComp, gast.DictComp))
            ):
                # `ys = [e for v in xs]`: the loop fills `ys` itself
                self.comprehensions(stmt.value, out, stmt, name=stmt.targets[0].id)
                continue
            for field in ("test", "iter"):  # a compound statement's own expression
                if hasattr(stmt, field) and not isinstance(stmt, gast.While):
                    setattr(stmt, field, self.comprehensions(getattr(stmt, field), out, stmt))
            if isinstance(stmt, (gast.If, gast.While)):  # a `for`: in visit_For
                stmt.body = self.block(stmt.body)
                stmt.orelse = self.block(stmt.orelse)
            elif not isinstance(stmt, gast.For):
                stmt = self.comprehensions(stmt, out, stmt)
            result = self.visit(stmt) if isinstance(stmt, gast.For) else stmt
            out.extend(result if isinstance(result, list) else [result])
        return out

    def comprehensions(self, node, out, like, name=None):
        """`node` with each comprehension `[e for v in xs if c ...]` (or generator
        expression, or dict comprehension) replaced by a list that loops before it
        build: `ys = []`, then `ys.append(e)` inside a loop per `for` and an `if` per
        condition."""
        owner = self

        class Hoist(gast.NodeTransformer):
            def visit_ListComp(self, comp):
                result = name or owner.namer.fresh("elements")
                first, *others = comp.generators
                parts = [comp.key, comp.value] if isinstance(comp, gast.DictComp) else [comp.elt]
                inside = parts + first.ifs + [p for g in others for p in [g.iter, *g.ifs]]
                if result in names_read(inside):
                    # `[y + len(ys) for y in ys]` reads, in its loop, the list `ys` held before
                    previous = owner.namer.fresh(f"previous_{result}")
                    out.append(assign(previous, load(result), like=like))
                    comp = rename(comp, {result: previous})
                # the comprehension's variables are its own: fresh names, so they
                # neither leak nor clobber the function's
                renames = {}
                loops = []
                for generator in comp.generators:
                    iterable = rename(generator.iter, dict(renames))
                    for variable in sorted(names_stored(generator.target)):
                        renames[variable] = owner.namer.fresh(variable)
                    loops.append((generator, iterable, dict(renames)))
                if isinstance(comp, gast.DictComp):  # `d[k] = v`
                    key = gast.Subscript(
                        value=load(result), slice=rename(comp.key, renames), ctx=gast.Store()
                    )
                    body = [assign(key, rename(comp.value, renames))]
                    empty = gast.Dict(keys=[], values=[])
                else:
                    add = gast.Call(
                        func=gast.Attribute(value=load(result), attr="append", ctx=gast.Load()),
                        args=[rename(comp.elt, renames)], keywords=[],
                    )
                    body = [gast.Expr(value=add)]
                    empty = gast.List(elts=[], ctx=gast.Load())
                for generator, iterable, bound in reversed(loops):
                    for test in reversed(generator.ifs):
                        body = [gast.If(test=rename(test, bound), body=body, orelse=[])]
                    body = [gast.For(
                        target=rename(generator.target, bound), iter=iterable, body=body,
                        orelse=[], type_comment=None,
                    )]
                *before, loop = owner.block([located(body[0], like)])
                out.extend(before)
                out.append(assign(result, empty, like=like))
                out.append(loop)
                return load(result)

            visit_GeneratorExp = visit_DictComp = visit_ListComp

        return Hoist().visit(node)

    def visit_For(self, node):
        node.body = self.block(node.body)
        if _is_call_of(node.iter, "reversed"):  # `reversed(xs)` is `xs[::-1]`, indexable
            backwards = gast.Slice(lower=None, upper=None, step=constant(-1))
            sequence = gast.Call(func=self.indexable(), args=node.iter.args, keywords=[])
            node.iter = gast.Subscript(value=sequence, slice=backwards, ctx=gast.Load())
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
            if _is_call_of(node.iter.args[0], "zip"):  # `for i, (x, y) in enumerate(zip(...))`
                if isinstance(target, gast.Tuple) and len(target.elts) == len(elements):
                    targets = list(target.elts)
                else:  # `for i, pair in ...`: the pair as zip makes it
                    items = [gast.Subscript(value=load(e), slice=load(index), ctx=gast.Load())
                             for e in elements]
                    prologue.append(assign(target, gast.Tuple(elts=items, ctx=gast.Load()),
                                           like=node))
                    targets = []
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
        if _is_call_of(node.iter, "enumerate") and _is_call_of(node.iter.args[0], "zip"):
            iterables = node.iter.args[0].args
        elif _is_call_of(node.iter, "enumerate"):
            iterables = node.iter.args[:1]
        elif _is_call_of(node.iter, "zip"):
            iterables = node.iter.args
        else:
            iterables = [node.iter]
        before, names = [], []
        for iterable in iterables:
            if _is_call_of(iterable, "reversed") and len(iterable.args) == 1:
                # `zip(reversed(xs), ys)`: `xs[::-1]`, indexable
                backwards = gast.Slice(lower=None, upper=None, step=constant(-1))
                sequence = gast.Call(func=self.indexable(), args=iterable.args, keywords=[])
                iterable = gast.Subscript(value=sequence, slice=backwards, ctx=gast.Load())
            elif not isinstance(iterable, (gast.List, gast.Tuple)):
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
