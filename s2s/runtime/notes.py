"""Errors raised in generated code name the line of the user's source they come from.

A generated module's public functions are decorated with `with_source_notes`: an
error raised inside one (a shape that does not broadcast, a wrong `d_result`, ...)
gets a note like

    in loss (mlp.py:7): h = np.maximum(x @ w1 + b1, 0.0)
    while computing the derivative of mlp.py:9: return np.mean((out - y) ** 2)

The first kind comes from the module's line notes (which generated line came from
which line of the user's function), registered by whoever made the module: the Python
API, or, for a module the CLI wrote, s2s itself, regenerating it from the command in
its header at the first error (only then, and only to read where its lines came from).
The second kind reads the `# d of:` comment heading the derivative code that failed.
"""

import functools
import linecache

_line_notes = {}  # generated file -> {generated line: note}
_stale = set()  # modules the CLI wrote whose header's command now makes other text
_REGENERATE_AT_MOST = 3000  # lines: larger modules take seconds to make again


def register(filename, notes):
    """The notes of the generated module at `filename`, by line."""
    _line_notes[filename] = notes


def is_registered(filename):
    return filename in _line_notes


def with_source_notes(function):
    """`function` (a generated function), whose errors get a note naming the user's
    source line they come from."""

    @functools.wraps(function)
    def noted(*args, **kwargs):
        try:
            return function(*args, **kwargs)
        except Exception as exc:
            add_note(exc, function.__code__.co_filename)
            raise

    noted.s2s_source_notes = True  # s2s reads the function itself, not this wrapper
    return noted


def unwrapped(obj):
    """The generated function itself, for one decorated with `with_source_notes`."""
    return obj.__wrapped__ if getattr(obj, "s2s_source_notes", False) else obj


def add_note(exc, filename):
    if getattr(exc, "_s2s_noted", False):
        return  # an inner generated function has said where
    line = None
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == filename:
            line = tb.tb_lineno
        tb = tb.tb_next
    note = note_at(filename, line) if line is not None else None
    if note:
        attach_note(exc, note)
        try:
            exc._s2s_noted = True
        except AttributeError:  # (an exception type without attributes of its own)
            pass


def attach_note(exc, note):
    """`exc.add_note(note)`, on Python 3.10 too, which has no `add_note`: `exc` keeps
    its type either way (an `except ValueError` still catches it)."""
    if _HAS_ADD_NOTE:
        exc.add_note(note)
    else:
        _attach_note_310(exc, note)


_HAS_ADD_NOTE = hasattr(BaseException, "add_note")  # Python 3.11+


def _attach_note_310(exc, note):
    """Python 3.10's tracebacks print no `__notes__`, so the note goes where they look:
    the message, `str(exc)`, on a line of its own after it, as 3.11 prints a note.  That
    is safe only where the message is the one string argument and the type prints it as
    it is; elsewhere (KeyError prints its key's repr, OSError formats its arguments) the
    note is kept in `__notes__`, where 3.11 keeps it (and where the `exceptiongroup`
    backport, pytest's on 3.10, prints it from), and `args` are left alone."""
    args = exc.args
    if (len(args) == 1 and isinstance(args[0], str)
            and type(exc).__str__ is BaseException.__str__):
        exc.args = (f"{args[0]}\n{note}",)
        return
    try:
        notes = exc.__notes__ if isinstance(getattr(exc, "__notes__", None), list) else []
        exc.__notes__ = [*notes, note]
    except AttributeError:  # (an exception type without attributes of its own)
        pass


def note_at(filename, line):
    """Where line `line` of a generated module comes from in the user's source: the
    line it computes, or the one whose derivative it computes; None when unknown."""
    if filename not in _line_notes:
        _line_notes[filename] = _regenerated_notes(filename)
    note = _line_notes[filename].get(line)
    note = note or derivative_note(linecache.getlines(filename), line)
    if note is None and filename in _stale:
        note = ("in the function this module was generated from, which has changed "
                "since: regenerate the module (s2s check lists stale ones)")
    return note


def derivative_note(lines, line):
    """From the `# d of:` comment heading the derivative code at `line` (1-based), in the
    same function."""
    for text in reversed(lines[:line]):
        if text.startswith(("def ", "@")):
            return None
        text = text.strip()
        if text.startswith("# d of: "):
            quoted, _, where = text[len("# d of: "):].rpartition("  (")
            return f"while computing the derivative of {where.rstrip(')')}: {quoted}"
    return None


def _regenerated_notes(filename):
    """The line notes of a module the CLI wrote, made again from its header's command;
    none when that fails or makes other text (the module is stale)."""
    lines = linecache.getlines(filename)
    if len(lines) > _REGENERATE_AT_MOST:
        return {}
    try:
        from ..check import regenerated

        generated = regenerated("".join(lines))
    except Exception:  # noqa: BLE001 - an error is on its way already; add nothing
        return {}
    if generated is None:
        return {}
    if generated.source != "".join(lines):
        _stale.add(filename)
        return {}
    return generated.lines
