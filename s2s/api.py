"""The Python API: `s2s.grad(f)`, `s2s.value_and_grad(f)`, `s2s.vjp(f)`, `s2s.jvp(f)`,
`s2s.hvp(f)`, `s2s.source(f)`, ...

`f` is a function, a lambda (`s2s.grad(lambda w: loss(w, x, y))`), a
`functools.partial` of one (its bound arguments passed on each call; `wrt` counts the
parameters it leaves), or a function s2s made (a derivative of a derivative).

Each compiles the very source the CLI would write (with the user's module-level
objects passed in rather than imported), caches it by the function object (the
`CACHE_SIZE` most recently used, each only while its function lives: a closure's
captured arrays are not kept alive by the cache; each made again where the source of
the function or of a callee changed, which a call checks by code objects and files'
modification times, not by reading sources), and registers it with `linecache` so
tracebacks and pdb show the generated lines.  Safe to call from threads.
"""

import collections
import functools
import hashlib
import inspect
import linecache
import os
import threading
import types
import weakref

import numpy

from .compiler import differentiate
from .errors import S2SError
from .runtime import _NUMBER_TYPES, _is_record, _kind, are_number_lists, notes, zeros_like
from .templating import registry_state

CACHE_SIZE = 128  # compiled derivatives kept; the least recently used go first
_compiled = collections.OrderedDict()  # (id(f), ...) -> (generated, compiled, sources)
_compiled_lock = threading.RLock()
_watched = {}  # id(f) -> a weak reference to f, whose callback drops f's entries


def _name(f):
    """How messages name `f` (a partial: by the function it binds)."""
    function, _, _ = _unpartial(f)
    return getattr(function, "__name__", repr(function))


def _unpartial(f):
    """(the function, the positional and keyword arguments bound to it): those of a
    `functools.partial` (nested ones too), of a bound method (its object), or of a
    derivative s2s made of one."""
    args, keywords = (), {}
    while True:
        if isinstance(f, functools.partial):
            args, keywords = f.args + args, {**f.keywords, **keywords}
            f = f.func
        elif isinstance(f, types.MethodType) and isinstance(f.__func__, types.FunctionType):
            args, f = (f.__self__,) + args, f.__func__  # `model.loss`: the object bound
        else:
            break
    bound = getattr(f, "s2s_bound", None)
    if bound is not None:
        args, keywords = bound[0] + args, {**bound[1], **keywords}
    return f, args, keywords


def _bind(bound, args, kwargs):
    """A call's arguments, after the ones a partial binds."""
    return (*bound[0], *args), {**bound[1], **kwargs}


def _wrt_tuple(f, wrt, argnums=None):
    """(names, single): `wrt` (or JAX's `argnums`) as parameter names, and whether one
    gradient is returned.  Indices count the parameters a partial leaves."""
    if argnums is not None:
        if wrt is not None:
            raise TypeError("give wrt= or argnums=, not both (argnums= is wrt= with indices)")
        items = argnums if isinstance(argnums, (tuple, list)) else [argnums]
        if not all(isinstance(i, int) and not isinstance(i, bool) for i in items):
            raise TypeError(f"argnums={argnums!r}: an int or a tuple of ints (parameter "
                            "indices; wrt= takes names)")
        wrt = argnums
    function, args, keywords = _unpartial(f)
    try:
        params = list(inspect.signature(_code(function)).parameters)
    except (TypeError, ValueError):  # (NumPy's ufuncs have no signature before NumPy 2.3)
        raise S2SError(f"{getattr(function, '__name__', function)!r} is not a Python "
                       f"function (got {type(function).__name__})") from None
    if args or keywords:
        left = list(inspect.signature(functools.partial(_code(function), *args,
                                                        **keywords)).parameters)
        taken = [p for p in params if p not in left]
        params = left
    else:
        taken = []
    if wrt is None:
        return (params[0],) if params else (), True
    single = not isinstance(wrt, (tuple, list))
    names = []
    for item in [wrt] if single else wrt:
        if isinstance(item, int) and not isinstance(item, bool):
            if not -len(params) <= item < len(params):
                raise S2SError(f"wrt={item}: {_name(f)} has {len(params)} parameters"
                               + (" left by the partial" if taken else ""))
            item = params[item]
        elif item in taken:
            raise S2SError(f"wrt={item!r}: the partial binds {item!r} positionally; "
                           f"the parameters it leaves: {', '.join(params)}")
        names.append(item)
    return tuple(names), single


