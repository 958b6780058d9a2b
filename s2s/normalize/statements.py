"""Statements: `try` and `with` become the core language's `if`s; the code that the
modes write from those `if`s becomes `try` and `with` again (`rebuild`).

In: a checked `FunctionDef` (before normalize/hooks.py).  Out: the same function where
- `with np.errstate(...):`, `with warnings.catch_warnings():`, `with
  contextlib.nullcontext():` (managers that change no value) is `if _s2s_with_:` with
  the block: the body is differentiated as if the `with` were not there;
- `try: S1; S2 except E as e: H else: L finally: F` is
      ran = bool(); ran_1 = bool(); caught = bool(); e_1 = bool()
      if ran: S1
      if ran_1: S2
      if caught: H        (one `elif` per handler)
      else: L
      if _s2s_finally_: F
  where `ran` says that S1 completed and `caught` that the handler ran: the adjoint
  of each statement runs only where the statement ran;
- any other manager, and forms whose partial runs the adjoint could not follow
  (`return`, `break`, `continue` in a `try`, a compound statement in a `try` body),
  an `Unsupported` error at its line.
The function's `s2s_structures` maps the names these `if`s test to what they stand for.

`rebuild(stmts, structures, ...)`, which reverse.py and forward.py call on each block
of code they write, turns the forward code of such `if`s back into the `try` (setting
the flags the adjoint reads) or `with`, and `unwrap(stmts, structures)` the adjoint
code of the `with` and `finally` blocks into their statements (inside the `with` for
`np.errstate`, whose warnings the adjoint may raise too).
"""

import contextlib
import warnings

import gast
import numpy

from ..errors import Unsupported, error_at
from ..markers import checkpoint, grad_of
from ..syntax import assign, clone, constant, dotted, load, located, names_read, walk

# managers that change no value: (does the adjoint run inside it too?)
QUIET = {numpy.errstate: True, warnings.catch_warnings: False, contextlib.nullcontext: False}
SIMPLE = (gast.Assign, gast.AugAssign, gast.AnnAssign, gast.Expr, gast.Pass, gast.Assert,
          gast.Raise)


def lower_statements(fn, source, operations, namer, forward=False):
    """`forward`: for forward mode, where a `try` body may hold `if`s of simple
    statements (a conditional expression in A-normal form, in a generated gradient
    that forward mode differentiates again): its tangents follow its values."""
    lowering = _Lowering(source, operations, namer)
    lowering.fn, lowering.forward = fn, forward
    fn.body = lowering.block(fn.body)
    fn.s2s_structures = {**getattr(fn, "s2s_structures", {}), **lowering.structures}
    return fn


