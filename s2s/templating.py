"""Templates: derivative rules written as plain Python, read with gast, never run.

    @adjoint(numpy.multiply, operator.mul)
    def multiply(z, x, y):
        d[x] += unbroadcast(d[z] * y, x)
        d[y] += unbroadcast(d[z] * x, y)

The first parameter is the operation's result, the others its arguments, bound like
a call.  `d[x]` is the adjoint (reverse) or tangent (forward) of `x`.  A body holds
assignments to local temporaries and one statement per differentiable argument:
`d[x] += e`, `d[x] -= e`, or `d[x][index] += e` (add into part of the adjoint).
Names other than parameters and locals mean what they mean in the template's module
(`numpy`, `unbroadcast`); the generated module imports them.

Each operation's derivative is stated once, in one rule, and the other mode's is
derived from it where its kind allows: `@elementwise` (partial derivatives, both
modes), `@linear` and `@bilinear` (an adjoint whose tangent is the operation applied
to tangents; runtime helpers declare theirs with `s2s.runtime.linear_in`).  The
other operations have an `@adjoint` and, beside it, an `@tangent` named
`<rule>_forward` (never `..._tangent`, the runtime's helpers' names, which a template
reads).

Templates are registered by the object they differentiate, so every spelling that
resolves to that object (`np.tanh`, `numpy.tanh`, `from numpy import tanh`) finds
them.  Users register theirs the same way; a later registration wins.
"""

import builtins
import contextlib
import functools
import importlib
import inspect
import math
import pkgutil
import sys
import textwrap
import threading
from dataclasses import dataclass

import gast

from . import rule_kinds
from .errors import Unsupported, error_at
from .runtime import broadcast_like, unbroadcast
from .runtime.layout import result_tangent
from .syntax import clone, constant, load, walk
from .tangents import is_zero


class _Adjoint:
    """`d` in templates: `d[x]` names the derivative of `x`.  Never evaluated."""

    def __getitem__(self, item):
        raise RuntimeError("d[...] is template notation; templates are not run")

    def __repr__(self):
        return "d"


d = _Adjoint()


def no_derivative(*notation):
    """Template notation for an argument no derivative is taken in (an order, a count):
    `d[n] += no_derivative("why")` in an adjoint, `no_derivative(d[n], "why")` in a
    tangent, `return no_derivative("why"), ...` for a partial derivative.  Where the
    argument carries a derivative, the call site is refused with `why`; elsewhere the
    term is dropped.  Never evaluated."""
    raise RuntimeError("no_derivative(...) is template notation; templates are not run")


def derivatives_of(*notation):
    """Template notation for the derivative functions s2s makes of a function of the
    user's that the operation is given (`odeint(func, ...)`): in an adjoint, the pair
    `(forward_func, adjoint_func)` (the forward one pushes on the tape it is given and
    returns the value, the adjoint one pops it and returns one gradient per
    parameter); in a tangent, `jvp_func`.  Never evaluated."""
    raise RuntimeError("derivatives_of(...) is template notation; templates are not run")


class NoDerivative(Exception):
    """A rule takes no derivative in an argument that carries one (its reason)."""


_ADJOINTS = {}
_TANGENTS = {}
_NONDIFFERENTIABLE = {}  # key -> why no derivative flows through it
_REAL_ONLY = {}  # key -> why its rule holds for real values only
_REFUSED = {}  # key -> why s2s does not differentiate it yet
_FOLLOWED = []  # dotted names of libraries' functions and modules to differentiate
_REGISTRATIONS = [0]  # how many registrations there have been (the compile cache's key)
# libraries whose rules are in templates/ but which s2s does not require
OPTIONAL_LIBRARIES = ("scipy",)
_loaded = False
_loading = False  # (the thread holding _load_lock is importing the rules)
_load_lock = threading.RLock()


def _key(obj):
    try:
        hash(obj)
        return obj
    except TypeError:
        return id(obj)


