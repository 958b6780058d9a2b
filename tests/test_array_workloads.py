"""The float32 array workloads of the benchmarks (an LSTM, a self-attention block):
their checked-in generated gradients and the benchmarks' hand-written backward passes
against central finite differences in float64, on small sizes."""

import numpy as np
import pytest

from benchmarks import attention as attention_benchmark
from benchmarks import lstm as lstm_benchmark
from benchmarks.common import load_generated
from examples import attention, lstm
from gradcheck import numerical_gradient

WORKLOADS = {
    "lstm": (lstm.loss, "grad_lstm", lstm_benchmark, 3,
             dict(steps=3, batch=2, features=3, hidden=4, vocabulary=5)),
    "attention": (attention.loss, "grad_attention", attention_benchmark, 6,
                  dict(tokens=5, features=4)),
}


def small_inputs(name, dtype, seed=3):
    f, _, benchmark, n, sizes = WORKLOADS[name]
    return benchmark.inputs(**sizes, dtype=dtype, seed=seed)


def assert_matches_finite_differences(f, args, grads, n):
    assert len(grads) == n
    for index, got in enumerate(grads):
        expected = numerical_gradient(f, args, index)
        assert got.shape == args[index].shape
        np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-8)


@pytest.mark.parametrize("name", WORKLOADS)
def test_generated_gradient_matches_finite_differences(name):
    f, module, _, n, _ = WORKLOADS[name]
    args = small_inputs(name, np.float64)
    value, grads = load_generated(module).value_and_grad_loss(*args)
    assert value == f(*args)  # the same operations in the same order
    assert_matches_finite_differences(f, args, grads, n)
    assert load_generated(module).grad_loss(*args)[0].dtype == np.float64


@pytest.mark.parametrize("name", WORKLOADS)
def test_float32_inputs_give_float32_gradients(name):
    f, module, benchmark, n, _ = WORKLOADS[name]
    args = small_inputs(name, np.float32)
    value, grads = load_generated(module).value_and_grad_loss(*args)
    assert value == f(*args)
    assert np.asarray(value).dtype == np.float32
    assert [g.dtype for g in grads] == [np.float32] * n
    hand_value, hand = benchmark.hand_value_and_grad(*args)
    assert [g.dtype for g in hand] == [np.float32] * n
    np.testing.assert_allclose(hand_value, value, rtol=1e-5)
    for got, want in zip(grads, hand):
        np.testing.assert_allclose(got, want, rtol=1e-3, atol=1e-6)


@pytest.mark.parametrize("name", WORKLOADS)
def test_hand_written_backward_matches_finite_differences(name):
    f, _, benchmark, n, _ = WORKLOADS[name]
    args = small_inputs(name, np.float64)
    value, grads = benchmark.hand_value_and_grad(*args)
    np.testing.assert_allclose(value, f(*args), rtol=1e-12)
    assert_matches_finite_differences(f, args, grads, n)


def test_lstm_sizes_come_from_the_shapes():
    """A longer, wider LSTM than the small one: still the finite differences' gradient."""
    args = lstm_benchmark.inputs(steps=6, batch=3, features=2, hidden=3, vocabulary=4,
                                 dtype=np.float64, seed=9)
    value, grads = load_generated("grad_lstm").value_and_grad_loss(*args)
    assert value == lstm.loss(*args)
    assert_matches_finite_differences(lstm.loss, args, grads, 3)
