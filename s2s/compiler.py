"""The pipeline, end to end: a function in, the text of its derivative module out.

    resolve -> parse -> iteration -> subset -> desugar -> ANF -> versions -> activity
            -> reverse -> optimize -> emit

then the same for each user function it calls, in split form (callees.py).
"""

import functools
import gc
import importlib.util
import sys
from dataclasses import dataclass, field

import gast

from . import runtime
from .analysis.activity import active_names
from .analysis.aliases import check_aliases
from .analysis.numbers import number_parameters
from .analysis.purity import pure_assignments
from .analysis.restores import needless_restores
from .analysis.scalars import scalar_names
from .analysis.shapes import shape_facts
from .analysis.writes import check_in_place_calls, check_writes
from .callees import Callees, LocalFunction, original, specialize
from .emit import header, module
from .errors import S2SError, Unsupported, error_at
from .forward import ForwardMode, pass_tangents
from .imports import Imports
from .markup import comment
from .naming import Namer
from .normalize.anf import to_anf
from .normalize.augmented import guard_augmented
from .normalize.calls import rewrite_calls
from .normalize.checkpoints import mark_checkpoints
from .normalize.control import flag_control
from .normalize.desugar import desugar
from .normalize.hooks import mark_hooks
from .normalize.inline_calls import inline_calls
from .normalize.statements import lower_statements
from .normalize.iteration import rewrite_iteration
from .normalize.loops import range_loops
from .normalize.attributes import makes_object, rewrite_attribute_writes
from .normalize.forms import rewrite_forms
from .normalize.frozen import unfreeze_distributions
from .normalize.logistic import rewrite_logistic
from .normalize.methods import rewrite_methods
from .normalize.nested import lift_nested
from .normalize.numbers import fold_numbers
from .normalize.scatters import rewrite_scatters
from .normalize.subset import check_subset
from .normalize.versions import assign_versions
from .normalize.written_into import drop_written_into
from .operations import Operations
from .optimize import optimize
from .progress import step
from .parse import parse_function
from .resolve import function_source, meaning
from .reverse import ReverseMode
from .runtime import array_namespace, notes
from .runtime.elementwise import one_over_one_plus_exp
from .syntax import (
    all_names, clone, load, local_names, parameter_names, rename, statements, store, walk,
)


@dataclass
class Generated:
    """A generated derivative module."""

    source: str  # the module's text
    functions: dict  # role ("value_and_grad", "grad") -> function name
    injected: dict = field(default_factory=dict)  # names the API provides instead of imports
    wrt: tuple = ()
    calls: list = field(default_factory=list)  # the user's functions it differentiates through
    tangents: tuple = ()  # forward mode: the tangent parameters, in `wrt` order
    parts: tuple = ()  # (header, import lines, functions (gast)), to combine modules
    target_file: str = None  # the file of the function it differentiates (the CLI's)


def wrt_names(fn, wrt, source):
    """Validate `wrt` (names, or None for the first parameter) against `fn`'s parameters."""
    params = parameter_names(fn)
    if not params:
        raise error_at(fn, f"{fn.name} has no parameters to differentiate with respect to", source)
    if not wrt:
        return (params[0],)
    for name in wrt:
        if name not in params:
            raise error_at(
                fn, f"{name!r} is not a parameter of {fn.name} "
                f"(its parameters: {', '.join(params)})", source,
            )
    if len(set(wrt)) != len(wrt):
        raise error_at(fn, f"--wrt names a parameter twice: {', '.join(wrt)}", source)
    return tuple(wrt)


def _free_names(fn, variables):
    """Names the function reads that it does not define, with the first node of each."""
    found = {}
    nodes = list(fn.args.defaults) + [d for d in fn.args.kw_defaults if d is not None] + fn.body
    for node in nodes:
        for n in walk(node):
            if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Load) and n.id not in variables:
                found.setdefault(n.id, n)
    return found


