"""What a module generated with `--target numba` imports besides the runtime: the
decorator that compiles its gradient, the call that runs it, and numba versions of the
runtime helpers that gradient calls.

The compiled function is the same Python source as the NumPy target's, with a stack of
its own for each value it keeps (s2s/numba_target.py).  It calls `unbroadcast`,
`zeros_like`, ... from `s2s.runtime` by name; numba compiles those calls with the
versions registered here (`numba.extending.overload`), one per kind of argument
(numbers, arrays, what `shape_of` keeps), and Python runs the originals.  So the
function still runs as plain Python, which is how an error raised in compiled code is
found again at its line (`run_compiled`).
"""

import hashlib
import pathlib
import re
import sys
import types as python_types

import numpy

try:
    import numba
    from numba import types
    from numba.core.errors import TypingError
    from numba.extending import overload
except ImportError as error:  # pragma: no cover - the message is the point
    raise ImportError(
        "this module was generated with `--target numba`, which needs numba: "
        "pip install 's2s[numba]' (or generate it again without --target)"
    ) from error

from . import add_at, balanced_eq, chosen_mask, expand_reduced, indexable, shape_of, size_ratio
from . import snapshot, sum_adjoint
from . import matmul_lhs_adjoint, matmul_rhs_adjoint, unbroadcast, writable_like, zeros_like
from . import require_real
from .elementwise import abs_adjoint, one_over_one_plus_exp
from .notes import note_at


def compiled(function):
    """`function` compiled by numba (nopython mode, indices checked: an index out of
    bounds raises, as in Python, rather than reading other memory), its machine code
    cached on disk where its module was imported from a file (`_cache_for`)."""
    dispatcher = numba.njit(boundscheck=True)(function)
    cache = _cache_for(function)
    if cache is not None:
        dispatcher._cache = cache  # (what `numba.njit(cache=True)` sets)
    return dispatcher


def _cache_for(function):
    """numba's cache for `function` (in `__pycache__` beside its module, or under
    NUMBA_CACHE_DIR), keyed also to the name its module was imported as and to this
    runtime's source; None where its module was not imported from its file (made in
    memory: nothing to key the cache to).

    numba keys its entries to the function's own source only, so that an entry made
    before s2s changed its helpers would run the old helpers; and it finds the module
    again by the name it was first imported as, which fails where the file is
    imported as another (`pkg.grad` then `grad`)."""
    module = sys.modules.get(function.__module__)
    if _Cache is None or getattr(module, "__file__", None) != function.__code__.co_filename:
        return None
    if _reads_globals_that_may_change(function):
        return None
    try:
        return _Cache(function)
    except RuntimeError:  # (no directory to keep it in)
        return None


def _reads_globals_that_may_change(function):
    """Whether `function` reads data of its module, or a module other than NumPy's,
    math's and s2s's, whose attributes may be data: numba compiles such values in as
    constants, which a cache would keep after they changed.  (numba_target.py passes
    the module's data as arguments.)"""
    codes, names = [function.__code__], set()
    while codes:  # (and the code of its comprehensions)
        code = codes.pop()
        names.update(code.co_names)
        codes += [c for c in code.co_consts if isinstance(c, python_types.CodeType)]
    for name in names & function.__globals__.keys():
        value = function.__globals__[name]
        if isinstance(value, python_types.ModuleType):
            if value.__name__.partition(".")[0] not in ("numpy", "math", "s2s", "numba", "cmath"):
                return True
        elif value is None or is_data(value):  # (None too: it may become data)
            return True
    return False


def is_data(value):
    """Whether `value`, a global, is data (an array, a list, a number): not a module,
    class or function.  numba compiles data in as a constant."""
    return not (value is None or isinstance(value, (python_types.ModuleType, type))
                or callable(value))


