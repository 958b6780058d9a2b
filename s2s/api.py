"""The Python API: `s2s.grad(f)`, `s2s.value_and_grad(f)`, `s2s.source(f)`.

Each compiles the very source the CLI would write (with the user's module-level
objects passed in rather than imported), caches it by the function's source hash,
and registers it with `linecache` so tracebacks and pdb show the generated lines.
"""

import functools
import hashlib
import inspect
import linecache

from .compiler import differentiate
from .errors import S2SError
from .templating import registry_state

_compiled = {}


def _wrt_tuple(f, wrt):
    """(names, single): `wrt` as parameter names, and whether one gradient is returned."""
    params = list(inspect.signature(f).parameters)
    if wrt is None:
        return (params[0],) if params else (), True
    single = not isinstance(wrt, (tuple, list))
    names = []
    for item in [wrt] if single else wrt:
        if isinstance(item, int):
            if not -len(params) <= item < len(params):
                raise S2SError(f"wrt={item}: {f.__name__} has {len(params)} parameters")
            item = params[item]
        names.append(item)
    return tuple(names), single


def _source_hash(f):
    source = inspect.getsource(f) if hasattr(f, "__code__") else repr(f)
    return hashlib.sha256(source.encode()).hexdigest()


def _cells(f):
    """What `f`'s closure holds: two closures made by one factory share their source,
    not their variables."""
    out = []
    for cell in getattr(f, "__closure__", None) or ():
        try:
            out.append(id(cell.cell_contents))
        except ValueError:  # not set yet
            out.append(None)
    return tuple(out)


def _compile(f, names):
    key = (f.__module__, f.__qualname__, _source_hash(f), _cells(f), names, registry_state())
    if key in _compiled:
        generated, _, calls = _compiled[key]
        if any(_source_hash(g) != sha for g, sha in calls):  # a callee was edited
            del _compiled[key]
    if key not in _compiled:
        target = f"{f.__module__}.{f.__qualname__}"
        command = f"s2s.value_and_grad({target}, wrt={names!r})"
        generated = differentiate(f, names, target=target, inject=True, command=command)
        filename = f"<s2s generated: derivative of {target}>"
        lines = generated.source.splitlines(keepends=True)
        linecache.cache[filename] = (len(generated.source), None, lines, filename)
        namespace = dict(generated.injected)
        namespace["__name__"] = f"s2s_generated.{f.__module__}"
        exec(compile(generated.source, filename, "exec"), namespace)
        calls = [(g, _source_hash(g)) for g in generated.calls]
        _compiled[key] = (generated, namespace[generated.functions["value_and_grad"]], calls)
    return _compiled[key][:2]


def value_and_grad(f, wrt=None):
    """`f`'s value and gradient: `value_and_grad(f, wrt)(*args) -> (value, grads)`.

    `wrt` is a parameter name or index (one gradient), or a tuple of them (a tuple of
    gradients); by default the first parameter.  The compiled function also takes
    `d_result=` (the adjoint of the result, 1.0 by default).
    """
    names, single = _wrt_tuple(f, wrt)

    @functools.wraps(f)
    def run(*args, **kwargs):
        generated, compiled = _compile(f, names)
        value, grads = compiled(*args, **kwargs)
        if not single and len(names) == 1:
            grads = (grads,)
        return value, grads

    return run


def grad(f, wrt=None):
    """`f`'s gradient: `grad(f, wrt)(*args) -> grads` (see `value_and_grad`)."""
    value_and_grad_f = value_and_grad(f, wrt)

    @functools.wraps(f)
    def run(*args, **kwargs):
        return value_and_grad_f(*args, **kwargs)[1]

    return run


def source(f, wrt=None):
    """The generated source that `grad(f, wrt)` runs."""
    names, _ = _wrt_tuple(f, wrt)
    return _compile(f, names)[0].source