def _source_hash(f):
    try:
        source = inspect.getsource(f) if hasattr(f, "__code__") else repr(f)
    except (OSError, TypeError):  # no source: differentiating it says so clearly
        source = repr(f)
    return hashlib.sha256(source.encode()).hexdigest()


def _modified(path):
    """The modification time of the file `path` (ns), or None where there is no such
    file (code run from a string, a notebook's cell)."""
    if not path or path.startswith("<"):  # (`<string>`, `<s2s generated: ...>`)
        return None
    try:
        return os.stat(path).st_mtime_ns
    except (OSError, TypeError, ValueError):
        return None


def _source_record(g, keep=True):
    """What tells whether `g`, which a derivative was made from, is as it was: [g (None
    where not `keep`: the cache holds no function it is keyed by, see `_forget`), its
    code object, its file, the file's modification time, its source's hash]."""
    code = getattr(g, "__code__", None)
    path = getattr(code, "co_filename", None)
    return [g if keep else None, code, path, _modified(path), _source_hash(g)]


def _unchanged(f, records):
    """Whether the functions a derivative was made from (`f`, whose record is the
    first, and its callees) are as they were, checked cheaply on every call: the same
    code objects, in files not modified since.  Where a file was touched, its source is
    hashed again (the same source keeps the derivative, and the file's new time, so
    that the next call is cheap again).  Code without a file cannot change under its
    code object; an object that is not a function is compared by its hash."""
    times = {}  # (a file's time, read once per call)
    for record in records:
        g, code, path, modified, sha = record
        g = notes.unwrapped(f) if g is None else g
        if code is None:
            if _source_hash(g) != sha:
                return False
            continue
        if getattr(g, "__code__", None) is not code:
            return False
        now = times[path] if path in times else times.setdefault(path, _modified(path))
        if now == modified:
            continue
        if _source_hash(g) != sha:
            return False
        record[3] = now
    return True


_signatures = weakref.WeakKeyDictionary()  # function -> (its code, _Parameters)


class _Parameters:
    """A function's signature, its parameters' names in order, and whether one takes
    *args: read on every call, so kept (`_signature`)."""

    def __init__(self, signature):
        self.signature = signature
        self.names = list(signature.parameters)
        self.index = {name: i for i, name in enumerate(self.names)}
        self.variadic = any(p.kind is p.VAR_POSITIONAL for p in signature.parameters.values())


def _parameters(f):
    """`f`'s `_Parameters`, kept while `f` lives and its code is the same."""
    try:
        code, parameters = _signatures[f]
        if code is getattr(f, "__code__", None):
            return parameters
    except (KeyError, TypeError):  # (TypeError: an object without weak references)
        pass
    parameters = _Parameters(inspect.signature(f))
    try:
        _signatures[f] = (getattr(f, "__code__", None), parameters)
    except TypeError:
        pass
    return parameters


def _signature(f):
    """`inspect.signature(f)`, kept (`_parameters`)."""
    return _parameters(f).signature


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
    if made is None and getattr(f, "s2s_api", None) is not None:
        raise S2SError(f"{_name(f)} is made by s2s.{f.s2s_api}, which s2s does not "
                       "differentiate again (it does what s2s.grad, s2s.value_and_grad and "
                       "s2s.jvp make, without has_aux)")
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