class _Lowering:
    def __init__(self, source, operations, namer):
        self.source, self.operations, self.namer = source, operations, namer
        self.structures = {}

    def refuse(self, node, message):
        raise error_at(node, message, self.source, Unsupported)

    def block(self, stmts):
        out = []
        for stmt in stmts:
            if isinstance(stmt, gast.With):
                out += self.with_(stmt)
            elif isinstance(stmt, gast.Try):
                out += self.try_(stmt)
            else:
                for field in ("body", "orelse"):
                    if isinstance(stmt, (gast.If, gast.For, gast.While)):
                        setattr(stmt, field, self.block(getattr(stmt, field)))
                out.append(stmt)
        return out

    def manager(self, item):
        call = item.context_expr
        meaning = self.operations.resolve(call.func) if isinstance(call, gast.Call) else None
        return call, meaning

    def with_(self, stmt):
        meanings = [self.manager(item)[1] for item in stmt.items]
        if any(m in (grad_of, checkpoint) for m in meanings):
            return [stmt]  # normalize/hooks.py, normalize/checkpoints.py
        managers = []
        for item, meaning in zip(stmt.items, meanings):
            call = item.context_expr
            name = dotted(call.func if isinstance(call, gast.Call) else call, "...")
            if meaning is contextlib.suppress:
                self.refuse(stmt, f"with {name}(...) is not supported (it swallows "
                            "exceptions): write try/except ... pass instead")
            if meaning not in QUIET:
                self.refuse(stmt, f"with {name}(...) is not supported: only managers "
                            "that change no value (np.errstate, warnings.catch_warnings, "
                            "contextlib.nullcontext) and s2s.grad_of, s2s.checkpoint")
            if item.optional_vars is not None:
                self.refuse(stmt, f"with {name}(...) as ... is not supported")
            if names_read(call) & self.operations.local_names:
                self.refuse(stmt, f"with {name}(...) reading the function's variables "
                            "is not supported")
            managers.append((call, QUIET[meaning]))
        body, setup = list(stmt.body), []
        if meanings[-1] is warnings.catch_warnings:
            # `warnings.simplefilter(...)` first: part of the manager, around both sweeps
            while body and _filters(body[0], self.operations):
                setup.append(body.pop(0))
                managers[-1] = (managers[-1][0], True)
        test = self.namer.fresh("_s2s_with_")
        self.structures[test] = {"kind": "with", "managers": managers, "setup": setup}
        return [located(gast.If(test=load(test), body=self.block(body) or [gast.Pass()],
                                orelse=[]), stmt)]

    def try_(self, stmt):
        for node in walk(stmt):
            if isinstance(node, (gast.Return, gast.Break, gast.Continue)):
                self.refuse(node, f"{type(node).__name__.lower()} inside a try statement "
                            "is not supported")
        for inner in stmt.body:
            if not _atomic(inner, self.fn, self.forward):
                self.refuse(inner, f"a {type(inner).__name__.lower()} statement inside a try "
                            "body is not supported (s2s differentiates the statements of "
                            "a try body that completed: simple statements only)")
        info = {"kind": "try", "node": stmt, "steps": [], "handlers": [],
                "finally": None, "markers": set(), "length": self.namer.fresh("tape_length")}
        out = []
        for _ in stmt.body:
            info["steps"].append(self.namer.fresh("ran"))
        handlers = []
        for handler in stmt.handlers:
            flag = self.namer.fresh("caught")
            body = handler.body
            name = None
            if handler.name is not None:
                name = self.namer.fresh(handler.name.id)
                body = [_rename(clone(s), handler.name.id, name) for s in body]
                info["markers"].add(name)
            info["handlers"].append((flag, handler.type, name))
            handlers.append((flag, handler, self.block(body)))
        for flag in info["steps"] + [h[0] for h in info["handlers"]] + sorted(info["markers"]):
            out.append(located(assign(flag, gast.Call(func=load("bool"), args=[],
                                                      keywords=[])), stmt))
        for flag, inner in zip(info["steps"], stmt.body):
            out.append(located(gast.If(test=load(flag), body=[inner], orelse=[]), inner))
        if handlers:
            chain = self.block(stmt.orelse)
            for flag, handler, body in reversed(handlers):
                chain = [located(gast.If(test=load(flag), body=body or [gast.Pass()],
                                         orelse=chain), handler)]
            out += chain
        if stmt.finalbody:
            info["finally"] = self.namer.fresh("_s2s_finally_")
            out.append(located(gast.If(test=load(info["finally"]),
                                       body=self.block(stmt.finalbody), orelse=[]),
                               stmt.finalbody[0]))
        names = info["steps"] + [h[0] for h in info["handlers"]] + sorted(info["markers"])
        for name in names + ([info["finally"]] if info["finally"] else []):
            self.structures[name] = info
        return out


def _atomic(stmt, fn, forward=False):
    """A statement that either completes or changes nothing a later statement reads:
    a simple statement, or an `if` whose branches are simple statements of which all
    but the last set names that only the branch reads (as a conditional expression
    becomes), or append (which does not raise)."""
    if not isinstance(stmt, gast.If):
        return isinstance(stmt, SIMPLE)
    if forward:
        return all(_atomic(s, fn, forward) for s in stmt.body + stmt.orelse)

    def loads(node, name):
        return sum(1 for n in walk(node) if isinstance(n, gast.Name) and n.id == name
                   and isinstance(n.ctx, gast.Load))

    def private(s, branch):
        if isinstance(s, gast.Expr) and isinstance(s.value, gast.Call) and isinstance(
                s.value.func, gast.Attribute) and s.value.func.attr == "append":
            return True
        return (isinstance(s, gast.Assign) and isinstance(s.targets[0], gast.Name)
                and loads(fn, s.targets[0].id) == sum(loads(b, s.targets[0].id)
                                                      for b in branch))

    return all(
        all(_atomic(s, fn) for s in branch) and all(private(s, branch) for s in branch[:-1])
        for branch in (stmt.body, stmt.orelse)
    )


