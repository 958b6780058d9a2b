"""The small runtime that generated modules import.

Every helper dispatches on its inputs (array methods, `__array_function__`, ufuncs),
so generated code runs unchanged on NumPy, CuPy and Dask arrays, and each one is
cheap for Python floats.
"""

import copy
import dataclasses
import itertools
import math
import sys
import types

import numpy

__all__ = [
    "AdjointDict",
    "AdjointList",
    "AdjointRecord",
    "add_at",
    "are_number_lists",
    "are_numbers",
    "array_namespace",
    "balanced_eq",
    "cast_like",
    "chosen_mask",
    "concatenated_parts",
    "copy_object",
    "cross_adjoint",
    "dot_lhs_adjoint",
    "dot_rhs_adjoint",
    "drop_after",
    "expand_reduced",
    "inner_lhs_adjoint",
    "inner_rhs_adjoint",
    "indexable",
    "inverse_axes",
    "items_like",
    "keys_tangent",
    "matmul_lhs_adjoint",
    "matmul_rhs_adjoint",
    "new_object",
    "others_product",
    "require_class",
    "require_key",
    "require_number_lists",
    "require_number_result",
    "require_real",
    "require_scalars",
    "require_unshared",
    "segment_length",
    "set_global",
    "shape_of",
    "restore_item",
    "returns_new_array",
    "saved_item",
    "size_ratio",
    "snapshot",
    "stop_gradient",
    "stacked_parts",
    "sum_adjoint",
    "take_adjoint",
    "tensordot_lhs_adjoint",
    "tensordot_rhs_adjoint",
    "unbroadcast",
    "update_object",
    "vecdot_axis",
    "writable_like",
    "written_part",
    "zero_object",
    "zeros_like",
]


def linear_in(*params, each=False):
    """Declare `helper` linear in `params` (jointly; in each separately where `each`,
    as a product is): forward mode's rule for it is then the helper itself applied to
    their tangents, `unbroadcast(dg, x)` for `unbroadcast(g, x)`.  Its other
    parameters must carry no derivative: shapes, indices, or choices constant almost
    everywhere (a mask, a sort order); a value one of them carries would be dropped
    from Hessian-vector products without a word."""

    def declare(helper):
        helper.s2s_linear_in = (params, each)
        return helper

    return declare


class AdjointList(list):
    """The adjoint of a list or tuple.  Adjoints add item by item, where `+` on lists
    would concatenate; gradients are handed back as the parameter's own type."""

    def __add__(self, other):
        if isinstance(other, (list, tuple)):
            return AdjointList(a + b for a, b in zip(self, other))
        return AdjointList(a + other for a in self)  # a number: a zero, broadcast

    __radd__ = __iadd__ = __add__  # `+=` on a list would extend it

    def __sub__(self, other):
        return self + (-other if not isinstance(other, (list, tuple)) else [-b for b in other])

    __isub__ = __sub__

    def copy(self):
        return AdjointList(self)

    def __rsub__(self, other):
        return (-self) + other

    def __neg__(self):
        return AdjointList(-a for a in self)


class AdjointDict(dict):
    """The adjoint of a dict: adds value by value, key by key."""

    def __add__(self, other):
        if isinstance(other, KeysAdjoint):  # (the adjoint of its keys: nothing)
            return self.copy()
        if isinstance(other, dict):  # a key only one side has: a copy of its value
            keys = dict.fromkeys([*self, *other])
            return AdjointDict({k: self.get(k, 0.0) + other.get(k, 0.0) for k in keys})
        return AdjointDict({k: v + other for k, v in self.items()})

    __radd__ = __add__

    def __sub__(self, other):
        return self + (-other if not isinstance(other, dict) else {k: -v for k, v in other.items()})

    def copy(self):
        return AdjointDict(self)

    def __rsub__(self, other):
        return (-self) + other

    def __neg__(self):
        return AdjointDict({k: -v for k, v in self.items()})


class AdjointRecord(AdjointDict):
    """The adjoint of an object read by attribute (a NamedTuple, a dataclass, a
    SimpleNamespace): one adjoint per field, by name (or, for a NamedTuple, by
    position too)."""

    def __init__(self, items, fields=()):
        super().__init__(items)
        self.fields = tuple(fields)

    def _name(self, key):
        return self.fields[key] if isinstance(key, int) and self.fields else key

    def __getitem__(self, key):
        return super().__getitem__(self._name(key))

    def __setitem__(self, key, value):
        super().__setitem__(self._name(key), value)

    def __add__(self, other):
        return AdjointRecord(AdjointDict.__add__(self, other), self.fields)

    __radd__ = __add__

    def __neg__(self):
        return AdjointRecord(AdjointDict.__neg__(self), self.fields)

    def copy(self):
        return AdjointRecord(self, self.fields)


def _is_record(x):
    """A NamedTuple, a dataclass instance, a SimpleNamespace, or an object of a class
    of the user's own (read by attribute, its attributes its fields)."""
    return (
        (isinstance(x, tuple) and hasattr(x, "_fields"))
        or (dataclasses.is_dataclass(x) and not isinstance(x, type))
        or isinstance(x, types.SimpleNamespace)
        or _is_plain_object(x)
    )


_NOT_PLAIN = ("builtins", "numpy", "s2s", "dask", "cupy", "scipy")


def _is_plain_object(x):
    cls = type(x)
    return (
        isinstance(getattr(cls, "__init__", None), types.FunctionType)
        and hasattr(x, "__dict__") and not isinstance(x, (type, types.ModuleType))
        and cls.__module__.split(".")[0] not in _NOT_PLAIN
    )


def _record_fields(x):
    """(name, value) of each field of a record."""
    if isinstance(x, tuple):
        return list(zip(x._fields, x))
    if isinstance(x, types.SimpleNamespace) or not dataclasses.is_dataclass(x):
        return list(vars(x).items())
    return [(f.name, getattr(x, f.name)) for f in dataclasses.fields(x)]


def _rebuild(x, values):
    """A record of `x`'s type with these field values."""
    if isinstance(x, tuple):
        return type(x)(**values)
    if isinstance(x, types.SimpleNamespace):
        return types.SimpleNamespace(**values)
    new = copy.copy(x)
    for name, value in values.items():
        object.__setattr__(new, name, value)  # frozen dataclasses too
    return new


