"""s2s under careless and hostile input: the CLI, `s2s check`, generated modules and
the Python API run only what their user asked for, survive bad paths and odd files,
and are safe to call from threads."""

import os
import subprocess
import sys
import textwrap

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