def _compile(f, names, mode="reverse", args=None, kwargs=None, backend="numpy"):
    """The generated module and function for `f`; given the call's arguments, made
    for the classes of the objects among them; `backend`: "numpy", or "numba" for
    a gradient numba compiles (numba_target.py)."""
    with _compiled_lock:  # (threads compile one at a time, and see one cache)
        call = (args, kwargs or {}) if args is not None else None
        return _compiled_for(_code(f), names, mode, call, backend)


def _argument_types(args, kwargs):
    """What `_classes` and `_numbers` read from a call depend on, cheaply (it runs on
    every call): the type of each argument, by position, and of each keyword's (a
    list's: whether it holds numbers only)."""
    return tuple(map(_type, args)), tuple((k, _type(v)) for k, v in kwargs.items())


def _type(value):
    kind = type(value)
    if kind is list:
        return "list[float]" if are_number_lists(value) else list
    return kind


# the types of arguments that are numbers (those `are_numbers` takes), as annotations
# name them
_ANNOTATIONS = {kind: "int" if issubclass(kind, (int, numpy.integer)) else "float"
                for kind in _NUMBER_TYPES}


def _numbers(f, args, kwargs):
    """{parameter: "float" or "int"} for each parameter a call gives a number (its
    default included), "list[float]" for a list of numbers: the derivative is made for
    numbers there, as if annotated so (analysis/scalars.py), and needs no undoing of
    broadcasting against them.  Another call, with an array there, has other argument
    types, so another derivative."""
    try:
        bound = inspect.signature(f).bind(*args, **kwargs)
    except (TypeError, ValueError):
        return {}
    bound.apply_defaults()
    numbers = {}
    for name, value in bound.arguments.items():
        if type(value) in _ANNOTATIONS:
            numbers[name] = _ANNOTATIONS[type(value)]
        elif type(value) is list and value and are_number_lists(value):
            numbers[name] = "list[float]"
    return numbers


def _classes(f, args, kwargs):
    """((parameter, the class of the object it holds, or None), ...): the methods
    called on an object of the user's are that class's (normalize/methods.py)."""
    try:
        bound = inspect.signature(f).bind_partial(*args, **kwargs).arguments
    except (TypeError, ValueError):
        return ()
    return tuple((name, type(value) if _is_record(value) else None)
                 for name, value in bound.items())


def _compiled_for(f, names, mode, call=None, backend="numpy"):
    """`call`: (args, kwargs) of the call it is compiled for, whose objects' classes
    it is made for (normalize/methods.py), or None."""
    # (the file too: generated functions of one name and text, made for different
    # `wrt`, call different functions)
    filename = getattr(getattr(f, "__code__", None), "co_filename", None)
    key = (id(f), f.__module__, f.__qualname__, filename, _cells(f), names, mode, backend,
           registry_state(), _argument_types(*call) if call is not None else ())
    if key in _compiled:
        generated, _, sources = _compiled[key]
        if not _unchanged(f, sources):  # `f` or a callee was edited
            del _compiled[key]
        else:
            _compiled.move_to_end(key)
    if key not in _compiled:
        target = f"{f.__module__}.{f.__qualname__}" if f.__module__ else f.__qualname__
        api = "value_and_grad" if mode == "reverse" else "jvp"
        command = f"s2s.{api}({target}, wrt={names!r}" + (
            f", target={backend!r})" if backend != "numpy" else ")")
        classes = dict(_classes(f, *call)) if call is not None else {}
        numbers = _numbers(f, *call) if call is not None else {}
        generated = differentiate(f, names, target=target, inject=True, command=command,
                                  mode=mode, classes=classes, numbers=numbers,
                                  backend=backend)
        # one file per derivative: tracebacks of each must find its own lines
        kind = "derivative" if mode == "reverse" else "forward derivative"
        filename = f"<s2s generated: {kind} of {target} wrt {','.join(names)}>"
        lines = generated.source.splitlines(keepends=True)
        linecache.cache[filename] = (len(generated.source), None, lines, filename)
        namespace = dict(generated.injected)
        namespace["__name__"] = f"s2s_generated.{f.__module__}"
        exec(compile(generated.source, filename, "exec"), namespace)
        sources = [_source_record(notes.unwrapped(f), keep=False)] + [
            _source_record(g) for g in generated.calls if g is not f]
        role = "value_and_grad" if mode == "reverse" else "jvp"
        generated.parts = ()  # (its trees lead back to `f`, which the cache must not keep)
        _compiled[key] = (generated, namespace[generated.functions[role]], sources)
        _compiled[key][1].s2s_generated = generated
        if id(f) not in _watched:
            try:
                _watched[id(f)] = weakref.ref(f, _forget(id(f)))
            except TypeError:  # (an object without weak references lives on)
                pass
        while len(_compiled) > CACHE_SIZE:
            _compiled.popitem(last=False)  # the least recently used
    return _compiled[key][:2]


