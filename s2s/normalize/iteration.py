"""Iteration helpers and lambdas: rewritten into the comprehensions and loops the
later passes differentiate (normalize/loops.py makes loops of comprehensions).

In: the parsed `FunctionDef`, before the subset check (which then checks what this
pass wrote, located at what the user wrote).  Out: the same function where, for the
builtins and library functions themselves (not a variable of the same name),
- `map(f, xs, ys)` is `[f(x, y) for x, y in zip(xs, ys)]`, and
  `map(lambda x: e, xs)` is `[e for x in xs]`;
- `filter(f, xs)` is `[x for x in xs if f(x)]` (`filter(None, xs)`: `if x`);
- `zip(*rows)` is `[tuple([row[i] for row in rows]) for i in range(n)]`, `n` the
  shortest row's length (lists where a tuple target unpacks them at once);
- `list(<a comprehension or generator expression>)` is the list comprehension, and
  `list(zip(xs, ys))` is `[(x, y) for x, y in zip(xs, ys)]` (enumerate, reversed
  likewise);
- `{e for x in xs}` is `set([e for x in xs])`: a set of values that need derivatives
  has no order, and is refused as such later;
- `functools.reduce(f, xs, init)` is computed before its statement by
  `a = init; for b in xs: a = f(a, b)` (without `init`: `a = xs[0]`, over `xs[1:]`);
- `itertools.accumulate(xs, f, initial=v)` is a list built before its statement:
  `totals = [v]; for b in xs: b = f(totals[-1], b); totals.append(b)`;
- `sorted(xs, key=k, reverse=r)` is `[xs[i] for i in order]`, where before its
  statement `keys = [k(x) for x in xs]` and `order = sorted(range(len(keys)),
  key=keys.__getitem__, reverse=r)`: the order is piecewise constant, so no derivative
  flows through the keys; `min(xs, key=k)` and `max(xs, key=k)` likewise pick
  `xs[min(range(len(keys)), key=keys.__getitem__)]`, and `max(xs)` of one sequence
  `xs[max(range(len(xs)), key=xs.__getitem__)]` (the item Python picks, first among
  ties, gets the derivative);
- a lambda given as `f` or `key` above is written inline, its parameters renamed
  where they become the function's variables; a lambda called where it is written,
  `(lambda v: e)(x)`, is named before its statement (`name = lambda v: e`), which
  normalize/nested.py lifts.
Lazy helpers (map, filter, zip(*rows), accumulate) become lists: they are rewritten
only where they are consumed at once (a `for`, a comprehension, sum, list, sorted,
...), and refused elsewhere.  A helper computed before its statement cannot be one
evaluated conditionally or repeatedly (a branch of `a if c else b`, `and`/`or`, a
`while` condition, a comprehension's element or condition, a lambda's body): refused.
"""

import builtins
import functools
import itertools

import gast

from ..errors import Unsupported, error_at
from ..naming import Namer
from ..runtime import indexable
from ..syntax import (
    all_names, assign, constant, load, local_names, located, names_read, names_stored, rename,
    store, walk,
)

# builtins that consume their first argument at once, as a `for` does
CONSUMING = {builtins.sum, builtins.min, builtins.max, builtins.any, builtins.all,
             builtins.list, builtins.tuple, builtins.sorted, builtins.set, builtins.dict}
LAZY = "map, filter, zip(*rows) and itertools.accumulate"


def rewrite_iteration(fn, source, reference=None):
    """`reference(helper)`: the expression naming a runtime helper (`indexable`, for
    what `sorted`, `min` and `max` index: a dict's keys, a set's items)."""
    _Iteration(fn, source, reference).block_of(fn)
    return fn


