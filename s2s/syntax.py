"""Small builders and queries for gast trees, so passes read as what they build."""

from collections import deque

import gast


def walk(node):
    """Every node inside `node`, breadth first, as `ast.walk` gives them (reading the
    fields directly: s2s walks its trees often enough for that to matter)."""
    todo = deque([node])
    pop, push, AST = todo.popleft, todo.append, gast.AST
    while todo:
        node = pop()
        for name in node._fields:
            value = getattr(node, name, None)
            if type(value) is list:
                for item in value:
                    if isinstance(item, AST):
                        push(item)
            elif isinstance(value, AST):
                push(value)
        yield node


def load(name):
    return gast.Name(id=name, ctx=gast.Load(), annotation=None, type_comment=None)


def store(name):
    return gast.Name(id=name, ctx=gast.Store(), annotation=None, type_comment=None)


def constant(value):
    return gast.Constant(value=value, kind=None)


def assign(target, value, like=None):
    """`target = value`; `target` is a name or a node, `like` lends its location."""
    if isinstance(target, str):
        target = store(target)
    node = gast.Assign(targets=[target], value=value, type_comment=None)
    if like is not None:
        located(node, like)
    return node


def expr(source):
    """Parse one Python expression into a gast node."""
    return gast.parse(source, mode="eval").body


def stmt(source):
    """Parse one Python statement into a gast node."""
    return gast.parse(source).body[0]


def located(node, like):
    """Give `node` and its children without a location the location of `like`."""
    for child in walk(node):
        for attr in ("lineno", "col_offset", "end_lineno", "end_col_offset"):
            if getattr(child, attr, None) is None and hasattr(like, attr):
                setattr(child, attr, getattr(like, attr))
    return node


def clone(node, replacing=None):
    """A deep copy of `node` (a gast node, or a list of them) with the attributes passes
    set on its nodes; a node it holds twice is copied once, as `copy.deepcopy` does.
    Objects other than nodes and containers are shared: copying them is slow (most of
    the time s2s spends instantiating templates) and changes nothing.  `replacing`:
    {id(a node within): the node the copy has in its place}."""
    return _clone(node, dict(replacing or {}))


def _clone(value, memo):
    if isinstance(value, gast.AST):
        key = id(value)
        if key not in memo:
            new = memo[key] = value.__class__.__new__(value.__class__)
            for name, field in value.__dict__.items():
                setattr(new, name, _clone(field, memo))
        return memo[key]
    if isinstance(value, list):
        return [_clone(v, memo) for v in value]
    if isinstance(value, tuple):
        return tuple(_clone(v, memo) for v in value)
    if isinstance(value, dict):
        return {k: _clone(v, memo) for k, v in value.items()}
    return value


def is_atom(node):
    """Names and constants: the operands A-normal form allows."""
    return isinstance(node, (gast.Name, gast.Constant))


def names_read(node):
    """Names loaded anywhere inside `node`, or a list of statements."""
    if isinstance(node, list):
        return set().union(*map(names_read, node)) if node else set()
    return {
        n.id
        for n in walk(node)
        if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Load)
    }


def names_stored(node):
    """Names assigned anywhere inside `node`, or a list of statements (targets, loop
    variables)."""
    if isinstance(node, list):
        return set().union(*map(names_stored, node)) if node else set()
    return {
        n.id
        for n in walk(node)
        if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Store)
    }


def parameter_names(fn):
    """A function's parameters, in order."""
    args = fn.args
    return [a.id for a in args.posonlyargs + args.args + args.kwonlyargs]


def local_names(fn):
    """The names that are variables of `fn`: its parameters and what it assigns."""
    return set(parameter_names(fn)) | names_stored(fn)


def all_names(node):
    return {n.id for n in walk(node) if isinstance(n, gast.Name)}


class Renamer(gast.NodeTransformer):
    """Replace names by other names or by expressions, in any context."""

    def __init__(self, mapping):
        self.mapping = mapping

    def visit_Name(self, node):
        new = self.mapping.get(node.id)
        if new is None:
            return node
        if isinstance(new, str):
            return gast.copy_location(
                gast.Name(id=new, ctx=node.ctx, annotation=None, type_comment=None),
                node,
            )
        return clone(new)


