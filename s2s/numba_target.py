"""The numba target: a generated gradient as a function numba compiles, and the Python
function that checks its arguments, runs it and gives its results their types.

In: the gradient function (gast, optimized), made with a stack of its own for each
value it keeps (tape.py's `per_site`), and the public signature.  Out: the function
numba compiles, `value_and_grad_fn_compiled`, and the public `value_and_grad_fn` that
calls it.  Between them:
- each stack is made first, `tape_3 = []`: numba types a list by what is appended to
  it, and a stack of numbers is a list numba keeps as an array that it grows;
- `for i in reversed(range(a, b))` becomes `for i in range(b - 1, a - 1, -1)`;
- `np.zeros_like(a, shape=s)` becomes `np.zeros(s, a.dtype)`;
- the number checks (`require_scalars`), the conversion of lists of numbers to arrays
  and the casts of the gradients to their parameters' types (`cast_like`) run in
  Python, in the public function;
- everything else is the NumPy target's code: its runtime helpers have numba versions
  (runtime/compiled.py).
What numba cannot compile (objects, dicts, calls of the user's functions, `with`,
`try`, NumPy functions numba lacks) is refused here, at the user's line.
"""

import builtins
import math
import re

import gast
import numpy

from . import runtime
from .callees import is_user_function
from .errors import Unsupported, error_at
from .markup import is_comment
from .numba_stacks import array_stacks, shape_stacks
from .syntax import appended, clone, load, popped, store, walk

# what numba compiles of Python, math and NumPy (numba's documentation, "Supported
# Python features" and "Supported NumPy features"), as the generated code calls it
_BUILTINS = {getattr(builtins, n) for n in (
    "range", "len", "abs", "min", "max", "float", "int", "bool", "round", "sum", "list",
    "print", "divmod", "pow",
)}
_MATH = {getattr(math, n) for n in (
    "acos", "acosh", "asin", "asinh", "atan", "atan2", "atanh", "ceil", "copysign", "cos",
    "cosh", "degrees", "erf", "erfc", "exp", "expm1", "fabs", "floor", "gamma", "hypot",
    "isfinite", "isinf", "isnan", "lgamma", "log", "log10", "log1p", "log2", "pow",
    "radians", "sin", "sinh", "sqrt", "tan", "tanh", "trunc",
)}
_NUMPY = {getattr(numpy, n) for n in (
    "sin", "cos", "tan", "arcsin", "arccos", "arctan", "arctan2", "sinh", "cosh", "tanh",
    "arcsinh", "arccosh", "arctanh", "exp", "exp2", "expm1", "log", "log2", "log10",
    "log1p", "sqrt", "cbrt", "square", "power", "abs", "absolute", "fabs", "sign",
    "negative", "reciprocal", "maximum", "minimum", "fmax", "fmin", "floor", "ceil",
    "trunc", "rint", "hypot", "where", "clip", "sum", "prod", "mean", "var", "std",
    "min", "max", "amin", "amax", "argmin", "argmax", "dot", "vdot", "outer", "zeros",
    "ones", "empty", "full", "zeros_like", "ones_like", "empty_like", "full_like", "copy",
    "arange", "linspace", "concatenate", "stack", "hstack", "vstack", "reshape",
    "transpose", "expand_dims", "shape", "diag", "eye", "identity", "cumsum", "cumprod",
    "diff", "sort", "argsort",
    "isnan", "isfinite", "isinf", "all", "any", "count_nonzero", "array", "asarray",
    "ascontiguousarray", "trace", "real", "imag", "conj", "add", "subtract", "multiply",
    "divide", "true_divide", "logaddexp", "float64", "float32", "int64",
) if hasattr(numpy, n)}
_HELPERS = {runtime.shape_of, runtime.unbroadcast, runtime.zeros_like, runtime.snapshot,
            runtime.writable_like, runtime.expand_reduced, runtime.indexable,
            runtime.elementwise.one_over_one_plus_exp, runtime.sum_adjoint,
            runtime.size_ratio, runtime.elementwise.abs_adjoint, runtime.matmul_lhs_adjoint,
            runtime.matmul_rhs_adjoint, runtime.balanced_eq, runtime.chosen_mask,
            runtime.add_at}