def adjoint(*targets):
    """Register the decorated function as the reverse-mode rule for `targets`."""

    def register(fn):
        _builtins_first()
        template = Template(fn, "adjoint")
        for target in targets:
            _ADJOINTS[_key(target)] = template
            _REGISTRATIONS[0] += 1
            _NONDIFFERENTIABLE.pop(_key(target), None)  # a later registration wins
        return fn

    return register


def tangent(*targets):
    """Register the decorated function as the forward-mode rule for `targets`."""

    def register(fn):
        _builtins_first()
        template = Template(fn, "tangent")
        if not fn.__module__.startswith("s2s.templates"):  # (the suite checks s2s's own)
            _check_tangent(template)
        for target in targets:
            _TANGENTS[_key(target)] = template
            _REGISTRATIONS[0] += 1
        return fn

    return register


def elementwise(*targets):
    """Register the decorated function as the rule of `targets` in both modes.  It
    returns the partial derivatives of the result, one per argument (None where none
    flows), computed from the result and the arguments:

        @elementwise(numpy.tanh, math.tanh)
        def tanh(z, x):
            return 1.0 - z * z

    The adjoint is `d[x] += unbroadcast(d[z] * ∂z/∂x, x)` for each argument, the
    tangent `d[z] = d[x] * ∂z/∂x + ...` (rule_kinds.py).  For a `math` function NumPy's
    functions in the partial derivatives become math's."""

    def register(fn):
        flavours = {}  # numbers (a math target) -> its (adjoint, tangent) templates
        for target in targets:
            numbers = rule_kinds.is_math(target)
            if numbers not in flavours:
                flavours[numbers] = (Template(fn, "adjoint", "elementwise", numbers),
                                     Template(fn, "tangent", "elementwise", numbers))
                if not fn.__module__.startswith("s2s.templates"):
                    flavours[numbers][1].tree  # (a user's rule is checked when registered)
            _register(target, *flavours[numbers])
        return fn

    return register


def linear(*targets):
    """Register the decorated function, an adjoint rule written as `@adjoint`'s are,
    for `targets`, which are linear in the arguments it gives adjoints to (jointly:
    `f(x + dx, y + dy) = f(x, y) + f(dx, dy)`).  Their tangent is the operation itself,
    as the call spells it, applied to those arguments' tangents: `numpy.sum(dx,
    axis=1)`.  The adjoint is the transpose: a reduction's, an expansion."""
    return _tangent_from_the_call(targets, "linear")


def bilinear(*targets):
    """As `linear`, for `targets` linear in each of those arguments separately (a
    product: `matmul`, `einsum`'s operands): the tangent is the sum of the operation
    with one argument at a time replaced by its tangent, `dx @ y + x @ dy`."""
    return _tangent_from_the_call(targets, "bilinear")


def _tangent_from_the_call(targets, kind):
    """The decorator of an adjoint rule of `kind` ("linear" or "bilinear"), whose
    tangent `LinearTangent` makes from the call site."""

    def register(fn):
        rule = Template(fn, "adjoint", kind), LinearTangent(fn, kind)
        for target in targets:
            _register(target, *rule)
        return fn

    return register


def _register(target, adjoint_rule, tangent_rule):
    _builtins_first()
    _ADJOINTS[_key(target)] = adjoint_rule
    _REGISTRATIONS[0] += 1
    _TANGENTS[_key(target)] = tangent_rule
    _NONDIFFERENTIABLE.pop(_key(target), None)  # a later registration wins


def _declare(registry, targets, reason):
    """Record `reason` for each of `targets` in `registry`."""
    _builtins_first()
    for target in targets:
        registry[_key(target)] = reason
        _REGISTRATIONS[0] += 1


def nondifferentiable(*targets, reason="declared non-differentiable by its user"):
    """Declare that no derivative flows through `targets` (`len`, `np.floor`, ...),
    and why (`reason`)."""
    _declare(_NONDIFFERENTIABLE, targets, reason)
    for target in targets:
        _ADJOINTS.pop(_key(target), None)  # a later registration wins


