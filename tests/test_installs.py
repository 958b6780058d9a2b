"""What users install: the wheel holds every module of s2s/ and templates/, a
non-editable install has every mode, and an error raised in generated code keeps its
type and names the user's line on every Python s2s supports (3.10 has no add_note).

(.ci/smoke.py checks the same and more against a wheel installed in fresh virtual
environments of Python 3.10, 3.11 and 3.13.)"""

import importlib.metadata
import os
import re
import shutil
import subprocess
import sys
import traceback
import zipfile

import numpy as np
import pytest

import s2s
from s2s.runtime import notes

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SOURCES = ["setup.py", "pyproject.toml", "README.md", "s2s", "templates"]


def _can_build_without_isolation():
    """Whether this environment has what pyproject.toml's build-system asks for
    (setuptools >= 68; and `wheel` below setuptools 70.1, which took bdist_wheel in)."""
    try:
        version = importlib.metadata.version("setuptools")
    except importlib.metadata.PackageNotFoundError:  # (Python 3.12+ venvs have none)
        return False
    major_minor = tuple(int(n) for n in re.match(r"(\d+)\.(\d+)", version).groups())
    if major_minor >= (70, 1):
        return True
    try:
        importlib.metadata.version("wheel")
    except importlib.metadata.PackageNotFoundError:
        return False
    return major_minor >= (68, 0)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    """The wheel `pip wheel` makes, from a copy of the files it is made from: a build in
    the checkout writes build/ there, and ships whatever an earlier build left in it."""
    tmp = tmp_path_factory.mktemp("wheel")
    source = tmp / "source"
    for name in SOURCES:
        path = os.path.join(ROOT, name)
        if os.path.isdir(path):
            shutil.copytree(path, source / name)  # (__pycache__ too: it must stay out)
        else:
            os.makedirs(source, exist_ok=True)
            shutil.copy(path, source / name)
    command = [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps",
               "--wheel-dir", str(tmp / "dist"), str(source)]
    if _can_build_without_isolation():
        command.append("--no-build-isolation")  # (faster, and needs no package index)
    # else pip installs the build-system's requirements itself, in an environment of its own
    built = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert built.returncode == 0, built.stdout + built.stderr
    [made] = (tmp / "dist").glob("s2s-*.whl")
    return made


def _modules(tree, package):
    """Every .py file under ROOT/tree, as the wheel names it (below `package`'s folder)."""
    found = set()
    for folder, dirs, files in os.walk(os.path.join(ROOT, tree)):
        dirs[:] = [d for d in dirs if d != "__pycache__"]
        for name in files:
            if name.endswith(".py"):
                relative = os.path.relpath(os.path.join(folder, name), os.path.join(ROOT, tree))
                found.add(f"{package}/{relative.replace(os.sep, '/')}")
    return found


def test_the_wheel_holds_every_module(wheel):
    held = set(zipfile.ZipFile(wheel).namelist())
    wanted = _modules("s2s", "s2s") | _modules("templates", "s2s/templates")
    assert "s2s/templates/runtime_linalg.py" in wanted  # (the runtime helpers' rules)
    assert "s2s/normalize/anf.py" in wanted  # (a folder without __init__.py)
    assert not wanted - held, f"modules the wheel leaves out: {sorted(wanted - held)}"
    assert not [n for n in held if "__pycache__" in n or n.endswith(".pyc")]
    python = {n for n in held if n.endswith(".py")}
    assert python == wanted, f"modules the wheel has and the checkout has not: {python - wanted}"


NON_EDITABLE = """
import numpy as np
import s2s
from s2s.templating import adjoint_template, tangent_template

assert s2s.__file__.startswith({site!r}), s2s.__file__
assert adjoint_template(np.multiply) is not None
assert tangent_template(np.multiply) is not None

def f(x):
    return np.sum(np.sin(x) * x)

x, v = np.array([0.5, -1.0, 2.0]), np.array([1.0, 2.0, -0.5])
value, tangent = s2s.jvp(f)(x, v)
assert np.isclose(tangent, np.dot(np.cos(x) * x + np.sin(x), v)), tangent
product = s2s.hvp(f)(x, v)
assert np.allclose(product, (2 * np.cos(x) - np.sin(x) * x) * v), product
print("ok")
"""


def test_a_non_editable_install_has_every_mode(wheel, tmp_path):
    """`pip install` of the wheel (not editable) ships templates/, forward rules too."""
    site = tmp_path / "site"
    install = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-index",
         "--target", str(site), str(wheel)],
        capture_output=True, text=True, timeout=300,
    )
    assert install.returncode == 0, install.stderr
    assert (site / "s2s" / "templates" / "arithmetic.py").is_file()
    assert (site / "s2s" / "templates" / "runtime_linalg.py").is_file()
    (tmp_path / "program.py").write_text(NON_EDITABLE.format(site=str(site)))
    env = dict(os.environ, PYTHONPATH=str(site))
    result = subprocess.run(
        [sys.executable, "program.py"], cwd=tmp_path, env=env, capture_output=True, text=True,
        timeout=300,
    )
    assert result.stdout.strip() == "ok", result.stderr


def scaled(x):
    y = x * 2.0
    return np.sin(y)


def _raised_in_generated_code():
    """A ValueError from numpy inside the derivative code (`scaled` itself runs)."""
    try:
        s2s.value_and_grad(scaled)(np.ones(3), d_result=np.ones(4))
    except ValueError as exc:  # (the type numpy raised: caught as the user would)
        return exc
    raise AssertionError("no ValueError")


NOTE = ("while computing the derivative of test_installs.py:%d: return np.sin(y)"
        % (scaled.__code__.co_firstlineno + 2))


def _check_noted(exc):
    assert type(exc) is ValueError
    shown = "".join(traceback.format_exception_only(exc))
    assert "broadcast" in shown
    assert shown.endswith(f"\n{NOTE}\n"), shown


def test_an_error_in_generated_code_keeps_its_type_and_names_the_line():
    _check_noted(_raised_in_generated_code())


def test_without_add_note_as_on_python_310(monkeypatch):
    """Python 3.10 has no BaseException.add_note: the note goes into the message, on a
    line of its own, which 3.10's tracebacks print as 3.11's print a note."""
    monkeypatch.setattr(notes, "_HAS_ADD_NOTE", False)
    exc = _raised_in_generated_code()
    _check_noted(exc)
    assert str(exc).endswith(f"\n{NOTE}")
    assert len(exc.args) == 1 and not getattr(exc, "__notes__", None)  # (shown once)


def test_without_add_note_a_type_that_prints_its_arguments_keeps_them():
    """A KeyError prints its key's repr, an OSError its formatted arguments: the note is
    kept in __notes__ (where 3.11 keeps it, and pytest's `exceptiongroup` shows it on
    3.10), the arguments are left alone."""
    key = KeyError("k")
    notes._attach_note_310(key, "in f (m.py:1): y = d['k']")
    notes._attach_note_310(key, "a second note")
    assert key.args == ("k",) and str(key) == "'k'"
    assert key.__notes__ == ["in f (m.py:1): y = d['k']", "a second note"]
    error = OSError(2, "No such file")
    notes._attach_note_310(error, "in f (m.py:2): open(p)")
    assert error.errno == 2 and error.args == (2, "No such file")
    assert error.__notes__ == ["in f (m.py:2): open(p)"]
