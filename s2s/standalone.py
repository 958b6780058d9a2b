"""`s2s differentiate --standalone`: the s2s runtime helpers a generated module uses,
copied into it, so that it needs NumPy and the standard library alone.

In: the module's import lines (as the compiler writes them: `import numpy as np`,
`from s2s.runtime import cast_like, unbroadcast`, `from s2s.runtime.notes import
with_source_notes`, ...) and the text of the rest of the module (its `__all__` and
its functions).  Out: `Copied`: the import lines the module keeps (all but those of
s2s) merged with those the copied code needs (`import numpy`, `import functools`,
...), and the block of copied code, headed by a comment.

What is copied: the source of each helper the module imports from `s2s.runtime` (or
from one of its modules), and, transitively, of every module-level definition of a
runtime module that one reads: functions, classes, constants and private helpers, as
they are written, docstrings, comments and decorators included.  The names each
definition reads are found with `ast` (scopes followed, so that a parameter or a
local variable is never taken for a module-level name): a name bound by a runtime
module's `def`, `class` or assignment, or imported by it from another runtime
module, is a definition to copy too; one bound to a module (`import numpy`) or
imported from a library (`from x import y`) becomes an import line; a builtin needs
nothing.  Module-level code that a copied helper relies on is copied too, after what
it reads: a statement that changes a copied definition
(`unbroadcast.returns_argument_or_new_array = True`), and a definition whose import
fills a copied registry (`@register("name")`, where `register` writes into a copied
`REGISTRY = {}`).  Refused (`S2SError`, naming what): a definition
that imports s2s inside its body, a name bound in a runtime module in any other way
(in an `if`, a `for`, ...), a name of s2s outside `s2s.runtime`.

Order: each definition comes after those that import time needs before it: its
decorators, base classes, default values, and what a module-level statement (a
constant, a class body) reads, with everything that these may call; otherwise in the
order of the runtime modules (by name) and of their lines.

Names: a definition keeps its name unless another copied one (of another runtime
module) or the module itself uses that name for something else; it is then renamed,
with every reference to it in the copied code, to `<name>_<its module>` (a comment
above it says so).  A helper the module imports under another name (`from
s2s.runtime import x as x_1`) is defined under that name.  `import s2s` in the
module (for `s2s.stop_gradient(x)` in the user's function) becomes a namespace of
the copied helpers it reads: `s2s = types.SimpleNamespace(stop_gradient=...)`.
"""

import ast
import builtins
import heapq
import importlib
import inspect
import pkgutil
import re
import sys
from dataclasses import dataclass

from .errors import S2SError
from .runtime.notes import TABLE

RUNTIME = "s2s.runtime"
HEADING = "# The s2s runtime helpers this module uses, copied from s2s {} (--standalone)"


@dataclass
class Copied:
    """The standalone module's import lines and its block of copied code."""

    imports: list  # import lines, sorted as the compiler sorts them
    block: str  # the heading comment and the copied code; "" when nothing is copied


def copied(import_lines, rest):
    """The import lines and the copied block that replace the `s2s` imports among
    `import_lines` (strings) of a module whose other code is the text `rest`."""
    return _Standalone(import_lines, rest).result()


def _refuse(message):
    return S2SError(f"--standalone: {message}")


def _is_s2s(module_name):
    return module_name == "s2s" or module_name.startswith("s2s.")


def _is_runtime(module_name):
    return module_name == RUNTIME or module_name.startswith(RUNTIME + ".")


def _short(module_name):
    """`layout` for s2s.runtime.layout; `runtime` for s2s.runtime."""
    return module_name.rpartition(".")[2]


# -- names and scopes ----------------------------------------------------------------


_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)
_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)


def _arguments(args):
    every = args.posonlyargs + args.args + args.kwonlyargs
    every += [a for a in (args.vararg, args.kwarg) if a is not None]
    return {a.arg for a in every}


