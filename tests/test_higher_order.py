"""Derivatives of derivatives: s2s differentiates the code it writes.  Hessian-vector
products (forward over reverse) against finite differences of gradients; gradients
of gradients (reverse over reverse) of scalar functions; Hessians; Jacobians by
forward and by reverse mode; the CLI's --mode hvp; Newton's method."""

import subprocess
import sys

import black
import numpy as np
import pytest

import s2s
from benchmarks.mlp import inputs as mlp_inputs
from benchmarks.rnn import inputs as rnn_inputs
from examples import mlp, newton, pendulum, recursion, rnn

rng = np.random.default_rng(91)


def gradient_difference(f, args, index, v, eps=1e-6):
    """The derivative of `f`'s gradient (in argument `index`) along v, by central
    differences of s2s's gradients (themselves checked against finite differences)."""
    grad = s2s.grad(f, wrt=index)
    plus, minus = list(args), list(args)
    plus[index] = args[index] + eps * v
    minus[index] = args[index] - eps * v
    return (np.asarray(grad(*plus)) - np.asarray(grad(*minus))) / (2 * eps)


def quadratic_form(x, a):
    return x @ (a @ x) * 0.5 + np.sum(np.sin(x) * x)


def branches_and_loop(x, n):
    s = 0.0
    for i in range(n):
        if i % 2 == 0:
            s = s + np.sum(np.tanh(x * s + x))
        else:
            s = s * 0.5 + np.sum(x * x) * 0.1
    return s


def written_buffer(x):
    y = np.zeros(len(x))
    for i in range(1, len(x)):
        y[i] = y[i - 1] * 0.5 + np.exp(x[i] * x[i - 1])
    return np.sum(y * y)


def window_sums(x, k):
    out = np.zeros(2)
    for i in range(2):
        out[i] = np.sum(x[i:i + k])
    return out


def windows_of_a_callee(x):
    # the callee's slice bound `i + k` is kept on the tape: the gradient pops it as a
    # statement of its own, which forward mode over the gradient can mirror
    return np.sum(window_sums(x, 2) ** 2)


@pytest.mark.parametrize(
    "f, args",
    [(quadratic_form, lambda: (rng.normal(size=4), rng.normal(size=(4, 4)))),
     (branches_and_loop, lambda: (rng.normal(size=3) * 0.5, 5)),
     (written_buffer, lambda: (rng.normal(size=4) * 0.5,)),
     (windows_of_a_callee, lambda: (rng.normal(size=3),))],
    ids=lambda v: getattr(v, "__name__", ""),
)
def test_hvp_against_differences_of_gradients(f, args):
    args = args()
    v = rng.normal(size=np.shape(args[0]))
    got = s2s.hvp(f)(*args, v)
    np.testing.assert_allclose(got, gradient_difference(f, args, 0, v), rtol=1e-6, atol=1e-8)


def assert_hvp_in_the_first_four_parameters(f, args, eps=1e-6):
    """s2s's Hessian-vector product of `f` in its first four parameters against
    central differences of its gradients."""
    vs = tuple(rng.normal(size=np.shape(a)) for a in args[:4])
    got = s2s.hvp(f, wrt=(0, 1, 2, 3))(*args, vs)
    grad = s2s.grad(f, wrt=(0, 1, 2, 3))
    plus = [a + eps * v for a, v in zip(args[:4], vs)] + list(args[4:])
    minus = [a - eps * v for a, v in zip(args[:4], vs)] + list(args[4:])
    for g, p, m in zip(got, grad(*plus), grad(*minus)):
        np.testing.assert_allclose(g, (p - m) / (2 * eps), rtol=1e-5, atol=1e-7)


def test_hvp_of_the_mlp_in_every_parameter():
    assert_hvp_in_the_first_four_parameters(
        mlp.loss, mlp_inputs(n=12, d=4, hidden=5, dtype=np.float64, seed=2))