def _wrapping(f, api):
    """`functools.wraps(f)`, without what `f`'s own `__dict__` says s2s made it from
    (each API function sets its own), marked as made by `s2s.<api>`."""
    def wrap(run):
        run = functools.wraps(f)(run)
        run.__dict__.pop("s2s_bound", None)
        run.__dict__.pop("s2s_generated_function", None)
        run.__name__ = _name(f)
        run.s2s_api = api
        return run

    return wrap


def _required(function, args, kwargs):
    """How many positional arguments a call of `function` needs before what follows
    them (the tangents, the vector), given the keyword arguments `kwargs`."""
    try:
        params = _signature(_code(function)).parameters.values()
    except (TypeError, ValueError):
        return 0
    return sum(1 for p in params
               if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
               and p.default is p.empty and p.name not in kwargs)


def _aux_seed(f, value):
    """The adjoint of `(value, aux)` for `has_aux=True`: aux carries no derivative, so
    its adjoint is zeros of its structure (where the function computes aux from the
    parameters, the generated code adds nothing from it)."""
    if not (isinstance(value, (tuple, list)) and len(value) == 2):
        raise TypeError(f"{_name(f)} with has_aux=True must return a pair (value, aux), "
                        f"returned a {type(value).__name__}"
                        + (f" of length {len(value)}" if isinstance(value, (tuple, list))
                           else ""))

    def zeros(x):
        if x is None or isinstance(x, (str, bytes, bool)):
            return None
        if isinstance(x, dict):
            return {k: zeros(v) for k, v in x.items()}
        if isinstance(x, (list, tuple)) and not hasattr(x, "_fields"):
            return type(x)(zeros(v) for v in x)
        try:
            return zeros_like(x)
        except Exception:  # noqa: BLE001 - an object of the user's: no adjoint
            return None

    return zeros(value[1])


