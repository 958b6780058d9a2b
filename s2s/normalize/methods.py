"""Methods of the user's classes: `obj.method(args)`, where the class of `obj` is known
when the function is read, becomes `Class.method(obj, args)`, a call of the user's
function, which s2s differentiates as any other.  Likewise `obj(args)` (the class's
`__call__`), `obj.prop` (a property's getter, `Class.prop.fget(obj)`), a static
method, and `super().method(args)` in a method.

The class of an object is known
- where the function makes it: where it is used (`Spring(k).energy(x)`), or in a name
  the function binds once (`s = Spring(k)`, or `a, b = A(w), B(w)`);
- for `self` in a method s2s differentiates (the class that defines it);
- for an argument whose class the caller gives (the Python API, from the values it is
  called with);
- for a parameter annotated with its class (`model: MLP`);
- for a parameter, or a `for` loop's variable, on which the function calls methods
  that exactly one class of the module defines (`model.forward(x)`, where `MLP` alone
  has a `forward`);
- for an attribute that the class's `__init__` sets once, to an object it makes
  (`self.encoder = Encoder(...)`).
The last three are facts read from the source, not from the object: the statement that
calls such a method first checks the object's class, `require_class(model, MLP)`, so
that an object of another class fails clearly instead of running MLP's derivative.
Where several classes of the module define the methods called, a simple statement
becomes one branch per class (`if type(layer) is Dense: ...`), after the check; a
call elsewhere (in a condition) is refused, naming them.  So is the method of an
object whose class is not known at all.

Objects that change: `obj = Cls(args)` whose `__init__` computes becomes `obj =
new_object(Cls)` and `__init__`'s body on `obj`; a method that sets attributes,
called on an object the function makes, is inlined (normalize/inline.py), so that
the writes are the function's own (normalize/attributes.py).  A parameter whose
object the function changes so is copied first (`model_copy = copy_object(model)`),
and the caller's object gets the copy's attributes before the function returns
(`update_object(model, model_copy)`).  A function of the module handed a function
(`rk4_step(rhs, ...)`, `trapezoid(lambda t: ..., a, b)`) is inlined too, the function
in its place.  Calls nested in a statement are hoisted first, in the order Python
evaluates them.

In: the parsed function (gast) and its source (what its names mean, and which class it
is a method of), the classes of its arguments where the caller knows them, and
`reference`, which names runtime helpers.  Out: the same function with those calls,
reads and statements rewritten, and the checks before them.
"""

import inspect
import textwrap

import gast
import numpy

from ..callees import is_user_function
from ..errors import Unsupported, error_at
from ..naming import Namer
from ..records import record_fields
from ..resolve import meaning
from ..runtime import copy_object, new_object, require_class, update_object
from ..syntax import assign, bound_counts, clone, load, located, walk
from .inline import inlined


def rewrite_methods(fn, source, reference=None, given=None, target=True):
    """`given`: {parameter: its class}; `reference(helper)`: the expression naming a
    runtime helper (without it, no class is inferred and nothing inlined); `target`:
    the function differentiated, not one it calls (only its parameters' objects are
    copied and changed: a function it calls changes what it is given only inlined)."""
    methods = _Methods(fn, source, reference, dict(given or {}), target)
    fn = methods.visit(fn)
    methods.insert_checks(fn)
    methods.copy_changed_parameters(fn)
    return fn


def _made_classes(fn, source, bound, params):
    """{name: (the class, an expression naming it)} for the names bound once, to a call
    of a class."""
    known = {}
    for node in walk(fn):
        if not (isinstance(node, gast.Assign) and len(node.targets) == 1):
            continue
        target, value = node.targets[0], node.value
        pairs = [(target, value)]
        if isinstance(target, gast.Tuple) and isinstance(value, gast.Tuple) and len(
                target.elts) == len(value.elts):  # `first, second = A(w), B(w)`
            pairs = list(zip(target.elts, value.elts))
        for name, made in pairs:
            if not (isinstance(name, gast.Name) and isinstance(made, gast.Call)):
                continue
            cls = meaning(made.func, source.namespace)
            if bound.get(name.id) == 1 and name.id not in params and isinstance(cls, type):
                known[name.id] = (cls, made.func)
    return known


