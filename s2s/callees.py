"""Callees: the user's functions that a generated module differentiates through.

A call `z = g(x, y)` whose result needs a derivative runs, in the forward sweep,
`z = forward_g(tape, x, y)`: `g`'s own statements, pushing on the caller's tape what
`g`'s adjoint will need.  The adjoint sweep calls `adjoint_g(tape, dz)`, which pops
it and returns one gradient per parameter of `g`.  The two share one tape, so a
recursion of n calls costs O(n) time and tape, and needs no deeper Python stack than
`g` itself.

Each callee is made once, for every parameter any of its calls needs a gradient
for (a later call may add some: it is then made again).
"""

import functools
import inspect
import os
import site
import sysconfig
import textwrap
import types
import weakref
from dataclasses import dataclass, field

import gast

from .decorators import undecorated
from .errors import Unsupported, error_at
from .syntax import appended, load, popped, walk
from .templating import is_followed


@dataclass
class Callee:
    function: types.FunctionType
    forward: str  # name of the forward function in the generated module
    adjoint: str  # name of the adjoint function
    parameters: list  # the callee's parameter names, in order
    wrt: set = field(default_factory=set)  # parameters some call needs gradients for
    numbers: frozenset = frozenset()  # parameters its calls pass numbers: made for those
    made_for: set = None  # the `wrt` the generated functions were made for
    functions: list = field(default_factory=list)  # the generated (forward, adjoint)
    source: object = None  # its FunctionSource, once read
    checked: object = None  # its definition, checked, nested functions lifted, names bound
    shared: list = field(default_factory=list)  # list parameters it appends to or pops from
    tangent_names: dict = field(default_factory=dict)  # forward mode: parameter -> tangent
    sites: list = field(default_factory=list)  # forward mode: (call, arguments, tangent of)


class LocalFunction:
    """A function defined inside the function being differentiated (`def`, or
    `name = lambda ...`), lifted to the generated module: `node` is its definition,
    with the enclosing function's variables it reads as keyword-only parameters."""

    def __init__(self, name, node, source):
        self.__name__ = name
        self.__module__ = source.module_name
        self.node = node
        self.source = source  # the enclosing function's
        args = node.args
        self.parameters = [a.id for a in args.posonlyargs + args.args + args.kwonlyargs]
        self.__annotations__ = {
            a.id: a.annotation.id
            for a in args.posonlyargs + args.args + args.kwonlyargs
            if isinstance(a.annotation, gast.Name)
        }


class Specialized:
    """A user's function that takes `*args` or `**kwargs`, as one call site calls it
    (the call is known statically): `def total(*xs)` called as `total(a, b)` is
    differentiated as `def total(xs_0, xs_1): xs = (xs_0, xs_1); ...`, and `def f(x,
    **opts)` called as `f(x, scale=2.0)` as `def f(x, *, scale): opts = {"scale":
    scale}; ...`.  One object per (function, number of positional arguments, keywords
    passed), so that every call of one shape shares its generated functions."""

    def __init__(self, function, positional, keywords):
        self._function = weakref.ref(function)  # (held by the caller's module, not here)
        self.__name__ = function.__name__
        self.__module__ = function.__module__
        self.__annotations__ = dict(getattr(function, "__annotations__", {}))
        signature = inspect.signature(function)
        kinds = inspect.Parameter
        ordered = [p for p in signature.parameters.values()
                   if p.kind in (kinds.POSITIONAL_ONLY, kinds.POSITIONAL_OR_KEYWORD)]
        self.vararg = next((p.name for p in signature.parameters.values()
                            if p.kind is kinds.VAR_POSITIONAL), None)
        self.kwarg = next((p.name for p in signature.parameters.values()
                           if p.kind is kinds.VAR_KEYWORD), None)
        named = {p.name for p in signature.parameters.values()
                 if p.kind not in (kinds.VAR_POSITIONAL, kinds.VAR_KEYWORD, kinds.POSITIONAL_ONLY)}
        taken = set(signature.parameters) | _names_in(function)
        self.extra = []  # the parameters that stand for the items of *args
        for i in range(max(0, positional - len(ordered)) if self.vararg else 0):
            name, n = f"{self.vararg}_{i}", 0
            while name in taken:
                n += 1
                name = f"{self.vararg}_{i}_{n}"
            taken.add(name)
            self.extra.append(name)
        # keywords that are not parameters go to **kwargs, as parameters of their name
        self.keys = [k for k in keywords if k not in named] if self.kwarg else []
        kwonly = [p.name for p in signature.parameters.values() if p.kind is kinds.KEYWORD_ONLY]
        self.parameters = [p.name for p in ordered] + self.extra + kwonly + self.keys

    @property
    def function(self):
        return self._function()

    def __repr__(self):  # the API's cache compares callees' sources through this
        try:
            text = inspect.getsource(self.function)
        except (OSError, TypeError):
            text = ""
        return f"<{self.__name__} specialized {self.parameters} {hash(text)}>"


