"""The names a generated module uses for modules, runtime helpers and the user's
objects, and the import statements that define them."""

import importlib
import types

from .syntax import load


def _importable_as(obj):
    """(module, name) such that `from module import name` gives `obj`, or None."""
    module_name = getattr(obj, "__module__", None)
    name = getattr(obj, "__name__", None)
    if not module_name or not name:
        return None
    try:
        module = importlib.import_module(module_name)
    except Exception:
        return None
    return (module_name, name) if getattr(module, name, None) is obj else None


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
        where = self.namespace.where(name)
        if where == "builtin":
            return None
        obj = self.namespace.lookup(name)
        self.by_object.setdefault(id(obj), name)
        self.by_name[name] = obj
        if isinstance(obj, types.ModuleType):
            self.lines[name] = _import_module(obj.__name__, name)
            return None
        if self.inject:
            self.injected[name] = obj
            return None
        origin = _importable_as(obj)
        if origin is not None and origin[0] != "__main__":
            module_name, attr = origin
            self.lines[name] = _import_from(module_name, attr, name)
            return None
        if where == "closure":
            return f"{name!r} is a variable of an enclosing function; closures are not supported yet"
        if self.user_module in (None, "__main__"):
            return f"{name!r} is defined in __main__, which generated code cannot import"
        self.lines[name] = _import_from(self.user_module, name, name)
        return None

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

    def statements(self):
        """Import lines: plain imports first, then `from` imports, each sorted, with
        `from x import a, b` merged."""
        plain = sorted(line for line in self.lines.values() if line.startswith("import "))
        merged = {}
        for line in self.lines.values():
            if line.startswith("from "):
                module, _, names = line[len("from "):].partition(" import ")
                merged.setdefault(module, []).append(names)
        froms = [f"from {m} import {', '.join(sorted(n))}" for m, n in sorted(merged.items())]
        return plain + froms


def _import_module(module_name, name):
    if module_name == name:
        return f"import {name}"
    return f"import {module_name} as {name}"


def _import_from(module_name, attr, name):
    if attr == name:
        return f"from {module_name} import {attr}"
    return f"from {module_name} import {attr} as {name}"