_METHODS = {"copy", "sum", "mean", "reshape", "ravel", "dot", "transpose", "astype",
            "append", "pop", "max", "min", "prod", "any", "all", "fill", "item", "cumsum",
            "flatten", "conj", "argmax", "argmin"}
# what numba reduces over the whole array only (`sum` and `argmax` take an axis there)
_WHOLE_ONLY = {getattr(numpy, n) for n in (
    "prod", "mean", "var", "std", "min", "max", "amin", "amax", "all", "any")}
_ATTRIBUTES = {"shape", "T", "size", "ndim", "dtype", "real", "imag"}
_ENTRY_CHECKS = (runtime.require_scalars, runtime.require_number_lists)
_NOT_INLINED = ("is not supported: numba compiles one function, into which s2s inlines "
                "the module's functions it calls, but not this one (it recurses, returns "
                "before its end, is of another module, or is a class); inline it by hand, "
                "or use the NumPy target")


def numba_functions(core, signature, name, wrt, imports, source):
    """(the public `value_and_grad_fn`, the function numba compiles) from `core`, the
    gradient (renamed `<name>_compiled`), for a function whose public signature is
    `signature` (gast arguments, with `d_result`)."""
    from .runtime import compiled as compiled_helpers

    objects = _Objects(imports, {n.id for n in walk(core) if isinstance(n, gast.Name)
                                 and not isinstance(n.ctx, gast.Load)})
    checks = []
    while core.body and _calls(core.body[0], _ENTRY_CHECKS, objects):
        checks.append(core.body.pop(0))
    # lists of numbers given: arrays in the compiled code, whose slices are views and
    # whose adjoints add as arrays do (a list's `+` would concatenate)
    lists = [kw.arg for c in checks if _calls(c, [runtime.require_number_lists], objects)
             for kw in c.value.keywords]
    lists += [a.id for a in core.args.posonlyargs + core.args.args + core.args.kwonlyargs
              if a.annotation is not None and _annotated_list(a.annotation) and a.id not in lists]
    casts, core.body[-1] = _returned_casts(core.body[-1], objects)
    _refuse_what_numba_lacks(core, objects, source)
    _refuse_lists_as_wholes(core, objects, source, set(lists))
    _refuse_writes_into_slices(core, source, set(lists))
    _lower(core, objects, imports)
    array_stacks(core, objects, lists, imports.reference(numpy).id,
                 imports.reference(compiled_helpers.reserved).id)
    shape_stacks(core, objects, runtime.shape_of,
                 imports.reference(compiled_helpers.typed_shapes).id,
                 imports.reference(compiled_helpers.pop_shapes).id)
    _make_stacks(core)
    params = [a.id for a in core.args.posonlyargs + core.args.args + core.args.kwonlyargs]
    params += _global_data(core, objects, compiled_helpers.is_data)
    core.args = gast.arguments(
        args=[store(p) for p in params], posonlyargs=[], vararg=None, kwonlyargs=[],
        kw_defaults=[], kwarg=None, defaults=[],
    )
    core.returns = None
    core.name = f"{name}_compiled"
    core.decorator_list = [imports.reference(compiled_helpers.compiled)]
    core.s2s_source = source  # (its lines noted as the user's)

    arrays = imports.reference(compiled_helpers.number_array)
    kept = [gast.keyword(arg="integers_kept", value=gast.Constant(value=True, kind=None))]
    args = [gast.Call(func=clone(arrays), args=[load(p)], keywords=[] if p in wrt else kept)
            if p in lists else load(p) for p in params]
    run = gast.Call(func=imports.reference(compiled_helpers.run_compiled),
                    args=[load(core.name)] + args, keywords=[])
    value, grads = imports.namer.fresh("value"), imports.namer.fresh("grads")
    body = checks + [gast.Assign(
        targets=[gast.Tuple(elts=[store(value), store(grads)], ctx=gast.Store())],
        value=run, type_comment=None,
    )]
    if casts is None:
        body.append(gast.Return(value=gast.Tuple(elts=[load(value), load(grads)],
                                                 ctx=gast.Load())))
    else:
        names = [imports.namer.fresh(f"d{p}") for p in wrt]
        if len(casts) == 1:
            body.append(gast.Assign(targets=[store(names[0])], value=load(grads),
                                    type_comment=None))
        else:
            body.append(gast.Assign(
                targets=[gast.Tuple(elts=[store(n) for n in names], ctx=gast.Store())],
                value=load(grads), type_comment=None))
        for cast, n in zip(casts, names):
            cast.args[0] = load(n)
        returned = casts[0] if len(casts) == 1 else gast.Tuple(elts=casts, ctx=gast.Load())
        body.append(gast.Return(value=gast.Tuple(elts=[load(value), returned],
                                                 ctx=gast.Load())))
    public = gast.FunctionDef(
        name=name, args=signature, body=body, decorator_list=[], returns=None,
        type_comment=None, type_params=[],
    )
    return public, core


