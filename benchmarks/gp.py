"""A Gaussian process's negative log marginal likelihood (n = 500 points in 3-D, RBF
kernel, float64) and its gradient in the log lengthscale, log signal variance and log
noise variance: s2s's gradient of it as a NumPy user writes it (numpy.linalg.cholesky,
then two solves; the `s2s` row, and the same with the runtime's NumPy-only path, as
where SciPy is not installed) and as a SciPy user writes it (scipy.linalg.cho_factor and
cho_solve), against a hand-written gradient that uses cho_solve, and the peers that are
installed, each written as its users write it.  Needs SciPy."""

import math

import numpy as np

import s2s
import s2s.runtime.linalg

from .common import HAND, PRIMAL, S2S, Result, interleaved, jit_compile_notes, peer

try:
    import scipy.linalg
except ImportError:  # (the module still imports, for `python -m benchmarks --help`)
    scipy = None

S2S_SCIPY = "s2s, SciPy-written"  # the row of nlml_scipy's gradient
S2S_NUMPY_ONLY = "s2s, without SciPy"  # nlml's, where the runtime cannot import SciPy
LOG_2PI = math.log(2 * math.pi)


def nlml(log_lengthscale, log_variance, log_noise, x, y):
    """The negative log marginal likelihood, as a NumPy user writes it (Rasmussen and
    Williams, algorithm 2.1)."""
    sq = np.sum(x**2, axis=1)
    d2 = sq[:, None] + sq[None, :] - 2.0 * x @ x.T
    k = np.exp(log_variance) * np.exp(-0.5 * d2 / np.exp(2.0 * log_lengthscale))
    k = k + np.exp(log_noise) * np.eye(len(y))
    chol = np.linalg.cholesky(k)
    alpha = np.linalg.solve(chol.T, np.linalg.solve(chol, y))
    return 0.5 * y @ alpha + np.sum(np.log(np.diag(chol))) + 0.5 * len(y) * LOG_2PI


def nlml_scipy(log_lengthscale, log_variance, log_noise, x, y):
    """The same, as a SciPy user writes it."""
    sq = np.sum(x**2, axis=1)
    d2 = sq[:, None] + sq[None, :] - 2.0 * x @ x.T
    k = np.exp(log_variance) * np.exp(-0.5 * d2 / np.exp(2.0 * log_lengthscale))
    k = k + np.exp(log_noise) * np.eye(len(y))
    factor = scipy.linalg.cho_factor(k, lower=True)
    alpha = scipy.linalg.cho_solve(factor, y)
    return 0.5 * y @ alpha + np.sum(np.log(np.diag(factor[0]))) + 0.5 * len(y) * LOG_2PI


def hand_value_and_grad(log_lengthscale, log_variance, log_noise, x, y):
    """What a careful person writes: d nlml / d theta = tr(W dK/dtheta) / 2, with
    W = K^-1 - alpha alpha^T, K^-1 by cho_solve."""
    n = len(y)
    sq = np.sum(x**2, axis=1)
    d2 = sq[:, None] + sq[None, :] - 2.0 * x @ x.T
    lengthscale2, noise = math.exp(2.0 * log_lengthscale), math.exp(log_noise)
    kf = math.exp(log_variance) * np.exp(-0.5 * d2 / lengthscale2)
    factor = scipy.linalg.cho_factor(kf + noise * np.eye(n), lower=True)
    alpha = scipy.linalg.cho_solve(factor, y)
    value = 0.5 * y @ alpha + np.sum(np.log(np.diag(factor[0]))) + 0.5 * n * LOG_2PI
    w = scipy.linalg.cho_solve(factor, np.eye(n)) - np.outer(alpha, alpha)
    wkf = w * kf  # dK/dlog_variance = kf, dK/dlog_lengthscale = kf d2 / lengthscale^2
    grads = (0.5 * np.sum(wkf * d2) / lengthscale2, 0.5 * np.sum(wkf), 0.5 * noise * np.trace(w))
    return value, grads