def _cycle_collection_paused(function):
    """`function`, run with Python's cycle collector paused (where it was on).  The
    compiler makes and drops many small syntax trees, which form no cycles; the
    collector, run every few hundred allocations, now and then walks every live
    object, and that made the time to generate a module grow as n^1.75 in the
    length of the function."""
    @functools.wraps(function)
    def paused(*args, **kwargs):
        if not gc.isenabled():
            return function(*args, **kwargs)
        gc.disable()
        try:
            return function(*args, **kwargs)
        finally:
            gc.enable()

    return paused


@_cycle_collection_paused
def differentiate(function, wrt=None, target=None, inject=False, command=None,
                  mode="reverse", checkpoint=False, standalone=False, classes=None,
                  numbers=None, backend="numpy"):
    """The derivative module of `function` (a Python function): reverse mode
    (`value_and_grad_fn`, `grad_fn`) or forward mode (`jvp_fn`); `checkpoint`: every
    loop of the function checkpointed (s2s/checkpoint.py); `standalone`: the runtime
    helpers it uses copied into its text, which then imports nothing of s2s
    (s2s/standalone.py; `parts` keep the imports); `classes`: {parameter: the class
    of the object it holds}, where the caller knows it (normalize/methods.py);
    `numbers`: {parameter: "float" or "int"} for those the caller knows hold a number
    (the Python API, from the call's arguments), read as if annotated so; `backend`:
    "numpy", or "numba" for a gradient numba compiles (numba_target.py)."""
    if backend == "numba":
        _check_numba_options(mode, checkpoint, standalone)
    source = function_source(function, target)
    step(f"{source.name}: reading")
    fn = _parsed(source, backend)
    # (the CLI's modules, whose callers' types are not known, also get a version made
    # for numbers where that pays; the API makes one for the types it is called with)
    on_numbers = number_parameters(fn) if numbers is None and mode == "reverse" else {}
    _annotate_numbers(fn, numbers or {})
    namer = Namer(all_names(fn) | {"d_result"})
    imports = Imports(source.namespace, namer, source.module_name, inject=inject)
    fn = _normalized(fn, source, imports, classes)
    namer.taken |= all_names(fn)
    wrt = wrt_names(fn, wrt, source)
    if "d_result" in parameter_names(fn):
        raise error_at(fn, "'d_result' is reserved for the generated function's seed", source)

    fn, lifted = _lift_nested(fn, source, imports)
    _bind_defaults(fn, source, imports)
    signature = clone(fn.args)
    _bind_free_names(fn, source, imports, fresh=False)
    _bind_lifted(lifted, source, imports)
    if mode == "forward":
        return _forward_module(fn, source, wrt, namer, imports, command, standalone)
    if mode == "hvp":
        return _hvp_module(function, wrt, source, command, checkpoint, standalone)
    callees = Callees(namer)
    if backend == "numba":
        return _numba_module(fn, source, wrt, namer, imports, callees, signature, command,
                             on_numbers if not lifted else {}, classes)
    fn, vjp = _gradient(fn, source, wrt, namer, imports, callees, checkpoint)
    grad = _grad_function(fn, vjp.name, signature, imports)
    grad.s2s_source = source
    versions = []
    if on_numbers and not lifted:
        version = _version_on_numbers(source, on_numbers, wrt, imports, callees, classes,
                                      checkpoint, taken={vjp.name, grad.name})
        # (kept where its loops undo at most half the broadcasting the general one's do:
        # numbers all through, as in a scalar ODE, or a stencil's factor; not for an
        # array's bias)
        helpers = {imports.reference(h).id for h in (runtime.unbroadcast, runtime.shape_of)}
        general = _calls_in_loops(vjp, helpers)
        if version is not None and 0 < general >= 2 * _calls_in_loops(version, helpers):
            vjp.body[:0] = [comment("given numbers, the version made for them, which "
                                    "undoes no broadcasting"),
                            _dispatch(vjp, version, on_numbers, imports)]
            versions.append(version)
    split = callees.make(lambda callee: _split(callee, imports, callees))

    if command is None:
        command = f"s2s differentiate {source.target} --wrt {','.join(wrt)}"
    return _generated(source, command, imports, callees, [vjp, grad], versions + split,
                      {"value_and_grad": vjp.name, "grad": grad.name}, wrt, standalone)