class _Objects:
    """What the names of the generated code mean (imports.py's names)."""

    def __init__(self, imports, local):
        self.imports = imports
        self.local = local  # the function's own names

    def of(self, node):
        """The object a name or `module.attr` means, or None (a value of the code)."""
        if isinstance(node, gast.Name):
            if node.id in self.local:
                return None
            found = self.imports.object_named(node.id)
            return found if found is not None else getattr(builtins, node.id, None)
        if isinstance(node, gast.Attribute):
            base = self.of(node.value)
            if base is not None:
                return getattr(base, node.attr, None)
        return None


def _global_data(fn, objects, is_data):
    """The names of data (arrays, lists, numbers) of the module that `fn` reads.  numba
    takes a global as a constant, compiled in, and cached so across runs; passed as
    arguments, they are read at each call, as in Python."""
    found = []
    for node in walk(fn):
        if isinstance(node, gast.Name) and isinstance(node.ctx, gast.Load) \
                and node.id not in found and is_data(objects.of(node)):
            found.append(node.id)
    return found


def _calls(stmt, functions, objects):
    return (isinstance(stmt, gast.Expr) and isinstance(stmt.value, gast.Call)
            and any(objects.of(stmt.value.func) is f for f in functions))


def _returned_casts(stmt, objects):
    """(the `cast_like(...)` calls of `return (value, grads)`, or None where the
    gradients are not cast, the return statement without them)."""
    value, grads = stmt.value.elts
    items = grads.elts if isinstance(grads, gast.Tuple) else [grads]
    if not all(isinstance(i, gast.Call) and objects.of(i.func) is runtime.cast_like
               for i in items):
        return None, stmt
    bare = [clone(i.args[0]) for i in items]
    grads = bare[0] if len(bare) == 1 else gast.Tuple(elts=bare, ctx=gast.Load())
    stmt.value = gast.Tuple(elts=[value, grads], ctx=gast.Load())
    return items, stmt


def _refuse_what_numba_lacks(fn, objects, source):
    """An `Unsupported` error at the user's line for the first thing in `fn` numba does
    not compile."""
    line = [_at_line(source.first_line)]  # where the latest statement comes from

    def refuse(what, why=None):
        raise error_at(line[0], f"--target numba: {what} " + (why or (
            "is not supported by numba's nopython mode (generate the NumPy target "
            "instead)")), source, Unsupported)

    for stmt in _statements(fn.body):
        line[0] = _where(stmt, line[0])
        if is_comment(stmt):
            continue
        if isinstance(stmt, (gast.With, gast.Try, gast.AsyncWith)):
            refuse("`with` and `try`")
        messages = {id(k.value) for n in _own_nodes(stmt) if isinstance(n, gast.Call)
                    and objects.of(n.func) is runtime.require_real for k in n.keywords}
        for node in _own_nodes(stmt):
            if isinstance(node, (gast.Dict, gast.DictComp)):
                refuse("a dict")
            if isinstance(node, (gast.Set, gast.SetComp)):
                refuse("a set")
            if isinstance(node, gast.Constant) and isinstance(node.value, (str, bytes)) \
                    and id(node) not in messages:
                refuse(f"the string {node.value!r}")
            if isinstance(node, gast.Call):
                _check_call(node, objects, refuse)
            elif isinstance(node, gast.Attribute) and isinstance(node.ctx, gast.Load):
                if objects.of(node.value) is None and node.attr not in _ATTRIBUTES | _METHODS:
                    refuse(f"the attribute `.{node.attr}` (of an object)")