def _bound_names(body):
    """(names bound in the scope whose statements or expressions are `body`, names it
    declares `global` or `nonlocal`): nested functions and classes bind their own name
    only; a comprehension binds nothing here but its `:=` targets."""
    bound, declared = set(), set()

    def visit(node, in_comprehension=False):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bound.add(node.name)
            outer = node.decorator_list + getattr(node, "bases", []) + [
                k.value for k in getattr(node, "keywords", [])
            ]
            if not isinstance(node, ast.ClassDef):
                outer += node.args.defaults + [d for d in node.args.kw_defaults if d]
            for n in outer:
                visit(n)
            return
        if isinstance(node, ast.Lambda):
            for n in node.args.defaults + [d for d in node.args.kw_defaults if d]:
                visit(n)
            return
        if isinstance(node, ast.Name):
            if not isinstance(node.ctx, ast.Load) and not in_comprehension:
                bound.add(node.id)
            return
        if isinstance(node, ast.NamedExpr):
            bound.add(node.target.id)
            visit(node.value, in_comprehension)
            return
        if isinstance(node, (ast.Global, ast.Nonlocal)):
            declared.update(node.names)
            return
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                if alias.name != "*":
                    bound.add(alias.asname or alias.name.partition(".")[0])
            return
        if isinstance(node, ast.ExceptHandler) and node.name:
            bound.add(node.name)
        if isinstance(node, (ast.MatchAs, ast.MatchStar)) and node.name:
            bound.add(node.name)
        if isinstance(node, ast.MatchMapping) and node.rest:
            bound.add(node.rest)
        inner = in_comprehension or isinstance(node, _COMPREHENSIONS)
        for child in ast.iter_child_nodes(node):
            visit(child, inner)

    for node in body:
        visit(node)
    return bound - declared, declared


@dataclass
class _Read:
    """A module-level name a statement reads (or, at module level, binds)."""

    name: str
    node: ast.AST  # the `Name` (for its position)
    at_import: bool  # read when the statement runs, not only when a function is called
    shadowing: frozenset  # the names local where it is read (a new name must avoid them)


class _Reads(ast.NodeVisitor):
    """The module-level names a top-level statement reads, and the imports its
    functions make in their bodies."""

    def __init__(self):
        self.reads = []
        self.inner_imports = []  # (Import or ImportFrom) inside a function
        self.declared = []  # (Global) statements
        self._scopes = []  # (kind, bound names, names declared global)
        self._calls = 0  # depth of function bodies: code that runs when called

    def _is_global(self, name):
        for i in range(len(self._scopes) - 1, -1, -1):
            kind, bound, declared = self._scopes[i]
            if kind == "class" and i != len(self._scopes) - 1:
                continue  # a class body's names are not its methods'
            if name in declared:
                return True
            if name in bound:
                return False
        return True

    def _local(self):
        names = set()
        for i, (kind, bound, _) in enumerate(self._scopes):
            if kind != "class" or i == len(self._scopes) - 1:
                names |= bound
        return frozenset(names)

    def visit_Name(self, node):
        if self._is_global(node.id):
            self.reads.append(_Read(node.id, node, self._calls == 0, self._local()))

    def _function(self, node, body):
        args = node.args
        for n in args.defaults + [d for d in args.kw_defaults if d is not None]:
            self.visit(n)
        if not isinstance(node, ast.Lambda):
            for n in node.decorator_list:
                self.visit(n)
            for a in args.posonlyargs + args.args + args.kwonlyargs + [args.vararg, args.kwarg]:
                if a is not None and a.annotation is not None:
                    self.visit(a.annotation)
            if node.returns is not None:
                self.visit(node.returns)
        bound, declared = _bound_names(body)
        self._scopes.append(("function", bound | _arguments(args), declared))
        self._calls += 1
        for n in body:
            self.visit(n)
        self._calls -= 1
        self._scopes.pop()

    def visit_FunctionDef(self, node):
        self._function(node, node.body)

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_Lambda(self, node):
        self._function(node, [node.body])

    def visit_ClassDef(self, node):
        for n in node.decorator_list + node.bases + [k.value for k in node.keywords]:
            self.visit(n)
        bound, declared = _bound_names(node.body)
        self._scopes.append(("class", bound, declared))
        for n in node.body:
            self.visit(n)
        self._scopes.pop()

    def _comprehension(self, node, parts):
        generators = node.generators
        self.visit(generators[0].iter)  # evaluated where the comprehension is
        targets = set()
        for g in generators:
            targets |= {n.id for n in ast.walk(g.target) if isinstance(n, ast.Name)}
        self._scopes.append(("comprehension", targets, set()))
        for i, g in enumerate(generators):
            self.visit(g.target)
            if i:
                self.visit(g.iter)
            for condition in g.ifs:
                self.visit(condition)
        for part in parts:
            self.visit(part)
        self._scopes.pop()

    def visit_ListComp(self, node):
        self._comprehension(node, [node.elt])

    visit_SetComp = visit_GeneratorExp = visit_ListComp

    def visit_DictComp(self, node):
        self._comprehension(node, [node.key, node.value])

    def visit_Import(self, node):
        if self._calls:
            self.inner_imports.append(node)

    visit_ImportFrom = visit_Import

    def visit_Global(self, node):
        self.declared.append(node)


