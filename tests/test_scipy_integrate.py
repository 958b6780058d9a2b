"""scipy.integrate.odeint through its adjoint ODE (templates/scipy_integrate.py): the
value, the gradient in the initial values and in `args` against central differences,
forward mode against reverse mode, Hessian-vector products against differences of the
gradient; and what is refused, at its line: the time points' derivative, a function
that is not a module-level one of the user's, full_output, and the other integrators."""

import subprocess
import sys

import numpy as np
import pytest

pytest.importorskip("scipy")

from scipy.integrate import odeint, quad, solve_ivp  # noqa: E402

import s2s  # noqa: E402
from gradcheck import check_gradient, check_hvp  # noqa: E402

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


def tight_decay_loss(k, y0, c):
    ys = odeint(decay, y0, T, args=(k, c), rtol=1e-11, atol=1e-11)
    return np.sum(ys**2)


def tight_logistic_end(y0):
    return odeint(growth, y0, [0.0, 1.0, 3.0], rtol=1e-11, atol=1e-11)[-1, 0]


def test_hessian_vector_products():
    """Forward over reverse, through the adjoint ODE's tangent, against differences of
    the gradient (solved to a tight tolerance, so that the differences see the
    derivative and not the solver's error); args= of numbers and of arrays, tfirst,
    and none at all."""
    rng = np.random.default_rng(5)
    check_hvp(tight_decay_loss, (0.7, np.array([1.0, -0.5]), 0.3), (0, 1, 2), rng,
              eps=1e-4, rtol=1e-5, atol=1e-8)
    observed = np.abs(rng.normal(size=(6, 2))) + 0.5
    check_hvp(fit, (np.array([1.1, 0.8]), np.array([1.0, 0.7]), observed), (0, 1), rng,
              eps=1e-4, rtol=1e-5, atol=1e-8)
    check_hvp(tight_logistic_end, (np.array([0.2]),), (0,), rng, eps=1e-4, rtol=1e-5,
              atol=1e-8)


def test_the_hessian_is_symmetric():
    """An oracle that owes nothing to the gradient: the Hessian that s2s builds from
    its products is symmetric, block by block, as one of a smooth function is."""
    observed = np.abs(np.random.default_rng(4).normal(size=(6, 2))) + 0.5
    (h_rr, h_rz), (h_zr, h_zz) = s2s.hessian(fit, wrt=(0, 1))(
        np.array([1.1, 0.8]), np.array([1.0, 0.7]), observed)
    np.testing.assert_allclose(h_rr, h_rr.T, rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(h_zz, h_zz.T, rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(h_rz, h_zr.T, rtol=1e-6, atol=1e-9)
    assert np.abs(h_rz).max() > 1e-3  # (a block that couples the two)


def scalar_start(y0, k):
    return odeint(decay, y0, T, args=(k, 0.2), rtol=1e-11, atol=1e-11)[-1, 0] ** 2


def test_a_number_as_initial_value():
    """`odeint(f, 0.2, ...)`: y0's gradient is a number too, in every mode."""
    check_gradient(scalar_start, (0.2, 0.7), wrt=(0, 1), rtol=1e-5, atol=1e-9)
    check_hvp(scalar_start, (0.2, 0.7), (0, 1), np.random.default_rng(6), eps=1e-4,
              rtol=1e-5, atol=1e-9)


def test_float32_inputs():
    """odeint solves in float64 whatever it is given: the value is the function's own,
    and the derivatives come back in the inputs' dtype, close to float64's."""
    args32 = (np.float32(0.7), np.array([1.0, -0.5], dtype=np.float32), np.float32(0.3))
    args64 = tuple(np.float64(a) if np.ndim(a) == 0 else a.astype(np.float64)
                   for a in args32)
    value, grads = s2s.value_and_grad(decay_loss, wrt=(0, 1, 2))(*args32)
    assert value == decay_loss(*args32)
    expected = s2s.grad(decay_loss, wrt=(0, 1, 2))(*args64)
    for got, want, x in zip(grads, expected, args32):
        assert np.asarray(got).dtype == np.float32
        np.testing.assert_allclose(got, want, rtol=1e-5)
    vs = (np.float32(0.5), np.array([0.3, -0.2], dtype=np.float32), np.float32(1.0))
    value, tangent = s2s.jvp(decay_loss, wrt=(0, 1, 2))(*args32, *vs)
    assert value == decay_loss(*args32)
    np.testing.assert_allclose(tangent, sum(np.sum(g * v) for g, v in zip(expected, vs)),
                               rtol=1e-5)
    products = s2s.hvp(decay_loss, wrt=(0, 1, 2))(*args32, vs)
    for got, want in zip(products, s2s.hvp(decay_loss, wrt=(0, 1, 2))(*args64, vs)):
        assert np.asarray(got).dtype == np.float32
        np.testing.assert_allclose(got, want, rtol=1e-5)


def test_a_gradient_of_the_gradient_is_refused_at_the_users_line():
    """Reverse over reverse: the refusal names the line of the user's that the
    gradient's code was made from."""
    with pytest.raises(s2s.Unsupported, match=r"differentiating odeint_adjoint \(odeint's "
                       r"derivative, differentiated again other than forward over reverse; "
                       r"s2s\.hvp and s2s\.hessian, which are, give its second derivatives\) "
                       r"is not supported yet; while computing the derivative of "
                       r"test_scipy_integrate\.py:\d+: return odeint\(growth"):
        s2s.grad(s2s.grad(logistic_start))(0.2)


def logistic_start(y0):
    return odeint(growth, y0, [0.0, 1.0, 3.0])[-1, 0]


def test_the_cli_writes_hessian_vector_products(tmp_path, monkeypatch):
    """`--mode hvp` writes one module, which defines the gradient's functions that the
    adjoint ODE's tangent is given (it imports no module s2s made in memory)."""
    (tmp_path / "epidemic.py").write_text(
        "import numpy as np\n"
        "from scipy.integrate import odeint\n\n\n"
        "def sir(y, t, beta, gamma):\n"
        "    s, i, r = y\n"
        "    return [-beta * s * i, beta * s * i - gamma * i, gamma * i]\n\n\n"
        "def loss(beta, gamma):\n"
        "    path = odeint(sir, [0.99, 0.01, 0.0], np.linspace(0, 10, 11), args=(beta, gamma))\n"
        "    return np.sum(path[:, 1] ** 2)\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    written = subprocess.run(
        [sys.executable, "-m", "s2s", "differentiate", "epidemic.loss", "--wrt", "beta,gamma",
         "--mode", "hvp"], capture_output=True, text=True, check=True).stdout
    assert "s2s_generated" not in written
    (tmp_path / "hvp_epidemic.py").write_text(written)
    import epidemic
    import hvp_epidemic

    vs = (0.4, -1.0)
    assert hvp_epidemic.hvp_loss(0.8, 0.25, *vs) == pytest.approx(
        s2s.hvp(epidemic.loss, wrt=(0, 1))(0.8, 0.25, vs), rel=1e-12)
    value, grads = hvp_epidemic.value_and_grad_loss(0.8, 0.25)
    assert value == epidemic.loss(0.8, 0.25)


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