def _check_call(node, objects, refuse):
    func = node.func
    if any(k.arg == "keepdims" for k in node.keywords):
        refuse("`keepdims=`")
    if isinstance(func, gast.Attribute) and objects.of(func.value) is None:
        if func.attr not in _METHODS:
            refuse(f"the method `.{func.attr}()`")
        if func.attr in {f.__name__ for f in _WHOLE_ONLY} and (node.args or node.keywords):
            refuse(f"`.{func.attr}()` along an axis")
        return
    if isinstance(func, gast.Name) and func.id == "reversed":
        if not (len(node.args) == 1 and isinstance(node.args[0], gast.Call)
                and isinstance(node.args[0].func, gast.Name) and node.args[0].func.id == "range"):
            refuse("`reversed` of anything but a range")
        return
    function = objects.of(func)
    if function is None:
        name = func.id if isinstance(func, gast.Name) else "this function"
        if isinstance(func, gast.Name) and func.id.startswith(("forward_", "adjoint_")):
            callee = func.id.partition("_")[2].removesuffix("_on_numbers")
            refuse(f"a call of your function {callee}", _NOT_INLINED)
        refuse(f"a call of {name}")
    if function in _BUILTINS | _MATH | _NUMPY | _HELPERS | {runtime.require_real}:
        if function in _WHOLE_ONLY and (len(node.args) > 1 or node.keywords):
            refuse(f"`numpy.{function.__name__}` along an axis")
        if function is runtime.expand_reduced and not all(
                isinstance(a, (gast.Constant, gast.Name)) for a in node.args[2:]):
            refuse("the derivative of a reduction along several axes")
        if function is numpy.zeros_like and any(k.arg not in ("shape", "dtype")
                                                for k in node.keywords):
            refuse("np.zeros_like with other keywords than shape and dtype")
        return
    name = getattr(function, "__qualname__", None) or getattr(function, "__name__", "")
    module = getattr(function, "__module__", None) or ""
    if is_user_function(getattr(function, "primal", function)) or (
            isinstance(function, type) and module != "builtins"):
        refuse(f"a call of your {'class' if isinstance(function, type) else 'function'} "
               f"{name}", _NOT_INLINED)
    if module.startswith("s2s"):
        refuse(f"the derivative helper {name}")
    refuse(f"{module + '.' if module else ''}{name}")


def _where(stmt, last):
    """The node an error at `stmt` is located at: `stmt`, where it is the user's, or
    the line its `# d of: ... (file.py:12)` comment names, for derivative code."""
    if getattr(stmt, "lineno", None) is not None:
        return stmt
    if is_comment(stmt):
        found = re.search(r":(\d+)\)$", stmt.value.args[0].value)
        if found:
            return _at_line(int(found.group(1)))
    return last


def _at_line(line):
    node = gast.Pass()
    node.lineno = line
    return node


def _annotated_list(annotation):
    base = annotation.value if isinstance(annotation, gast.Subscript) else annotation
    return isinstance(base, gast.Name) and base.id in ("list", "List")