def value_and_grad(f, wrt=None, *, argnums=None, has_aux=False, target="numpy"):
    """`f`'s value and gradient: `value_and_grad(f, wrt)(*args) -> (value, grads)`.

        value, dw = s2s.value_and_grad(loss)(w, x, y)
        value, (dw, db) = s2s.value_and_grad(loss, wrt=("w", "b"))(w, b, x, y)
        value, dw = s2s.value_and_grad(lambda w: loss(w, x, y))(w)
        (value, aux), dw = s2s.value_and_grad(loss_and_stats, has_aux=True)(w, x, y)

    `wrt` is a parameter name or index (one gradient), or a tuple of them (a tuple of
    gradients); by default the first parameter.  `argnums=` is `wrt=` as JAX spells
    it (indices).  `f` may be a lambda or a `functools.partial` (indices count the
    parameters it leaves).  `has_aux=True`: `f` returns `(value, aux)`, the gradient
    is of `value`, aux carries none and is returned as `((value, aux), grads)`
    (`f` runs once more, to learn aux's structure).  The compiled function also
    takes `d_result=` (the adjoint of the result, 1.0 by default: another value gives
    a vector-Jacobian product, see `vjp`).  `target="numba"`: the gradient is
    compiled with numba (as `s2s differentiate --target numba` makes it), for
    loops over numbers and arrays; what numba cannot compile is refused.
    """
    names, single = _wrt_tuple(f, wrt, argnums)
    function, *bound = _unpartial(f)
    _check_target(target)

    @_wrapping(f, "value_and_grad")
    def run(*args, **kwargs):
        args, kwargs = _bind(bound, args, kwargs)
        generated, compiled = _compile(function, names, args=args, kwargs=kwargs,
                                       backend=target)
        _check_kinds(function, names, args, kwargs)
        if has_aux:
            seed = kwargs.pop("d_result", 1.0)
            aux = _aux_seed(f, function(*args, **kwargs))
            kwargs["d_result"] = (seed, aux)
        seeded = "d_result" in kwargs
        value, grads = compiled(*args, **kwargs)
        if not seeded:
            _require_real_result(f, value[0] if has_aux else value, "value_and_grad")
        if has_aux:
            value = tuple(value)
        if not single and len(names) == 1:
            grads = (grads,)
        return value, grads

    if has_aux:
        run.s2s_api = "value_and_grad(..., has_aux=True)"
    else:
        run.s2s_generated_function = lambda: _compile(function, names, backend=target)[1]
    run.s2s_bound = tuple(bound) if any(bound) else None
    return run


def _check_target(target):
    if target not in ("numpy", "numba"):
        raise ValueError(f"target={target!r}: expected 'numpy' or 'numba'")


def _require_real_result(f, value, api):
    """A gradient is of a real result (of a complex one, `d_result=` says which)."""
    if _kind(value) == "complex":
        raise ValueError(
            f"{api}({_name(f)}): its result is a complex number; a gradient is of a real "
            "number (its real part, abs(...) or abs(...) ** 2), or give d_result= for a "
            "vector-Jacobian product"
        )


def _arguments(f, names, args, kwargs):
    """{name: the value a call of `f` passes it} for the parameters `names` (read on
    every call: by position, where no parameter takes *args)."""
    parameters = _parameters(f)
    if parameters.variadic:
        return parameters.signature.bind_partial(*args, **kwargs).arguments
    if len(args) > len(parameters.names):
        raise TypeError(f"too many arguments: {len(args)}")
    found = {}
    for name in names:
        index = parameters.index.get(name, len(args))
        if index < len(args):
            found[name] = args[index]
        elif name in kwargs:
            found[name] = kwargs[name]
    return found


def _check_kinds(f, names, args, kwargs):
    """A clear error, naming the parameter, where a gradient is asked for with respect
    to an integer or boolean value."""
    try:
        bound = _arguments(_code(f), names, args, kwargs)
    except TypeError:
        return  # the call itself will say what is wrong with it
    for name in names:
        kind = _kind(bound.get(name))
        if kind in ("integer", "boolean"):  # (complex values have gradients)
            raise TypeError(
                f"{getattr(f, '__name__', f)}: a gradient with respect to {name!r} was asked "
                f"for, which holds a {kind} value; {kind}s carry no gradient: pass floats "
                f"({name}.astype(float), or float({name}))"
            )