def _differentiable(x):
    """A value that can have a gradient (not a name, a flag object, None)."""
    numbers = (float, int, complex, list, tuple, dict)
    return isinstance(x, numbers) or hasattr(x, "dtype") or _is_record(x)


def array_namespace(*arrays):
    """The module whose functions make and work on arrays like these: `cupy` for
    CuPy arrays, `dask.array` for Dask arrays, else `numpy`.  Write `xp =
    s2s.array_namespace(x)` and `xp.zeros_like(...)`, `xp.tanh(...)`: s2s reads `xp`
    as NumPy, and the code runs where the arrays live."""
    for a in arrays:
        package = type(a).__module__.split(".")[0]
        if package == "cupy":
            import cupy

            return cupy
        if package == "dask":
            import dask.array

            return dask.array
    return numpy


def size_ratio(z, x):
    """`z.size / x.size` (a mean's share per element): read from the arrays, which
    `numpy.size` would make Dask compute (a list's, `np.mean([a, b])`, is counted).
    An empty `x` gets no share (it has no element to send one to)."""
    size = numpy.size(x) if isinstance(x, (list, tuple)) else getattr(x, "size", 1)
    return getattr(z, "size", 1) / size if size else 0.0


def returns_new_array(helper):
    """Mark `helper` as always returning a new array (or a Python number), never one
    of its arguments or a view (but the `out=` it is given, see `writes_into`): the
    reverse pass may then update its result in place."""
    helper.returns_new_array = True
    return helper


def writes_into(helper):
    """Mark `helper` as taking `out=`, the part of an adjoint its result is the first
    contribution to (zeros so far): it writes the result there where it can and
    returns it either way, for the caller to store (`dy[i] = f(..., out=dy[i])`,
    which NumPy skips as a copy onto itself)."""
    helper.writes_into = True
    return helper


def _matmul_into(a, b, out, shape):
    """`a @ b` written into `out`, where all three are NumPy arrays and the product
    has `out`'s dtype and both `out`'s shape and `shape` (the operand's adjoint, which
    then needs no `unbroadcast`); None elsewhere."""
    if not (type(a) is type(b) is type(out) is numpy.ndarray and a.ndim > 1 and b.ndim > 1):
        return None
    product = numpy.broadcast_shapes(a.shape[:-2], b.shape[:-2]) + (a.shape[-2], b.shape[-1])
    if product != out.shape or product != shape or numpy.result_type(a, b) != out.dtype:
        return None
    return numpy.matmul(a, b, out=out)


def indexable(sequence):
    """What a loop that s2s runs by index (`for x in xs` becomes `x = xs[i]`) indexes:
    `sequence` itself, or, for a dict, a set or an iterator, the list of what
    iterating over it gives (a dict's keys, in order), which is what Python's loop
    would see."""
    if isinstance(sequence, (dict, set, frozenset)):
        return Keys(sequence)
    if not hasattr(sequence, "__getitem__"):
        return list(sequence)
    return sequence


class Keys(list):
    """A dict's keys, or a set's items, as a loop goes over them: they carry no
    derivative, and their adjoint (`zeros_like`) adds nothing to the dict's."""


class KeysAdjoint(list):
    """The adjoint of `Keys`: zeros that a sum ignores (a dict's keys carry no
    derivative), and that `cast_like` gives as zeros of the dict."""

    def __add__(self, other):
        return other

    __radd__ = __add__


def keys_tangent(t, sequence):
    """The tangent of `indexable(sequence)`: `t`, or zeros for a dict's or a set's keys."""
    if isinstance(sequence, (dict, set, frozenset)):
        return [0.0] * len(sequence)
    return t


@returns_new_array
@returns_new_array
@linear_in("part")
def snapshot(part):
    """A copy of `part` (an array, or a number, kept as it is) that later writes into
    the array it came from cannot change."""
    return part.copy() if hasattr(part, "copy") else part


class _Absent:
    """What `saved_item` saves for a key that a dict does not have yet."""

    def __repr__(self):
        return "<absent>"


ABSENT = _Absent()


@linear_in("container")
def saved_item(container, key):
    """`container[key]` before a write into it, as `snapshot` keeps it; `ABSENT` for
    a key the dict does not have yet.  For an object of the user's, the attribute
    `key` (attribute writes are written as item writes: normalize/attributes.py)."""
    if _is_attributed(container):
        return snapshot(getattr(container, key)) if hasattr(container, key) else ABSENT
    if isinstance(container, dict) and key not in container:
        return ABSENT
    return snapshot(container[key])


def drop_after(tape, length):
    """Drop what was pushed onto `tape` after its first `length` items: what a
    statement of a `try` body pushed before it raised (normalize/statements.py)."""
    del tape[length:]


def restore_item(container, key, saved):
    """Undo a write: put back what `saved_item` saved, or remove a key that was new."""
    if _is_attributed(container):
        if saved is ABSENT:
            delattr(container, key)
        else:
            setattr(container, key, saved)
    elif saved is ABSENT:
        del container[key]
    else:
        container[key] = saved


def _is_attributed(x):
    """An object whose fields are attributes (not a dict, a list or an adjoint)."""
    return not isinstance(x, (dict, list, tuple)) and hasattr(x, "__dict__") and not (
        hasattr(x, "dtype"))


@returns_new_array
def new_object(cls):
    """An object of `cls` without its `__init__` run: s2s runs the `__init__` written
    in the source, as part of the function (normalize/methods.py)."""
    return cls.__new__(cls)


def stop_gradient(x):
    """`x` itself, through which no derivative flows: s2s treats the value as a
    constant (`s2s.stop_gradient(x)` in the function being differentiated)."""
    return x


def check(helper):
    """Mark `helper` as a check: it returns nothing, changes nothing, and raises where
    its arguments are not what the derivative supports.  A call of it for its effect
    may then be differentiated again (derivatives of generated gradients)."""
    helper.s2s_check = True
    return helper


@returns_new_array
@linear_in("obj")
def copy_object(obj):
    """A copy of an object of the user's whose attributes the function sets: s2s sets
    the copy's (and puts them back in reverse); `update_object` then gives the
    caller's object the copy's last values (normalize/methods.py)."""
    return copy.copy(obj)


@check
def require_key(key, keys):
    """The `KeyError` that reading a dict of functions at `key` raises, where `keys`
    are its keys (normalize/forms.py calls the function of each key in a branch)."""
    if key not in keys:
        raise KeyError(key)


