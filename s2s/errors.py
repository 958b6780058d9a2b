"""Errors about the user's input, each with the source location it concerns."""

from .runtime.notes import is_generated


class S2SError(Exception):
    """A problem with the user's function or command line, reported as one line.

    `filename`, `lineno` and `col` (1-based column) locate it in the user's source
    where there is one.
    """

    def __init__(self, message, filename=None, lineno=None, col=None):
        super().__init__(message)
        self.message = message
        self.filename = filename
        self.lineno = lineno
        self.col = col

    def __str__(self):
        if self.filename and self.lineno:
            return f"{self.filename}:{self.lineno}:{self.col or 1}: {self.message}"
        if self.filename:
            return f"{self.filename}: {self.message}"
        return self.message


class Unsupported(S2SError):
    """A construct s2s cannot differentiate (yet)."""


def error_at(node, message, source, cls=S2SError):
    """An error located at gast/ast `node` of the function described by `source`; in
    code s2s generated (a derivative differentiated again), it also names the user's
    line that code was made from."""
    lineno = getattr(node, "lineno", None)
    col = getattr(node, "col_offset", None)
    if lineno and is_generated(getattr(source, "function", None)):
        note = source.note(lineno)
        message = f"{message}; {note}" if note else message
    return cls(message, source.filename, lineno, None if col is None else col + 1)
