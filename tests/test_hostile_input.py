"""s2s under careless and hostile input: the CLI, `s2s check`, generated modules and
the Python API run only what their user asked for, survive bad paths and odd files,
and are safe to call from threads."""

import os
import subprocess
import sys
import textwrap

import numpy as np

import s2s

def run_python(code, folder, timeout=300):
    """`code`, a script in `folder`, run by a fresh Python (nothing loaded yet)."""
    script = os.path.join(folder, "script.py")
    with open(script, "w") as out:
        out.write(textwrap.dedent(code))
    return subprocess.run([sys.executable, script], capture_output=True, text=True,
                          timeout=timeout, cwd=folder)


def test_threads_making_their_first_gradients_at_once(tmp_path):
    """Eight threads whose first `s2s.grad` calls start together all get the gradient
    (the rules were marked loaded before they were, and 7 of 8 threads failed with
    "no derivative rule for np.sum")."""
    done = run_python("""
        import threading
        import numpy as np
        import s2s

        def loss(x, k):
            return np.sum(np.tanh(x * k) ** 2) + np.mean(np.exp(x))

        barrier = threading.Barrier(8)
        results, errors = {}, []

        def work(k):
            barrier.wait()
            try:
                x = np.linspace(-1.0, 1.0, 5)
                value, grad = s2s.value_and_grad(loss)(x, float(k))
                t = np.tanh(x * k)
                expected = 2 * t * (1 - t * t) * k + np.exp(x) / 5
                assert value == loss(x, float(k)), (value, loss(x, float(k)))
                assert np.allclose(grad, expected), (grad, expected)
                results[k] = True
            except Exception as exc:
                errors.append(f"{type(exc).__name__}: {exc}")

        threads = [threading.Thread(target=work, args=(k,)) for k in range(1, 9)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        print(len(results), errors)
    """, str(tmp_path))
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "8 []", done.stdout


MODEL = "import numpy as np\n\n\ndef loss(x):\n    return np.sum(np.sin(x) ** 2)\n"


def s2s_command(*args, cwd, env=None):
    return subprocess.run([sys.executable, "-m", "s2s", *args], capture_output=True,
                          text=True, timeout=120, cwd=cwd, env=env)


def one_line_error(done, status=2):
    assert done.returncode == status, (done.returncode, done.stderr)
    assert "Traceback" not in done.stderr, done.stderr
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr
    return done.stderr.strip()


def test_output_that_is_the_target_or_a_templates_file_is_refused(tmp_path):
    (tmp_path / "model.py").write_text(MODEL)
    (tmp_path / "rules.py").write_text("from s2s import adjoint, d\n")
    for output in ("model.py", "rules.py", "./model.py"):
        done = s2s_command("differentiate", "model.py:loss", "--templates", "rules.py", "-o",
                           output, cwd=tmp_path)
        assert "which s2s reads" in one_line_error(done)
    assert (tmp_path / "model.py").read_text() == MODEL  # nothing overwritten
    assert (tmp_path / "rules.py").read_text() == "from s2s import adjoint, d\n"
    done = s2s_command("differentiate", "model.loss", "-o", "model.py", cwd=tmp_path)
    assert "which s2s reads" in one_line_error(done)
    assert (tmp_path / "model.py").read_text() == MODEL


