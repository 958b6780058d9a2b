"""Calls: rewrite calls that the later passes cannot read into forms they can.

In: a checked function (before its loops and comprehensions become range loops).
Out: the same function where
- `functools.partial(f, a, k=v)(x)` is `f(a, x, k=v)` (a partial made and called in
  one expression; a module-level partial is read where it is called: operations.py),
- `d.get(key, default)` is `d[key] if key in d else default`,
- `d.values()` is `[d[k] for k in list(d.keys())]` and `d.items()` is
  `[(k, d[k]) for k in list(d.keys())]`, `d.keys()` is `list(d.keys())` where it is
  iterated (a dict's keys carry no derivative: operations.py), so that each becomes a
  loop by index over the keys,
- `list(xs)` is `[v for v in xs]` and `tuple(xs)` is `tuple(v for v in xs)`: a copy
  made by a loop, whose derivative is each element's,
- `xs[:]` of a list the function made (a list display, a comprehension, `list(...)`)
  is `[v for v in xs]`, a copy (of an array it stays a view).
Only calls on the function's own values (a name, or its attributes) are rewritten.
"""

import functools

import gast

from ..syntax import load, located, names_stored, store, walk

METHODS = ("get", "values", "items", "keys")


class Calls(gast.NodeTransformer):
    def __init__(self, operations, namer, lists):
        self.operations = operations
        self.namer = namer
        self.lists = lists  # names that only ever hold lists the function made

    def own(self, node):
        """Whether `node` is a value of the function: a local name or its attributes."""
        while isinstance(node, gast.Attribute):
            node = node.value
        return isinstance(node, gast.Name) and self.operations.is_local(node)

    def visit_Call(self, node):
        self.generic_visit(node)
        func = node.func
        if isinstance(func, gast.Call) and not self.operations.is_local(func.func) and \
                self.operations.resolve(func.func) is functools.partial and func.args:
            # `partial(f, a, k=v)(x, k=w)`: `f(a, x, k=w)`
            given = {k.arg for k in node.keywords}
            keywords = [k for k in func.keywords if k.arg not in given] + list(node.keywords)
            call = gast.Call(func=func.args[0], args=func.args[1:] + node.args,
                             keywords=keywords)
            return gast.copy_location(call, node)
        if isinstance(func, gast.Attribute) and func.attr in METHODS and self.own(func.value):
            return self.method(node, func.value, func.attr)
        if (isinstance(func, gast.Name) and func.id in ("list", "tuple") and len(node.args) == 1
                and not node.keywords and self.operations.resolve(func) in (list, tuple)
                and self.own(node.args[0])):
            return self.copy(node.args[0], node, func.id)
        return node

    def visit_Subscript(self, node):
        self.generic_visit(node)
        index = node.slice
        if (isinstance(node.ctx, gast.Load) and isinstance(node.value, gast.Name)
                and node.value.id in self.lists and isinstance(index, gast.Slice)
                and index.lower is None and index.upper is None and index.step is None):
            return self.copy(node.value, node, "list")
        return node

    def method(self, node, base, name):
        if name == "get" and 1 <= len(node.args) <= 2 and not node.keywords:
            key = node.args[0]
            default = node.args[1] if len(node.args) == 2 else gast.Constant(value=None,
                                                                            kind=None)
            test = gast.Compare(left=_copy(key), ops=[gast.In()], comparators=[_copy(base)])
            read = gast.Subscript(value=_copy(base), slice=_copy(key), ctx=gast.Load())
            return located(gast.IfExp(test=test, body=read, orelse=default), node)
        if node.args or node.keywords:
            return node
        keys = gast.Call(func=load("list"), args=[node], keywords=[])
        if name == "keys":
            return located(keys, node)
        k = self.namer.fresh("key")
        read = gast.Subscript(value=_copy(base), slice=load(k), ctx=gast.Load())
        element = read if name == "values" else gast.Tuple(elts=[load(k), read],
                                                           ctx=gast.Load())
        keys = gast.Call(func=load("list"), args=[gast.Call(
            func=gast.Attribute(value=_copy(base), attr="keys", ctx=gast.Load()),
            args=[], keywords=[])], keywords=[])
        loop = gast.comprehension(target=store(k), iter=keys, ifs=[], is_async=0)
        return located(gast.ListComp(elt=element, generators=[loop]), node)

    def copy(self, sequence, like, kind):
        v = self.namer.fresh("item")
        loop = gast.comprehension(target=store(v), iter=_copy(sequence), ifs=[], is_async=0)
        if kind == "tuple":
            made = gast.Call(func=load("tuple"), args=[gast.GeneratorExp(
                elt=load(v), generators=[loop])], keywords=[])
        else:
            made = gast.ListComp(elt=load(v), generators=[loop])
        return located(made, like)


def _copy(node):
    from ..syntax import clone
    return clone(node)


def _made_lists(fn, operations):
    """Names every assignment of which is a list the function makes."""
    made, other = set(), set()
    for node in walk(fn):
        if isinstance(node, gast.Assign):
            value = node.value
            fresh = isinstance(value, (gast.List, gast.ListComp)) or (
                isinstance(value, gast.Call) and isinstance(value.func, gast.Name)
                and value.func.id == "list" and operations.resolve(value.func) is list)
            for target in node.targets:
                if isinstance(target, gast.Name):
                    (made if fresh else other).add(target.id)
                else:
                    other |= names_stored(target)
        elif isinstance(node, (gast.AugAssign, gast.AnnAssign, gast.For, gast.comprehension)):
            other |= names_stored(node.target)
    other |= {a.id for a in fn.args.posonlyargs + fn.args.args + fn.args.kwonlyargs}
    return made - other


def rewrite_calls(fn, operations, namer):
    """`fn` with the calls above rewritten; `operations` read it as written."""
    return Calls(operations, namer, _made_lists(fn, operations)).visit(fn)
