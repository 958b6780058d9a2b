"""The coverage table, docs/coverage.md, made from the built-in derivative rules.

    python -m s2s.coverage            # print it
    python -m s2s.coverage --write    # write docs/coverage.md

One row per rule: the functions, operators and array methods it covers, how it gives
the derivative in each mode (partial derivatives for both, an adjoint whose tangent
is derived, or each written), and the rule's docstring, which states its convention
at ties and kinks.  Then the operations that carry no derivative.
"""

import argparse
import builtins
import importlib
import math
import operator
import os
import re
import sys

import numpy

from . import templating

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TABLE = os.path.join(ROOT, "docs", "coverage.md")
SYMBOLS = {
    operator.add: "+", operator.sub: "-", operator.mul: "*", operator.truediv: "/",
    operator.pow: "**", operator.matmul: "@", operator.neg: "unary -", operator.pos: "unary +",
    operator.getitem: "x[index]", operator.floordiv: "//", operator.mod: "%",
}


# modules of optional libraries whose functions have rules
OPTIONAL_MODULES = ("numpy.fft", "scipy.special", "scipy.linalg", "scipy.stats", "scipy.signal",
                    "scipy.integrate")


def _names():
    """object id -> its dotted name, for the modules rules are written against."""
    out = {}
    modules = [
        ("numpy", numpy), ("numpy.linalg", numpy.linalg), ("numpy.random", numpy.random),
        ("numpy.ndarray", numpy.ndarray), ("math", math), ("operator", operator),
        ("builtins", builtins),
    ]
    for prefix in OPTIONAL_MODULES:  # (where installed)
        try:
            modules.append((prefix, importlib.import_module(prefix)))
        except ModuleNotFoundError:
            pass
    for prefix, module in reversed(modules):  # the first module named wins
        for name in dir(module):
            if name.startswith("_"):
                continue
            try:
                obj = getattr(module, name)
            except AttributeError:
                continue
            if getattr(obj, "__name__", name) != name and id(obj) in out:
                continue  # an alias (`asin`): keep the name the object calls itself
            out[id(obj)] = name if prefix == "builtins" else f"{prefix}.{name}"
    from .runtime import indexable, stop_gradient

    out[id(stop_gradient)] = "s2s.stop_gradient"
    out[id(indexable)] = "s2s.runtime.indexable"
    return out


def _label(obj, names):
    if isinstance(obj, tuple):  # ("attribute", name)
        return f".{obj[1]}"
    label = names.get(id(obj))
    owner = getattr(obj, "__self__", None)
    if label is None and hasattr(obj, "__func__") and id(owner) in names:
        # a method of a module-level object (`scipy.stats.norm.logpdf`): each lookup
        # makes a new bound method, so the object is named, not the method
        label = f"{names[id(owner)]}.{obj.__name__}"
    label = label or getattr(obj, "__qualname__", None) or repr(obj)
    symbol = SYMBOLS.get(obj)
    return f"`{label}` (`{symbol}`)" if symbol else f"`{label}`"


def table():
    templating.load_builtin_templates(everything=True)
    names = _names()
    rules = {}  # rule function -> (its template, the keys it covers), in registration order
    for key, template in templating._ADJOINTS.items():
        if template.fn.__module__.startswith("s2s.templates."):
            rules.setdefault(template.fn, (template, []))[1].append(key)
    by_module = {}
    for template, keys in rules.values():
        by_module.setdefault(template.fn.__module__, []).append((template, keys))
    count = sum(len(keys) for _, keys in rules.values())
    lines = [
        "# Derivative coverage",
        "",
        "Made from `templates/` by `python -m s2s.coverage --write`; do not edit by hand",
        "(a test fails when it is stale).",
        "",
        f"{len(rules)} reverse-mode rules cover {count} functions, operators and array "
        f"methods; {len(templating._NONDIFFERENTIABLE)} more carry no derivative.",
    ]
    for module_name in sorted(by_module, key=lambda m: m.rsplit(".", 1)[1]):
        module = sys.modules[module_name]
        title = (module.__doc__ or module_name).strip().splitlines()[0]
        lines += [
            "", f"## {module_name.rsplit('.', 1)[1]}: {title}", "",
            _HEADER, "| --- | --- | --- |",
        ]
        entries = sorted(by_module[module_name], key=lambda e: e[0].fn.__code__.co_firstlineno)
        for template, keys in entries:
            covers = ", ".join(_label(k, names) for k in keys)
            note = " ".join(template.note.split())
            lines.append(f"| {covers} | {_stated(template, keys, names)} | {note} |")
    for title, header, registry in (
            ("No derivative", _NO_DERIVATIVE_HEADER, templating._NONDIFFERENTIABLE),
            ("Real values only", "| rules for real values only | why |", templating._REAL_ONLY),
            ("Not differentiated yet", "| refused, located | why |", templating._REFUSED)):
        grouped = {}  # reason -> what it is given for
        for key, reason in registry.items():
            grouped.setdefault(reason, []).append(_label(key, names))
        lines += ["", f"## {title}", "", header, "| --- | --- |"]
        lines += [f"| {', '.join(sorted(labels))} | {reason} |" for reason, labels in
                  sorted(grouped.items(), key=lambda item: sorted(item[1])[0])]
    return "\n".join(lines + [""])


