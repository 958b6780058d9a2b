"""scipy.integrate.odeint through its adjoint ODE (templates/scipy_integrate.py): the
value, the gradient in the initial values and in `args` against central differences,
forward mode against reverse mode; and what is refused, at its line: the time points'
derivative, a function that is not a module-level one of the user's, full_output,
second derivatives, and the other integrators."""

import numpy as np
import pytest

pytest.importorskip("scipy")

from scipy.integrate import odeint, quad, solve_ivp  # noqa: E402

import s2s  # noqa: E402
from gradcheck import check_gradient  # noqa: E402

T = np.linspace(0.0, 2.0, 6)


def decay(y, t, k, c):
    return -k * y + c * np.sin(t)


def decay_loss(k, y0, c):
    ys = odeint(decay, y0, T, args=(k, c))
    return np.sum(ys**2)


def predator_prey(t, z, rates, scale):
    prey, predator = z
    return np.array([rates[0] * prey - scale * prey * predator,
                     scale * prey * predator - rates[1] * predator])


def fit(rates, z0, observed):
    path = odeint(predator_prey, z0, T, args=(rates, 0.5), tfirst=True, rtol=1e-10, atol=1e-10)
    return np.mean((path - observed) ** 2)


def growth(y, t):
    return 0.3 * y * (1.0 - y)


def logistic_end(y0):
    return odeint(growth, y0, [0.0, 1.0, 3.0])[-1, 0]


def test_gradients_in_initial_values_and_arguments():
    check_gradient(decay_loss, (0.7, np.array([1.0, -0.5]), 0.3), wrt=(0, 1, 2),
                   rtol=1e-4, atol=1e-6)
    observed = np.abs(np.random.default_rng(3).normal(size=(6, 2))) + 0.5
    check_gradient(fit, (np.array([1.1, 0.8]), np.array([1.0, 0.7]), observed), wrt=(0, 1),
                   rtol=1e-4, atol=1e-7)
    check_gradient(logistic_end, (np.array([0.2]),), rtol=1e-4, atol=1e-7)


def at_times(k, t):
    return np.sum(odeint(decay, np.array([1.0]), t, args=(k, 0.0)))


def with_a_lambda(k):
    rate = lambda y, t: -k * y  # noqa: E731
    return np.sum(odeint(rate, np.array([1.0]), T))


def with_full_output(k):
    ys, info = odeint(decay, np.array([1.0]), T, args=(k, 0.0), full_output=1)
    return np.sum(ys)


@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_the_time_points_derivative_is_refused(mode):
    api = s2s.value_and_grad if mode == "reverse" else s2s.jvp
    args = (0.5, T) if mode == "reverse" else (0.5, T, 1.0, np.ones(6))
    with pytest.raises(s2s.Unsupported, match=r"test_scipy_integrate\.py:\d+:\d+: odeint: the "
                       "derivative in the time points is not supported yet"):
        api(at_times, wrt=(0, 1))(*args)
    check_gradient(at_times, (0.5, T), wrt=0, rtol=1e-4)  # (constant time points)


def with_a_library_function(k):
    return np.sum(odeint(FUNCTIONS["rate"], np.array([k]), T))


FUNCTIONS = {"rate": np.negative}  # (not a function of yours: no derivatives to make)


def test_a_function_not_at_module_level_is_refused():
    with pytest.raises(s2s.Unsupported, match=r"test_scipy_integrate\.py:\d+:\d+: the nested "
                       "function 'rate' is used other than by calling it"):
        s2s.grad(with_a_lambda)(0.5)
    with pytest.raises(s2s.Unsupported, match=r"test_scipy_integrate\.py:\d+:\d+: a function "
                       "given to a library's function whose derivative needs its derivatives "
                       "must be a function of yours defined at module level"):
        s2s.grad(with_a_library_function)(0.5)


def test_full_output_is_refused_when_the_derivative_runs():
    with pytest.raises(NotImplementedError, match="without full_output"):
        s2s.grad(with_full_output)(0.5)


def test_second_derivatives_are_refused():
    with pytest.raises(s2s.Unsupported, match="second derivatives through "
                       "scipy.integrate.odeint are not supported yet"):
        s2s.hvp(decay_loss, wrt=0)(0.7, np.array([1.0, -0.5]), 0.3, 1.0)


def with_solve_ivp(k):
    return solve_ivp(decay, (0.0, 1.0), np.array([1.0]), args=(k, 0.0)).y[0, -1]


def integrand(t, k):
    return np.exp(-k * t)


def with_quad(k):
    return quad(integrand, 0.0, 1.0, args=(k,))[0]


@pytest.mark.parametrize("f, name", [(with_solve_ivp, "solve_ivp"), (with_quad, "quad")])
def test_the_other_integrators_are_refused(f, name):
    with pytest.raises(s2s.Unsupported, match=rf"test_scipy_integrate\.py:\d+:\d+: "
                       rf"differentiating {name} \(its derivative needs"):
        s2s.grad(f)(0.5)