def _reads(node):
    visitor = _Reads()
    visitor.visit(node)
    return visitor


# -- the runtime modules -------------------------------------------------------------


@dataclass(eq=False)
class _Unit:
    """A top-level statement of a runtime module, copied as it is written."""

    module: str
    node: ast.stmt
    names: tuple  # the module-level names it binds
    order: tuple  # (the module's place, line): the order of copying, otherwise

    @property
    def label(self):
        """`s2s.runtime.unbroadcast`; `s2s.runtime:429` for a statement binding nothing."""
        if self.names:
            return f"{self.module}.{self.names[0]}"
        return f"{self.module}:{self.node.lineno}"


class _Module:
    """A runtime module's top-level statements, read from its source."""

    def __init__(self, name, place):
        self.name = name
        module = importlib.import_module(name)
        self.package = name if hasattr(module, "__path__") else name.rpartition(".")[0]
        self.source = inspect.getsource(module)
        self.lines = self.source.splitlines()
        # name -> ("unit", _Unit), ("module", module, the dotted name imported),
        # ("from", module, attr) or ("other", the statement binding it otherwise)
        self.bindings = {}
        self.units, self.effects = [], []
        twice = set()

        def bind(name, binding):
            if name in self.bindings:
                twice.add(name)
            self.bindings[name] = binding

        for i, node in enumerate(ast.parse(self.source).body):
            if i == 0 and isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
                continue  # the docstring
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.asname:
                        bind(alias.asname, ("module", alias.name, alias.name))
                    else:
                        top = alias.name.partition(".")[0]
                        bind(top, ("module", top, alias.name))
            elif isinstance(node, ast.ImportFrom):
                source = self._absolute(node)
                for alias in node.names:
                    if alias.name == "*":
                        raise _refuse(f"{name} imports * from {source}: its names are unknown")
                    bind(alias.asname or alias.name, ("from", source, alias.name))
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                unit = self._unit(node, (node.name,), place)
                bind(node.name, ("unit", unit))
            elif isinstance(node, (ast.Assign, ast.AnnAssign)) and all(
                all(isinstance(n, (ast.Name, ast.Tuple, ast.List, ast.Starred))
                    for n in ast.walk(t) if not isinstance(n, ast.expr_context))
                for t in (node.targets if isinstance(node, ast.Assign) else [node.target])
            ):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                names = tuple(n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name))
                if isinstance(node, ast.AnnAssign) and node.value is None:
                    continue  # an annotation alone binds nothing
                unit = self._unit(node, names, place)
                for n in names:
                    bind(n, ("unit", unit))
            elif isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
                continue  # a string: no effect
            else:
                bound, _ = _bound_names([node])
                if bound:  # (an `if` defining a function, `x += 1`, a `for` loop, ...)
                    for n in bound:
                        bind(n, ("other", node))
                else:  # an effect on something defined already: `f.flag = True`
                    self.effects.append(self._unit(node, (), place))
        self.twice = twice

    def _absolute(self, node):
        if not node.level:
            return node.module
        package = self.package.split(".")
        base = ".".join(package[: len(package) - node.level + 1])
        return f"{base}.{node.module}" if node.module else base

    def _unit(self, node, names, place):
        unit = _Unit(self.name, node, names, (place, node.lineno))
        self.units.append(unit)
        return unit

    def text(self, unit):
        """The unit's lines (decorators and the comment right above it included), and
        the number of the first."""
        node = unit.node
        first = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
        while first > 1 and self.lines[first - 2].lstrip().startswith("#"):
            first -= 1
        return self.lines[first - 1:node.end_lineno], first


