"""Forward mode: from a core-language function to its Jacobian-vector product.

In: a function in the core language (normalized, versioned), its active names, the
`wrt` names.  Out: `jvp_<fn>(<params>, <one tangent per wrt parameter>) -> (value,
tangent)`: each primal statement followed by the tangent statement its rule gives
(`dz = ...`), in the function's own branches and loops; no tape.

A tangent that is zero (of a value that does not depend on the `wrt` parameters) is
never computed: rules are instantiated with a zero marker for it, and `tangents.py`
drops the terms it makes zero, or writes `zeros_like(x)` where a nonzero term needs
a whole array.
"""

import gast

from . import runtime
from .analysis.writes import mirrored
from .callees import call_arguments, declared_number_lists, declared_numbers, given_callee
from .errors import Unsupported, error_at
from .markup import comment, describe, mark, number_checks, real_checks
from .normalize.attributes import makes_object
from .normalize.statements import rebuild
from .syntax import (
    appended,
    assign,
    clone,
    constant,
    load,
    names_read,
    names_stored,
    parameter_names,
    popped,
    store,
    walk,
)
from .rule_lookup import rule_for
from .templating import NoDerivative
from .tangents import is_zero, simplified, zero
from .tape import changed_in_place, method_call


class ForwardMode:
    def __init__(
        self, fn, source, wrt, active, operations, namer, imports, scalars=(), callees=None
    ):
        self.fn = fn
        self.source = source
        self.wrt = wrt
        self.active = active
        self.operations = operations
        self.namer = namer
        self.imports = imports
        self.scalars = scalars
        self.callees = callees  # the user's functions this one calls, as jvp functions
        self.in_place = changed_in_place(fn)  # names written into: their tangents too
        self.last_line = None

    # -- names -------------------------------------------------------------

    def tangent_name(self, primal):
        return self.namer.tangent(primal)

    def tangent_of(self, node):
        """The tangent of an argument node: its tangent's name, a tuple of them (for a
        `*args` parameter), or a zero marker."""
        if isinstance(node, gast.Name) and node.id in self.active:
            return load(self.tangent_name(node.id))
        if isinstance(node, gast.Tuple):
            return gast.Tuple(elts=[self.tangent_of(e) for e in node.elts], ctx=gast.Load())
        return zero(node)

    def materialized(self, node):
        """The tangent of `node` as a value: `zeros_like(node)` where it is zero (0.0
        for a number)."""
        tangent = self.tangent_of(node)
        if not is_zero(tangent):
            return tangent
        if isinstance(node, gast.Constant) and type(node.value) in (int, float, bool):
            return constant(0.0)
        return self.call("zeros_like", clone(node))

    def runtime(self, name):
        return self.imports.reference(getattr(runtime, name))

    def call(self, helper, *args):
        return gast.Call(func=self.runtime(helper), args=list(args), keywords=[])

    def simplified(self, expr, result):
        """A rule's tangent expression without its zero terms (None: zero).  A tuple or
        list display is the tangent of a tuple or list result: a part of it that
        vanishes is zeros shaped like that part of `result`."""
        if isinstance(expr, (gast.Tuple, gast.List)):
            parts = []
            for k, part in enumerate(expr.elts):
                of = gast.Subscript(value=clone(result), slice=constant(k), ctx=gast.Load())
                parts.append((self.simplified(part, of), of))
            if all(p is None for p, _ in parts):
                return None
            expr.elts = [p if p is not None else self.call("zeros_like", of)
                         for p, of in parts]
            return expr

        def wide(primal):
            return isinstance(primal, gast.Name) and primal.id not in self.scalars

        def broadcast(term, primals, before):
            # what a sum of tangents of x and y is shaped like, where y's vanished
            for p in primals:
                if wide(p):
                    read = {n.id for n in walk(term) if isinstance(n, gast.Name)}
                    if p.id not in read:
                        term = self.call("broadcast_like", term, clone(p))
                        if before:
                            term.args.append(constant(True))
            return term

        def zeros(primal):  # (a number's tangent is 0.0, not `zeros_like(0.5)`)
            if isinstance(primal, gast.Constant) and type(primal.value) in (int, float):
                return constant(0.0)
            return self.call("zeros_like", primal)

        tangents = set(self.namer.derivatives.values())
        return simplified(expr, tangents, zeros, broadcast, wide)

    # -- the function ---------------------------------------------------------

    def checks(self):
        """`require_scalars(...)` for parameters annotated as numbers, which the
        generated code relies on."""
        lists = getattr(self.scalars, "lists", frozenset())
        return number_checks(
            self.call, {n: load(n) for n in parameter_names(self.fn)
                        if n in self.scalars or n in lists}, lists
        )

    def function(self, name, wrt):
        """`name(<params>, <one tangent per `wrt` parameter>) -> (value, tangent)`.
        The tangents follow the parameters, positionally; keyword-only where a
        parameter has a default or is keyword-only itself."""
        fn = self.fn
        body = self.checks() + self.block(fn.body)
        args = fn.args
        tangents = [store(self.tangent_name(p)) for p in wrt]
        if args.defaults or args.kwonlyargs or args.vararg or args.kwarg:
            args.kwonlyargs.extend(tangents)
            args.kw_defaults.extend([None] * len(tangents))
        else:
            args.args.extend(tangents)
        return gast.FunctionDef(
            name=name, args=args, body=body, decorator_list=[], returns=None,
            type_comment=None, type_params=[],
        )

    def transform(self):
        return self.function(f"jvp_{self.fn.name}", self.wrt)

    # -- statements --------------------------------------------------------------

    def block(self, stmts):
        """The statements with their tangents: for each source line, its primal
        statements, then their tangent statements (earlier where a primal statement
        would overwrite what a tangent reads), headed by a `# d of:` comment."""
        out = []
        for run in _lines(stmts):
            line = getattr(run[0], "lineno", None)
            codes = [self.statement(stmt) for stmt in run]
            if any(getattr(s, "s2s_adjoint", False) for code in codes for s in code):
                if line is not None and line != self.last_line:
                    out.append(comment(describe(self.source, line)))
            self.last_line = line if line is not None else self.last_line
            pending = []
            for code in codes:
                for stmt in code:
                    if getattr(stmt, "s2s_adjoint", False):
                        pending.append(stmt)
                        continue
                    # (an in-place change may change a view a tangent reads)
                    if pending and (_changes(stmt) & set().union(*map(names_read, pending))
                                    or _in_place(stmt)
                                    or names_read(stmt) & names_stored(pending)
                                    or hasattr(stmt, "s2s_call")  # reads tangents later added
                                    or isinstance(stmt, (gast.If, gast.For, gast.While,
                                                         gast.Return))):
                        out += pending
                        pending = []
                    out.append(stmt)
            out += pending
        # `try` and `with` again (normalize/statements.py)
        return rebuild(out, getattr(self.fn, "s2s_structures", None), self.source)

    def statement(self, stmt):
        """One primal statement and, after it, its tangent statements."""
        if isinstance(stmt, gast.Return):
            value = stmt.value if stmt.value is not None else constant(None)
            tangent = self.tangent_of(value)
            if is_zero(tangent):
                tangent = self.call("zeros_like", clone(value))
            else:
                tangent = self.call("tangent_like", tangent, clone(value))
            stmt.value = gast.Tuple(elts=[value, tangent], ctx=gast.Load())
            return [stmt]
        if isinstance(stmt, gast.Assign) and popped(stmt) in self.active:
            # `v = xs.pop()`: `dv = dxs.pop()`, whether or not `v` needs it: the two
            # lists stay in step
            pop = method_call(self.tangent_name(popped(stmt)), "pop")
            target = stmt.targets[0].id
            if target in self.active:
                return [stmt, assign(self.tangent_name(target), pop)]
            return [stmt, gast.Expr(value=pop)]
        if isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name):
            target = stmt.targets[0].id
            placeholder = isinstance(stmt.value, gast.Constant) and stmt.value.value is None
            if target not in self.active:
                return [stmt]
            if placeholder:  # `t = None`, set in a branch, or None indeed (`None if c else v`)
                return [stmt, mark(assign(self.tangent_name(target), constant(None)))]
            return self.assignment(stmt, target)
        if isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Subscript):
            return self.write(stmt)
        if isinstance(stmt, gast.If):
            self.last_line = getattr(stmt, "lineno", None)
            stmt.body = self.block(stmt.body) or [gast.Pass()]
            stmt.orelse = self.block(stmt.orelse)
            return [stmt]
        if isinstance(stmt, (gast.For, gast.While)):
            self.last_line = getattr(stmt, "lineno", None)
            stmt.body = self.block(stmt.body) or [gast.Pass()]
            return [stmt]
        if appended(stmt):
            base, value = appended(stmt)
            if base not in self.active:
                return [stmt]
            grow = gast.Expr(value=method_call(self.tangent_name(base), "append",
                                               self.materialized(value)))
            return [stmt, mark(grow)]
        if mirrored(stmt, self.operations):  # a gradient's add_at or restore_item
            helper, base, place, value = mirrored(stmt, self.operations)
            if base.id not in self.active:
                return [stmt]
            mirror = gast.Call(func=self.imports.reference(helper), keywords=[], args=[
                load(self.tangent_name(base.id)), clone(place)] + (
                [self.materialized(value)] if value is not None else []))
            return [stmt, mark(gast.Expr(value=mirror))]
        if hasattr(stmt, "s2s_hook"):
            raise error_at(stmt, "s2s.grad_of hooks in forward mode are not supported",
                           self.source, Unsupported)
        return [stmt]  # break, assert, raise, a call for its effect: no tangent

    def write(self, stmt):
        """`y[index] = v`: then `dy[index] = dv` (zeros where `v` has no tangent)."""
        target = stmt.targets[0]
        base = target.value.id
        if base not in self.active:
            return [stmt]
        part = gast.Subscript(value=load(self.tangent_name(base)), slice=clone(target.slice),
                              ctx=gast.Store())
        return [stmt, mark(assign(part, self.materialized(stmt.value)))]

    def assignment(self, stmt, target):
        dtarget = self.tangent_name(target)
        if popped(stmt) is not None:  # from a list without tangents
            return [stmt, mark(assign(dtarget, self.call("zeros_like", load(target))))]
        operation = self.operations.classify(stmt.value)
        kind, node = operation.kind, operation.node
        rule = rule_for(operation, "forward", self.source, self.callees is not None,
                        self.active)
        pre, expr = [], None
        if rule.kind == "copy":
            expr = self.tangent_of(operation.args[0])
        elif rule.kind == "container":
            elts = [self.materialized(a) for a in operation.args]
            if isinstance(node, gast.Dict):
                expr = gast.Dict(keys=[clone(k) for k in node.keys], values=elts)
            elif isinstance(node, gast.List):
                expr = gast.List(elts=elts, ctx=gast.Load())
            else:
                expr = gast.Tuple(elts=elts, ctx=gast.Load())
        elif rule.kind == "call":
            return self.user_call(stmt, target, operation)
        elif rule.kind == "template":
            template = rule.template
            bound = template.bind(operation.args, operation.keywords, node, self.source)
            try:
                pre, expr = template.instantiate_tangent(
                    load(target), bound, self.tangent_of, self.namer.fresh,
                    self.imports.reference, self.scalars, operation, self.source,
                    lambda node: load(given_callee(node, self.operations, self.callees,
                                                   self.source).forward),
                )
            except NoDerivative as refusal:
                raise error_at(node, f"{operation.label}: {refusal}", self.source,
                               Unsupported) from None
            expr = self.simplified(expr, load(target))
        if (expr is None or is_zero(expr)) and kind == "constant" and isinstance(
            stmt.value, gast.Constant
        ) and type(stmt.value.value) in (int, float):
            expr = constant(0.0)
        elif expr is None or is_zero(expr):
            # (an object the function makes: a tangent of its class, whose attributes
            # the writes into it set, as normalize/attributes.py reads them)
            zeros = "zero_object" if makes_object(operation.key) else "zeros_like"
            expr = self.call(zeros, load(target))
        elif target in self.in_place and not _new_value(expr, self.imports):
            # written into later: its tangent must not share memory with another's
            expr = self.call("writable_like", expr, load(target))
        checks = real_checks(operation, self.active, self.call) if rule.kind == "template" else []
        return checks + [stmt] + [mark(s) for s in pre] + [mark(assign(dtarget, expr))]

    def user_call(self, stmt, target, operation):
        """`z = g(x, y)` for a user's function `g`: `z, dz = jvp_g(x, y, dx=dx)`, with
        the tangents of `g`'s parameters that some call needs, zeros where this call
        passes a value without one."""
        function, node = operation.key, operation.node
        parameters, arguments = call_arguments(operation, self.source)
        wrt = [p for p, value in arguments.items()
               if isinstance(value, gast.Name) and value.id in self.active]
        callee = self.callees.request(function, parameters, wrt)
        lists = declared_number_lists(function)
        checks = [
            p for p in declared_numbers(function) if p in arguments and not (
                isinstance(arguments[p], gast.Name) and arguments[p].id in (
                    getattr(self.scalars, "lists", ()) if p in lists else self.scalars)
            )
        ]
        out = number_checks(self.call, {p: clone(arguments[p]) for p in checks}, lists)
        call = gast.Call(func=load(callee.forward), args=list(node.args),
                         keywords=list(node.keywords))
        # the tangents it passes are added once every callee is made (`pass_tangents`):
        # a later call may need tangents of more of `g`'s parameters
        callee.sites.append((call, arguments, self.materialized))
        both = gast.Tuple(elts=[store(target), store(self.tangent_name(target))],
                          ctx=gast.Store())
        stmt.targets, stmt.value = [both], call
        stmt.s2s_call = True
        return out + [stmt]

    def unsupported(self, node, what):
        return error_at(node, f"{what} is not supported yet", self.source, Unsupported)


