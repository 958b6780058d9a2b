"""`s2s check`: generated modules are compared with what their recorded commands
write now; stale ones are listed with why, and the exit status says."""

import os
import shutil
import subprocess
import sys

import pytest

from s2s.cli import main

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def test_the_projects_generated_modules_are_fresh(monkeypatch, capsys):
    monkeypatch.chdir(ROOT)
    assert main(["check", "generated", "tests/golden"]) == 0
    assert "generated modules are fresh" in capsys.readouterr().out


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A repository with a model and its generated gradient, run from its root."""
    (tmp_path / "model.py").write_text(
        "import numpy as np\n\n\ndef loss(w):\n    return np.sum(w * w)\n"
    )
    monkeypatch.chdir(tmp_path)
    monkeypatch.delitem(sys.modules, "model", raising=False)  # another test's model
    assert main(["differentiate", "model.loss", "-o", "grad_loss.py"]) == 0
    (tmp_path / "notes.py").write_text("x = 1\n")  # not generated: ignored
    yield tmp_path
    sys.modules.pop("model", None)


def test_fresh_and_stale(project, capsys):
    assert main(["check"]) == 0
    assert "1 generated modules are fresh" in capsys.readouterr().out
    text = (project / "grad_loss.py").read_text()
    (project / "grad_loss.py").write_text(text.replace("dw", "d_w"))  # edited by hand
    assert main(["check", "."]) == 1
    err = capsys.readouterr().err
    assert "grad_loss.py: stale: differs from what its command writes now" in err
    assert "1 of 1 generated modules are stale" in err


def test_a_module_whose_function_changed_is_stale(project, capsys):
    (project / "model.py").write_text(
        "import numpy as np\n\n\ndef loss(w):\n    return np.sum(w * w * w)\n"
    )
    sys.modules.pop("model", None)
    assert main(["check", "grad_loss.py"]) == 1
    assert "grad_loss.py: stale" in capsys.readouterr().err


def test_a_module_whose_function_is_gone_is_stale(project, capsys):
    (project / "model.py").write_text("def other():\n    return 1.0\n")
    sys.modules.pop("model", None)
    assert main(["check"]) == 1
    assert "`s2s differentiate model.loss` fails:" in capsys.readouterr().err


def test_a_module_without_a_recorded_command_is_stale(project, capsys):
    text = (project / "grad_loss.py").read_text()
    lines = [line for line in text.splitlines(True) if not line.startswith("#     s2s ")]
    (project / "api_made.py").write_text("".join(lines))
    assert main(["check"]) == 1
    assert "api_made.py: stale: its header records no" in capsys.readouterr().err


def test_the_command_line_and_the_pre_commit_hook(project):
    shutil.copy(os.path.join(ROOT, ".pre-commit-hooks.yaml"), project)
    hook = (project / ".pre-commit-hooks.yaml").read_text()
    assert "id: s2s-check" in hook and "entry: s2s check" in hook
    fresh = subprocess.run([sys.executable, "-m", "s2s", "check", "grad_loss.py"],
                           capture_output=True, text=True)
    assert fresh.returncode == 0, fresh.stderr
    (project / "grad_loss.py").write_text((project / "grad_loss.py").read_text() + "\n")
    stale = subprocess.run([sys.executable, "-m", "s2s", "check", "grad_loss.py"],
                           capture_output=True, text=True)
    assert stale.returncode == 1 and "grad_loss.py: stale" in stale.stderr
    assert "Traceback" not in stale.stderr
