"""A-normal form: every differentiable operation gets names or constants as operands.

In: a desugared `FunctionDef`.  Out: the same function where each statement is
- `name = e` with `e` an atom (name, constant) or one operation on atoms:
  `a op b`, `-a`, `f(a, b, k=c)`, `a.attr`, `a.method(b)`, `a[index]`, `(a, b)`;
- `if name: ... else: ...`;
- `return atom` (last), `xs.append(atom)`;
- or a statement that computes nothing differentiable (`assert`, `raise`, a call
  for its effect), left as written.
Conditional expressions become `if` statements.  What cannot carry a derivative
stays whole: comparisons, `and`/`or`/`not`, index expressions, f-strings, and
attribute chains on modules (`np.pi`).  New operands are named `t1`, `t2`, ...
"""

import gast

from ..syntax import appended, assign, is_atom, is_simple, load, local_names, located


class ANF:
    def __init__(self, namer, local_names):
        self.namer = namer
        self.local_names = local_names
        self.out = None  # the statement list being written

    def block(self, stmts):
        saved, self.out = self.out, []
        for stmt in stmts:
            self.statement(stmt)
        result, self.out = self.out, saved
        return result

    def emit(self, stmt, like):
        self.out.append(located(stmt, like))

    def statement(self, stmt):
        self.current = stmt
        if isinstance(stmt, gast.Assign):
            target = stmt.targets[0]
            if isinstance(target, gast.Name) and isinstance(stmt.value, gast.IfExp):
                self.conditional(stmt.value, target.id)
            elif isinstance(target, gast.Subscript):
                # `y[index] = atom`: the value is named, so the adjoint can reach it
                value = self.atom(stmt.value)
                target.slice = self.index(target.slice)
                self.emit(assign(target, value, like=stmt), stmt)
            else:
                self.emit(assign(target, self.operation(stmt.value), like=stmt), stmt)
        elif isinstance(stmt, gast.If):
            test = self.condition(stmt.test)
            body, orelse = self.block(stmt.body), self.block(stmt.orelse)
            self.emit(gast.If(test=test, body=body or [gast.Pass()], orelse=orelse), stmt)
        elif isinstance(stmt, gast.For):
            # `range(a, b, c)` with named bounds: the adjoint loop runs it backwards
            stmt.iter.args = [self.atom(arg) for arg in stmt.iter.args]
            stmt.body = self.block(stmt.body) or [gast.Pass()]
            self.emit(stmt, stmt)
        elif isinstance(stmt, gast.While):
            # the condition carries no derivative: it stays whole, evaluated each time
            stmt.body = self.block(stmt.body) or [gast.Pass()]
            self.emit(stmt, stmt)
        elif isinstance(stmt, gast.Return):
            self.emit(gast.Return(value=self.atom(stmt.value)), stmt)
        elif appended(stmt):
            # `xs.append(atom)`: the value is named, so the adjoint can reach it
            stmt.value.args = [self.atom(stmt.value.args[0])]
            self.emit(stmt, stmt)
        else:
            self.emit(stmt, stmt)

    def conditional(self, node, target):
        """`target = a if c else b` as an `if` statement, evaluating one side only."""
        test = self.condition(node.test)
        body = self.block([assign(target, node.body, like=self.current)])
        orelse = self.block([assign(target, node.orelse, like=self.current)])
        self.emit(gast.If(test=test, body=body, orelse=orelse), self.current)

    def condition(self, test):
        """A branch condition as a name, so the adjoint sweep can reuse the decision."""
        if isinstance(test, gast.Name):
            return test
        name = self.namer.fresh("cond")
        self.emit(assign(name, test, like=self.current), self.current)
        return load(name)

    def atom(self, node):
        if is_atom(node) or self.is_static(node):
            return node
        if isinstance(node, gast.IfExp):
            name = self.namer.temporary()
            self.conditional(node, name)
            return load(name)
        value = self.operation(node)
        name = self.namer.temporary()
        self.emit(assign(name, value, like=self.current), self.current)
        return gast.copy_location(load(name), node)

    def index(self, node):
        """An index whose parts are names, constants and slices of them, so the adjoint
        sweep reuses the very index the primal used (a random or costly index is not
        evaluated twice).  `x[i, 1:-1]` stays as written; `x[x > 0]` names its mask."""
        if isinstance(node, gast.Tuple):
            node.elts = [self.index(e) for e in node.elts]
            return node
        if isinstance(node, gast.Slice):
            for bound in ("lower", "upper", "step"):
                value = getattr(node, bound)
                if value is not None and not is_simple(value):
                    setattr(node, bound, self.name_of(value))
            return node
        return node if is_simple(node) else self.name_of(node)

    def name_of(self, node):
        """`node`'s value in a new temporary, whatever kind of expression it is."""
        if isinstance(node, gast.IfExp):
            return self.atom(node)
        name = self.namer.temporary()
        self.emit(assign(name, self.operation(node), like=self.current), self.current)
        return gast.copy_location(load(name), node)

    def is_static(self, node):
        """A module attribute chain such as `np.pi` or `math.e`: no operation to name."""
        while isinstance(node, gast.Attribute):
            node = node.value
        return isinstance(node, gast.Name) and node.id not in self.local_names

    def operation(self, node):
        """`node` with atoms as operands; the operands' computations emitted before."""
        if is_atom(node) or self.is_static(node):
            return node
        if isinstance(node, gast.BinOp):
            node.left = self.atom(node.left)
            node.right = self.atom(node.right)
        elif isinstance(node, gast.UnaryOp):
            if isinstance(node.op, (gast.USub, gast.UAdd)):
                node.operand = self.atom(node.operand)
        elif isinstance(node, gast.Call):
            if isinstance(node.func, gast.Attribute) and not self.is_static(node.func):
                node.func.value = self.atom(node.func.value)  # a method's receiver
            elif not isinstance(node.func, gast.Name) and not self.is_static(node.func):
                node.func = self.atom(node.func)
            node.args = [self.atom(arg) for arg in node.args]
            for keyword in node.keywords:
                keyword.value = self.atom(keyword.value)
        elif isinstance(node, gast.Attribute):
            node.value = self.atom(node.value)
        elif isinstance(node, gast.Subscript):
            node.value = self.atom(node.value)
            node.slice = self.index(node.slice)
        elif isinstance(node, (gast.Tuple, gast.List)):
            node.elts = [self.atom(e) for e in node.elts]
        elif isinstance(node, gast.Dict):
            node.values = [self.atom(v) for v in node.values]
        elif isinstance(node, gast.IfExp):
            return load(self.atom(node).id)
        # comparisons, and/or/not, f-strings: no derivative flows, kept whole
        return node


def to_anf(fn, namer):
    fn.body = ANF(namer, local_names(fn)).block(fn.body)
    return fn
