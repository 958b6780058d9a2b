"""The baselines of issue 21 (`s2s differentiate --target numba`): hand-written
adjoints compiled with `numba.njit`, for the pendulum, N-body, the heat equation and
the loop matmul, beside the hand-written Python adjoints and s2s's NumPy-target
modules.  Compilation is timed apart (the first call); every adjoint is checked
against the hand-written Python one before anything is timed.

    python -m benchmarks numba_baselines

Each numba adjoint keeps its tape in preallocated float64 arrays, as issue 21 plans
for the generated code.  Needs numba (`pip install 's2s[numba]'`)."""

import importlib.util
import math
import os
import subprocess
import sys
import tempfile
import time

import numpy as np

from . import heat, nbody, pendulum
from .common import interleaved, load_generated


def _compiled():
    import numba

    @numba.njit(cache=False)
    def pendulum_adjoint(theta, omega, k, damping, dt, steps):
        thetas = np.empty(steps)
        for s in range(steps):
            thetas[s] = theta
            acc = -k * math.sin(theta) - damping * omega
            theta = theta + dt * omega
            omega = omega + dt * acc
        value = 0.5 * omega * omega + k * (1.0 - math.cos(theta))
        dtheta, domega, dk = k * math.sin(theta), omega, 1.0 - math.cos(theta)
        for s in range(steps - 1, -1, -1):
            theta = thetas[s]
            dacc = dt * domega
            domega = domega + dt * dtheta - damping * dacc
            dtheta = dtheta - k * math.cos(theta) * dacc
            dk = dk - math.sin(theta) * dacc
        return value, dtheta, domega, dk

    @numba.njit(cache=False)
    def nbody_adjoint(xs, ys, vxs, vys, masses, dt, steps, softening):
        n = xs.shape[0]
        xs, ys, vxs, vys = xs.copy(), ys.copy(), vxs.copy(), vys.copy()
        txs, tys = np.empty((steps, n)), np.empty((steps, n))
        axs, ays = np.empty(n), np.empty(n)
        for s in range(steps):
            txs[s], tys[s] = xs, ys
            axs[:], ays[:] = 0.0, 0.0
            for i in range(n):
                for j in range(n):
                    if i != j:
                        dx, dy = xs[j] - xs[i], ys[j] - ys[i]
                        r = math.sqrt(dx * dx + dy * dy + softening)
                        f = masses[j] / (r * r * r)
                        axs[i] += f * dx
                        ays[i] += f * dy
            for i in range(n):
                vxs[i] += dt * axs[i]
                vys[i] += dt * ays[i]
                xs[i] += dt * vxs[i]
                ys[i] += dt * vys[i]
        kinetic = 0.0
        for i in range(n):
            kinetic += 0.5 * masses[i] * (vxs[i] * vxs[i] + vys[i] * vys[i])
        potential = 0.0
        gxs, gys = np.zeros(n), np.zeros(n)
        for i in range(n):
            for j in range(i + 1, n):
                dx, dy = xs[j] - xs[i], ys[j] - ys[i]
                r = math.sqrt(dx * dx + dy * dy + softening)
                potential -= masses[i] * masses[j] / r
                w = masses[i] * masses[j] / (r * r * r)
                gxs[j] += w * dx
                gxs[i] -= w * dx
                gys[j] += w * dy
                gys[i] -= w * dy
        gvxs, gvys = masses * vxs, masses * vys
        gaxs, gays = np.empty(n), np.empty(n)
        for s in range(steps - 1, -1, -1):
            xs, ys = txs[s], tys[s]
            for i in range(n):
                gvxs[i] += dt * gxs[i]
                gvys[i] += dt * gys[i]
                gaxs[i] = dt * gvxs[i]
                gays[i] = dt * gvys[i]
            for i in range(n):
                gax, gay = gaxs[i], gays[i]
                for j in range(n):
                    if i != j:
                        dx, dy = xs[j] - xs[i], ys[j] - ys[i]
                        r2 = dx * dx + dy * dy + softening
                        r = math.sqrt(r2)
                        w = masses[j] / (r2 * r)
                        q = 3.0 * w * (gax * dx + gay * dy) / r2
                        gdx, gdy = w * gax - q * dx, w * gay - q * dy
                        gxs[j] += gdx
                        gxs[i] -= gdx
                        gys[j] += gdy
                        gys[i] -= gdy
        return kinetic + potential, gxs, gvxs

    @numba.njit(cache=False)
    def heat_adjoint(u0, alpha, target, dt, steps):
        u = u0.copy()
        n = u.shape[0]
        laplacians = np.empty((steps, n - 2))
        for s in range(steps):
            for i in range(1, n - 1):
                laplacians[s, i - 1] = u[i + 1] - 2.0 * u[i] + u[i - 1]
            for i in range(1, n - 1):
                u[i] += dt * (alpha * laplacians[s, i - 1])
        value = 0.0
        g = np.empty(n)
        for i in range(n):
            r = u[i] - target[i]
            value += r * r
            g[i] = 2.0 * r
        dalpha = 0.0
        gi = np.empty(n - 2)
        for s in range(steps - 1, -1, -1):
            for i in range(n - 2):
                gi[i] = dt * g[i + 1]
                dalpha += gi[i] * laplacians[s, i]
                gi[i] *= alpha
            for i in range(n - 2):
                g[i + 2] += gi[i]
                g[i + 1] -= 2.0 * gi[i]
                g[i] += gi[i]
        return value, g, dalpha

    @numba.njit(cache=False)
    def matmul_adjoint(a, b, seed):
        n, m, p = a.shape[0], a.shape[1], b.shape[1]
        c = np.zeros((n, p))
        for i in range(n):
            for j in range(p):
                for k in range(m):
                    c[i, j] += a[i, k] * b[k, j]
        da, db = np.zeros_like(a), np.zeros_like(b)
        for i in range(n):
            for j in range(p):
                for k in range(m):
                    da[i, k] += seed[i, j] * b[k, j]
                    db[k, j] += seed[i, j] * a[i, k]
        return c, da, db

    return pendulum_adjoint, nbody_adjoint, heat_adjoint, matmul_adjoint


