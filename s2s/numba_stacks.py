"""Stacks of numbers as arrays, for the numba target.

In: the function numba compiles (numba_target.py), whose stacks are lists, each pushed
on by one statement (`tape_3.append((r, t16))`) inside `for ... in range(...)` loops
and popped by assignments (`r, t16 = tape_3.pop()`).  Out: the same function where a
stack holds numbers only (floats, integers or booleans, as its values' assignments
show) as a preallocated array and a count of what it holds:

    tape_3 = np.empty((0, 2))       tape_3 = reserved(tape_3, size_3 + len(range(n)))
    size_3 = 0                      for i in range(n):
                                        ...
                                        tape_3[size_3, 0] = r
                                        tape_3[size_3, 1] = t16
                                        size_3 += 1

and `size_3 -= 1; r = tape_3[size_3, 0]; ...` where it pops.  Room is reserved before
the outermost loop whose iterations, with those of the loops inside it, are counted
there (their ranges' bounds do not change inside it), so that the loops the values
are pushed in never reassign the array.  numba's lists cost some 8 ns a push and pop;
an array's item, under 1.  Other stacks stay lists, those of `while` loops too: there
an array doubled when full, checked at each push, measured no faster than a list (an
Euler step and its adjoint: 13 ns with a list, 17 ns with such an array, 11 ns with one
made to size, which a `while` loop cannot know; `python -m benchmarks numba_baselines`).
"""

import builtins
import math

import gast
import numpy

from .syntax import appended, clone, load, popped, store, walk

_FLOAT, _INT, _BOOL = "float", "int", "bool"
_UNSET = "unset"  # (not known yet, while the kinds are found: loops carry names around)
_DTYPES = {_FLOAT: "float64", _INT: "int64", _BOOL: "bool_"}


def array_stacks(fn, objects, given_lists, numpy_name, reserved_name):
    """Rewrite `fn`'s list stacks of numbers as arrays (see the module's docstring);
    `objects`: what the code's names mean; `given_lists`: the parameters that are
    float64 arrays; `numpy_name`, `reserved_name`: the names of NumPy and of
    runtime/compiled.py's `reserved` in the module."""
    kinds = _Kinds(fn, objects, given_lists)
    made = []
    for stack, push, block, loops, values, items, pops in _lone_pushes(fn):
        item_kinds = {kinds.of(item) for item in items}
        if len(item_kinds) != 1 or None in item_kinds or _UNSET in item_kinds:
            continue
        outermost = _counted_loops(loops)
        if outermost is None:
            continue
        kind = item_kinds.pop()
        size = f"size_{stack.rpartition('_')[2]}" if stack[-1].isdigit() else f"{stack}_size"
        width = len(items) if isinstance(values, gast.Tuple) else None
        made.append(_empty(stack, size, width, kind, numpy_name))
        _reserve(outermost, stack, size, reserved_name)
        block[block.index(push):block.index(push) + 1] = _pushed(stack, size, items, width)
        for pop, pop_block in pops:
            at = pop_block.index(pop)
            pop_block[at:at + 1] = _popped(stack, size, pop.targets[0], width)
    for statements in made:
        fn.body[:0] = statements
    _place_reserves(fn)
    return fn


def shape_stacks(fn, objects, shape_of, typed_shapes_name, pop_shapes_name):
    """Make `fn`'s stacks of shapes (`tape_3.append((shape_of(a), shape_of(b)))`, kept
    for `unbroadcast`) keep nothing where the values are numbers, whose shape their type
    says:

        if not typed_shapes(a, b):          a, b = pop_shapes(tape_3)
            tape_3.append(...)

    numba compiles `typed_shapes` to a constant, and `pop_shapes` to zeros of the
    stack's items' types where it is true (runtime/compiled.py); the append, never
    run, still gives the list its type.  In unannotated code, the NumPy target cannot
    know that `a[i, k] * b[k, j]` is a number: such stacks were half the time of a
    loop matmul's compiled gradient."""
    for stack, push, block, _, _, items, pops in _lone_pushes(fn):
        if not all(isinstance(item, gast.Call) and objects.of(item.func) is shape_of
                   and len(item.args) == 1 and isinstance(item.args[0], gast.Name)
                   for item in items):
            continue
        known = gast.Call(func=load(typed_shapes_name),
                          args=[load(item.args[0].id) for item in items], keywords=[])
        block[block.index(push)] = gast.If(
            test=gast.UnaryOp(op=gast.Not(), operand=known), body=[push], orelse=[])
        for pop, _ in pops:
            pop.value = gast.Call(func=load(pop_shapes_name), args=[load(stack)], keywords=[])