def _owner(source):
    """(the class the function is a method of, an expression naming it), where a
    module-level name holds that class."""
    function = source.function
    parts = function.__qualname__.split(".")
    if len(parts) != 2 or "<locals>" in parts:
        return None
    cls = function.__globals__.get(parts[0])
    if not isinstance(cls, type) or inspect.getattr_static(cls, parts[1], None) is None:
        return None
    return cls, load(parts[0])


def _user_method(cls, name):
    """Whether `cls.name` is a method (or static method) of the user's own."""
    method = inspect.getattr_static(cls, name, None)
    if isinstance(method, staticmethod):
        method = method.__func__
    return is_user_function(method)


def _first_call(node, matches):
    """The first call under `node`, in the order Python evaluates them, for which
    `matches(call)`; None where there is none, or where the first one may not run
    (a branch of a conditional expression, after the first operand of and/or, in a
    comprehension or a lambda)."""
    if isinstance(node, (gast.IfExp, gast.BoolOp, gast.ListComp, gast.SetComp,
                         gast.DictComp, gast.GeneratorExp, gast.Lambda)):
        return None
    for child in gast.iter_child_nodes(node):
        found = _first_call(child, matches)
        if found is not None:
            return found
    return node if isinstance(node, gast.Call) and matches(node) else None


def _definition(function):
    """(`function`'s parsed definition, the name of its first parameter), or None."""
    try:
        fn = gast.parse(textwrap.dedent(inspect.getsource(function))).body[0]
    except (OSError, TypeError, SyntaxError, IndexError):
        return None
    return (fn, fn.args.args[0].id) if fn.args.args else None


def _sets_attributes(method):
    """Whether `method` assigns attributes of its first parameter (`self.x = ...`)."""
    found = _definition(method)
    if found is None:
        return False
    fn, me = found
    return any(isinstance(n, gast.Attribute) and isinstance(n.ctx, gast.Store)
               and isinstance(n.value, gast.Name) and n.value.id == me for n in walk(fn))


def _of_builtin_values(name):
    """Whether arrays, numbers, lists or dicts have a method `name`."""
    return name != "__call__" and any(hasattr(t, name) for t in (numpy.ndarray, float, list, dict))


def _subclasses(cls):
    found, todo = [], list(cls.__subclasses__())
    while todo:
        sub = todo.pop()
        found.append(sub)
        todo.extend(sub.__subclasses__())
    return found


def _overridden(cls, name):
    """Whether a subclass of `cls` defines `name` otherwise."""
    own = inspect.getattr_static(cls, name, None)
    return any(inspect.getattr_static(sub, name, None) is not own for sub in _subclasses(cls))


def _made_in_init(cls, attr):
    """The class of the object `cls.__init__` stores once in `self.<attr>` where it makes
    it (`self.encoder = Encoder(...)`), or None."""
    init = inspect.getattr_static(cls, "__init__", None)
    found = _definition(init) if is_user_function(init) else None
    if found is None:
        return None
    tree, me = found
    stores = [node for node in walk(tree)
              if isinstance(node, gast.Attribute) and isinstance(node.ctx, gast.Store)
              and isinstance(node.value, gast.Name) and node.value.id == me
              and node.attr == attr]
    made = [node.value for node in walk(tree)
            if isinstance(node, gast.Assign) and len(node.targets) == 1
            and node.targets[0] in stores and isinstance(node.value, gast.Call)]
    if len(stores) != 1 or len(made) != 1:
        return None
    cls = meaning(made[0].func, init.__globals__)
    return cls if isinstance(cls, type) else None


