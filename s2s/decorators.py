"""Decorators: which ones leave a function computing what its source says.

s2s differentiates a function's source, so a decorator that changes what the function
computes (scales its result, clips it, retries, counts calls) would be ignored without
a word.  A decorated function is refused, with the decorator named and located,
unless each of its decorators is in `TRANSPARENT` (they cache or compile the very
computation the source states) or the decorated name holds the function itself (a
decorator that registered it and gave it back unchanged).
"""

import functools
import types

import gast

from .errors import Unsupported, error_at
from .runtime import notes
from .syntax import dotted

# decorator -> what it does, which leaves the computation as the source states it
TRANSPARENT = {
    functools.cache: "caches results",
    functools.lru_cache: "caches results",
    staticmethod: "makes a method that takes no instance",
    notes.with_source_notes: "s2s's own: names the user's line in an error's note",
}
# compilers of the same computation, recognised by module and name (numba is optional)
COMPILERS = {("numba", "njit"), ("numba", "jit"), ("numba.core.decorators", "njit"),
             ("numba.core.decorators", "jit")}


def decorator_object(node, namespace):
    """The object a decorator expression names (for `@lru_cache(maxsize=None)`, the
    function called), or None where it cannot be told statically."""
    if isinstance(node, gast.Call):
        node = node.func
    name = dotted(node)
    if name is None:
        return None
    first, *rest = name.split(".")
    obj = namespace.lookup(first, None)
    for attr in rest:
        obj = getattr(obj, attr, None)
    return obj


def is_transparent(obj):
    if obj is None:
        return False
    try:
        if obj in TRANSPARENT:
            return True
    except TypeError:  # unhashable
        return False
    module = getattr(obj, "__module__", None) or ""
    return (module, getattr(obj, "__name__", None)) in COMPILERS


def check_decorators(fn, source):
    """Refuse `fn` (a gast FunctionDef parsed from `source`) where a decorator may change
    what it computes.  `source.decorated` says whether the object s2s was given is a
    wrapper of the function (it is the function itself otherwise)."""
    if not getattr(source, "decorated", True):
        return  # every decorator handed back the function itself
    for node in fn.decorator_list:
        if not is_transparent(decorator_object(node, source.namespace)):
            label = dotted(node.func if isinstance(node, gast.Call) else node) or "a decorator"
            raise error_at(
                node,
                f"{fn.name} is decorated with @{label}, which may change what it computes: "
                "s2s differentiates the source of the function, not what a decorator makes "
                "of it (known to leave the computation unchanged: @functools.cache, "
                "@functools.lru_cache, @staticmethod, @numba.njit/@numba.jit); "
                "differentiate the undecorated function, or write the decorator's work "
                "into it",
                source, Unsupported,
            )


def undecorated(obj):
    """The Python function that a cache or a numba dispatcher holds, or `obj` itself
    (a function, or an object s2s does not see through)."""
    while not isinstance(obj, types.FunctionType):
        inner = getattr(obj, "__wrapped__", None) or getattr(obj, "py_func", None)
        if inner is None:
            return obj
        obj = inner
    return obj
