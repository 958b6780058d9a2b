"""docs/coverage.md is made from templates/ by `python -m s2s.coverage --write`; it
must say what the rules say now."""

import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def test_coverage_table_is_fresh():
    # a process of its own: rules registered by other tests must not show up
    made = subprocess.run(
        [sys.executable, "-m", "s2s.coverage"], cwd=ROOT, capture_output=True, text=True,
        check=True,
    ).stdout
    from s2s.coverage import for_this_numpy

    with open(os.path.join(ROOT, "docs", "coverage.md")) as f:
        written = f.read()
    # (less the names a newer NumPy has removed, which rules cover only where NumPy has them)
    assert for_this_numpy(written) == made, (
        "docs/coverage.md is stale: run python -m s2s.coverage --write"
    )


# Made as if NumPy had removed row_stack (NumPy 2.5 has): the table leaves out its row
WITHOUT_ROW_STACK = """
import sys, numpy
try:  # (SciPy copies NumPy's names when first imported: before the one taken away)
    import scipy.special, scipy.linalg, scipy.stats, scipy.signal, scipy.integrate
except ModuleNotFoundError:
    pass
numpy.__dict__.pop("row_stack", None)
assert not hasattr(numpy, "row_stack")
from s2s import coverage
with open(sys.argv[1]) as f:
    written = f.read()
made = coverage.table()
assert "numpy.row_stack" not in made
assert coverage.for_this_numpy(written) == made, "differs"
print("ok")
"""


def test_a_name_numpy_removed_leaves_the_table_fresh():
    run = subprocess.run(
        [sys.executable, "-c", WITHOUT_ROW_STACK, os.path.join(ROOT, "docs", "coverage.md")],
        cwd=ROOT, capture_output=True, text=True,
    )
    assert run.stdout == "ok\n", run.stderr


TABLE = """# Derivative coverage

3 reverse-mode rules cover 5 functions, operators and array methods; 4 more carry no derivative.

## kept: A module with one name gone

| covers | rule | at ties and kinks |
| --- | --- | --- |
| `operator.add` (`+`), `numpy.add`, `numpy.gone_in_every_numpy` | partial derivatives: both modes |  |
| `numpy.gone_too` | adjoint (no forward mode) | A rule only for a removed name. |

## emptied: A module whose every name is gone

| covers | rule | at ties and kinks |
| --- | --- | --- |
| `numpy.linalg.gone_as_well` | adjoint and tangent | Note. |

## No derivative

| carry no derivative | why |
| --- | --- |
| `len`, `numpy.gone_nondifferentiable` | integers |
| `numpy.floor` | piecewise constant |
| `numpy.gone_as_a_group` | gone |
"""


def test_names_this_numpy_lacks_leave_the_table():
    from s2s.coverage import for_this_numpy

    assert for_this_numpy(TABLE) == """# Derivative coverage

1 reverse-mode rules cover 2 functions, operators and array methods; 2 more carry no derivative.

## kept: A module with one name gone

| covers | rule | at ties and kinks |
| --- | --- | --- |
| `operator.add` (`+`), `numpy.add` | partial derivatives: both modes |  |

## No derivative

| carry no derivative | why |
| --- | --- |
| `len` | integers |
| `numpy.floor` | piecewise constant |
"""


def spellings(label):
    """How a test calls the function a coverage label names."""
    module, _, name = label.partition(".")
    if label.startswith("numpy.ndarray."):
        return [f".{label.rsplit('.', 1)[1]}"]
    if module == "numpy":
        # (`np.r_[...]`: index helpers are indexed, not called)
        return [f"np.{name}{end}" for end in "(,)]["] + [f"numpy.{name}("]
    if module == "scipy":  # `special.erf(x)` (`from scipy import special`), `odeint(`
        spelled = (label, name, label.rsplit(".", 1)[1])
        return [f"{s}{end}" for s in spelled for end in "(,)"]
    return [f"{label}{end}" for end in "(,)"]


def test_every_rule_is_exercised_by_a_test():
    """A rule no test calls is a rule nobody checked against finite differences."""
    from s2s import coverage, templating

    templating.load_builtin_templates(everything=True)
    names = coverage._names()
    tests = ""
    for path in os.listdir(os.path.dirname(__file__)):
        if path.endswith(".py"):
            with open(os.path.join(os.path.dirname(__file__), path)) as f:
                tests += f.read()
    untested = []
    for key in templating._ADJOINTS:
        label = coverage._label(key, names).split("`")[1]
        if label.startswith(("operator.", "s2s.")) or "." not in label:
            continue  # operators, builtins and s2s's own: spelled otherwise, tested by name
        if not any(s in tests for s in spellings(label)):
            untested.append(label)
    assert not untested, f"rules no test calls: {untested}"