def workloads(quick=False):
    """name -> (hand-written Python, numba, s2s's module, s2s's module made with
    `--target numba`: calls giving (value, grads) alike, the numba ones' first calls
    apart)."""
    pendulum_nb, nbody_nb, heat_nb, matmul_nb = _compiled()
    p_args = pendulum.ARGS
    p_module = load_generated("grad_pendulum_as_written")
    b_arrays = [np.array(a, dtype=np.float64) for a in nbody.ARGS]
    b_module = load_generated("grad_nbody")
    h_args = heat.inputs()
    h_module = load_generated("grad_heat")
    rng = np.random.default_rng(0)
    size = 8 if quick else 24
    a, b = rng.normal(size=(size, size)), rng.normal(size=(size, size))
    seed = rng.normal(size=(size, size))
    m_module = load_generated("grad_loop_matmul")
    p_numba, b_numba = load_generated("grad_pendulum_numba"), load_generated("grad_nbody_numba")
    h_numba, m_numba = load_generated("grad_heat_numba"), load_generated("grad_loop_matmul_numba")
    products = _Runs((
        lambda: (lambda r: (r[0], (r[1], r[2])))(matmul_nb.py_func(a, b, seed)),
        lambda: (lambda r: (r[0], (r[1], r[2])))(matmul_nb(a, b, seed)),
        lambda: m_module.value_and_grad_matmul(a, b, d_result=seed),
        lambda: m_numba.value_and_grad_matmul(a, b, d_result=seed)))
    products.inputs = (a, b, seed)
    return {
        "pendulum": (
            lambda: pendulum.hand_value_and_grad(*p_args),
            lambda: (lambda r: (r[0], r[1:]))(pendulum_nb(*p_args, 0.1, 0.01, 2000)),
            lambda: p_module.value_and_grad_energy_as_written(*p_args),
            lambda: p_numba.value_and_grad_energy_as_written(*p_args)),
        "N-body": (
            lambda: nbody.hand_value_and_grad(*nbody.ARGS),
            lambda: (lambda r: (r[0], (r[1], r[2])))(
                nbody_nb(*b_arrays, 0.01, 200, nbody.SOFTENING)),
            lambda: b_module.value_and_grad_energy(*nbody.ARGS),
            lambda: b_numba.value_and_grad_energy(*nbody.ARGS)),
        "heat equation": (
            lambda: heat.hand_value_and_grad(*h_args),
            lambda: (lambda r: (r[0], (r[1], r[2])))(heat_nb(*h_args, 0.1, 1000)),
            lambda: h_module.value_and_grad_loss(*h_args),
            lambda: h_numba.value_and_grad_loss(*h_args)),
        f"loop matmul {size}x{size}": products,  # (Python: the same loops, not compiled)
    }


