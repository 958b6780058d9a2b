"""Writes into arrays whose old values the adjoint sweep never reads are neither saved
nor put back (s2s/unread_restores.py, and analysis/restores.py for arrays made anew
in each iteration); every write whose old values something reads still is.  Values
against the function itself, gradients against central differences, either way."""

import numpy as np
import pytest

import s2s
from gradcheck import check_gradient


def heat(u0, alpha, target, dt=0.1, steps=20):
    u = u0.copy()
    for _ in range(steps):
        du = np.zeros_like(u)
        du[1:-1] = alpha * (u[2:] - 2 * u[1:-1] + u[:-2])
        u[1:-1] = u[1:-1] + dt * du[1:-1]
    return np.sum((u - target) ** 2)


def heat_in_place(u0, alpha, steps=20):
    u = u0 * 1.0
    for _ in range(steps):
        lap = u[2:] - 2 * u[1:-1] + u[:-2]
        u[1:-1] += 0.1 * alpha * lap
    return np.sum(u**2) + np.sum(u[3:] * u[:-3])


def nonlinear(u0, a):
    u = u0.copy()
    for _ in range(4):
        u[1:-1] = u[1:-1] * np.sin(a * u[2:])  # its adjoint reads u's values
    return np.sum(u**2)


def neighbours(u):
    return u[2:] * u[:-2]


def through_a_function(u0, a):
    u = u0.copy()
    for _ in range(3):
        u[1:-1] = u[1:-1] + a * neighbours(u)  # the callee's adjoint reads u
    return np.sum(u**2)


def fresh_rows(x, w):
    total = 0.0
    for k in range(3):
        row = np.zeros(3)
        row[0] = x[k] * w
        row[1:] = np.sin(x[k:k + 2]) * w
        total = total + np.sum(row**2)
    return total


def returns_the_array(x):
    y = np.zeros(4)
    for i in range(4):
        y[i] = y[i] + x * (i + 1)
    return y


@pytest.fixture
def rng():
    return np.random.default_rng(21)


def test_the_heat_equation_as_written(rng):
    u0, target = rng.normal(size=9), rng.normal(size=9)
    value, grads = s2s.value_and_grad(heat, wrt=(0, 1))(u0, 0.3, target)
    assert value == heat(u0, 0.3, target)
    check_gradient(heat, (u0, 0.3, target), wrt=(0, 1))
    check_gradient(heat, (u0, rng.normal(size=7) * 0.3, target), wrt=(0, 1))  # an array
    source = s2s.source(heat, wrt=(0, 1))
    assert "snapshot(u[" not in source and "u[1:-1] = tape" not in source, source
    assert "snapshot(du[" not in source and "du[1:-1] = tape" not in source, source


def test_an_update_in_place_passes_its_adjoint_on(rng):
    u0 = rng.normal(size=8)
    check_gradient(heat_in_place, (u0, 0.4), wrt=(0, 1))
    source = s2s.source(heat_in_place, wrt=(0, 1))
    assert "snapshot(u[" not in source, source


@pytest.mark.parametrize("f", [nonlinear, through_a_function])
def test_what_the_adjoint_reads_is_put_back(f, rng):
    u0 = rng.normal(size=6)
    check_gradient(f, (u0, 0.7), wrt=(0, 1))
    assert "snapshot(u[" in s2s.source(f, wrt=(0, 1))


def test_an_array_made_in_each_iteration(rng):
    x = rng.normal(size=4)
    check_gradient(fresh_rows, (x, 0.8), wrt=(0, 1))
    source = s2s.source(fresh_rows, wrt=(0, 1))
    assert "snapshot(row[" not in source and "row[0] = tape" not in source, source


def test_a_returned_array_keeps_its_values(rng):
    x = 0.6
    seed = rng.normal(size=4)
    value, dx = s2s.value_and_grad(returns_the_array)(x, d_result=seed)
    np.testing.assert_array_equal(value, returns_the_array(x))
    np.testing.assert_allclose(dx, np.sum(seed * np.arange(1, 5)), rtol=1e-12)


def test_the_cli_module_matches(tmp_path, rng):
    """The module `s2s differentiate` writes, with its version for numbers, against
    the Python API and the function."""
    from golden import optimizations as opt
    from golden.grad_opt_stencil import grad_stencil, value_and_grad_stencil

    u0 = rng.normal(size=7)
    for alpha in (0.3, rng.normal(size=5) * 0.3):
        value, grads = value_and_grad_stencil(u0, alpha)
        assert value == opt.stencil(u0, alpha)
        expected = check_gradient(opt.stencil, (u0, alpha), wrt=(0, 1))
        for got, want in zip(grad_stencil(u0, alpha), expected):
            np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-14)
        assert value_and_grad_stencil(u0, alpha)[0] == value


def through_einsum(u0, w):
    """`np.einsum("ij->ji", u)` is a view of `u` (NumPy gives one where it can), which
    s2s does not list among the functions that give views: the adjoint of the product
    reads it, so the writes into `u` are put back."""
    u = u0.copy()
    total = 0.0
    for _ in range(3):
        turned = np.einsum("ij->ji", u)
        total = total + np.sum(turned * w)
        u[1:] = u[1:] * 0.5 + u[:-1] * 0.25
    return total


def test_a_view_from_any_other_function_keeps_the_put_backs():
    rng = np.random.default_rng(9)
    u0, w = rng.normal(size=(4, 3)), rng.normal(size=(3, 4))
    for wrt in (1, (0, 1)):  # (w alone: nothing but the view reads u's values)
        check_gradient(through_einsum, (u0, w), wrt=wrt)
        assert "snapshot(u[" in s2s.source(through_einsum, wrt=wrt)


def zero_then_add_back(x):
    """The user's own `a = y[0]; y[0] = 0.0; ...; y[0] += a`, which the adjoint's
    take-zero-add-back pattern looks like: it stays as written."""
    y = x * 1.0
    a = y[0] * 1.0
    y[0] = 0.0
    s = np.sum(y * y)
    y[0] += a
    return s + np.sum(y * x)


def test_the_users_own_take_zero_add_back_stays():
    rng = np.random.default_rng(11)
    x = rng.normal(size=4)
    value, _ = s2s.value_and_grad(zero_then_add_back)(x)
    assert value == zero_then_add_back(x)
    check_gradient(zero_then_add_back, (x,), wrt=0)
