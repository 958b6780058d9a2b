"""Nested functions: each `def` inside the function, and each `name = lambda ...`,
becomes a function of the generated module.

In: a checked `FunctionDef`.  Out: the same function without those definitions,
and the lifted functions (`LocalFunction`s).  A nested function that reads
variables of the enclosing one (`w` in `def layer(h): return np.tanh(h @ w)`) gets
them as keyword-only parameters, and every call passes them: `layer(x, w=w)`.  That
is Python's own semantics: a nested function reads the variable's value at the time
of the call.  Nested functions may call each other (and themselves); one that is
used other than by calling it is an error.
"""

import gast

from ..callees import LocalFunction
from ..errors import Unsupported, error_at
from ..syntax import always_returns, load, local_names, located, names_read, store, walk


def lift_nested(fn, source, module_name):
    """(`fn` without nested definitions, the lifted functions by their new names);
    `module_name(name)` gives a function its name in the generated module."""
    found = {}  # name in the user's code -> FunctionDef
    for node in walk(fn):
        definition = _definition(node)
        if definition is None or definition is fn:
            continue
        if definition.name in found:
            raise error_at(node, f"the nested function {definition.name!r} is defined "
                           "more than once", source, Unsupported)
        if definition.decorator_list:
            raise error_at(node, "decorators on nested functions are not supported",
                           source, Unsupported)
        for inner in walk(definition):
            if inner is not definition and _definition(inner) is not None:
                raise error_at(inner, "functions nested two deep are not supported yet",
                               source, Unsupported)
        if not always_returns(definition.body):
            raise error_at(definition.body[-1], "a nested function must end with a "
                           "return statement (on every path)", source, Unsupported)
        found[definition.name] = definition
    if not found:
        return fn, {}
    fn.body = _without_definitions(fn.body)
    enclosing = local_names(fn) - set(found)
    for name in found:
        if name in local_names(fn):
            raise error_at(fn, f"{name!r} names a nested function and a variable",
                           source, Unsupported)
    # the enclosing variables each one reads, also through the nested functions it calls
    reads = {
        name: (names_read(node.body) | _default_reads(node)) - local_names(node)
        for name, node in found.items()
    }
    extra = {name: sorted(reads[name] & enclosing) for name in found}
    grew = True
    while grew:
        grew = False
        for name in found:
            for callee in reads[name] & set(found):
                missing = set(extra[callee]) - set(extra[name])
                if missing:
                    extra[name] = sorted(set(extra[name]) | missing)
                    grew = True
    given = {name: module_name(name) for name in found}
    lifted = {}
    for name, node in found.items():
        node.name = given[name]
        node.args.kwonlyargs += [store(v) for v in extra[name]]
        node.args.kw_defaults += [None] * len(extra[name])
        _CallsPass(given, extra, source).visit(node)
        lifted[given[name]] = LocalFunction(given[name], node, source)
    _CallsPass(given, extra, source).visit(fn)
    return fn, lifted


def _definition(node):
    """The `FunctionDef` that `node` defines: itself, or `name = lambda ...` as one."""
    if isinstance(node, gast.FunctionDef):
        return node
    if (
        isinstance(node, gast.Assign) and len(node.targets) == 1
        and isinstance(node.targets[0], gast.Name) and isinstance(node.value, gast.Lambda)
    ):
        if getattr(node, "s2s_lifted", None) is None:
            lam = node.value
            body = [located(gast.Return(value=lam.body), lam.body)]
            node.s2s_lifted = located(gast.FunctionDef(
                name=node.targets[0].id, args=lam.args, body=body, decorator_list=[],
                returns=None, type_comment=None, type_params=[],
            ), node)
        return node.s2s_lifted
    return None


def _default_reads(node):
    args = node.args
    return names_read(list(args.defaults) + [d for d in args.kw_defaults if d is not None])


def _without_definitions(stmts):
    out = []
    for stmt in stmts:
        if _definition(stmt) is not None:
            continue
        for field in ("body", "orelse"):
            if getattr(stmt, field, None):
                setattr(stmt, field, _without_definitions(getattr(stmt, field)) or [gast.Pass()])
        out.append(stmt)
    return out


class _CallsPass(gast.NodeTransformer):
    """Calls of nested functions by their new names, passing the enclosing variables
    they read; any other use of them is an error."""

    def __init__(self, given, extra, source):
        self.given, self.extra, self.source = given, extra, source

    def visit_Call(self, node):
        func = node.func
        if not (isinstance(func, gast.Name) and func.id in self.extra):
            return self.generic_visit(node)
        node.args = [self.visit(a) for a in node.args]
        for keyword in node.keywords:
            keyword.value = self.visit(keyword.value)
        original = func.id
        func.id = self.given[original]
        node.keywords += [gast.keyword(arg=v, value=load(v)) for v in self.extra[original]]
        return node

    def visit_Name(self, node):
        if node.id in self.extra and isinstance(node.ctx, gast.Load):
            raise error_at(node, f"the nested function {node.id!r} is used other than by "
                           "calling it, which is not supported", self.source, Unsupported)
        return node