class _Iteration:
    def __init__(self, fn, source, reference=None):
        self.source = source
        self.reference = reference
        self.namer = Namer(all_names(fn))
        self.variables = local_names(fn)
        self.definitions = {}  # nested functions and `name = lambda ...`: name -> node
        for node in walk(fn):
            if isinstance(node, gast.FunctionDef) and node is not fn:
                self.definitions[node.name] = node
            elif (isinstance(node, gast.Assign) and len(node.targets) == 1
                  and isinstance(node.targets[0], gast.Name)
                  and isinstance(node.value, gast.Lambda)):
                self.definitions[node.targets[0].id] = node.value

    # -- statements ---------------------------------------------------------------

    def block_of(self, node):
        for field in ("body", "orelse", "finalbody"):
            if getattr(node, field, None):
                setattr(node, field, self.block(getattr(node, field)))
        for handler in getattr(node, "handlers", None) or []:
            handler.body = self.block(handler.body)

    def block(self, stmts):
        out = []
        for stmt in stmts:
            before = []
            self.where = {}
            self.unpacked = {id(stmt.iter)} if isinstance(stmt, gast.For) and isinstance(
                stmt.target, gast.Tuple) else set()
            if isinstance(stmt, gast.For):
                self.check_lazy(stmt)
            for field, value in gast.iter_fields(stmt):
                if field in ("body", "orelse", "finalbody", "handlers", "args",
                             "decorator_list", "returns"):
                    continue
                consumed = isinstance(stmt, gast.For) and field == "iter"
                once = not (isinstance(stmt, gast.While) and field == "test")
                for node in value if isinstance(value, list) else [value]:
                    if isinstance(node, gast.AST):
                        self.mark(node, consumed, once)
                expressions = _Expressions(self, before, stmt)
                if isinstance(value, list):
                    setattr(stmt, field, [expressions.visit(v) if isinstance(v, gast.AST)
                                          else v for v in value])
                elif isinstance(value, gast.AST):
                    setattr(stmt, field, expressions.visit(value))
            self.block_of(stmt)
            out.extend(before)
            out.append(stmt)
        return out

    def check_lazy(self, loop):
        """`for y in map(f, xs):` computes every f(x) before the loop: refused where
        the loop's body assigns a variable f reads (the lazy map would see it)."""
        call = loop.iter
        if not (isinstance(call, gast.Call) and self.resolve(call.func) in (
                builtins.map, builtins.filter) and call.args):
            return
        function = call.args[0]
        if isinstance(function, gast.Name):
            function = self.definitions.get(function.id, function)
        own = {a.id for a in function.args.posonlyargs + function.args.args} if isinstance(
            function, gast.Lambda) else set()
        changed = names_stored(loop.body) & (names_read(function) - own)
        if changed:
            self.refuse(call, f"this loop assigns {', '.join(sorted(changed))}, which the "
                        "function given to map or filter reads: s2s computes every item "
                        "before the loop, so it would not see the change; compute the "
                        "items in the loop")

    def mark(self, node, consumed=False, once=True):
        """Record, for each node, whether it is consumed at once and whether it is
        evaluated once where its statement is."""
        self.where[id(node)] = (node, consumed, once)
        mark = self.mark
        if isinstance(node, gast.IfExp):
            mark(node.test, False, once)
            mark(node.body, False, False)
            mark(node.orelse, False, False)
        elif isinstance(node, gast.BoolOp):
            mark(node.values[0], False, once)
            for value in node.values[1:]:
                mark(value, False, False)
        elif isinstance(node, gast.Lambda):
            for default in node.args.defaults + [d for d in node.args.kw_defaults if d]:
                mark(default, False, once)
            mark(node.body, False, False)
        elif isinstance(node, (gast.ListComp, gast.GeneratorExp, gast.SetComp, gast.DictComp)):
            for i, generator in enumerate(node.generators):
                if isinstance(generator.target, gast.Tuple):
                    self.unpacked.add(id(generator.iter))
                mark(generator.iter, True, once and i == 0)
                mark(generator.target, False, False)
                for test in generator.ifs:
                    mark(test, False, False)
            for part in ([node.key, node.value] if isinstance(node, gast.DictComp)
                         else [node.elt]):
                mark(part, False, False)
        elif isinstance(node, gast.Call):
            taken = self.consumed_arguments(node, consumed)
            mark(node.func, False, once)
            for i, arg in enumerate(node.args):
                mark(arg.value if isinstance(arg, gast.Starred) else arg, i in taken, once)
            for keyword in node.keywords:
                mark(keyword.value, False, once)
        else:
            for child in gast.iter_child_nodes(node):
                mark(child, False, once)

    def consumed_arguments(self, call, consumed):
        """The positions of `call`'s arguments that it iterates over at once."""
        func = self.resolve(call.func)
        n = len(call.args)
        if func in CONSUMING and n >= 1:
            return {0}
        if func is functools.reduce:
            return {1}
        if not consumed:
            return set()
        if func in (builtins.zip, builtins.enumerate, itertools.accumulate):
            return set(range(n)) if func is builtins.zip else {0}
        if func in (builtins.map, builtins.filter):
            return set(range(1, n))
        return set()

    # -- names ----------------------------------------------------------------------

    def resolve(self, node):
        """The object a name or attribute chain that is no variable refers to."""
        if isinstance(node, gast.Name):
            if node.id in self.variables:
                return None
            return self.source.namespace.lookup(node.id, None)
        if isinstance(node, gast.Attribute):
            base = self.resolve(node.value)
            return getattr(base, node.attr, None) if base is not None else None
        return None

    def builtin(self, name, like):
        """`name`, read as the builtin it is (refused where the function's own)."""
        if name in self.variables or self.source.namespace.lookup(name, None) is not getattr(
                builtins, name):
            self.refuse(like, f"s2s writes this with the builtin {name}(), which "
                        f"{name!r} does not name here")
        return load(name)

    def refuse(self, node, message):
        raise error_at(node, message, self.source, Unsupported)

    # -- rewrites -------------------------------------------------------------------

    def call(self, node, before, stmt):
        if isinstance(node.func, gast.Lambda):
            return self.called_lambda(node, before, stmt)
        func = self.resolve(node.func)
        consumed, once = self.place(node)
        keywords = {k.arg: k.value for k in node.keywords}
        if None in keywords:
            return node
        if func in (builtins.map, builtins.filter, itertools.accumulate) or (
            func is builtins.zip and any(isinstance(a, gast.Starred) for a in node.args)
        ):
            if not consumed:
                name = "zip(*...)" if func is builtins.zip else _dotted(node.func)
                self.refuse(node, f"{name} is supported only where it is consumed at once "
                            "(a for loop, a comprehension, or the argument of sum, list, "
                            "sorted, min, max, ...), as its values become a list")
        if func is builtins.map and len(node.args) >= 2 and not keywords:
            return self.map(node)
        if func is builtins.filter and len(node.args) == 2 and not keywords:
            return self.filter(node)
        if func is builtins.zip and any(isinstance(a, gast.Starred) for a in node.args):
            return self.transposed(node, before, stmt)
        if func is builtins.list and len(node.args) == 1 and not keywords:
            if isinstance(node.args[0], gast.ListComp):
                return node.args[0]
            return self.listed(node.args[0]) or node
        hoisting = (functools.reduce, itertools.accumulate, builtins.sorted, builtins.min,
                    builtins.max)
        if func in hoisting and not once:
            if any(isinstance(a, gast.Lambda) for a in node.args + list(keywords.values())):
                self.hoisted(node, once, _dotted(node.func))
            return node  # as it is: later passes differentiate it or say why not
        if func is functools.reduce and 2 <= len(node.args) <= 3 and not keywords:
            self.hoisted(node, once, "functools.reduce")
            return self.reduce(node, before, stmt)
        if func is itertools.accumulate and 1 <= len(node.args) <= 2 and set(keywords) <= {
                "func", "initial"}:
            self.hoisted(node, once, "itertools.accumulate")
            return self.accumulate(node, keywords, before, stmt)
        if func is builtins.sorted and len(node.args) == 1 and set(keywords) <= {"key",
                                                                                "reverse"}:
            self.hoisted(node, once, "sorted")
            return self.sorted(node, keywords, before, stmt)
        if func in (builtins.min, builtins.max) and len(node.args) == 1 and set(
                keywords) <= {"key"} and not isinstance(node.args[0], gast.Starred):
            self.hoisted(node, once, func.__name__)
            return self.extreme(node, func.__name__, keywords.get("key"), before, stmt)
        return node

    def place(self, node):
        """(consumed at once, evaluated once where its statement is) for `node`."""
        marked, consumed, once = self.where.get(id(node), (None, False, True))
        return (consumed, once) if marked is node else (False, True)

    def hoisted(self, node, once, what):
        if not once:
            self.refuse(node, f"{what}(...) evaluated conditionally or repeatedly (in a "
                        "branch of a conditional expression, and/or, a while condition, "
                        "a comprehension's element or condition, or a lambda) is not "
                        "supported yet: compute it in a statement of its own")

    def function(self, node, count, what):
        """(parameter names, body) of the function `node` given to `what`, a lambda
        with `count` parameters or a name or attribute (called on fresh names)."""
        if isinstance(node, gast.Lambda):
            args = node.args
            params = args.posonlyargs + args.args
            if (args.vararg or args.kwarg or args.kwonlyargs or args.defaults
                    or len(params) != count):
                self.refuse(node, f"the lambda given to {what} must take {count} "
                            f"parameter{'s' if count > 1 else ''}, without defaults, "
                            "*args or keyword-only ones")
            return [p.id for p in params], node.body
        if not _is_dotted(node):
            self.refuse(node, f"the function given to {what} must be a lambda or a "
                        "function's name")
        names = [self.namer.fresh("item") for _ in range(count)]
        call = gast.Call(func=node, args=[load(n) for n in names], keywords=[])
        return names, gast.copy_location(call, node)

    def map(self, node):
        function, *iterables = node.args
        names, body = self.function(function, len(iterables), "map")
        return self.comprehension(node, names, iterables, body)

    def filter(self, node):
        function, iterable = node.args
        if isinstance(function, gast.Constant) and function.value is None:
            name = self.namer.fresh("item")
            return self.comprehension(node, [name], [iterable], load(name), load(name))
        (name,), test = self.function(function, 1, "filter")
        return self.comprehension(node, [name], [iterable], load(name), test)

    def comprehension(self, like, names, iterables, elt, test=None):
        if len(iterables) == 1:
            target, iterable = store(names[0]), iterables[0]
        else:
            target = gast.Tuple(elts=[store(n) for n in names], ctx=gast.Store())
            iterable = gast.Call(func=self.builtin("zip", like), args=iterables, keywords=[])
        generator = gast.comprehension(target=target, iter=iterable,
                                       ifs=[test] if test is not None else [], is_async=0)
        return located(gast.ListComp(elt=elt, generators=[generator]), like)

    def transposed(self, node, before, stmt):
        if len(node.args) != 1 or node.keywords:
            self.refuse(node, "zip(*rows) is supported with the rows alone")
        rows = node.args[0].value
        if not isinstance(rows, gast.Name):
            self.hoisted(node, self.place(node)[1], "zip(*rows)")
            name = self.namer.fresh("rows")
            before.append(assign(name, rows, like=node))
            rows = load(name)
        row, i = self.namer.fresh("row"), self.namer.fresh("i")
        column = gast.ListComp(elt=gast.Subscript(value=load(row), slice=load(i),
                                                  ctx=gast.Load()),
                               generators=[gast.comprehension(target=store(row), iter=rows,
                                                              ifs=[], is_async=0)])
        if id(node) not in self.unpacked:  # zip gives tuples
            column = gast.Call(func=self.builtin("tuple", node), args=[column], keywords=[])
        lengths = gast.ListComp(
            elt=gast.Call(func=self.builtin("len", node), args=[load(row)], keywords=[]),
            generators=[gast.comprehension(target=store(row), iter=rows, ifs=[], is_async=0)],
        )
        count = gast.Call(func=self.builtin("min", node), args=[lengths],
                          keywords=[gast.keyword(arg="default", value=constant(0))])
        generator = gast.comprehension(
            target=store(i), iter=gast.Call(func=self.builtin("range", node), args=[count],
                          keywords=[]),
            ifs=[], is_async=0,
        )
        return located(gast.ListComp(elt=column, generators=[generator]), node)

    def reduce(self, node, before, stmt):
        function, iterable, *initial = node.args
        (first, second), body = self.function(function, 2, "functools.reduce")
        total, item = self.namer.fresh(first), self.namer.fresh(second)
        if initial:
            before.append(assign(total, initial[0], like=node))
        else:  # the first item starts it
            sequence = self.named(iterable, before, node)
            before.append(assign(total, gast.Subscript(value=load(sequence), slice=constant(0),
                                                       ctx=gast.Load()), like=node))
            iterable = gast.Subscript(value=load(sequence), slice=gast.Slice(
                lower=constant(1), upper=None, step=None), ctx=gast.Load())
        body = rename(body, {first: total, second: item})
        loop = gast.For(target=store(item), iter=iterable, body=[assign(total, body)],
                        orelse=[], type_comment=None)
        before.append(located(loop, node))
        return located(load(total), node)

    def accumulate(self, node, keywords, before, stmt):
        iterable, *function = node.args
        function = function[0] if function else keywords.get("func")
        totals = self.namer.fresh("totals")
        if function is None or (isinstance(function, gast.Constant) and function.value is None):
            first = self.namer.fresh("total")
            second = self.namer.fresh("item")
            body = gast.BinOp(left=load(first), op=gast.Add(), right=load(second))
        else:
            (first, second), body = self.function(function, 2, "itertools.accumulate")
        item = self.namer.fresh(second)
        last = gast.Subscript(value=load(totals), slice=constant(-1), ctx=gast.Load())
        step = [assign(item, rename(body, {first: last, second: item}))]
        initial = keywords.get("initial")
        if initial is not None and not (isinstance(initial, gast.Constant)
                                         and initial.value is None):
            before.append(assign(totals, gast.List(elts=[initial], ctx=gast.Load()), like=node))
        else:  # the first item is the first total
            before.append(assign(totals, gast.List(elts=[], ctx=gast.Load()), like=node))
            step = [gast.If(test=load(totals), body=step, orelse=[])]
        add = gast.Call(func=gast.Attribute(value=load(totals), attr="append", ctx=gast.Load()),
                        args=[load(item)], keywords=[])
        loop = gast.For(target=store(item), iter=iterable, body=step + [gast.Expr(value=add)],
                        orelse=[], type_comment=None)
        before.append(located(loop, node))
        return located(load(totals), node)

    def ordered(self, node, key, before, what):
        """(the sequence's name, the name of its keys' list) for sorting `node`."""
        given = node.args[0]
        if isinstance(given, gast.Name) and self.reference is not None:
            # (indexed by position: a dict or a set as the list of what it holds)
            given = gast.Call(func=self.reference(indexable), args=[given], keywords=[])
        sequence = self.named(given, before, node)
        if key is None or (isinstance(key, gast.Constant) and key.value is None):
            return sequence, sequence
        (name,), body = self.function(key, 1, f"{what}'s key")
        keys = self.namer.fresh("keys")
        elements = gast.ListComp(elt=body, generators=[gast.comprehension(
            target=store(name), iter=load(sequence), ifs=[], is_async=0)])
        before.append(assign(keys, elements, like=node))
        return sequence, keys

    def sorted(self, node, keywords, before, stmt):
        sequence, keys = self.ordered(node, keywords.get("key"), before, "sorted")
        order, i = self.namer.fresh("order"), self.namer.fresh("i")
        arguments = [gast.keyword(arg="key", value=_getitem(keys))]
        if "reverse" in keywords:
            arguments.append(gast.keyword(arg="reverse", value=keywords["reverse"]))
        before.append(assign(order, gast.Call(func=self.builtin("sorted", node),
                                              args=[self.indices(keys, node)],
                                              keywords=arguments), like=node))
        element = gast.Subscript(value=load(sequence), slice=load(i), ctx=gast.Load())
        generator = gast.comprehension(target=store(i), iter=load(order), ifs=[], is_async=0)
        return located(gast.ListComp(elt=element, generators=[generator]), node)

    def extreme(self, node, what, key, before, stmt):
        sequence, keys = self.ordered(node, key, before, what)
        index = gast.Call(func=self.builtin(what, node), args=[self.indices(keys, node)],
                          keywords=[gast.keyword(arg="key", value=_getitem(keys))])
        return located(gast.Subscript(value=load(sequence), slice=index, ctx=gast.Load()),
                       node)

    def indices(self, name, like):
        """`range(len(name))`."""
        length = gast.Call(func=self.builtin("len", like), args=[load(name)], keywords=[])
        return gast.Call(func=self.builtin("range", like), args=[length], keywords=[])

    def listed(self, iterable):
        """`iterable` as a list comprehension where it is a generator expression or
        `zip`, `enumerate` or `reversed` of sequences; else None."""
        if isinstance(iterable, gast.GeneratorExp):
            return gast.ListComp(elt=iterable.elt, generators=iterable.generators)
        if not isinstance(iterable, gast.Call) or iterable.keywords:
            return None
        func = self.resolve(iterable.func)
        if func is builtins.zip and iterable.args and not any(
                isinstance(a, gast.Starred) for a in iterable.args):
            names = [self.namer.fresh("item") for _ in iterable.args]
        elif func is builtins.enumerate and 1 <= len(iterable.args) <= 2:
            names = [self.namer.fresh("i"), self.namer.fresh("item")]
        elif func is builtins.reversed and len(iterable.args) == 1:
            names = [self.namer.fresh("item")]
        else:
            return None
        target = store(names[0]) if len(names) == 1 else gast.Tuple(
            elts=[store(n) for n in names], ctx=gast.Store())
        elt = load(names[0]) if len(names) == 1 else gast.Tuple(
            elts=[load(n) for n in names], ctx=gast.Load())
        generator = gast.comprehension(target=target, iter=iterable, ifs=[], is_async=0)
        return located(gast.ListComp(elt=elt, generators=[generator]), iterable)

    def named(self, iterable, before, like):
        """A name holding `iterable` (a list where it is a comprehension, or zip,
        enumerate or reversed)."""
        if isinstance(iterable, gast.Name):
            return iterable.id
        iterable = self.listed(iterable) or iterable
        name = self.namer.fresh("sequence")
        before.append(assign(name, iterable, like=like))
        return name

    def called_lambda(self, node, before, stmt):
        """`(lambda v: e)(x)`: the lambda named before the statement."""
        name = self.namer.fresh("function")
        self.variables.add(name)
        before.append(assign(name, node.func, like=node.func))
        node.func = located(load(name), node.func)
        return node