def refuse(*targets, reason):
    """Declare that s2s does not differentiate `targets` yet, and why (`reason`): a call
    of one that needs a derivative is a located error saying so, not a missing rule."""
    _declare(_REFUSED, targets, reason)


def refusal(obj):
    """Why s2s does not differentiate `obj` yet, or None."""
    load_builtin_templates()
    return _REFUSED.get(_key(obj))


def real_only(*targets, reason):
    """Declare that the rules of `targets` hold for real values only (`reason`: what
    they would get wrong for complex ones): generated code checks the values that
    carry a derivative into them, and refuses complex ones."""
    _declare(_REAL_ONLY, targets, reason)


def real_only_reason(obj):
    """Why the rule of `obj` holds for real values only, or None."""
    load_builtin_templates()
    return _REAL_ONLY.get(_key(obj))


def follow(*targets):
    """Differentiate `targets`, functions of installed libraries, from their Python
    source, as s2s does the user's own functions (it never does so unasked).  A target
    is a function, a module (every function defined in it or below it), or its dotted
    name: `s2s.follow("statistics")`, `s2s.follow(statistics.fmean)`."""
    for target in targets:
        if isinstance(target, str):
            name = target
        elif inspect.ismodule(target):
            name = target.__name__
        else:
            name = f"{target.__module__}.{target.__qualname__}"
        if name not in _FOLLOWED:
            _FOLLOWED.append(name)
            _REGISTRATIONS[0] += 1


def is_followed(function):
    """Whether `follow` asked for `function`'s source to be differentiated."""
    module = getattr(function, "__module__", None) or ""
    name = f"{module}.{getattr(function, '__qualname__', '')}"
    return any(name == f or module == f or module.startswith(f + ".") for f in _FOLLOWED)


def load_builtin_templates(everything=False):
    """Import every module in `s2s.templates` once; their decorators register rules.
    Safe from threads: one loads, the others wait until every rule is registered.

    The rules of an optional library's subpackage (`scipy_stats.py` for scipy.stats)
    load when that subpackage has been imported (each lookup of a rule checks): no
    rule of it can be asked for before, and importing SciPy's took 0.85 s of every
    start.  `everything`: import those subpackages too, and load their rules now."""
    global _loaded, _loading
    if _loaded:
        if _DEFERRED:
            _load_deferred(everything)
        return
    with _load_lock:
        if _loaded or _loading:  # loaded meanwhile, or asked again while loading
            return
        _loading = True
        try:
            from . import templates

            for info in pkgutil.walk_packages(templates.__path__, f"{templates.__name__}."):
                library = _library_of(info.name)
                if library is not None:
                    _DEFERRED[info.name] = library
                    continue
                _import_rules(info.name)
            _loaded = True
        finally:
            _loading = False
    if _DEFERRED:
        _load_deferred(everything)


_DEFERRED = {}  # template module -> the library module whose import it waits for


def _builtins_first():
    """Load the built-in rules before registering one: loaded after a user's rule (one
    registered as the user's module is imported), a built-in one replaced it.  (The
    built-in modules' own registrations, while loading, return at once.)"""
    if not _loaded:
        load_builtin_templates()


def _library_of(module):
    """`scipy.stats` for the template module `...scipy_stats`; None for the others."""
    stem = module.rsplit(".", 1)[-1]
    library, _, sub = stem.partition("_")
    return f"{library}.{sub}" if library in OPTIONAL_LIBRARIES and sub else None


def _import_rules(module):
    try:
        importlib.import_module(module)
    except ModuleNotFoundError as exc:
        # the rules of an optional library (SciPy) load where it is installed
        if (exc.name or "").split(".")[0] not in OPTIONAL_LIBRARIES:
            raise