class _Runs(tuple):
    """A workload's four calls, and the inputs they were made for."""


def check(runs):
    """The numba adjoints and s2s's modules agree with the hand-written Python ones (the
    loop matmul's, with NumPy's products too)."""
    for name, (python, compiled, s2s, s2s_numba) in runs.items():
        value, grads = python()
        for label, run in (("numba", compiled), ("s2s", s2s), ("s2s numba", s2s_numba)):
            got_value, got = run()
            np.testing.assert_allclose(got_value, value, rtol=1e-12, err_msg=f"{name}, {label}")
            for g, e in zip(got, grads):
                np.testing.assert_allclose(np.asarray(g, float), np.asarray(e, float),
                                           rtol=1e-9, atol=1e-12, err_msg=f"{name}, {label}")
    products = runs[next(name for name in runs if name.startswith("loop matmul"))]
    (c, (da, db)), (a, b, seed) = products[0](), products.inputs
    np.testing.assert_allclose(c, a @ b, rtol=1e-12)
    np.testing.assert_allclose(da, seed @ b.T, rtol=1e-12)
    np.testing.assert_allclose(db, a.T @ seed, rtol=1e-12)


def _jax_jit(products):
    """name -> JAX jit's value_and_grad, in its best form (the workloads' own benchmarks;
    the loop matmul's, `a @ b`: JAX has no better form of three loops)."""
    found = {}
    for name, module in (("pendulum", pendulum), ("N-body", nbody), ("heat equation", heat)):
        runs = module.candidates(heat.inputs()) if module is heat else module.candidates()
        run = (runs[0] if isinstance(runs, tuple) else runs).get("JAX jit")  # (N-body's: runs, default)
        if run is not None:
            found[name] = run
    import jax

    a, b, seed = products.inputs
    vjp = jax.jit(jax.value_and_grad(lambda a, b: (seed * (a @ b)).sum(), argnums=(0, 1)))
    found[f"loop matmul {a.shape[0]}x{a.shape[1]}"] = lambda: jax.block_until_ready(vjp(a, b))
    for run in found.values():
        run()  # (compiles)
    return found


def first_call_seconds(module, call):
    """The first call of a `--target numba` module in a new Python (numba's own start
    included): compiling, then with the machine code the first one cached."""
    code = (f"import time, numpy as np; t = time.perf_counter(); "
            f"from generated import {module} as m; "
            f"from benchmarks import heat as h, nbody as b, pendulum as p; "
            f"start = time.perf_counter(); {call}; print(time.perf_counter() - start)")
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    with tempfile.TemporaryDirectory() as cache:
        env = dict(os.environ, NUMBA_CACHE_DIR=cache)
        times = [float(subprocess.run([sys.executable, "-c", code], cwd=root, env=env,
                                      capture_output=True, text=True, check=True).stdout)
                 for _ in range(2)]
    return tuple(times)


FIRST_CALLS = {
    "pendulum": ("grad_pendulum_numba", "m.value_and_grad_energy_as_written(*p.ARGS)"),
    "N-body": ("grad_nbody_numba", "m.value_and_grad_energy(*b.ARGS)"),
    "heat equation": ("grad_heat_numba", "m.value_and_grad_loss(*h.inputs())"),
}


