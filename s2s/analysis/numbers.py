"""Numbers: which parameters a version of the derivative made for numbers takes as
numbers, where their annotations do not say.

In: a function as parsed (before normalization).  Out: its unannotated parameters
that may hold numbers, in order, each with the annotation it gets, or none where
such a version would not pay.

A gradient of code that does not say its parameters are numbers undoes broadcasting
against each operand (`unbroadcast`, and `shape_of` on the tape): in a loop on
numbers that is most of its time (7-11x a hand-written gradient of the unannotated
pendulum).  The compiler then also makes the derivative as if these parameters were
annotated `float`, and the general one runs it where they hold numbers
(`are_numbers`).  It pays only in loops; and a parameter that the function indexes,
takes an attribute or the length of, iterates over, or multiplies as a matrix is an
array (or an object), whatever its value.
"""

import numbers

import gast

from ..syntax import walk


def number_parameters(fn):
    """{parameter: "float", or "int" where its default is an int} for the unannotated
    parameters of `fn` (a `FunctionDef`) that may hold numbers, in order, where `fn`
    has a loop; else {}."""
    if not any(isinstance(node, (gast.For, gast.While)) for node in walk(fn)):
        return {}
    args = fn.args
    positional = args.posonlyargs + args.args
    defaults = dict(zip([a.id for a in positional][len(positional) - len(args.defaults):],
                        args.defaults))
    defaults.update({a.id: d for a, d in zip(args.kwonlyargs, args.kw_defaults) if d})
    candidates = [
        a.id for a in positional + args.kwonlyargs
        if a.annotation is None and (a.id not in defaults or _is_number(defaults[a.id]))
    ]
    not_numbers = _used_as_arrays(fn)
    return {name: _kind(defaults.get(name)) for name in candidates if name not in not_numbers}


def _kind(default):
    if isinstance(default, gast.UnaryOp):
        default = default.operand
    if isinstance(default, gast.Constant) and type(default.value) is int:
        return "int"
    return "float"


def _is_number(node):
    if isinstance(node, gast.UnaryOp) and isinstance(node.op, (gast.USub, gast.UAdd)):
        node = node.operand
    return (isinstance(node, gast.Constant) and isinstance(node.value, numbers.Real)
            and not isinstance(node.value, bool))


def _used_as_arrays(fn):
    """The names `fn` indexes, takes an attribute or the length of, iterates over,
    unpacks or multiplies as matrices.  (A parameter it reassigns may still be a
    number: versions tell its values apart, as for an annotated one.)"""
    found = set()
    for node in walk(fn):
        if isinstance(node, (gast.Subscript, gast.Attribute, gast.Starred)):
            found |= _name(node.value)
        elif isinstance(node, gast.For):
            found |= _name(node.iter)
        elif isinstance(node, gast.BinOp) and isinstance(node.op, gast.MatMult):
            found |= _name(node.left) | _name(node.right)
        elif (isinstance(node, gast.Call) and isinstance(node.func, gast.Name)
                and node.func.id == "len" and node.args):
            found |= _name(node.args[0])
    return found


def _name(node):
    return {node.id} if isinstance(node, gast.Name) else set()