def _load_deferred(everything=False):
    """Load the deferred rules whose library is imported now (all, importing them,
    where `everything`).  They only add rules; a rule registered before them (a
    user's, for a function of theirs) stays."""
    if everything:
        for library in set(_DEFERRED.values()):
            try:
                importlib.import_module(library)
            except ImportError:
                pass
    if not any(library in sys.modules for library in _DEFERRED.values()):
        return
    with _load_lock:
        ready = [m for m, library in _DEFERRED.items() if library in sys.modules]
        if not ready:
            return
        registries = (_ADJOINTS, _TANGENTS, _NONDIFFERENTIABLE, _REAL_ONLY, _REFUSED)
        saved = [dict(registry) for registry in registries]
        for module in ready:
            del _DEFERRED[module]
            _import_rules(module)
        taken = set().union(*saved)
        for registry, before in zip(registries, saved):
            for key in taken - set(before):
                registry.pop(key, None)
            registry.update(before)
        _REGISTRATIONS[0] += 1


def adjoint_template(obj):
    load_builtin_templates()
    return _ADJOINTS.get(_key(obj))


def tangent_template(obj):
    load_builtin_templates()
    found = _TANGENTS.get(_key(obj))
    if found is None and getattr(obj, "s2s_linear_in", None):  # a runtime helper's
        found = _HELPER_TANGENTS.get(_key(obj))
        if found is None:
            found = _HELPER_TANGENTS[_key(obj)] = LinearTangent.of_helper(obj)
    return found


# the tangents of runtime helpers that say where they are linear, made when first
# asked for: not registrations (the compile cache's key does not count them)
_HELPER_TANGENTS = {}


def is_nondifferentiable(obj):
    load_builtin_templates()
    return _key(obj) in _NONDIFFERENTIABLE


@contextlib.contextmanager
def registry_snapshot():
    """Rules registered inside the block (a `--templates` file's) are gone after it."""
    load_builtin_templates()
    registries = (_ADJOINTS, _TANGENTS, _NONDIFFERENTIABLE, _REAL_ONLY, _REFUSED)
    saved = [dict(registry) for registry in registries], list(_FOLLOWED)
    try:
        yield
    finally:
        for registry, before in zip(registries, saved[0]):
            registry.clear()
            registry.update(before)
        _FOLLOWED[:] = saved[1]
        _REGISTRATIONS[0] += 1


def registry_state():
    """Changes whenever a rule is registered (or taken out of a registry): part of the
    compile cache key.  (Counted, not read from the rules' ids: a rule registered
    where a removed one was may be given its id.)"""
    load_builtin_templates()
    return (
        _REGISTRATIONS[0], len(_ADJOINTS), len(_TANGENTS), len(_NONDIFFERENTIABLE),
        len(_REAL_ONLY), len(_REFUSED), tuple(_FOLLOWED),
    )


@dataclass
class Contribution:
    """`d[target] += expr` (sign +1), `-=` (sign -1), or `d[target][index] += expr`."""

    target: gast.expr  # the call site's argument node
    expr: gast.expr
    sign: int = 1
    index: gast.expr = None


# How a rule is stated: partial derivatives (both modes), an adjoint whose tangent is
# the operation's own (linear, bilinear), or a template of one mode, written by hand
RULE_KINDS = ("elementwise", "linear", "bilinear", "adjoint", "tangent")


