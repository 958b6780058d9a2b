"""Forms of Python that the core language says otherwise: `match`, the walrus
operator, `del` of a name, `global`, and a dict display read at a literal key.

In: a parsed function (gast), its source, and a maker of the expression naming a
module or runtime helper.  Out: the same function where
- `match subject:` with literal cases (`case 1:`, `case "relu" | "r":`, `case None:`,
  `case _:`, `case name:`, each perhaps with an `if` guard) is an `if`/`elif` chain on
  `subject == literal` (`is` for None, True and False), the subject computed once
  before it; other patterns (classes, sequences, mappings) are refused, located;
- `name := value` in a statement (not inside `and`/`or`, a conditional expression, a
  comprehension or a lambda, which may not evaluate it) is `name = value` before the
  statement, and `name` in its place; in a `while` condition, also at the end of the
  body (a body with `continue` is refused);
- `del name` is dropped (the name is not read again, or Python would fail there);
  `del` of an item or an attribute is refused;
- a call of a function read from a module's dict of functions at a key known when
  it runs (`ACTIVATIONS[name](x)`, or `f = ACTIVATIONS[name]` then `f(x)`) is one
  branch per key, each calling its function (`if name == "tanh": ...`), after
  `require_key(name, keys)`, which raises the `KeyError` the read would;
- `{"relu": f, "tanh": g}["tanh"]` is `g`, and a call of a name bound once to a
  module's function (`act = np.tanh`, then `act(x)`) is a call of that function;
- `global n` is dropped, its reads are `module.n`, read when they run, and its writes
  `set_global(module, "n", value)`, where the value is made of literals and globals
  alone (a counter, `n += 1`): a global written from the function's values would
  carry a derivative out of the function, which s2s refuses.
"""

import inspect

import gast

from ..errors import Unsupported, error_at
from ..naming import Namer
from ..resolve import meaning
from ..syntax import assign, bound_counts, clone, constant, load, located, walk

_UNEVALUATED = (gast.BoolOp, gast.IfExp, gast.ListComp, gast.SetComp, gast.DictComp,
                gast.GeneratorExp, gast.Lambda)


def rewrite_forms(fn, source, reference, module, set_global, require_key):
    """`reference(obj)`: the expression naming `obj` in generated code; `module`: the
    function's module; `set_global`, `require_key`: the runtime's helpers."""
    forms = _Forms(fn, source, reference, module, set_global)
    forms.require_key = require_key
    fn.body = forms.block(fn.body)
    _call_through_aliases(fn, source)
    return fn


def _call_through_aliases(fn, source):
    """`act = np.tanh` (bound once, to a function of a module) then `act(x)`: the call
    is `np.tanh(x)`, which s2s resolves."""
    bound = bound_counts(fn)
    params = {a.id for a in fn.args.args + fn.args.kwonlyargs + fn.args.posonlyargs}
    aliases = {}
    for node in walk(fn):
        if (isinstance(node, gast.Assign) and len(node.targets) == 1
                and isinstance(node.targets[0], gast.Name)
                and bound[node.targets[0].id] == 1 and node.targets[0].id not in params
                and isinstance(node.value, (gast.Name, gast.Attribute))):
            local = isinstance(node.value, gast.Name) and node.value.id in set(bound) | params
            function = None if local else meaning(node.value, source.namespace)
            if callable(function) and not isinstance(function, type):
                aliases[node.targets[0].id] = node.value
    if aliases:
        _replace(fn, {id(n.func): located(clone(aliases[n.func.id]), n.func)
                      for n in walk(fn) if isinstance(n, gast.Call)
                      and isinstance(n.func, gast.Name) and n.func.id in aliases})




