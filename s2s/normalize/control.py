"""Control: `return` before the end, `break` and `continue` become flags.

In: a function whose loops are `range` loops (normalize/loops.py).  Out: the same
function where
- where every return ends its path (`if c: return a` then `return b` is read as
  `if c: return a else: return b`), each `return v` is `result = v`, and the function
  ends with `return result`;
- otherwise every `return v` but the last is `result = v; returned = True`, followed
  by `break` inside a loop, and the function ends with `return result`;
- in each loop, `continue` is `skipped = True` and `break` is `broke = True`, the body
  ends with `if broke: break`;
- statements after one that may set a flag run under `if not (flags):`.
So the reverse pass sees `break` only as the last statement of a loop body, and each
decision as an `if` whose condition it can record.
"""

import gast

from ..syntax import always_returns, assign, constant, load, located, walk


def _contains(stmts, kinds, into_loops):
    for stmt in stmts:
        if isinstance(stmt, kinds):
            return True
        if isinstance(stmt, gast.If) and _contains(stmt.body + stmt.orelse, kinds, into_loops):
            return True
        if into_loops and isinstance(stmt, (gast.For, gast.While)):
            if _contains(stmt.body, kinds, into_loops):
                return True
    return False


def _nest_tails(stmts):
    """Outside loops, the statements after an `if` one of whose branches always
    returns, moved into its other branch: `if c: return a` then `b` is `if c: return
    a else: b`, so each return ends its path."""
    for position, stmt in enumerate(stmts):
        if not isinstance(stmt, gast.If):
            continue
        rest = stmts[position + 1:]
        if rest and always_returns(stmt.body) and not always_returns(stmt.orelse):
            stmt.orelse = stmt.orelse + rest
        elif rest and always_returns(stmt.orelse) and not always_returns(stmt.body):
            stmt.body = stmt.body + rest
        else:
            rest = None
        stmt.body = _nest_tails(stmt.body)
        stmt.orelse = _nest_tails(stmt.orelse)
        if rest is not None:
            return stmts[: position + 1]
    return stmts


def _tails_only(stmts):
    """Whether every return in `stmts` is the last statement of a path through them."""
    *before, last = stmts
    if _contains(before, gast.Return, into_loops=True):
        return False
    if isinstance(last, gast.If):
        return _tails_only(last.body) and _tails_only(last.orelse)
    return isinstance(last, gast.Return) or not _contains([last], gast.Return, into_loops=True)


def _assign_returns(stmts, result):
    """`stmts` with the return that ends each path as `result = value`."""
    last = stmts[-1]
    if isinstance(last, gast.Return):
        return stmts[:-1] + [located(assign(result, last.value), last)]
    if isinstance(last, gast.If):
        last.body = _assign_returns(last.body, result)
        last.orelse = _assign_returns(last.orelse, result)
    return stmts


def _none_set(flags, like):
    """`not (a or b)` for the flags that may be set."""
    test = load(flags[0]) if len(flags) == 1 else gast.BoolOp(
        op=gast.Or(), values=[load(f) for f in flags]
    )
    return located(gast.UnaryOp(op=gast.Not(), operand=test), like)


