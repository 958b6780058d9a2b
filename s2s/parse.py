"""Parse: a function's source text into a gast `FunctionDef` whose line and column
numbers are those of the user's file.

In: a `FunctionSource`.  Out: a `gast.FunctionDef` without decorators (refused where
one may change what the function computes: decorators.py).
"""

import gast

from .decorators import check_decorators
from .errors import S2SError
from .syntax import walk


def parse_function(source):
    try:
        module = gast.parse(source.source)
    except SyntaxError as exc:
        raise S2SError(
            f"cannot parse: {exc.msg}",
            source.path,
            (exc.lineno or 1) + source.first_line - 1,
            exc.offset,
        ) from None
    fn = module.body[0]
    if isinstance(fn, gast.AsyncFunctionDef):
        raise S2SError(f"{source.target} is an async function, which is not supported",
                       source.path, source.first_line, source.indent + 1)
    if not isinstance(fn, gast.FunctionDef):
        raise S2SError(f"{source.target} is not defined by a def statement", source.path)
    for node in walk(fn):
        if hasattr(node, "lineno") and node.lineno is not None:
            node.lineno += source.first_line - 1
            node.end_lineno = (node.end_lineno or node.lineno) + source.first_line - 1
            node.col_offset += source.indent
            if getattr(node, "end_col_offset", None) is not None:
                node.end_col_offset += source.indent
    check_decorators(fn, source)
    fn.decorator_list = []
    return fn