def rename(node, mapping):
    return Renamer(mapping).visit(node)


def is_simple(node):
    """A name, a constant, or a negated constant (`-1`): nothing to compute."""
    if isinstance(node, gast.UnaryOp) and isinstance(node.op, gast.USub):
        node = node.operand
    return isinstance(node, (gast.Name, gast.Constant))


def blocks(node):
    """Every statement list inside `node` (bodies, `else` parts, handlers)."""
    for inner in walk(node):
        for field in ("body", "orelse", "finalbody"):
            block = getattr(inner, field, None)
            if isinstance(block, list) and block and isinstance(block[0], gast.stmt):
                yield block


def statements(stmts, in_loop=False):
    """(statement, inside a loop?) for every statement, nested ones included, in the
    order they are written."""
    for stmt in stmts:
        yield stmt, in_loop
        if isinstance(stmt, (gast.If, gast.For, gast.While)):
            inner = in_loop or isinstance(stmt, (gast.For, gast.While))
            yield from statements(stmt.body, inner)
            yield from statements(stmt.orelse, inner)
        elif isinstance(stmt, (gast.With, gast.Try)):  # (`with np.errstate(...)`, a `try`)
            yield from statements(stmt.body, in_loop)
            for handler in getattr(stmt, "handlers", []):
                yield from statements(handler.body, in_loop)
            yield from statements(getattr(stmt, "orelse", []), in_loop)
            yield from statements(getattr(stmt, "finalbody", []), in_loop)


def appended(stmt):
    """(list name, value) when `stmt` is `name.append(value)`, else None."""
    call = stmt.value if isinstance(stmt, gast.Expr) else None
    if (
        isinstance(call, gast.Call)
        and isinstance(call.func, gast.Attribute)
        and call.func.attr == "append"
        and isinstance(call.func.value, gast.Name)
        and len(call.args) == 1
        and not call.keywords
    ):
        return call.func.value.id, call.args[0]
    return None


def popped(stmt):
    """The list's name when `stmt` is `v = name.pop()` (any target), else None."""
    value = stmt.value if isinstance(stmt, gast.Assign) else None
    if (
        isinstance(value, gast.Call)
        and isinstance(value.func, gast.Attribute)
        and value.func.attr == "pop"
        and isinstance(value.func.value, gast.Name)
        and not value.args
        and not value.keywords
    ):
        return value.func.value.id
    return None


def bound_counts(node):
    """{name: how many times `node` binds it} (assignment and loop targets)."""
    bound = {}
    for n in walk(node):
        if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Store):
            bound[n.id] = bound.get(n.id, 0) + 1
    return bound


def always_returns(stmts):
    """Whether every path through the statement list ends in a `return`."""
    last = stmts[-1] if stmts else None
    return isinstance(last, gast.Return) or (
        isinstance(last, gast.If) and always_returns(last.body) and always_returns(last.orelse)
    )


def dotted(node, unknown=None):
    """`np.linalg.det` for an attribute chain of names; a part that is not a name
    makes the whole `None`, or stands as `unknown` where that is given (`....sort`)."""
    if isinstance(node, gast.Name):
        return node.id
    if isinstance(node, gast.Attribute):
        base = dotted(node.value, unknown)
        return base and f"{base}.{node.attr}"
    return unknown


class FieldName(str):
    """The key of an item write that is an attribute write: `obj[FieldName("a")] = v`
    is `obj.a = v` (normalize/attributes.py), emitted so again (emit.py)."""


def field_key(name):
    return constant(FieldName(name))


def is_field_key(node):
    return isinstance(node, gast.Constant) and type(node.value) is FieldName


def plain_key(node):
    """`node`, a copy with a plain string where it is a field key: the key of the
    field in an adjoint, which holds one adjoint per field by name."""
    return constant(str(node.value)) if is_field_key(node) else clone(node)