def test_hvp_of_the_rnn_through_its_gradients_parts_written_in_place():
    # the gradient writes the readout's adjoint into `dh[1:]` (`out=`): forward mode
    # over it differentiates what that call returns
    assert "out=dh[1:]" in s2s.source(rnn.loss, wrt=(0, 1, 2, 3))
    assert_hvp_in_the_first_four_parameters(
        rnn.loss, rnn_inputs(steps=5, batch=3, features=2, hidden=4, outputs=2,
                             dtype=np.float64))


def test_hvp_through_recursion_and_scalar_loops():
    # recursion: the generated gradient calls forward_ and adjoint_ functions
    got = s2s.hvp(recursion.iterate)(0.3, 1.7, 6, 1.0)
    np.testing.assert_allclose(got, gradient_difference(recursion.iterate, (0.3, 1.7, 6), 0, 1.0),
                               rtol=1e-6)
    # a loop of scalar code, with keyword arguments; two parameters
    grad = s2s.grad(pendulum.energy, wrt=(0, 1))
    got = s2s.hvp(pendulum.energy, wrt=(0, 1))(0.4, 0.1, 2.0, (1.0, -0.5), steps=50)
    eps = 1e-6
    plus = grad(0.4 + eps, 0.1 - 0.5 * eps, 2.0, steps=50)
    minus = grad(0.4 - eps, 0.1 + 0.5 * eps, 2.0, steps=50)
    for g, p, m in zip(got, plus, minus):
        np.testing.assert_allclose(g, (p - m) / (2 * eps), rtol=1e-6)


def scalar(x, y):
    return x * x * y + np.sin(x * y) / (1.0 + y * y)


def scalar_loop(x, n):
    s = x
    for i in range(n):
        s = np.sin(s) * x + s * 0.5
    return s


@pytest.mark.parametrize("f, args, index", [(scalar, (0.7, 1.3), 0), (scalar, (0.7, 1.3), 1),
                                            (scalar_loop, (0.6, 4), 0)],
                         ids=["scalar-x", "scalar-y", "loop"])
def test_grad_of_grad_of_scalar_functions(f, args, index):
    second = s2s.grad(s2s.grad(f, wrt=index), wrt=index)(*args)
    expected = gradient_difference(f, args, index, 1.0)
    np.testing.assert_allclose(second, expected, rtol=1e-6)
    if f is scalar:  # and mixed: d/dy of d/dx
        mixed = s2s.grad(s2s.grad(f, wrt=0), wrt=1)(*args)
        np.testing.assert_allclose(mixed, _mixed_difference(f, args), rtol=1e-6)


def _mixed_difference(f, args, eps=1e-6):
    """d/dy of s2s's df/dx, by central differences."""
    dfdx = s2s.grad(f, wrt=0)
    x, y = args
    return (dfdx(x, y + eps) - dfdx(x, y - eps)) / (2 * eps)


def helper(x, a):
    return np.sin(x * a) + x * x


def calls_a_helper(x, a):
    return helper(x, a) * helper(a, x)


@pytest.mark.parametrize("f, args", [(recursion.iterate, (0.3, 1.7, 6)),
                                     (calls_a_helper, (0.4, 1.2))],
                         ids=["recursion", "calls"])
def test_grad_of_grad_through_calls_and_recursion(f, args):
    # the gradient passes its tape to forward_g and adjoint_g, which append to it and
    # pop from it: differentiated again, they share the tape's adjoint with the caller
    second = s2s.grad(s2s.grad(f))(*args)
    np.testing.assert_allclose(second, gradient_difference(f, args, 0, 1.0), rtol=1e-6)
    np.testing.assert_allclose(s2s.hvp(f)(*args, 1.0), second, rtol=1e-10)


def test_jvp_of_grad_is_the_hvp():
    x, a = rng.normal(size=3), rng.normal(size=(3, 3))
    v = rng.normal(size=3)
    _, tangent = s2s.jvp(s2s.grad(quadratic_form))(x, a, v)
    np.testing.assert_allclose(tangent, s2s.hvp(quadratic_form)(x, a, v), rtol=1e-12)


