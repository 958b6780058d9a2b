"""The Python API: `s2s.grad(f)`, `s2s.value_and_grad(f)`, `s2s.jvp(f)`, `s2s.source(f)`.

Each compiles the very source the CLI would write (with the user's module-level
objects passed in rather than imported), caches it by the function's source hash
(the `CACHE_SIZE` most recently used, each only while its function lives: a closure's
captured arrays are not kept alive by the cache), and registers it with `linecache` so
tracebacks and pdb show the generated lines.  Safe to call from threads.
"""

import collections
import functools
import hashlib
import inspect
import linecache
import threading
import weakref

import numpy

from .compiler import differentiate
from .errors import S2SError
from .runtime import notes
from .templating import registry_state

CACHE_SIZE = 128  # compiled derivatives kept; the least recently used go first
_compiled = collections.OrderedDict()  # (id(f), ...) -> (generated, compiled, callees)
_compiled_lock = threading.RLock()
_watched = {}  # id(f) -> a weak reference to f, whose callback drops f's entries


def _wrt_tuple(f, wrt):
    """(names, single): `wrt` as parameter names, and whether one gradient is returned."""
    try:
        params = list(inspect.signature(_code(f)).parameters)
    except (TypeError, ValueError):  # (NumPy's ufuncs have no signature before NumPy 2.3)
        raise S2SError(f"{getattr(f, '__name__', f)!r} is not a Python function (got "
                       f"{type(f).__name__})") from None
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
    try:
        source = inspect.getsource(f) if hasattr(f, "__code__") else repr(f)
    except (OSError, TypeError):  # no source: differentiating it says so clearly
        source = repr(f)
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


def _code(f):
    """The function s2s reads for `f`: for a function s2s made (`s2s.grad(g)`, ...), the
    generated function itself, so that derivatives of derivatives differentiate the
    generated code."""
    made = getattr(f, "s2s_generated_function", None)
    return notes.unwrapped(made()) if made is not None else f


def _forget(function_id):
    """The weakref callback that drops what was compiled for a function that is gone
    (a closure: the values it captured go with it)."""
    def drop(_):
        with _compiled_lock:
            for key in [k for k in _compiled if k[0] == function_id]:
                del _compiled[key]
            _watched.pop(function_id, None)

    return drop


def _compile(f, names, mode="reverse"):
    with _compiled_lock:  # (threads compile one at a time, and see one cache)
        return _compiled_for(_code(f), names, mode)


def _compiled_for(f, names, mode):
    # (the file too: generated functions of one name and text, made for different
    # `wrt`, call different functions)
    filename = getattr(getattr(f, "__code__", None), "co_filename", None)
    key = (id(f), f.__module__, f.__qualname__, filename, _source_hash(f), _cells(f), names,
           mode, registry_state())
    if key in _compiled:
        generated, _, calls = _compiled[key]
        if any(_source_hash(g) != sha for g, sha in calls):  # a callee was edited
            del _compiled[key]
        else:
            _compiled.move_to_end(key)
    if key not in _compiled:
        target = f"{f.__module__}.{f.__qualname__}" if f.__module__ else f.__qualname__
        api = "value_and_grad" if mode == "reverse" else "jvp"
        command = f"s2s.{api}({target}, wrt={names!r})"
        generated = differentiate(f, names, target=target, inject=True, command=command,
                                  mode=mode)
        # one file per derivative: tracebacks of each must find its own lines
        kind = "derivative" if mode == "reverse" else "forward derivative"
        filename = f"<s2s generated: {kind} of {target} wrt {','.join(names)}>"
        lines = generated.source.splitlines(keepends=True)
        linecache.cache[filename] = (len(generated.source), None, lines, filename)
        namespace = dict(generated.injected)
        namespace["__name__"] = f"s2s_generated.{f.__module__}"
        exec(compile(generated.source, filename, "exec"), namespace)
        calls = [(g, _source_hash(g)) for g in generated.calls]
        role = "value_and_grad" if mode == "reverse" else "jvp"
        generated.parts = ()  # (its trees lead back to `f`, which the cache must not keep)
        _compiled[key] = (generated, namespace[generated.functions[role]], calls)
        _compiled[key][1].s2s_generated = generated
        if id(f) not in _watched:
            try:
                _watched[id(f)] = weakref.ref(f, _forget(id(f)))
            except TypeError:  # (an object without weak references lives on)
                pass
        while len(_compiled) > CACHE_SIZE:
            _compiled.popitem(last=False)  # the least recently used
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
        _check_kinds(f, names, args, kwargs)
        value, grads = compiled(*args, **kwargs)
        if not single and len(names) == 1:
            grads = (grads,)
        return value, grads

    run.s2s_generated_function = lambda: _compile(f, names)[1]
    return run