class _Runtime:
    """The runtime modules (the package's, and any other module of it imported
    already), each read when first needed."""

    def __init__(self):
        package = importlib.import_module(RUNTIME)
        names = {RUNTIME} | {f"{RUNTIME}.{m.name}" for m in pkgutil.iter_modules(package.__path__)}
        names |= {name for name, module in list(sys.modules.items())
                  if name.startswith(RUNTIME + ".") and module is not None}
        self.place = {name: i for i, name in enumerate(sorted(names))}
        self._modules = {}

    def module(self, name):
        if name not in self._modules:
            if name not in self.place:
                raise _refuse(f"{name} is not a module of {RUNTIME}")
            self._modules[name] = _Module(name, self.place[name])
        return self._modules[name]

    def every_module(self):
        return [self.module(name) for name in sorted(self.place)]

    def resolve(self, module_name, name, reader):
        """What `name` means in the runtime module `module_name`: ("unit", _Unit,
        name), ("module", dotted, the submodule imported), ("from", module, attr) or
        ("builtin", name).  `reader` says who reads it, for errors."""
        seen = set()
        while True:
            if (module_name, name) in seen:
                raise _refuse(f"{reader} reads {name!r}, whose imports go round in a circle")
            seen.add((module_name, name))
            module = self.module(module_name)
            binding = module.bindings.get(name)
            if binding is None:
                if f"{module_name}.{name}" in self.place:
                    raise _refuse(f"{reader} reads the module {module_name}.{name}, which "
                                  "cannot be copied into a module; read its names instead")
                if hasattr(builtins, name) and not name.startswith("__"):
                    return ("builtin", name)
                raise _refuse(f"{reader} reads {name!r}, which {module_name} does not define")
            if name in module.twice:
                raise _refuse(f"{reader} reads {name!r}, which {module_name} binds more than "
                              "once: which one it means is not known before it runs")
            kind = binding[0]
            if kind == "unit":
                return ("unit", binding[1], name)
            if kind == "other":
                node = binding[1]
                raise _refuse(f"{reader} reads {name!r}, which {module_name} binds in a "
                              f"`{type(node).__name__.lower()}` statement (line {node.lineno}); "
                              "only definitions, assignments and imports can be copied")
            if kind == "module":
                if _is_s2s(binding[1]):
                    raise _refuse(f"{reader} reads the module {binding[1]}, which cannot be "
                                  "copied into a module")
                return binding
            _, source, attr = binding
            if _is_runtime(source):
                module_name, name = source, attr
                continue
            if _is_s2s(source):
                raise _refuse(f"{reader} reads {attr} from {source}: only the helpers of "
                              f"{RUNTIME} are copied")
            return binding


# -- the module's own names ----------------------------------------------------------


def _parse_imports(import_lines):
    """[("module" or "from", module, attr or None, the name bound, the line)] of the
    import lines, and [(statement, line)] of the others (constants the compiler writes
    among them)."""
    imports, others = [], []
    for line in import_lines:
        tree = ast.parse(line)
        for node in tree.body:
            if isinstance(node, ast.Import):
                for alias in node.names:
                    bound = alias.asname or alias.name.partition(".")[0]
                    imports.append(("module", alias.name, None, bound, line))
            elif isinstance(node, ast.ImportFrom) and not node.level:
                for alias in node.names:
                    bound = alias.asname or alias.name
                    imports.append(("from", node.module, alias.name, bound, line))
            else:
                others.append((node, line))
    return imports, others


