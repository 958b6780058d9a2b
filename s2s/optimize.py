"""Optimize: tidy a generated function without changing what it computes.

In: the function the reverse (or forward) transform wrote.  Out: the same function
- with arithmetic on constants folded (`x ** (2 - 1)` is `x`),
- without adjoint statements whose values nothing reads (dead code), nor the
  function's own pure assignments that nothing reads (analysis/purity.py),
- without copies between adjoints (`dt3 = dt4`) where one name can serve,
- with each single-use, derivative-free temporary of A-normal form put back into
  the statement that uses it (`n = x.shape[0]` rather than `t1 = x.shape; n = t1[0]`),
- without comments that head no code.
Of the user's own statements, only pure assignments are ever removed, so their side
effects stay as written.
"""

import operator

import gast

from . import runtime
from .markup import is_comment
from .progress import step
from .syntax import clone, constant, load, names_read, names_stored, popped, statements, walk

FOLD = {
    gast.Add: operator.add,
    gast.Sub: operator.sub,
    gast.Mult: operator.mul,
    gast.Div: operator.truediv,
    gast.Pow: operator.pow,
}


class Fold(gast.NodeTransformer):
    """Fold arithmetic on numeric constants; `e ** 1`, `e * 1`, `1 * e`, `e / 1` are `e`.

    An assignment's whole value is folded into a bare name only where neither name
    is updated in place (`changed`): `dx = dz * 1.0` makes a new array that the
    reverse pass may update in place, `dx = dz` would not.
    """

    def __init__(self, changed=frozenset()):
        self.changed = changed

    def visit_Assign(self, node):
        value = node.value
        folded = self.visit(value)
        if not (isinstance(folded, gast.Name) and not isinstance(value, gast.Name)) or (
            isinstance(node.targets[0], gast.Name)
            and not {node.targets[0].id, folded.id} & self.changed
        ):
            node.value = folded
        return node

    def visit_BinOp(self, node):
        self.generic_visit(node)
        left, right = node.left, node.right
        if _number(left) and _number(right) and type(node.op) in FOLD:
            try:
                return gast.Constant(value=FOLD[type(node.op)](left.value, right.value), kind=None)
            except (ArithmeticError, ValueError):
                return node
        # adjoint values are floats, so multiplying or dividing by 1 changes nothing
        if _number(right) and right.value == 1:
            if isinstance(node.op, (gast.Pow, gast.Mult, gast.Div)):
                return left
        if _number(left) and left.value == 1 and isinstance(node.op, gast.Mult):
            return right
        return node


LOOPS = (gast.For, gast.While)


def _number(node):
    return isinstance(node, gast.Constant) and type(node.value) in (int, float)


def fold_constants(stmts, changed):
    """`changed`: the names that must not become another's alias (`unaliasable`)."""
    for stmt in stmts:
        if getattr(stmt, "s2s_adjoint", False) and not isinstance(stmt, LOOPS):
            Fold(changed).visit(stmt)
        elif isinstance(stmt, (gast.If,) + LOOPS):
            fold_constants(stmt.body, changed)
            fold_constants(stmt.orelse, changed)


def unaliasable(fn):
    """Names that must keep an array of their own, not become another name's alias:
    those whose values something may change in place (`updated_in_place`), and what
    the function returns, which its caller may change (the gradients it hands back
    are new arrays unless `cast_like` copies them)."""
    returned = {n for node in walk(fn) if isinstance(node, gast.Return) for n in names_read(node)}
    return updated_in_place(fn) | returned


def updated_in_place(code):
    """Names whose values `code` may change in place: written into, `+=`-ed, passed
    to a call made for its effect (`add_at(dx, i, g)`), appended to or popped."""
    changed = set()
    for node in walk(code):
        if isinstance(node, gast.Subscript) and isinstance(node.ctx, gast.Store):
            changed |= {n.id for n in walk(node.value) if isinstance(n, gast.Name)}
        elif isinstance(node, gast.AugAssign):
            changed |= {n.id for n in walk(node.target) if isinstance(n, gast.Name)}
        elif isinstance(node, gast.Expr) and isinstance(node.value, gast.Call):
            changed |= {n.id for n in walk(node.value) if isinstance(n, gast.Name)}
        elif isinstance(node, gast.Call) and isinstance(node.func, gast.Attribute):
            changed |= {n.id for n in walk(node.func.value) if isinstance(n, gast.Name)}
    return changed