def _gradient(fn, source, wrt, namer, imports, callees, checkpoint, per_site=False):
    """(`fn` checked and analysed, its `value_and_grad_fn`): the reverse sweeps of a
    function whose names are bound (reverse.py), optimized; `per_site`: a stack of its
    own for each value kept (tape.py)."""
    fn, operations, active, scalars = _analyse(fn, source, wrt, namer, imports,
                                               checkpoint=checkpoint)
    step(f"{fn.name}: reverse mode")
    vjp = ReverseMode(fn, source, wrt, active, operations, namer, imports, scalars, callees,
                      needless_restores(fn, operations), per_site).transform()
    vjp = optimize(vjp, namer.temporaries, active, set(namer.derivatives.values()),
                   removable=pure_assignments(fn, operations), imports=imports)
    vjp.s2s_source = source
    return fn, vjp


def _normalized(fn, source, imports, classes):
    """A parsed function in the terms the core language checks (`check_subset`)."""
    fn = _rewrite_forms(fn, source, imports)
    fn = unfreeze_distributions(fn, source)
    fn = rewrite_logistic(fn, source, imports.reference, one_over_one_plus_exp)
    fn = rewrite_methods(fn, source, imports.reference, classes)
    fn = rewrite_attribute_writes(fn, _makes_object(source, imports))
    _drop_class_annotations(fn, source)
    fn = rewrite_iteration(fn, source, imports.reference)
    check_subset(fn, source)
    return fn


def _version_on_numbers(source, parameters, wrt, imports, callees, classes, checkpoint,
                        taken, per_site=False):
    """`value_and_grad_fn_on_numbers`: the gradient made as if `parameters` were
    annotated as numbers ({name: "float" or "int"}, analysis/numbers.py), which undoes
    no broadcasting against them; None where s2s cannot make it (the general version
    then serves alone)."""
    fn = _parsed(source, "numba" if per_site else "numpy")
    fn.name = f"{fn.name}_on_numbers"
    step(f"{fn.name}: the version for numbers")
    _annotate_numbers(fn, parameters)
    module_names = set(imports.by_name) | set(imports.lines) | set(taken) | {
        name for callee in callees.by_function.values()
        for name in (callee.forward, callee.adjoint)}
    namer = Namer(all_names(fn) | module_names | {"d_result"})
    try:
        fn = _normalized(fn, source, imports, classes)
        namer.taken |= all_names(fn)
        fn, lifted = _lift_nested(fn, source, imports)
        if lifted:
            return None
        _bind_defaults(fn, source, imports)
        _bind_free_names(fn, source, imports, fresh=False)
        return _gradient(fn, source, wrt, namer, imports, callees, checkpoint, per_site)[1]
    except S2SError:
        return None


def _check_numba_options(mode, checkpoint, standalone):
    """The numba target makes gradients, of the whole function, importing s2s."""
    for given, why in ((mode != "reverse", f"--mode {mode}"), (checkpoint, "--checkpoint"),
                       (standalone, "--standalone")):
        if given:
            raise S2SError(f"--target numba makes gradients without {why}: generate "
                           "that with the NumPy target")
    if importlib.util.find_spec("numba") is None:
        raise S2SError("--target numba needs numba: pip install 's2s[numba]'")


