"""The examples' gradients against PyTorch, a hand-written backward pass, and finite
differences."""

import numpy as np
import pytest

import s2s
from benchmarks.mlp import hand_value_and_grad, inputs
from examples import mlp, window
from gradcheck import check_gradient, strict_gradients

torch = pytest.importorskip("torch")


def torch_mlp_grads(w1, b1, w2, b2, x, y):
    params = [torch.tensor(a, requires_grad=True) for a in (w1, b1, w2, b2)]
    tx, ty = torch.tensor(x), torch.tensor(y)
    w1, b1, w2, b2 = params
    loss = torch.mean((torch.relu(tx @ w1 + b1) @ w2 + b2 - ty) ** 2)
    loss.backward()
    return loss.item(), [p.grad.numpy() for p in params]


@pytest.mark.parametrize("dtype,rtol", [(np.float64, 1e-10), (np.float32, 1e-5)])
def test_mlp_matches_pytorch(dtype, rtol):
    args = inputs(n=64, d=12, hidden=9, dtype=dtype, seed=4)
    value, grads = s2s.value_and_grad(mlp.loss, wrt=(0, 1, 2, 3))(*args)
    expected_value, expected = torch_mlp_grads(*args)
    assert value == pytest.approx(expected_value, rel=rtol)
    for got, want in zip(grads, expected):
        assert got.dtype == dtype and got.shape == want.shape
        np.testing.assert_allclose(got, want, rtol=rtol, atol=rtol * 1e-2)


def test_mlp_matches_hand_written_and_finite_differences():
    args = inputs(n=16, d=6, hidden=5, dtype=np.float64, seed=5)
    grads = s2s.grad(mlp.loss, wrt=(0, 1, 2, 3))(*args)
    for got, want in zip(grads, hand_value_and_grad(*args)[1]):
        np.testing.assert_allclose(got, want, rtol=1e-12)
    check_gradient(mlp.loss, args, wrt=(0, 1, 2, 3))


def test_mlp_float32_throughout():
    args = inputs(n=16, d=6, hidden=5, dtype=np.float32, seed=6)
    grads = strict_gradients(mlp.loss, args, wrt=(0, 1, 2, 3))
    assert [g.dtype for g in grads] == [np.float32] * 4


def test_window_score():
    rng = np.random.default_rng(7)
    W, b, u, x = rng.normal(size=(4, 5)), rng.normal(size=4), rng.normal(size=4), rng.normal(size=5)
    check_gradient(window.score, (W, b, u, x), wrt=(0, 1, 2, 3))


def rnn_inputs(dtype=np.float64, steps=5, batch=3, features=4, hidden=6, seed=8):
    rng = np.random.default_rng(seed)
    shapes = [(features, hidden), (hidden, hidden), (hidden,), (hidden, 2),
              (steps, batch, features), (steps, batch, 2)]
    return [(rng.normal(size=s) * 0.5).astype(dtype) for s in shapes]


def test_rnn_against_finite_differences_and_pytorch():
    from examples import rnn

    args = rnn_inputs()
    grads = check_gradient(rnn.loss, args, wrt=(0, 1, 2, 3))
    Wx, Wh, b, Wy = (torch.tensor(a, requires_grad=True) for a in args[:4])
    xs, ys = (torch.tensor(a) for a in args[4:])
    h = torch.zeros(xs.shape[1], Wh.shape[0], dtype=torch.float64)
    outs = []
    for t in range(xs.shape[0]):
        h = torch.tanh(xs[t] @ Wx + h @ Wh + b)
        outs.append(h @ Wy)
    torch.mean((torch.stack(outs) - ys) ** 2).backward()
    for got, param in zip(grads, (Wx, Wh, b, Wy)):
        np.testing.assert_allclose(got, param.grad.numpy(), rtol=1e-10)


def test_rnn_float32_throughout():
    from examples import rnn

    grads = strict_gradients(rnn.loss, rnn_inputs(np.float32), wrt=(0, 1, 2, 3))
    assert all(g.dtype == np.float32 for g in grads)


def test_loop_matmul_gradient_is_the_gradient_of_matmul():
    from examples.loop_matmul import matmul

    rng = np.random.default_rng(9)
    a, b, w = rng.normal(size=(3, 4)), rng.normal(size=(4, 5)), rng.normal(size=(3, 5))
    value, (da, db) = s2s.value_and_grad(matmul, wrt=(0, 1))(a, b, d_result=w)
    np.testing.assert_allclose(value, a @ b, rtol=1e-12)
    np.testing.assert_allclose(da, w @ b.T, rtol=1e-12)  # d<w, a @ b>/da
    np.testing.assert_allclose(db, a.T @ w, rtol=1e-12)
    np.testing.assert_array_equal(w, w.copy())