def _lone_pushes(fn):
    """For each stack pushed on by one statement and used only to push and pop: (its
    name, the push, the block holding it, the loops around it, the value pushed, its
    items (a tuple's, or the value), [(a pop assignment, its block)])."""
    pushes, pops, others = _stack_uses(fn)
    for stack, found in pushes.items():
        if len(found) != 1 or stack in others:
            continue
        push, block, loops = found[0]
        values = push.value.args[0]
        items = values.elts if isinstance(values, gast.Tuple) else [values]
        yield stack, push, block, loops, values, items, pops.get(stack, [])


def _stack_uses(fn):
    """{stack: [(its push, the block holding it, the loops around it, outermost first)]},
    {stack: [(a pop assignment, its block)]}, and the names used otherwise."""
    pushes, pops, uses = {}, {}, {}

    def visit(block, loops):
        for stmt in block:
            found = appended(stmt) if isinstance(stmt, gast.Expr) else None
            if found:
                pushes.setdefault(found[0], []).append((stmt, block, loops))
            elif isinstance(stmt, gast.Assign) and popped(stmt):
                pops.setdefault(popped(stmt), []).append((stmt, block))
            inner = loops + [stmt] if isinstance(stmt, (gast.For, gast.While)) else loops
            for field in ("body", "orelse"):
                if getattr(stmt, field, None):
                    visit(getattr(stmt, field), inner)

    visit(fn.body, [])
    counted = {id(s.value) for block in pushes.values() for s, _, _ in block} | {
        id(s.value) for block in pops.values() for s, _ in block}
    for node in walk(fn):
        if isinstance(node, gast.Name) and (node.id in pushes or node.id in pops):
            uses.setdefault(node.id, []).append(node)
    calls = {id(n.func.value) for n in walk(fn) if isinstance(n, gast.Call)
             and id(n) in counted}
    others = {name for name, nodes in uses.items()
              if any(id(n) not in calls for n in nodes)}
    return pushes, pops, others


def _counted_loops(loops):
    """(the outermost of the innermost `loops` that are all `range` loops whose bounds
    do not change inside it, those loops); None where the innermost is not one."""
    found = None
    for at in range(len(loops) - 1, -1, -1):
        inner = loops[at:]
        if not all(_is_range(loop) for loop in inner):
            break
        assigned = {n.id for n in walk(loops[at]) if isinstance(n, gast.Name)
                    and isinstance(n.ctx, gast.Store)}
        if any(isinstance(n, gast.Name) and n.id in assigned
               for loop in inner for n in walk(loop.iter)):
            break
        found = inner
    return found


def _is_range(loop):
    return (isinstance(loop, gast.For) and isinstance(loop.iter, gast.Call)
            and isinstance(loop.iter.func, gast.Name) and loop.iter.func.id == "range"
            and not loop.iter.keywords)


def _empty(stack, size, width, kind, numpy_name):
    """`tape_3 = np.empty(0)` (or `np.empty((0, width), dtype)`), `size_3 = 0`."""
    shape = gast.Constant(value=0, kind=None) if width is None else gast.Tuple(
        elts=[gast.Constant(value=0, kind=None), gast.Constant(value=width, kind=None)],
        ctx=gast.Load())
    dtype = gast.Attribute(value=load(numpy_name), attr=_DTYPES[kind], ctx=gast.Load())
    empty = gast.Call(func=gast.Attribute(value=load(numpy_name), attr="empty",
                                          ctx=gast.Load()), args=[shape, dtype], keywords=[])
    return [gast.Assign(targets=[store(stack)], value=empty, type_comment=None),
            gast.Assign(targets=[store(size)], value=gast.Constant(value=0, kind=None),
                        type_comment=None)]


