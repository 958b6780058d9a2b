"""The scalar and stencil workloads of the benchmarks (N-body on lists of floats, RK4
through a helper returning a pair in both its forms, the heat equation with slices):
their checked-in generated gradients and the benchmarks' hand-written adjoints
against central finite differences in float64, and the generated values against the
functions' own."""

import numpy as np
import pytest

from benchmarks import heat as heat_benchmark
from benchmarks import nbody as nbody_benchmark
from benchmarks import rk4 as rk4_benchmark
from benchmarks.common import load_generated
from examples import heat, nbody, rk4
from gradcheck import numerical_gradient

EPS = 1e-6


def list_gradient(f, args, index, eps=EPS):
    """d f(*args) / d args[index] by central differences, for a list of floats."""
    grad = []
    for k in range(len(args[index])):
        plus, minus = [list(a) for a in args], [list(a) for a in args]
        plus[index][k] += eps
        minus[index][k] -= eps
        grad.append((f(*plus) - f(*minus)) / (2 * eps))
    return grad


def assert_close(got, expected, rtol=1e-6, atol=1e-8):
    np.testing.assert_allclose(np.asarray(got, dtype=float), expected, rtol=rtol, atol=atol)


# N-body: lists of floats, with respect to xs and vxs (arguments 0 and 2)

def nbody_expected():
    args = nbody_benchmark.ARGS
    return [list_gradient(nbody.energy, args, index) for index in (0, 2)]


def test_nbody_generated_gradient():
    args = nbody_benchmark.ARGS
    copies = [list(a) for a in args]
    value, grads = load_generated("grad_nbody").value_and_grad_energy(*args)
    assert value == nbody.energy(*args)  # the same operations in the same order
    assert [list(a) for a in args] == copies  # the caller's lists are left alone
    assert [type(g) for g in grads] == [list, list]
    for got, expected in zip(grads, nbody_expected()):
        assert_close(got, expected)


def test_nbody_hand_written_adjoint():
    args = nbody_benchmark.ARGS
    value, grads = nbody_benchmark.hand_value_and_grad(*args)
    assert value == nbody.energy(*args)
    for got, expected in zip(grads, nbody_expected()):
        assert_close(got, expected)


# RK4: three float parameters, in both forms

RK4_FORMS = {
    "annotated": (rk4.loss, "grad_rk4", "value_and_grad_loss"),
    "as_written": (rk4.loss_as_written, "grad_rk4_as_written",
                   "value_and_grad_loss_as_written"),
}


def rk4_expected(f):
    return [numerical_gradient(f, rk4_benchmark.ARGS, index) for index in range(3)]


@pytest.mark.parametrize("form", RK4_FORMS)
def test_rk4_generated_gradient(form):
    f, module, name = RK4_FORMS[form]
    args = rk4_benchmark.ARGS
    value, grads = getattr(load_generated(module), name)(*args)
    assert value == f(*args)
    assert [type(g) for g in grads] == [float] * 3
    assert_close(grads, rk4_expected(f))


@pytest.mark.parametrize("form", RK4_FORMS)
def test_rk4_generated_gradient_fewer_steps_other_start(form):
    f, module, name = RK4_FORMS[form]
    args = (1.3, 0.1, -0.4, 0.2, 0.7, 0.02, 37)
    value, grads = getattr(load_generated(module), name)(*args)
    assert value == f(*args)
    assert_close(grads, [numerical_gradient(f, args, index) for index in range(3)])


def test_rk4_hand_written_adjoint():
    value, grads = rk4_benchmark.hand_value_and_grad(*rk4_benchmark.ARGS)
    assert value == rk4.loss(*rk4_benchmark.ARGS)
    assert_close(grads, rk4_expected(rk4.loss))


# the heat equation: an array of temperatures and the diffusivity, on a small rod

def heat_small(steps=100):
    u0, alpha, target = heat_benchmark.inputs(cells=30, seed=5)
    return (u0, alpha, target, 0.1, steps)


def heat_expected(args):
    return [numerical_gradient(heat.loss, args, index) for index in (0, 1)]


def test_heat_generated_gradient():
    args = heat_small()
    u0 = args[0].copy()
    value, (du0, dalpha) = load_generated("grad_heat").value_and_grad_loss(*args)
    assert value == heat.loss(*args)
    np.testing.assert_array_equal(args[0], u0)  # u0 is left alone
    assert du0.shape == u0.shape and du0.dtype == np.float64
    expected = heat_expected(args)
    assert_close(du0, expected[0])
    assert_close(dalpha, expected[1])


def test_heat_hand_written_adjoint():
    args = heat_small()
    value, (du0, dalpha) = heat_benchmark.hand_value_and_grad(*args)
    assert value == heat.loss(*args)
    expected = heat_expected(args)
    assert_close(du0, expected[0])
    assert_close(dalpha, expected[1])


def test_heat_full_size_generated_matches_hand_written():
    args = heat_benchmark.inputs()
    value, grads = load_generated("grad_heat").value_and_grad_loss(*args)
    hand_value, hand = heat_benchmark.hand_value_and_grad(*args)
    assert value == heat.loss(*args)
    np.testing.assert_allclose(hand_value, value, rtol=1e-12)
    np.testing.assert_allclose(grads[0], hand[0], rtol=1e-9, atol=1e-12)
    assert grads[1] == pytest.approx(hand[1], rel=1e-9)