class _Forms:
    def __init__(self, fn, source, reference, module, set_global):
        self.source, self.reference = source, reference
        self.module, self.set_global = module, set_global
        self.globals = {name for node in walk(fn) if isinstance(node, gast.Global)
                        for name in node.names}
        self.namer = Namer(n.id for n in walk(fn) if isinstance(n, gast.Name))
        self.fn, self.aliases, self.tables = fn, {}, {}
        self.stored = set(bound_counts(fn))  # (names the function binds)
        self.locals = {a.id for a in fn.args.args + fn.args.kwonlyargs
                       + fn.args.posonlyargs} | self.stored - self.globals

    def refuse(self, node, message):
        raise error_at(node, message, self.source, Unsupported)

    def block(self, stmts):
        out = []
        for stmt in stmts:
            out += self.statement(stmt)
        return out

    def statement(self, stmt):
        if isinstance(stmt, gast.Global):
            return []
        table = self.table_alias(stmt)
        if table is not None:
            return table
        dispatched = self.table_calls(stmt)
        if dispatched is not None:
            return dispatched
        if isinstance(stmt, gast.Delete):
            for target in stmt.targets:
                if not isinstance(target, gast.Name):
                    self.refuse(target, "del of an item or an attribute is not supported: "
                                "s2s could not put it back (assign a new value instead)")
            return []
        if isinstance(stmt, gast.Match):
            return self.match(stmt)
        for field in ("body", "orelse", "finalbody"):
            if isinstance(getattr(stmt, field, None), list):
                setattr(stmt, field, self.block(getattr(stmt, field)))
        for handler in getattr(stmt, "handlers", []):
            handler.body = self.block(handler.body)
        _pick_from_displays(stmt)
        before = self.walruses(stmt)
        if self.globals:
            return before + self.global_forms(stmt)
        return before + [stmt]

    # -- a module's dict of functions, read at a key known when it runs

    def table(self, node):
        """(the dict, {key: the expression its display gives there}) where `node` names
        a dict of functions with literal keys that the function's module writes as a
        display (`ACTIVATIONS = {"tanh": np.tanh, "relu": lambda z: ...}`); else None."""
        if not isinstance(node, gast.Name) or node.id in self.locals:
            return None
        if node.id not in self.tables:  # (the module's source is read once per name)
            self.tables[node.id] = self._table(node.id)
        return self.tables[node.id]

    def _table(self, name):
        table = self.source.namespace.lookup(name, None)
        if not (isinstance(table, dict) and table and all(
                isinstance(k, (str, int)) and not isinstance(k, bool) for k in table)
                and all(callable(v) and not isinstance(v, type) for v in table.values())):
            return None
        display = _display_of(self.module, name)
        if display is None or set(display) != set(table):
            return None
        return table, display

    def table_alias(self, stmt):
        """`f = ACTIVATIONS[name]`, where `f` is only called after: dropped, each call
        of `f` a call of `ACTIVATIONS[name]` (below)."""
        if not (isinstance(stmt, gast.Assign) and len(stmt.targets) == 1
                and isinstance(stmt.targets[0], gast.Name)
                and isinstance(stmt.value, gast.Subscript)
                and self.table(stmt.value.value) is not None):
            return None
        name = stmt.targets[0].id
        uses = [n for n in walk(self.fn) if isinstance(n, gast.Name) and n.id == name]
        called = {id(c.func) for c in walk(self.fn) if isinstance(c, gast.Call)}
        if sum(isinstance(n.ctx, gast.Store) for n in uses) != 1 or any(
                isinstance(n.ctx, gast.Load) and id(n) not in called for n in uses):
            return None
        before = []
        key = stmt.value.slice
        if not isinstance(key, (gast.Name, gast.Constant)) or (
                isinstance(key, gast.Name) and key.id in self.stored):
            fresh = self.namer.fresh("key")
            before.append(assign(fresh, key, like=stmt))
            key = load(fresh)
        self.aliases[name] = gast.Subscript(value=stmt.value.value, slice=key,
                                            ctx=gast.Load())
        return before

    def table_calls(self, stmt):
        """A simple statement that calls `ACTIVATIONS[name](...)` (or an alias of it),
        as one branch per key: `if name == "tanh": ... elif ...: ... else: raise
        KeyError(name)`, each branch calling that key's function, which s2s resolves."""
        if self.aliases:
            _replace(stmt, {id(n): clone(self.aliases[n.id]) for n in walk(stmt)
                            if isinstance(n, gast.Name) and n.id in self.aliases
                            and isinstance(n.ctx, gast.Load)})
        reads = [c.func for c in walk(stmt) if isinstance(c, gast.Call)
                 and isinstance(c.func, gast.Subscript) and self.table(c.func.value)
                 and not isinstance(c.func.slice, gast.Constant)]
        if not reads:
            return None
        if not isinstance(stmt, (gast.Assign, gast.AugAssign, gast.Expr, gast.Return)) or len(
                {gast.dump(r) for r in reads}) != 1:
            self.refuse(reads[0], "calling a function read from a dict at a key known when "
                        "it runs is supported in a simple statement, one dict read each")
        read = reads[0]
        table, display = self.table(read.value)
        keys = list(table)
        chain = None
        for key in reversed(keys):
            branch = clone(stmt)
            _replace(branch, {id(n): clone(display[key]) for n in walk(branch)
                              if isinstance(n, gast.Subscript)
                              and gast.dump(n) == gast.dump(read)})
            if chain is None:  # (the last key: the check before made sure of it)
                chain = [branch]
                continue
            test = gast.Compare(left=clone(read.slice), ops=[gast.Eq()],
                                comparators=[constant(key)])
            chain = [located(gast.If(test=test, body=[branch], orelse=chain), stmt)]
        check = gast.Call(func=self.reference(self.require_key), keywords=[], args=[
            clone(read.slice), gast.Tuple(elts=[constant(k) for k in keys], ctx=gast.Load())])
        return [located(gast.Expr(value=check), stmt)] + chain

    # -- match

    def match(self, stmt):
        subject = stmt.subject
        before = []
        if not isinstance(subject, gast.Name):
            name = self.namer.fresh("subject")
            before.append(assign(name, subject, like=stmt))
            subject = load(name)
        chain, last = None, None
        for case in stmt.cases:
            test, binding = self.pattern(case.pattern, subject)
            body = ([assign(binding, clone(subject), like=case.pattern)]
                    if binding else []) + self.block(case.body)
            if case.guard is not None:
                guard = case.guard
                if binding:  # (the guard reads the name the pattern binds)
                    guard = _renamed(guard, binding, subject)
                test = guard if test is None else gast.BoolOp(op=gast.And(),
                                                              values=[test, guard])
            if test is None:  # `case _:` or `case name:`: the rest never runs
                if last is None:
                    return before + body
                last.orelse = body
                break
            branch = located(gast.If(test=test, body=body, orelse=[]), case.pattern)
            if last is None:
                chain = branch
            else:
                last.orelse = [branch]
            last = branch
        return before + ([chain] if chain is not None else [])

    def pattern(self, pattern, subject):
        """(the test, or None where every value matches; the name it binds, or None)."""
        if isinstance(pattern, gast.MatchAs) and pattern.pattern is None:
            return None, pattern.name
        if isinstance(pattern, gast.MatchValue):
            return gast.Compare(left=clone(subject), ops=[gast.Eq()],
                                comparators=[pattern.value]), None
        if isinstance(pattern, gast.MatchSingleton):
            return gast.Compare(left=clone(subject), ops=[gast.Is()],
                                comparators=[constant(pattern.value)]), None
        if isinstance(pattern, gast.MatchOr):
            tests = []
            for alternative in pattern.patterns:
                test, binding = self.pattern(alternative, subject)
                if test is None or binding:
                    self.refuse(alternative, "this pattern in an | of patterns is not supported")
                tests.append(test)
            return gast.BoolOp(op=gast.Or(), values=tests), None
        self.refuse(pattern, "this case pattern is not supported: s2s supports literals, "
                    "`|` of them, None, True, False, `_` and a name (with `if` guards)")

    # -- the walrus operator

    def walruses(self, stmt):
        """The assignments of the `:=` in `stmt`'s own expressions, put before it."""
        own = [getattr(stmt, f) for f in ("test", "value", "iter") if isinstance(
            getattr(stmt, f, None), gast.expr)]
        before = []
        for expression in own:
            node = _maybe_unevaluated(expression)
            if node is not None:
                self.refuse(node, "an assignment expression (:=) that may not be "
                            "evaluated (after the first operand of and/or, in a branch of "
                            "a conditional expression, a comprehension or a lambda) is not "
                            "supported")
        replaced = {}
        for expression in own:
            for node in walk(expression):
                if isinstance(node, gast.NamedExpr):
                    before.append(assign(node.target.id, node.value, like=node))
                    replaced[id(node)] = located(load(node.target.id), node)
        if not replaced:
            return []
        _replace(stmt, replaced)
        if isinstance(stmt, gast.While):
            if any(isinstance(n, gast.Continue) for n in walk(stmt)):
                self.refuse(stmt, "an assignment expression (:=) in the condition of a "
                            "while loop with continue is not supported")
            stmt.body = stmt.body + [clone(s) for s in before]
        if isinstance(stmt, gast.For):
            self.refuse(stmt, "an assignment expression (:=) in a for loop's iterable is "
                        "not supported")
        return before

    # -- global

    def global_forms(self, stmt):
        names = self.globals
        _replace(stmt, {  # `n` -> `module.n`, read when it runs
            id(node): located(gast.Attribute(value=self.reference(self.module), attr=node.id,
                                             ctx=gast.Load()), node)
            for node in walk(stmt)
            if isinstance(node, gast.Name) and node.id in names and isinstance(node.ctx,
                                                                              gast.Load)})
        if isinstance(stmt, gast.AugAssign) and isinstance(stmt.target, gast.Name) and (
                stmt.target.id in names):
            read = gast.Attribute(value=self.reference(self.module), attr=stmt.target.id,
                                  ctx=gast.Load())
            value = gast.BinOp(left=read, op=stmt.op, right=stmt.value)
            return [self.written(stmt, stmt.target.id, value)]
        if isinstance(stmt, gast.Assign) and any(
                isinstance(n, gast.Name) and n.id in names and isinstance(n.ctx, gast.Store)
                for t in stmt.targets for n in walk(t)):
            if len(stmt.targets) != 1 or not isinstance(stmt.targets[0], gast.Name):
                self.refuse(stmt, "this assignment to a global is not supported: write it "
                            "as `name = value`")
            return [self.written(stmt, stmt.targets[0].id, stmt.value)]
        for node in walk(stmt):
            if isinstance(node, gast.Name) and node.id in names:
                self.refuse(node, f"this use of the global {node.id!r} is not supported")
        return [stmt]

    def written(self, stmt, name, value):
        for node in walk(value):
            if isinstance(node, gast.Name) and node.id in self.locals:
                self.refuse(stmt, f"writing the global {name!r} from the function's values "
                            "is not supported: s2s writes a global from literals and "
                            "globals alone (a counter: `n += 1`), whose value carries no "
                            "derivative")
        call = gast.Call(func=self.reference(self.set_global), args=[
            self.reference(self.module), constant(name), value], keywords=[])
        return located(gast.Expr(value=call), stmt)


