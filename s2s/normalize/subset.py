"""Subset check: reject, with file:line:col, every construct outside the language s2s
differentiates, before any pass sees it.

In: the parsed `FunctionDef`.  Out: the same tree, unchanged, or an `Unsupported` error.
"""

import builtins
import math

import gast

from ..errors import Unsupported, error_at
from ..resolve import meaning
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
    gast.With,  # normalize/statements.py and hooks.py check the managers
    gast.Try,  # normalize/statements.py
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
NOT_YET = {}  # set comprehensions: `set([...])` (normalize/iteration.py)
NEVER = {
    gast.AsyncFunctionDef: "async functions are not supported",
    gast.AsyncFor: "async for is not supported",
    gast.AsyncWith: "async with is not supported",
    gast.Await: "await is not supported",
    gast.Yield: "generators (yield) are not supported",
    gast.YieldFrom: "generators (yield from) are not supported",
    gast.Nonlocal: "nonlocal statements are not supported",
    gast.Import: "imports inside the function are not supported",
    gast.ImportFrom: "imports inside the function are not supported",
    gast.ClassDef: "class definitions inside the function are not supported",
    gast.Starred: "star-unpacking (*x) is not supported",
    gast.Set: "set literals are not supported",
    gast.Match: "match statements are not supported",
}


# builtins that read or run the function's variables by name, which s2s cannot follow
BY_NAME = {
    "eval": "eval() runs code given as text",
    "exec": "exec() runs code given as text",
    "locals": "locals() reads the function's variables by name",
    "vars": "vars() reads variables by name",
    "globals": "globals() reads the module's variables by name",
    "compile": "compile() makes code from text",
    "__import__": "__import__() imports a module at run time",
}


def check_subset(fn, source):
    args = fn.args
    if args.vararg is not None:
        raise error_at(args.vararg, "*args parameters are not supported", source, Unsupported)
    if args.kwarg is not None:
        raise error_at(args.kwarg, "**kwargs parameters are not supported", source, Unsupported)
    consumed = {
        id(node.args[0]) for node in walk(fn)
        if isinstance(node, gast.Call) and node.args and (
            (isinstance(node.func, gast.Name) and node.func.id in CONSUMERS)
            or meaning(node.func, source.namespace) in (math.fsum, math.prod))
    }
    named = {  # `f = lambda v: ...`: a nested function with a name
        id(node.value) for node in walk(fn)
        if isinstance(node, gast.Assign) and len(node.targets) == 1
        and isinstance(node.targets[0], gast.Name) and isinstance(node.value, gast.Lambda)
    }
    for stmt in fn.body:
        for node in walk(stmt):
            if isinstance(node, gast.Lambda) and id(node) not in named:
                raise error_at(node, "lambda is supported only as `name = lambda ...`, "
                               "called where it is written, or as the function given to map, "
                               "filter, functools.reduce, itertools.accumulate, or sorted's, "
                               "min's or max's key", source, Unsupported)
            if isinstance(node, gast.GeneratorExp) and id(node) not in consumed:
                raise error_at(
                    node, "generator expressions are supported only as the argument of "
                    + ", ".join(sorted(CONSUMERS) + ["math.fsum", "math.prod"]), source,
                    Unsupported,
                )
            _check_node(node, source)
            _check_by_name(node, source)
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
        for target in _written(targets, isinstance(node, gast.Assign)):
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
                        part, "assignment to an attribute is supported on an object the "
                        "function differentiated makes or is given, in its own body or in "
                        "methods called on that object as a statement (inlined), not here",
                        source, Unsupported,
                    )


def _written(targets, unpacked):
    """The targets, with the elements of tuple and list targets (`s[0], s[1] = ...`,
    which normalize/desugar.py assigns one by one) in their place."""
    out = []
    for target in targets:
        if unpacked and isinstance(target, (gast.Tuple, gast.List)):
            out += _written(target.elts, unpacked)
        else:
            out.append(target)
    return out


def _check_by_name(node, source):
    if isinstance(node, gast.Call) and isinstance(node.func, gast.Name):
        name = node.func.id
        if name in BY_NAME and source.namespace.lookup(name, None) is getattr(
                builtins, name):
            raise error_at(node, f"{BY_NAME[name]}, which s2s cannot differentiate",
                           source, Unsupported)


def _check_returns(fn, source):
    for node in walk(fn):
        if isinstance(node, gast.Return) and node.value is None:
            raise error_at(node, "the function must return a value", source, Unsupported)
    if not always_returns(fn.body):
        raise error_at(
            fn.body[-1] if fn.body else fn, "the function must end with a return statement (on every path)",
            source, Unsupported,
        )
    _check_none_returned(fn.body, {}, source)


def _is_none(node):
    return isinstance(node, gast.Constant) and node.value is None


def _check_none_returned(stmts, none_at, source):
    """Refuse a `return` whose value is None on some path: `return None`, or a name
    that was last assigned None on a path to it.  `none_at`: the names that may hold
    None here -> where they were assigned it; returns them after `stmts`."""
    for stmt in stmts:
        if isinstance(stmt, gast.Return):
            value = stmt.value
            if _is_none(value):
                raise error_at(stmt, "the function returns None, which has no derivative",
                               source, Unsupported)
            if isinstance(value, gast.Name) and value.id in none_at:
                raise error_at(
                    stmt, f"{value.id!r} may still hold None here (assigned at line "
                    f"{none_at[value.id]}), so the function may return None, which has no "
                    "derivative", source, Unsupported,
                )
        elif isinstance(stmt, (gast.Assign, gast.AnnAssign, gast.AugAssign)):
            targets = stmt.targets if isinstance(stmt, gast.Assign) else [stmt.target]
            names = {n.id for t in targets for n in walk(t)
                     if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Store)}
            none_at = {k: v for k, v in none_at.items() if k not in names}
            if _is_none(stmt.value) and not isinstance(stmt, gast.AugAssign):
                none_at.update((t.id, stmt.lineno) for t in targets if isinstance(t, gast.Name))
        elif isinstance(stmt, gast.If):
            none_at = {**_check_none_returned(stmt.body, dict(none_at), source),
                       **_check_none_returned(stmt.orelse, dict(none_at), source)}
        elif isinstance(stmt, (gast.For, gast.While)):  # the body may run no time, or part
            after = _check_none_returned(stmt.body, dict(none_at), source)
            none_at = {**after, **none_at}
        elif isinstance(stmt, gast.With):
            none_at = _check_none_returned(stmt.body, none_at, source)
    return none_at


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
