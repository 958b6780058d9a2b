"""Slices of an array whose shape does not change, with constant bounds that cut as
much (`u[1:-1]`, `u[2:]`, `u[:-2]`), have one shape (analysis/shapes.py): a stencil's
gradient undoes no broadcasting between them, and keeps no shapes on the tape.
Values against the function, gradients against central differences, for short
arrays (empty slices), two axes, a row that broadcasts, and an array that grows."""

import subprocess
import sys

import numpy as np
import pytest

import s2s
from gradcheck import check_gradient


def heat(u0, kappa, dt=1e-5, dx=0.005, steps=50):
    u = u0.copy()
    r = kappa * dt / dx**2
    for _ in range(steps):
        u[1:-1] = u[1:-1] + r * (u[2:] - 2.0 * u[1:-1] + u[:-2])
    return np.sum(u * u)


def rows_with_a_weight(u0, w):
    u = u0 * 1.0
    for _ in range(3):
        u[1:-1, :] = u[1:-1, :] + (u[2:, :] - u[:-2, :]) * w
    return np.sum(u**2)


def growing(u0, a):
    u = u0
    for _ in range(3):
        u = np.concatenate([u, u[1:] * a])
        u = u + (u[1:-1].sum() - u[:-2].sum()) * 0.01
    return np.sum(u * u)


@pytest.mark.parametrize("n", [200, 3, 2])
def test_a_heat_equation(n):
    u0 = np.sin(np.linspace(0.0, 3.0, n))
    check_gradient(heat, (u0, 1.3), wrt=(0, 1))


def test_two_axes_and_a_row_that_broadcasts():
    rng = np.random.default_rng(8)
    check_gradient(rows_with_a_weight, (rng.normal(size=(6, 4)), rng.normal(size=(1, 4)) * 0.1),
                   wrt=(0, 1))


def test_an_array_that_changes_shape():
    check_gradient(growing, (np.array([0.3, -0.2, 0.5]), 0.7), wrt=(0, 1))


def test_the_stencils_gradient_undoes_no_broadcasting_between_slices(tmp_path):
    """The module's version for numbers (kappa, dt, dx numbers) runs its loop without
    `unbroadcast` or `shape_of`, but for the sum into `r`'s adjoint."""
    text = subprocess.run(
        [sys.executable, "-m", "s2s", "differentiate", "test_stencils.heat", "--wrt",
         "u0,kappa"], capture_output=True, text=True, check=True, cwd="tests").stdout
    version = text[text.index("def value_and_grad_heat_on_numbers("):]
    backward = version[version.index("for _ in reversed(range(steps)):"):]
    backward = backward[:backward.index("# d of: r = ")]
    assert "shape_of" not in version
    assert backward.count("unbroadcast(") == 1, backward
    assert "dr = dr + unbroadcast(dt10 * t9, r)" in backward
    namespace = {}
    exec(compile(text, "grad_heat.py", "exec"), namespace)
    u0 = np.sin(np.linspace(0.0, 3.0, 20))
    for kappa in (1.3, np.full(18, 1.3)):  # (numbers; an array: the general version)
        value, grads = namespace["value_and_grad_heat"](u0, kappa)
        assert value == heat(u0, kappa)
        expected = s2s.grad(heat, wrt=(0, 1))(u0, kappa)
        for g, e in zip(grads, expected):
            np.testing.assert_allclose(g, e, rtol=1e-10, atol=1e-12)