def test_hessian_is_symmetric_and_matches_differences():
    x, a = rng.normal(size=3), rng.normal(size=(3, 3))
    h = s2s.hessian(quadratic_form)(x, a)
    assert h.shape == (3, 3)
    np.testing.assert_allclose(h, h.T, rtol=1e-10, atol=1e-12)
    for i in range(3):
        e = np.eye(3)[i]
        np.testing.assert_allclose(h[:, i], gradient_difference(quadratic_form, (x, a), 0, e),
                                   rtol=1e-6, atol=1e-8)


def test_hessian_blocks_for_two_parameters():
    blocks = s2s.hessian(scalar, wrt=(0, 1))(0.7, 1.3)
    np.testing.assert_allclose(blocks[0][1], blocks[1][0], rtol=1e-10)
    np.testing.assert_allclose(blocks[1][1], gradient_difference(scalar, (0.7, 1.3), 1, 1.0),
                               rtol=1e-6)


def tall(x):
    return np.concatenate([np.sin(x), x * x, np.cumsum(x)])


def wide(x):
    return np.array([np.sum(x * x), np.prod(x)])


@pytest.mark.parametrize("f, n", [(tall, 3), (wide, 5)], ids=["forward", "reverse"])
def test_jacobian_by_either_mode(f, n):
    x = rng.normal(size=n)
    j = s2s.jacobian(f)(x)
    eps = 1e-6
    expected = np.stack([(f(x + eps * e) - f(x - eps * e)) / (2 * eps) for e in np.eye(n)], -1)
    assert j.shape == np.shape(f(x)) + (n,)
    np.testing.assert_allclose(j, expected, rtol=1e-6, atol=1e-8)


def test_cli_hvp_mode(tmp_path):
    (tmp_path / "model.py").write_text(
        "import numpy as np\n\n\ndef loss(w, x):\n    return np.sum(np.tanh(x @ w) ** 2)\n"
    )
    out = subprocess.run(
        [sys.executable, "-m", "s2s", "differentiate", "model.loss", "--mode", "hvp"],
        cwd=tmp_path, capture_output=True, text=True,
    )
    assert out.returncode == 0, out.stderr
    text = out.stdout
    assert "--mode hvp" in text and "def hvp_loss(w, x, v):" in text
    assert black.format_str(text, mode=black.Mode()) == text
    namespace = {}
    exec(compile(text, "hvp_loss.py", "exec"), namespace)
    w, x, v = rng.normal(size=3), rng.normal(size=(5, 3)), rng.normal(size=3)

    def loss(w, x):
        return np.sum(np.tanh(x @ w) ** 2)

    got = namespace["hvp_loss"](w, x, v)
    np.testing.assert_allclose(got, s2s.hvp(loss)(w, x, v), rtol=1e-12)
    np.testing.assert_allclose(namespace["grad_loss"](w, x), s2s.grad(loss)(w, x), rtol=1e-12)


def test_newton_converges():
    x, y = newton.data(n=80, features=3, seed=1)
    for method in (newton.newton, newton.newton_cg):
        w, history = method(np.zeros(3), x, y, 1e-2, steps=6)
        assert history[-1] < 1e-8 * history[0]  # quadratic convergence


def dict_writes(x):
    d = {}
    d["a"] = x * x
    d["b"] = np.sin(x)
    d["a"] = d["a"] * d["b"]
    return np.sum(d["a"] + d["b"])


def test_hvp_through_dict_writes():
    # the gradient saves and restores the dict's items (saved_item, restore_item)
    x, v = rng.normal(size=3), rng.normal(size=3)
    expected = gradient_difference(dict_writes, (x,), 0, v)
    np.testing.assert_allclose(s2s.hvp(dict_writes)(x, v), expected, rtol=1e-6, atol=1e-8)