def _numba_module(fn, source, wrt, namer, imports, callees, signature, command, on_numbers,
                  classes):
    """The module of the numba target (numba_target.py): the public `value_and_grad_fn`
    and `grad_fn` in Python, around a gradient numba compiles.  Where the function has
    parameters that may hold numbers, the version made for numbers is compiled too, and
    taken when they do (numba compiles each version on its first call)."""
    from .numba_target import numba_functions

    fn, vjp = _gradient(fn, source, wrt, namer, imports, callees, False, per_site=True)
    version = None
    if on_numbers:
        version = _version_on_numbers(source, on_numbers, wrt, imports, callees, classes,
                                      False, taken={vjp.name}, per_site=True)
    arguments = clone(vjp.args)  # (the public functions': numba_functions takes vjp's)
    public, compiled = numba_functions(vjp, clone(arguments), vjp.name, wrt, imports, source)
    others = [compiled]
    if version is not None:
        on_numbers_public, on_numbers_compiled = numba_functions(
            version, clone(arguments), version.name, wrt, imports, source)
        public.body[:0] = [comment("given numbers, the version made for them"),
                           _dispatch(public, on_numbers_public, on_numbers, imports)]
        others = [on_numbers_public, compiled, on_numbers_compiled]
    grad = _grad_function(fn, public.name, signature, imports)
    grad.s2s_source = source
    if command is None:
        command = f"s2s differentiate {source.target} --wrt {','.join(wrt)} --target numba"
    return _generated(source, command, imports, callees, [public, grad], others,
                      {"value_and_grad": public.name, "grad": grad.name}, wrt)


def _parsed(source, backend):
    """The user's function, parsed; for the numba target, with the calls of functions
    of its module inlined (normalize/inline_calls.py)."""
    fn = parse_function(source)
    if backend == "numba":
        fn = inline_calls(fn, source, Namer(all_names(fn) | {"d_result"}))
    return fn


def _calls_in_loops(fn, names):
    """How many calls of the functions `names` the loops of `fn` make, as written."""
    loops = [n for n in walk(fn) if isinstance(n, (gast.For, gast.While))]
    return sum(isinstance(n, gast.Call) and isinstance(n.func, gast.Name) and n.func.id in names
               for loop in loops for n in walk(loop))


def _dispatch(general, version, parameters, imports):
    """`if are_numbers(<numbers>) and are_number_lists(<lists>): return <version>(<all
    parameters>)`, the first statement of the general gradient."""
    args = general.args
    call = gast.Call(
        func=load(version.name),
        args=[load(a.id) for a in args.posonlyargs + args.args],
        keywords=[gast.keyword(arg=a.id, value=load(a.id)) for a in args.kwonlyargs],
    )
    tests = []
    for helper, names in (
            (runtime.are_numbers, [p for p, kind in parameters.items() if "[" not in kind]),
            (runtime.are_number_lists, [p for p, kind in parameters.items() if "[" in kind])):
        if names:
            tests.append(gast.Call(func=imports.reference(helper),
                                   args=[load(p) for p in names], keywords=[]))
    test = tests[0] if len(tests) == 1 else gast.BoolOp(op=gast.And(), values=tests)
    return gast.If(test=test, body=[gast.Return(value=call)], orelse=[])


def _generated(source, command, imports, callees, public, others, roles, wrt,
               standalone=False):
    """The module: header, imports, the `public` functions, the lifted nested functions
    they call as they are, and the `others` (the callees' derivatives)."""
    functions = public + others
    used = set().union(*map(all_names, functions))
    functions[len(public):len(public)] = [
        f.primal for f in imports.by_name.values()
        if isinstance(f, LocalFunction) and f.__name__ in used
    ]
    noted = imports.reference(notes.with_source_notes).id
    for f in public:
        f.decorator_list = [load(noted)]
    top = header(source, command, callees.sources())
    lines = imports.statements(used=set().union(*map(all_names, functions)))
    step(f"writing the module ({len(functions)} functions) and formatting it with Black")
    text = module(top, lines, functions, [f.name for f in public], standalone)
    return Generated(
        source=text,
        functions=roles,
        injected=imports.injected,
        wrt=wrt,
        calls=[c.function for c in callees.by_function.values()],
        parts=(top, lines, functions),
    )


