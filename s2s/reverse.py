"""Reverse mode: from a core-language function to its forward-and-adjoint function.

In: a function in the core language (normalized, versioned), its active names, the
`wrt` names.  Out: `value_and_grad_<fn>(<params>, d_result=1.0)`: the primal
statements, then for each primal statement in reverse the adjoint statements its
derivative rule gives, each block headed by a comment quoting the primal line, then
`return value, grads`.

Adjoints are created by their first contribution (`dx = ...`), later ones accumulate
(`dx = dx + ...`), so nothing is initialised to zero that an assignment can create.
Accumulation never happens in place on an adjoint that may share memory with another
(`dx = dz` aliases), so no adjoint, and no caller's array, is mutated by accident.
In loops, the values the adjoint code needs come from the tape (tape.py).
"""


import gast

from . import runtime
from .adjoint_state import AdjointState
from .analysis.writes import arrays_made_here
from .callees import (
    call_arguments, changed_lists, declared_number_lists, declared_numbers, given_callee,
    is_user_function,
)
from .errors import Unsupported, error_at
from .markup import real_checks, comment, describe, is_comment, mark, number_checks
from .normalize.statements import rebuild, unwrap
from .syntax import (
    appended,
    assign,
    bound_counts,
    clone,
    constant,
    is_field_key,
    load,
    names_read,
    names_stored,
    parameter_names,
    plain_key,
    popped,
    statements,
    store,
    walk,
)
from .tape import Tape, changed_in_place, free_reads, method_call, set_saved_names
from .rule_lookup import rule_for
from .templating import Contribution, NoDerivative
from .unread_restores import drop_unread_restores