def _check_kinds(f, names, args, kwargs):
    """A clear error, naming the parameter, where a gradient is asked for with respect
    to an integer, boolean or complex value."""
    from .runtime import _kind

    try:
        bound = inspect.signature(_code(f)).bind_partial(*args, **kwargs).arguments
    except TypeError:
        return  # the call itself will say what is wrong with it
    for name in names:
        kind = _kind(bound.get(name))
        if kind is not None:
            raise TypeError(
                f"{getattr(f, '__name__', f)}: a gradient with respect to {name!r} was asked "
                f"for, which holds a {kind} value; {kind}s carry no gradient: pass floats "
                f"({name}.astype(float), or float({name}))"
            )


def grad(f, wrt=None):
    """`f`'s gradient: `grad(f, wrt)(*args) -> grads` (see `value_and_grad`)."""
    value_and_grad_f = value_and_grad(f, wrt)

    @functools.wraps(f)
    def run(*args, **kwargs):
        value, grads = value_and_grad_f(*args, **kwargs)
        if "d_result" not in kwargs and getattr(value, "shape", ()) != ():
            raise ValueError(
                f"grad({getattr(f, '__name__', f)}): its result is an array of shape "
                f"{value.shape}, not a number; a gradient is of a number (np.sum(...)), or "
                "use value_and_grad(...)(..., d_result=<an array of that shape>) for a "
                "vector-Jacobian product"
            )
        return grads

    names, _ = _wrt_tuple(f, wrt)
    run.s2s_generated_function = lambda: _generated_function(f, names, "grad")
    return run


def _generated_function(f, names, role):
    generated, compiled = _compile(f, names)
    return notes.unwrapped(compiled).__globals__[generated.functions[role]]


def jvp(f, wrt=None):
    """`f`'s value and its derivative along a direction (forward mode):
    `jvp(f, wrt)(*args, *tangents) -> (value, tangent)`.  The last positional
    arguments are the tangents, one per `wrt` parameter, unless they are given by
    keyword under the generated function's names for them (`dx=`)."""
    names, _ = _wrt_tuple(f, wrt)

    @functools.wraps(f)
    def run(*args, **kwargs):
        generated, compiled = _compile(f, names, "forward")
        keys = generated.tangents
        if not any(k in kwargs for k in keys):
            if len(args) < len(keys):
                raise TypeError(f"jvp of {f.__name__} takes one tangent per wrt "
                                f"parameter ({', '.join(names)}) after the arguments")
            args, tangents = args[:len(args) - len(keys)], args[len(args) - len(keys):]
            kwargs.update(zip(keys, tangents))
        return compiled(*args, **kwargs)

    run.s2s_generated_function = lambda: _compile(f, names, "forward")[1]
    return run


def source(f, wrt=None, mode="reverse"):
    """The generated source that `grad(f, wrt)` runs (mode "reverse"), `jvp(f, wrt)`
    (mode "forward") or `hvp(f, wrt)` (mode "hvp": forward mode over the gradient,
    which it calls)."""
    if mode not in ("reverse", "forward", "hvp"):
        raise ValueError(f"source(..., mode={mode!r}): the modes are 'reverse', "
                         "'forward' and 'hvp'")
    names, _ = _wrt_tuple(f, wrt)
    if mode == "hvp":
        return _compile(_generated_function(f, names, "grad"), names, "forward")[0].source
    return _compile(f, names, mode)[0].source