def _hvp_module(function, wrt, source, command, checkpoint=False, standalone=False):
    """`value_and_grad_fn`, `grad_fn`, and `hvp_fn(<params>, <one vector per wrt
    parameter>)`: forward mode over the generated gradient (s2s differentiates the code
    it wrote), so a Hessian-vector product costs a few gradients, never a Hessian."""
    import inspect
    import linecache

    target = source.target
    reverse = differentiate(function, wrt, target=target, command=command,
                            checkpoint=checkpoint)
    filename = f"<gradient of {target}>"
    lines = reverse.source.splitlines(keepends=True)
    linecache.cache[filename] = (len(reverse.source), None, lines, filename)
    namespace = {"__name__": f"s2s_generated.{source.module_name}"}
    exec(compile(reverse.source, filename, "exec"), namespace)
    grad = namespace[reverse.functions["grad"]]
    forward = differentiate(grad, wrt, target=f"{target} (its gradient)", mode="forward",
                            command=command)
    name = f"hvp_{function.__name__}"
    signature = inspect.signature(function)
    vectors = {p: ("v" if len(wrt) == 1 else f"v_{p}") for p in wrt}
    params = [str(p) for p in signature.parameters.values()]
    keyword_only = any(p.default is not p.empty or p.kind is p.KEYWORD_ONLY
                       for p in signature.parameters.values())
    params += (["*"] if keyword_only and "*" not in params else []) + list(vectors.values())
    arguments = [p.name if p.kind is not p.KEYWORD_ONLY else f"{p.name}={p.name}"
                 for p in signature.parameters.values()]
    arguments += [f"{t}={vectors[p]}" for p, t in zip(wrt, forward.tangents)]
    top, reverse_imports, reverse_functions = reverse.parts
    _, forward_imports, forward_functions = forward.parts
    noted = reverse_functions[0].decorator_list[0].id  # `with_source_notes`
    wrapper = gast.parse(
        f"@{noted}\n"
        f"def {name}({', '.join(params)}):\n"
        f'    """The derivative of {reverse.functions["grad"]} along the vector(s) '
        f'{", ".join(vectors.values())}."""\n'
        f"    return {forward.functions['jvp']}({', '.join(arguments)})[1]\n"
    ).body[0]
    for f in forward_functions:
        f.decorator_list = []  # called by `hvp_fn`, which says where errors come from
    # (the gradient's own functions, which the jvp code may pass on as values, as
    # `odeint_adjoint(..., forward_rhs, adjoint_rhs)`, are defined in this module)
    own = f"from {namespace['__name__']} import "
    imports = list(dict.fromkeys(
        reverse_imports + [line for line in forward_imports if not line.startswith(own)]))
    functions = reverse_functions + [wrapper] + forward_functions
    exported = [reverse.functions["value_and_grad"], reverse.functions["grad"], name]
    text = module(top, imports, functions, exported, standalone)
    return Generated(
        source=text,
        functions={**reverse.functions, "hvp": name},
        wrt=wrt,
        calls=reverse.calls,
    )


def _forward_module(fn, source, wrt, namer, imports, command, standalone=False):
    """`jvp_fn(<params>, <tangents>) -> (value, tangent)` and the jvp functions of the
    user's functions it calls."""
    namer.reserve(f"jvp_{fn.name}")  # a recursive call's is another: `jvp_fn_1`
    callees = Callees(namer, roles=("jvp",))
    fn, operations, active, scalars = _analyse(fn, source, wrt, namer, imports, True)
    step(f"{fn.name}: forward mode")
    forward = ForwardMode(fn, source, wrt, active, operations, namer, imports, scalars,
                          callees)
    jvp = forward.transform()
    made = callees.make(lambda callee: _jvp_callee(callee, imports, callees))
    pass_tangents(callees)  # before `optimize`, which may rewrite the calls
    jvp = optimize(jvp, _with_tangents(namer), active, set(namer.derivatives.values()), True)
    jvp.s2s_source = source
    made = [tidy(f) for f, tidy in made]
    if command is None:
        command = f"s2s differentiate {source.target} --wrt {','.join(wrt)} --mode forward"
    generated = _generated(source, command, imports, callees, [jvp], made, {"jvp": jvp.name},
                           wrt, standalone)
    generated.tangents = tuple(forward.tangent_name(p) for p in wrt)
    return generated


def _with_tangents(namer):
    """The temporaries of A-normal form and their tangents."""
    temporaries = namer.temporaries
    return temporaries | {namer.derivatives[t] for t in temporaries if t in namer.derivatives}


