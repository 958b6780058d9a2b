"""Subset check: reject, with file:line:col, every construct outside the language s2s
differentiates, before any pass sees it.

In: the parsed `FunctionDef`.  Out: the same tree, unchanged, or an `Unsupported` error.
"""

import gast

from ..errors import Unsupported, error_at
from ..syntax import always_returns, walk

# Statements and expressions the pipeline understands, and what to call the rest.
STATEMENTS = (
    gast.Assign,
    gast.AugAssign,
    gast.AnnAssign,
    gast.Return,
    gast.If,
    gast.Expr,
    gast.Pass,
    gast.Assert,
    gast.Raise,
    gast.For,
    gast.While,
    gast.Break,
    gast.Continue,
    gast.FunctionDef,  # nested: lifted by normalize/nested.py
    gast.With,  # `with s2s.grad_of(h) as g:` only: normalize/hooks.py checks
)
EXPRESSIONS = (
    gast.BinOp,
    gast.UnaryOp,
    gast.BoolOp,
    gast.Compare,
    gast.IfExp,
    gast.Call,
    gast.Attribute,
    gast.Subscript,
    gast.Slice,
    gast.Name,
    gast.Constant,
    gast.Tuple,
    gast.List,
    gast.Dict,
    gast.JoinedStr,
    gast.FormattedValue,
    gast.keyword,
    gast.ListComp,
    gast.Lambda,
    gast.GeneratorExp,
    gast.DictComp,
    gast.comprehension,
)
# builtins that consume a generator expression whole, as they would a list
CONSUMERS = {"sum", "min", "max", "any", "all", "list", "tuple"}
NOT_YET = {
    gast.SetComp: "set comprehensions are not supported",
}
NEVER = {
    gast.AsyncFunctionDef: "async functions are not supported",
    gast.AsyncFor: "async for is not supported",
    gast.AsyncWith: "async with is not supported",
    gast.Await: "await is not supported",
    gast.Yield: "generators (yield) are not supported",
    gast.YieldFrom: "generators (yield from) are not supported",
    gast.Try: "try statements are not supported",
    gast.Global: "global statements are not supported",
    gast.Nonlocal: "nonlocal statements are not supported",
    gast.Delete: "del is not supported",
    gast.Import: "imports inside the function are not supported",
    gast.ImportFrom: "imports inside the function are not supported",
    gast.ClassDef: "class definitions inside the function are not supported",
    gast.NamedExpr: "assignment expressions (:=) are not supported",
    gast.Starred: "star-unpacking (*x) is not supported",
    gast.Set: "set literals are not supported",
    gast.Match: "match statements are not supported",
}


def check_subset(fn, source):
    args = fn.args
    if args.vararg is not None:
        raise error_at(args.vararg, "*args parameters are not supported", source, Unsupported)
    if args.kwarg is not None:
        raise error_at(args.kwarg, "**kwargs parameters are not supported", source, Unsupported)
    consumed = {
        id(node.args[0]) for node in walk(fn)
        if isinstance(node, gast.Call) and isinstance(node.func, gast.Name)
        and node.func.id in CONSUMERS and node.args
    }
    named = {  # `f = lambda v: ...`: a nested function with a name
        id(node.value) for node in walk(fn)
        if isinstance(node, gast.Assign) and len(node.targets) == 1
        and isinstance(node.targets[0], gast.Name) and isinstance(node.value, gast.Lambda)
    }
    for stmt in fn.body:
        for node in walk(stmt):
            if isinstance(node, gast.Lambda) and id(node) not in named:
                raise error_at(node, "lambda is supported only as `name = lambda ...`",
                               source, Unsupported)
            if isinstance(node, gast.GeneratorExp) and id(node) not in consumed:
                raise error_at(
                    node, "generator expressions are supported only as the argument of "
                    + ", ".join(sorted(CONSUMERS)), source, Unsupported,
                )
            _check_node(node, source)
    _check_returns(fn, source)
    return fn