def test_a_module_that_exits_or_parses_arguments_at_import(tmp_path):
    (tmp_path / "quits.py").write_text("import sys\nsys.exit(0)\n" + MODEL)
    (tmp_path / "script.py").write_text(
        "import argparse\nimport sys\n"
        "parser = argparse.ArgumentParser()\nparser.add_argument('--steps', type=int)\n"
        "ARGS = parser.parse_args()\nARGV = list(sys.argv)\n" + MODEL)
    (tmp_path / "stops.py").write_text("raise KeyboardInterrupt\n" + MODEL)
    for target, says in (("quits.py:loss", "sys.exit(0)"), ("quits.loss", "sys.exit(0)"),
                         ("stops.py:loss", "KeyboardInterrupt")):
        assert says in one_line_error(s2s_command("differentiate", target, cwd=tmp_path))
    # a script that parses its arguments sees only its own name, as if run alone
    done = s2s_command("differentiate", "script.py:loss", "--wrt", "x", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "def value_and_grad_loss(x, d_result=1.0):" in done.stdout


def test_paths_with_spaces_are_recorded_so_check_can_read_them(tmp_path):
    folder = tmp_path / "my dir"
    folder.mkdir()
    (folder / "fl sp.py").write_text(MODEL)
    done = s2s_command("differentiate", "my dir/fl sp.py:loss", "-o", "grad sp.py",
                       cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "s2s differentiate 'my dir/fl sp.py:loss'" in (tmp_path / "grad sp.py").read_text()
    done = s2s_command("check", "grad sp.py", cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 generated modules are fresh" in done.stdout


def test_targets_and_templates_that_are_not_python_files(tmp_path):
    (tmp_path / "notes.txt").write_text("not python\n")
    (tmp_path / "model.py").write_text(MODEL)
    assert "not a Python file" in one_line_error(
        s2s_command("differentiate", "notes.txt:loss", cwd=tmp_path))
    assert "not a Python file" in one_line_error(
        s2s_command("differentiate", "model.py:loss", "--templates", "notes.txt", cwd=tmp_path))


def test_a_syntax_error_in_the_target_is_located_in_the_users_file(tmp_path):
    (tmp_path / "broken.py").write_text("import numpy as np\n\n\ndef loss(x):\n    return (x +\n")
    message = one_line_error(s2s_command("differentiate", "broken.py:loss", cwd=tmp_path))
    assert message.startswith("broken.py:5:"), message


def test_output_is_utf8_whatever_the_locale(tmp_path):
    (tmp_path / "model.py").write_text(
        "import numpy as np\n\n\ndef loss(x):\n    unit = \"µm²\"\n"
        "    return np.sum(np.sin(x) ** 2) * len(unit)\n", encoding="utf-8")
    env = dict(os.environ, LC_ALL="C", LANG="C", PYTHONIOENCODING="ascii", PYTHONUTF8="0",
               PYTHONCOERCECLOCALE="0")  # (an ASCII locale, as Python keeps it)
    done = s2s_command("differentiate", "model.py:loss", "-o", "grad.py", cwd=tmp_path, env=env)
    assert done.returncode == 0, done.stderr
    assert "µm²" in (tmp_path / "grad.py").read_text(encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "s2s", "differentiate", "model.py:loss"],
                          capture_output=True, cwd=tmp_path, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "µm²".encode() in done.stdout
    done = s2s_command("check", "grad.py", cwd=tmp_path, env=env)
    assert done.returncode == 0, done.stdout + done.stderr


def test_output_through_a_link_keeps_the_link_and_the_mode(tmp_path):
    (tmp_path / "model.py").write_text(MODEL)
    real = tmp_path / "real_grad.py"
    real.write_text("old\n")
    os.chmod(real, 0o640)
    (tmp_path / "grad.py").symlink_to(real)
    done = s2s_command("differentiate", "model.py:loss", "-o", "grad.py", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "grad.py").is_symlink()
    assert "def grad_loss(x):" in real.read_text()
    assert (os.stat(real).st_mode & 0o777) == 0o640


def test_output_is_synced_before_it_replaces_the_file(tmp_path, monkeypatch):
    """The new text reaches the disk before the rename that makes it the output (a
    crash between the two leaves the old file or the new, never an empty one), and
    the rename itself after."""
    from s2s import cli

    (tmp_path / "model.py").write_text(MODEL)
    monkeypatch.chdir(tmp_path)
    events = []
    real_fsync, real_replace = os.fsync, os.replace
    monkeypatch.setattr(os, "fsync", lambda fd: (events.append(
        ("fsync", os.path.realpath(f"/proc/self/fd/{fd}"))), real_fsync(fd))[1])
    monkeypatch.setattr(os, "replace", lambda a, b: (events.append(
        ("replace", os.path.realpath(a))), real_replace(a, b))[1])
    assert cli.main(["differentiate", "model.py:loss", "-o", "grad.py"]) == 0
    [(synced, written), (renamed, moved), (folder_synced, folder)] = events
    assert (synced, renamed) == ("fsync", "replace") and written == moved, events
    assert (folder_synced, folder) == ("fsync", os.path.realpath(tmp_path)), events
    namespace = {}
    exec((tmp_path / "grad.py").read_text(), namespace)
    x = np.linspace(-1.0, 1.0, 5)
    value, grad = namespace["value_and_grad_loss"](x)
    assert value == np.sum(np.sin(x) ** 2)
    assert np.allclose(grad, 2 * np.sin(x) * np.cos(x))


def test_ctrl_c_while_differentiating_is_one_line_and_status_130(tmp_path):
    import signal
    import time

    body = "".join(f"    s = s * 0.999 + np.sin(x) * {i % 7 + 1}e-4\n" for i in range(3000))
    (tmp_path / "long.py").write_text(
        "import numpy as np\n\n\ndef f(x):\n    s = x\n" + body + "    return np.sum(s)\n")
    (tmp_path / "out.py").write_text("kept\n")
    # (--quiet: without it, the steps after the first 2 s are reported too)
    process = subprocess.Popen([sys.executable, "-m", "s2s", "differentiate", "long.py:f",
                                "-o", "out.py", "--quiet"], cwd=tmp_path, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    time.sleep(3.0)  # (imported and differentiating: a 3000-line function takes longer)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 130, stderr
    assert stderr.strip() == "s2s: interrupted; nothing was written"
    assert (tmp_path / "out.py").read_text() == "kept\n"


def test_a_generated_module_runs_no_other_code_when_it_raises(tmp_path):
    """The first error in a module the CLI wrote re-ran its header's command in the
    process's current directory to make its notes: a service whose directory held an
    `fl.py` and a `rules.py` ran both, kept the directory on `sys.path` and had
    `sys.modules['rules']` replaced.  The notes are now data in the module itself."""
    made, service = tmp_path / "made", tmp_path / "service"
    made.mkdir()
    service.mkdir()
    (made / "fl.py").write_text(
        "import numpy as np\n\n\ndef loss(w, x):\n    h = x @ w\n"
        "    return np.sum(np.tanh(h))\n")
    (made / "rules.py").write_text("from s2s import adjoint, d\n")
    done = s2s_command("differentiate", "fl.py:loss", "--templates", "rules.py", "-o",
                       str(service / "grad_fl.py"), cwd=made)
    assert done.returncode == 0, done.stderr
    for name in ("fl.py", "rules.py"):  # what the service's own directory holds
        (service / name).write_text(f"open({name!r} + '.ran', 'w').close()\n")
    done = run_python("""
        import sys
        import time
        import numpy as np
        from grad_fl import grad_loss

        path, modules = list(sys.path), set(sys.modules)
        start = time.perf_counter()
        try:
            grad_loss(np.ones(3), np.ones((2, 4)))
        except ValueError as exc:
            notes = getattr(exc, "__notes__", None) or [str(exc).splitlines()[-1]]
            print(notes[-1])
        print(time.perf_counter() - start < 1.0, sys.path == path,
              sorted(set(sys.modules) - modules))
    """, str(service))
    assert done.returncode == 0, done.stderr
    note, facts = done.stdout.splitlines()
    assert note == "in loss (fl.py:5): h = x @ w", done.stdout
    assert facts == "True True []", done.stdout
    assert not (service / "fl.py.ran").exists() and not (service / "rules.py.ran").exists()


def test_check_runs_no_file_outside_the_folders_it_checks(tmp_path):
    outside, repo = tmp_path / "outside", tmp_path / "repo"
    outside.mkdir()
    repo.mkdir()
    (outside / "outside_mod.py").write_text(
        "open(__file__ + '.ran', 'w').close()\n" + MODEL)
    done = s2s_command("differentiate", "../outside/outside_mod.py:loss", "-o", "grad.py",
                       cwd=repo)
    assert done.returncode == 0, done.stderr
    os.remove(outside / "outside_mod.py.ran")
    done = s2s_command("check", ".", cwd=repo)
    assert done.returncode == 1
    assert "outside the folders being checked" in done.stderr
    assert not (outside / "outside_mod.py.ran").exists()  # it did not run


def test_check_imports_no_module_from_outside_the_folders_it_checks(tmp_path):
    """A dotted target (`pkg.module.fn`) is found on `sys.path`, which can lead outside
    the tree: the module, and each package's `__init__.py` above it, must lie inside."""
    outside, repo = tmp_path / "outside", tmp_path / "repo"
    (outside / "pkg").mkdir(parents=True)
    (repo / "mine").mkdir(parents=True)
    ran = "open(__file__ + '.ran', 'w').close()\n"
    (outside / "outside_mod.py").write_text(ran + MODEL)
    (outside / "pkg" / "__init__.py").write_text(ran)
    (outside / "pkg" / "model.py").write_text(MODEL)
    (repo / "mine" / "__init__.py").write_text("")
    (repo / "mine" / "model.py").write_text(MODEL)
    env = {**os.environ, "PYTHONPATH": str(outside)}
    for target, name in (("outside_mod.loss", "a"), ("pkg.model.loss", "b"),
                         ("mine.model.loss", "c")):
        done = s2s_command("differentiate", target, "-o", f"grad_{name}.py", cwd=repo,
                           env=env)
        assert done.returncode == 0, done.stderr
    for marker in (outside / "outside_mod.py.ran", outside / "pkg" / "__init__.py.ran"):
        os.remove(marker)
    done = s2s_command("check", ".", cwd=repo, env=env)
    assert done.returncode == 1, done.stderr
    stale = sorted(line for line in done.stderr.splitlines() if ": stale: " in line)
    assert [line.split(":")[0] for line in stale] == ["./grad_a.py", "./grad_b.py"], stale
    assert all("outside the folders being checked" in line for line in stale), stale
    assert str(outside / "outside_mod.py") in stale[0]
    assert str(outside / "pkg" / "__init__.py") in stale[1]
    assert "2 of 3 generated modules are stale" in done.stderr  # grad_c is fresh
    assert not list(outside.rglob("*.ran"))  # neither ran


def test_check_verdicts_do_not_depend_on_the_order_of_the_files(tmp_path):
    (tmp_path / "model.py").write_text(MODEL)
    (tmp_path / "rules.py").write_text(
        "import numpy as np\nfrom s2s import adjoint, d\n\n\n@adjoint(np.sin)\n"
        "def sin(z, x):\n    d[x] += d[z] * np.sin(x + np.pi / 2)\n")
    assert s2s_command("differentiate", "model.py:loss", "--templates", "rules.py", "-o",
                       "a_grad.py", cwd=tmp_path).returncode == 0
    assert s2s_command("differentiate", "model.py:loss", "-o", "b_grad.py",
                       cwd=tmp_path).returncode == 0
    assert "np.sin(x + np.pi / 2)" in (tmp_path / "a_grad.py").read_text()
    assert "np.sin(x + np.pi / 2)" not in (tmp_path / "b_grad.py").read_text()
    for order in (("a_grad.py", "b_grad.py"), ("b_grad.py", "a_grad.py")):
        done = s2s_command("check", *order, cwd=tmp_path)
        assert done.returncode == 0, (order, done.stderr)
        assert "2 generated modules are fresh" in done.stdout


def test_check_of_bad_paths(tmp_path):
    (tmp_path / "notes.txt").write_text("nothing generated here\n")
    assert "no such file" in one_line_error(s2s_command("check", "/nonexistent",
                                                        cwd=tmp_path))
    done = s2s_command("check", "notes.txt", cwd=tmp_path)
    assert done.returncode == 1 and "no module s2s generated" in done.stderr
    done = s2s_command("check", ".", cwd=tmp_path)
    assert done.returncode == 1 and "no module s2s generated" in done.stderr
    assert s2s_command("check", ".", "--allow-empty", cwd=tmp_path).returncode == 0


def test_check_of_a_module_whose_target_exits_at_import(tmp_path):
    (tmp_path / "model.py").write_text(MODEL)
    assert s2s_command("differentiate", "model.py:loss", "-o", "grad.py",
                       cwd=tmp_path).returncode == 0
    (tmp_path / "model.py").write_text("import sys\nsys.exit(0)\n" + MODEL)
    (tmp_path / "fresh.py").write_text(MODEL)
    assert s2s_command("differentiate", "fresh.py:loss", "-o", "grad_fresh.py",
                       cwd=tmp_path).returncode == 0
    done = s2s_command("check", "grad.py", "grad_fresh.py", cwd=tmp_path)
    assert done.returncode == 1  # the run goes on past it, and says so
    assert "grad.py: stale" in done.stderr and "sys.exit(0)" in done.stderr
    assert "1 of 2 generated modules are stale" in done.stderr


def make_scaled_loss(weights):
    def loss(x):
        return np.sum(np.tanh(x * weights[: x.size]))

    return loss


def captured_arrays_alive(make_loss, count, gradient=None):
    """How many of `count` 8 MB arrays, each captured by a loss `make_loss(weights)`
    makes and differentiated once (value checked; `gradient(k)`, the gradient
    expected of the k-th, where given), stay alive once the losses are gone."""
    import gc
    import weakref

    x = np.linspace(-1.0, 1.0, 4)
    held = []
    for k in range(count):
        weights = np.full(1_000_000, 1.0 + k)  # 8 MB each
        held.append(weakref.ref(weights))
        loss = make_loss(weights)
        value, grad = s2s.value_and_grad(loss)(x)
        assert value == loss(x)
        if gradient is not None:
            np.testing.assert_allclose(grad, gradient(k))
        del weights, loss, value, grad
    gc.collect()
    return sum(ref() is not None for ref in held)


def test_the_api_cache_keeps_no_closures_captured_arrays_alive():
    alive = captured_arrays_alive(make_scaled_loss, 30)
    assert alive == 0, f"{alive} of 30 captured arrays kept alive"


def make_spread_loss(weights):
    def spread(*vs):  # (a helper taking *args: one version of it per call shape)
        total = 0.0
        for v in vs:
            total = total + np.sum(v) * np.mean(weights)
        return total

    def loss(x):
        return spread(x, x * 2.0)

    return loss


def test_versions_of_a_closures_star_args_helper_keep_nothing_alive():
    """The versions made of a helper that takes *args (one per call shape) held the
    helper, and so its closure's arrays, for the life of the process."""
    alive = captured_arrays_alive(make_spread_loss, 5, lambda k: np.full(4, 3.0 * (1.0 + k)))
    assert alive == 0, f"{alive} of 5 captured arrays kept alive"


def test_the_api_cache_is_bounded():
    from s2s import api

    x = np.linspace(-1.0, 1.0, 3)
    losses = [make_scaled_loss(np.full(3, 1.0 + k)) for k in range(api.CACHE_SIZE + 20)]
    for loss in losses:  # (kept alive: only the bound can drop their entries)
        s2s.grad(loss)(x)
    assert len(api._compiled) <= api.CACHE_SIZE


def test_check_gives_a_module_that_stalls_at_import_a_time_limit(tmp_path):
    (tmp_path / "model.py").write_text(MODEL)
    assert s2s_command("differentiate", "model.py:loss", "-o", "grad.py",
                       cwd=tmp_path).returncode == 0
    (tmp_path / "model.py").write_text("import time\ntime.sleep(600)\n" + MODEL)
    done = s2s_command("check", "grad.py", "--timeout", "2", cwd=tmp_path)
    assert done.returncode == 1
    assert "grad.py: stale: its command took longer than 2 s (--timeout)" in done.stderr