class ReverseMode:
    def __init__(
        self, fn, source, wrt, active, operations, namer, imports, scalars=(), callees=None,
        unrestored=None, per_site=False,
    ):
        self.fn = fn
        # ids of writes whose overwritten part needs no saving -> whether its adjoint
        # is nobody's either (analysis/restores.py)
        self.unrestored = unrestored or {}
        self.callees = callees  # the user's functions this one calls, in split form
        self.scalars = scalars
        self.source = source
        self.wrt = wrt
        self.active = active
        self.operations = operations
        self.namer = namer
        self.imports = imports
        self.state = AdjointState()  # what is known of the adjoints at this point
        self.primal_of = {}  # adjoint name -> primal name
        self.last_line = None
        self.always_bound = set(parameter_names(fn)) | {  # values whenever the adjoint runs
            s.targets[0].id for s in fn.body
            if isinstance(s, gast.Assign) and isinstance(s.targets[0], gast.Name)
            and not (isinstance(s.value, gast.Constant) and s.value.value is None)
        }
        self.bound = set(self.always_bound)  # names surely bound at this point
        self.dicts = {  # names that hold dicts the function made, or objects written into
            s.targets[0].id for s, _ in statements(fn.body)
            if isinstance(s, gast.Assign) and isinstance(s.targets[0], gast.Name)
            and (isinstance(s.value, gast.Dict) or operations.classify(s.value).key is dict)
        } | {
            s.targets[0].value.id for s, _ in statements(fn.body)
            if isinstance(s, gast.Assign) and isinstance(s.targets[0], gast.Subscript)
            and is_field_key(s.targets[0].slice)
        }
        self.lists = {  # and lists: a value written into either is kept as it is
            s.targets[0].id for s, _ in statements(fn.body)
            if isinstance(s, gast.Assign) and isinstance(s.targets[0], gast.Name)
            and (isinstance(s.value, gast.List) or operations.classify(s.value).key is list)
        }
        given = set(parameter_names(fn)) - set(bound_counts(fn))  # (never bound again)
        self.tape = Tape(namer, self.shape_only, self.unrestored, per_site,
                         separate=(arrays_made_here(fn, operations), given))
        self.checks_before = []  # checks the forward sweep makes before a call
        # the seed's name: `d_result`, unless a callee has a parameter of that name
        # (a generated gradient, differentiated again)
        self.seed = namer.fresh("d_result") if "d_result" in parameter_names(fn) else "d_result"

    # -- names -------------------------------------------------------------

    def adjoint_name(self, primal):
        name = self.namer.adjoint(primal)
        self.primal_of[name] = primal
        return name

    def adjoint_of(self, node):
        """The adjoint name of an argument node, or None where it has no adjoint."""
        if isinstance(node, gast.Name) and node.id in self.active:
            return self.adjoint_name(node.id)
        return None

    def runtime(self, name):
        return self.imports.reference(getattr(runtime, name))

    # -- the function ---------------------------------------------------------

    def sweeps(self):
        """(forward sweep, adjoint sweep, the value returned)."""
        fn = self.fn
        returned = fn.body[-1].value
        primal, adjoint = self.block(fn.body)
        if isinstance(returned, gast.Name) and returned.id in changed_in_place(fn):
            # the adjoint sweep puts back what the forward sweep overwrote in this
            # array: hand back its value as it was at the end of the forward sweep
            value = self.namer.fresh("value")
            primal.append(assign(value, self.call("snapshot", load(returned.id))))
            returned = load(value)
        elif isinstance(returned, gast.Name) and returned.id in names_stored(adjoint):
            # the adjoint sweep gives this name back its earlier values (a loop's
            # accumulator, taken off the tape): the result keeps a name of its own
            value = self.namer.fresh("value")
            primal.append(assign(value, load(returned.id)))
            returned = load(value)
        return primal, adjoint, returned

    def drop_unread_restores(self, primal, adjoint, returned):
        """Drop the put-backs of arrays whose values the adjoint sweep never reads."""
        drop_unread_restores(primal, adjoint, returned, parameter_names(self.fn),
                             self.operations, self.imports, self.tape.names)

    def checks(self, values=None):
        """`require_scalars(...)` for parameters annotated as numbers, which the
        generated code relies on (`values`: parameter name -> the value to check)."""
        lists = getattr(self.scalars, "lists", frozenset())
        if values is None:
            values = {n: load(n) for n in parameter_names(self.fn)
                      if n in self.scalars or n in lists}
        return number_checks(self.call, values, lists)

    def transform(self):
        """`value_and_grad_fn(<params>, d_result=1.0) -> (value, grads)`."""
        fn = self.fn
        primal, adjoint, returned = self.sweeps()
        self.drop_unread_restores(primal, adjoint, returned)
        body = self.checks() + self.tape.finish(primal + adjoint)
        finish = []
        grads = []
        for name in self.wrt:
            dname = self.adjoint_name(name)
            if dname not in self.state.initialised:
                finish.append(mark(assign(dname, self.call("zeros_like", load(name)))))
                self.state.owned.add(dname)
            cast = self.call("cast_like", load(dname), load(name))
            if dname not in self.state.owned:
                # it may share memory with another gradient or the caller's d_result:
                # hand back a copy, so updating one gradient in place changes nothing else
                cast.keywords.append(gast.keyword(arg="copy", value=constant(True)))
            grads.append(cast)
        result = grads[0] if len(grads) == 1 else gast.Tuple(elts=grads, ctx=gast.Load())
        if finish:
            finish.insert(0, comment("gradients of inputs the result does not depend on"))
        returns = gast.Return(value=gast.Tuple(elts=[returned, result], ctx=gast.Load()))
        args = fn.args
        if args.kwonlyargs:
            args.kwonlyargs.append(store("d_result"))
            args.kw_defaults.append(constant(1.0))
        else:
            args.args.append(store("d_result"))
            args.defaults.append(constant(1.0))
        return gast.FunctionDef(
            name=f"value_and_grad_{fn.name}",
            args=args,
            body=body + finish + [returns],
            decorator_list=[],
            returns=None,
            type_comment=None,
            type_params=[],
        )

    def split(self, callee):
        """`forward_g(tape, <params>) -> value`, which runs `g` and pushes what the
        adjoint needs, and `adjoint_g(tape, d_result, <the adjoints of the lists g
        appends to or pops from>) -> (one gradient per parameter)`, which pops it
        (None for parameters no call needs a gradient for, and for those lists)."""
        fn = self.fn
        # the lists it appends to or pops from: their adjoints are the caller's,
        # passed in and changed in place (so they stay in step across functions)
        shared = [self.adjoint_name(p) for p in callee.shared]
        self.state.initialised |= set(shared)
        self.state.owned |= set(shared)
        primal, adjoint, returned = self.sweeps()
        self.drop_unread_restores(primal, adjoint, returned)
        grads = []
        for name in callee.parameters:
            dname = self.adjoint_name(name)
            if name not in self.wrt or name in callee.shared:
                grads.append(constant(None))
            elif dname in self.state.initialised:
                grads.append(load(dname))
            else:
                grads.append(self.call("zeros_like", load(name)))
        adjoint.append(gast.Return(value=gast.Tuple(elts=grads, ctx=gast.Load())))
        adjoint = self.tape.finish(adjoint, create=False)
        # the adjoint runs in a function of its own: the values it reads go on the tape
        primal = self.tape.finish(primal, create=False)  # its callers check numbers
        frame = sorted(free_reads(adjoint) & (names_stored(primal) | set(parameter_names(fn))))
        if frame:
            push, pop = self.tape.push(None), assign(None, self.tape.pop())
            set_saved_names(push, pop, frame)
            primal.append(push)
            adjoint.insert(0, pop)
        tape = self.tape.name
        args = fn.args
        args.args.insert(0, store(tape))
        forward = gast.FunctionDef(
            name=callee.forward, args=args, body=primal + [gast.Return(value=returned)],
            decorator_list=[], returns=None, type_comment=None, type_params=[],
        )
        adjoint_args = gast.arguments(
            args=[store(tape), store(self.seed)] + [store(d) for d in shared],
            posonlyargs=[], vararg=None,
            kwonlyargs=[], kw_defaults=[], kwarg=None, defaults=[],
        )
        backward = gast.FunctionDef(
            name=callee.adjoint, args=adjoint_args, body=adjoint,
            decorator_list=[], returns=None, type_comment=None, type_params=[],
        )
        return forward, backward

    def new_array(self, value):
        """Whether `value` is a call to a helper that always returns a new array."""
        if not (isinstance(value, gast.Call) and isinstance(value.func, gast.Name)):
            return False
        helper = self.imports.object_named(value.func.id)
        return getattr(helper, "returns_new_array", False)

    def call(self, helper, *args):
        return gast.Call(func=self.runtime(helper), args=list(args), keywords=[])

    # -- statements, in reverse ---------------------------------------------

    def block(self, stmts):
        """The forward code (primal statements and what they save on the tape) and the
        adjoint code of a statement list."""
        forwards, out = [], []
        outside = self.bound
        first = {}  # name -> the first statement (its index) that surely binds it
        for i, stmt in enumerate(stmts):
            if isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name) and not (
                isinstance(stmt.value, gast.Constant) and stmt.value.value is None
            ):
                first.setdefault(stmt.targets[0].id, i)
        codes = []
        for i in reversed(range(len(stmts))):
            stmt, self.bound = stmts[i], _BoundBefore(outside, first, i)
            forward, code = self.statement(stmt)
            forwards.append(forward)
            codes.append(code)
            if code:
                line = getattr(stmt, "lineno", None)
                if line is not None and line != self.last_line:
                    out.append(comment(self.describe(line)))
                    self.last_line = line
                out.extend(code)
        self.tape.save_once(forwards[::-1], codes[::-1])  # (changes pushes and pops in place)
        self.bound = outside
        forward = [s for forward in reversed(forwards) for s in forward]
        structures = getattr(self.fn, "s2s_structures", None)
        if structures:  # `try` and `with` again (normalize/statements.py)
            forward = rebuild(forward, structures, self.source, self.tape.name,
                              names_read(out), self.runtime("drop_after"))
            out = unwrap(out, structures)
        return forward, out

    def describe(self, line):
        return describe(self.source, line)

    def statement(self, stmt):
        """(forward code, adjoint code) of one statement."""
        if isinstance(stmt, gast.Return):
            value = stmt.value
            if isinstance(value, gast.Name) and value.id in self.active:
                dname = self.adjoint_name(value.id)
                self.state.initialised.add(dname)
                return [], [mark(assign(dname, load(self.seed)))]
            return [], []
        if isinstance(stmt, gast.Assign) and popped(stmt):
            return self.pop(stmt)
        if isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name):
            target = stmt.targets[0].id
            if target not in self.active:
                return [stmt], []
            dtarget = self.adjoint_name(target)
            if dtarget not in self.state.initialised and self.changes_active_lists(stmt.value):
                # the call's result is unused, not what it did to a list: its adjoint
                # is zero, the list's is not
                self.zeros({dtarget})
                prefix = [mark(assign(dtarget, self.call("zeros_like", load(target))))]
                forward, code = self.statement(stmt)
                return forward, prefix + code
            if dtarget not in self.state.initialised:
                return [stmt], []  # its adjoint is zero: nothing flows back
            self.checks_before = []
            code = self.assignment(stmt, target)
            # the adjoint of this value is used up; in a loop the name's next value
            # gets an adjoint of its own
            self.state.initialised.discard(dtarget)
            self.state.owned.discard(dtarget)
            return self.tape.saved(self.checks_before + [stmt], code)
        if isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Subscript):
            return self.write(stmt)
        if isinstance(stmt, gast.If):
            return self.branch(stmt)
        if isinstance(stmt, (gast.For, gast.While)):
            return self.loop(stmt)
        if appended(stmt):
            return self.append(stmt)
        if hasattr(stmt, "s2s_hook"):
            return self.hook(stmt)
        return [stmt], []  # break, assert, raise, a call for its effect: no adjoint

    def write(self, stmt):
        """`y[index] = v`: save the part about to be overwritten; in reverse, put it
        back, give `v` the adjoint of that part, and zero it (the old part of `y`
        did not reach the result through it)."""
        target = stmt.targets[0]
        base, index, value = target.value.id, target.slice, stmt.value
        # an item of a list of numbers is a number: kept as it is, it cannot change
        copy = ((lambda part: part) if base in getattr(self.scalars, "lists", ())
                else (lambda part: self.call("snapshot", part)))
        if id(stmt) in self.unrestored:  # nothing reads the old part back (restores.py)
            save, restore = None, None
        elif base in self.dicts:  # the key may be new: in reverse, remove it again
            save, saved = self.tape.keep(self.call("saved_item", load(base), clone(index)))
            restore = gast.Expr(value=self.call("restore_item", load(base), clone(index), saved))
            if not isinstance(saved, gast.Name):  # (a pop of its own: what forward mode
                popped = self.namer.fresh("saved")  # over this gradient differentiates)
                restore = [assign(popped, saved), gast.Expr(value=self.call(
                    "restore_item", load(base), clone(index), load(popped)))]
        else:
            part = gast.Subscript(value=load(base), slice=clone(index), ctx=gast.Load())
            save, saved = self.tape.keep(copy(part))
            restore = assign(
                gast.Subscript(value=load(base), slice=clone(index), ctx=gast.Store()), saved
            )
            save.s2s_restores = restore.s2s_restores = base  # (unread_restores.py)
        code = restore if isinstance(restore, list) else [restore] if restore else []
        index = plain_key(index)  # (an object's adjoint holds its fields' by name)
        dbase = self.adjoint_name(base) if base in self.active else None
        blank = self.unrestored.get(id(stmt), False) and _is_basic_index(index, self.scalars)
        if dbase in self.state.initialised and blank:  # nothing adds to that part again
            part = gast.Subscript(value=load(dbase), slice=clone(index), ctx=gast.Load())
            item = Contribution(value, self.unbroadcast_part(part, value, base, index))
            return self.tape.saved([stmt], code + self.contribute(item))
        if dbase in self.state.initialised:
            if _is_basic_index(index, self.scalars):
                part = gast.Subscript(value=load(dbase), slice=clone(index), ctx=gast.Load())
                adjoint_part = copy(part)
            else:  # an index array may repeat a position: only the last write counts
                adjoint_part = self.call("written_part", load(dbase), _index_value(clone(index)))
            adjoint_part = self.unbroadcast_part(adjoint_part, value, base, index)
            code += self.contribute(Contribution(value, adjoint_part))
            if dbase not in self.state.owned:
                code.append(self.own(dbase))
            zero = gast.Subscript(value=load(dbase), slice=clone(index), ctx=gast.Store())
            code.append(mark(assign(zero, constant(0.0))))
        return self.tape.saved([save, stmt] if save else [stmt], code)

    def unbroadcast_part(self, adjoint, value, base, index):
        """The adjoint of the part `base[index]` as that of the `value` written there:
        summed over what writing it broadcast, unless it surely has the part's shape."""
        if (not isinstance(value, gast.Name) or value.id not in self.active
                or base in self.dicts or base in self.lists):
            return adjoint
        fills = getattr(self.scalars, "fills", None)
        if fills is not None and fills(value.id, base, index):
            return adjoint
        return self.call("unbroadcast", adjoint, load(value.id))

    def hook(self, stmt):
        """`with s2s.grad_of(h) as g: body` (normalize/hooks.py): in the adjoint sweep,
        `g = dh`, the body, then `dh = g`."""
        gradient, body = stmt.s2s_hook
        name = stmt.value.args[0].id
        if name not in self.active:  # no gradient flows to it: the body sees zero
            code = [assign(gradient, self.call("zeros_like", load(name)))]
            return self.tape.saved([], code + [clone(s) for s in body])
        dname = self.adjoint_name(name)
        code = self.zeros({dname} - self.state.initialised)
        code.append(assign(gradient, load(dname)))
        code += [clone(s) for s in body]
        code.append(mark(assign(dname, load(gradient))))
        self.state.owned.discard(dname)
        return self.tape.saved([], code)

    def append(self, stmt):
        """`xs.append(v)`: in reverse, take the item back off `xs` (so the adjoint sees
        the list as it was) and off `dxs` (as long as `xs`), and give that to `v`."""
        base, value = appended(stmt)
        if base not in self.active:
            return [stmt], []
        code = []
        dbase = self.adjoint_name(base)
        if dbase in self.state.initialised and dbase not in self.state.owned:
            code.append(self.own(dbase))  # shaped like `xs` with the item still on it
        code.append(gast.Expr(value=method_call(base, "pop")))
        if dbase in self.state.initialised:
            # the item's adjoint, taken off as a statement of its own (`v = dxs.pop()`,
            # so that this code can be differentiated again); the pop runs even where
            # nothing reads the item
            dvalue = self.adjoint_of(value)
            if dvalue is not None and dvalue not in self.state.initialised:
                code.append(assign(dvalue, method_call(dbase, "pop")))  # its first
                self.state.initialised.add(dvalue)
                self.state.owned.discard(dvalue)
            else:
                item = self.namer.fresh(f"{dbase}_item")
                code.append(assign(item, method_call(dbase, "pop")))
                code += self.contribute(Contribution(value, load(item)))
        return self.tape.saved([stmt], code)

    def changes_active_lists(self, value):
        """Whether `value` calls a user's function that appends to, or pops from, a
        list with an adjoint that this call passes it."""
        operation = self.operations.classify(value)
        if operation.kind != "apply" or not is_user_function(operation.key):
            return False
        parameters, arguments = call_arguments(operation, self.source)
        return any(
            isinstance(arguments.get(p), gast.Name) and arguments[p].id in self.active
            for p in changed_lists(operation.key, parameters)
        )

    def pop(self, stmt):
        """`v = xs.pop()`: in reverse, put `v` back on `xs` (so the adjoint sees the
        list as it was) and its adjoint on `dxs`, for the append that put it there."""
        base, target = popped(stmt), stmt.targets[0].id
        code = []
        if base in self.active:
            dbase = self.adjoint_name(base)
            if dbase not in self.state.initialised:  # zeros for what is still on the list
                code.append(mark(assign(dbase, self.call("zeros_like", load(base)))))
                self.state.initialised.add(dbase)
                self.state.owned.add(dbase)
            elif dbase not in self.state.owned:
                code.append(self.own(dbase))
            dtarget = self.adjoint_name(target) if target in self.active else None
            item = load(dtarget) if dtarget in self.state.initialised else self.call(
                "zeros_like", load(target))
            # not marked as adjoint code: the list must grow back whatever reads it
            code.append(gast.Expr(value=method_call(dbase, "append", item)))
            self.state.initialised.discard(dtarget)
        code.insert(0, gast.Expr(value=method_call(base, "append", load(target))))
        return self.tape.saved([stmt], code)

    def assignment(self, stmt, target):
        operation = self.operations.classify(stmt.value)
        node = operation.node
        rule = rule_for(operation, "reverse", self.source, self.callees is not None,
                        self.active)
        if rule.kind == "none":
            return []
        if rule.kind == "copy":
            return self.contribute(Contribution(operation.args[0], load(self.adjoint_name(target))))
        if rule.kind == "container":
            # `t = [a, b]`, `t = {"k": a}`: each element's adjoint is t's at its place
            if isinstance(node, gast.Dict):
                places = node.keys
                for key in places:
                    if not isinstance(key, gast.Constant):
                        raise self.unsupported(key, "a dict display with computed keys")
            else:
                places = [constant(position) for position in range(len(operation.args))]
            out = []
            for place, element in zip(places, operation.args):
                part = gast.Subscript(
                    value=load(self.adjoint_name(target)), slice=clone(place), ctx=gast.Load()
                )
                out += self.contribute(Contribution(element, part))
            return out
        if rule.kind == "call":
            return self.user_call(stmt, target, operation)
        template = rule.template
        bound = template.bind(operation.args, operation.keywords, node, self.source)
        self.checks_before = real_checks(operation, self.active, self.call)
        try:
            items = template.instantiate(
                load(target), bound, self.adjoint_of, self.namer.fresh, self.imports.reference,
                self.scalars, self.function_derivatives,
            )
        except NoDerivative as refusal:
            raise error_at(node, f"{operation.label}: {refusal}", self.source,
                           Unsupported) from None
        out = []
        for item in items:
            if isinstance(item, Contribution):
                out += self.contribute(item)
            else:
                out.append(mark(item))
        return out

    def is_number(self, node):
        """Whether `node` surely gives a number: a number, a scalar name, arithmetic of
        them (`t + 0.5 * dt`)."""
        if isinstance(node, gast.Constant):
            return type(node.value) in (int, float)
        if isinstance(node, gast.Name):
            return node.id in self.scalars
        if isinstance(node, gast.BinOp) and not isinstance(node.op, gast.MatMult):
            return self.is_number(node.left) and self.is_number(node.right)
        if isinstance(node, gast.UnaryOp) and isinstance(node.op, (gast.USub, gast.UAdd)):
            return self.is_number(node.operand)
        return False

    def function_derivatives(self, node):
        """`derivatives_of(func)` in a rule (an ODE solver's function): the pair
        `(forward_func, adjoint_func)`, made for every parameter of `func`."""
        callee = given_callee(node, self.operations, self.callees, self.source)
        return gast.Tuple(elts=[load(callee.forward), load(callee.adjoint)], ctx=gast.Load())

    def user_call(self, stmt, target, operation):
        """`z = g(x, y)` for a user's function `g`: the forward sweep calls
        `forward_g(tape, x, y)`, the adjoint sweep `adjoint_g(tape, dz)`, whose
        gradients (one per parameter of `g`) go to the arguments."""
        function, node = operation.key, operation.node
        parameters, arguments = call_arguments(operation, self.source)
        wrt = [
            p for p, value in arguments.items()
            if isinstance(value, gast.Name) and value.id in self.active
        ]
        # given numbers only (beyond those it says are numbers): its derivatives made
        # for numbers, shared by the calls that give it numbers
        undeclared = {p: v for p, v in arguments.items() if p not in declared_numbers(function)}
        numbers = (list(undeclared) if all(self.is_number(v) for v in undeclared.values())
                   else [])
        callee = self.callees.request(function, parameters, wrt, numbers)
        # the callee relies on its `float`/`int` annotations: check what this call
        # passes, unless it is known to be a number here
        lists = declared_number_lists(function)
        self.checks_before = number_checks(self.call, {
            p: clone(value) for p, value in arguments.items()
            if p in declared_numbers(function) and not (
                (isinstance(value, gast.Name) and value.id in (
                    getattr(self.scalars, "lists", ()) if p in lists else self.scalars))
                or (isinstance(value, gast.Constant) and type(value.value) in (int, float))
            )
        }, lists)
        tape = self.tape.name
        self.tape.used = True
        stmt.value = gast.Call(
            func=load(callee.forward), args=[load(tape)] + list(node.args),
            keywords=list(node.keywords),
        )
        backward = gast.Call(
            func=load(callee.adjoint),
            args=[load(tape), load(self.adjoint_name(target))], keywords=[],
        )
        code = []
        for p in callee.shared:  # lists it changes: it changes their adjoints too
            value = arguments.get(p)
            if isinstance(value, gast.Name) and value.id in self.active:
                dname = self.adjoint_name(value.id)
                code += self.zeros({dname} - self.state.initialised)
                if dname not in self.state.owned:
                    code.append(self.own(dname))
                backward.args.append(load(dname))
            else:
                backward.args.append(self.call("zeros_like", clone(value)))
        parts, later, first = {}, [], set()
        for p in (p for p in wrt if p not in callee.shared):
            dname = self.adjoint_name(arguments[p].id)
            if dname in self.state.initialised or dname in first:
                parts[p] = self.namer.fresh(f"d{p}_{function.__name__}")
                later.append(Contribution(arguments[p], load(parts[p])))
            else:  # its first contribution: the adjoint itself
                parts[p] = dname
                first.add(dname)
        self.state.initialised |= first
        self.state.owned -= first  # it may share memory with another gradient
        targets = [store(parts[p]) if p in parts else store("_") for p in parameters]
        # not marked as adjoint code: it pops the callee's values, so it always runs
        code.append(assign(gast.Tuple(elts=targets, ctx=gast.Store()), backward))
        for item in later:
            code += self.contribute(item)
        return code

    def unsupported(self, node, what):
        return error_at(node, f"{what} is not supported yet", self.source, Unsupported)

    def contribute(self, item):
        """Add one contribution to an argument's adjoint."""
        target = item.target
        if isinstance(target, gast.Tuple) and item.index is None:
            # `d[operands] += parts` for a `*operands` parameter: part i to operand i
            parts = self.namer.fresh("parts")
            out = [mark(assign(parts, item.expr))]
            for i, element in enumerate(target.elts):
                part = gast.Subscript(value=load(parts), slice=constant(i), ctx=gast.Load())
                out += self.contribute(Contribution(element, part, item.sign))
            return out if len(out) > 1 else []
        if not (isinstance(target, gast.Name) and target.id in self.active):
            return []
        dname = self.adjoint_name(target.id)
        if item.index is not None:
            return self.contribute_part(target, dname, item)
        op = gast.Add() if item.sign > 0 else gast.Sub()
        if dname in self.state.initialised:
            value = gast.BinOp(left=load(dname), op=op, right=item.expr)
        elif item.sign > 0:
            value = item.expr
        else:
            value = gast.UnaryOp(op=gast.USub(), operand=item.expr)
        self.state.initialised.add(dname)
        if isinstance(value, (gast.BinOp, gast.UnaryOp)) or self.new_array(value):
            self.state.owned.add(dname)
        else:
            self.state.owned.discard(dname)
            if isinstance(value, gast.Name):
                self.state.owned.discard(value.id)  # the two now share memory
        return [mark(assign(dname, value))]

    def contribute_part(self, target, dname, item):
        """`d[x][index] += e`: add into part of the adjoint, in place on an owned one."""
        out = []
        if dname not in self.state.initialised:
            out.append(mark(assign(dname, self.call("zeros_like", load(target.id)))))
        elif dname not in self.state.owned:
            out.append(self.own(dname))
        self.state.initialised.add(dname)
        self.state.owned.add(dname)
        index = item.index
        if _is_basic_index(index, self.scalars):
            part = gast.Subscript(value=load(dname), slice=index, ctx=gast.Store())
            out.append(mark(gast.AugAssign(target=part, op=gast.Add(), value=item.expr)))
        else:
            call = self.call("add_at", load(dname), _index_value(index), item.expr)
            out.append(mark(gast.Expr(value=call)))
        return out

    def branch(self, stmt):
        """`if c:` in reverse: the same decision, each branch's adjoint, and zeros where
        only one branch created an adjoint."""
        before, line = self.state.copy(), self.last_line
        forward_body, body = self.block(stmt.body)
        after_body, self.state, self.last_line = self.state, before, line
        forward_else, orelse = self.block(stmt.orelse)
        forward = [gast.If(test=stmt.test, body=forward_body or [gast.Pass()], orelse=forward_else)]
        after_else = self.state
        self.state = after_body
        body += self.zeros(after_else.initialised - after_body.initialised)
        self.state = after_else
        orelse += self.zeros(after_body.initialised - after_else.initialised)
        self.state = after_body.joined(after_else)
        self.last_line = getattr(stmt, "lineno", None)
        if not body and not orelse:
            return forward, []
        code = [mark(gast.If(test=stmt.test, body=body or [gast.Pass()], orelse=orelse))]
        return self.tape.saved(forward, code)

    def loop(self, stmt):
        """A loop in reverse: the body's adjoint, iterated as often as the forward
        body ran, in the opposite order.  `for i in range(...)` runs
        `reversed(range(...))`, so `i` is recomputed, not saved; `while` counts."""
        state = self.state.copy()
        assigned = names_stored(stmt)
        touched = {n for n in assigned | names_read(stmt) if n in self.active}
        carried = set(getattr(stmt, "carried", ()))
        crossing = {  # adjoints that live from one iteration to the next
            self.adjoint_name(n)
            for n in touched
            if n not in assigned or n in carried or self.adjoint_name(n) in self.state.initialised
        }
        in_place = changed_in_place(stmt, read=True)  # their adjoints: updated in place
        before = self.zeros(crossing - self.state.initialised)
        for dname in sorted((crossing & self.state.initialised) - self.state.owned):
            # copy it once, here, rather than in every iteration
            if self.primal_of[dname] in in_place and self.primal_of[dname] in self.bound:
                before.append(self.own(dname))
        owned_at_start = self.state.owned & crossing
        # a range loop left by `break` runs fewer times than its range: count it
        counted = isinstance(stmt, gast.While) or _breaks(stmt.body)
        checkpointed = hasattr(stmt, "s2s_checkpoint")
        if checkpointed:
            self.check_checkpointable(stmt, counted)
            primal_body = _without_markers(clone(stmt.body))
        with self.tape.loop(stmt, counted):
            forward_body, body = self.block(stmt.body)
        body += self.zeros(crossing - self.state.initialised)
        for dname in sorted(owned_at_start - self.state.owned):
            if self.primal_of[dname] in in_place:
                # the body made it shared; the next iteration updates it in place
                body.append(self.own(dname))
        self.last_line = getattr(stmt, "lineno", None)
        if not any(not is_comment(s) for s in body):
            self.state = state  # no adjoint code: nothing was zeroed
            return [_with_body(stmt, forward_body)], []
        if checkpointed:
            return self.checkpointed(stmt, primal_body, forward_body, before, body)
        if not counted:
            backwards = gast.Call(func=load("reversed"), args=[stmt.iter], keywords=[])
            code = before + [mark(gast.For(
                target=store(stmt.target.id), iter=backwards, body=body, orelse=[],
                type_comment=None,
            ))]
            return self.tape.saved([_with_body(stmt, forward_body)], code)
        count = self.namer.fresh("iterations")
        self.tape.counter(count)
        step = assign(count, gast.BinOp(left=load(count), op=gast.Add(), right=constant(1)))
        forward = [assign(count, constant(0)), _with_body(stmt, [step] + forward_body)]
        times = gast.Call(func=load("range"), args=[load(count)], keywords=[])
        code = before + [mark(gast.For(
            target=store(self.namer.fresh("_")), iter=times, body=body, orelse=[],
            type_comment=None,
        ))]
        return self.tape.saved(forward, code)

    def check_checkpointable(self, loop, counted):
        """A checkpointed loop runs each segment again in the adjoint sweep: that must
        compute what it computed the first time."""
        def refuse(node, why):
            raise error_at(node, f"s2s.checkpoint: {why}", self.source, Unsupported)

        call = loop.iter
        if not (isinstance(call, gast.Call) and self.operations.classify(call).key is range
                and 1 <= len(call.args) <= 2 and not call.keywords):
            refuse(loop, "the loop must be `for i in range(stop)` or `range(start, stop)`")
        if counted:
            refuse(loop, "a loop that `break` can leave early is not supported")
        if self.tape.depth:
            refuse(loop, "a loop inside another loop is not supported")
        for node in walk(gast.Module(body=loop.body, type_ignores=[])):
            if appended(node) or popped(node):
                refuse(node, "appending to or popping from a list in the loop is not "
                       "supported (running a segment again would do it twice)")
            if (isinstance(node, gast.Assign) and isinstance(node.targets[0], gast.Subscript)
                    and id(node) not in self.unrestored):
                refuse(node, "of writes into an array, only `y[t + 1] = f(y[t])` (each "
                       "iteration writing its own part, into an array the function made, "
                       "reading only parts written before) is supported: running a segment "
                       "again must read what it read the first time")

    def checkpointed(self, loop, primal_body, forward_body, before, body):
        """A checkpointed loop (s2s/checkpoint.py), in segments: the forward sweep runs
        the loop as written and keeps its carried values at each segment's start; the
        adjoint sweep, segment by segment from the last, puts those back, runs the
        segment's forward code (saving what its adjoint reads), then its adjoint."""
        start, stop = (loop.iter.args if len(loop.iter.args) == 2
                       else [constant(0), loop.iter.args[0]])
        counter = loop.target.id
        segment, first = self.namer.fresh("segment"), self.namer.fresh("segment_start")
        every = loop.s2s_checkpoint
        if every is None:
            count = stop if _is_zero(start) else gast.BinOp(
                left=clone(stop), op=gast.Sub(), right=clone(start))
            every = self.call("segment_length", clone(count))
        forward = [assign(segment, every)]
        carried = list(getattr(loop, "carried", ()))
        restore = []
        if carried:
            checkpoints = self.namer.fresh("checkpoints")
            forward.append(assign(checkpoints, gast.List(elts=[], ctx=gast.Load())))
            offset = load(counter) if _is_zero(start) else gast.BinOp(
                left=load(counter), op=gast.Sub(), right=clone(start))
            at_start = gast.Compare(
                left=gast.BinOp(left=offset, op=gast.Mod(), right=load(segment)),
                ops=[gast.Eq()], comparators=[constant(0)])
            values = gast.Tuple(elts=[load(n) for n in carried], ctx=gast.Load())
            keep = gast.Expr(value=method_call(checkpoints, "append", values))
            primal_body = [gast.If(test=at_start, body=[keep], orelse=[])] + primal_body
            targets = gast.Tuple(elts=[store(n) for n in carried], ctx=gast.Store())
            restore = [assign(targets, method_call(checkpoints, "pop"))]
        forward.append(gast.For(target=store(counter), iter=clone(loop.iter), body=primal_body,
                                orelse=[], type_comment=None))
        end = gast.Call(func=load("min"), args=[
            gast.BinOp(left=load(first), op=gast.Add(), right=load(segment)), clone(stop)],
            keywords=[])
        iterations = gast.Call(func=load("range"), args=[load(first), end], keywords=[])
        again = gast.For(target=store(counter), iter=iterations, body=forward_body or
                         [gast.Pass()], orelse=[], type_comment=None)
        backwards = gast.For(
            target=store(counter), orelse=[], type_comment=None, body=body,
            iter=gast.Call(func=load("reversed"), args=[clone(iterations)], keywords=[]))
        starts = gast.Call(func=load("range"), args=[clone(start), clone(stop), load(segment)],
                           keywords=[])
        segments = gast.For(
            target=store(first), orelse=[], type_comment=None, body=restore + [again, backwards],
            iter=gast.Call(func=load("reversed"), args=[starts], keywords=[]))
        return forward, before + [mark(segments)]

    def shape_only(self, name, code):
        """`shape_of` (a name for it) where `code` reads `name` only as `unbroadcast`'s
        second argument, for its shape, or as `zeros_like`'s argument, for its shape and
        dtype: the tape then need not keep the value alive."""
        reads = unbroadcasts = 0
        for node in walk(gast.Module(body=code, type_ignores=[])):
            if isinstance(node, gast.Name) and node.id == name and isinstance(node.ctx, gast.Load):
                reads += 1
            elif isinstance(node, gast.Call) and isinstance(node.func, gast.Name):
                helper = self.imports.object_named(node.func.id)
                position = {runtime.unbroadcast: 1, runtime.zeros_like: 0}.get(helper)
                if (position is not None and len(node.args) == position + 1
                        and isinstance(node.args[position], gast.Name)
                        and node.args[position].id == name):
                    unbroadcasts += 1
        if reads and reads == unbroadcasts:
            return self.runtime("shape_of")
        return None

    def own(self, dname):
        """`dx = writable_like(dx, x)`: the adjoint in new memory shaped like `x`,
        which this function alone holds and so may update in place."""
        self.state.owned.add(dname)
        primal = load(self.primal_of[dname])
        return mark(assign(dname, self.call("writable_like", load(dname), primal)))

    def zeros(self, adjoints):
        """Zero adjoints for names whose adjoints nothing wrote yet: new arrays shaped
        like the value where the value surely exists here, else `0.0` (it broadcasts)."""
        self.state.initialised |= adjoints
        out = []
        for dname in sorted(adjoints):
            primal = self.primal_of[dname]
            if primal in self.bound:
                out.append(mark(assign(dname, self.call("zeros_like", load(primal)))))
                self.state.owned.add(dname)
            else:  # e.g. assigned only in a branch not taken: no shape to copy
                out.append(mark(assign(dname, constant(0.0))))
                self.state.owned.discard(dname)
        return out