def _refuse_lists_as_wholes(fn, objects, source, given):
    """Lists the function makes stay lists in numba, where `+` concatenates them and a
    slice is a copy, while an adjoint list adds item by item (runtime.AdjointList): a
    list, or its adjoint, added, multiplied or updated through a slice is refused (the
    lists of numbers given, `given`, are arrays there)."""
    lists = set()
    made = {builtins.list, runtime.zeros_like, runtime.indexable, runtime.snapshot}
    grew = True
    while grew:
        grew = False
        for node in walk(fn):
            if not (isinstance(node, gast.Assign) and isinstance(node.targets[0], gast.Name)):
                continue
            value, name = node.value, node.targets[0].id
            is_list = (
                isinstance(value, gast.List)
                or isinstance(value, gast.BinOp) and _repeats(value, lists)
                or isinstance(value, gast.Name) and value.id in lists
                or isinstance(value, gast.Call) and objects.of(value.func) in made
                and bool(value.args) and (objects.of(value.func) is builtins.list or (
                    isinstance(value.args[0], gast.Name) and value.args[0].id in lists))
                or isinstance(value, gast.Call) and isinstance(value.func, gast.Attribute)
                and value.func.attr == "copy" and isinstance(value.func.value, gast.Name)
                and value.func.value.id in lists
                or isinstance(value, gast.Call) and objects.of(value.func) is runtime.writable_like
                and len(value.args) == 2 and isinstance(value.args[1], gast.Name)
                and value.args[1].id in lists  # (a list's adjoint, a list there)
            )
            if is_list and name not in lists and name not in given:
                lists.add(name)
                grew = True
    if not lists:
        return
    line = [_at_line(source.first_line)]

    def refuse(name):
        raise error_at(line[0], f"--target numba: the list `{name}`, or its adjoint, is "
                       "added or written through a slice, which numba does as Python "
                       "lists do (`+` concatenates, a slice is a copy): use an array, or "
                       "the NumPy target", source, Unsupported)

    for stmt in _statements(fn.body):
        line[0] = _where(stmt, line[0])
        targets = stmt.targets if isinstance(stmt, gast.Assign) else (
            [stmt.target] if isinstance(stmt, gast.AugAssign) else [])
        for target in targets:
            if isinstance(target, gast.Subscript) and isinstance(target.value, gast.Name) \
                    and target.value.id in lists and isinstance(target.slice, gast.Slice):
                refuse(target.value.id)
        if isinstance(stmt, gast.AugAssign) and isinstance(stmt.target, gast.Name) \
                and stmt.target.id in lists:
            refuse(stmt.target.id)
        for node in _own_nodes(stmt):
            if isinstance(node, gast.BinOp) and not _repeats(node, lists):
                for side in (node.left, node.right):
                    if isinstance(side, gast.Name) and side.id in lists:
                        refuse(side.id)
            if isinstance(node, gast.Call) and objects.of(node.func) in (
                    runtime.unbroadcast, runtime.expand_reduced):
                for arg in node.args:
                    if isinstance(arg, gast.Name) and arg.id in lists:
                        refuse(arg.id)


def _refuse_writes_into_slices(fn, source, given):
    """A slice of a list is a copy and a slice of an array a view: a slice of a list of
    numbers given (an array in compiled code) may be read, not written into."""
    slices = set()
    grew = True
    while grew:
        grew = False
        for node in walk(fn):
            if isinstance(node, gast.Assign) and isinstance(node.targets[0], gast.Name):
                value, name = node.value, node.targets[0].id
                if name not in slices and (
                        isinstance(value, gast.Subscript) and isinstance(value.value, gast.Name)
                        and value.value.id in given and isinstance(value.slice, gast.Slice)
                        or isinstance(value, gast.Name) and value.id in slices):
                    slices.add(name)
                    grew = True
    line = [_at_line(source.first_line)]
    for stmt in _statements(fn.body):
        line[0] = _where(stmt, line[0])
        targets = stmt.targets if isinstance(stmt, gast.Assign) else (
            [stmt.target] if isinstance(stmt, gast.AugAssign) else [])
        called = [n.func.value.id for n in _own_nodes(stmt) if isinstance(n, gast.Call)
                  and isinstance(n.func, gast.Attribute) and isinstance(n.func.value, gast.Name)
                  and n.func.attr in ("append", "pop")]
        written = [t.value.id for t in targets if isinstance(t, gast.Subscript)
                   and isinstance(t.value, gast.Name)] + called
        for name in written:
            if name in slices:
                raise error_at(line[0], f"--target numba: `{name}`, a slice of a list of "
                               "numbers given, is written into; the list is an array in "
                               "compiled code, whose slices are views: copy it with "
                               "list(...), or use the NumPy target", source, Unsupported)


def _repeats(node, lists):
    """`[...] * n`: a list repeated, which numba makes as Python does."""
    def is_list(side):
        return isinstance(side, gast.List) or isinstance(side, gast.Name) and side.id in lists
    return isinstance(node.op, gast.Mult) and is_list(node.left) and not is_list(node.right)


