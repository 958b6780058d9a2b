"""Resolve: from a target (`pkg.mod.fn`, `path/file.py:fn`, or a function object) to
the function's source text and a namespace that says what each free name means.

In: a target string or a Python function.  Out: a `FunctionSource`.
"""

import builtins
import hashlib
import importlib
import importlib.util
import inspect
import os
import sys
import textwrap
import types
from dataclasses import dataclass, field

from .errors import S2SError
from .runtime import notes

_MISSING = object()


@dataclass
class FunctionSource:
    """A user's function: its source (dedented), where it lives, what its names mean."""

    function: types.FunctionType
    source: str
    path: str  # the file as the user would name it, for error messages
    first_line: int  # line of the source's first line in that file
    indent: int  # columns removed by dedenting
    target: str  # how the user named the function, for the generated header
    namespace: "Namespace" = field(repr=False)
    decorated: bool = False  # the object given wraps the function (decorators.py)

    @property
    def name(self):
        return self.function.__name__

    @property
    def module_name(self):
        return self.function.__module__

    @property
    def filename(self):
        return self.path

    @property
    def basename(self):
        return os.path.basename(self.path)

    @property
    def sha256(self):
        return hashlib.sha256(self.source.encode()).hexdigest()

    def line(self, lineno):
        """The text of file line `lineno` (within the function), stripped."""
        lines = self.source.splitlines()
        index = lineno - self.first_line
        return lines[index].strip() if 0 <= index < len(lines) else ""

    def note(self, lineno):
        """Where file line `lineno` of this function is, for an error raised by code
        made from it; through its own notes where s2s generated this function."""
        if notes.is_generated(self.function):
            return notes.note_at(self.function, lineno)
        return f"in {self.name} ({self.basename}:{lineno}): {self.line(lineno)}"


class Namespace:
    """What the free names of a function refer to: closure cells, globals, builtins."""

    def __init__(self, function):
        self.globals = function.__globals__
        self.closure = {}
        if function.__closure__:
            for name, cell in zip(function.__code__.co_freevars, function.__closure__):
                try:
                    self.closure[name] = cell.cell_contents
                except ValueError:  # cell not filled yet
                    pass

    def lookup(self, name, default=_MISSING):
        for scope in (self.closure, self.globals, vars(builtins)):
            if name in scope:
                return notes.unwrapped(scope[name])
        if default is _MISSING:
            raise KeyError(name)
        return default

    def where(self, name):
        """'closure', 'global' or 'builtin': where `name` is found."""
        if name in self.closure:
            return "closure"
        if name in self.globals:
            return "global"
        return "builtin"

    def names(self):
        return set(self.closure) | set(self.globals) | set(vars(builtins))


def _display_path(path):
    path = os.path.abspath(path)
    try:
        relative = os.path.relpath(path)
    except ValueError:
        return path
    return path if relative.startswith("..") else relative


def _import_failure(what, exc):
    """An S2SError for an exception raised while importing a user's module: located
    where it was raised in the user's files (a syntax error: where it is)."""
    if isinstance(exc, SyntaxError) and exc.filename and not exc.filename.startswith("<"):
        return S2SError(f"importing {what} failed: {exc.msg}", _display_path(exc.filename),
                        exc.lineno, exc.offset)
    tb, frame = exc.__traceback__, None
    while tb is not None:  # the last frame in a file, not in the import machinery
        name = tb.tb_frame.f_code.co_filename
        if not name.startswith(("<", os.path.dirname(importlib.__file__))):
            frame = tb
        tb = tb.tb_next
    where = {} if frame is None else {
        "filename": _display_path(frame.tb_frame.f_code.co_filename),
        "lineno": frame.tb_lineno}
    if isinstance(exc, SystemExit):
        return S2SError(f"importing {what} ended it: it called sys.exit({exc.code!r}); "
                        "s2s needs a module it can import (put the script's work under "
                        "`if __name__ == \"__main__\":`)", **where)
    if isinstance(exc, KeyboardInterrupt):
        return S2SError(f"importing {what} was interrupted (KeyboardInterrupt)", **where)
    return S2SError(f"importing {what} failed: {type(exc).__name__}: {exc}", **where)


