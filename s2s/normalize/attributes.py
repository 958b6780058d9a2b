"""Attribute writes into objects the function makes: `obj.a = v` and `obj.a += v`,
where `obj` is a name the function binds to an object it makes (a call of a class, or
an object whose `__init__` normalize/methods.py inlined), become item writes with a
field key, `obj[field "a"] = v` and `obj[field "a"] = obj.a + v`.  s2s then
differentiates them as writes into a dict it made: the old value is saved and put
back in reverse, and the object's adjoint holds one adjoint per field, by name.  The
key is emitted as an attribute again (emit.py), `obj.a = v`.

(A parameter's object that the function changes is a copy by then, `model_copy =
copy_object(model)`: normalize/methods.py.)  An attribute write into anything else
(an object read from a list or an attribute, or given to a function s2s
differentiates where another calls it) stays, and the subset check refuses it: the
caller would see the object change, and the reverse sweep would change it back.

In: a function (gast), after normalize/methods.py.  Out: the same function with those
writes rewritten.
"""

import gast

from ..runtime import copy_object, new_object
from ..syntax import bound_counts, clone, field_key, walk


def makes_object(function):
    """Whether calling `function` makes a new object of the user's whose attributes
    the function may set: a class of theirs, `new_object` or `copy_object`."""
    return function is new_object or function is copy_object or (
        isinstance(function, type) and function.__module__.split(".")[0] not in (
            "builtins", "numpy", "s2s"))


def rewrite_attribute_writes(fn, made):
    """`made`: does a node (a call) make a new object of the user's?"""
    params = {a.id for a in fn.args.args + fn.args.kwonlyargs + fn.args.posonlyargs}
    bound, objects = bound_counts(fn), set()
    for node in walk(fn):
        if (isinstance(node, gast.Assign) and len(node.targets) == 1
                and isinstance(node.targets[0], gast.Name) and made(node.value)):
            objects.add(node.targets[0].id)
    objects = {name for name in objects if bound[name] == 1 and name not in params}
    return _Writes(objects).visit(fn)


class _Writes(gast.NodeTransformer):
    def __init__(self, objects):
        self.objects = objects

    def _field(self, target):
        if (isinstance(target, gast.Attribute) and isinstance(target.value, gast.Name)
                and target.value.id in self.objects):
            return gast.Subscript(value=target.value, slice=field_key(target.attr),
                                  ctx=gast.Store())
        return None

    def visit_Assign(self, node):
        if len(node.targets) == 1:
            field = self._field(node.targets[0])
            if field is not None:
                node.targets = [gast.copy_location(field, node.targets[0])]
        return node

    def visit_AugAssign(self, node):
        field = self._field(node.target)
        if field is None:
            return node
        read = gast.Attribute(value=clone(node.target.value), attr=node.target.attr,
                              ctx=gast.Load())
        value = gast.BinOp(left=gast.copy_location(read, node.target), op=node.op,
                           right=node.value)
        return gast.copy_location(gast.Assign(
            targets=[gast.copy_location(field, node.target)],
            value=gast.copy_location(value, node), type_comment=None), node)