def inputs(n=500, features=3, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.uniform(-2.0, 2.0, size=(n, features))
    y = np.sin(x @ np.array([1.0, -0.5, 0.3])) + 0.1 * rng.normal(size=n)
    return (math.log(0.8), math.log(1.3), math.log(0.05), x, y)


def _without_scipy(gradient, args):
    """`gradient(*args)` with the runtime's NumPy path, as where SciPy is not installed."""
    saved = s2s.runtime.linalg._scipy_linalg
    s2s.runtime.linalg._scipy_linalg = lambda: None
    try:
        return gradient(*args)
    finally:
        s2s.runtime.linalg._scipy_linalg = saved


def candidates(args):
    params, (x, y) = args[:3], args[3:]
    n = len(y)
    runs = {
        PRIMAL: lambda: nlml(*args),
        HAND: lambda: hand_value_and_grad(*args),
        S2S: lambda: s2s.value_and_grad(nlml, wrt=(0, 1, 2))(*args),
        S2S_NUMPY_ONLY: lambda: _without_scipy(s2s.value_and_grad(nlml, wrt=(0, 1, 2)), args),
    }
    try:
        scipy_gradient = s2s.value_and_grad(nlml_scipy, wrt=(0, 1, 2))
        scipy_gradient(*args)
    except s2s.S2SError:  # (an s2s without rules for scipy.linalg)
        pass
    else:
        runs[S2S_SCIPY] = lambda: scipy_gradient(*args)
    torch, jax, autograd = peer("torch"), peer("jax"), peer("autograd")
    if torch is not None:
        tx, ty = torch.from_numpy(x), torch.from_numpy(y)
        tparams = [torch.tensor(p, dtype=torch.float64, requires_grad=True) for p in params]

        def torch_eager():
            log_lengthscale, log_variance, log_noise = tparams
            for p in tparams:
                p.grad = None
            sq = torch.sum(tx**2, dim=1)
            d2 = sq[:, None] + sq[None, :] - 2.0 * tx @ tx.T
            k = torch.exp(log_variance) * torch.exp(-0.5 * d2 / torch.exp(2.0 * log_lengthscale))
            k = k + torch.exp(log_noise) * torch.eye(n, dtype=torch.float64)
            chol = torch.linalg.cholesky(k)
            alpha = torch.cholesky_solve(ty[:, None], chol)[:, 0]
            loss = 0.5 * ty @ alpha + torch.sum(torch.log(torch.diagonal(chol))) + 0.5 * n * LOG_2PI
            loss.backward()
            return loss

        runs["PyTorch eager"] = torch_eager
    if jax is not None:
        jnp = jax.numpy

        def jax_nlml(log_lengthscale, log_variance, log_noise, x, y):
            sq = jnp.sum(x**2, axis=1)
            d2 = sq[:, None] + sq[None, :] - 2.0 * x @ x.T
            k = jnp.exp(log_variance) * jnp.exp(-0.5 * d2 / jnp.exp(2.0 * log_lengthscale))
            k = k + jnp.exp(log_noise) * jnp.eye(len(y))
            factor = jax.scipy.linalg.cho_factor(k, lower=True)
            alpha = jax.scipy.linalg.cho_solve(factor, y)
            return 0.5 * y @ alpha + jnp.sum(jnp.log(jnp.diag(factor[0]))) + 0.5 * len(y) * LOG_2PI

        jx, jy = jnp.asarray(x), jnp.asarray(y)
        eager = jax.value_and_grad(jax_nlml, argnums=(0, 1, 2))
        jitted = jax.jit(eager)
        runs["JAX eager"] = lambda: jax.block_until_ready(eager(*params, jx, jy))
        runs["JAX jit"] = lambda: jax.block_until_ready(jitted(*params, jx, jy))
    if autograd is not None:
        anp = autograd.numpy

        def autograd_nlml(params, x, y):
            log_lengthscale, log_variance, log_noise = params
            sq = anp.sum(x**2, axis=1)
            d2 = sq[:, None] + sq[None, :] - 2.0 * anp.dot(x, x.T)
            k = anp.exp(log_variance) * anp.exp(-0.5 * d2 / anp.exp(2.0 * log_lengthscale))
            k = k + anp.exp(log_noise) * anp.eye(len(y))
            chol = anp.linalg.cholesky(k)
            alpha = anp.linalg.solve(chol.T, anp.linalg.solve(chol, y))
            log_det = 2.0 * anp.sum(anp.log(anp.diag(chol)))
            return 0.5 * (anp.dot(y, alpha) + log_det + len(y) * LOG_2PI)

        value_and_grad = autograd.value_and_grad(autograd_nlml)
        runs["autograd"] = lambda: value_and_grad(params, x, y)
    return runs


def check(args, runs):
    """s2s and every peer agree with the hand-written gradient before anything is timed."""
    value, expected = hand_value_and_grad(*args)
    for label in (S2S, S2S_NUMPY_ONLY, S2S_SCIPY, "JAX jit", "autograd"):
        if label in runs:
            got_value, got = runs[label]()
            assert abs(float(got_value) - value) < 1e-8 * abs(value), (label, got_value, value)
            np.testing.assert_allclose([float(g) for g in got], expected, rtol=1e-7, err_msg=label)


def main(repeats=15, quick=False):
    if scipy is None:
        raise SystemExit("benchmarks/gp.py: the hand-written gradient needs SciPy")
    args = inputs(n=200 if quick else 500)
    runs = candidates(args)
    check(args, runs)
    medians = interleaved(runs, repeats)
    notes = jit_compile_notes(runs)
    return Result(f"Gaussian process likelihood (n={len(args[4])}, RBF kernel, float64)", medians,
                  notes, goal=1.3)