def _lines(stmts):
    """`stmts` in runs of consecutive statements from one source line (a compound
    statement is a run of its own)."""
    runs = []
    for stmt in stmts:
        line = getattr(stmt, "lineno", None)
        compound = isinstance(stmt, (gast.If, gast.For, gast.While))
        if runs and not compound and line is not None and getattr(runs[-1][-1], "lineno", None) == line \
                and not isinstance(runs[-1][-1], (gast.If, gast.For, gast.While)):
            runs[-1].append(stmt)
        else:
            runs.append([stmt])
    return runs


def _in_place(stmt):
    """Whether a statement changes a value in place (`y[i] = v`, `xs.append(v)`,
    `v = xs.pop()`, a call for its effect)."""
    return (
        (isinstance(stmt, gast.Assign) and not isinstance(stmt.targets[0], gast.Name))
        or appended(stmt) is not None or popped(stmt) is not None
        or isinstance(stmt, gast.Expr)
    )


def _changes(stmt):
    """The names a primal statement assigns or changes in place."""
    changed = set(names_stored(stmt))
    for node in walk(stmt):
        if isinstance(node, gast.Subscript) and isinstance(node.ctx, gast.Store):
            base = node.value
            while isinstance(base, (gast.Subscript, gast.Attribute)):
                base = base.value
            if isinstance(base, gast.Name):
                changed.add(base.id)
    if appended(stmt):
        changed.add(appended(stmt)[0])
    if isinstance(stmt, gast.Expr):  # a call for its effect may change what it is given
        changed |= names_read(stmt)
    return changed


def _new_value(expr, imports):
    """Whether `expr` surely makes a new array: arithmetic, or a runtime helper that
    always returns one."""
    if isinstance(expr, (gast.BinOp, gast.UnaryOp, gast.List, gast.Dict, gast.Tuple)):
        return True
    if isinstance(expr, gast.Call) and isinstance(expr.func, gast.Name):
        helper = imports.object_named(expr.func.id)
        return getattr(helper, "returns_new_array", False)
    return False


def pass_tangents(callees):
    """Give each call of a user's jvp function the tangents of the parameters it was
    made for, by the names it gave them (zeros where a call passes no tangent)."""
    for callee in callees.by_function.values():
        for call, arguments, materialized in callee.sites:
            for p in callee.parameters:
                if p in callee.wrt:
                    value = materialized(arguments[p]) if p in arguments else constant(0.0)
                    call.keywords.append(gast.keyword(arg=callee.tangent_names[p], value=value))