class _Expressions(gast.NodeTransformer):
    """The rewrites of one statement's expressions, innermost first."""

    def __init__(self, owner, before, stmt):
        self.owner, self.before, self.stmt = owner, before, stmt
        self.in_lambda = 0

    def visit_Lambda(self, node):
        self.in_lambda += 1
        self.generic_visit(node)
        self.in_lambda -= 1
        return node

    def visit_Call(self, node):
        self.generic_visit(node)
        if self.in_lambda and isinstance(node.func, gast.Lambda):
            return node  # nested two deep: refused by normalize/nested.py
        return self.owner.call(node, self.before, self.stmt)

    def visit_SetComp(self, node):
        self.generic_visit(node)
        listed = gast.copy_location(gast.ListComp(elt=node.elt, generators=node.generators),
                                    node)
        return gast.copy_location(gast.Call(func=self.owner.builtin("set", node), args=[listed],
                                            keywords=[]), node)


def _is_dotted(node):
    while isinstance(node, gast.Attribute):
        node = node.value
    return isinstance(node, gast.Name)


def _dotted(node):
    if isinstance(node, gast.Name):
        return node.id
    if isinstance(node, gast.Attribute):
        return f"{_dotted(node.value)}.{node.attr}"
    return "this call"


def _getitem(name):
    return gast.Attribute(value=load(name), attr="__getitem__", ctx=gast.Load())
