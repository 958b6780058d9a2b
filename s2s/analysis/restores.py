"""Restores: writes into an array whose overwritten part the adjoint sweep never needs
back, so the forward sweep need not save it and the adjoint sweep need not put it back.

In: a function in the core language.  Out: the `id`s of such `y[i] = v` statements,
each mapped to whether the part it overwrites is also nobody's to differentiate: in
the loop below, where nothing wrote into `y` before the loop and `y` was made from no
value with a derivative (`np.zeros`, not `x.copy()`).  Then the adjoint of that part
gets nothing after the write's adjoint, which may take it as it is, without copying
it and zeroing it.

The adjoint sweep puts back what each write overwrote so that whatever it reads of
`y` (views of it on the tape, `y` itself) holds what the forward sweep read.  The
common time-stepping pattern needs none of that:

    y = np.zeros(...)
    for t in range(n):
        y[t + 1] = step(y[t])

Each iteration writes a row no other iteration writes (`t + 1`, one more each time)
and reads only rows written before it (`t`, below `t + 1`), so every row holds the
one value anything ever read from it, from its write to the end.  The adjoint sweep
of iteration `t` runs after those of the later iterations, which would have put back
rows above `t + 1` only.  Accepted, conservatively, when:
- the loop is `for t in range(...)` with step 1, not inside another loop, starting
  from a number such that no index it computes is negative (`y[-1]` is the last row);
- the array is made inside the function (not a parameter) by a function that makes
  a new array, and before the loop the function only writes into it (`y[0] = x`);
- inside the loop, the array is only written by that one statement (not inside an
  inner loop), at `t + c`, and only read as `y[t + d]` with `d < c` (indices computed
  from `t` and constants);
- the loop makes no views of it (`y[1:]`), appends it to nothing, passes it nowhere.
After the loop, anything goes: the adjoint of what follows runs before any put-back.
Likewise a write into an array made earlier in the same block (the function's body,
or a loop's, which makes a new array in each iteration), where nothing between reads
it (`y[0] = x` before such a loop; `du = np.zeros_like(u); du[1:-1] = ...` in one).
"""

import gast

from ..syntax import blocks, walk
from ..templating import is_nondifferentiable
from .writes import NEW_ARRAYS


def needless_restores(fn, operations):
    found = {}
    for position, stmt in enumerate(fn.body):
        if isinstance(stmt, gast.For) and _counts_by_one(stmt, operations):
            found.update(_in_loop(stmt, fn.body[:position], operations, _first(stmt)))
    for block in blocks(fn):
        found.update(_into_new_arrays(block, operations))
    return found


def _into_new_arrays(block, operations):
    """Writes `y[i] = v` into an array made earlier in the same block, where nothing
    between reads it: `du = np.zeros_like(u); du[1:-1] = ...` in a loop's body makes
    a new array in each iteration, whose overwritten part nothing ever read."""
    found = {}
    for position, stmt in enumerate(block):
        if (
            isinstance(stmt, gast.Assign)
            and isinstance(stmt.targets[0], gast.Subscript)
            and isinstance(stmt.targets[0].value, gast.Name)
            and _made_here(stmt.targets[0].value.id, block[:position + 1], operations)
        ):
            name = stmt.targets[0].value.id
            found[id(stmt)] = _made_here(name, block[:position], operations, blank=True)
    return found


def _counts_by_one(loop, operations):
    """`for t in range(stop)` or `range(start, stop)`."""
    call = loop.iter
    return (
        isinstance(loop.target, gast.Name)
        and isinstance(call, gast.Call)
        and operations.classify(call).key is range
        and 1 <= len(call.args) <= 2
        and not call.keywords
    )


def _first(loop):
    """The loop counter's first value, where it is a number literal (`range(n)`: 0)."""
    args = loop.iter.args
    if len(args) == 1:
        return 0
    start = args[0]
    return start.value if isinstance(start, gast.Constant) and type(start.value) is int else None