def _jvp_callee(callee, imports, callees):
    """The jvp function of a user's function that the generated code calls, for the
    parameters some call needs tangents of."""
    source, fn = _callee_definition(callee, imports)
    module_names = set(imports.by_name) | set(imports.lines)
    namer = Namer(all_names(fn) | module_names | {"d_result", callee.forward})
    wrt = [p for p in callee.parameters if p in callee.wrt]
    fn, operations, active, scalars = _analyse(fn, source, wrt, namer, imports, True)
    step(f"{fn.name}: forward mode")
    forward = ForwardMode(fn, source, wrt, active, operations, namer, imports, scalars,
                          callees)
    jvp = forward.function(callee.forward, wrt)
    callee.tangent_names = {p: forward.tangent_name(p) for p in wrt}

    def tidy(f):
        f = optimize(f, _with_tangents(namer), active, set(namer.derivatives.values()), True)
        f.s2s_source = source
        return f

    return [(jvp, tidy)]


def _lift_nested(fn, source, imports):
    """`fn` without its nested functions, which become functions of the generated
    module (normalize/nested.py), their free names bound like `fn`'s."""
    def module_name(name):
        taken = name in imports.by_name or name in imports.lines
        return imports.namer.fresh(name) if taken else imports.namer.reserve(name)

    fn, lifted = lift_nested(fn, source, module_name)
    for name, function in lifted.items():
        imports.by_name[name] = function
    return fn, list(lifted.values())


def _bind_lifted(lifted, source, imports):
    """Bind the free names of lifted nested functions (after their enclosing
    function's, which have the first claim on the names they are written with)."""
    for function in lifted:
        _bind_free_names(function.node, source, imports, fresh=True)
        # the primal lifted function is emitted as the user wrote it: keep that
        function.primal = clone(function.node)


def _bind_defaults(fn, source, imports):
    """A default is evaluated where the function was defined: one that reads a variable
    of an enclosing function (`def f(x, n=n)` inside another) is written as the value
    it holds (a literal, or, in the Python API, the object itself)."""
    args, function = fn.args, source.function
    positional = [a.id for a in args.posonlyargs + args.args]
    values = dict(zip(positional[len(positional) - len(args.defaults):],
                      function.__defaults__ or ()))
    values.update(function.__kwdefaults__ or {})
    variables = local_names(fn)
    names = positional[len(positional) - len(args.defaults):] + [a.id for a in args.kwonlyargs]
    defaults = args.defaults + args.kw_defaults
    for i, (name, node) in enumerate(zip(names, defaults)):
        if node is None or all(
            n.id not in variables and source.namespace.lookup(n.id, _UNBOUND) is not _UNBOUND
            for n in walk(node) if isinstance(n, gast.Name)
        ):
            continue  # no default, or one that means the same in the generated module
        value = imports.value(values[name], name)
        if value is None:
            raise error_at(
                node, f"the default of {name!r} reads a variable of an enclosing function, "
                f"holding a {type(values[name]).__name__}, which a generated module cannot "
                "import; define it at module level, or use the Python API (s2s.grad)",
                source, Unsupported,
            )
        if i < len(args.defaults):
            args.defaults[i] = value
        else:
            args.kw_defaults[i - len(args.defaults)] = value


_UNBOUND = object()


def _bind_free_names(fn, source, imports, fresh):
    """Give each free name of `fn` its meaning in the generated module (renamed in
    `fn` where the module already uses the name for something else)."""
    renames = {}
    for name, node in _free_names(fn, local_names(fn)).items():
        if isinstance(imports.object_named(name), LocalFunction):
            continue  # a nested function, lifted
        if (name in imports.injected or name in imports.by_name) and source.namespace.lookup(
                name, _UNBOUND) is _UNBOUND:
            continue  # a default's value (_bind_defaults), a runtime check (methods.py)
        try:
            source.namespace.lookup(name)
        except KeyError:
            raise error_at(node, f"name {name!r} is not defined", source) from None
        given, problem = imports.bind(name, source.namespace, source.module_name, fresh)
        if problem:
            raise error_at(node, problem, source, Unsupported)
        if given != name:
            renames[name] = given
    if renames:
        fn.body = [rename(stmt, renames) for stmt in fn.body]