def _own_nodes(stmt):
    """The nodes of `stmt` but those of the statements it holds."""
    if isinstance(stmt, gast.For):
        return [*walk(stmt.target), *walk(stmt.iter)]
    if isinstance(stmt, (gast.If, gast.While)):
        return list(walk(stmt.test))
    return list(walk(stmt))


def _statements(body):
    for stmt in body:
        yield stmt
        for field in ("body", "orelse", "finalbody"):
            yield from _statements(getattr(stmt, field, None) or [])


def _lower(fn, objects, imports):
    """`reversed(range(...))`, `np.zeros_like(a, shape=s)` and `require_real(...,
    what=..., why=...)` in forms numba takes."""
    from .runtime import compiled as compiled_helpers

    for node in walk(fn):
        if isinstance(node, gast.Call) and objects.of(node.func) is runtime.require_real:
            node.func = imports.reference(compiled_helpers.require_real_values)
            node.keywords = []
        if isinstance(node, gast.For) and isinstance(node.iter, gast.Call) \
                and isinstance(node.iter.func, gast.Name) and node.iter.func.id == "reversed":
            node.iter = _backwards(node.iter.args[0])
        if isinstance(node, gast.Call) and objects.of(node.func) is numpy.zeros_like:
            shape = next((k.value for k in node.keywords if k.arg == "shape"), None)
            if shape is not None:
                dtype = next((k.value for k in node.keywords if k.arg == "dtype"), None)
                if dtype is None:
                    dtype = gast.Attribute(value=clone(node.args[0]), attr="dtype",
                                           ctx=gast.Load())
                node.func = gast.Attribute(value=clone(node.func.value), attr="zeros",
                                           ctx=gast.Load())
                node.args, node.keywords = [shape, dtype], []


def _backwards(counting):
    """`range(...)` counting down the numbers `counting`, a `range(...)`, counts up."""
    args = counting.args
    if len(args) == 1:
        start, stop = gast.Constant(value=0, kind=None), args[0]
    else:
        start, stop = args[0], args[1]
    if len(args) == 3:
        # the last number it gives: start + (len - 1) * step
        count = gast.Call(func=load("len"), args=[clone(counting)], keywords=[])
        last = gast.BinOp(left=clone(start), op=gast.Add(), right=gast.BinOp(
            left=gast.BinOp(left=count, op=gast.Sub(), right=gast.Constant(value=1, kind=None)),
            op=gast.Mult(), right=clone(args[2])))
        return gast.Call(func=load("range"), args=[
            last, gast.BinOp(left=clone(start), op=gast.Sub(), right=clone(args[2])),
            gast.UnaryOp(op=gast.USub(), operand=clone(args[2]))], keywords=[])
    return gast.Call(func=load("range"), args=[
        _minus_one(stop), _minus_one(start),
        gast.UnaryOp(op=gast.USub(), operand=gast.Constant(value=1, kind=None))], keywords=[])


def _minus_one(node):
    if isinstance(node, gast.Constant) and type(node.value) is int:
        return gast.Constant(value=node.value - 1, kind=None)
    return gast.BinOp(left=clone(node), op=gast.Sub(), right=gast.Constant(value=1, kind=None))


def _make_stacks(fn):
    """`tape_3 = []` first, for each stack the function pushes on and never binds."""
    bound = {a.id for a in fn.args.posonlyargs + fn.args.args}
    bound |= {n.id for n in walk(fn) if isinstance(n, gast.Name)
              and isinstance(n.ctx, gast.Store)}
    stacks = []
    for node in walk(fn):
        found = appended(node) if isinstance(node, gast.Expr) else None
        name = found[0] if found else (popped(node) if isinstance(node, gast.Assign) else None)
        if name and name not in bound and name not in stacks:
            stacks.append(name)
    made = [gast.Assign(targets=[store(s)], value=gast.List(elts=[], ctx=gast.Load()),
                        type_comment=None) for s in sorted(stacks, key=_natural)]
    fn.body[:0] = made


def _natural(name):
    head, _, number = name.rpartition("_")
    return (head, int(number)) if number.isdigit() else (name, -1)