def eliminate_dead_code(stmts, live, removable=frozenset()):
    """Remove adjoint assignments, and the pure ones among the function's own
    (`removable`: their ids), whose targets are not read later; `live` holds the
    names read after `stmts`.  Returns the kept statements and updates `live`."""
    kept = []
    for stmt in reversed(stmts):
        if isinstance(stmt, LOOPS):
            # what the body reads may be read again on the next iteration
            live |= names_read(stmt)
            stmt.body = eliminate_dead_code(stmt.body, set(live), removable) or [gast.Pass()]
            live |= names_read(stmt)
            kept.append(stmt)
            continue
        if isinstance(stmt, gast.If):
            live_body, live_else = set(live), set(live)
            stmt.body = eliminate_dead_code(stmt.body, live_body, removable)
            stmt.orelse = eliminate_dead_code(stmt.orelse, live_else, removable)
            if getattr(stmt, "s2s_adjoint", False) and not any(
                not is_comment(s) for s in stmt.body + stmt.orelse
            ):
                continue
            if not stmt.body:
                stmt.body = [gast.Pass()]
            live |= live_body | live_else | names_read(stmt.test)
            kept.append(stmt)
            continue
        if (
            (getattr(stmt, "s2s_adjoint", False) or getattr(stmt, "s2s_placeholder", False)
             or id(stmt) in removable)
            and isinstance(stmt, gast.Assign)
            and isinstance(stmt.targets[0], gast.Name)
            and stmt.targets[0].id not in live
        ):
            continue
        if isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name):
            live.discard(stmt.targets[0].id)
            live |= names_read(stmt.value)
        else:
            live |= names_read(stmt)
        kept.append(stmt)
    kept.reverse()
    return kept


def inline_temporaries(stmts, temporaries, uses, active, derivatives=False):
    """Put each single-use, inactive temporary back into the statement right after it
    (`derivatives`: derivative statements' temporaries too, as forward mode's are)."""
    out = []
    for stmt in stmts:
        if isinstance(stmt, LOOPS):
            stmt.body = inline_temporaries(stmt.body, temporaries, uses, active, derivatives)
        if isinstance(stmt, gast.If):
            stmt.body = inline_temporaries(stmt.body, temporaries, uses, active, derivatives)
            stmt.orelse = inline_temporaries(stmt.orelse, temporaries, uses, active,
                                             derivatives)
        while (out and _inlinable(out[-1], temporaries, uses, active, derivatives)
               and _reads_once(stmt, out[-1])):
            previous = out.pop()
            stmt = _Replace(previous.targets[0].id, previous.value).visit(stmt)
        out.append(stmt)
    return out


def _inlinable(stmt, temporaries, uses, active, derivatives=False):
    if not (isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name)):
        return False
    name = stmt.targets[0].id
    return (
        name in temporaries
        and not popped(stmt)  # (a value taken off a list stays a statement of its own:
        # forward mode over a generated gradient mirrors pops as statements only)
        and name not in active
        and uses.get(name, 0) == 1
        and (derivatives or not getattr(stmt, "s2s_adjoint", False))
    )


def _reads_once(stmt, previous):
    name = previous.targets[0].id
    if isinstance(stmt, (gast.If,) + LOOPS):
        return False  # conditions and loop bounds stay named; both sweeps read them
    return sum(
        1 for n in walk(stmt) if isinstance(n, gast.Name) and n.id == name
    ) == 1


class _Replace(gast.NodeTransformer):
    def __init__(self, name, value):
        self.name, self.value = name, value

    def visit_Name(self, node):
        return self.value if node.id == self.name else node


def count_uses(stmts):
    uses = {}
    for stmt in stmts:
        for node in walk(stmt):
            if isinstance(node, gast.Name) and isinstance(node.ctx, gast.Load):
                uses[node.id] = uses.get(node.id, 0) + 1
    return uses