@check
def set_global(module, name, value):
    """`name = value` for a `global name` of the function, in the module that defines
    it: a value made of literals and globals (a counter), which carries no derivative
    (normalize/forms.py)."""
    setattr(module, name, value)


@check
def update_object(obj, changed):
    """Give `obj`, the caller's object, the attributes of `changed`, its copy, as the
    function left them; the function does not read `obj` again."""
    if changed is not obj:
        vars(obj).clear()
        vars(obj).update(vars(changed))


@check
def require_scalars(**parameters):
    """Fail clearly when a parameter annotated `float`/`int` holds an array: the
    generated code relies on the annotation (it skips undoing broadcasting)."""
    for name, value in parameters.items():
        if getattr(value, "shape", ()) != ():
            raise TypeError(
                f"parameter {name!r} is annotated as a number but holds an array of "
                f"shape {value.shape}; remove the annotation or pass a number"
            )


@check
def require_number_lists(**parameters):
    """Fail clearly when a parameter annotated `list[float]`/`list[int]` is not a list
    or holds an array: the generated code relies on its items being numbers."""
    for name, value in parameters.items():
        if not isinstance(value, list):
            raise TypeError(f"parameter {name!r} is annotated as a list of numbers but "
                            f"holds a {type(value).__name__}; pass a list of numbers")
        for i, item in enumerate(value):
            if getattr(item, "shape", ()) != () or isinstance(item, (list, tuple, dict)):
                raise TypeError(
                    f"parameter {name!r} is annotated as a list of numbers but item {i} "
                    f"is a {type(item).__name__}; remove the annotation or pass numbers")


_NUMBER_TYPES = frozenset({float, int, numpy.float64, numpy.float32, numpy.int64,
                           numpy.int32})


def are_numbers(*values):
    """Whether each of `values` is a number (a Python or NumPy float or int, not a
    bool): a generated gradient then runs the version of itself made for numbers,
    which undoes no broadcasting."""
    return all(type(value) in _NUMBER_TYPES for value in values)


def are_number_lists(*values):
    """Whether each of `values` is a list of numbers (as `are_numbers` takes them)."""
    return all(type(value) is list and all(type(item) in _NUMBER_TYPES for item in value)
               for value in values)


@check
def require_class(obj, *classes):
    """Fail clearly where `obj` is none of `classes`: s2s read the methods called on
    it as theirs from the source (the classes with those methods, an annotation, or
    what `__init__` stores), and differentiated those."""
    if type(obj) not in classes:
        names = " or ".join(c.__qualname__ for c in classes)
        raise TypeError(
            f"s2s differentiated this call as a method of {names}, read from the "
            f"source, but the object is a {type(obj).__qualname__}; annotate the "
            f"parameter with its class and generate again, or use the Python API "
            "(s2s.grad), which reads the classes of the arguments"
        )


@check
def require_unshared(value, statement, others):
    """`statement` (`y += v`) changes the array `y` holds in place, where Python would
    change it for the names in `others` too, which read it later; s2s reads it as
    `y = y + v`, so only a number (which `+=` rebinds) may be there."""
    if isinstance(value, numpy.ndarray) or type(value).__module__.startswith("cupy"):
        raise TypeError(
            f"`{statement}` changes in place an array also held by {others}, read later; "
            "s2s cannot differentiate that: write it as an assignment (`y = y + v`), or "
            "copy the array first"
        )


@check
def require_real(*values, what, why):
    """Refuse complex values where they carry a derivative into an operation whose rule
    holds for real values only (`what` names it, `why` says why)."""
    for value in values:
        if _kind(value) == "complex":
            raise TypeError(f"s2s differentiates {what} of real values only ({why}), and a "
                            "value that carries a derivative into it is complex")


@check
def require_number_result(value, function_name):
    """`grad_fn` is the gradient of a function whose result is a number; of one whose
    result is an array, the derivative along some direction is a vector-Jacobian
    product, which `value_and_grad_fn(..., d_result=<that direction>)` computes."""
    if _kind(value) == "complex":
        raise ValueError(
            f"grad_{function_name}: {function_name} returned a complex number; a gradient "
            "is of a real number (its real part, abs(...) or abs(...) ** 2)"
        )
    if getattr(value, "shape", ()) != ():
        raise ValueError(
            f"grad_{function_name}: {function_name} returned an array of shape "
            f"{value.shape}, not a number; a gradient is of a number (np.sum(...)), or "
            f"call value_and_grad_{function_name}(..., d_result=<an array of that shape>) "
            "for a vector-Jacobian product"
        )


def segment_length(count):
    """Iterations per segment of a checkpointed loop of `count` iterations (s2s.checkpoint):
    about sqrt(count), so that the segments' checkpoints and one segment's tape are each
    about sqrt(count) iterations' values."""
    return max(1, math.isqrt(max(int(count), 0)))


class ShapeOf:
    """What `unbroadcast` reads of a NumPy array: its shape (and `zeros_like`, its
    dtype).  The tape keeps this where the adjoint reads nothing else of the array,
    so that the array itself can go."""

    __slots__ = ("shape", "dtype")

    def __init__(self, shape, dtype):
        self.shape, self.dtype = shape, dtype


def shape_of(x):
    """A NumPy array's `ShapeOf`; anything else (numbers, other libraries' arrays,
    whose shapes may not be known yet) as it is."""
    return ShapeOf(x.shape, x.dtype) if type(x) is numpy.ndarray else x


@linear_in("g")
def unbroadcast(g, x):
    """Sum `g` over the axes that broadcasting added or stretched to give `x`'s shape;
    its real part where `x` is real and `g` complex (templates/complex.py)."""
    gshape = getattr(g, "shape", ())
    shape = getattr(x, "shape", ())
    if gshape == shape:
        return g if type(g) is float or not _complex_for_real(g, x) else numpy.real(g)
    if len(gshape) < len(shape):  # `g` was broadcast itself, e.g. a scalar seed
        g = g + zeros_like(x)
    else:
        extra = len(gshape) - len(shape)
        if extra:
            g = g.sum(axis=tuple(range(extra)) if extra > 1 else 0)
        if 1 in shape:  # (asked first: it is rare, and the search below costs)
            stretched = tuple(i for i, n in enumerate(shape) if n == 1 and g.shape[i] != 1)
            if stretched:
                g = g.sum(axis=stretched, keepdims=True)
    return numpy.real(g) if _complex_for_real(g, x) else g