def stack_nanoseconds(n=50_000, repeats=7):
    """What a `while` loop's stack costs in compiled code: an explicit Euler loop (as
    `--target numba` makes it, its state kept at each step) and its adjoint, in
    nanoseconds a step, best of `repeats`, with three stacks: a numba list (which the
    target uses there), an array doubled when full, and an array made to size (which a
    `while` loop cannot know; counted loops get it)."""
    import numba

    from s2s.runtime.compiled import reserved

    @numba.njit
    def on_list(k, x, dt, t_end):
        tape = [x]
        tape.pop()
        t = 0.0
        while t < t_end:
            tape.append(x)
            x = x + dt * (-k * x + math.sin(t))
            t += dt
        dx, dk = 2.0 * x, 0.0
        while len(tape):
            x = tape.pop()
            dk -= dx * dt * x
            dx = dx * (1.0 - dt * k)
        return dx, dk

    @numba.njit
    def popped_from_array(tape, size, k, x, dt):  # (the adjoint sweep, on an array)
        dx, dk = 2.0 * x, 0.0
        while size:
            size -= 1
            x = tape[size]
            dk -= dx * dt * x
            dx = dx * (1.0 - dt * k)
        return dx, dk

    @numba.njit
    def on_doubled_array(k, x, dt, t_end):
        tape = np.empty(0, np.float64)
        size = 0
        t = 0.0
        while t < t_end:
            if size == len(tape):
                tape = reserved(tape, size + 1)
            tape[size] = x
            size += 1
            x = x + dt * (-k * x + math.sin(t))
            t += dt
        return popped_from_array(tape, size, k, x, dt)

    @numba.njit
    def on_array_made_to_size(k, x, dt, t_end):
        tape = np.empty(int(t_end / dt) + 2, np.float64)
        size = 0
        t = 0.0
        while t < t_end:
            tape[size] = x
            size += 1
            x = x + dt * (-k * x + math.sin(t))
            t += dt
        return popped_from_array(tape, size, k, x, dt)

    found = {}
    args = (0.7, 1.3, 0.001, n * 0.001)
    expected = on_list.py_func(*args)
    for name, adjoint in (("numba list", on_list), ("array doubled when full", on_doubled_array),
                          ("array made to size", on_array_made_to_size)):
        np.testing.assert_allclose(adjoint(*args), expected, rtol=1e-12)  # (and compiles)
        best = math.inf
        for _ in range(repeats):
            t = time.perf_counter()
            adjoint(*args)
            best = min(best, time.perf_counter() - t)
        found[name] = best / n * 1e9
    return found


def main(repeats=15, quick=False):
    if importlib.util.find_spec("numba") is None:
        return ("numba baselines: skipped (needs numba: pip install 's2s[numba]')",)
    start = time.perf_counter()
    runs = workloads(quick)
    compile_seconds = {}
    for name, (_, compiled, _, s2s_numba) in runs.items():  # (the first call compiles)
        t = time.perf_counter()
        compiled()
        compile_seconds[name] = time.perf_counter() - t
        s2s_numba()
    check(runs)
    products = runs[next(name for name in runs if name.startswith("loop matmul"))]
    jax_runs = _jax_jit(products) if importlib.util.find_spec("jax") is not None else {}
    lines = ["--target numba, against hand-written adjoints compiled with numba and JAX jit",
             f"  {'':22s} {'Python':>10s} {'numba':>10s} {'s2s':>10s} {'s2s numba':>10s}"
             f" {'JAX jit':>10s} {'s2s numba/':>11s} {'s2s numba/':>11s} {'compile':>8s}",
             f"  {'':22s} {'hand':>10s} {'hand':>10s} {'':>10s} {'':>10s} {'':>10s}"
             f" {'numba hand':>11s} {'JAX jit':>11s} {'(hand)':>8s}"]
    for name, (python, compiled, s2s, s2s_numba) in runs.items():
        calls = {"python": python, "numba": compiled, "s2s": s2s, "s2s numba": s2s_numba}
        if name in jax_runs:
            calls["jax"] = jax_runs[name]
        medians = interleaved(calls, repeats)
        jax_ms = f"{medians['jax'] * 1e3:8.3f}ms" if "jax" in medians else f"{'-':>10s}"
        versus_jax = (f"{medians['s2s numba'] / medians['jax']:10.2f}x" if "jax" in medians
                      else f"{'-':>11s}")
        lines.append(
            f"  {name:22s} {medians['python'] * 1e3:8.3f}ms {medians['numba'] * 1e3:8.3f}ms "
            f"{medians['s2s'] * 1e3:8.3f}ms {medians['s2s numba'] * 1e3:8.3f}ms {jax_ms} "
            f"{medians['s2s numba'] / medians['numba']:10.2f}x {versus_jax} "
            f"{compile_seconds[name]:7.2f}s")
    if not quick:
        lines.append("  first call of s2s's numba module in a new Python (numba's start "
                     "included): compiling, then from its cache")
        for name, (module, call) in FIRST_CALLS.items():
            first, second = first_call_seconds(module, call)
            lines.append(f"    {name:20s} {first:6.2f} s, {second:5.2f} s")
    lines.append("  a `while` loop's stack: an Euler step and its adjoint, a number kept")
    for name, ns in stack_nanoseconds(5_000 if quick else 50_000).items():
        lines.append(f"    {name:28s} {ns:5.1f} ns")
    lines.append(f"  (all: {time.perf_counter() - start:.1f} s)")
    return ("\n".join(lines),)