def grad(f, wrt=None, *, argnums=None, has_aux=False, target="numpy"):
    """`f`'s gradient: `grad(f, wrt)(*args) -> grads`.

        dw = s2s.grad(loss)(w, x, y)                          # the first parameter
        dw, db = s2s.grad(loss, wrt=("w", "b"))(w, b, x, y)   # names or indices
        dw = s2s.grad(lambda w: loss(w, x, y))(w)             # data fixed by a lambda
        dw = s2s.grad(functools.partial(loss, x=x, y=y))(w)   # or by a partial
        dx, dy = s2s.grad(f, argnums=(0, 1))(x, y)            # as JAX writes it
        dw, aux = s2s.grad(loss_and_stats, has_aux=True)(w, x, y)

    `f`'s result must be a number (see `value_and_grad` for `wrt`, `argnums`,
    `has_aux`, `target`, and `vjp` for an array result).
    """
    value_and_grad_f = value_and_grad(f, wrt, argnums=argnums, has_aux=has_aux,
                                      target=target)
    names, _ = _wrt_tuple(f, wrt, argnums)
    function, *bound = _unpartial(f)

    @_wrapping(f, "grad")
    def run(*args, **kwargs):
        value, grads = value_and_grad_f(*args, **kwargs)
        primal = value[0] if has_aux else value
        if "d_result" not in kwargs and getattr(primal, "shape", ()) != ():
            raise ValueError(
                f"grad({_name(f)}): its result is an array of shape "
                f"{primal.shape}, not a number; a gradient is of a number (np.sum(...)), or "
                "use value_and_grad(...)(..., d_result=<an array of that shape>), or "
                "s2s.vjp, for a vector-Jacobian product"
            )
        return (grads, value[1]) if has_aux else grads

    if has_aux:
        run.s2s_api = "grad(..., has_aux=True)"
    else:
        run.s2s_generated_function = lambda: _generated_function(function, names, "grad",
                                                                 backend=target)
    run.s2s_bound = tuple(bound) if any(bound) else None
    return run


def vjp(f, wrt=None):
    """Vector-Jacobian products, as `jax.vjp` gives them: `vjp(f, wrt)(*args) ->
    (value, vjp_fn)`, where `vjp_fn(cotangent)` is the gradients of
    `sum(value * cotangent)` (one per `wrt` parameter, as `grad` returns them).

        y, pullback = s2s.vjp(f)(x)          # f(x) an array
        dx = pullback(np.ones_like(y))       # the sum of the rows of the Jacobian

    Each `vjp_fn` call runs the generated `value_and_grad` with `d_result=cotangent`.
    """
    value_and_grad_f = value_and_grad(f, wrt)

    @_wrapping(f, "vjp")
    def run(*args, **kwargs):
        if "d_result" in kwargs:
            raise TypeError("vjp(f)(...) takes f's arguments; pass the cotangent to the "
                            "function it returns")
        function, *bound = _unpartial(f)
        call_args, call_kwargs = _bind(bound, args, kwargs)
        value = function(*call_args, **call_kwargs)

        def vjp_fn(cotangent):
            return value_and_grad_f(*args, **kwargs, d_result=cotangent)[1]

        vjp_fn.__doc__ = f"The gradients of sum({_name(f)}(...) * cotangent)."
        return value, vjp_fn

    return run


def _generated_function(f, names, role, args=None, kwargs=None, backend="numpy"):
    generated, compiled = _compile(f, names, args=args, kwargs=kwargs, backend=backend)
    return notes.unwrapped(compiled).__globals__[generated.functions[role]]