def _complex_for_real(g, x):
    """Whether `g` is complex and `x` real (a real value's adjoint is real)."""
    kind = "c" if type(g) is complex else getattr(getattr(g, "dtype", None), "kind", "")
    if kind != "c":
        return False
    return not (type(x) is complex or getattr(getattr(x, "dtype", None), "kind", "") == "c")


@returns_new_array
def cast_tangent(t, z):
    """The tangent `t` in the dtype and shape of the value `z` it is a tangent of
    (a list of tangents, for an array made from a list, as one array); zeros (as
    floats) for an integer or boolean `z`, whose tangent is 0."""
    dtype = getattr(z, "dtype", None)
    if dtype is None:
        return t
    if isinstance(t, (list, tuple, int, float)):
        t = numpy.array(t)
    if numpy.shape(t) != numpy.shape(z):  # (ndmin=, or a list's nesting)
        t = numpy.reshape(t, numpy.shape(z))
    if dtype.kind in "biu":
        return zeros_like(z)
    # new memory, as the arrays these make: a later write into `x` changes neither
    return t.astype(dtype, copy=True)


def tangent_like(t, z):
    """The tangent `t` of the value `z` a function returns, with `z`'s structure,
    shape and dtype: records, lists, tuples and dicts part by part (a part without a
    tangent, an integer, gets zeros)."""
    if _is_record(z):
        if isinstance(z, tuple):
            return type(z)(*(tangent_like(getattr(t, n), v) for n, v in _record_fields(z)))
        if isinstance(t, dict):  # zeros made for it (`zeros_like`): the record's own type
            return _rebuild(z, {n: tangent_like(t[n], v) if n in t else zeros_like(v)
                                for n, v in _record_fields(z)})
        return t
    if isinstance(z, dict):
        parts = {k: tangent_like(t[k], v) for k, v in z.items()}
        if isinstance(z, AdjointRecord):  # (a record's adjoint, in a gradient's tangent)
            return AdjointRecord(parts, z.fields)
        return AdjointDict(parts) if isinstance(z, AdjointDict) else parts
    if isinstance(z, (list, tuple)):
        return type(z)(tangent_like(ti, zi) for ti, zi in zip(t, z))
    if _kind(t) == "complex" and _kind(z) != "complex":
        raise _through_complex_values("tangent", z)
    if isinstance(z, float) and not isinstance(t, float):
        return float(t)
    dtype = getattr(z, "dtype", None)
    if dtype is not None and dtype.kind in "biu":
        return zeros_like(z)
    if dtype is not None and getattr(t, "dtype", dtype) != dtype:
        return t.astype(dtype)
    return t


def broadcast_like(t, y, before=False):
    """`t + 0 * y`: forward mode's `d[x] + d[y]` where `y` has no tangent, at the
    shape broadcasting with `y` gives (or, for lists and tuples, which `+` joins,
    with zeros for `y`'s items, `before` `t`'s where `y` came first)."""
    if isinstance(t, (list, tuple)) or isinstance(y, (list, tuple)):
        zeros = type(y)(zeros_like(v) for v in y)
        return zeros + type(y)(t) if before else type(y)(t) + zeros
    if getattr(t, "shape", ()) == getattr(y, "shape", ()):
        return t
    return t + zeros_like(y)


# `g` itself, or a new array: new where `g` is
unbroadcast.returns_argument_or_new_array = True


@returns_new_array
def zeros_like(x):
    """A zero adjoint for `x`: 0.0 for Python numbers, zeros of `x`'s kind otherwise
    (a NumPy scalar's is a NumPy scalar, whose methods a derivative may call)."""
    kind = type(x)
    # (first the common cases, which loops meet each step: a float array, its shape)
    if kind is numpy.ndarray and x.dtype.kind in "fc" and x.flags.c_contiguous:
        return numpy.zeros(x.shape, x.dtype)
    if kind is ShapeOf and x.dtype.kind in "fc":
        return numpy.zeros(x.shape, x.dtype)
    if kind is tuple or kind is list:  # a function's results, a list of numbers
        for v in x:
            if type(v) is not float:
                break
        else:
            return AdjointList([0.0] * len(x))
    if isinstance(x, numpy.generic) and x.dtype.kind in "fbiu":
        return numpy.result_type(x.dtype, 0.0).type(0)
    if isinstance(x, (float, int)):
        return 0.0
    if isinstance(x, complex):
        return 0j
    if _is_record(x):
        fields = _record_fields(x)
        names = [n for n, _ in fields] if isinstance(x, tuple) else ()
        zeros = {n: zeros_like(v) if _differentiable(v) else 0.0 for n, v in fields}
        return AdjointRecord(zeros, names)
    if isinstance(x, Keys):
        return KeysAdjoint([0.0] * len(x))
    if isinstance(x, (list, tuple)):
        return AdjointList(zeros_like(v) for v in x)  # a list: parts added in place
    if isinstance(x, AdjointRecord):  # (a record's adjoint, differentiated again)
        return AdjointRecord({k: zeros_like(v) for k, v in x.items()}, x.fields)
    if isinstance(x, dict):
        return AdjointDict({k: zeros_like(v) for k, v in x.items()})
    if isinstance(x, ShapeOf):
        return numpy.zeros(x.shape, numpy.result_type(x.dtype, 0.0))
    dtype = getattr(x, "dtype", None)
    if dtype is not None and dtype.kind in "biu":  # a slot for a float adjoint
        return numpy.zeros_like(x, dtype=numpy.result_type(dtype, 0.0))
    return numpy.zeros_like(x)


@returns_new_array
def zero_object(x):
    """A zero tangent for `x`, an object of the user's whose attributes the function
    sets: an object of its class, each field zeros (forward mode reads and writes a
    tangent's fields as attributes)."""
    return _rebuild(x, {n: zeros_like(v) if _differentiable(v) else 0.0
                        for n, v in _record_fields(x)})


@returns_new_array
def zeros_outside(x, part):
    """`zeros_like(x)` for the adjoint `dx` whose slice `dx[part]` the caller writes
    next: a NumPy array is zeroed only outside it, so that its memory is written once
    (the part's values are undefined until then)."""
    if type(x) is numpy.ndarray and x.ndim and x.dtype.kind in "fc":
        start, stop, step = part.indices(len(x))
        if step == 1:
            out = numpy.empty_like(x)
            out[:start] = 0
            out[max(start, stop):] = 0
            return out
    return zeros_like(x)