def propagate_copies(fn, adjoint_names):
    """`dt3 = dt4` between adjoints: read `dt4` where `dt3` was read, when `dt3` is
    assigned only there and `dt4` never again afterwards (so they hold one value).
    Replacing reads changes no name's stores, so every such copy is found in one scan
    (a chain `dt2 = dt3`, `dt3 = dt4` reads `dt4` for both)."""
    stmts = list(statements(fn.body))
    last_store, stores = {}, {}
    for position, (stmt, _) in enumerate(stmts):
        targets = stmt.targets if isinstance(stmt, gast.Assign) else (
            [stmt.target] if isinstance(stmt, gast.AugAssign) else []
        )
        for target in targets:
            for node in walk(target):
                if isinstance(node, gast.Name):
                    last_store[node.id] = position
                    stores[node.id] = stores.get(node.id, 0) + 1
    copies = {}  # copy -> (original, the statement copying)
    for position, (stmt, in_loop) in enumerate(stmts):
        if (
            not in_loop  # a loop's next iteration may read the copy after the original changed
            and getattr(stmt, "s2s_adjoint", False)
            and isinstance(stmt, gast.Assign)
            and isinstance(stmt.targets[0], gast.Name)
            and isinstance(stmt.value, gast.Name)
            and {stmt.targets[0].id, stmt.value.id} <= adjoint_names
            and stores[stmt.targets[0].id] == 1
            and last_store.get(stmt.value.id, -1) < position
        ):
            copies[stmt.targets[0].id] = (stmt.value.id, stmt)
    if not copies:
        return fn

    def original(name):
        while name in copies:
            name = copies[name][0]
        return name

    fn.body = _without(fn.body, {id(stmt) for _, stmt in copies.values()})
    _Rename({copy: original(copy) for copy in copies}).visit(fn)
    return fn


class _Rename(gast.NodeTransformer):
    def __init__(self, names):
        self.names = names

    def visit_Name(self, node):
        if node.id in self.names:
            node.id = self.names[node.id]
        return node


def _without(stmts, removed):
    out = []
    for stmt in stmts:
        if id(stmt) in removed:
            continue
        if isinstance(stmt, (gast.If,) + LOOPS):
            stmt.body = _without(stmt.body, removed) or [gast.Pass()]
            stmt.orelse = _without(stmt.orelse, removed)
        out.append(stmt)
    return out


def write_parts_in_place(stmts, uses, imports):
    """`dx = f(a, b)` and later `dy = zeros_like(y)`, `dy[i] += dx`, where `f` can write
    its result into an array it is given (`writes_into`), `dx` is read nowhere else and
    nothing in between changes `a`, `b` or `i`: `dy[i] = f(a, b, out=dy[i])`, and for
    a slice `i`, `dy = zeros_outside(y, i)`.  A first contribution to part of an
    adjoint then makes no temporary the size of the part, and the part's memory is
    written once, not zeroed first and added to.  `imports`: the generated module's."""
    out = []
    for stmt in stmts:
        for field in ("body", "orelse"):
            if isinstance(stmt, (gast.If,) + LOOPS):
                setattr(stmt, field, write_parts_in_place(getattr(stmt, field), uses, imports))
        position = _part_written(out, stmt, uses, imports.object_named)
        if position is not None:
            call, index, zeros = out.pop(position).value, stmt.target.slice, out[-1].value
            call.keywords = [gast.keyword(
                arg="out", value=gast.Subscript(value=clone(stmt.target.value),
                                                slice=clone(index), ctx=gast.Load()))]
            stmt = gast.copy_location(
                gast.Assign(targets=[stmt.target], value=call, type_comment=None), stmt)
            stmt.s2s_adjoint = True
            if isinstance(index, gast.Slice) and index.step is None:
                bounds = [clone(b) if b is not None else constant(None)
                          for b in (index.lower, index.upper)]
                part = gast.Call(func=load("slice"), args=bounds, keywords=[])
                zeros.func = imports.reference(runtime.zeros_outside)
                zeros.args.append(part)
        out.append(stmt)
    return out


