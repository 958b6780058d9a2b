"""Methods of the user's classes: `obj.method(args)`, where the class of `obj` is known
when the function is read, becomes `Class.method(obj, args)`, a call of the user's
function, which s2s differentiates as any other.  Likewise `obj(args)` (the class's
`__call__`), `obj.prop` (a property's getter, `Class.prop.fget(obj)`), a static
method, and `super().method(args)` in a method.

The class is known for an object made where it is used (`Spring(k).energy(x)`), for
a name the function binds once to a call of a class (`s = Spring(k)`, or `a, b =
A(w), B(w)`), and for `self` in a method s2s differentiates (the class that defines
it).  The method of an object whose class is not known this way stays a call s2s
refuses, naming the method.

In: the parsed function (gast) and its source (what its names mean, and which class it
is a method of).  Out: the same function with those calls and reads rewritten.
"""

import inspect

import gast

from ..callees import is_user_function
from ..syntax import clone, load, walk


def rewrite_methods(fn, source):
    return _Methods(_known_classes(fn, source), source).visit(fn)


def _resolve(node, source):
    if isinstance(node, gast.Name):
        return source.namespace.lookup(node.id, None)
    if isinstance(node, gast.Attribute):
        base = _resolve(node.value, source)
        return getattr(base, node.attr, None) if base is not None else None
    return None


def _known_classes(fn, source):
    """{name: (the class, an expression naming it)} for the names bound once, to a call
    of a class, and `self` in a method (the methods rewritten are the user's own)."""
    bound = {}
    for node in walk(fn):
        if isinstance(node, gast.Name) and isinstance(node.ctx, gast.Store):
            bound[node.id] = bound.get(node.id, 0) + 1
    params = [a.id for a in fn.args.args]
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
            cls = _resolve(made.func, source)
            if bound.get(name.id) == 1 and name.id not in params and isinstance(cls, type):
                known[name.id] = (cls, made.func)
    owner = _owner(source)
    if owner is not None and params and bound.get(params[0], 0) == 0:
        known[params[0]] = owner
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


class _Methods(gast.NodeTransformer):
    def __init__(self, known, source):
        self.known = known
        self.source = source

    def _class_of(self, node):
        """(the class of the object `node` is, an expression naming it), or None."""
        if isinstance(node, gast.Name) and node.id in self.known:
            return self.known[node.id]
        if isinstance(node, gast.Call):  # `Spring(k).energy(x)`: made where it is used
            cls = _resolve(node.func, self.source)
            if isinstance(cls, type):
                return cls, node.func
        return None

    def visit_Call(self, node):
        self.generic_visit(node)
        func = node.func
        if isinstance(func, gast.Attribute):
            if _is_super(func.value) and self._self() is not None:
                owner, _ = self.known[self._self()]
                for base in owner.__mro__[1:]:
                    if func.attr in vars(base) and is_user_function(vars(base)[func.attr]):
                        naming = self._naming(base)
                        if naming is not None:
                            node.func = gast.Attribute(value=naming, attr=func.attr,
                                                       ctx=gast.Load())
                            node.args = [load(self._self())] + node.args
                        break
                return node
            found = self._class_of(func.value)
            if found is not None:
                cls, naming = found
                method = inspect.getattr_static(cls, func.attr, None)
                if isinstance(method, staticmethod) and is_user_function(method.__func__):
                    node.func = gast.Attribute(value=clone(naming), attr=func.attr,
                                               ctx=gast.Load())
                elif is_user_function(method):
                    node.func = gast.Attribute(value=clone(naming), attr=func.attr,
                                               ctx=gast.Load())
                    node.args = [clone(func.value)] + node.args
            return node
        found = self._class_of(func)
        if found is not None:
            cls, naming = found
            if is_user_function(inspect.getattr_static(cls, "__call__", None)):
                node.args = [clone(func)] + node.args
                node.func = gast.Attribute(value=clone(naming), attr="__call__", ctx=gast.Load())
        return node

    def visit_Attribute(self, node):
        self.generic_visit(node)
        if not isinstance(node.ctx, gast.Load):
            return node
        found = self._class_of(node.value)
        if found is None:
            return node
        cls, naming = found
        prop = inspect.getattr_static(cls, node.attr, None)
        if isinstance(prop, property) and is_user_function(prop.fget):
            getter = gast.Attribute(value=gast.Attribute(value=clone(naming), attr=node.attr,
                                                         ctx=gast.Load()),
                                    attr="fget", ctx=gast.Load())
            return gast.Call(func=getter, args=[clone(node.value)], keywords=[])
        return node

    def _self(self):
        owner = _owner(self.source)
        if owner is None:
            return None
        for name, (cls, _) in self.known.items():
            if cls is owner[0]:
                return name
        return None

    def _naming(self, cls):
        """A module-level name for `cls`, where the function's module has one."""
        if self.source.function.__globals__.get(cls.__name__) is cls:
            return load(cls.__name__)
        return None


def _is_super(node):
    return (isinstance(node, gast.Call) and isinstance(node.func, gast.Name)
            and node.func.id == "super" and not node.args)