@returns_new_array
@linear_in("g")
def writable_like(g, x):
    """`g` as new memory shaped like `x` (an array, or a list or dict of them), which
    the caller alone holds and may update in place."""
    if _is_record(x):
        return g + zeros_like(x)
    if isinstance(x, dict):
        return AdjointDict({k: writable_like(g[k], v) for k, v in x.items()})
    if isinstance(x, (list, tuple)):
        return AdjointList(writable_like(gi, xi) for gi, xi in zip(g, x))
    return g + zeros_like(x)


@linear_in("g")
def sum_adjoint(g, x):
    """The adjoint of `x` in `z = sum(x)` (Python's sum over x's items): `g` for every
    item, as a list for a list, broadcast over the first axis for an array."""
    if isinstance(x, (list, tuple)):
        return AdjointList(g for _ in x)
    return g + zeros_like(x)


@linear_in("g")
def items_like(g, x):
    """The adjoint `g` of `numpy.array(x)` for the list or tuple `x` it was made
    from: one adjoint per item, each in that item's type (arrays: as `cast_like`)."""
    if isinstance(x, (list, tuple)):
        return AdjointList(items_like(gi, xi) for gi, xi in zip(g, x))
    return cast_like(g, x)


@linear_in("g")
def concatenated_parts(g, arrays, axis=0):
    """The adjoint `g` of `numpy.concatenate(arrays, axis)`, split into one part per
    array, each shaped like it (`axis=None` concatenated them flattened)."""
    if axis is None:
        sizes = [numpy.size(a) for a in arrays]  # (an array, a number or a list)
        parts = numpy.split(numpy.ravel(g), list(itertools.accumulate(sizes))[:-1])
        return AdjointList(numpy.reshape(p, numpy.shape(a)) for p, a in zip(parts, arrays))
    lengths = [numpy.shape(a)[axis] for a in arrays]
    return AdjointList(numpy.split(g, list(itertools.accumulate(lengths))[:-1], axis=axis))


@linear_in("g")
def stacked_parts(g, arrays, axis=0):
    """The adjoint `g` of `numpy.stack(arrays, axis)`: one part per array, in its type."""
    return items_like(numpy.moveaxis(g, axis, 0), arrays)


def _parameter_holding(x, depth=2):
    """"'name', which holds " for the parameter of the generated function that called
    (a module s2s wrote, run as it is; `depth` frames up) whose value is `x`; "" where
    none is."""
    frame = sys._getframe(depth)
    code = frame.f_code
    parameters = code.co_varnames[:code.co_argcount + code.co_kwonlyargcount]
    for name in parameters:
        if frame.f_locals.get(name) is x:
            return f"{name!r}, which holds "
    return ""


@linear_in("g")
def cast_like(g, x, copy=False):
    """The gradient `g` with the type, shape and dtype of its parameter `x`; a new
    array when `copy` is set (`g` may share memory with something else).  Integers
    and booleans carry no gradient: asked for as a parameter, that is an error; in a
    list, dict or record, their gradient is None."""
    if (type(x) is list and type(g) is numpy.ndarray and g.dtype == numpy.float64
            and g.shape == (len(x),) and all(type(v) is float for v in x)):
        return g.tolist()  # (a list of floats' gradient from compiled code, as floats)
    if isinstance(g, KeysAdjoint):  # (only the keys of the dict `x` were read)
        g = zeros_like(x)
    kind = _kind(x)
    if kind != "complex" and _kind(g) == "complex" and not isinstance(x, (list, tuple, dict)):
        # a real value's gradient through complex ones is the real part (the
        # imaginary part is what the derivative of a complex step would add)
        g = numpy.real(g)
    if type(x) is float:  # a lazy Dask gradient stays lazy until the caller computes it
        return g if hasattr(g, "__dask_graph__") else float(g)
    if type(x) is complex:
        return g if hasattr(g, "__dask_graph__") else complex(g)
    if kind in ("integer", "boolean"):
        raise TypeError(
            f"a gradient with respect to {_parameter_holding(x)}a {kind} value "
            f"({type(x).__name__}) was asked for: {kind}s carry no gradient; pass floats "
            "(astype(float))"
        )
    if _is_record(x):  # non-numbers (names, flags) get None
        return _rebuild(x, {n: _leaf_gradient(g[n], v, copy) for n, v in _record_fields(x)})
    if isinstance(x, (list, tuple)):
        return type(x)(_leaf_gradient(gi, xi, copy) for gi, xi in zip(g, x))
    if isinstance(x, dict):
        return {k: _leaf_gradient(g[k], v, copy) for k, v in x.items()}
    dtype = getattr(x, "dtype", None)
    if dtype is None:
        return g
    if getattr(g, "shape", None) != x.shape:
        g, copy = g + numpy.zeros_like(x), False  # broadcast into a new array
    if g.dtype != dtype:
        return g.astype(dtype)
    return g.copy() if copy else g


def _through_complex_values(what, x):
    """The error for a real value whose derivative came out complex: a rule on the way
    that does not hold for complex values (it would be a wrong result)."""
    holding = _parameter_holding(x, depth=3)
    of = f"with respect to {holding.partition(',')[0]}" if holding else "of a real value"
    return TypeError(
        f"the {what} {of} came out complex: an operation on the way is differentiated "
        "by a rule that holds for real values only (a wrong result, refused)"
    )


def _kind(x):
    """"integer", "boolean", "complex" or None (floats, containers, the rest)."""
    if isinstance(x, bool) or getattr(x, "dtype", None) == bool:
        return "boolean"
    if isinstance(x, (int, numpy.integer)):
        return "integer"
    if isinstance(x, complex):
        return "complex"
    dtype = getattr(x, "dtype", None)
    if dtype is not None and dtype.kind in "iu":
        return "integer"
    if dtype is not None and dtype.kind == "c":
        return "complex"
    return None


def _leaf_gradient(g, x, copy):
    """A part's gradient: None where the part carries none (numbers that are not
    floats, names, flags)."""
    if not _differentiable(x) or _kind(x) in ("integer", "boolean"):
        return None
    return cast_like(g, x, copy)


