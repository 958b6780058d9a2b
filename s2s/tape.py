"""The tape: what the forward sweep keeps for the adjoint sweep.

Straight-line code needs no tape: every value keeps its own name (versions.py), and
a write into an array keeps what it overwrites in a name (`keep`).  In a loop, a
value that the adjoint code of a statement reads and that the next iteration
replaces is pushed on a stack right after the statement (`tape.append(v)`) and
popped right before its adjoint code (`v = tape.pop()`), so the adjoint of each
iteration sees the values of that iteration (`saved`).  Nothing else is pushed:
- a name that does not change between iterations of this loop is not saved in it;
  if an outer loop changes it, it is saved once around this loop;
- `x = xs[i]`, where nothing in the loop can change `xs` or `i`, is read again in
  the adjoint sweep rather than saved, and so is `j = i + 1` computed again;
- a value that a compound statement (`if`) restores is not saved again inside it.
"""

from contextlib import contextmanager

import gast

from .analysis.restores import counter_offset
from .syntax import (
    appended, assign, bound_counts, clone, load, names_read, names_stored, popped, store,
    walk,
)


class Tape:
    def __init__(self, namer, shape_only=None, unrestored=(), per_site=False,
                 separate=(frozenset(), frozenset())):
        """`shape_only(name, code)`: whether `code` reads `name` only for its shape
        (as `unbroadcast`'s second argument), and the call `shape_of(value)` that
        keeps just that; None to keep values whole.  `unrestored`: the ids of writes
        that no read of the array in their loop can see (analysis/restores.py).
        `per_site`: each push and its pop get a stack of their own (`tape_3`), which
        holds values of one type, as a compiler that types lists needs (numba: see
        numba_target.py); a function then makes no stack itself.  `separate`: (the
        names that hold only arrays the function made, the parameters it never binds
        again): writes into the former leave what is read of the latter as it was."""
        self.namer = namer
        self.shape_only = shape_only
        self.unrestored = unrestored
        self.per_site = per_site
        self.separate = separate
        self.name = namer.fresh("tape")
        self.names = {self.name}  # the tape's stacks
        self.used = False
        self.variant = set()  # names whose values change from one loop iteration to the next
        self.rereads = {}  # loop-variant name -> its `x = xs[i]`, read again, not saved
        self.depth = 0  # loops around the statement being transformed

    @contextmanager
    def loop(self, stmt, counted):
        """While the body of the loop `stmt` is transformed.  Inside it, the tape
        saves what changes from one iteration to the next, and what the body assigns
        that an outer loop changes; values from before the loop that change only with
        an outer loop are saved once, around it (`saved` of the loop statement).  A
        loop that is not `counted` recomputes its counter: that is not saved."""
        outer, outer_rereads = self.variant, self.rereads
        carried = set(getattr(stmt, "carried", ()))
        self.variant = _loop_variant(stmt, carried) | (outer & names_stored(stmt))
        if not counted:
            self.variant.discard(stmt.target.id)
        self.rereads = {**outer_rereads,
                        **_rereadable(stmt, self.variant, self.unrestored, self.separate)}
        self.depth += 1
        try:
            yield
        finally:
            self.depth -= 1
            self.variant, self.rereads = outer, outer_rereads

    def counter(self, count):
        """A `while` loop's iteration count: inside another loop, each of its
        iterations has its own count, saved like any value."""
        if self.depth:
            self.variant = self.variant | {count}

    def saved(self, forward, code):
        """(`forward`, then pushes; pops, then `code`): the values `code` reads that
        change between iterations, saved after the forward code, restored before the
        adjoint code."""
        names = sorted(free_reads(code) & self.variant)
        if not code or not names:
            return forward, code
        # a name `forward` does not assign holds one value throughout it: what its
        # statements saved of it again is the value restored here
        _unsave(code, set(names) - names_stored(forward))
        restore = []
        for name in [n for n in names if n in self.rereads]:
            again = assign(name, clone(self.rereads[name].value))
            again.s2s_reread = True
            restore.append(again)
        names = [n for n in names if n not in self.rereads]
        if names:
            stack = self.stack()
            push, pop = self.push(None, stack), assign(None, self.pop(stack))
            if self.shape_only is not None:  # of a value only its shape is read: that
                pop.s2s_shapes = {n: c for n in names for c in [self.shape_only(n, code)] if c}
            set_saved_names(push, pop, names)
            pop.s2s_push = push  # so `_unsave` finds the push that matches this pop
            forward = forward + [push]
            restore.append(pop)
        return forward, restore + code

    def save_once(self, forwards, codes):
        """Of a name that two statements of a block save, with no assignment to it
        between their pushes, only the later push stays (the whole value, if either
        statement reads more than its shape): its pop, which the adjoint sweep meets
        first, restores the value the earlier statement's adjoint reads.  `forwards`,
        `codes`: each statement's forward and adjoint code, in the block's order."""
        last = {}  # name -> the pop that restores it, of the latest push so far
        for forward, code in zip(forwards, codes):
            pop = next((s for s in code if hasattr(s, "s2s_push")), None)
            if pop is None or getattr(pop, "s2s_dropped", False):
                for name in names_stored(forward):
                    last.pop(name, None)
                continue
            pushed = forward[:-1] if forward and forward[-1] is pop.s2s_push else forward
            for name in names_stored(pushed):
                last.pop(name, None)
            names = _saved_names(pop)
            shapes = getattr(pop, "s2s_shapes", {})
            for name in names:
                earlier = last.get(name)
                if earlier is None:
                    continue
                if name not in getattr(earlier, "s2s_shapes", {}):
                    shapes.pop(name, None)  # the earlier adjoint reads the whole value
                kept = [n for n in _saved_names(earlier) if n != name]
                if kept:
                    set_saved_names(earlier.s2s_push, earlier, kept)
                else:
                    earlier.s2s_push.s2s_dropped = earlier.s2s_dropped = True
            set_saved_names(pop.s2s_push, pop, names)
            for name in names:
                last[name] = pop

    def keep(self, value):
        """(a statement that keeps `value` for the adjoint sweep, the expression that
        gives it back there): a name in straight-line code, the tape in a loop."""
        if self.depth:
            stack = self.stack()
            return self.push(value, stack), self.pop(stack)
        name = self.namer.fresh("overwritten")
        return assign(name, value), load(name)

    def stack(self):
        """The name of the stack a push and its pop use: the tape, or with `per_site`
        a new one."""
        if not self.per_site:
            return self.name
        name = self.namer.fresh("tape")
        self.names.add(name)
        return name

    def push(self, value, stack=None):
        """`tape.append(value)`."""
        self.used = True
        return gast.Expr(value=method_call(stack or self.name, "append",
                                           *([value] if value else [])))

    def pop(self, stack=None):
        """`tape.pop()`."""
        return method_call(stack or self.name, "pop")

    def finish(self, stmts, create=True):
        """`stmts` without the pushes and pops found unneeded, and, with `create`,
        the tape made first if it is used (a callee's tape is its caller's; stacks
        per site are made where the code is compiled, numba_target.py)."""
        stmts = _without_dropped(stmts)
        if create and self.used and not self.per_site:
            stmts.insert(0, assign(self.name, gast.List(elts=[], ctx=gast.Load())))
        return stmts