def _in_loop(loop, before, operations, first):
    counter = loop.target.id
    offsets = _offsets(loop, counter)
    writes, reads, other = {}, {}, set()
    inner = {id(n) for nested in walk(loop) if nested is not loop
             and isinstance(nested, (gast.For, gast.While)) for n in walk(nested)}
    for node in walk(loop):
        if isinstance(node, gast.Assign) and isinstance(node.targets[0], gast.Subscript):
            target = node.targets[0]
            if isinstance(target.value, gast.Name):
                # (in an inner loop, one iteration may write its part again and again)
                offset = None if id(node) in inner else _offset(target.slice, offsets)
                writes.setdefault(target.value.id, []).append((node, offset))
    for node in walk(loop):
        if isinstance(node, gast.Subscript) and isinstance(node.value, gast.Name) \
                and isinstance(node.ctx, gast.Load):
            reads.setdefault(node.value.id, []).append(_offset(node.slice, offsets))
    indexed = {id(n.value) for n in walk(loop) if isinstance(n, gast.Subscript)}
    for node in walk(loop):
        if isinstance(node, gast.Name) and node.id in writes and id(node) not in indexed:
            other.add(node.id)  # the array itself passed, aliased, appended, ...
    found = {}
    for name, written in writes.items():
        if len(written) != 1 or name in other or not _made_here(name, before, operations):
            continue
        stmt, c = written[0]
        offsets = reads.get(name, [])
        if c is None or any(d is None or d >= c for d in offsets):
            continue
        # a negative index counts from the end: `y[t - 1]` at t = 0 is the last row,
        # which a later iteration writes
        if first is None or first + min([c, *offsets]) < 0:
            continue
        found[id(stmt)] = _made_here(name, before, operations, blank=True)
    return found


def _offsets(loop, counter):
    """Names the loop body assigns exactly once as `counter + constant` (A-normal form
    names `t + 1` before indexing with it): name -> the constant."""
    assigned = {}
    for node in walk(loop):
        if isinstance(node, gast.Assign):
            for target in node.targets:
                for n in walk(target):
                    if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Store):
                        assigned.setdefault(n.id, []).append(node.value)
    offsets = {counter: 0}
    changed = True
    while changed:
        changed = False
        for name, values in assigned.items():
            if name in offsets or name == counter or len(values) != 1:
                continue
            offset = _offset(values[0], offsets)
            if offset is not None:
                offsets[name] = offset
                changed = True
    return offsets


def counter_offset(node, counter):
    """`c` where `node` is `counter + c` or `counter - c` (c an integer, at any depth),
    else None."""
    return _offset(node, {counter: 0})


def _offset(node, offsets):
    """`c` where `node` is `counter + c` (c an integer), through `offsets`; else None."""
    if isinstance(node, gast.Name):
        return offsets.get(node.id)
    if isinstance(node, gast.BinOp) and isinstance(node.op, (gast.Add, gast.Sub)):
        left, right = node.left, node.right
        sign = 1 if isinstance(node.op, gast.Add) else -1
        if _integer(right) and _offset(left, offsets) is not None:
            return _offset(left, offsets) + sign * right.value
        if sign == 1 and _integer(left) and _offset(right, offsets) is not None:
            return _offset(right, offsets) + left.value
    return None


def _integer(node):
    return isinstance(node, gast.Constant) and type(node.value) is int


def _made_here(name, before, operations, blank=False):
    """The statements before the loop mention `name` only to make it a new array and
    to write into it (`y[0] = x`): they read nothing of it that a later write could
    change.  `blank`: only to make it, from no value with a derivative."""
    made = False
    for stmt in before:
        mentions = [n for n in walk(stmt) if isinstance(n, gast.Name) and n.id == name]
        if not mentions:
            continue
        if len(mentions) != 1 or not isinstance(stmt, gast.Assign):
            return False
        target = stmt.targets[0]
        if (
            target is mentions[0]
            and isinstance(stmt.value, gast.Call)
            and operations.classify(stmt.value).key in NEW_ARRAYS
            and operations.classify(stmt.value).key not in (list, dict)  # (arrays only)
            and not (blank and not is_nondifferentiable(operations.classify(stmt.value).key))
        ):
            made = True
        elif blank or not (
            made and isinstance(target, gast.Subscript) and target.value is mentions[0]
        ):
            return False
    return made