def _sorted_imports(lines):
    """Plain imports first, then `from` imports merged by module, then the rest (as
    `Imports.statements` orders them)."""
    lines = list(dict.fromkeys(lines))
    plain = sorted(line for line in lines if line.startswith("import "))
    merged = {}
    for line in lines:
        if line.startswith("from "):
            for node in ast.parse(line).body:
                for alias in node.names:
                    name = alias.name if not alias.asname else f"{alias.name} as {alias.asname}"
                    merged.setdefault(node.module, set()).add(name)
    froms = [f"from {m} import {', '.join(sorted(n))}" for m, n in sorted(merged.items())]
    rest = [line for line in lines if not line.startswith(("import ", "from "))]
    return plain + froms + rest


def _import_line(target, name):
    kind = target[0]
    if kind == "module":
        _, dotted, imported = target
        if imported != dotted:  # `import a.b`, which binds `a`
            if name != dotted:
                raise _refuse(f"`import {imported}` would have to bind {name!r}")
            return f"import {imported}"
        return f"import {dotted}" if name == dotted else f"import {dotted} as {name}"
    _, module, attr = target
    return f"from {module} import {attr}" + (f" as {name}" if name != attr else "")


def _key(target):
    """A target's identity: the unit and name it defines, or what it imports."""
    if target[0] == "unit":
        return ("unit", target[1].module, target[2])
    if target[0] == "module":
        return ("module", target[1])
    return target


# -- putting it together -------------------------------------------------------------


