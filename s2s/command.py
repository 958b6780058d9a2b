"""The `s2s` commands' arguments, and the module `s2s differentiate` makes from them.

In: command-line words.  Out: the parsed arguments (`parser`), and the generated
module (`generated`), which the CLI writes and `s2s check` compares with what a
header's command made before.
"""

import argparse
import inspect
import shlex

from .errors import S2SError

DESCRIPTION = """\
s2s writes the derivative of a Python/NumPy function as a readable Python module.

  s2s differentiate mymodel.loss --wrt w,b -o grad_loss.py

writes grad_loss.py with value_and_grad_loss(...) and grad_loss(...)."""


def parser():
    p = argparse.ArgumentParser(
        prog="s2s", description=DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    commands = p.add_subparsers(dest="command", metavar="COMMAND")
    diff = commands.add_parser(
        "differentiate",
        help="write the derivative module of a function",
        description="Write a module computing TARGET's value and gradient.",
    )
    diff.add_argument(
        "target",
        metavar="TARGET",
        help="the function: package.module.function (imported with the current "
        "directory on sys.path) or path/to/file.py:function",
    )
    diff.add_argument(
        "--wrt",
        metavar="A,B",
        help="comma-separated parameters to differentiate with respect to, by name or "
        "by index (0 the first, -1 the last: --wrt 0,2, --wrt w,2, --wrt=-1) (default: "
        "the first parameter)",
    )
    diff.add_argument(
        "--mode",
        choices=["reverse", "forward", "hvp"],
        default="reverse",
        help="reverse (gradients, the default), forward (Jacobian-vector products) or "
        "hvp (gradients and Hessian-vector products)",
    )
    diff.add_argument(
        "--target", dest="backend", choices=["numpy", "numba"], default="numpy",
        help="numpy (the default: plain Python calling NumPy, CuPy or Dask) or numba (the "
        "gradient compiled with numba.njit, for loops over numbers and arrays; needs "
        "s2s[numba])",
    )
    diff.add_argument(
        "--checkpoint", action="store_true",
        help="checkpoint every `for` loop of the function (see s2s.checkpoint): the "
        "gradient keeps about sqrt(n) iterations' values instead of n, and runs each "
        "loop once more",
    )
    diff.add_argument(
        "--templates", metavar="FILE", action="append", default=[],
        help="a Python file of derivative rules (@s2s.adjoint, @s2s.tangent) to use, before the "
        "built-in ones and before differentiating your functions' source; repeatable",
    )
    diff.add_argument(
        "--follow", metavar="NAME", action="append", default=[],
        help="differentiate the installed library's function NAME (or every function of "
        "the module NAME) from its Python source, as your own functions are (s2s never "
        "does so unasked: a library's function without a rule is an error); repeatable",
    )
    diff.add_argument(
        "--standalone", action="store_true",
        help="copy the s2s runtime helpers the module uses into it, instead of importing "
        "them from s2s: the module then needs only NumPy and the standard library",
    )
    diff.add_argument(
        "-q", "--quiet", action="store_true",
        help="say nothing on stderr of a long generation's progress (without it, a "
        "generation that takes over 2 seconds reports each step)",
    )
    diff.add_argument(
        "-o", "--output", metavar="FILE",
        help="write to FILE atomically (default: standard output)",
    )
    check = commands.add_parser(
        "check",
        help="check that generated modules are what their recorded commands make now",
        description="Regenerate each module s2s wrote under the PATHs (files and "
        "directories; default: the current directory) with the command recorded in its "
        "header, run from the current directory, and compare. Exit status 1, listing "
        "them, when any is stale (or when there is none); 0 when all are fresh. "
        "Regenerating imports the module each header names and its --templates files, "
        "as pytest imports tests: they (and a dotted target's packages) must lie under "
        "the PATHs or the current directory.",
    )
    check.add_argument("paths", nargs="*", metavar="PATH", default=["."])
    check.add_argument("--allow-empty", action="store_true",
                       help="exit 0 when the PATHs hold no module s2s generated")
    check.add_argument("--timeout", type=float, default=120.0, metavar="SECONDS",
                       help="the longest one module's regeneration may take: longer is "
                       "reported stale (default 120; 0 for no limit)")
    return p


def _parameter_names(function, wrt):
    """`--wrt` items as parameter names: an index (`0`, `-1`) names the parameter at
    that place in the function's signature."""
    if not any(_is_index(w) for w in wrt):
        return wrt
    try:
        params = list(inspect.signature(function).parameters)
    except (TypeError, ValueError):
        return wrt  # (not a Python function: differentiating it says so)
    names = []
    for item in wrt:
        if _is_index(item):
            index = int(item)
            if not -len(params) <= index < len(params):
                raise S2SError(f"--wrt {item}: {getattr(function, '__name__', function)} "
                               f"has {len(params)} parameters ({', '.join(params)})")
            item = params[index]
        names.append(item)
    return tuple(names)


def _is_index(item):
    return item.lstrip("-").isdigit() and item.count("-") <= 1


def generate(args):
    """The text of the module `s2s differentiate` with these arguments writes."""
    return generated(args).source


def generated(args):
    """The module (`Generated`) `s2s differentiate` with these arguments writes."""
    from .compiler import differentiate
    from .resolve import function_from_target, load_file
    from .templating import follow, load_builtin_templates

    wrt = tuple(w.strip() for w in args.wrt.split(",")) if args.wrt else None
    if wrt is not None and not all(wrt):
        raise S2SError(f"--wrt {args.wrt!r}: expected comma-separated parameter names "
                       "or indices")
    load_builtin_templates()  # first, so the user's rules replace them
    for path in args.templates:
        load_file(path)  # its @adjoint decorators register the rules
    follow(*getattr(args, "follow", ()))
    function = function_from_target(args.target)
    words = ["s2s", "differentiate", args.target]
    if args.wrt:
        given = ",".join(wrt)  # as given: `s2s check` gives it again
        words += [f"--wrt={given}"] if given.startswith("-") else ["--wrt", given]
        wrt = _parameter_names(function, wrt)
    if args.mode != "reverse":
        words += ["--mode", args.mode]
    backend = getattr(args, "backend", "numpy")
    if backend != "numpy":
        words += ["--target", backend]
    if args.checkpoint:
        words.append("--checkpoint")
    for path in args.templates:
        words += ["--templates", path]
    for name in getattr(args, "follow", ()):
        words += ["--follow", name]
    standalone = getattr(args, "standalone", False)
    if standalone:
        words.append("--standalone")
    module = differentiate(function, wrt, target=args.target, command=shlex.join(words),
                           mode=args.mode, checkpoint=args.checkpoint, standalone=standalone,
                           backend=backend)
    try:  # the file the function is read from, which -o must not overwrite
        module.target_file = inspect.getsourcefile(inspect.unwrap(function))
    except TypeError:
        module.target_file = None
    return module