class Template:
    """A derivative rule: its function, read (parsed) when a derivative first uses it,
    since s2s registers hundreds and one function uses a few."""

    def __init__(self, fn, kind, rule=None, numbers=False):
        self.fn = fn
        self.kind = kind  # "adjoint" or "tangent": the template's notation
        self.rule = rule or kind  # how the rule was stated: one of RULE_KINDS
        self.numbers = numbers  # an elementwise rule's, for `math` functions
        self.signature = inspect.signature(fn)
        names = list(self.signature.parameters)
        self.result, self.params = names[0], names[1:]
        self.path = inspect.getsourcefile(fn)
        self.globals = fn.__globals__
        if numbers:
            self.globals = {**self.globals, "math": math}
        if rule == "elementwise":
            self.globals = {**self.globals, "unbroadcast": unbroadcast,
                            "broadcast_like": broadcast_like, "no_derivative": no_derivative}

    @functools.cached_property
    def tree(self):
        tree = gast.parse(textwrap.dedent(inspect.getsource(self.fn))).body[0]
        for node in walk(tree):  # (a rule's lines are not the user's: derivative code
            node.lineno = node.end_lineno = None  # says where by its `# d of:` comment)
        body = tree.body
        if body and isinstance(body[0], gast.Expr) and isinstance(body[0].value, gast.Constant):
            tree.body = body[1:]
        if self.rule == "elementwise":
            derived = rule_kinds.adjoint_body if self.kind == "adjoint" else rule_kinds.tangent_body
            tree.body = derived(tree, self.result, self.params)
            if self.numbers:
                tree.body = rule_kinds.on_numbers(tree.body, self.globals)
        return tree

    @property
    def note(self):
        """A docstring states a convention (ties, kinks) for docs/coverage.md, not code."""
        return inspect.getdoc(self.fn) or ""

    @functools.cached_property
    def locals(self):
        return {
            n.id
            for s in self.tree.body
            for t in getattr(s, "targets", [])
            for n in walk(t)
            if isinstance(n, gast.Name)
        }

    @functools.cached_property
    def differentiable(self):
        if self.kind == "tangent":  # the arguments whose tangents `d[z] = ...` reads
            return {
                n.slice.id for n in walk(self.tree)
                if _is_d(n) and isinstance(n.slice, gast.Name) and n.slice.id != self.result
            }
        return {p for p in self.params if any(_adjoint_target(s) == p for s in self.tree.body)}

    def __repr__(self):
        return f"<{self.kind} template {self.fn.__module__}.{self.fn.__name__}>"

    def bind(self, args, keywords, node, source):
        """Map the template's parameters to the call site's argument nodes."""
        placeholder = [object() for _ in args]
        named = {k: object() for k in keywords}
        try:
            bound = self.signature.bind(None, *placeholder, **named)
        except TypeError as exc:
            raise error_at(
                node, f"these arguments are not supported by the derivative rule: {exc}",
                source, Unsupported,
            ) from None
        by_object = {id(p): a for p, a in zip(placeholder, args)}
        by_object.update({id(named[k]): v for k, v in keywords.items()})
        result = {}
        for param in self.params:
            if param in bound.arguments:
                value = bound.arguments[param]
                kind = self.signature.parameters[param].kind
                if kind is inspect.Parameter.VAR_POSITIONAL:
                    elts = [clone(by_object[id(v)]) for v in value]
                    result[param] = gast.Tuple(elts=elts, ctx=gast.Load())
                else:
                    result[param] = by_object[id(value)]
            else:
                default = self.signature.parameters[param].default
                if default is inspect.Parameter.empty:
                    default = ()  # an empty *args
                result[param] = constant(default)
        return result

    def instantiate(self, result, bound, adjoint_of, temporary, global_name, scalars=(),
                    functions=None):
        """The template's statements for one call site.

        `result` is the result's node; `bound` maps parameters to argument nodes;
        `adjoint_of(node)` gives the adjoint's name node of an argument node (or None
        where it has none); `temporary(base)` gives fresh local names;
        `global_name(obj)` gives the expression that names `obj` in generated code;
        `functions(node)`, the expression of `derivatives_of(node)`.
        Returns a list of plain statements (locals) and `Contribution`s.
        """
        mapping = dict(bound)
        mapping[self.result] = result
        local_names = {name: temporary(name) for name in sorted(self.locals)}
        out = []
        for stmt in self.tree.body:
            target = _adjoint_target(stmt)
            if target is not None and self._refusal(stmt.value) is not None:
                if adjoint_of(bound[target]):
                    raise NoDerivative(self._refusal(stmt.value))
                continue
            into_part = isinstance(stmt, gast.AugAssign) and not _is_d(stmt.target)
            stmt = clone(stmt)
            stmt = _Substitute(
                mapping, local_names, adjoint_of, self, global_name, scalars, functions
            ).visit(stmt)
            if target is None:
                out.append(stmt)
                continue
            if isinstance(stmt, gast.AugAssign):
                index = stmt.target.slice if into_part else None
                sign = -1 if isinstance(stmt.op, gast.Sub) else 1
                out.append(Contribution(bound[target], stmt.value, sign, index))
            else:
                out.append(Contribution(bound[target], stmt.value, 1, None))
        return out

    def _refusal(self, node):
        """The reason of a `no_derivative("why")` call (or None)."""
        if (isinstance(node, gast.Call) and isinstance(node.func, gast.Name)
                and self.globals.get(node.func.id) is no_derivative):
            return node.args[-1].value
        return None

    def instantiate_tangent(self, result, bound, tangent_of, temporary, global_name,
                            scalars=(), operation=None, source=None, functions=None):
        """A tangent template's code for one call site: (the statements computing its
        locals, the expression of `d[z]`).  `tangent_of(node)` gives the tangent of an
        argument node (a name, a tuple of them for `*args`, or a zero marker);
        `operation`, the call site's (operations.py), where `source` is; `functions`
        as `instantiate`'s."""
        mapping = dict(bound)
        mapping[self.result] = result
        local_names = {name: temporary(name) for name in sorted(self.locals)}
        statements, expr = [], None
        for stmt in self.tree.body:
            target = _adjoint_target(stmt)
            stmt = _Substitute(
                mapping, local_names, tangent_of, self, global_name, scalars, functions
            ).visit(clone(stmt))
            if target == self.result and isinstance(stmt, gast.Assign):
                expr = stmt.value
            else:
                statements.append(stmt)
        return statements, expr


