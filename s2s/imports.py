"""The names a generated module uses for modules, runtime helpers and the user's
objects, and the import statements that define them."""

import cmath
import importlib
import sys
import types

import gast

from .syntax import load


# modules of ufuncs that name no module of their own (NumPy's say "numpy")
UFUNC_MODULES = ("scipy.special",)


def _importable_as(obj):
    """(module, name) such that `from module import name` gives `obj`, or None: the
    public module a library documents it in (`scipy.special`, not where it is defined,
    `scipy.special._logsumexp`), where that module has it."""
    module_name = getattr(obj, "__module__", None)
    name = getattr(obj, "__name__", None)
    if not name:
        return None
    if module_name:
        parts = module_name.split(".")
        public = next((i for i, part in enumerate(parts) if part.startswith("_")), len(parts))
        candidates = [".".join(parts[:public])] if public else []
        candidates.append(module_name)
    else:
        candidates = [m for m in UFUNC_MODULES if m in sys.modules]
    for candidate in candidates:
        try:
            module = importlib.import_module(candidate)
        except Exception:
            continue
        if getattr(module, name, None) is obj:
            return candidate, name
    return None


class Imports:
    """Gives each object the generated code refers to a name, and remembers how to
    import it.  `namespace` is the user's function's; `namer` knows the names taken.

    With `inject=True` (the Python API), objects from the user's own module are put
    into the generated module's namespace instead of being imported from it.
    """

    def __init__(self, namespace, namer, user_module, inject=False):
        self.namespace = namespace
        self.namer = namer
        self.user_module = user_module
        self.inject = inject
        self.lines = {}  # name -> import statement
        self.injected = {}  # name -> object
        self.by_object = {}  # id(obj) -> name
        self.by_name = {}  # name -> obj, for the names given out

    def user_name(self, name, node=None):
        """Make the user's free name `name` mean in generated code what it means in the
        user's function.  Returns an error message when it cannot."""
        return self.bind(name, self.namespace, self.user_module, rename=False)[1]

    def bind(self, name, namespace, module, rename=True):
        """(the name generated code uses, an error message or None) for the free name
        `name` of a function whose names `namespace` resolves, defined in `module`.
        With `rename`, a name the generated module already uses for another object
        is given a fresh one."""
        where = namespace.where(name)
        if where == "builtin":
            return name, None
        obj = namespace.lookup(name)
        if name in self.by_name and self.by_name[name] is obj:
            return name, None
        if rename and (name in self.by_name or name in self.lines):
            given = self.namer.fresh(name)  # the module uses it for something else
        else:
            given = name
        self.by_object.setdefault(id(obj), given)
        self.by_name[given] = obj
        if isinstance(obj, types.ModuleType):
            self.lines[given] = _import_module(obj.__name__, given)
            return given, None
        if self.inject:
            self.injected[given] = obj
            return given, None
        origin = _importable_as(obj)
        if origin is not None and origin[0] != "__main__":
            module_name, attr = origin
            self.lines[given] = _import_from(module_name, attr, given)
            return given, None
        if where == "closure":
            if _is_literal(obj):  # a number or string the enclosing function set
                self.lines[given] = f"{given} = {obj!r}"
                return given, None
            return given, (
                f"{name!r} is a variable of an enclosing function holding a "
                f"{type(obj).__name__}, which a generated module cannot import; define "
                "it at module level, or use the Python API (s2s.grad)"
            )
        if module in (None, "__main__"):
            return given, f"{name!r} is defined in __main__, which generated code cannot import"
        self.lines[given] = _import_from(module, name, given)
        return given, None

    def value(self, obj, hint):
        """An expression for the value `obj`, which no module-level name holds: its
        literal, or (injecting) a fresh name given to it; None where there is neither."""
        if _is_literal(obj):
            return gast.parse(repr(obj)).body[0].value
        if not self.inject:
            return None
        name = self.namer.fresh(hint)
        self.injected[name] = self.by_name[name] = obj
        return load(name)

    def reference(self, obj):
        """An expression naming `obj` (a module, runtime helper or importable object)."""
        key = id(obj)
        if key in self.by_object:
            return load(self.by_object[key])
        if isinstance(obj, types.ModuleType):
            preferred = obj.__name__.split(".")[-1]
            name = self.namer.fresh(preferred) if preferred in self.namer.taken else self.namer.reserve(preferred)
            self.lines[name] = _import_module(obj.__name__, name)
        else:
            origin = _importable_as(obj)
            if origin is None:
                raise ValueError(f"generated code cannot import {obj!r}")
            module_name, attr = origin
            if module_name == "builtins":
                return load(attr)
            name = self.namer.fresh(attr) if attr in self.namer.taken else self.namer.reserve(attr)
            self.lines[name] = _import_from(module_name, attr, name)
        self.by_object[key] = name
        self.by_name[name] = obj
        return load(name)

    def object_named(self, name):
        """The object a name given out by `reference` or `user_name` stands for."""
        return self.by_name.get(name)

    def statements(self, used=None):
        """Import lines (of the names in `used`, if given): plain imports first, then
        `from` imports, each sorted, with `from x import a, b` merged."""
        lines = [line for name, line in self.lines.items() if used is None or name in used]
        plain = sorted(line for line in lines if line.startswith("import "))
        merged = {}
        for line in lines:
            if line.startswith("from "):
                module, _, names = line[len("from "):].partition(" import ")
                merged.setdefault(module, []).append(names)
        froms = [f"from {m} import {', '.join(sorted(n))}" for m, n in sorted(merged.items())]
        constants = sorted(line for line in lines if not line.startswith(("import ", "from ")))
        return plain + froms + constants


def _is_literal(obj):
    """A value whose repr is Python source for it."""
    if isinstance(obj, tuple):
        return all(_is_literal(item) for item in obj)
    if type(obj) in (float, complex):
        return cmath.isfinite(obj)  # (`inf` and `nan` are no literals)
    return obj is None or type(obj) in (bool, int, str)


def _import_module(module_name, name):
    if module_name == name:
        return f"import {name}"
    return f"import {module_name} as {name}"


def _import_from(module_name, attr, name):
    if attr == name:
        return f"from {module_name} import {attr}"
    return f"from {module_name} import {attr} as {name}"
