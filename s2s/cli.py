"""`s2s differentiate TARGET [--wrt a,b] [--mode reverse|forward|hvp] [--templates FILE] [-o FILE]`
and `s2s check [PATH ...]`."""

import argparse
import os
import sys
import tempfile

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
        help="comma-separated parameters to differentiate with respect to "
        "(default: the first parameter)",
    )
    diff.add_argument(
        "--mode",
        choices=["reverse", "forward", "hvp"],
        default="reverse",
        help="reverse (gradients, the default), forward (Jacobian-vector products) or "
        "hvp (gradients and Hessian-vector products)",
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
        "-o", "--output", metavar="FILE",
        help="write to FILE atomically (default: standard output)",
    )
    check = commands.add_parser(
        "check",
        help="check that generated modules are what their recorded commands make now",
        description="Regenerate each module s2s wrote under the PATHs (files and "
        "directories; default: the current directory) with the command recorded in its "
        "header, run from the current directory, and compare. Exit status 1, listing "
        "them, when any is stale; 0 when all are fresh.",
    )
    check.add_argument("paths", nargs="*", metavar="PATH", default=["."])
    return p


def write_atomically(path, text):
    """Write `text` to `path` through a temporary file and a rename, so `path` is
    never left partly written."""
    directory = os.path.dirname(os.path.abspath(path))
    fd, temporary = tempfile.mkstemp(dir=directory, prefix=".s2s-", suffix=".py.tmp")
    try:
        with os.fdopen(fd, "w") as f:
            f.write(text)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise


def differentiate_command(args):
    text = generate(args)
    if args.output:
        write_atomically(args.output, text)
    else:
        sys.stdout.write(text)


def generate(args):
    """The text of the module `s2s differentiate` with these arguments writes."""
    return generated(args).source


def generated(args):
    """The module (`Generated`) `s2s differentiate` with these arguments writes."""
    from .compiler import differentiate
    from .resolve import function_from_target, load_file
    from .templating import load_builtin_templates

    wrt = tuple(w.strip() for w in args.wrt.split(",")) if args.wrt else None
    if wrt is not None and not all(wrt):
        raise S2SError(f"--wrt {args.wrt!r}: expected comma-separated parameter names")
    load_builtin_templates()  # first, so the user's rules replace them
    for path in args.templates:
        load_file(path)  # its @adjoint decorators register the rules
    function = function_from_target(args.target)
    command = f"s2s differentiate {args.target}"
    if args.wrt:
        command += f" --wrt {','.join(wrt)}"
    if args.mode != "reverse":
        command += f" --mode {args.mode}"
    if args.checkpoint:
        command += " --checkpoint"
    for path in args.templates:
        command += f" --templates {path}"
    return differentiate(function, wrt, target=args.target, command=command,
                         mode=args.mode, checkpoint=args.checkpoint)


def main(argv=None):
    p = parser()
    args = p.parse_args(argv)
    if args.command is None:
        p.print_help()
        return 2
    try:
        if args.command == "check":
            from .check import check_command

            return check_command(args.paths)
        differentiate_command(args)
    except S2SError as exc:
        # editors jump to `file:line:col: message`; without a location, say who speaks
        print(str(exc) if exc.filename else f"s2s: error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"s2s: error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