# function -> {(positional, keywords): its Specialized}; gone with the function (a
# closure's captured values are not kept alive by it)
_specialized = weakref.WeakKeyDictionary()


def specialized(function, positional, keywords):
    """The one `Specialized` of `function` for calls of this shape."""
    shape = (positional, tuple(sorted(keywords)))
    shapes = _specialized.setdefault(function, {})
    if shape not in shapes:
        shapes[shape] = Specialized(function, positional, shape[1])
    return shapes[shape]


def takes_star(function):
    """Whether a user's function takes `*args` or `**kwargs`."""
    try:
        signature = inspect.signature(function)
    except (TypeError, ValueError):
        return False
    return any(p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
               for p in signature.parameters.values())


def _names_in(function):
    try:
        node = gast.parse(textwrap.dedent(inspect.getsource(function)))
    except (OSError, TypeError, SyntaxError):
        return set()
    return {n.id for n in walk(node) if isinstance(n, gast.Name)}


def specialize(function, fn, source):
    """`fn`, the parsed definition of `function`, as a `Specialized` function takes
    its parameters: `*args` replaced by one parameter per item passed, `**kwargs` by a
    keyword-only parameter per keyword passed, and the tuple and dict they made
    assigned first.  Any other function's definition is returned as it is."""
    if not isinstance(function, Specialized):
        return fn
    args, first = fn.args, []
    if args.vararg is not None:
        name = args.vararg.id
        if function.extra:
            args.args = args.args + [gast.Name(id=e, ctx=gast.Param(), annotation=None,
                                               type_comment=None) for e in function.extra]
            # every positional parameter is passed: their defaults are not used
            args.defaults = []
        items = [gast.Name(id=e, ctx=gast.Load(), annotation=None, type_comment=None)
                 for e in function.extra]
        first.append(gast.Assign(targets=[gast.Name(id=name, ctx=gast.Store(), annotation=None,
                                                    type_comment=None)],
                                 value=gast.Tuple(elts=items, ctx=gast.Load()),
                                 type_comment=None))
        args.vararg = None
        if name not in {n.id for n in walk(fn) if isinstance(n, gast.Name)
                        and isinstance(n.ctx, gast.Store)}:
            # `g(t, *xs)`: the items passed, by name (`g(t, xs_0, xs_1)`)
            for call in walk(fn):
                if isinstance(call, gast.Call) and any(_splats(a, name) for a in call.args):
                    call.args = [item for a in call.args for item in (
                        [gast.copy_location(load(e), a) for e in function.extra]
                        if _splats(a, name) else [a])]
    if args.kwarg is not None:
        name = args.kwarg.id
        free = _free_reads(fn)
        for key in function.keys:
            if key == name or key in free:
                raise error_at(fn, f"{function.__name__} reads {key!r} as a name of its "
                               f"module, and a call passes {key}= into **{name}: rename one "
                               "(s2s passes each keyword as a parameter of its name)",
                               source, Unsupported)
        args.kwonlyargs = args.kwonlyargs + [
            gast.Name(id=k, ctx=gast.Param(), annotation=None, type_comment=None)
            for k in function.keys]
        args.kw_defaults = args.kw_defaults + [None] * len(function.keys)
        value = gast.Dict(keys=[gast.Constant(value=k, kind=None) for k in function.keys],
                          values=[gast.Name(id=k, ctx=gast.Load(), annotation=None,
                                            type_comment=None) for k in function.keys])
        first.append(gast.Assign(targets=[gast.Name(id=name, ctx=gast.Store(), annotation=None,
                                                    type_comment=None)],
                                 value=value, type_comment=None))
        args.kwarg = None
    for stmt in first:
        for node in walk(stmt):
            gast.copy_location(node, fn)
            node.end_lineno, node.end_col_offset = fn.lineno, fn.col_offset
    body = fn.body
    docstring = 1 if (body and isinstance(body[0], gast.Expr)
                      and isinstance(body[0].value, gast.Constant)
                      and isinstance(body[0].value.value, str)) else 0
    fn.body = body[:docstring] + first + body[docstring:]
    return fn