def hvp(f, wrt=None):
    """Hessian-vector products: `hvp(f, wrt)(*args, v)` is the derivative of `f`'s
    gradient along `v` (one tangent per `wrt` parameter: a tuple of them where `wrt`
    is a tuple), computed forward over reverse (forward mode over the generated
    gradient) without forming the Hessian."""
    names, single = _wrt_tuple(f, wrt)

    @functools.wraps(f)
    def run(*args, **kwargs):
        *args, v = args
        grad_f = _generated_function(f, names, "grad")
        jvp_grad = _compile(grad_f, names, "forward")[1]
        vs = (v,) if single else tuple(v)
        tangents = dict(zip(jvp_grad.s2s_generated.tangents, vs))
        _, product = jvp_grad(*args, **kwargs, **tangents)
        return (product,) if not single and len(names) == 1 else product

    return run


def _basis(x):
    """The unit tangents of `x`, one per element, each shaped like `x`."""
    x = numpy.asarray(x)
    for i in range(x.size):
        e = numpy.zeros(x.size, dtype=x.dtype if x.dtype.kind == "f" else float)
        e[i] = 1.0
        yield e.reshape(x.shape)


def _values(f, names, args, kwargs):
    """The arguments a call passes for the parameters `names`."""
    params = list(inspect.signature(_code(f)).parameters)
    return [args[params.index(n)] if params.index(n) < len(args) else kwargs[n]
            for n in names]


def _columns_last(columns, shape, column_shape):
    """Arrays of `shape`, one per element of an array of `column_shape`, as one array
    of `shape + column_shape`."""
    stacked = numpy.reshape([numpy.asarray(c) for c in columns], column_shape + shape)
    ndim = len(column_shape)
    return numpy.moveaxis(stacked, list(range(ndim)), list(range(len(shape), len(shape) + ndim)))


def hessian(f, wrt=None):
    """`f`'s Hessian, one Hessian-vector product per element of the `wrt` parameters
    (for small inputs): shaped `x.shape + x.shape` for one parameter; for a tuple of
    them, a tuple of rows of blocks `H[i][j]` shaped `x_i.shape + x_j.shape`."""
    names, single = _wrt_tuple(f, wrt)
    product = hvp(f, names)

    @functools.wraps(f)
    def run(*args, **kwargs):
        xs = _values(f, names, args, kwargs)
        columns = [  # columns[j]: H v for each unit tangent v of x_j (zeros elsewhere)
            [product(*args, tuple(e if i == j else numpy.zeros(numpy.shape(xi))
                                  for i, xi in enumerate(xs)), **kwargs)
             for e in _basis(x)]
            for j, x in enumerate(xs)
        ]
        blocks = tuple(
            tuple(_columns_last([c[i] for c in columns[j]], numpy.shape(xs[i]),
                                numpy.shape(xs[j])) for j in range(len(xs)))
            for i in range(len(xs))
        )
        return blocks[0][0] if single else blocks

    return run


def jacobian(f, wrt=None):
    """`f`'s Jacobian, `out.shape + x.shape` (a tuple, one per parameter, where `wrt` is
    a tuple): forward mode, one jvp per input element, when the inputs have fewer
    elements than the result; else reverse mode, one gradient per result element."""
    names, single = _wrt_tuple(f, wrt)

    @functools.wraps(f)
    def run(*args, **kwargs):
        xs = _values(f, names, args, kwargs)
        value = f(*args, **kwargs)
        if sum(numpy.size(x) for x in xs) <= numpy.size(value):
            generated, jvp_f = _compile(f, names, "forward")
            parts = []
            for j, x in enumerate(xs):
                rows = []
                for e in _basis(x):
                    tangents = {k: (e if i == j else numpy.zeros(numpy.shape(xi)))
                                for i, (k, xi) in enumerate(zip(generated.tangents, xs))}
                    rows.append(jvp_f(*args, **kwargs, **tangents)[1])
                parts.append(_columns_last(rows, numpy.shape(value), numpy.shape(x)))
        else:
            value_and_grad_f = _compile(f, names)[1]
            rows = []
            for seed in _basis(value):
                grads = value_and_grad_f(*args, **kwargs, d_result=seed)[1]
                rows.append(grads if len(names) > 1 else (grads,))
            parts = [numpy.reshape([numpy.asarray(r[j]) for r in rows],
                                   numpy.shape(value) + numpy.shape(x))
                     for j, x in enumerate(xs)]
        return parts[0] if single else tuple(parts)

    return run
