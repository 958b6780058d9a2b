"""Records made in the function: `Params(w=w, b=b)` of a dataclass, a NamedTuple, a
`types.SimpleNamespace`, or a class of the user's own whose `__init__` only stores
its arguments (`self.w = w`), from values that need derivatives.

In: the record's type and the call that makes it.  Out: the rule of that call, in
the notation of templates (templating.py): linear in the fields' values, its adjoint
reads each field's adjoint off the record's (`d[w] += d[z]["w"]`) and its tangent is
the record made of the fields' tangents, `Params(w=w_dot, b=b_dot)`.  A rule is made
once per type (per set of keywords, for a SimpleNamespace) and kept.
"""

import ast
import dataclasses
import functools
import inspect
import linecache
import textwrap
import types

from .templating import LinearTangent, Template, d


def record_fields(cls, keywords=()):
    """((field, whether it has a default), ...) for the fields a call of `cls` sets, in
    the order its arguments bind to them, or None where `cls` is no record type s2s
    makes."""
    if cls is types.SimpleNamespace:
        return tuple((k, False) for k in keywords)
    if isinstance(cls, type) and dataclasses.is_dataclass(cls):
        return tuple((f.name, f.default is not dataclasses.MISSING
                      or f.default_factory is not dataclasses.MISSING)
                     for f in dataclasses.fields(cls) if f.init)
    if isinstance(cls, type) and issubclass(cls, tuple) and hasattr(cls, "_fields"):
        return tuple((f, f in cls._field_defaults) for f in cls._fields)
    return _stored_arguments(cls)


def _stored_arguments(cls):
    """For a class of the user's own whose `__init__` only stores its arguments
    (`self.w = w`), its parameters as fields; else None."""
    init = getattr(cls, "__init__", None)
    if not isinstance(cls, type) or not isinstance(init, types.FunctionType) or (
            cls.__module__.split(".")[0] in ("numpy", "s2s", "scipy")):
        return None
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(init))).body[0]
    except (OSError, TypeError, SyntaxError):
        return None
    args = tree.args
    if args.vararg or args.kwarg or args.kwonlyargs or len(args.args) < 1:
        return None
    self, params = args.args[0].arg, [a.arg for a in args.args[1:]]
    body = tree.body[1:] if ast.get_docstring(tree) is not None else tree.body
    stored = {}
    for stmt in body:
        if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1
                and isinstance(stmt.targets[0], ast.Attribute)
                and isinstance(stmt.targets[0].value, ast.Name)
                and stmt.targets[0].value.id == self
                and isinstance(stmt.value, ast.Name) and stmt.value.id in params
                and stmt.targets[0].attr == stmt.value.id):
            return None
        stored[stmt.value.id] = stmt.targets[0].attr
    if set(stored) != set(params):
        return None
    defaults = len(args.defaults)
    return tuple((p, i >= len(params) - defaults) for i, p in enumerate(params))


def record_rule(cls, keywords=()):
    """(adjoint template, tangent rule) of making `cls`, or None (not a record type)."""
    fields = record_fields(cls, keywords)
    if fields is None:
        return None
    return _rule(cls, fields)


@functools.lru_cache(maxsize=None)
def _rule(cls, fields):
    name = f"make_{cls.__name__}"
    keyword_only = cls is types.SimpleNamespace
    # (a field with a default gets one the rule reads as "not zero": left to it, the
    # field's tangent is given as 0.0, not the default again)
    params = ", ".join(f"{f}={'...' if has_default else 'None'}" for f, has_default in fields)
    signature = f"z, *, {params}" if keyword_only else f"z, {params}"
    body = "".join(f"    d[{f}] += d[z][{f!r}]\n" for f, _ in fields) or "    pass\n"
    source = f"def {name}({signature}):\n{body}"
    filename = f"<s2s rule: making a {cls.__qualname__}>"
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    namespace = {"d": d}
    exec(compile(source, filename, "exec"), namespace)
    fn = namespace[name]
    fn.__module__ = "s2s.records"
    return Template(fn, "adjoint", "linear"), LinearTangent(fn, "linear")
