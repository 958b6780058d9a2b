"""The runtime stands apart from the compiler: a generated module, and `import s2s`,
load `s2s.runtime` alone (no compiler, gast or Black); the runtime imports nothing
else of s2s; and s2s's modules import each other without a circle."""

import ast
import glob
import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PACKAGE = os.path.join(ROOT, "s2s")
MODULES = sorted(glob.glob(os.path.join(ROOT, "generated", "*.py"))
                 + glob.glob(os.path.join(ROOT, "tests", "golden", "grad_*.py")))
# what `import s2s` and a generated module may load of s2s
LIGHT = {"s2s", "s2s.errors", "s2s.markers"}

LOADED = """
import sys
{code}
print(" ".join(sorted(m for m in sys.modules
                      if m.split(".")[0] in ("s2s", "gast", "black", "scipy"))))
"""


def loaded_by(code, cwd, script=None):
    """The modules of s2s (and gast, Black, SciPy) that `code` loads in a fresh Python
    (run from a file, `script`, where it needs its source read)."""
    command = [sys.executable, "-c", LOADED.format(code=code)]
    if script is not None:
        script.write_text(LOADED.format(code=code))
        command[1:] = [str(script)]
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return set(done.stdout.split())


def is_light(module):
    return module in LIGHT or module == "s2s.runtime" or module.startswith("s2s.runtime.")


@pytest.mark.parametrize("path", MODULES, ids=os.path.basename)
def test_a_generated_module_loads_the_runtime_alone(path):
    name = os.path.basename(path)[:-3]
    loaded = loaded_by(f"import {name}", cwd=os.path.dirname(path))
    with open(path, encoding="utf-8") as f:
        standalone = "\nfrom s2s" not in f.read()  # (--standalone: the helpers copied in)
    assert loaded == set() if standalone else "s2s.runtime" in loaded
    compiled = "s2s.runtime.compiled" in loaded  # (--target numba: numba loads SciPy's BLAS)
    assert {m for m in loaded if not is_light(m)
            and not (compiled and m.split(".")[0] == "scipy")} == set()


def test_import_s2s_loads_the_compiler_when_it_is_first_needed(tmp_path):
    loaded = loaded_by("import s2s\nwith s2s.checkpoint():\n    pass", cwd=tmp_path)
    assert {m for m in loaded if not is_light(m)} == set()
    # the API loads it where it is used, and every public name is there
    code = """
import numpy as np
import s2s

def loss(x):
    return np.sum(np.tanh(x) ** 2)

x = np.linspace(-1.0, 1.0, 5)
value, grad = s2s.value_and_grad(loss)(x)
assert value == loss(x), (value, loss(x))
t = np.tanh(x)
assert np.allclose(grad, 2 * t * (1 - t * t)), grad
assert set(s2s.__all__) <= set(dir(s2s))
for name in s2s.__all__:
    getattr(s2s, name)
from s2s import adjoint, d, tangent  # (what a templates file writes)
"""
    loaded = loaded_by(code, cwd=tmp_path, script=tmp_path / "uses_the_api.py")
    assert {"s2s.api", "s2s.compiler", "gast", "black"} <= loaded


def _imports(path, top_level_only):
    """(line, module) for each `import` of s2s in the file at `path`, resolved."""
    package = os.path.relpath(os.path.dirname(path), ROOT).replace(os.sep, ".")
    tree = ast.parse(open(path, encoding="utf-8").read())
    nodes = tree.body if top_level_only else list(ast.walk(tree))
    found = []
    for node in nodes:
        if isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".")
                base = parts[:len(parts) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            for alias in node.names:
                found.append((node.lineno, module, alias.name))
        elif isinstance(node, ast.Import):
            found += [(node.lineno, alias.name, None) for alias in node.names]
    return [(line, m, a) for line, m, a in found if m.split(".")[0] == "s2s"]


def _module_name(path):
    name = os.path.relpath(path, ROOT)[:-3].replace(os.sep, ".")
    return name[:-len(".__init__")] if name.endswith(".__init__") else name


def _files():
    return sorted(glob.glob(os.path.join(PACKAGE, "**", "*.py"), recursive=True))


def test_the_runtime_imports_nothing_else_of_s2s():
    runtime = [p for p in _files() if _module_name(p).startswith("s2s.runtime")]
    assert len(runtime) > 5
    outside = [f"{os.path.relpath(p, ROOT)}:{line}: {module}"
               for p in runtime for line, module, _ in _imports(p, top_level_only=False)
               if not (module == "s2s.runtime" or module.startswith("s2s.runtime."))]
    assert outside == []


def test_s2s_modules_import_each_other_without_a_circle():
    """s2s's modules import each other without a circle, counting the imports inside
    functions too (`check` -> `cli` -> `compiler` -> `resolve` -> `runtime.notes` ->
    `check` was one)."""
    names = {_module_name(p): p for p in _files()}
    graph = {}
    for name, path in names.items():
        needs = set()
        for _, module, alias in _imports(path, top_level_only=False):
            needs.add(f"{module}.{alias}" if f"{module}.{alias}" in names else module)
        graph[name] = {n for n in needs if n in names and n != name}

    state, path, circles = {}, [], []

    def visit(name):
        state[name] = "open"
        path.append(name)
        for other in sorted(graph[name]):
            if state.get(other) == "open":
                circles.append(" -> ".join(path[path.index(other):] + [other]))
            elif other not in state:
                visit(other)
        path.pop()
        state[name] = "done"

    for name in sorted(graph):
        if name not in state:
            visit(name)
    assert circles == []