def _reserve(loops, stack, size, reserved_name):
    """`tape_3 = reserved(tape_3, size_3 + <the iterations of `loops`>)` before the
    outermost of `loops` (in the block holding it: found by the caller's walk)."""
    count = None
    for loop in loops:
        trips = gast.Call(func=load("len"), args=[clone(loop.iter)], keywords=[])
        count = trips if count is None else gast.BinOp(left=count, op=gast.Mult(),
                                                       right=trips)
    room = gast.BinOp(left=load(size), op=gast.Add(), right=count)
    reserve = gast.Assign(targets=[store(stack)], value=gast.Call(
        func=load(reserved_name), args=[load(stack), room], keywords=[]), type_comment=None)
    loops[0].s2s_reserve = getattr(loops[0], "s2s_reserve", []) + [reserve]


def _place_reserves(fn):
    """Put the reservations `_reserve` noted on loops before those loops."""
    def visit(block):
        at = 0
        while at < len(block):
            stmt = block[at]
            for field in ("body", "orelse"):
                if getattr(stmt, field, None):
                    visit(getattr(stmt, field))
            before = getattr(stmt, "s2s_reserve", [])
            if before:
                del stmt.s2s_reserve
                block[at:at] = before
                at += len(before)
            at += 1

    visit(fn.body)


def _item(stack, size, column):
    index = load(size) if column is None else gast.Tuple(
        elts=[load(size), gast.Constant(value=column, kind=None)], ctx=gast.Load())
    return gast.Subscript(value=load(stack), slice=index, ctx=gast.Load())


def _step(size, op):
    return gast.AugAssign(target=store(size), op=op, value=gast.Constant(value=1, kind=None))


def _pushed(stack, size, items, width):
    out = []
    for column, item in enumerate(items):
        target = _item(stack, size, None if width is None else column)
        target.ctx = gast.Store()
        out.append(gast.Assign(targets=[target], value=item, type_comment=None))
    return out + [_step(size, gast.Add())]


def _popped(stack, size, target, width):
    targets = target.elts if width is not None and isinstance(target, gast.Tuple) else [target]
    if width is not None and len(targets) != width:
        raise AssertionError("a pop unpacks what its push pushed")
    return [_step(size, gast.Sub())] + [
        gast.Assign(targets=[t], value=_item(stack, size, None if width is None else column),
                    type_comment=None)
        for column, t in enumerate(targets)]