def _analyse(fn, source, wrt, namer, imports, forward=False, callee=False,
             checkpoint=False):
    """A checked function in the core language, how to read its operations, its
    active names and its scalars (`forward`: for forward mode, which allows a little
    more; `callee`: a function s2s differentiates where another calls it, which may
    append to a list it is given, or pop from it; `checkpoint`: each loop of its own
    statements marked for checkpointing)."""
    step(f"{fn.name}: normalizing and analysing")
    as_written = _operations(fn, source, imports)
    fn = mark_checkpoints(fn, source, as_written, checkpoint, allowed=not callee)
    fn = lower_statements(fn, source, as_written, namer, forward)  # try, with
    fn = drop_written_into(fn, as_written)
    fn = rewrite_scatters(fn, as_written, imports.reference, namer)
    check_in_place_calls(fn, as_written, source, forward)
    fn = guard_augmented(fn, as_written, lambda: imports.reference(runtime.require_unshared),
                         source)
    fn = mark_hooks(fn, source, as_written, namer)
    fn = rewrite_calls(fn, as_written, namer)
    fn = range_loops(fn, namer, lambda: imports.reference(runtime.indexable))
    fn = flag_control(fn, namer)
    fn = desugar(fn, namer)
    fn = fold_numbers(fn)
    fn = to_anf(fn, namer)
    fn = assign_versions(fn, namer)
    operations = _operations(fn, source, imports)
    # forward mode over a generated gradient: its adjoints share memory only with values
    # it no longer reads, and it saves values that later writes change, putting the
    # writes back before it reads them; forward mode mirrors both on the tangents
    generated = forward and source.module_name.startswith("s2s_generated")
    check_writes(fn, operations, source, forward or callee, sharing=not generated)
    if not generated:
        check_aliases(fn, operations, source)
    active = active_names(fn, wrt, operations, source)
    return fn, operations, active, shape_facts(fn, operations, scalar_names(fn, operations))


def _rewrite_forms(fn, source, imports):
    """`match`, `:=`, `del name` and `global` in the core language's terms
    (normalize/forms.py)."""
    module = sys.modules.get(source.module_name)
    return rewrite_forms(fn, source, imports.reference, module, runtime.set_global,
                         runtime.require_key)


def _annotate_numbers(fn, numbers):
    """Parameters that the caller knows hold numbers, and that have no annotation,
    annotated `float` or `int` (`numbers`), as a user would: the generated code checks
    them (`require_scalars`) and relies on them."""
    for arg in fn.args.posonlyargs + fn.args.args + fn.args.kwonlyargs:
        if arg.id in numbers and arg.annotation is None:
            arg.annotation = gast.parse(numbers[arg.id], mode="eval").body  # (`list[float]`)


def _drop_class_annotations(fn, source):
    """Parameters annotated with a class of the user's (read by normalize/methods.py)
    lose the annotation: the generated module need not import the class for it.
    Annotations as numbers stay: the generated code relies on them."""
    for arg in fn.args.posonlyargs + fn.args.args + fn.args.kwonlyargs:
        cls = meaning(arg.annotation, source.namespace) if arg.annotation else None
        if isinstance(cls, type) and cls.__module__.split(".")[0] not in ("builtins", "numpy"):
            arg.annotation = None


def _makes_object(source, imports):
    """Whether a node is a call that makes a new object of a class of the user's,
    `new_object(Cls)` or `copy_object(obj)` (normalize/attributes.py)."""
    def made(node):
        if not isinstance(node, gast.Call):
            return False
        func = node.func
        if not isinstance(func, gast.Name):
            return False
        return makes_object(imports.object_named(func.id)
                            or source.namespace.lookup(func.id, None))

    return made