def _breaks(stmts):
    """Whether a loop body (not counting inner loops) can leave the loop early."""
    return any(
        isinstance(s, gast.Break) or (isinstance(s, gast.If) and _breaks(s.body + s.orelse))
        for s in stmts
    )


def _is_zero(node):
    return isinstance(node, gast.Constant) and node.value == 0


def _without_markers(stmts):
    """The statements without gradient hooks' markers (normalize/hooks.py), which only
    the adjoint sweep runs."""
    kept = []
    for stmt in stmts:
        if hasattr(stmt, "s2s_hook"):
            continue
        for field in ("body", "orelse"):
            if getattr(stmt, field, None):
                setattr(stmt, field, _without_markers(getattr(stmt, field)) or [gast.Pass()])
        kept.append(stmt)
    return kept


def _with_body(loop, body):
    """`loop` with another body (its forward code)."""
    loop.body = body or [gast.Pass()]
    return loop


def _is_basic_index(index, scalars=()):
    """An index made of integer constants, slices, None, `...`, names known to hold
    numbers (loop counters), or a dict key: it names each element at most once, so
    `+=` through it adds every contribution."""
    parts = index.elts if isinstance(index, gast.Tuple) else [index]
    for part in parts:
        if isinstance(part, gast.Slice) or (isinstance(part, gast.Name) and part.id in scalars):
            continue
        if isinstance(part, gast.UnaryOp) and isinstance(part.op, gast.USub):
            part = part.operand
        if isinstance(part, gast.Constant) and (
            part.value is None or part.value is Ellipsis or type(part.value) in (int, str)
        ):
            continue
        return False
    return True


def _index_value(index):
    """An index expression as a value: slices `a:b` become `slice(a, b)`."""
    if isinstance(index, gast.Slice):
        # `slice(a)` would mean `:a`, so the start is always written
        bounds = [index.lower, index.upper] + ([index.step] if index.step else [])
        args = [b if b is not None else constant(None) for b in bounds]
        return gast.Call(func=load("slice"), args=args, keywords=[])
    if isinstance(index, gast.Tuple):
        return gast.Tuple(elts=[_index_value(e) for e in index.elts], ctx=gast.Load())
    return index


class _BoundBefore:
    """The names surely bound before statement `index` of a block: those bound before
    the block (`outside`), and those its earlier statements bind (`first`: name -> the
    index of the first that does).  A view, not a set per statement, which made long
    blocks quadratic."""

    def __init__(self, outside, first, index):
        self.outside, self.first, self.index = outside, first, index

    def __contains__(self, name):
        return self.first.get(name, self.index) < self.index or name in self.outside