class _Methods(gast.NodeTransformer):
    def __init__(self, fn, source, reference, given, target=True):
        self.source = source
        self.reference = reference
        self.require_class = (lambda: reference(require_class)) if reference else None
        self.namer = Namer(n.id for n in walk(fn) if isinstance(n, gast.Name))
        self.lambdas = {n.targets[0].id for n in walk(fn) if isinstance(n, gast.Assign)
                        and len(n.targets) == 1 and isinstance(n.targets[0], gast.Name)
                        and isinstance(n.value, gast.Lambda)}
        self.variables = {a.id for a in fn.args.args + fn.args.kwonlyargs} | {
            n.id for n in walk(fn) if isinstance(n, gast.Name)
            and isinstance(n.ctx, gast.Store)}
        self.inlining = 0  # how deep inlined methods call further ones
        self.sets_attributes = {}  # method -> whether it sets its object's attributes
        bound = bound_counts(fn)
        params = [a.id for a in fn.args.args]
        self.known = _made_classes(fn, source, bound, params)  # name -> (class, naming)
        self._made = set(self.known)  # the objects the function makes
        owner = _owner(source)
        self.self_name = None
        if owner is not None and params and bound.get(params[0], 0) == 0:
            self.known[params[0]] = owner
            self.self_name = params[0]
        self.inferred = {}  # name -> (class, naming): checked where it is used
        self.ambiguous = {}  # name -> (the classes, the methods called)
        if reference is not None:
            self._infer(fn, bound, params, given)
        self.changed = self._changed_parameters(fn, bound) if (
            reference is not None and target) else []
        self._made |= set(self.changed)
        self.statement = None
        self.checks = {}  # id(statement) -> {receiver's text: (receiver, naming)}

    # -- what the names hold

    def _infer(self, fn, bound, params, given):
        """The classes of parameters and loop variables: given, annotated, or the one
        class of the module with the methods called on them."""
        loop_names = {node.target.id for node in walk(fn)
                      if isinstance(node, gast.For) and isinstance(node.target, gast.Name)}
        receivers = {}  # name -> the methods called on it ("__call__" for `name(...)`)
        for node in walk(fn):
            if not isinstance(node, gast.Call):
                continue
            func = node.func
            if isinstance(func, gast.Attribute) and isinstance(func.value, gast.Name):
                receivers.setdefault(func.value.id, set()).add(func.attr)
            elif isinstance(func, gast.Name):
                receivers.setdefault(func.id, set()).add("__call__")
        for arg in fn.args.args:
            name = arg.id
            if name in self.known or bound.get(name, 0):
                continue
            if name in given:  # the caller knows what it holds: nothing to infer
                naming = self._naming(given[name]) if given[name] is not None else None
                if naming is not None:
                    self.known[name] = (given[name], naming)
                continue
            annotated = meaning(arg.annotation, self.source.namespace) if (
                arg.annotation is not None) else None
            if isinstance(annotated, type) and getattr(annotated, "__module__", "") != "builtins":
                self.inferred[name] = (annotated, arg.annotation)
                continue
            self._by_methods(name, receivers.get(name, ()))
        looped = {}  # name -> how many loops bind it
        for node in walk(fn):
            if isinstance(node, gast.For) and isinstance(node.target, gast.Name):
                looped[node.target.id] = looped.get(node.target.id, 0) + 1
        for name in loop_names:
            # (bound by loops alone: each statement that calls its methods checks, or
            # dispatches on, the object it holds then)
            if name not in self.known and bound.get(name) == looped[name] and (
                    name not in params):
                self._by_methods(name, receivers.get(name, ()))

    def _infer_loops(self, stmts):
        """The classes of the loop variables of statements inlined from a method."""
        module = gast.Module(body=stmts, type_ignores=[])
        fn = gast.FunctionDef(name="inlined", args=gast.arguments(
            args=[], posonlyargs=[], vararg=None, kwonlyargs=[], kw_defaults=[], kwarg=None,
            defaults=[]), body=module.body, decorator_list=[], returns=None,
            type_comment=None, type_params=[])
        self._infer(fn, bound_counts(fn), [], {})

    def _by_methods(self, name, methods):
        methods = set(methods)
        if not methods or any(_of_builtin_values(m) for m in methods):
            return  # (an array's or a list's method: not evidence of a class)
        candidates = []
        for value in self.source.function.__globals__.values():
            if (isinstance(value, type) and value not in candidates
                    and all(_user_method(value, m) for m in methods)):
                candidates.append(value)
        if len(candidates) == 1:
            naming = self._naming(candidates[0])
            if naming is not None:
                self.inferred[name] = (candidates[0], naming)
        elif candidates:
            self.ambiguous[name] = (candidates, methods)

    def _naming(self, cls):
        """A module-level name for `cls`, where the function's module has one."""
        scope = self.source.function.__globals__
        if scope.get(cls.__name__) is cls:
            return load(cls.__name__)
        for name, value in scope.items():
            if value is cls:
                return load(name)
        return None

    def _class_of(self, node):
        """(the class of the object `node` is, an expression naming it), or None; an
        inferred class gets its check before the statement."""
        if isinstance(node, gast.Name):
            if node.id in self.known:
                return self.known[node.id]
            if node.id in self.inferred:
                self._check(node, self.inferred[node.id])
                return self.inferred[node.id]
            return None
        if isinstance(node, gast.Call):  # `Spring(k).energy(x)`: made where it is used
            cls = meaning(node.func, self.source.namespace)
            if isinstance(cls, type):
                return cls, node.func
            return None
        if isinstance(node, gast.Attribute) and self.require_class is not None:
            # `self.encoder.forward(x)`: what `__init__` stores there
            outer = self._class_of(node.value)
            if outer is None:
                return None
            cls = _made_in_init(outer[0], node.attr)
            naming = self._naming(cls) if cls is not None else None
            if naming is None:
                return None
            self._check(node, (cls, naming))
            return cls, naming
        return None

    def _check(self, receiver, found):
        if self.statement is None:
            return
        text = gast.dump(receiver)
        self.checks.setdefault(id(self.statement), {}).setdefault(text, (receiver, found[1]))

    def _refuse_ambiguous(self, node, name):
        classes, methods = self.ambiguous[name]
        called = ", ".join(sorted(f".{m}()" if m != "__call__" else "calls" for m in methods))
        raise error_at(
            node, f"the class of {name!r} is not known where {self.source.name} is read: "
            f"{', '.join(c.__name__ for c in classes)} each have {called}; annotate it "
            f"with its class ({name}: {classes[0].__name__})", self.source, Unsupported)

    # -- the rewrite

    def visit(self, node):
        if isinstance(node, gast.stmt) and not isinstance(node, gast.FunctionDef):
            inlined = self._inlined(node)
            if inlined is not None:
                return inlined
            hoisted = self._hoisted(node)
            if hoisted is not None:
                return hoisted
            handed = self._higher_order(node)
            if handed is not None:
                return handed
            dispatched = self._dispatched(node)
            if dispatched is not None:
                return dispatched
            outer, self.statement = self.statement, node
            try:
                return super().visit(node)
            finally:
                self.statement = outer
        return super().visit(node)

    # -- objects the function makes and changes: their methods' bodies in its own

    def _inlined(self, stmt):
        """`obj = Cls(args)`, where `Cls.__init__` computes (more than storing its
        arguments): `obj = new_object(Cls)`, then `__init__`'s body on `obj`.  And
        `obj.method(args)` (or `v = obj.method(args)`), where the function made `obj`
        and the method sets its attributes: the method's body on `obj`.  The
        attribute writes are then the function's own (normalize/attributes.py).
        Only methods of the function's module, returning at their end, are inlined."""
        if self.reference is None or self.inlining > 8:
            return None
        target, call = None, None
        if isinstance(stmt, gast.Expr) and isinstance(stmt.value, gast.Call):
            call = stmt.value
        elif (isinstance(stmt, gast.Assign) and len(stmt.targets) == 1
              and isinstance(stmt.targets[0], gast.Name) and isinstance(stmt.value, gast.Call)):
            target, call = stmt.targets[0].id, stmt.value
        if call is None:
            return None
        cls = meaning(call.func, self.source.namespace)
        if target is not None and isinstance(cls, type) and target in self.known and (
                self.known[target][0] is cls) and record_fields(cls) is None:
            init = inspect.getattr_static(cls, "__init__", None)
            body = self._body(init, [load(target)] + call.args, call.keywords, None)
            if body is None:
                return None
            made = gast.Call(func=self.reference(new_object), args=[clone(call.func)],
                             keywords=[])
            return self._visited([assign(target, made, like=stmt)] + body)
        found = self._changing(call)
        if found is None:
            return None
        receiver, method = found
        body = self._body(method, [load(receiver)] + call.args, call.keywords, target)
        if body is None:
            return None
        if receiver in self.inferred:  # (read from the source: checked where it runs)
            check = gast.Call(func=self.require_class(), args=[
                load(receiver), clone(self.inferred[receiver][1])], keywords=[])
            body.insert(0, located(gast.Expr(value=check), stmt))
        return self._visited(body)

    def _changing(self, call):
        """(the object's name, the method) for `obj.method(...)` or `obj(...)` on an
        object the function makes or copies, of a method that sets its attributes;
        else None."""
        func = call.func
        if isinstance(func, gast.Attribute) and isinstance(func.value, gast.Name):
            receiver, name = func.value.id, func.attr
        elif isinstance(func, gast.Name):
            receiver, name = func.id, "__call__"
        else:
            return None
        found = self.known.get(receiver) or self.inferred.get(receiver)
        if receiver not in self._made or found is None:
            return None
        method = inspect.getattr_static(found[0], name, None)
        if not is_user_function(method):
            return None
        if method not in self.sets_attributes:  # (asked of each call of each statement)
            self.sets_attributes[method] = _sets_attributes(method)
        return (receiver, method) if self.sets_attributes[method] else None

    def _hoisted(self, stmt):
        """`v = f(obj.method(x))` as `t = obj.method(x); v = f(t)` where the method
        sets the attributes of `obj`, an object the function makes: the call, a
        statement of its own, is then inlined.  Only where nothing else in the
        statement reads the object (which the call would change under it)."""
        if not isinstance(stmt, (gast.Assign, gast.AugAssign, gast.Expr, gast.Return)) or (
                self.reference is None):
            return None
        calls = [n for n in walk(stmt) if isinstance(n, gast.Call) and self._changing(n)]
        top = stmt.value if isinstance(stmt, (gast.Expr, gast.Assign)) else None
        calls = [c for c in calls if c is not top]
        if not calls:
            return None
        call = next(c for c in calls if not any(
            inner is not c and inner in calls for inner in walk(c)))  # the innermost
        receiver = self._changing(call)[0]
        inside = {id(n) for n in walk(call)}
        for n in walk(stmt):
            if isinstance(n, gast.Name) and n.id == receiver and id(n) not in inside and not (
                    any(n is (c.func.value if isinstance(c.func, gast.Attribute) else c.func)
                        for c in calls)):
                return None  # (read elsewhere in the statement)
        name = self.namer.fresh("result")
        replaced = clone(stmt, {id(call): load(name)})
        return self._visited([assign(name, call, like=stmt), replaced])

    def _visited(self, stmts):
        self._infer_loops(stmts)
        self.inlining += 1
        try:
            out = []
            for stmt in stmts:
                new = self.visit(stmt)
                out += new if isinstance(new, list) else [new]
            return out
        finally:
            self.inlining -= 1

    def _body(self, function, args, keywords, target):
        """`function`'s body called with `args` and `keywords` (normalize/inline.py),
        where it is a function of this module; else None."""
        if getattr(function, "__globals__", None) is not self.source.function.__globals__:
            return None
        return inlined(function, args, keywords, target, self.namer)

    # -- functions handed to functions: `rk4_step(rhs, t, y, h)`, `trapezoid(lambda ...)`

    def _higher_order(self, stmt):
        """`v = g(f, x)` (or `return g(f, x)`, or `g(f, x)`), where `g` is a function of
        the module and `f` a function: a module's, a lambda written there, or a name
        bound to one.  `g`'s body, inlined with `f` in its place, calls `f` where it
        is known."""
        if self.reference is None or self.inlining > 8 or not isinstance(
                stmt, (gast.Assign, gast.Expr, gast.Return)):
            return None
        call = stmt.value
        function = self._handed_to(call) if isinstance(call, gast.Call) else None
        if function is None:
            return self._hoisted_handing(stmt)
        target = None
        if isinstance(stmt, gast.Assign):
            if not (len(stmt.targets) == 1 and isinstance(stmt.targets[0], gast.Name)):
                return None
            target = stmt.targets[0].id
        elif isinstance(stmt, gast.Return):
            target = self.namer.fresh("result")
        body = self._body(function, call.args, call.keywords, target)
        if body is None:
            return None
        if isinstance(stmt, gast.Return):
            body.append(located(gast.Return(value=load(target)), stmt))
        return self._visited(body)

    def _handed_to(self, call):
        """The user's function `call` calls, where it hands it a function; else None."""
        function = meaning(call.func, self.source.namespace) if not (
            isinstance(call.func, gast.Name) and call.func.id in self.variables) else None
        if is_user_function(function) and any(
                self._is_function(a) for a in call.args + [k.value for k in call.keywords]):
            return function
        return None

    def _hoisted_handing(self, stmt):
        """`v = g(f, x) + 1.0`: the call, first in the order Python evaluates, as a
        statement of its own before (`result = g(f, x)`), where nothing may skip it."""
        if stmt.value is None:  # (`return`)
            return None
        found = _first_call(stmt.value, lambda call: self._handed_to(call) is not None)
        if found is None:
            return None
        name = self.namer.fresh("result")
        replaced = clone(stmt, {id(found): load(name)})
        return self._visited([assign(name, found, like=stmt), replaced])

    def _is_function(self, node):
        """Whether `node` is a function: a lambda, a name bound to one in the function,
        or a module-level function."""
        if isinstance(node, gast.Lambda):
            return True
        if not isinstance(node, (gast.Name, gast.Attribute)):
            return False
        if isinstance(node, gast.Name) and node.id in self.lambdas:
            return True
        if isinstance(node, gast.Name) and node.id in self.variables:
            return False  # (a variable of the function)
        function = meaning(node, self.source.namespace)
        return callable(function) and not isinstance(function, type)

    def _dispatched(self, stmt):
        """A simple statement that calls a method of an object of one of several
        classes, as one branch per class: `if type(layer) is Dense: ... elif ...`,
        after the check that it is one of them."""
        if not isinstance(stmt, (gast.Assign, gast.AugAssign, gast.Expr, gast.Return)):
            return None
        names = {n.id for n in walk(stmt) if isinstance(n, gast.Call)
                 for n in [n.func.value if isinstance(n.func, gast.Attribute) else n.func]
                 if isinstance(n, gast.Name) and n.id in self.ambiguous}
        if len(names) != 1:
            return None
        name = names.pop()
        classes, _ = self.ambiguous.pop(name)
        namings = [self._naming(cls) for cls in classes]
        branches = []
        for cls, naming in zip(classes, namings):
            self.known[name] = (cls, naming)
            branches.append(self.visit(clone(stmt)))
        del self.known[name]
        self.ambiguous[name] = (classes, _)
        chain = branches[-1]
        for naming, branch in zip(reversed(namings[:-1]), reversed(branches[:-1])):
            test = gast.Compare(
                left=gast.Call(func=load("type"), args=[load(name)], keywords=[]),
                ops=[gast.Is()], comparators=[clone(naming)])
            chain = gast.If(test=test, body=[branch], orelse=[chain])
        check = gast.Call(func=self.require_class(), args=[load(name)] + [
            clone(n) for n in namings], keywords=[])
        return [located(gast.Expr(value=check), stmt), located(chain, stmt)]

    def visit_Call(self, node):
        self.generic_visit(node)
        func = node.func
        if isinstance(func, gast.Attribute):
            if _is_super(func.value) and self.self_name is not None:
                owner, _ = self.known[self.self_name]
                for base in owner.__mro__[1:]:
                    if func.attr in vars(base) and is_user_function(vars(base)[func.attr]):
                        naming = self._naming(base)
                        if naming is not None:
                            node.func = gast.Attribute(value=naming, attr=func.attr,
                                                       ctx=gast.Load())
                            node.args = [load(self.self_name)] + node.args
                        break
                return node
            if isinstance(func.value, gast.Name) and func.value.id in self.ambiguous:
                self._refuse_ambiguous(func.value, func.value.id)
            found = self._peek(func.value)
            method = inspect.getattr_static(found[0], func.attr, None) if found else None
            if method is None and found is not None:  # `self.layer(x)`: a field called
                return self._called(node)
            found = self._class_of(func.value) if found is not None else None
            if found is not None:
                cls, naming = found
                if isinstance(method, staticmethod) and is_user_function(method.__func__):
                    node.func = gast.Attribute(value=clone(naming), attr=func.attr,
                                               ctx=gast.Load())
                elif is_user_function(method):
                    self._check_self(func.value, cls, func.attr, naming)
                    node.func = gast.Attribute(value=clone(naming), attr=func.attr,
                                               ctx=gast.Load())
                    node.args = [clone(func.value)] + node.args
            return node
        return self._called(node)

    def _called(self, node):
        """`obj(args)`: the class's `__call__`."""
        func = node.func
        if isinstance(func, gast.Name) and func.id in self.ambiguous:
            self._refuse_ambiguous(func, func.id)
        found = self._class_of(func)
        if found is not None:
            cls, naming = found
            if is_user_function(inspect.getattr_static(cls, "__call__", None)):
                node.args = [clone(func)] + node.args
                node.func = gast.Attribute(value=clone(naming), attr="__call__", ctx=gast.Load())
        return node

    def _check_self(self, receiver, cls, attr, naming):
        """`self.method()`, where a subclass has its own `method`: the class of `self`
        is checked (the derivative is that of `cls`'s method)."""
        if (self.require_class is not None and isinstance(receiver, gast.Name)
                and receiver.id == self.self_name and _overridden(cls, attr)):
            self._check(receiver, (cls, naming))

    def visit_Attribute(self, node):
        self.generic_visit(node)
        if not isinstance(node.ctx, gast.Load):
            return node
        known = self._peek(node.value)
        if known is None:
            return node
        cls, naming = known
        prop = inspect.getattr_static(cls, node.attr, None)
        if isinstance(prop, property) and is_user_function(prop.fget):
            self._class_of(node.value)  # (its check)
            getter = gast.Attribute(value=gast.Attribute(value=clone(naming), attr=node.attr,
                                                         ctx=gast.Load()),
                                    attr="fget", ctx=gast.Load())
            return gast.Call(func=getter, args=[clone(node.value)], keywords=[])
        return node

    def _peek(self, node):
        """The class of `node` where known, without asking for a check."""
        checks, self.statement = self.statement, None
        try:
            return self._class_of(node)
        finally:
            self.statement = checks

    # -- objects the function is given and changes

    def _changed_parameters(self, fn, bound):
        """The parameters holding objects whose attributes the function sets, itself
        or through a method it calls on them (and never rebinds)."""
        changed = []
        for arg in fn.args.args:
            name = arg.id
            if bound.get(name, 0):
                continue
            found = self.known.get(name) or self.inferred.get(name)
            for node in walk(fn):
                if isinstance(node, gast.Attribute) and isinstance(node.ctx, gast.Store) and (
                        isinstance(node.value, gast.Name) and node.value.id == name):
                    changed.append(name)
                    break
                if found is None or not isinstance(node, gast.Call):
                    continue
                func = node.func
                method = (func.attr if isinstance(func, gast.Attribute) and isinstance(
                    func.value, gast.Name) and func.value.id == name else "__call__"
                    if isinstance(func, gast.Name) and func.id == name else None)
                if method and _sets_attributes(inspect.getattr_static(found[0], method, None)):
                    changed.append(name)
                    break
        return changed

    def copy_changed_parameters(self, fn):
        """`model_copy = copy_object(model)` first, the function on the copy, and
        `update_object(model, model_copy)` before it returns: the caller's object
        ends as the function leaves it, and the reverse sweep, which puts the copy's
        attributes back as they were, changes only the copy."""
        if not self.changed:
            return
        copies = {name: self.namer.fresh(f"{name}_copy") for name in self.changed}
        for node in walk(gast.Module(body=fn.body, type_ignores=[])):
            if isinstance(node, gast.Name) and node.id in copies:
                node.id = copies[node.id]

        def updated(stmts):
            out = []
            for stmt in stmts:
                for field in ("body", "orelse", "finalbody"):
                    if isinstance(getattr(stmt, field, None), list):
                        setattr(stmt, field, updated(getattr(stmt, field)))
                for handler in getattr(stmt, "handlers", []):
                    handler.body = updated(handler.body)
                if isinstance(stmt, gast.Return):
                    if not isinstance(stmt.value, (gast.Name, gast.Constant)):
                        result = self.namer.fresh("result")  # (computed before the write-back)
                        out.append(assign(result, stmt.value, like=stmt))
                        stmt.value = load(result)
                    out += [located(gast.Expr(value=gast.Call(
                        func=self.reference(update_object), args=[load(p), load(c)],
                        keywords=[])), stmt) for p, c in copies.items()]
                out.append(stmt)
            return out

        fn.body = [assign(c, gast.Call(func=self.reference(copy_object), args=[load(p)],
                                       keywords=[]), like=fn)
                   for p, c in copies.items()] + updated(fn.body)

    def insert_checks(self, fn):
        """`require_class(obj, Class)` before each statement that relies on an
        inferred class."""
        if not self.checks:
            return
        for node in walk(fn):
            for field in ("body", "orelse", "finalbody"):
                stmts = getattr(node, field, None)
                if not isinstance(stmts, list) or not stmts or not isinstance(stmts[0], gast.stmt):
                    continue
                out = []
                for stmt in stmts:
                    for receiver, naming in self.checks.pop(id(stmt), {}).values():
                        call = gast.Call(func=self.require_class(),
                                         args=[clone(receiver), clone(naming)], keywords=[])
                        out.append(located(gast.Expr(value=call), stmt))
                    out.append(stmt)
                setattr(node, field, out)


def _is_super(node):
    return (isinstance(node, gast.Call) and isinstance(node.func, gast.Name)
            and node.func.id == "super" and not node.args)