def _filters(stmt, operations):
    """Whether `stmt` is `warnings.simplefilter(...)` or `warnings.filterwarnings(...)`
    on constants."""
    call = stmt.value if isinstance(stmt, gast.Expr) else None
    return (isinstance(call, gast.Call)
            and operations.resolve(call.func) in (warnings.simplefilter,
                                                  warnings.filterwarnings)
            and not names_read(call) & operations.local_names)


def _rename(node, old, new):
    for n in walk(node):
        if isinstance(n, gast.Name) and n.id == old:
            n.id = new
    return node


def _test(stmt):
    if isinstance(stmt, gast.If) and isinstance(stmt.test, gast.Name):
        return stmt.test.id
    return None


def _marker(stmt, structures):
    """The structure whose marker `name = bool()` `stmt` is, or None."""
    if (isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name)
            and stmt.targets[0].id in structures and isinstance(stmt.value, gast.Call)):
        return structures[stmt.targets[0].id]
    return None


def _body(stmts):
    return [s for s in stmts if not isinstance(s, gast.Pass)]


def _with(info, body):
    items = [gast.withitem(context_expr=clone(call), optional_vars=None)
             for call, _ in info["managers"]]
    setup = [clone(s) for s in info.get("setup", [])]
    return gast.With(items=items, body=(setup + body) or [gast.Pass()], type_comment=None)


def unwrap(stmts, structures):
    """Adjoint code: the `if`s of `with` and `finally` blocks as their statements."""
    if not structures:
        return stmts
    out = []
    for stmt in stmts:
        info = structures.get(_test(stmt))
        if info is not None and info["kind"] == "with":
            body = _body(stmt.body)
            if any(around for _, around in info["managers"]) and body:
                out.append(located(_with(info, body), stmt))
            else:
                out += body
        elif info is not None and _test(stmt) == info.get("finally"):
            out += _body(stmt.body)
        else:
            out.append(stmt)
    return out


def rebuild(stmts, structures, source, tape=None, used=frozenset(), drop_after=None):
    """Forward code: the `if`s of `with` and `try` statements as those statements.
    `tape`: the tape's name (reverse mode); `used`: the flags the adjoint reads;
    `drop_after`: the expression naming the runtime's `drop_after`."""
    if not structures:
        return stmts
    out, position = [], 0
    while position < len(stmts):
        stmt = stmts[position]
        info = structures.get(_test(stmt)) or _marker(stmt, structures)
        if info is None:
            out.append(stmt)
            position += 1
        elif info["kind"] == "with":
            out.append(located(_with(info, _body(stmt.body)), stmt))
            position += 1
        else:
            position = _try(stmts, position, info, out, source, tape, used, drop_after)
    return out


def _is_push(stmt, tape):
    call = stmt.value if isinstance(stmt, gast.Expr) else None
    return (
        tape is not None and isinstance(call, gast.Call)
        and isinstance(call.func, gast.Attribute) and call.func.attr == "append"
        and isinstance(call.func.value, gast.Name) and call.func.value.id == tape
        and not any(isinstance(n, gast.Subscript) for n in walk(call))
    )