def _operations(fn, source, imports):
    """How to read `fn`'s operations; `xp = s2s.array_namespace(x)` makes `xp` read
    as NumPy."""
    plain = Operations(source.namespace, local_names(fn), imports.object_named)
    namespaces = {
        s.targets[0].id for s, _ in statements(fn.body)
        if isinstance(s, gast.Assign) and isinstance(s.targets[0], gast.Name)
        and isinstance(s.value, gast.Call) and plain.resolve(s.value.func) is array_namespace
    }
    return Operations(source.namespace, local_names(fn), imports.object_named, namespaces)


def _callee_definition(callee, imports):
    """(its source, a copy of its checked definition) for a user's function that the
    generated code calls; read once."""
    if isinstance(callee.function, LocalFunction):
        source, checked = callee.function.source, callee.function.node
    elif callee.source is None:  # read once; made again only when its `wrt` grows
        source = callee.source = function_source(original(callee.function))
        checked = _rewrite_forms(parse_function(source), source, imports)
        checked = unfreeze_distributions(checked, source)
        checked = rewrite_logistic(checked, source, imports.reference, one_over_one_plus_exp)
        checked = rewrite_methods(checked, source, imports.reference, target=False)
        checked = rewrite_attribute_writes(checked, _makes_object(source, imports))
        checked = rewrite_iteration(specialize(callee.function, checked, source), source,
                                    imports.reference)
        check_subset(checked, source)
        checked, lifted = _lift_nested(checked, source, imports)
        _bind_defaults(checked, source, imports)
        _bind_free_names(checked, source, imports, fresh=True)
        _bind_lifted(lifted, source, imports)
        callee.checked = checked
    else:
        source, checked = callee.source, callee.checked
    return source, clone(checked)


def _split(callee, imports, callees):
    """The forward and adjoint functions of a user's function that the generated
    code calls (callees.py)."""
    module_names = set(imports.by_name) | set(imports.lines)
    source, fn = _callee_definition(callee, imports)
    _annotate_numbers(fn, {p: "float" for p in callee.numbers})  # (its calls pass numbers)
    namer = Namer(all_names(fn) | module_names | {"d_result", callee.forward, callee.adjoint})
    wrt = [p for p in callee.parameters if p in callee.wrt]
    fn, operations, active, scalars = _analyse(fn, source, wrt, namer, imports, callee=True)
    step(f"{fn.name}: reverse mode (forward and adjoint functions)")
    reverse = ReverseMode(fn, source, wrt, active, operations, namer, imports, scalars, callees,
                          needless_restores(fn, operations))
    removable = pure_assignments(fn, operations)
    functions = [optimize(f, namer.temporaries, active, set(namer.derivatives.values()),
                          removable=removable, imports=imports)
                 for f in reverse.split(callee)]
    for f in functions:
        f.s2s_source = source
    return functions


def _grad_function(fn, vjp_name, signature, imports):
    """`grad_fn(<params>)`: the gradients alone, from `value_and_grad_fn`, of a function
    whose result is a number (where it is an array, `d_result` says along what)."""
    value, grads = (imports.namer.fresh(n) for n in ("value", "grads"))
    positional = [load(a.id) for a in signature.posonlyargs + signature.args]
    keywords = [gast.keyword(arg=a.id, value=load(a.id)) for a in signature.kwonlyargs]
    call = gast.Call(func=load(vjp_name), args=positional, keywords=keywords)
    check = gast.Call(
        func=imports.reference(runtime.require_number_result),
        args=[load(value), gast.Constant(value=fn.name, kind=None)], keywords=[],
    )
    body = [
        gast.Assign(targets=[gast.Tuple(elts=[store(value), store(grads)], ctx=gast.Store())],
                    value=call, type_comment=None),
        gast.Expr(value=check),
        gast.Return(value=load(grads)),
    ]
    for stmt in body:  # an error here is the function's, as a whole
        gast.copy_location(stmt, fn)
    return gast.FunctionDef(
        name=f"grad_{fn.name}", args=signature, body=body, decorator_list=[], returns=None,
        type_comment=None, type_params=[],
    )


__all__ = ["Generated", "differentiate", "S2SError"]