def _part_written(before, stmt, uses, helper):
    """The position in `before` of `dx = f(...)` when `stmt` is `dy[i] += dx` right
    after `dy = zeros_like(y)` and the call can move to it; else None.  `helper(name)`:
    the runtime object a name stands for."""
    if not (isinstance(stmt, gast.AugAssign) and isinstance(stmt.op, gast.Add)
            and isinstance(stmt.target, gast.Subscript) and isinstance(stmt.value, gast.Name)
            and uses.get(stmt.value.id) == 1 and before):
        return None
    base, zeros = stmt.target.value, before[-1]
    if not (isinstance(base, gast.Name) and isinstance(zeros, gast.Assign)
            and isinstance(zeros.targets[0], gast.Name) and zeros.targets[0].id == base.id
            and isinstance(zeros.value, gast.Call) and isinstance(zeros.value.func, gast.Name)
            and helper(zeros.value.func.id) is runtime.zeros_like):
        return None
    for position in range(len(before) - 2, -1, -1):
        made = before[position]
        if stmt.value.id in names_stored(made):
            break
    else:
        return None
    if not (getattr(made, "s2s_adjoint", False) and isinstance(made, gast.Assign)
            and isinstance(made.targets[0], gast.Name) and isinstance(made.value, gast.Call)):
        return None
    call = made.value
    if not (isinstance(call.func, gast.Name) and not call.keywords
            and getattr(helper(call.func.id), "writes_into", False)):
        return None
    read = names_read(call) | names_read(stmt.target.slice)
    for between in before[position + 1:]:
        if (names_stored(between) | updated_in_place(between)) & read:
            return None
    return position


def keep_parts_in_place(stmts, imports):
    """`a = snapshot(dy[i])` (or `a = dy[i]`, a number the reverse pass took as it is,
    from a list of numbers), `dy[i] = 0.0`, then `dy[i] += a` (or a copy of `a`), with
    nothing between that reads or writes `dy`, changes `a` or the names in `i`:
    without the zeroing and the addition, which give `dy[i]` its own value back.  (The
    adjoint of `y[i] = y[i] + e`: the part is taken for `e` and passed on to the old
    `y[i]`, unchanged.)  `imports`: the generated module's."""
    removed = set()
    for stmt in stmts:
        for field in ("body", "orelse"):
            if isinstance(stmt, (gast.If,) + LOOPS):
                setattr(stmt, field, keep_parts_in_place(getattr(stmt, field), imports))
    for position, stmt in enumerate(stmts[:-1]):
        part = _snapshot_of_part(stmt, imports)
        zero = stmts[position + 1]
        if part is None or not (  # (adjoint statements only: never the user's own)
                _adjoint(stmt) and _adjoint(zero)
                and isinstance(zero, gast.Assign) and _same(zero.targets[0], part)
                and isinstance(zero.value, gast.Constant) and zero.value.value == 0.0):
            continue
        copies = {stmt.targets[0].id}
        fixed = copies | names_read(part.slice)
        for later in stmts[position + 2:]:
            if (_adjoint(later) and isinstance(later, gast.AugAssign)
                    and isinstance(later.op, gast.Add)
                    and _same(later.target, part) and isinstance(later.value, gast.Name)
                    and later.value.id in copies):
                removed |= {id(zero), id(later)}
                break
            if part.value.id in names_read(later) | names_stored(later) or (
                    (names_stored(later) | updated_in_place(later)) & fixed):
                break
            if (isinstance(later, gast.Assign) and isinstance(later.targets[0], gast.Name)
                    and isinstance(later.value, gast.Name) and later.value.id in copies):
                copies.add(later.targets[0].id)
                fixed.add(later.targets[0].id)
    return _without(stmts, removed)


def _adjoint(stmt):
    return getattr(stmt, "s2s_adjoint", False)


def _snapshot_of_part(stmt, imports):
    """`dy[i]` where `stmt` is `a = snapshot(dy[i])` or `a = dy[i]`, else None.  (Where
    `dy[i] = 0.0` follows, `a` is a number: a view would be zeroed with the part.)"""
    if not (isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name)):
        return None
    part = stmt.value
    if (isinstance(part, gast.Call) and isinstance(part.func, gast.Name)
            and imports.object_named(part.func.id) is runtime.snapshot
            and len(part.args) == 1 and not part.keywords):
        part = part.args[0]
    if isinstance(part, gast.Subscript) and isinstance(part.value, gast.Name):
        return part
    return None