class LinearTangent(Template):
    """The forward rule of an operation linear in some of its arguments: the operation
    itself, as the call site spells it, applied to their tangents (jointly: "linear";
    one at a time, summed: "bilinear").  The arguments are those the rule's adjoint
    gives adjoints to, or a runtime helper's `s2s_linear_in`."""

    def __init__(self, fn, rule, signature=None, linear_in=None):
        super().__init__(fn, "tangent", rule)
        if signature is not None:  # a helper's: the result's parameter put first
            self.signature = signature
            self.result, self.params = "_result", list(signature.parameters)[1:]
        self._linear_in = linear_in

    @classmethod
    def of_helper(cls, helper):
        """A runtime helper's, from its `s2s_linear_in` (see `s2s.runtime.linear_in`)."""
        params, each = helper.s2s_linear_in
        signature = inspect.signature(helper)
        result = inspect.Parameter("_result", inspect.Parameter.POSITIONAL_ONLY)
        signature = signature.replace(parameters=[result, *signature.parameters.values()])
        return cls(helper, "bilinear" if each else "linear", signature, set(params))

    @functools.cached_property
    def differentiable(self):
        if self._linear_in is not None:
            return self._linear_in
        body = Template(self.fn, "adjoint").tree.body
        return {p for p in self.params if any(_adjoint_target(s) == p for s in body)}

    def instantiate_tangent(self, result, bound, tangent_of, temporary, global_name,
                            scalars=(), operation=None, source=None, functions=None):
        """(no statements, the tangent expression): `operation`'s own expression with
        the linear arguments' nodes replaced by their tangents (`tangent_of`)."""
        node = operation.node
        try:
            arguments = self.signature.bind(None, *operation.args, **operation.keywords)
        except TypeError as exc:
            raise error_at(node, f"these arguments are not supported by the derivative "
                           f"rule: {exc}", source, Unsupported) from None
        within = {id(n) for n in walk(node)}
        groups = []  # for each linear argument: {id(its node): its tangent}
        for p in sorted(self.differentiable, key=self.params.index):
            if p not in arguments.arguments:
                continue
            value = arguments.arguments[p]
            nodes = value if isinstance(value, tuple) else (value,)  # (`*operands`)
            if self.rule == "bilinear":
                groups += [{id(n): _display_tangent(n, tangent_of)} for n in nodes]
            else:
                groups.append({id(n): _display_tangent(n, tangent_of) for n in nodes})
        if any(k not in within for group in groups for k in group):
            raise TypeError(f"{self!r}: an argument of {operation.label} is not in its "
                            "expression, so its tangent cannot be written from it")
        if self.rule == "linear":
            groups = [{k: v for group in groups for k, v in group.items()}]
        terms = [clone(node, replacing=group) for group in groups]
        # a linear argument left to its default (a record's field) is a constant: its
        # tangent is 0, which the call must be given, not the default again
        for p in sorted(self.differentiable, key=self.params.index):
            default = self.signature.parameters[p].default
            zero = default is None or (type(default) in (int, float) and default == 0)
            if p in arguments.arguments or zero or default is inspect.Parameter.empty:
                continue
            if self.rule != "linear" or not isinstance(node, gast.Call) or (
                    self.signature.parameters[p].kind is inspect.Parameter.POSITIONAL_ONLY):
                raise error_at(node, f"the tangent of {operation.label} with its argument "
                               f"{p} left to its default is not supported yet", source,
                               Unsupported)
            for term in terms:
                term.keywords.append(gast.keyword(arg=p, value=constant(0.0)))
        total = terms[0] if terms else None
        for term in terms[1:]:
            total = gast.BinOp(left=total, op=gast.Add(), right=term)
        dtype = arguments.arguments.get("dtype")
        if total is not None and dtype is not None and not (
                isinstance(dtype, gast.Constant) and dtype.value is None):
            # linear only into a float dtype: into integers (which the operation applied
            # to the tangents would truncate to) the tangent is 0
            total = gast.Call(func=global_name(result_tangent), args=[total, result],
                              keywords=[])
        return [], total