class _Standalone:
    """What one module needs copied: `result()`."""

    def __init__(self, import_lines, rest):
        self.runtime = _Runtime()
        self.imports, self.others = _parse_imports(import_lines)
        self.rest = ast.parse(rest)
        self.targets = {}  # key -> target
        self.aliases = {}  # key -> [names the module requires for it]
        self.units = {}  # _Unit -> {key of a target it reads: at import time?}
        self.locals = {}  # key -> names local where it is read
        self.spellings = {}  # key -> {(unit order, the name a unit reads it by)}
        self.reads = {}  # _Unit -> its `_Reads`
        self.builtins_read = set()
        self._resolved_reads, self._unit_of = {}, {}  # (for `_close`)
        self.shims = {}  # the name of an `import s2s` -> {attribute: key}

    # what the module needs

    def result(self):
        kept = []
        for kind, module, attr, bound, line in self.imports:
            if kind == "from" and _is_runtime(module):
                self._seed(self.runtime.resolve(module, attr, f"`{line}`"), bound)
            elif kind == "module" and _is_s2s(module):
                self._shim(module, bound)
            elif _is_s2s(module):
                raise _refuse(f"the module imports {attr} from {module}: only the helpers "
                              f"of {RUNTIME} can be copied into it")
            else:
                kept.append(line)
        kept += [line for _, line in self.others]
        if not self.targets:
            return Copied(imports=_sorted_imports(kept), block="")
        self._close()
        self._name()
        lines = kept + [_import_line(self.targets[k], self.final[k])
                        for k in self.targets if self.targets[k][0] != "unit"
                        and k not in self.provided]
        return Copied(imports=_sorted_imports(lines), block=self._block())

    def _seed(self, target, alias=None):
        key = _key(target)
        if target[0] == "builtin":
            raise _refuse(f"{RUNTIME} gives the builtin {target[1]!r}, which needs no copy")
        self.targets.setdefault(key, target)
        if alias is not None and alias not in self.aliases.get(key, []):
            self.aliases.setdefault(key, []).append(alias)
        return key

    def _shim(self, module, bound):
        """`import s2s` (as `bound`): the module reads `bound.<name>` for runtime
        helpers, which a namespace of the copied ones stands for."""
        attributes = {}
        parents = {id(child): node for node in ast.walk(self.rest)
                   for child in ast.iter_child_nodes(node)}
        for node in ast.walk(self.rest):
            if not (isinstance(node, ast.Name) and node.id == bound):
                continue
            parent = parents.get(id(node))
            if not (isinstance(parent, ast.Attribute) and parent.value is node
                    and isinstance(parent.ctx, ast.Load) and isinstance(node.ctx, ast.Load)):
                raise _refuse(f"the module uses `{bound}` (`import {module}`) other than to "
                              f"read a helper of {RUNTIME} from it (line {node.lineno})")
            attributes.setdefault(parent.attr, None)
        package = importlib.import_module(module)
        for attr in sorted(attributes):
            origin = _defined_in_runtime(getattr(package, attr, None))
            if origin is None:
                raise _refuse(f"the module reads {module}.{attr}, which is not a helper of "
                              f"{RUNTIME} (only those can be copied)")
            attributes[attr] = self._seed(self.runtime.resolve(*origin, f"{module}.{attr}"))
        self._seed(("module", "types", "types"))
        self.shims[bound] = attributes

    def _close(self):
        """Every definition the seeds need, and the module-level code that changes
        them: a statement reading a copied definition (`f.flag = True`), and a
        definition whose import runs code that reads a copied registry (a dict, list or
        set that a decorator fills: `@register("name")`)."""
        queue = [t[1] for t in self.targets.values() if t[0] == "unit"]
        while queue:
            while queue:
                unit = queue.pop()
                if unit not in self.units:
                    self.units[unit] = self._needs(unit, queue)
            copied = {key for key, target in self.targets.items() if target[0] == "unit"}
            for module in self.runtime.every_module():
                for effect in module.effects:
                    if effect not in self.units and set(self._resolved(effect)) & copied:
                        queue.append(effect)
            registries = {k for k in copied if _is_registry(self.targets[k][1].node)}
            if not registries:
                continue
            everything = [u for m in self.runtime.every_module() for u in m.units]
            fillers = {u for u in everything if set(self._resolved(u)) & registries}
            for unit in everything:
                if unit not in self.units and self._runs_at_import(unit) & fillers:
                    queue.append(unit)

    def _resolved(self, unit):
        """{key: read at import time} of what `unit` reads, but names it does not
        define (which are errors only when it is copied)."""
        if unit not in self._resolved_reads:
            reads = {}
            for read in _reads(unit.node).reads:
                if read.name in unit.names:
                    continue
                try:
                    target = self.runtime.resolve(unit.module, read.name, unit.label)
                except S2SError:
                    continue
                if target[0] != "builtin":
                    key = _key(target)
                    reads[key] = reads.get(key, False) or read.at_import
                    self._unit_of.setdefault(key, target[1] if target[0] == "unit" else None)
            self._resolved_reads[unit] = reads
        return self._resolved_reads[unit]

    def _runs_at_import(self, unit):
        """The definitions that `unit`'s import may run: those it reads then, and what
        they read in turn."""
        seen = set()
        stack = [k for k, at_import in self._resolved(unit).items() if at_import]
        while stack:
            other = self._unit_of.get(stack.pop())
            if other is not None and other not in seen:
                seen.add(other)
                stack += list(self._resolved(other))
        return seen

    def _needs(self, unit, queue):
        """{key: read at import time} of the targets `unit` reads; new units queued."""
        found = _reads(unit.node)
        for node in found.inner_imports:
            source = node.module if isinstance(node, ast.ImportFrom) else None
            names = [source] if source else [a.name for a in node.names]
            if getattr(node, "level", 0) or any(n and _is_s2s(n) for n in names):
                raise _refuse(
                    f"{unit.label} imports {ast.unparse(node)!r} in its body (line "
                    f"{node.lineno} of {unit.module}): the copy would still need s2s; "
                    "import it at the top of the module instead"
                )
        for name in unit.names:  # (all of `a, b = ...`, though one is read)
            self.targets.setdefault(("unit", unit.module, name), ("unit", unit, name))
        needs = {}
        for read in found.reads:
            if read.name in unit.names:  # its own name: no need
                self.locals.setdefault(("unit", unit.module, read.name), set()).update(
                    read.shadowing)
                continue
            target = self.runtime.resolve(unit.module, read.name, unit.label)
            if target[0] == "builtin":
                self.builtins_read.add(read.name)
                continue
            key = _key(target)
            if key not in self.targets:
                self.targets[key] = target
            if target[0] == "unit" and target[1] not in self.units:
                queue.append(target[1])
            needs[key] = needs.get(key, False) or read.at_import
            self.locals.setdefault(key, set()).update(read.shadowing)
            self.spellings.setdefault(key, set()).add((unit.order, read.name))
        self.reads[unit] = found
        return needs

    # names

    def _name(self):
        """The name of each target in the standalone module: the one the module
        imports it as; else its own, unless that is taken (renamed then)."""
        self.final, self.provided = {}, set()
        rest_bound, rest_reads = self._rest_names()
        taken = set(rest_bound) | rest_reads | self.builtins_read | set(self.shims)
        taken |= {TABLE, "__all__"}  # (the notes table, which comes last)
        for key, names in self.aliases.items():
            self.final[key] = names[0]
            taken.update(names)
        for key in self.targets:  # the same import as one of the module's own
            preferred = self._preferred(key)
            if key not in self.final and rest_bound.get(preferred) == key:
                self.final[key] = preferred
                self.provided.add(key)
        used = set(self.final.values())
        for key in sorted(self.targets, key=self._order):
            if key in self.final:
                continue
            target = self.targets[key]
            avoid = taken | used | self.locals.get(key, set())
            name = base = self._preferred(key)
            if name in avoid and target[0] == "unit":
                name = base = f"{base}_{_short(target[1].module)}"
            n = 1
            while name in avoid:
                n += 1
                name = f"{base}_{n}"
            self.final[key] = name
            used.add(name)

    def _preferred(self, key):
        """The name a target is defined or (first, in the order of copying) read by."""
        target = self.targets[key]
        if target[0] == "unit":
            return target[2]
        if key in self.spellings:
            return min(self.spellings[key])[1]
        return target[1].partition(".")[0] if target[0] == "module" else target[2]

    def _order(self, key):
        """Definitions in the order of copying, then imports."""
        target = self.targets[key]
        if target[0] == "unit":
            return (0, target[1].order, key[2])
        return (1, (0, 0), str(key))

    def _rest_names(self):
        """({name: key of the import binding it, or None}, builtins read) of the module's
        own code: its imports (but s2s's), constants, `__all__` and functions."""
        bound = {}
        for kind, module, attr, name, _ in self.imports:
            if _is_s2s(module):
                continue
            bound[name] = ("module", module) if kind == "module" else ("from", module, attr)
        for node, _ in self.others:
            for name in _bound_names([node])[0]:
                bound[name] = None
        for name in _bound_names(self.rest.body)[0]:
            bound[name] = None
        reads = set()
        for node in self.rest.body:
            for read in _reads(node).reads:
                if read.name not in bound:
                    reads.add(read.name)
        return bound, reads

    # the text

    def _block(self):
        units = self._sorted_units()
        parts = [HEADING.format(_version())]
        for unit in units:
            parts.append(self._text(unit))
        for key, names in self.aliases.items():
            for alias in names[1:]:
                parts.append(f"{alias} = {self.final[key]}")
        for bound, attributes in self.shims.items():
            types_module = self.final[("module", "types")]
            fields = ", ".join(f"{a}={self.final[k]}" for a, k in attributes.items())
            parts.append(f"# `{bound}.<name>` as the function reads it: the helpers above\n"
                         f"{bound} = {types_module}.SimpleNamespace({fields})")
        return "\n\n\n".join(parts)

    def _sorted_units(self):
        """The units, each after those that import time needs before it."""
        units = list(self.units)
        unit_of = {}
        for unit in units:
            for name in unit.names:
                unit_of[("unit", unit.module, name)] = unit
        direct = {u: {unit_of[k] for k, at_import in self.units[u].items()
                      if at_import and k in unit_of} for u in units}
        every = {u: {unit_of[k] for k in self.units[u] if k in unit_of} for u in units}

        def reachable(start):
            seen, stack = set(), [start]
            while stack:
                for v in every[stack.pop()]:
                    if v not in seen:
                        seen.add(v)
                        stack.append(v)
            return seen

        before = {}
        for u in units:
            needed = set(direct[u])
            for v in direct[u]:
                needed |= reachable(v)  # what it needs may be called right away
            before[u] = needed - {u} if u not in needed else direct[u] - {u}
        order = self._topological(units, before)
        if order is None:
            order = self._topological(units, {u: direct[u] - {u} for u in units})
        if order is None:
            raise _refuse("the runtime helpers need each other at import time: "
                          + ", ".join(sorted(u.label for u in units)))
        return order

    @staticmethod
    def _topological(units, before):
        waiting = {u: set(before[u]) for u in units}
        after = {u: [] for u in units}
        for u, needs in waiting.items():
            for v in needs:
                after[v].append(u)
        ready = [(u.order, i, u) for i, u in enumerate(units) if not waiting[u]]
        heapq.heapify(ready)
        index = {u: i for i, u in enumerate(units)}
        order = []
        while ready:
            _, _, u = heapq.heappop(ready)
            order.append(u)
            for v in after[u]:
                waiting[v].discard(u)
                if not waiting[v]:
                    heapq.heappush(ready, (v.order, index[v], v))
        return order if len(order) == len(units) else None

    def _text(self, unit):
        """The unit's source, its module-level names renamed as they are here."""
        module = self.runtime.module(unit.module)
        lines, first = module.text(unit)
        lines = [line.encode("utf-8") for line in lines]  # (columns count bytes)
        edits = []  # (line index, column, old, new)
        found = self.reads[unit] if unit in self.reads else _reads(unit.node)
        renamed = {}
        for read in found.reads:
            if read.name in unit.names:
                key = ("unit", unit.module, read.name)
            else:
                target = self.runtime.resolve(unit.module, read.name, unit.label)
                if target[0] == "builtin":
                    continue
                key = _key(target)
            new = self.final[key]
            if new != read.name:
                if new in read.shadowing:
                    raise _refuse(f"{unit.label} reads {read.name!r}, which is {new!r} here, "
                                  "but has a variable of that name")
                edits.append((read.node.lineno - first, read.node.col_offset, read.name, new))
                renamed[read.name] = new
        node = unit.node
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            new = self.final[("unit", unit.module, node.name)]
            if new != node.name:
                i = node.lineno - first
                match = re.match(rb"\s*(?:async\s+def|def|class)\s+", lines[i])
                edits.append((i, match.end(), node.name, new))
                renamed[node.name] = new
        for statement in found.declared:
            if set(statement.names) & set(renamed):
                raise _refuse(f"{unit.label} declares `global` a name that must be renamed")
        for i, column, old, new in sorted(edits, reverse=True):
            line = lines[i]
            assert line[column:column + len(old.encode())] == old.encode(), (unit.label, old)
            lines[i] = line[:column] + new.encode() + line[column + len(old.encode()):]
        text = "\n".join(line.decode("utf-8") for line in lines)
        notes = [f"# {unit.module}'s `{old}`, renamed: this module has another `{old}`"
                 for old in unit.names if renamed.get(old, old) != old]
        return "\n".join(notes + [text])



def _is_registry(node):
    """Whether a copied statement makes a container that other code may fill: a dict,
    list or set (`REGISTRY = {}`)."""
    value = getattr(node, "value", None)
    displays = (ast.Dict, ast.List, ast.Set, ast.DictComp, ast.ListComp, ast.SetComp)
    if isinstance(value, displays):
        return True
    return (isinstance(value, ast.Call) and isinstance(value.func, (ast.Name, ast.Attribute))
            and getattr(value.func, "id", getattr(value.func, "attr", None))
            in ("dict", "list", "set", "defaultdict", "OrderedDict", "deque"))


def _defined_in_runtime(obj):
    """(module, name) of the runtime module that defines `obj`, or None."""
    module = getattr(obj, "__module__", None)
    name = getattr(obj, "__name__", None)
    if not module or not name or not _is_runtime(module):
        return None
    return (module, name) if getattr(importlib.import_module(module), name, None) is obj else None


def _version():
    from . import __version__

    return __version__