def method_call(name, method, *args):
    """`name.method(*args)`."""
    func = gast.Attribute(value=load(name), attr=method, ctx=gast.Load())
    return gast.Call(func=func, args=list(args), keywords=[])


def changed_in_place(node, read=False):
    """Names written into through an index (`y[i] = v`), appended to or popped from; with `read`,
    also names read through an index: the values the adjoint sweep restores, or
    whose adjoints it updates, in place."""
    return {
        n.value.id for n in walk(node)
        if isinstance(n, gast.Subscript) and isinstance(n.value, gast.Name)
        and (read or isinstance(n.ctx, gast.Store))
    } | {appended(n)[0] for n in walk(node) if appended(n)} | {
        popped(n) for n in walk(node) if popped(n)
    }


def free_reads(stmts):
    """Names that adjoint code reads before it assigns them itself (a value it takes
    off the tape is not read from the forward sweep)."""
    assigned, free = set(), set()
    for stmt in stmts:
        if isinstance(stmt, gast.If):
            inner = names_read(stmt.test) | free_reads(stmt.body) | free_reads(stmt.orelse)
        elif isinstance(stmt, gast.For):
            inner = names_read(stmt.iter) | (free_reads(stmt.body) - names_stored(stmt.target))
        else:
            inner = names_read(stmt)
        free |= inner - assigned
        if not isinstance(stmt, (gast.If, gast.For)):
            assigned |= names_stored(stmt)
    return free


def set_saved_names(push, pop, names):
    """`tape.append((a, b))` and `a, b = tape.pop()`, or with one name `a`; a name
    the pop marks as read for its shape alone is pushed as `shape_of(a)`."""
    shapes = getattr(pop, "s2s_shapes", {})

    def value(name):
        if name in shapes:
            return gast.Call(func=clone(shapes[name]), args=[load(name)], keywords=[])
        return load(name)

    if len(names) == 1:
        push.value.args, pop.targets = [value(names[0])], [store(names[0])]
    else:
        push.value.args = [gast.Tuple(elts=[value(n) for n in names], ctx=gast.Load())]
        pop.targets = [gast.Tuple(elts=[store(n) for n in names], ctx=gast.Store())]