def _pick_from_displays(stmt):
    """`{"relu": f, "tanh": g}["tanh"]`, a dict display read at a literal key, as the
    value there (`g`): the others are never called."""
    picked = {}
    for node in walk(stmt):
        if (isinstance(node, gast.Subscript) and isinstance(node.value, gast.Dict)
                and isinstance(node.slice, gast.Constant)
                and all(isinstance(k, gast.Constant) for k in node.value.keys)):
            found = [v for k, v in zip(node.value.keys, node.value.values)
                     if k.value == node.slice.value]
            if found:
                picked[id(node)] = found[-1]  # (the last of equal keys, as Python keeps)
    if picked:
        _replace(stmt, picked)


def _display_of(module, name):
    """{key: value expression} of the dict display `name = {...}` at the top level of
    `module`'s source (the last such assignment), or None."""
    try:
        tree = gast.parse(inspect.getsource(module))
    except (OSError, TypeError, SyntaxError):
        return None
    found = None
    for stmt in tree.body:
        if (isinstance(stmt, gast.Assign) and len(stmt.targets) == 1
                and isinstance(stmt.targets[0], gast.Name) and stmt.targets[0].id == name):
            value = stmt.value
            found = {k.value: v for k, v in zip(value.keys, value.values)
                     if isinstance(k, gast.Constant)} if isinstance(value, gast.Dict) else None
    return found