def add_at(g, index, value):
    """`g[index] += value`, correct when an integer-array `index` repeats positions,
    and for the adjoints of lists and dicts (whose parts may be containers too)."""
    if isinstance(g, (dict, list)):
        g[index] = g[index] + value  # adjoints of containers add item by item
    elif _is_basic_index(index):
        g[index] += value
    elif hasattr(g, "__dask_graph__"):  # Dask has no add.at: scatter lazily, by blocks
        g[...] = g + _scattered(g, index, value)
    else:
        numpy.add.at(g, index, value)
    return g


def _scattered(g, index, value):
    """A lazy Dask array shaped and chunked like `g`: zeros, plus `value` added at
    `index`.  An index of positions along one axis (`g[:, i]`, `take`'s) scatters
    block by block: each of `g`'s blocks gets the values that land in it, no task
    holds the whole array.  Other indexes scatter in one task."""
    import dask.array

    found = _positions_on_one_axis(index, g)
    if found is None:
        return _scattered_in_one_task(g, index, value)
    axis, positions = found
    shape = g.shape[:axis] + (positions.size,) + g.shape[axis + 1:]
    value = dask.array.broadcast_to(dask.array.asarray(value, dtype=g.dtype), shape)
    order = numpy.argsort(positions, kind="stable")
    bounds = numpy.searchsorted(positions[order], numpy.cumsum((0,) + g.chunks[axis]))
    blocks, start = [], 0
    for k, size in enumerate(g.chunks[axis]):
        chunks = g.chunks[:axis] + ((size,),) + g.chunks[axis + 1:]
        taken = numpy.sort(order[bounds[k]:bounds[k + 1]])  # (in the order add.at adds)
        if taken.size == 0:
            blocks.append(dask.array.zeros(tuple(map(sum, chunks)), g.dtype, chunks=chunks))
        else:
            part = value[(slice(None),) * axis + (taken,)]
            part = part.rechunk(g.chunks[:axis] + (-1,) + g.chunks[axis + 1:])
            blocks.append(part.map_blocks(_scatter_block, positions[taken] - start, axis,
                                          size, chunks=chunks, dtype=g.dtype))
        start += size
    return dask.array.concatenate(blocks, axis=axis)


def _positions_on_one_axis(index, g):
    """(axis, positions) where `index` picks positions (a 1-D NumPy integer array,
    made non-negative) along one axis of `g` and all of every other axis; else None."""
    parts = index if isinstance(index, tuple) else (index,)
    arrays = [i for i, p in enumerate(parts) if not (isinstance(p, slice) and p == slice(None))]
    if len(arrays) != 1:
        return None
    axis, positions = arrays[0], parts[arrays[0]]
    if isinstance(positions, list):
        positions = numpy.asarray(positions)
    if (type(positions) is not numpy.ndarray or positions.ndim != 1
            or positions.dtype.kind not in "iu" or axis >= g.ndim
            or math.isnan(g.shape[axis])):  # (chunks of unknown sizes)
        return None
    return axis, numpy.where(positions < 0, positions + g.shape[axis], positions)


def _scatter_block(value, positions, axis, size):
    """One block of a scatter: zeros `size` long along `axis`, plus `value` added at
    `positions` along it."""
    out = numpy.zeros(value.shape[:axis] + (size,) + value.shape[axis + 1:], value.dtype)
    numpy.add.at(out, (slice(None),) * axis + (positions,), value)
    return out


def _scattered_in_one_task(g, index, value):
    import dask
    import dask.array

    shape, dtype = g.shape, g.dtype  # (the task holds these, not `g` and its graph)

    def scatter(index, value):
        out = numpy.zeros(shape, dtype)
        numpy.add.at(out, index, value)
        return out

    task = dask.delayed(scatter)(index, value)
    part = dask.array.from_delayed(task, shape=shape, dtype=dtype)
    return part.rechunk(g.chunks)


@returns_new_array
@linear_in("g")
def written_part(g, index):
    """`g[index]`, in new memory, as the adjoint of `v` in the write `y[index] = v`.
    Where an integer-array index names a position more than once, only the write `y`
    kept (NumPy does not promise which; this asks it) gets the adjoint there: the
    others were overwritten and get zero."""
    part = g[index]
    if isinstance(g, (dict, list)) or _is_basic_index(index):
        return snapshot(part)
    ids = numpy.reshape(numpy.arange(getattr(part, "size", 1), like=g), numpy.shape(part))
    writer = numpy.empty_like(g, dtype=numpy.intp)
    writer[index] = ids
    return numpy.where(writer[index] == ids, part, 0)


def _is_dask(*arrays):
    """Whether any of `arrays` is a Dask collection (lazy, maybe on a cluster)."""
    return any(hasattr(a, "__dask_graph__") for a in arrays)


def _is_basic_index(index):
    parts = index if isinstance(index, tuple) else (index,)
    return all(
        p is None or p is Ellipsis or isinstance(p, (int, slice, numpy.integer))
        for p in parts
    )


@returns_new_array
def balanced_eq(x, z, y):
    """The share of `z = maximum(x, y)`'s adjoint that goes to `x`: 1 where `x` won,
    1/2 where `x` and `y` tie, 0 where `y` won (in the result's dtype)."""
    dtype = getattr(z, "dtype", None)
    if dtype is None:  # Python numbers: stay Python numbers
        return (x == z) / (1.0 + (x == y))
    tie, won = x == y, x == z
    if type(tie) is numpy.ndarray and not tie.any():  # (NumPy: asking costs little)
        return won  # a boolean mask: multiplying by it keeps the adjoint's dtype
    # where x ties with y, x is z too; 0.5 of z's dtype keeps float32 work in float32
    return numpy.where(tie, dtype.type(0.5), won)


def _axes(axis, ndim):
    if axis is None:
        return tuple(range(ndim))
    axes = axis if isinstance(axis, tuple) else (axis,)
    return tuple(a % ndim for a in axes)


@returns_new_array
@linear_in("g")
def expand_reduced(g, x, axis=None, keepdims=False):
    """The adjoint `g` of a reduction of `x` over `axis`, broadcast back to `x`'s shape."""
    ndim = numpy.ndim(x)
    if not keepdims and ndim and numpy.ndim(g):
        # (a scalar `g` broadcasts as it is; expand_dims would make a Python float a
        # float64 array, and float32 work would silently run in float64)
        g = numpy.expand_dims(g, _axes(axis, ndim))
    if type(x) is numpy.ndarray:  # one new array, filled (not zeros, then a sum)
        out = numpy.empty(x.shape, numpy.result_type(g, x))
        out[...] = g
        return out
    return g + zeros_like(x)


