"""The command line: `s2s differentiate ...` and `s2s check ...` (their arguments in
command.py), what they write, their exit status, and their one-line errors."""

import os
import sys
import tempfile

from .command import generated, parser
from .errors import S2SError
from .progress import reporting

def write_atomically(path, text):
    """Write `text` (UTF-8, whatever the locale) to `path` through a temporary file,
    synced, and a rename, so `path` is never left partly written; through a symbolic
    link to the file it names, and keeping an existing file's mode."""
    path = os.path.realpath(path)
    directory = os.path.dirname(path)
    fd, temporary = tempfile.mkstemp(dir=directory, prefix=".s2s-", suffix=".py.tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        if os.path.exists(path):
            mode = os.stat(path).st_mode & 0o7777
        else:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise
    _sync_folder(directory)


def _sync_folder(directory):
    """Make the rename durable too, where the system lets a folder be synced."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def differentiate_command(args):
    if args.quiet:
        module = generated(args)
    else:
        with reporting():  # (a generation over 2 s says what it is doing)
            module = generated(args)
    if args.output:
        for path in [module.target_file] + args.templates:
            if path and os.path.exists(args.output) and os.path.samefile(path, args.output):
                raise S2SError(f"-o {args.output} is {path}, which s2s reads: it would be "
                               "overwritten; write the derivative to another file")
        write_atomically(args.output, module.source)
    elif getattr(sys.stdout, "buffer", None) is not None:  # UTF-8, whatever the locale
        sys.stdout.flush()  # (`s2s check` reads modules as UTF-8)
        sys.stdout.buffer.write(module.source.encode("utf-8"))
        sys.stdout.buffer.flush()
    else:  # a text stream of the caller's
        sys.stdout.write(module.source)


def main(argv=None):
    p = parser()
    args = p.parse_args(argv)
    if args.command is None:
        p.print_help()
        return 2
    try:
        if args.command == "check":
            from .check import check_command

            return check_command(args.paths, args.allow_empty, args.timeout)
        differentiate_command(args)
    except S2SError as exc:
        # editors jump to `file:line:col: message`; without a location, say who speaks
        print(str(exc) if exc.filename else f"s2s: error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"s2s: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("s2s: interrupted; nothing was written", file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
