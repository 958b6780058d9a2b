"""Written into: a generated gradient's writes into its adjoints' parts, as plain stores.

In: a function, perhaps a gradient s2s generated and now differentiates again (forward
mode over it gives Hessian-vector products), with statements `dy[i] = f(..., out=dy[i])`
where `f` is a runtime helper that writes its result into `out` where it can and
returns it either way (`writes_into`).  Out: the same function without those `out=`:
the statement stores what `f` returns, so it means `dy[i] = f(...)`, which needs no
in-place write to be differentiated.  Any other `out=` stays, for the subset checks to
refuse.
"""

import gast

from ..syntax import walk


def drop_written_into(fn, operations):
    for node in walk(fn):
        if (
            isinstance(node, gast.Call)
            and any(k.arg == "out" for k in node.keywords)
            and getattr(operations.resolve(node.func), "writes_into", False)
        ):
            node.keywords = [k for k in node.keywords if k.arg != "out"]
    return fn