def _importing(what, argv0, run):
    """`run()`, which imports the user's module `what`, as if that module were run
    alone (`sys.argv` is `[argv0]`); whatever it raises, `sys.exit` and
    KeyboardInterrupt too, is a located error of s2s's."""
    argv = sys.argv
    sys.argv = [argv0]
    try:
        return run()
    except (SystemExit, KeyboardInterrupt) as exc:
        raise _import_failure(what, exc) from None
    finally:
        sys.argv = argv


def load_file(path):
    """Import the Python file `path` as a module (its directory on `sys.path`)."""
    if not os.path.isfile(path):
        raise S2SError(f"{path}: no such file")
    if not path.endswith(".py"):
        raise S2SError(f"{path}: not a Python file (a .py file is needed)")
    directory = os.path.dirname(os.path.abspath(path))
    if directory not in sys.path:
        sys.path.insert(0, directory)  # siblings import each other, as under `python file.py`
    name = os.path.splitext(os.path.basename(path))[0]
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module

    def run():
        try:
            spec.loader.exec_module(module)
        except Exception as exc:
            raise _import_failure(path, exc) from None

    try:
        _importing(path, path, run)
    except S2SError:
        del sys.modules[name]
        raise
    return module


def _import_dotted(dotted):
    """Import the longest importable module prefix of `dotted`; return it and the rest."""
    if os.getcwd() not in sys.path and "" not in sys.path:
        sys.path.insert(0, os.getcwd())  # like `python -m`
    parts = dotted.split(".")
    for i in range(len(parts) - 1, 0, -1):
        module_name = ".".join(parts[:i])
        try:
            module = _importing(module_name, module_name,
                                lambda: importlib.import_module(module_name))
        except ModuleNotFoundError as exc:
            if exc.name and module_name.startswith(exc.name):
                continue  # this prefix is not a module; try a shorter one
            raise _import_failure(module_name, exc) from None
        except S2SError:
            raise  # (it ended the import: sys.exit)
        except Exception as exc:
            raise _import_failure(module_name, exc) from None
        return module, parts[i:]
    raise S2SError(f"cannot import {dotted!r}: no module named {parts[0]!r}")


def function_from_target(target):
    """The function a CLI TARGET names: `pkg.module.fn` or `path/to/file.py:fn`."""
    if ":" in target:
        path, _, attr_path = target.rpartition(":")
        module = load_file(path)
        where, attrs = path, attr_path.split(".")
    else:
        if "." not in target:
            raise S2SError(
                f"target {target!r} must be 'package.module.function' or 'file.py:function'"
            )
        module, attrs = _import_dotted(target)
        where = module.__name__
    obj = module
    for attr in attrs:
        if not hasattr(obj, attr):
            raise S2SError(f"{where} has no attribute {'.'.join(attrs)!r}")
        obj = getattr(obj, attr)
    return obj


def function_source(function, target=None):
    """The source and namespace of a Python function."""
    given, function = function, inspect.unwrap(function)
    label = target or getattr(function, "__qualname__", repr(function))
    if not isinstance(function, types.FunctionType):
        raise S2SError(f"{label} is not a Python function (got {type(function).__name__})")
    if function.__name__ == "<lambda>":
        raise S2SError(f"{label} is a lambda; give it a name with def")
    try:
        lines, first_line = inspect.getsourcelines(function)
    except (OSError, TypeError):
        raise S2SError(
            f"{label} has no source file (defined in a REPL or generated at run time)"
        ) from None
    raw = "".join(lines)
    source = textwrap.dedent(raw)
    indent = len(lines[0]) - len(lines[0].lstrip())
    path = _display_path(inspect.getsourcefile(function) or function.__code__.co_filename)
    if target is None:
        target = f"{function.__module__}.{function.__qualname__}"
    return FunctionSource(
        function=function,
        source=source,
        path=path,
        first_line=max(first_line, 1),
        indent=indent,
        target=target,
        namespace=Namespace(function),
        decorated=function is not given,
    )