class Control:
    def __init__(self, namer):
        self.namer = namer
        self.result = self.returned = None

    # -- returns ----------------------------------------------------------------

    def function(self, fn):
        body = _nest_tails(fn.body)
        returns = [n for n in walk(fn) if isinstance(n, gast.Return)]
        if returns != body[-1:] and _tails_only(body):
            # each return ends its path: it assigns the result, no flag needed
            self.result = self.namer.fresh("result")
            last = body[-1]
            body = _assign_returns(body, self.result)
            body.append(located(gast.Return(value=load(self.result)), last))
        elif returns != body[-1:]:  # some return is not the function's last statement
            self.result = self.namer.fresh("result")
            self.returned = self.namer.fresh("returned")
            last = body[-1]
            start = located(assign(self.returned, constant(False)), body[0])
            body = [start] + self.returns(body, in_loop=False)
            body.append(located(gast.Return(value=load(self.result)), last))
        fn.body = self.loops(body)
        return fn

    def returns(self, stmts, in_loop):
        out = []
        for position, stmt in enumerate(stmts):
            if isinstance(stmt, gast.Return):
                out.append(located(assign(self.result, stmt.value), stmt))
                out.append(located(assign(self.returned, constant(True)), stmt))
                if in_loop:
                    out.append(located(gast.Break(), stmt))
                return out
            may_return = _contains([stmt], gast.Return, into_loops=True)
            if isinstance(stmt, gast.If):
                stmt.body = self.returns(stmt.body, in_loop) or [gast.Pass()]
                stmt.orelse = self.returns(stmt.orelse, in_loop)
            elif isinstance(stmt, (gast.For, gast.While)):
                stmt.body = self.returns(stmt.body, in_loop=True)
            out.append(stmt)
            if may_return:
                rest = self.returns(stmts[position + 1 :], in_loop)
                if rest:
                    if in_loop and isinstance(stmt, (gast.For, gast.While)):
                        # a return in an inner loop leaves this loop too
                        out.append(located(gast.If(
                            test=load(self.returned), body=[gast.Break()], orelse=[]
                        ), stmt))
                    out.append(located(gast.If(
                        test=_none_set([self.returned], stmt), body=rest, orelse=[]
                    ), stmt))
                elif in_loop and isinstance(stmt, (gast.For, gast.While)):
                    out.append(located(gast.If(
                        test=load(self.returned), body=[gast.Break()], orelse=[]
                    ), stmt))
                return out
        return out

    # -- break and continue ---------------------------------------------------------

    def loops(self, stmts):
        for stmt in stmts:
            if isinstance(stmt, gast.If):
                stmt.body = self.loops(stmt.body)
                stmt.orelse = self.loops(stmt.orelse)
        out = []
        for stmt in stmts:
            if isinstance(stmt, (gast.For, gast.While)):
                stmt.body = self.loops(stmt.body)
                out += self.loop(stmt)
            else:
                out.append(stmt)
        return out

    def loop(self, loop):
        breaks = _contains(loop.body, gast.Break, into_loops=False)
        continues = _contains(loop.body, gast.Continue, into_loops=False)
        ends_with_break = (
            breaks and not continues
            and isinstance(loop.body[-1], gast.If)
            and loop.body[-1].body == [loop.body[-1].body[0]]
            and isinstance(loop.body[-1].body[0], gast.Break)
            and not _contains(loop.body[:-1] + loop.body[-1].orelse, gast.Break, False)
        )
        if not (breaks or continues) or ends_with_break:
            return [loop]
        self.broke = self.namer.fresh("broke") if breaks else None
        self.skipped = self.namer.fresh("skipped") if continues else None
        body = self.flagged(loop.body)
        if continues:
            body.insert(0, located(assign(self.skipped, constant(False)), loop))
        before = []
        if breaks:
            before.append(located(assign(self.broke, constant(False)), loop))
            body.append(located(gast.If(test=load(self.broke), body=[gast.Break()], orelse=[]), loop))
        loop.body = body
        return before + [loop]

    def flagged(self, stmts):
        flags = [f for f in (self.broke, self.skipped) if f]
        out = []
        for position, stmt in enumerate(stmts):
            if isinstance(stmt, gast.Break):
                out.append(located(assign(self.broke, constant(True)), stmt))
                return out
            if isinstance(stmt, gast.Continue):
                out.append(located(assign(self.skipped, constant(True)), stmt))
                return out
            if isinstance(stmt, gast.If) and _contains([stmt], (gast.Break, gast.Continue), False):
                stmt.body = self.flagged(stmt.body) or [gast.Pass()]
                stmt.orelse = self.flagged(stmt.orelse)
                out.append(stmt)
                rest = self.flagged(stmts[position + 1 :])
                if rest:
                    out.append(located(gast.If(test=_none_set(flags, stmt), body=rest, orelse=[]), stmt))
                return out
            out.append(stmt)
        return out


def flag_control(fn, namer):
    return Control(namer).function(fn)