def _runtime_stamp():
    """A hash of the runtime's source (the helpers compiled code calls) and of the
    NumPy that numba compiles against."""
    digest = hashlib.sha256(numpy.__version__.encode())
    for path in sorted(pathlib.Path(__file__).parent.glob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()


try:
    from numba.core.caching import FunctionCache
except ImportError:  # pragma: no cover - a numba without it: no cache
    _Cache = None
else:
    class _Cache(FunctionCache):
        """numba's cache of compiled functions, keyed as `_cache_for` says."""

        stamp = _runtime_stamp()

        def _index_key(self, sig, codegen):
            return super()._index_key(sig, codegen) + (self._py_func.__module__, self.stamp)


def run_compiled(function, *args):
    """`function(*args)` for a function `compiled` made.  numba's errors name no line;
    so where the compiled code raises, the same function runs again as Python, which
    raises the error at its line (and `with_source_notes` notes the user's line)."""
    try:
        return function(*args)
    except TypingError as exc:
        kinds = ", ".join(str(numba.typeof(a)) for a in args)
        text = re.sub(r"\x1b\[[0-9;]*m", "", str(exc))  # (numba colours some messages)
        reason = _typing_reason(text)
        # the generated line it names, as the user's line it was made from
        code = function.py_func.__code__
        file = re.escape(code.co_filename)
        where = re.findall(rf'File "(?:{file}|{re.escape(pathlib.Path(code.co_filename).name)})"'
                           r", line (\d+)", text)
        where += re.findall(rf" at {file} \((\d+)\)", text)
        note = next((n for n in (note_at(function.py_func, int(w)) for w in where) if n), None)
        raise TypeError(
            f"numba cannot compile {function.py_func.__name__} for arguments of types "
            f"({kinds}): {reason}" + (f"\n{note}" if note else "")
        ) from None
    except Exception as exc:  # noqa: BLE001 - raised again below, from Python if it can
        error = exc
    function.py_func(*args)
    raise error


def _typing_reason(text):
    """The line of numba's typing error that says what failed: the specific error an
    implementation raised, else the call that has none, else its first line."""
    lines = [line.strip() for line in text.strip().splitlines()]
    for line in lines:
        if line.startswith("TypingError: "):
            return line.removeprefix("TypingError: ")
    for at, line in enumerate(lines):
        if line.startswith("No implementation of function") and at + 2 < len(lines):
            return f"no implementation of {lines[at + 2].removeprefix('>>> ')}"
    return next((line for line in lines if line and not line.startswith(("Failed", "- "))), "")


def require_real_values(*values):
    """`require_real(*values, what=..., why=...)` as the compiled code calls it (numba
    compiles it for real values only: a complex one fails to compile, saying so)."""
    require_real(*values, what="this operation", why="see the NumPy target's module")


def reserved(stack, size):
    """`stack` (an array whose first axis holds what is pushed), or, where it has room
    for fewer than `size` items, a copy with room for at least twice as many."""
    if size <= stack.shape[0]:
        return stack
    grown = numpy.empty((max(size, 2 * stack.shape[0]),) + stack.shape[1:], stack.dtype)
    grown[:stack.shape[0]] = stack
    return grown


@overload(reserved)
def _reserved(stack, size):
    # (loops: numba compiles a slice's copy some ten times slower)
    if stack.ndim == 1:
        def impl(stack, size):
            if size <= stack.shape[0]:
                return stack
            grown = numpy.empty(max(size, 2 * stack.shape[0]), stack.dtype)
            for i in range(stack.shape[0]):
                grown[i] = stack[i]
            return grown
        return impl
    if stack.ndim == 2:
        def impl(stack, size):
            if size <= stack.shape[0]:
                return stack
            grown = numpy.empty((max(size, 2 * stack.shape[0]), stack.shape[1]), stack.dtype)
            for i in range(stack.shape[0]):
                for j in range(stack.shape[1]):
                    grown[i, j] = stack[i, j]
            return grown
        return impl
    return None


def typed_shapes(*values):
    """Whether the shapes of `values` follow from their types, so that a stack of
    shapes (`tape_3.append((shape_of(a), shape_of(b)))`) need not keep them: compiled,
    where all are numbers (their shape is `()`; numba's `shape_of` gives a number back,
    and `unbroadcast` reads only its type); in Python, never."""
    return False


def pop_shapes(stack):
    """What `stack.pop()` gives, for a stack of shapes pushed where `typed_shapes` was
    false: compiled, a stack of numbers was never pushed on, and gives zeros of its
    items' types."""
    return stack.pop()


def number_array(values, integers_kept=False):
    """A list (or tuple) of numbers as the array the compiled code indexes: float64, or,
    with `integers_kept` (a list not differentiated), int64 where all are integers
    (indices: `probs[a]`)."""
    if integers_kept and all(type(v) in (int, numpy.int64, numpy.int32) for v in values):
        return numpy.asarray(values, dtype=numpy.int64)
    return numpy.asarray(values, dtype=numpy.float64)


# -- the runtime's helpers, for numba -----------------------------------------------

def _is_number(t):
    return isinstance(t, (types.Number, types.Boolean))


def _is_kept_shape(t):
    """What `shape_of` keeps of an array: (shape, dtype)."""
    return (isinstance(t, types.BaseTuple) and len(t) == 2
            and isinstance(t[0], types.BaseTuple) and isinstance(t[1], types.DType))


@overload(typed_shapes)
def _typed_shapes(*values):
    known = all(_is_number(t) for t in values)
    return lambda *values: known


@overload(pop_shapes)
def _pop_shapes(stack):
    kept = stack.dtype
    items = list(kept.types) if isinstance(kept, types.BaseTuple) else [kept]
    if not all(_is_number(t) for t in items):
        return lambda stack: stack.pop()
    # zeros of the items' types, which a push made where `typed_shapes` is true
    zeros = ", ".join(f"item_{i}(0)" for i in range(len(items)))
    if isinstance(kept, types.BaseTuple):
        zeros = f"({zeros},)"
    code = f"def impl(stack):\n    return {zeros}"
    scope = {f"item_{i}": t for i, t in enumerate(items)}
    exec(code, scope)
    return scope["impl"]


@overload(shape_of)
def _shape_of(x):
    if isinstance(x, types.Array):
        return lambda x: (x.shape, x.dtype)
    return lambda x: x


@numba.njit
def _summed_to(g, shape):
    """`g` summed over the axes that broadcasting added (leading) or stretched (of
    length 1 in `shape`) to give an array of `shape`."""
    out = numpy.zeros(shape, g.dtype)
    flat_out = out.reshape(out.size)
    flat_g = numpy.ascontiguousarray(g).reshape(g.size)
    gshape = g.shape
    offset = len(gshape) - len(shape)
    for j in range(flat_g.size):
        rest, k, stride = j, 0, 1
        for a in range(len(gshape) - 1, offset - 1, -1):
            i = rest % gshape[a]
            rest //= gshape[a]
            n = shape[a - offset]
            if n != 1:
                k += i * stride
            stride *= n
        flat_out[k] += flat_g[j]
    return out


def _target_shape(x):
    """How the numba versions read the shape of `x`: an array or a kept shape."""
    if isinstance(x, types.Array):
        return lambda x: x.shape
    return lambda x: x[0]


@overload(unbroadcast)
def _unbroadcast(g, x):
    if _is_number(x):
        if isinstance(g, types.Array):
            return lambda g, x: g.sum()
        return lambda g, x: g
    if not (isinstance(x, types.Array) or _is_kept_shape(x)):
        return None
    shape = numba.njit(_target_shape(x))
    ndim = x.ndim if isinstance(x, types.Array) else len(x[0])
    if _is_number(g) or g.ndim < ndim:
        return lambda g, x: g + numpy.zeros(shape(x))

    def impl(g, x):
        if g.shape == shape(x):
            return g
        return _summed_to(g, shape(x))
    return impl if g.ndim == ndim else (lambda g, x: _summed_to(g, shape(x)))


@overload(zeros_like)
def _zeros_like(x):
    if _is_number(x):
        return lambda x: 0.0
    if isinstance(x, types.Array):
        return lambda x: numpy.zeros_like(x)
    if _is_kept_shape(x):
        return lambda x: numpy.zeros(x[0], x[1])
    if isinstance(x, types.List) and isinstance(x.dtype, types.Array):  # (a list of weights)
        return lambda x: [numpy.zeros_like(item) for item in x]
    if isinstance(x, types.List):
        return lambda x: [0.0] * len(x)
    if isinstance(x, types.UniTuple):  # (`*args`: added item by item, as arrays are)
        return lambda x: numpy.zeros(len(x))
    return None


@overload(snapshot)
def _snapshot(part):
    if isinstance(part, types.Array):
        return lambda part: part.copy()
    if isinstance(part, types.List):
        return lambda part: list(part)
    return lambda part: part


@overload(writable_like)
def _writable_like(g, x):
    if isinstance(x, types.Array):
        return lambda g, x: g + numpy.zeros_like(x)
    if _is_number(x):
        return lambda g, x: g
    if isinstance(x, types.List) and _is_number(x.dtype):
        # a list of numbers' adjoint (from `sum_adjoint`: an array), as a list of its
        # own, which the adjoint sweep pops as the list's appends are undone
        if isinstance(g, types.Array):
            return lambda g, x: [g[i] for i in range(len(g))]
        if isinstance(g, types.List):
            return lambda g, x: list(g)
    return None


def _whole(axis):
    return axis is None or isinstance(axis, (types.NoneType, types.Omitted))


def _kept_dims(keepdims):
    """`keepdims` as numba types it: True, False, or None where only known when run."""
    if isinstance(keepdims, bool):  # (not given: the default itself)
        return keepdims
    if isinstance(keepdims, types.Omitted):
        return bool(keepdims.value)
    if isinstance(keepdims, types.BooleanLiteral):
        return keepdims.literal_value
    return None


@overload(expand_reduced)
def _expand_reduced(g, x, axis=None, keepdims=False):
    kept = _kept_dims(keepdims)
    if not isinstance(x, types.Array):
        return lambda g, x, axis=None, keepdims=False: g
    if _whole(axis) or kept or not isinstance(g, types.Array):
        return lambda g, x, axis=None, keepdims=False: g + numpy.zeros_like(x)
    if isinstance(axis, types.Integer) and kept is False:
        return lambda g, x, axis=None, keepdims=False: (
            numpy.expand_dims(g, axis) + numpy.zeros_like(x))
    return None  # (a tuple of axes: numba says so at the first call, with the line)


@overload(chosen_mask)
def _chosen_mask(x, z, axis=None, keepdims=False):
    # (numba reduces to the maximum over the whole array only: numba_target.py refuses
    # `x.max(axis=...)`)
    if not isinstance(x, types.Array):
        return lambda x, z, axis=None, keepdims=False: 1.0
    if _whole(axis):
        def impl(x, z, axis=None, keepdims=False):
            hit = x == z
            return (hit / hit.sum()).astype(x.dtype)
        return impl
    return None


@overload(add_at)
def _add_at(g, index, value):
    # (an index of integers, or a mask: no position repeats; an array of integers is
    # left to numba to refuse, naming the line)
    def integers(t):
        return isinstance(t, types.Integer) or (
            isinstance(t, types.BaseTuple) and all(isinstance(i, types.Integer) for i in t))

    if isinstance(g, types.Array) and integers(index):
        def impl(g, index, value):
            g[index] += value
            return g
        return impl
    mask = (isinstance(g, types.Array) and g.ndim == 1 and isinstance(index, types.Array)
            and index.ndim == 1 and isinstance(index.dtype, types.Boolean))  # (`x[x > 0]`)
    if mask or isinstance(g, types.List) and isinstance(index, types.Integer):
        def impl(g, index, value):
            g[index] = g[index] + value
            return g
        return impl
    return None


@overload(balanced_eq)
def _balanced_eq(x, z, y):
    if isinstance(z, types.Array):
        return lambda x, z, y: ((x == z) / (1.0 + (x == y))).astype(z.dtype)
    return lambda x, z, y: (x == z) / (1.0 + (x == y))


@overload(indexable)
def _indexable(sequence):
    if isinstance(sequence, (types.Array, types.List, types.UniTuple)):
        return lambda sequence: sequence
    return None


@overload(require_real_values)
def _require_real_values(*values):
    if any(isinstance(t, types.Complex) or isinstance(getattr(t, "dtype", None), types.Complex)
           for t in values):
        return None
    return lambda *values: None


@overload(sum_adjoint)
def _sum_adjoint(g, x):
    # (an array for a list too: adjoints of lists add item by item, as arrays do)
    if isinstance(x, (types.List, types.UniTuple)):
        return lambda g, x: numpy.full(len(x), g)
    if isinstance(x, types.Array):
        return lambda g, x: g + numpy.zeros_like(x)
    return None


@overload(size_ratio)
def _size_ratio(z, x):
    def size(t):
        if isinstance(t, types.Array):
            return lambda t: t.size
        if isinstance(t, (types.List, types.UniTuple)):
            return lambda t: len(t)
        return lambda t: 1
    z_size, x_size = numba.njit(size(z)), numba.njit(size(x))

    def impl(z, x):
        n = x_size(x)
        return z_size(z) / n if n else 0.0
    return impl


@overload(abs_adjoint)
def _abs_adjoint(g, x, z):
    if isinstance(x, types.Complex) or isinstance(getattr(x, "dtype", None), types.Complex):
        return None
    return lambda g, x, z: g * numpy.sign(x)


def _ndim(t):
    return t.ndim if isinstance(t, types.Array) else 0


@overload(matmul_lhs_adjoint)
def _matmul_lhs_adjoint(g, x, y, out=None):
    if (_ndim(x), _ndim(y)) == (2, 2):
        return lambda g, x, y, out=None: g @ numpy.ascontiguousarray(y.T)
    if (_ndim(x), _ndim(y)) == (2, 1):
        return lambda g, x, y, out=None: numpy.outer(g, y)
    if (_ndim(x), _ndim(y)) == (1, 2):
        return lambda g, x, y, out=None: y @ g
    if (_ndim(x), _ndim(y)) == (1, 1):
        return lambda g, x, y, out=None: g * y
    return None


@overload(matmul_rhs_adjoint)
def _matmul_rhs_adjoint(g, x, y, out=None):
    if (_ndim(x), _ndim(y)) in ((2, 2), (2, 1)):
        return lambda g, x, y, out=None: numpy.ascontiguousarray(x.T) @ g
    if (_ndim(x), _ndim(y)) == (1, 2):
        return lambda g, x, y, out=None: numpy.outer(x, g)
    if (_ndim(x), _ndim(y)) == (1, 1):
        return lambda g, x, y, out=None: g * x
    return None


@overload(one_over_one_plus_exp)
def _one_over_one_plus_exp(x):
    return lambda x: 1.0 / (1.0 + numpy.exp(x))