def _splats(node, name):
    return (isinstance(node, gast.Starred) and isinstance(node.value, gast.Name)
            and node.value.id == name)


def _free_reads(fn):
    """Names `fn` reads that are not its variables."""
    stored = {n.id for n in walk(fn) if isinstance(n, gast.Name)
              and isinstance(n.ctx, (gast.Store, gast.Param))}
    return {n.id for n in walk(fn) if isinstance(n, gast.Name)
            and isinstance(n.ctx, gast.Load)} - stored


def original(function):
    """The Python function a callee is made from."""
    return function.function if isinstance(function, Specialized) else function


def is_user_function(obj):
    """A Python function that s2s may differentiate through from its source."""
    if isinstance(obj, (LocalFunction, Specialized)):
        return True
    obj = undecorated(obj)
    if not isinstance(obj, types.FunctionType):
        return False
    module = (getattr(obj, "__module__", None) or "").split(".")[0]
    if module in ("numpy", "s2s", "math", "builtins"):
        return False
    return not is_installed(obj) or is_followed(obj)


@functools.cache
def _installed_paths():
    paths = sysconfig.get_paths()
    roots = {paths[k] for k in ("purelib", "platlib", "stdlib", "platstdlib") if k in paths}
    roots |= set(site.getsitepackages()) | {site.getusersitepackages()}
    return tuple(os.path.join(os.path.realpath(r), "") for r in roots)


def is_installed(function):
    """Whether `function` comes from an installed library or the standard library,
    whose source s2s never differentiates (a library function without a rule is an
    error on the user's line)."""
    filename = os.path.realpath(function.__code__.co_filename)
    return filename.startswith(_installed_paths())


def is_runtime_helper(obj):
    """One of s2s.runtime's functions (which generated gradients call): forward mode
    differentiates its source where it has no rule, for derivatives of gradients."""
    module = getattr(obj, "__module__", None) or ""
    return isinstance(obj, types.FunctionType) and (
        module == "s2s.runtime" or module.startswith("s2s.runtime.")
    )


def changed_lists(function, parameters):
    """The parameters `function` appends to or pops from, in order: lists it shares
    with its caller (a generated gradient's tape).  Their adjoints are shared too:
    the caller passes its own to the adjoint function, which changes it in place."""
    if isinstance(function, LocalFunction):
        node = function.node
    else:
        try:
            node = gast.parse(textwrap.dedent(inspect.getsource(original(function)))).body[0]
        except (OSError, TypeError, SyntaxError):
            return []
    changed = {appended(n)[0] for n in walk(node) if appended(n)}
    changed |= {popped(n) for n in walk(node) if popped(n)}
    return [p for p in parameters if p in changed]