@returns_new_array
def chosen_mask(x, z, axis=None, keepdims=False):
    """For `z = max(x, axis)` (or min): 1/k at each of the k elements equal to the
    chosen value, 0 elsewhere, so ties share the adjoint evenly."""
    ndim = numpy.ndim(x)
    if not keepdims and ndim:
        z = numpy.expand_dims(z, _axes(axis, ndim))
    hit = x == z
    share = hit / hit.sum(axis=axis, keepdims=True)
    dtype = getattr(x, "dtype", None)
    return share.astype(dtype) if dtype is not None and share.dtype != dtype else share


@returns_new_array
def others_product(x, axis=None):
    """For each element of `x`, the product of the other elements along `axis`
    (all of `x` when None), exact where `x` has zeros."""
    if axis is None:
        flat = numpy.reshape(x, (-1,))
        return numpy.reshape(others_product(flat, 0), numpy.shape(x))
    if isinstance(axis, tuple):
        moved = numpy.moveaxis(x, axis, tuple(range(-len(axis), 0)))
        merged = numpy.reshape(moved, moved.shape[: moved.ndim - len(axis)] + (-1,))
        out = numpy.reshape(others_product(merged, -1), moved.shape)
        return numpy.moveaxis(out, tuple(range(-len(axis), 0)), axis)
    ones = numpy.ones_like(numpy.take(x, [0], axis=axis))
    before = numpy.cumprod(
        numpy.concatenate([ones, numpy.delete(x, -1, axis=axis)], axis=axis), axis=axis
    )
    after = numpy.flip(
        numpy.cumprod(
            numpy.concatenate(
                [ones, numpy.delete(numpy.flip(x, axis=axis), -1, axis=axis)], axis=axis
            ),
            axis=axis,
        ),
        axis=axis,
    )
    return before * after


def inverse_axes(axes):
    """The permutation that undoes `transpose(x, axes)`; None for a full reversal.
    Accepts the method forms `x.transpose()`, `x.transpose(1, 0)`, `x.transpose((1, 0))`."""
    if isinstance(axes, tuple) and len(axes) == 1 and isinstance(axes[0], (tuple, list)):
        axes = tuple(axes[0])
    if axes is None or axes == () or axes == (None,):
        return None
    n = len(axes)
    return tuple(int(i) for i in numpy.argsort([a % n for a in axes]))


@returns_new_array
@writes_into
@linear_in("g", "y", each=True)
def matmul_lhs_adjoint(g, x, y, out=None):
    """Adjoint of `x` in `z = x @ y`: `g @ y.T`, with NumPy's 1-D and batch rules."""
    if out is not None and numpy.ndim(y) > 1:
        written = _matmul_into(g, numpy.swapaxes(y, -1, -2), out, numpy.shape(x))
        if written is not None:
            return written
    if getattr(x, "ndim", 0) == 2 and getattr(y, "ndim", 0) == 2:  # (the common case, fast)
        return g @ y.T
    if numpy.ndim(y) == 1:
        out = g[..., None] * y if numpy.ndim(x) > 1 else g * y
    elif numpy.ndim(x) == 1 and numpy.ndim(y) == 2 and _is_dask(y, g):
        out = numpy.tensordot(y, g, axes=(1, 0))  # (see matmul_rhs_adjoint)
    elif numpy.ndim(x) == 1:
        out = (y @ g[..., None])[..., 0]
    else:
        out = g @ numpy.swapaxes(y, -1, -2)
    return unbroadcast(out, x)


@returns_new_array
@writes_into
@linear_in("g", "x", each=True)
def matmul_rhs_adjoint(g, x, y, out=None):
    """Adjoint of `y` in `z = x @ y`: `x.T @ g`, with NumPy's 1-D and batch rules."""
    if out is not None and numpy.ndim(x) > 1:
        written = _matmul_into(numpy.swapaxes(x, -1, -2), g, out, numpy.shape(y))
        if written is not None:
            return written
    if getattr(x, "ndim", 0) == 2 and getattr(y, "ndim", 0) == 2:  # (the common case, fast)
        return x.T @ g
    if numpy.ndim(x) == 1:
        out = x[:, None] * g[..., None, :] if numpy.ndim(y) > 1 else g * x
    elif numpy.ndim(y) == 1 and _is_dask(x, g):
        # Dask: a product of each chunk, then a tree sum; `@` with a vector adds a
        # task a chunk (the new axis of `g[..., None]`) that nothing fuses with
        lead = tuple(range(numpy.ndim(x) - 1))
        out = numpy.tensordot(g, x, axes=(lead, lead))
    elif numpy.ndim(y) == 1:
        out = (numpy.swapaxes(x, -1, -2) @ g[..., None])[..., 0]
    else:
        out = numpy.swapaxes(x, -1, -2) @ g
    return unbroadcast(out, y)


@returns_new_array
@linear_in("g", "y", each=True)
def dot_lhs_adjoint(g, x, y):
    """Adjoint of `x` in `z = numpy.dot(x, y)` (sum over x's last and y's
    second-to-last axis)."""
    x_ndim, y_ndim = numpy.ndim(x), numpy.ndim(y)
    if x_ndim == 0 or y_ndim == 0:
        return unbroadcast(g * y, x)
    if y_ndim == 1:
        return numpy.multiply.outer(g, y)
    # z's axes: x's leading axes, then y's axes without its second-to-last
    y_moved = numpy.moveaxis(y, -2, -1)  # (..., k) with the contracted axis last
    g_axes = tuple(range(x_ndim - 1, x_ndim - 1 + y_ndim - 1))
    return numpy.tensordot(g, y_moved, axes=(g_axes, tuple(range(y_ndim - 1))))


@returns_new_array
@linear_in("g", "x", each=True)
def dot_rhs_adjoint(g, x, y):
    """Adjoint of `y` in `z = numpy.dot(x, y)`."""
    x_ndim, y_ndim = numpy.ndim(x), numpy.ndim(y)
    if x_ndim == 0 or y_ndim == 0:
        return unbroadcast(g * x, y)
    lead = tuple(range(x_ndim - 1))
    out = numpy.tensordot(x, g, axes=(lead, lead))  # (k, y's axes without -2)
    if y_ndim == 1:
        return out
    return numpy.moveaxis(out, 0, -2)


