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
    with open(os.path.join(ROOT, "docs", "coverage.md")) as f:
        assert f.read() == made, "docs/coverage.md is stale: run python -m s2s.coverage --write"


def spellings(label):
    """How a test calls the function a coverage label names."""
    module, _, name = label.partition(".")
    if label.startswith("numpy.ndarray."):
        return [f".{label.rsplit('.', 1)[1]}"]
    if module == "numpy":
        return [f"np.{name}{end}" for end in "(,)]"] + [f"numpy.{name}("]
    return [f"{label}{end}" for end in "(,)"]


def test_every_rule_is_exercised_by_a_test():
    """A rule no test calls is a rule nobody checked against finite differences."""
    from s2s import coverage, templating

    templating.load_builtin_templates()
    names = coverage._names()
    tests = ""
    for path in os.listdir(os.path.dirname(__file__)):
        if path.endswith(".py"):
            with open(os.path.join(os.path.dirname(__file__), path)) as f:
                tests += f.read()
    untested = []
    for key in templating._ADJOINTS:
        label = names.get(id(key), repr(key))
        if label.startswith(("operator.", "s2s.")) or "." not in label:
            continue  # operators, builtins and s2s's own: spelled otherwise, tested by name
        if not any(s in tests for s in spellings(label)):
            untested.append(label)
    assert not untested, f"rules no test calls: {untested}"