def _same(a, b):
    """The same expression, as written (its context aside)."""
    return (isinstance(a, gast.Subscript) and isinstance(b, gast.Subscript)
            and isinstance(a.value, gast.Name) and isinstance(b.value, gast.Name)
            and a.value.id == b.value.id and gast.dump(a.slice) == gast.dump(b.slice))


def fold_negations(stmts, uses):
    """`a = -b` then `c = a * k` (or `k * a`, `a / k`), `k` a number and `a` read once:
    `c = b * -k`, one operation on arrays rather than two; `a = -(e)` then `c = -a`:
    `c = e`."""
    out = []
    for stmt in stmts:
        for field in ("body", "orelse"):
            if isinstance(stmt, (gast.If,) + LOOPS):
                setattr(stmt, field, fold_negations(getattr(stmt, field), uses))
        negation = out[-1] if out else None
        if not (_read_once_negation(negation, uses) and getattr(stmt, "s2s_adjoint", False)
                and isinstance(stmt, gast.Assign)):
            out.append(stmt)
            continue
        name, value, negated = negation.targets[0].id, stmt.value, negation.value.operand
        if (isinstance(value, gast.UnaryOp) and isinstance(value.op, gast.USub)
                and _is_name(value.operand, name)):  # `c = -a`
            stmt.value = negated
            out.pop()
        elif isinstance(value, gast.BinOp) and isinstance(negated, gast.Name):
            if isinstance(value.op, (gast.Mult, gast.Div)) and _is_name(value.left, name) \
                    and _number(value.right):
                value.left, value.right = load(negated.id), constant(-value.right.value)
                out.pop()
            elif isinstance(value.op, gast.Mult) and _is_name(value.right, name) \
                    and _number(value.left):
                value.left, value.right = load(negated.id), constant(-value.left.value)
                out.pop()
        out.append(stmt)
    return out


def _read_once_negation(stmt, uses):
    """Whether `stmt` is an adjoint's `a = -(...)` whose `a` is read once."""
    return (stmt is not None and getattr(stmt, "s2s_adjoint", False)
            and isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name)
            and isinstance(stmt.value, gast.UnaryOp) and isinstance(stmt.value.op, gast.USub)
            and uses.get(stmt.targets[0].id) == 1)


def _is_name(node, name):
    return isinstance(node, gast.Name) and node.id == name


def drop_empty_comments(stmts):
    out = []
    for stmt in stmts:
        if isinstance(stmt, (gast.If,) + LOOPS):
            stmt.body = drop_empty_comments(stmt.body) or [gast.Pass()]
            stmt.orelse = drop_empty_comments(stmt.orelse)
        if out and is_comment(out[-1]) and (is_comment(stmt) or isinstance(stmt, gast.Return)):
            out.pop()
        out.append(stmt)
    if out and is_comment(out[-1]):
        out.pop()
    return out


def optimize(fn, temporaries, active, adjoint_names, forward=False, removable=frozenset(),
             imports=None):
    """`forward`: a forward-mode function, whose tangents are computed as the values
    are, so that a temporary used once (a value's or a tangent's) can always be put
    back where it is used.  `removable`: the ids of the function's own assignments
    that may go where nothing reads them (analysis/purity.py).  `imports`: the
    generated module's, to write parts of adjoints in place (reverse mode)."""
    step(f"{fn.name}: optimizing")
    fold_constants(fn.body, unaliasable(fn))
    if imports is not None:
        fn.body = keep_parts_in_place(fn.body, imports)
    fn.body = eliminate_dead_code(fn.body, set(), removable)
    fn = propagate_copies(fn, adjoint_names)
    if forward:  # (`temporaries` holds the tangents of temporaries too)
        active = set()
    fn.body = inline_temporaries(fn.body, temporaries, count_uses(fn.body), active, forward)
    if imports is not None:
        fn.body = fold_negations(fn.body, count_uses(fn.body))
        fn.body = write_parts_in_place(fn.body, count_uses(fn.body), imports)
    fn.body = drop_empty_comments(fn.body)
    return fn
