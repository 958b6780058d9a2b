"""What operation a core-language expression performs, and on which operands.

Every pass that needs to know "which derivative rule applies here" asks this module,
so operators, functions, methods and attributes are looked up one way.
"""

import functools
import operator
from dataclasses import dataclass, field

import gast
import numpy

from .callees import is_user_function, specialized, takes_star
from .syntax import clone, dotted, walk

BINARY = {
    gast.Add: operator.add,
    gast.Sub: operator.sub,
    gast.Mult: operator.mul,
    gast.Div: operator.truediv,
    gast.FloorDiv: operator.floordiv,
    gast.Mod: operator.mod,
    gast.Pow: operator.pow,
    gast.MatMult: operator.matmul,
    gast.LShift: operator.lshift,
    gast.RShift: operator.rshift,
    gast.BitAnd: operator.and_,
    gast.BitOr: operator.or_,
    gast.BitXor: operator.xor,
}
UNARY = {
    gast.USub: operator.neg,
    gast.UAdd: operator.pos,
    gast.Not: operator.not_,
    gast.Invert: operator.invert,
}
SYMBOLS = {
    gast.Add: "+", gast.Sub: "-", gast.Mult: "*", gast.Div: "/", gast.FloorDiv: "//",
    gast.Mod: "%", gast.Pow: "**", gast.MatMult: "@", gast.USub: "unary -",
    gast.UAdd: "unary +",
}


@dataclass
class Operation:
    """`kind` is one of
    - "constant": no operands;
    - "copy": `args[0]` itself;
    - "apply": the rule registered for `key` applies to `args`/`keywords`;
    - "nondifferentiable": comparisons, `not`, f-strings: the value carries no derivative;
    - "boolean": `and`/`or`, whose value is one of its operands (not differentiable);
    - "container": a tuple, list or dict display of operands;
    - "unresolved": a call whose function could not be resolved statically, or an
      operation s2s cannot follow (`why` says which), refused where it needs a derivative.
    """

    kind: str
    node: gast.AST
    key: object = None
    args: list = field(default_factory=list)
    keywords: dict = field(default_factory=dict)
    label: str = ""
    why: str = ""

    def refusal(self):
        """What an "unresolved" operation does that s2s cannot differentiate."""
        return self.why or f"calling {self.label}, which cannot be resolved statically,"


# array modules whose functions follow NumPy's: their rules are NumPy's
ARRAY_MODULES = ("cupy", "dask.array")