@linear_in("g", "y", each=True)
def inner_lhs_adjoint(g, x, y):
    """Adjoint of `x` in `z = numpy.inner(x, y)` (sum over both last axes)."""
    x_ndim, y_ndim = numpy.ndim(x), numpy.ndim(y)
    if x_ndim == 0 or y_ndim == 0:
        return unbroadcast(g * y, x)
    g_axes = tuple(range(x_ndim - 1, x_ndim + y_ndim - 2))
    return numpy.tensordot(g, y, axes=(g_axes, tuple(range(y_ndim - 1))))


@linear_in("g", "x", each=True)
def inner_rhs_adjoint(g, x, y):
    """Adjoint of `y` in `z = numpy.inner(x, y)`."""
    x_ndim, y_ndim = numpy.ndim(x), numpy.ndim(y)
    if x_ndim == 0 or y_ndim == 0:
        return unbroadcast(g * x, y)
    lead = tuple(range(x_ndim - 1))
    return numpy.tensordot(g, x, axes=(lead, lead))


def _tensordot_axes(axes, x_ndim, y_ndim):
    """`numpy.tensordot`'s `axes` as two lists of non-negative axes, paired."""
    if isinstance(axes, (int, numpy.integer)):
        return list(range(x_ndim - axes, x_ndim)), list(range(axes))
    x_axes, y_axes = axes
    x_axes = list(x_axes) if isinstance(x_axes, (tuple, list)) else [x_axes]
    y_axes = list(y_axes) if isinstance(y_axes, (tuple, list)) else [y_axes]
    return [a % x_ndim for a in x_axes], [a % y_ndim for a in y_axes]


def _tensordot_adjoint(g, other, mine, theirs, ndim, other_ndim, before):
    """Contract `g` with `other` over `other`'s free axes; put the axes back in the
    order of the operand whose adjoint this is (`mine` its contracted axes, paired
    with `other`'s `theirs`; its free axes come first in `g` when `before`)."""
    free_other = [a for a in range(other_ndim) if a not in theirs]
    n_mine_free = ndim - len(mine)
    g_axes = (
        tuple(range(n_mine_free, n_mine_free + len(free_other)))
        if before
        else tuple(range(len(free_other)))
    )
    out = numpy.tensordot(g, other, axes=(g_axes, tuple(free_other)))
    free_mine = [a for a in range(ndim) if a not in mine]
    order = sorted(range(len(theirs)), key=lambda j: theirs[j])
    layout = free_mine + [mine[j] for j in order]
    return numpy.transpose(out, tuple(numpy.argsort(layout)))


@linear_in("g", "y", each=True)
def tensordot_lhs_adjoint(g, x, y, axes=2):
    """Adjoint of `x` in `z = numpy.tensordot(x, y, axes)`."""
    x_ndim, y_ndim = numpy.ndim(x), numpy.ndim(y)
    x_axes, y_axes = _tensordot_axes(axes, x_ndim, y_ndim)
    return _tensordot_adjoint(g, y, x_axes, y_axes, x_ndim, y_ndim, True)


@linear_in("g", "x", each=True)
def tensordot_rhs_adjoint(g, x, y, axes=2):
    """Adjoint of `y` in `z = numpy.tensordot(x, y, axes)`."""
    x_ndim, y_ndim = numpy.ndim(x), numpy.ndim(y)
    x_axes, y_axes = _tensordot_axes(axes, x_ndim, y_ndim)
    return _tensordot_adjoint(g, x, y_axes, x_axes, y_ndim, x_ndim, False)


@linear_in("g", "other", each=True)
def cross_adjoint(g, other, axisa=-1, axisb=-1, axisc=-1, axis=None, first=True, x=None):
    """Adjoint of the first (`first`) or second operand `x` of `c = numpy.cross(a, b,
    axisa, axisb, axisc, axis)`: `b x g`, or `g x a`, for 3-vectors (for 2-vectors,
    whose cross product is a number, g times (b1, -b0) or (-a1, a0)), laid along the
    operand's own vector axis.  A 2-vector crossed with a 3-vector is refused."""
    if axis is not None:
        axisa = axisb = axisc = axis
    own, others = (axisa, axisb) if first else (axisb, axisa)
    own = own - numpy.ndim(x) if own >= 0 else own  # (counted from the end: broadcasting)
    other = numpy.moveaxis(other, others, -1)
    length = numpy.shape(other)[-1]
    if length != numpy.shape(x)[own]:
        raise NotImplementedError("s2s differentiates numpy.cross of two 3-vectors or two "
                                  "2-vectors, not of a 2-vector and a 3-vector")
    if length == 3:
        g = numpy.moveaxis(g, axisc, -1)
        part = numpy.cross(other, g) if first else numpy.cross(g, other)
    else:  # c = a0 b1 - a1 b0
        sign = 1.0 if first else -1.0
        part = numpy.stack([other[..., 1], -other[..., 0]], axis=-1) * (sign * g)[..., None]
    return numpy.moveaxis(part, -1, own)


def vecdot_axis(axis, x1, x2):
    """`numpy.vecdot`'s axis, negative: the adjoint inserts it into the result's
    shape.  A non-negative axis counts each operand's own dimensions: where they
    differ, refused."""
    if axis >= 0:
        if numpy.ndim(x1) != numpy.ndim(x2):
            raise NotImplementedError("s2s differentiates numpy.vecdot with a "
                                      "non-negative axis only for operands of one rank")
        axis -= numpy.ndim(x1)
    return axis


@linear_in("g")
def take_adjoint(g, x, indices, axis=None):
    """Adjoint of `x` in `z = numpy.take(x, indices, axis)`: `g` added at the taken
    positions (as often as an index repeats); all of `x` flattened when `axis` is None."""
    if axis is None:
        flat = add_at(numpy.zeros_like(numpy.ravel(x)), indices, g)
        return numpy.reshape(flat, numpy.shape(x))
    index = (slice(None),) * (axis % numpy.ndim(x)) + (indices,)
    return add_at(numpy.zeros_like(x), index, g)