def _try(stmts, position, info, out, source, tape, used, drop_after=None):
    """Rebuild the `try` whose lowered form starts at `stmts[position]`; returns the
    position after it."""
    node = info["node"]

    def refuse(message):
        raise error_at(node, message, source, Unsupported)

    steps, handlers = info["steps"], info["handlers"]
    expected = set(steps) | ({handlers[0][0]} if handlers else set()) | (
        {info["finally"]} if info["finally"] else set())
    body, copies, pushes, chain, final, after = [], [], [], None, [], []
    phase = "steps"
    # A body that calls a function of the user's, which pushes onto the tape itself:
    # each statement's pushes stay where they are, the tape's length is kept after
    # each statement that completes, and a handler first drops what the statement
    # that raised had pushed.  (Otherwise the pushes wait until the body completes.)
    length = info["length"]
    calls = tape is not None and any(
        tape in names_read(s) and not _is_push(s, tape)
        for s0 in stmts[position:] if _test(s0) in steps for s in _body(s0.body))
    while expected:
        if position >= len(stmts):
            refuse("this try statement could not be rebuilt (internal error)")
        stmt = stmts[position]
        position += 1
        test = _test(stmt)
        if _marker(stmt, {n: info for n in info["markers"] | set(steps)
                          | {h[0] for h in handlers}}):
            continue
        if test in steps:
            expected.discard(test)
            inner = []
            for s in _body(stmt.orelse):  # version copies, where the statement did not run
                if tape is not None and tape in names_read(s):
                    refuse("this try statement is not supported here (its values "
                           "would go on the tape)")
            if _body(stmt.orelse):
                used = used | {test}
                copies.append(gast.If(test=gast.UnaryOp(op=gast.Not(), operand=load(test)),
                                      body=_body(stmt.orelse), orelse=[]))
            for s in _body(stmt.body):
                if _is_push(s, tape) and not calls:
                    inner.append(s)
                elif tape is not None and tape in names_read(s) and not calls:
                    refuse("a try body that writes into an array inside a loop is not "
                           "supported")
                else:
                    body.append(s)
            if test in used:
                body.append(assign(test, constant(True)))
            if calls and any(tape in names_read(s) for s in _body(stmt.body)):
                body.append(assign(length, _length(tape)))
            if inner:
                pushes.append(gast.If(test=load(test), body=inner, orelse=[]))
        elif handlers and test == handlers[0][0]:
            expected.discard(test)
            chain, phase = stmt, "handlers"
        elif test is not None and test == info["finally"]:
            expected.discard(test)
            final, phase = _body(stmt.body), "finally"
        elif phase == "steps" and len(expected) == len(steps) + bool(handlers) + bool(
                info["finally"]) and not _is_push(stmt, tape):
            out.append(stmt)  # before the first statement of the try (a placeholder)
        elif _is_push(stmt, tape) or phase == "finally":
            {"steps": pushes, "handlers": after, "finally": after}[phase].append(stmt)
        else:
            refuse("this try statement could not be rebuilt (internal error)")
    later = []
    while position < len(stmts) and _is_push(stmts[position], tape):
        later.append(stmts[position])
        position += 1
    out += [assign(flag, constant(False))
            for flag in steps + [h[0] for h in handlers] if flag in used]
    dropped = []
    if calls:
        out.append(assign(length, _length(tape)))
        dropped = [gast.Expr(value=gast.Call(func=clone(drop_after), args=[
            load(tape), load(length)], keywords=[]))]
    clauses, orelse = [], []
    if chain is not None:
        clauses, orelse = _clauses(chain, handlers)
    after_chain = after if info["finally"] else []
    if not info["finally"]:
        later = after + later
    handlers_out = []
    for (flag, kind, name), code in zip(handlers, clauses):
        marks = [assign(flag, constant(True))] if flag in used else []
        handlers_out.append(gast.ExceptHandler(
            type=clone(kind) if kind is not None else None,
            name=gast.Name(id=name, ctx=gast.Store(), annotation=None, type_comment=None)
            if name else None,
            body=(dropped + marks + copies + pushes + _body(code) + after_chain)
            or [gast.Pass()]))
    else_code = _body(orelse) + after_chain if handlers else []
    built = gast.Try(body=(body + pushes) or [gast.Pass()], handlers=handlers_out,
                     orelse=else_code, finalbody=final)
    if not handlers and not final:
        built.finalbody = [gast.Pass()]
    out.append(located(built, node))
    out += later
    return position


def _length(tape):
    return gast.Call(func=load("len"), args=[load(tape)], keywords=[])


def _clauses(chain, handlers):
    """The code of each handler and of `else`, from the forward code of the chain
    `if caught: H elif caught_1: ... else: L` (what a branch's code holds besides
    the inner `if` runs on each path through it)."""
    codes = [chain.body]
    rest = chain.orelse
    if len(handlers) > 1:
        flag = handlers[1][0]
        found = [i for i, s in enumerate(rest) if _test(s) == flag]
        if found:
            before, inner, tail = rest[:found[0]], rest[found[0]], rest[found[0] + 1:]
            more, orelse = _clauses(inner, handlers[1:])
            return codes + [before + c + tail for c in more], before + orelse + tail
    return codes, rest
