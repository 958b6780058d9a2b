"""Records made in the function: `Params(w=w, b=b)` of a dataclass, a NamedTuple or a
`types.SimpleNamespace`, from values that need derivatives.

In: the record's type and the call that makes it.  Out: the rule of that call, in
the notation of templates (templating.py): linear in the fields' values, its adjoint
reads each field's adjoint off the record's (`d[w] += d[z]["w"]`) and its tangent is
the record made of the fields' tangents, `Params(w=w_dot, b=b_dot)`.  A rule is made
once per type (per set of keywords, for a SimpleNamespace) and kept.
"""

import dataclasses
import functools
import linecache
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
    return None


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
