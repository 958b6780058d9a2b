"""Golden files: generated/ holds the derivatives of examples/, and tests/golden/
pins a few more; each must equal what the current code generates.

Set S2S_UPDATE_GOLDEN=1 to rewrite them after a deliberate change to the output,
then review the diff."""

import glob
import os
import shlex

import pytest

from s2s.cli import main

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FILES = sorted(
    glob.glob(os.path.join(ROOT, "generated", "*.py"))
    + glob.glob(os.path.join(ROOT, "tests", "golden", "grad_*.py"))
)


def recorded_command(text):
    """The `s2s differentiate ...` command in a generated module's header."""
    for line in text.splitlines():
        if line.startswith("#     s2s differentiate "):
            return shlex.split(line[len("#     s2s ") :])
    raise AssertionError("no s2s command in the header")


def test_there_are_golden_files():
    names = {os.path.basename(f) for f in FILES}
    assert {"grad_mlp.py", "grad_window.py", "grad_branches.py"} <= names


@pytest.mark.parametrize("path", FILES, ids=os.path.basename)
def test_generated_file_is_fresh(path, tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    with open(path) as f:
        recorded = f.read()
    out = tmp_path / "out.py"
    assert main(recorded_command(recorded) + ["-o", str(out)]) == 0
    current = out.read_text()
    if os.environ.get("S2S_UPDATE_GOLDEN"):
        with open(path, "w") as f:
            f.write(current)
    assert current == recorded, f"{os.path.relpath(path, ROOT)} is stale: regenerate it"


@pytest.mark.parametrize("path", FILES, ids=os.path.basename)
def test_generated_file_is_as_black_formats_it(path):
    """s2s runs one of Black's two passes (emit.py): the second would change nothing."""
    import black

    with open(path) as f:
        text = f.read()
    assert black.format_str(text, mode=black.Mode()) == text