def _unsave(stmts, names):
    """Take `names` out of the pushes, pops and reads again inside `stmts` (at any
    depth): their values are restored already.  What is left with nothing is
    dropped."""
    for stmt in stmts:
        if getattr(stmt, "s2s_reread", False) and stmt.targets[0].id in names:
            stmt.s2s_dropped = True
        push = getattr(stmt, "s2s_push", None)
        if push is not None and names_stored(stmt.targets[0]) & names:
            kept = [n for n in _saved_names(stmt) if n not in names]
            if kept:
                set_saved_names(push, stmt, kept)
            else:
                push.s2s_dropped = stmt.s2s_dropped = True
        for field in ("body", "orelse"):
            _unsave(getattr(stmt, field, []), names)


def _saved_names(pop):
    target = pop.targets[0]
    return [e.id for e in target.elts] if isinstance(target, gast.Tuple) else [target.id]


def _without_dropped(stmts):
    """`stmts` without the statements `_unsave` dropped, at any depth."""
    kept = []
    for stmt in stmts:
        if getattr(stmt, "s2s_dropped", False):
            continue
        for field in ("body", "orelse", "finalbody"):
            if getattr(stmt, field, None):
                setattr(stmt, field, _without_dropped(getattr(stmt, field)) or [gast.Pass()])
        for handler in getattr(stmt, "handlers", []):  # a `try` (normalize/statements.py)
            handler.body = _without_dropped(handler.body) or [gast.Pass()]
        kept.append(stmt)
    return kept


def _loop_variant(loop, carried):
    """Names whose values can differ between iterations of `loop`: everything it
    assigns, except names assigned once (anywhere in it) from values that do not
    vary and without calls (`t1 = -k` holds the same value every time; `t2 = y[0]`
    does not when the loop writes into `y`)."""
    assigned = names_stored(loop)
    counts = bound_counts(loop)
    # arrays and lists changed in place: what is read from them varies too, but the
    # adjoint sweep restores them in place, so they themselves are not saved
    written = changed_in_place(loop)
    changed = written - assigned - carried
    variant = carried | changed | (assigned if isinstance(loop, gast.While) else set())
    if isinstance(loop, gast.For):
        variant.add(loop.target.id)
    candidates = [  # a list the loop appends to is a new list every iteration
        s for s in walk(loop)
        if isinstance(s, gast.Assign) and isinstance(s.targets[0], gast.Name)
        and counts[s.targets[0].id] == 1 and s.targets[0].id not in written
        and not any(isinstance(n, gast.Call) for n in walk(s.value))
    ]
    variant |= assigned - {s.targets[0].id for s in candidates}
    grew = True
    while grew:
        grew = False
        for s in candidates:
            name = s.targets[0].id
            if name not in variant and names_read(s.value) & variant:
                variant.add(name)
                grew = True
    return variant - changed


def _rereadable(loop, variant, unrestored=(), separate=(frozenset(), frozenset())):
    """Names the body of `loop` assigns once, unconditionally, by indexing, `x =
    xs[i]`, where neither `xs` nor the index changes from one iteration to the next,
    the loop writes into no array or dict (`xs` may be a view of one) but parts no
    read in the loop sees (`unrestored`: `y[t + 1] = f(y[t])`) or arrays made in the
    function where `xs` is a parameter (`separate`: `c[i, j] += a[i, k] * b[k, j]`),
    and appends to no list but others: `xs[i]` reads in the adjoint sweep what it
    read in the forward sweep.  Name -> its assignment."""
    unseen = {id(n.targets[0]) for n in walk(loop) if id(n) in unrestored}
    written = [n.value for n in walk(loop) if isinstance(n, gast.Subscript)
               and isinstance(n.ctx, gast.Store) and id(n) not in unseen]
    made_here, given = separate
    if any(not (isinstance(w, gast.Name) and w.id in made_here) for w in written):
        return {}
    sources = given if written else None  # (what `xs` may be; None: any name)
    # (an array written only where no read in the loop sees: its reads read again)
    appended_to = changed_in_place(loop) - {
        n.targets[0].value.id for n in walk(loop) if id(n) in unrestored
    }
    counts = bound_counts(loop)
    return {
        s.targets[0].id: s for s in loop.body
        if isinstance(s, gast.Assign) and isinstance(s.targets[0], gast.Name)
        and counts[s.targets[0].id] == 1
        and (
            isinstance(s.value, gast.Subscript) and isinstance(s.value.value, gast.Name)
            or isinstance(loop, gast.For) and isinstance(loop.target, gast.Name)
            and counter_offset(s.value, loop.target.id) is not None  # `j = i + 1`
        )
        and not names_read(s.value) & (variant | appended_to)
        and (sources is None or not isinstance(s.value, gast.Subscript)
             or s.value.value.id in sources)
    }