def _stated(template, keys, names):
    """How the rule gives each mode's derivative: derived from one statement, or
    written for each mode (for some of the keys it covers, where they say so)."""
    tangents = {k: templating._TANGENTS.get(templating._key(k)) for k in keys}
    written = [k for k, t in tangents.items() if t is not None and t.rule == "tangent"]
    if template.rule in ("elementwise", "linear", "bilinear"):
        stated = {"elementwise": "partial derivatives: both modes",
                  "linear": "linear: adjoint; tangent derived",
                  "bilinear": "bilinear: adjoint; tangent derived"}[template.rule]
        if written:
            stated += f" (written for {', '.join(_label(k, names) for k in written)})"
        return stated
    if any(t is not None for t in tangents.values()):
        return "adjoint and tangent"
    return "adjoint (no forward mode)"


def _in_this_numpy(label):
    """Whether the NumPy installed has what a coverage label names (`numpy.linalg.norm`);
    True for a label of any other module."""
    if not label.startswith("numpy."):
        return True
    obj = numpy
    for part in label.split(".")[1:]:
        if not hasattr(obj, part):
            return False
        obj = getattr(obj, part)
    return True


_ENTRY = re.compile(r"`([^`]*)`(?: \(`[^`]*`\))?")  # `label` or `label` (`symbol`)
_COUNTS = re.compile(r"^(\d+)( reverse-mode rules cover )(\d+)(.*; )(\d+)( more .*)$")
_HEADER = "| covers | rule | at ties and kinks |"
_NO_DERIVATIVE_HEADER = "| carry no derivative | why |"


def for_this_numpy(text):
    """`text`, a table `table()` made (docs/coverage.md), as the NumPy installed here
    makes it: without the names this NumPy lacks, which a release of NumPy removed
    (`numpy.row_stack`, gone in NumPy 2.5), and a rule's row only while it still covers
    a name.  Rules for such names are registered only where NumPy has them, so the
    table made with a newer NumPy leaves them out; with a NumPy that has every name,
    `text` comes back as it is."""
    lines, rules, names, nondifferentiable = [], 0, 0, 0  # how many were dropped
    without_derivative = False  # in the last section, whose rows are no rules
    for line in text.split("\n"):
        without_derivative = without_derivative or line == "## No derivative"
        if line.startswith("| `"):  # | covers | rule | note |, or | names | why |
            covers, sep, rest = line[2:].partition(" | ")
            entries = [m.group(0) for m in _ENTRY.finditer(covers)]
            kept = [e for e in entries if _in_this_numpy(_ENTRY.match(e).group(1))]
            if without_derivative:
                nondifferentiable += len(entries) - len(kept)
            else:
                names += len(entries) - len(kept)
                rules += not kept
            if not kept:
                continue
            line = f"| {', '.join(kept)}{sep}{rest}"
        lines.append(line)
    for i, line in enumerate(lines):
        counts = _COUNTS.match(line)
        if counts:
            a, b, c, d, e, f = counts.groups()
            lines[i] = f"{int(a) - rules}{b}{int(c) - names}{d}{int(e) - nondifferentiable}{f}"
    for i in reversed(range(len(lines))):  # a module's section left without rows
        if lines[i + 2 : i + 3] == [_HEADER] and not (
            i + 4 < len(lines) and lines[i + 4].startswith("| `")
        ):
            del lines[i - 1 : i + 4]  # its blank line, title, blank line and table head
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m s2s.coverage", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--write", action="store_true", help="write docs/coverage.md")
    args = parser.parse_args(argv)
    text = table()
    if args.write:
        os.makedirs(os.path.dirname(TABLE), exist_ok=True)
        with open(TABLE, "w") as f:
            f.write(text)
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
