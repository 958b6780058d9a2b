"""Which rule gives an operation's derivative, in either mode, or why none can.

In: one operation of the user's function (operations.py) and the mode.  Out: a
`Rule`: no derivative flows, a copy, a container display, a template (templating.py),
or a call of a function differentiated from its source (the user's; in forward
mode a runtime helper's too); or the located error that says why s2s cannot
differentiate it, in the same words in both modes.
"""

import types
from dataclasses import dataclass

import gast

from .callees import is_installed, is_runtime_helper, is_user_function
from .errors import Unsupported, error_at
from .records import record_rule
from .templating import (
    Template, adjoint_template, is_nondifferentiable, refusal, tangent_template,
)

MODES = {  # mode -> (where its rules are, the decorator that registers one)
    "reverse": (adjoint_template, "@s2s.adjoint", "no derivative rule"),
    "forward": (tangent_template, "@s2s.tangent", "no forward-mode rule"),
}


@dataclass
class Rule:
    kind: str  # "none", "copy", "container", "template" or "call"
    template: Template = None


def rule_for(operation, mode, source, calls=True, active=None):
    """The rule of `operation` in `mode` ("reverse" or "forward").  `calls`: whether
    functions differentiated from their source can be called here; `active`: the
    names that carry a derivative (an operation of none of them carries none, whatever
    it is: `np.float64(2.0)`)."""
    kind, node = operation.kind, operation.node
    if kind in ("constant", "nondifferentiable"):
        return Rule("none")
    if kind in ("copy", "container"):
        return Rule(kind)
    if kind == "boolean":
        raise _unsupported(node, "'and'/'or' on values that need a derivative", source)
    if kind == "unresolved":
        raise _unsupported(node, operation.refusal(), source)
    key = operation.key
    if is_nondifferentiable(key) or (active is not None and not _operands(operation) & active):
        return Rule("none")
    find, decorator, missing = MODES[mode]
    template = find(key)
    if template is not None:
        return Rule("template", template)
    if refusal(key) is not None:
        raise _unsupported(node, f"differentiating {operation.label} ({refusal(key)})", source)
    if calls and (is_user_function(key) or (mode == "forward" and is_runtime_helper(key))):
        return Rule("call")
    if isinstance(key, tuple):  # ("attribute", name)
        raise _unsupported(node, f"calling {operation.label}, a method that is not a NumPy "
                           "array's, on an object whose class is not known where the "
                           "function is read (annotate the parameter with its class, or use "
                           "the Python API, which reads it from the arguments),", source)
    if isinstance(key, type):
        made = record_rule(key, tuple(operation.keywords))
        if made is not None:  # a dataclass, NamedTuple or SimpleNamespace
            return Rule("template", made[0 if mode == "reverse" else 1])
        raise _unsupported(node, f"making a {operation.label} object from values that need "
                           "derivatives", source)
    raise error_at(node, f"{missing} for {operation.label}{_library(key)} (write one with "
                   f"{decorator} in a file given to --templates{_following(key)})", source,
                   Unsupported)


def _library(key):
    """`, a function of the installed library L` for a library's function."""
    module = (getattr(key, "__module__", None) or "").split(".")[0]
    if not module or module == "builtins" or (
            isinstance(key, types.FunctionType) and not is_installed(key)):
        return ""
    return f", a function of the installed library {module}"


def _following(key):
    """How to have a library's Python function differentiated from its source."""
    if isinstance(key, types.FunctionType) and is_installed(key):
        return (", or differentiate its source with --follow "
                f"{key.__module__}.{key.__qualname__}")
    return ""


def _operands(operation):
    """The names an operation reads its arguments from (in displays too)."""
    names = set()
    for node in operation.args + list(operation.keywords.values()):
        for part in node.elts if isinstance(node, (gast.Tuple, gast.List)) else [node]:
            if isinstance(part, gast.Starred):
                part = part.value
            if isinstance(part, gast.Name):
                names.add(part.id)
    return names


def _unsupported(node, what, source):
    return error_at(node, f"{what} is not supported yet", source, Unsupported)