class Callees:
    def __init__(self, namer, roles=("forward", "adjoint")):
        self.namer = namer  # the generated module's names
        self.roles = roles  # reverse mode: forward_g and adjoint_g; forward mode: jvp_g
        self.by_function = {}

    def request(self, function, parameters, wrt, numbers=frozenset()):
        """The `Callee` for `function`, whose calls need gradients for `wrt`, and which
        this call passes numbers for `numbers`: calls that pass numbers for the same
        parameters share functions made for them (`forward_g_on_numbers`)."""
        numbers = frozenset(numbers)
        callee = self.by_function.get((function, numbers))
        if callee is None:
            name = _derivative_stem(function) + ("_on_numbers" if numbers else "")
            names = [self.namer.fresh(f"{role}_{name}") for role in self.roles]
            callee = Callee(
                function=function,
                forward=names[0],
                adjoint=names[1] if len(names) > 1 else None,
                parameters=list(parameters),
                numbers=numbers,
                shared=changed_lists(function, parameters),
            )
            self.by_function[(function, numbers)] = callee
        callee.wrt |= set(wrt)
        return callee

    def make(self, differentiate):
        """Make every callee's functions with `differentiate(callee)`, again for those
        whose `wrt` grew meanwhile, until none changes.  Returns them in order."""
        changed = True
        while changed:
            changed = False
            for callee in list(self.by_function.values()):
                if callee.made_for != callee.wrt:
                    callee.made_for = set(callee.wrt)
                    callee.functions = differentiate(callee)
                    changed = True
        return [f for callee in self.by_function.values() for f in callee.functions]

    def sources(self):
        """The source of each module-level function called (nested ones are part of
        the function that defines them)."""
        found = {}  # one per function (a `Specialized` function shares its source)
        for c in self.by_function.values():
            if c.source is not None and not isinstance(c.function, LocalFunction):
                found.setdefault(original(c.function), c.source)
        return list(found.values())


def _derivative_stem(function):
    """What a callee's derivatives are named after: its name, or for a method its
    class's and its own (`forward_Dense_forward`, `adjoint_Linear_call`)."""
    parts = getattr(function, "__qualname__", function.__name__).split(".")
    if len(parts) == 2 and "<locals>" not in parts:
        return "_".join(part.strip("_") for part in parts)
    return function.__name__


def given_callee(node, operations, callees, source):
    """The `Callee` of the function of the user's that `node` names where an operation
    is given it (`odeint(rhs, ...)`), made for every parameter of it: a module-level
    function of the user's, else refused at `node`."""
    function = operations.resolve(node) if isinstance(node, gast.Name) else None
    if (callees is None or function is None or not is_user_function(function)
            or isinstance(function, (LocalFunction, Specialized))):
        raise error_at(node, "a function given to a library's function whose derivative "
                       "needs its derivatives must be a function of yours defined at module "
                       "level (not a lambda, a nested function or another library's)",
                       source, Unsupported)
    parameters = list(inspect.signature(function).parameters)
    return callees.request(function, parameters, parameters)


def declared_numbers(function):
    """Parameters of `function` annotated `float` or `int`, or `list[float]` or
    `list[int]` (see `declared_number_lists`)."""
    return {
        name for name, annotation in getattr(function, "__annotations__", {}).items()
        if annotation in NUMBER_ANNOTATIONS and name != "return"
    } | declared_number_lists(function)


def declared_number_lists(function):
    """Parameters of `function` annotated `list[float]` or `list[int]`."""
    return {
        name for name, annotation in getattr(function, "__annotations__", {}).items()
        if annotation in LIST_ANNOTATIONS and name != "return"
    }


NUMBER_ANNOTATIONS = (float, int, "float", "int")
LIST_ANNOTATIONS = (list[float], list[int], "list[float]", "list[int]")


def call_arguments(operation, source):
    """(the parameters of the user's function a call calls, parameter -> the node the
    call passes it)."""
    function, node = operation.key, operation.node
    parameters = _parameters(function, node, source)
    arguments = dict(zip(parameters, operation.args))
    for keyword, value in operation.keywords.items():
        if keyword not in parameters:
            raise error_at(node, f"{function.__name__}() has no parameter {keyword!r}",
                           source, Unsupported)
        arguments[keyword] = value
    return parameters, arguments


def _parameters(function, node, source):
    """The names of a user function's parameters, in order."""
    if isinstance(function, (LocalFunction, Specialized)):
        return function.parameters
    try:
        signature = inspect.signature(function)
    except (TypeError, ValueError):
        raise error_at(node, f"cannot read the parameters of {function.__name__}",
                       source, Unsupported) from None
    parameters = []
    for parameter in signature.parameters.values():
        if parameter.kind in (parameter.VAR_POSITIONAL, parameter.VAR_KEYWORD):
            raise error_at(node, f"calling {function.__name__}, which takes *args or "
                           "**kwargs, is not supported", source, Unsupported)
        parameters.append(parameter.name)
    return parameters