def _display_tangent(node, tangent_of):
    """The tangent of an argument node, a list or tuple display's element by element."""
    if isinstance(node, (gast.List, gast.Tuple)):
        return type(node)(elts=[_display_tangent(e, tangent_of) for e in node.elts],
                          ctx=gast.Load())
    return tangent_of(node)


def _check_tangent(template):
    """A tangent template: locals that read no tangent, then `d[z] = expr`."""
    body = template.tree.body
    last = body[-1] if body else None
    if not (isinstance(last, gast.Assign) and _adjoint_target(last) == template.result):
        raise TypeError(f"{template!r} must end with `d[{template.result}] = ...`")
    for stmt in body[:-1]:
        if any(_is_d(n) for n in walk(stmt)):
            raise TypeError(f"{template!r}: only `d[{template.result}] = ...` may read d[...]")


def _unstarred(arg):
    """The arguments `*(a, b)` (or `*()`, an empty `*args`) passes: [a, b]."""
    if isinstance(arg, gast.Starred) and isinstance(arg.value, gast.Tuple):
        return list(arg.value.elts)
    if (isinstance(arg, gast.Starred) and isinstance(arg.value, gast.Constant)
            and isinstance(arg.value.value, tuple)):
        return [constant(v) for v in arg.value.value]
    return [arg]


def _drop_default_arguments(call, function):
    """`helper(g, x, None, False)` is `helper(g, x)` when those are the defaults."""
    try:
        params = list(inspect.signature(function).parameters.values())
    except (TypeError, ValueError):
        return
    while call.args and len(call.args) <= len(params):
        last, param = call.args[-1], params[len(call.args) - 1]
        if not (
            isinstance(last, gast.Constant)
            and param.default is not inspect.Parameter.empty
            and type(last.value) is type(param.default)
            and last.value == param.default
        ):
            return
        call.args.pop()


def _is_number(node):
    return isinstance(node, gast.Constant) and type(node.value) in (int, float)


def _is_d(node):
    return (
        isinstance(node, gast.Subscript)
        and isinstance(node.value, gast.Name)
        and node.value.id == "d"
    )


def _adjoint_target(stmt):
    """`x` for `d[x] += ...`, `d[x] -= ...`, `d[x][i] += ...`, `d[x] = ...`."""
    if isinstance(stmt, gast.AugAssign):
        target = stmt.target
    elif isinstance(stmt, gast.Assign) and len(stmt.targets) == 1:
        target = stmt.targets[0]
    else:
        return None
    if isinstance(target, gast.Subscript) and _is_d(target.value):
        target = target.value
    if _is_d(target) and isinstance(target.slice, gast.Name):
        return target.slice.id
    return None