def jvp(f, wrt=None):
    """`f`'s value and its derivative along a direction (forward mode):
    `jvp(f, wrt)(*args, *tangents) -> (value, tangent)`.

        value, tangent = s2s.jvp(loss)(w, x, y, v)                # v: a direction of w
        value, tangent = s2s.jvp(loss, wrt=("w", "b"))(w, b, x, y, v_w, v_b)
        value, tangent = s2s.jvp(loss)(w, x, y, w_dot=v)          # by keyword

    The last positional arguments are the tangents, one per `wrt` parameter, unless
    they are given by keyword under the generated function's names for them
    (`x_dot=`; `s2s.source(f, mode="forward")` shows them)."""
    names, _ = _wrt_tuple(f, wrt)
    function, *bound = _unpartial(f)

    @_wrapping(f, "jvp")
    def run(*args, **kwargs):
        generated, compiled = _compile(function, names, "forward",
                                       *_primal_arguments(function, names, bound, args, kwargs))
        keys = generated.tangents
        if not any(k in kwargs for k in keys):
            primal = len(bound[0]) + len(args) - len(keys)
            needed = _required(function, args, {**bound[1], **kwargs})
            if primal < needed:
                raise TypeError(
                    f"jvp of {_name(f)} takes one tangent per wrt parameter "
                    f"({', '.join(names)}) after {_name(f)}'s arguments: got {len(args)} "
                    f"argument{'s' * (len(args) != 1)}, and {_name(f)} takes "
                    f"{needed - len(bound[0])} before the {len(keys)} tangent"
                    f"{'s' * (len(keys) != 1)}")
            args, tangents = args[:len(args) - len(keys)], args[len(args) - len(keys):]
            kwargs.update(zip(keys, tangents))
        args, kwargs = _bind(bound, args, kwargs)
        return compiled(*args, **kwargs)

    run.s2s_generated_function = lambda: _compile(function, names, "forward")[1]
    run.s2s_bound = tuple(bound) if any(bound) else None
    return run


def _primal_arguments(function, names, bound, args, kwargs):
    """The arguments of a jvp call without its tangents (the last positional ones,
    one per `wrt` parameter, unless given by keywords that are not parameters)."""
    if not kwargs:  # (the common call: no signature to read)
        return _bind(bound, args[:max(len(args) - len(names), 0)], {})
    try:
        params = _signature(function).parameters
    except (TypeError, ValueError):
        return None, None
    if not any(k not in params for k in kwargs):
        args = args[:max(len(args) - len(names), 0)]
    return _bind(bound, args, {k: v for k, v in kwargs.items() if k in params})


def source(f, wrt=None, mode="reverse"):
    """The generated source that `grad(f, wrt)` runs (mode "reverse"), `jvp(f, wrt)`
    (mode "forward") or `hvp(f, wrt)` (mode "hvp": forward mode over the gradient,
    which it calls).

        print(s2s.source(loss, wrt="w"))
        print(s2s.source(lambda w: loss(w, x, y), mode="forward"))
    """
    if mode not in ("reverse", "forward", "hvp"):
        raise ValueError(f"source(..., mode={mode!r}): the modes are 'reverse', "
                         "'forward' and 'hvp'")
    names, _ = _wrt_tuple(f, wrt)
    function, _, _ = _unpartial(f)
    if mode == "hvp":
        return _compile(_generated_function(function, names, "grad"), names,
                        "forward")[0].source
    return _compile(function, names, mode)[0].source


def hvp(f, wrt=None):
    """Hessian-vector products: `hvp(f, wrt)(*args, v)` is the derivative of `f`'s
    gradient along `v`.

        hv = s2s.hvp(loss)(w, x, y, v)                             # H_ww v
        hv_w, hv_b = s2s.hvp(loss, wrt=("w", "b"))(w, b, x, y, (v_w, v_b))

    `v` is one tangent per `wrt` parameter (a tuple of them where `wrt` is a tuple),
    last; computed forward over reverse (forward mode over the generated gradient),
    without forming the Hessian."""
    names, single = _wrt_tuple(f, wrt)
    function, *bound = _unpartial(f)
    required = {}  # the keywords a call gives -> how many positional arguments it needs

    @_wrapping(f, "hvp")
    def run(*args, **kwargs):
        keywords = frozenset(kwargs)
        if keywords not in required:
            required[keywords] = (_required(function, args, {**bound[1], **kwargs})
                                  - len(bound[0]))
        needed = required[keywords]
        if len(args) - 1 < needed:
            raise TypeError(
                f"hvp of {_name(f)} takes the vector v (one tangent per wrt parameter: "
                f"{', '.join(names)}{'' if single else ', as a tuple'}) after "
                f"{_name(f)}'s arguments: got {len(args)} argument"
                f"{'s' * (len(args) != 1)}, and {_name(f)} takes {needed} before v")
        *args, v = args
        if not single and not (isinstance(v, (tuple, list)) and len(v) == len(names)):
            raise TypeError(f"hvp of {_name(f)} with wrt={names!r} takes v as a tuple of "
                            f"{len(names)} tangents, last; got a {type(v).__name__}")
        args, kwargs = _bind(bound, args, kwargs)
        grad_f = _generated_function(function, names, "grad", args, kwargs)
        jvp_grad = _jvp_of_gradient(grad_f, names)
        vs = (v,) if single else tuple(v)
        tangents = dict(zip(jvp_grad.s2s_generated.tangents, vs))
        _, product = jvp_grad(*args, **kwargs, **tangents)
        return (product,) if not single and len(names) == 1 else product

    return run