class _Kinds:
    """Which names hold a float, an integer or a boolean wherever they are assigned
    (placeholders `x = None` and values put back from a stack apart); None where
    unknown."""

    def __init__(self, fn, objects, given_lists):
        self.objects = objects
        self.lists = {name: _FLOAT for name in given_lists}  # list name -> item kind
        self.names = {}
        params = fn.args.posonlyargs + fn.args.args + fn.args.kwonlyargs
        self.fixed = {}
        for a in params:
            kind = {"float": _FLOAT, "int": _INT}.get(getattr(a.annotation, "id", None))
            self.fixed[a.id] = kind
        sources = {}  # name -> the expressions assigned to it
        appends = {}
        for node in walk(fn):
            if isinstance(node, gast.Assign) and not popped(node):
                for target in node.targets:
                    if isinstance(target, gast.Name) and not (
                            isinstance(node.value, gast.Constant) and node.value.value is None):
                        sources.setdefault(target.id, []).append(node.value)
                    elif isinstance(target, gast.Tuple) and isinstance(node.value, gast.Tuple) \
                            and len(target.elts) == len(node.value.elts):
                        for t, v in zip(target.elts, node.value.elts):
                            if isinstance(t, gast.Name):
                                sources.setdefault(t.id, []).append(v)
                    elif isinstance(target, gast.Tuple):
                        for t in target.elts:
                            if isinstance(t, gast.Name):
                                sources.setdefault(t.id, []).append(None)
            elif isinstance(node, gast.AugAssign) and isinstance(node.target, gast.Name):
                sources.setdefault(node.target.id, []).append(
                    gast.BinOp(left=load(node.target.id), op=node.op, right=node.value))
            elif isinstance(node, gast.For) and isinstance(node.target, gast.Name):
                sources.setdefault(node.target.id, []).append(
                    "counter" if _is_range(node) else None)
            elif isinstance(node, gast.Expr) and appended(node):
                name, value = appended(node)
                appends.setdefault(name, []).append(value)
        self.sources, self.appends = sources, appends
        for _ in range(8):  # (to a fixed point: loops carry names around)
            before = (dict(self.names), dict(self.lists))
            for name, values in sources.items():
                if name in self.fixed:
                    continue
                kinds = {("int" if v == "counter" else self.of(v)) for v in values}
                self.names[name] = _join(kinds)
                list_kinds = {self._list_kind(v) for v in values}
                if list_kinds and not list_kinds & {None, _UNSET} and len(list_kinds) == 1:
                    item = list_kinds.pop()
                    if item == "appended":
                        item = _join({self.of(v) for v in appends.get(name, [])}) \
                            if appends.get(name) else None
                    if item not in (None, _UNSET):
                        self.lists[name] = item
            if (dict(self.names), dict(self.lists)) == before:
                break

    def _list_kind(self, value):
        """The kind of the items of the list `value` makes, "appended" for `[]` (its
        appends say), or None."""
        if isinstance(value, gast.List):
            return "appended" if not value.elts else _join({self.of(e) for e in value.elts})
        if isinstance(value, gast.BinOp) and isinstance(value.op, gast.Mult):
            return self._list_kind(value.left)
        if isinstance(value, gast.Name):
            return self.lists.get(value.id)
        if isinstance(value, gast.Call) and value.args and isinstance(value.args[0], gast.Name):
            function = self.objects.of(value.func)
            if function is builtins.list or getattr(function, "__name__", "") in (
                    "indexable", "snapshot"):
                return self.lists.get(value.args[0].id)
        return None

    def of(self, node):
        if node is None or isinstance(node, str):
            return None
        if isinstance(node, gast.Constant):
            value = node.value
            return (_BOOL if isinstance(value, bool) else _INT if isinstance(value, int)
                    else _FLOAT if isinstance(value, float) else None)
        if isinstance(node, gast.Name):
            if node.id in self.fixed:
                return self.fixed[node.id]
            return self.names.get(node.id, _UNSET if node.id in self.sources else None)
        if isinstance(node, (gast.Compare, gast.BoolOp)) or (
                isinstance(node, gast.UnaryOp) and isinstance(node.op, gast.Not)):
            return _BOOL if not isinstance(node, gast.BoolOp) or {
                self.of(v) for v in node.values} == {_BOOL} else None
        if isinstance(node, gast.UnaryOp):
            kind = self.of(node.operand)
            return kind if kind in (_INT, _FLOAT, _UNSET) else None
        if isinstance(node, gast.BinOp):
            left, right = self.of(node.left), self.of(node.right)
            if None in (left, right) or _BOOL in (left, right):
                return None
            if _UNSET in (left, right):
                return _UNSET
            if isinstance(node.op, gast.Div):
                return _FLOAT
            if isinstance(node.op, gast.Pow):
                return _FLOAT if _FLOAT in (left, right) else None
            return _FLOAT if _FLOAT in (left, right) else _INT
        if isinstance(node, gast.Subscript) and isinstance(node.value, gast.Name):
            index = self.of(node.slice)
            if index == _INT and node.value.id in self.lists:
                return self.lists[node.value.id]
            return None
        if isinstance(node, gast.Call):
            return self._call(node)
        return None

    def _call(self, node):
        function = self.objects.of(node.func)
        args = [self.of(a) for a in node.args]
        if node.keywords:
            return None
        if function in (len, int):
            return _INT
        if function is float:
            return _FLOAT
        if None in args:
            return None
        if _UNSET in args:
            return _UNSET
        if function in (abs, min, max) and args and _BOOL not in args:
            return _FLOAT if _FLOAT in args else _INT
        if function in vars(math).values():
            if function in (math.floor, math.ceil, math.trunc, math.gcd, math.factorial,
                            math.comb, math.perm, math.isqrt):
                return _INT
            if function in (math.isnan, math.isinf, math.isfinite):
                return _BOOL
            return _FLOAT if args and all(a in (_FLOAT, _INT) for a in args) else None
        if isinstance(function, numpy.ufunc) and function.nout == 1 and len(args) == function.nin \
                and all(a in (_FLOAT, _INT) for a in args):
            # the type NumPy's loop for float64 inputs gives
            loops = [t.split("->") for t in function.types]
            out = next((o for i, o in loops if i == "d" * function.nin), None)
            return {"d": _FLOAT, "?": _BOOL}.get(out)
        return None


def _join(kinds):
    kinds = set(kinds) - {_UNSET}
    if not kinds:
        return _UNSET
    if None in kinds:
        return None
    if kinds == {_INT, _FLOAT}:
        return _FLOAT  # (numba holds such a name as a float)
    return kinds.pop() if len(kinds) == 1 else None
