"""Resolve: from a target (`pkg.mod.fn`, `path/file.py:fn`, or a function object) to
the function's source text and a namespace that says what each free name means.

In: a target string or a Python function.  Out: a `FunctionSource`.

A lambda given as the target (`s2s.grad(lambda w: loss(w, x, y))`) is found in its
file by position (the line, and on Python 3.11+ the columns its code records) and
read as the `def` it stands for, `def lambda_(w): return (loss(w, x, y))`, laid out
so that every node keeps the line and column it has in the user's file.
"""

import ast
import builtins
import hashlib
import importlib
import importlib.util
import inspect
import linecache
import os
import sys
import textwrap
import types
from dataclasses import dataclass, field

import gast

from .errors import S2SError, Unsupported
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
    shown: dict = None  # file line -> its text as shown in notes, where not `source`'s

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
        if self.shown is not None:
            return self.shown.get(lineno, "")
        lines = self.source.splitlines()
        index = lineno - self.first_line
        if 0 <= index < len(lines):
            return lines[index].strip()
        # a line of a method of the same file inlined into it (normalize/methods.py)
        return linecache.getline(self.function.__code__.co_filename, lineno).strip()

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


def meaning(node, namespace):
    """What `node`, a name or an attribute chain of names (gast), means in `namespace`
    (a `Namespace`, or a module's globals); None where it is neither, or unbound."""
    if isinstance(node, gast.Name):
        lookup = getattr(namespace, "lookup", None)
        return lookup(node.id, None) if lookup is not None else namespace.get(node.id)
    if isinstance(node, gast.Attribute):
        base = meaning(node.value, namespace)
        return getattr(base, node.attr, None) if base is not None else None
    return None


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
    if isinstance(function, types.MethodType) and isinstance(function.__func__,
                                                             types.FunctionType):
        cls = type(function.__self__).__qualname__
        raise S2SError(f"{label} is a method bound to an object; differentiate "
                       f"{cls}.{function.__name__}, whose first parameter is the object "
                       "(or pass the bound method to the Python API, s2s.grad)")
    if not isinstance(function, types.FunctionType):
        raise S2SError(f"{label} is not a Python function (got {type(function).__name__})")
    if function.__name__ == "<lambda>":
        if target is None:  # (a function s2s differentiates where it is called)
            raise S2SError(f"{label} is a lambda; give it a name with def")
        return _lambda_source(function, given, target)
    try:
        lines, first_line = inspect.getsourcelines(function)
    except (OSError, TypeError):
        raise S2SError(_no_source(label)) from None
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


def _no_source(label):
    return (f"{label} has no source file (defined in a REPL, with `python -c`, or generated "
            "at run time), and s2s differentiates source: put the function in a .py file "
            "and import it, or define it in a notebook cell (Jupyter, IPython)")


def _lambda_source(function, given, target):
    """The `FunctionSource` of a lambda: the `def` it stands for, its nodes at their
    places in the user's file."""
    code = function.__code__
    lines = linecache.getlines(code.co_filename, function.__globals__)
    label = f"the lambda at {_display_path(code.co_filename)}:{code.co_firstlineno}"
    if not lines:
        raise S2SError(_no_source(label))
    node = _lambda_node(code, lines, label)
    body = node.body
    for n in ast.walk(body):
        if isinstance(n, (ast.Constant, ast.JoinedStr)) and n.lineno != n.end_lineno:
            raise S2SError(f"{label}: a string over several lines in a lambda is not "
                           "supported; give it a name with def", _display_path(
                               code.co_filename), n.lineno, n.col_offset + 1)
    raw = [lines[i].rstrip("\r\n").encode() for i in range(body.lineno - 1, body.end_lineno)]
    raw[-1] = raw[-1][:body.end_col_offset]
    raw[0] = raw[0][body.col_offset:]
    last = target.replace(":", ".").rpartition(".")[2]
    name = last if last.isidentifier() and last != "lambda" else "lambda_"
    head = f"def {name}({ast.unparse(node.args)}): return (".encode()
    pad = max(0, body.col_offset - len(head))
    indent = body.col_offset - len(head) - pad  # (0, or negative: lines after move right)
    text = [head + b" " * pad + raw[0]] + [b" " * -indent + r for r in raw[1:]]
    text[-1] += b")"
    shown = {}
    for lineno in range(node.lineno, node.end_lineno + 1):
        line = lines[lineno - 1].rstrip("\r\n").encode()
        if lineno == node.end_lineno:
            line = line[:node.end_col_offset]
        if lineno == node.lineno:
            line = line[node.col_offset:]
        shown[lineno] = line.decode(errors="replace").strip()
    return FunctionSource(
        function=function,
        source="\n".join(t.decode() for t in text) + "\n",
        path=_display_path(code.co_filename),
        first_line=body.lineno,
        indent=indent,
        target=target,
        namespace=Namespace(function),
        decorated=function is not given,
        shown=shown,
    )


def _lambda_node(code, lines, label):
    """The `ast.Lambda` in the file `lines` whose code is `code`: on its first line,
    with its parameters, and (Python 3.11+) holding the positions its code records."""
    advice = "; give it a name with def"
    try:
        tree = ast.parse("".join(lines))
    except SyntaxError:
        raise S2SError(f"{label}: its file cannot be read as Python{advice}") from None
    nargs = code.co_argcount + code.co_kwonlyargcount
    params = list(code.co_varnames[:nargs])
    found = [
        n for n in ast.walk(tree)
        if isinstance(n, ast.Lambda) and n.lineno == code.co_firstlineno
        and [a.arg for a in n.args.posonlyargs + n.args.args + n.args.kwonlyargs] == params
    ]
    positions = getattr(code, "co_positions", None)
    spans = set() if positions is None else {
        p for p in positions()  # (not the zero-width ones, of no expression)
        if None not in p and (p[0] != p[1] or p[2] != p[3])}
    if len(found) > 1 and spans:

        def within(l, c, e, ec, outer):
            return ((outer.lineno, outer.col_offset) <= (l, c)
                    and (e, ec) <= (outer.end_lineno, outer.end_col_offset))

        found = [n for n in found if all(within(l, c, e, ec, n.body) for l, e, c, ec in spans)]
        innermost = max(found, key=lambda n: (n.lineno, n.col_offset), default=None)
        if innermost is not None and all(  # one inside another's body: the innermost
            within(innermost.lineno, innermost.col_offset, innermost.end_lineno,
                   innermost.end_col_offset, n.body) for n in found if n is not innermost
        ):
            found = [innermost]
    where = (_display_path(code.co_filename), code.co_firstlineno)
    if not found:
        raise S2SError(f"{label} is not found in its file (was the file changed since "
                       f"it was imported?){advice}", *where)
    if len(found) > 1:
        raise Unsupported("this lambda cannot be told apart from another lambda of the "
                          "same parameters on its line (Python 3.10 records no columns, nor "
                          "does a lambda returning a constant)" + advice, *where,
                          found[0].col_offset + 1)
    return found[0]