def _jvp_of_gradient(grad_f, names):
    """The forward derivative of the generated gradient `grad_f`, kept on it: generated
    code does not change (a changed source or a new rule makes a new gradient), so a
    call need not look it up in the cache again."""
    made = grad_f.__dict__.setdefault("s2s_jvp", {})
    if names not in made:
        made[names] = _compile(grad_f, names, "forward")[1]
    return made[names]


def _basis(x):
    """The unit tangents of `x`, one per element, each shaped like `x`."""
    x = numpy.asarray(x)
    for i in range(x.size):
        e = numpy.zeros(x.size, dtype=x.dtype if x.dtype.kind == "f" else float)
        e[i] = 1.0
        yield e.reshape(x.shape)


def _values(f, names, args, kwargs):
    """The arguments a call passes for the parameters `names`."""
    function, *bound = _unpartial(f)
    args, kwargs = _bind(bound, args, kwargs)
    params = list(inspect.signature(_code(function)).parameters)
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
    them, a tuple of rows of blocks `H[i][j]` shaped `x_i.shape + x_j.shape`.

        h = s2s.hessian(f)(x)
        (h_xx, h_xy), (h_yx, h_yy) = s2s.hessian(f, wrt=("x", "y"))(x, y)
    """
    names, single = _wrt_tuple(f, wrt)
    product = hvp(f, names)

    @_wrapping(f, "hessian")
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
    elements than the result; else reverse mode, one gradient per result element.

        j = s2s.jacobian(f)(x)
        j_x, j_y = s2s.jacobian(f, wrt=("x", "y"))(x, y)
    """
    names, single = _wrt_tuple(f, wrt)
    function, *bound = _unpartial(f)

    @_wrapping(f, "jacobian")
    def run(*args, **kwargs):
        xs = _values(f, names, args, kwargs)
        args, kwargs = _bind(bound, args, kwargs)
        value = function(*args, **kwargs)
        if sum(numpy.size(x) for x in xs) <= numpy.size(value):
            generated, jvp_f = _compile(function, names, "forward")
            parts = []
            for j, x in enumerate(xs):
                rows = []
                for e in _basis(x):
                    tangents = {k: (e if i == j else numpy.zeros(numpy.shape(xi)))
                                for i, (k, xi) in enumerate(zip(generated.tangents, xs))}
                    rows.append(jvp_f(*args, **kwargs, **tangents)[1])
                parts.append(_columns_last(rows, numpy.shape(value), numpy.shape(x)))
        else:
            value_and_grad_f = _compile(function, names)[1]
            rows = []
            for seed in _basis(value):
                grads = value_and_grad_f(*args, **kwargs, d_result=seed)[1]
                rows.append(grads if len(names) > 1 else (grads,))
            parts = [numpy.reshape([numpy.asarray(r[j]) for r in rows],
                                   numpy.shape(value) + numpy.shape(x))
                     for j, x in enumerate(xs)]
        return parts[0] if single else tuple(parts)

    return run