class _Substitute(gast.NodeTransformer):
    """Parameters to argument nodes, locals to fresh names, `d[p]` to adjoint names,
    globals to the names the generated module gives them."""

    def __init__(self, mapping, local_names, adjoint_of, template, global_name, scalars,
                 functions=None):
        self.functions = functions  # derivatives_of(node): the expression of those
        self.scalars = scalars
        self.mapping = mapping
        self.local_names = local_names
        self.adjoint_of = adjoint_of
        self.template = template
        self.global_name = global_name

    def visit_Subscript(self, node):
        if _is_d(node) and isinstance(node.slice, gast.Name):
            arg = self.mapping[node.slice.id]
            name = self.adjoint_of(arg)
            if isinstance(name, gast.AST):  # forward mode: a tangent's expression
                return name
            return load(name) if name else constant(0.0)
        return self.generic_visit(node)

    def visit_Call(self, node):
        obj = self._global(node.func)
        if obj is derivatives_of:
            return self.functions(self.visit(node.args[0]))
        if obj is no_derivative:  # `no_derivative(d[n], "why")` in a tangent
            tangent = self.visit(node.args[0])
            if not is_zero(tangent):
                raise NoDerivative(node.args[-1].value)
            return tangent
        if obj is unbroadcast and self._same_shape(node.args[1]):
            return self.visit(node.args[0])
        self.generic_visit(node)
        # `f(*(a, b))`, a `*operands` parameter passed on: `f(a, b)`
        node.args = [e for a in node.args for e in _unstarred(a)]
        if callable(obj) and not node.keywords:
            _drop_default_arguments(node, obj)
            if getattr(obj, "__module__", None) == "math" and all(map(_is_number, node.args)):
                # `math.log(base)` with the default base: a number, not a call
                return constant(obj(*(a.value for a in node.args)))
        return node

    def visit_UnaryOp(self, node):
        self.generic_visit(node)
        if isinstance(node.op, gast.Not) and isinstance(node.operand, gast.Constant):
            return constant(not node.operand.value)  # `transposed=not False`: True
        return node

    def _global(self, node):
        """The object a template's global name or dotted name (`numpy.reshape`) means."""
        if isinstance(node, gast.Name):
            if node.id in self.mapping or node.id in self.local_names:
                return None
            return self.template.globals.get(node.id)
        if isinstance(node, gast.Attribute):
            base = self._global(node.value)
            return getattr(base, node.attr, None) if base is not None else None
        return None

    def _same_shape(self, arg):
        """True when `unbroadcast(g, arg)` has nothing to undo: every other operand of
        the (elementwise) operation is a number, a scalar, or surely of the shape of
        `arg`'s value (analysis/shapes.py), so the result has that shape."""
        if not isinstance(arg, gast.Name) or arg.id not in self.template.params:
            return False
        value = self.mapping[arg.id]
        alike = getattr(self.scalars, "alike", None)
        others = [self.mapping[p] for p in self.template.params if p != arg.id]
        return all(
            (isinstance(o, gast.Constant) and type(o.value) in (int, float, type(None)))
            or (isinstance(o, gast.Name) and o.id in self.scalars)
            or (alike is not None and isinstance(o, gast.Name) and isinstance(value, gast.Name)
                and alike(o.id, value.id))
            for o in others
        )

    def visit_Name(self, node):
        if node.id in self.mapping:
            return clone(self.mapping[node.id])
        if node.id in self.local_names:
            return gast.Name(
                id=self.local_names[node.id], ctx=node.ctx, annotation=None, type_comment=None
            )
        if node.id in self.template.globals:
            return self.global_name(self.template.globals[node.id])
        if hasattr(builtins, node.id):
            return node
        raise NameError(f"{self.template!r} uses unknown name {node.id!r}")