class Operations:
    """Classifies expressions of one function; `local_names` are its variables, and
    `namespaces` those among them that hold an array module (`xp =
    s2s.array_namespace(x)`), read as NumPy."""

    def __init__(self, namespace, local_names, generated_names=lambda name: None, namespaces=()):
        self.namespace = namespace
        self.local_names = set(local_names) - set(namespaces)
        self.namespaces = set(namespaces)
        self.generated_names = generated_names  # what the generated module binds

    def resolve(self, node):
        """The object a module-level name or attribute chain refers to, or None.
        CuPy, Dask and `xp` namespaces resolve as NumPy, whose rules they share."""
        if isinstance(node, gast.Name):
            if node.id in self.namespaces:
                return numpy
            if node.id in self.local_names:
                return None
            generated = self.generated_names(node.id)
            found = generated if generated is not None else self.namespace.lookup(node.id, None)
            if getattr(found, "__name__", None) in ARRAY_MODULES:
                return numpy
            return found
        if isinstance(node, gast.Attribute):
            base = self.resolve(node.value)
            return getattr(base, node.attr, None) if base is not None else None
        return None

    def is_local(self, node):
        """A value of the function (a local name or a constant), not a module."""
        if isinstance(node, gast.Name):
            return node.id in self.local_names
        return isinstance(node, gast.Constant)

    def classify(self, node):
        if isinstance(node, gast.Constant):
            return Operation("constant", node)
        if isinstance(node, gast.Name):
            if node.id in self.local_names:
                return Operation("copy", node, args=[node])
            return Operation("constant", node)
        if isinstance(node, gast.BinOp):
            key = BINARY[type(node.op)]
            return Operation(
                "apply", node, key, [node.left, node.right], label=SYMBOLS.get(type(node.op))
            )
        if isinstance(node, gast.UnaryOp):
            if isinstance(node.op, (gast.USub, gast.UAdd)):
                key = UNARY[type(node.op)]
                return Operation("apply", node, key, [node.operand], label=SYMBOLS[type(node.op)])
            return Operation("nondifferentiable", node)
        if isinstance(node, (gast.Compare, gast.JoinedStr)):
            return Operation("nondifferentiable", node)
        if isinstance(node, gast.BoolOp):
            return Operation("boolean", node, args=list(node.values))
        if isinstance(node, (gast.Tuple, gast.List)):
            return Operation("container", node, args=list(node.elts))
        if isinstance(node, gast.Dict):
            return Operation("container", node, args=list(node.values))
        if isinstance(node, gast.Subscript) and not self.is_local(node.value):
            return self.object_indexed(node)
        if isinstance(node, gast.Subscript):
            return Operation(
                "apply", node, operator.getitem, [node.value, node.slice], label="indexing"
            )
        if isinstance(node, gast.Attribute):
            if not self.is_local(node.value):
                return Operation("constant", node)  # `np.pi`: a module's attribute
            if not hasattr(numpy.ndarray, node.attr):  # a field: `params.w`
                field = gast.Constant(value=node.attr, kind=None)
                return Operation("apply", node, getattr, [node.value, field], label=f".{node.attr}")
            return Operation(
                "apply", node, _array_attribute(node.attr), [node.value], label=f".{node.attr}"
            )
        if isinstance(node, gast.Call):
            return self.call(node)
        raise AssertionError(f"not core language: {gast.dump(node)}")

    def object_indexed(self, node):
        """`np.r_[a, b]`: indexing a module-level object that computes its value from the
        index (np.r_, np.c_, np.s_, ...), an operation whose rules are the object's, on
        the index's items; a module-level array, list or dict is read as it is."""
        obj = self.resolve(node.value)
        label = f"{dotted(node.value) or 'this object'}[...]"
        if isinstance(obj, (numpy.ndarray, list, tuple, dict, str, bytes, range)):
            return Operation("apply", node, operator.getitem, [node.value, node.slice],
                             label="indexing")
        items = node.slice.elts if isinstance(node.slice, gast.Tuple) else [node.slice]
        if obj is None:
            return Operation("unresolved", node, args=items, label=label)
        if any(isinstance(i, gast.Slice) or (isinstance(i, gast.Constant) and isinstance(
                i.value, str)) for i in items):
            return Operation("unresolved", node, args=items, label=label,
                             why=f"{label} with slices or strings in the index")
        return Operation("apply", node, obj, items, label=label)

    def call(self, node):
        keywords = {k.arg: k.value for k in node.keywords}
        func = node.func
        if isinstance(func, gast.Attribute) and self.is_local(func.value) and \
                func.attr == "keys" and not node.args and not hasattr(numpy.ndarray, "keys"):
            return Operation("nondifferentiable", node)  # a dict's keys: no derivative
        if isinstance(func, gast.Attribute) and self.is_local(func.value):
            # a method of a local value: `x.sum()`, as the array method
            return Operation(
                "apply", node, _array_attribute(func.attr), [func.value] + node.args,
                keywords, label=f".{func.attr}()",
            )
        obj = self.resolve(func)
        label = dotted(func) or "this call"
        if obj is None:
            return Operation("unresolved", node, args=node.args, keywords=keywords, label=label)
        if isinstance(obj, functools.partial) and is_user_function(obj.func):
            return self.partial_call(node, obj, keywords, label)
        if is_user_function(obj) and takes_star(obj):
            # `total(a, b)` of `def total(*xs)`: the function as this call calls it
            obj = specialized(obj, len(node.args), keywords)
        return Operation("apply", node, obj, list(node.args), keywords, label=label)

    def partial_call(self, node, obj, keywords, label):
        """`scaled(x)` of a module-level `scaled = functools.partial(f, a, k=v)`: the
        call `f(scaled.args[0], x, k=scaled.keywords["k"])`, reading what the partial
        holds where it is, so that the generated call passes the same objects."""
        items = [gast.Subscript(value=gast.Attribute(value=clone(node.func), attr="args",
                                                     ctx=gast.Load()),
                                slice=gast.Constant(value=i, kind=None), ctx=gast.Load())
                 for i in range(len(obj.args))]
        bound = {k: gast.Subscript(value=gast.Attribute(value=clone(node.func), attr="keywords",
                                                        ctx=gast.Load()),
                                   slice=gast.Constant(value=k, kind=None), ctx=gast.Load())
                 for k in obj.keywords if k not in keywords}
        keywords = {**bound, **keywords}
        call = gast.Call(func=clone(node.func), args=items + list(node.args),
                         keywords=[gast.keyword(arg=k, value=v) for k, v in keywords.items()])
        for part in walk(call):
            gast.copy_location(part, node)
        function = obj.func
        if takes_star(function):
            function = specialized(function, len(call.args), keywords)
        return Operation("apply", call, function, list(call.args), keywords, label=label)


def _array_attribute(name):
    """`numpy.ndarray.<name>`, the key array attributes and methods are registered by."""
    return getattr(numpy.ndarray, name, ("attribute", name))