def _check_node(node, source):
    kind = type(node)
    if isinstance(node, (gast.FunctionDef, gast.Lambda)):  # nested
        if node.args.vararg is not None or node.args.kwarg is not None:
            raise error_at(node, "*args and **kwargs parameters are not supported",
                           source, Unsupported)
    message = NOT_YET.get(kind) or NEVER.get(kind)
    if message:
        raise error_at(node, message, source, Unsupported)
    if isinstance(node, (gast.ListComp, gast.GeneratorExp, gast.DictComp)):
        _check_comprehension(node, source)
    conditional = (
        [node] if isinstance(node, (gast.IfExp, gast.BoolOp))
        else [node.test] if isinstance(node, gast.While) else []
    )
    for part in conditional:
        for inner in walk(part):
            if isinstance(inner, (gast.ListComp, gast.GeneratorExp, gast.DictComp)):
                raise error_at(inner, "a comprehension evaluated conditionally or repeatedly "
                               "(in a conditional expression, and/or, or a while condition) "
                               "is not supported yet", source, Unsupported)
    if isinstance(node, (gast.For, gast.While)) and node.orelse:
        raise error_at(node, "else clauses on loops are not supported yet", source, Unsupported)
    if isinstance(node, gast.For) and not _is_supported_loop(node):
        raise error_at(
            node, "for loops over this kind of iterable are not supported", source, Unsupported
        )
    if isinstance(node, gast.stmt) and not isinstance(node, STATEMENTS):
        raise error_at(node, f"{kind.__name__} statements are not supported", source, Unsupported)
    if isinstance(node, gast.expr) and not isinstance(node, EXPRESSIONS):
        raise error_at(node, f"{kind.__name__} expressions are not supported", source, Unsupported)
    if isinstance(node, (gast.Assign, gast.AugAssign, gast.AnnAssign)):
        targets = node.targets if isinstance(node, gast.Assign) else [node.target]
        for target in targets:
            if isinstance(target, gast.Subscript) and isinstance(target.value, gast.Name):
                continue  # `y[i] = v`, `y[i] += v`: checked by analysis/writes.py
            for part in walk(target):
                if isinstance(part, gast.Subscript) and isinstance(part.ctx, gast.Store):
                    raise error_at(
                        part, "this assignment into an element or slice is not supported "
                        "(write as name[index] = value)", source, Unsupported,
                    )
                if isinstance(part, gast.Attribute) and isinstance(part.ctx, gast.Store):
                    raise error_at(
                        part, "assignment to an attribute is not supported", source, Unsupported
                    )


def _check_returns(fn, source):
    for node in walk(fn):
        if isinstance(node, gast.Return) and node.value is None:
            raise error_at(node, "the function must return a value", source, Unsupported)
    if not always_returns(fn.body):
        raise error_at(
            fn.body[-1] if fn.body else fn, "the function must end with a return statement (on every path)",
            source, Unsupported,
        )


def _is_supported_loop(node):
    """`for NAME in range(...)`, or over a sequence (`for x in xs`, tuple targets),
    `enumerate(xs[, start])`, `zip(xs, ys, ...)`, `reversed(xs)`: what
    normalize/loops.py rewrites."""
    target, iterable = node.target, node.iter
    call = iterable.func.id if (
        isinstance(iterable, gast.Call) and isinstance(iterable.func, gast.Name)
    ) else None
    if call == "range":
        return isinstance(target, gast.Name) and not iterable.keywords and 1 <= len(iterable.args) <= 3
    if call == "enumerate":
        return (
            isinstance(target, gast.Tuple) and len(target.elts) == 2
            and isinstance(target.elts[0], gast.Name) and not iterable.keywords
            and 1 <= len(iterable.args) <= 2
        )
    if call == "zip":
        return (
            isinstance(target, gast.Tuple) and len(target.elts) == len(iterable.args) >= 1
            and not iterable.keywords
        )
    if call == "reversed":  # over a sequence or a range, backwards
        return len(iterable.args) == 1 and not iterable.keywords
    return call not in ("sorted", "iter", "map", "filter", "open")


def _check_comprehension(node, source):
    """Each `for` of a comprehension iterates as a `for` statement may."""
    for generator in node.generators:
        if generator.is_async:
            raise error_at(node, "async comprehensions are not supported", source, Unsupported)
        loop = gast.For(target=generator.target, iter=generator.iter, body=[], orelse=[],
                        type_comment=None)
        if not _is_supported_loop(loop):
            raise error_at(generator.iter, "comprehensions over this kind of iterable are "
                           "not supported", source, Unsupported)