def _maybe_unevaluated(node, conditional=False):
    """The first `:=` under `node` that Python may not evaluate, or None."""
    if isinstance(node, gast.NamedExpr):
        return node if conditional else _maybe_unevaluated(node.value, conditional)
    if isinstance(node, gast.BoolOp):
        found = _maybe_unevaluated(node.values[0], conditional)
        return found or next(filter(None, (_maybe_unevaluated(v, True)
                                           for v in node.values[1:])), None)
    if isinstance(node, gast.IfExp):
        return _maybe_unevaluated(node.test, conditional) or _maybe_unevaluated(
            node.body, True) or _maybe_unevaluated(node.orelse, True)
    if isinstance(node, _UNEVALUATED):
        conditional = True
    for child in gast.iter_child_nodes(node):
        found = _maybe_unevaluated(child, conditional)
        if found is not None:
            return found
    return None


def _replace(node, replaced):
    for field, value in gast.iter_fields(node):
        if isinstance(value, list):
            value[:] = [replaced.get(id(v), v) for v in value]
            for v in value:
                if isinstance(v, gast.AST):
                    _replace(v, replaced)
        elif isinstance(value, gast.AST):
            if id(value) in replaced:
                setattr(node, field, replaced[id(value)])
            else:
                _replace(value, replaced)


def _renamed(guard, name, subject):
    """`guard` reading `subject` where it read the name a capture pattern binds."""
    guard = clone(guard)
    replaced = {id(n): clone(subject) for n in walk(guard)
                if isinstance(n, gast.Name) and n.id == name}
    _replace(guard, replaced)
    return guard
