"""One generated module for NumPy, CuPy and Dask arrays.

The examples' gradients run on chunked Dask arrays on the local scheduler: they stay
lazy Dask arrays (a scheduler that refuses to run proves nothing is computed while
the gradient is built) and equal NumPy's.  Code written against `dask.array`, or with
`xp = s2s.array_namespace(x)`, differentiates too.  CuPy runs where a GPU exists."""

import os
import sys

import numpy as np
import pytest

import s2s

da = pytest.importorskip("dask.array")
import dask  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from examples import logistic_dask, mlp, rnn, window  # noqa: E402

rng = np.random.default_rng(71)


def refuse(*args, **kwargs):
    raise AssertionError("a Dask array was computed while the gradient was built")


def lazily(f, wrt, args, chunked):
    """s2s's gradient of `f` with the arguments at `chunked` as Dask arrays: built
    without computing anything, then computed."""
    args = [da.from_array(a, chunks=2) if i in chunked else a for i, a in enumerate(args)]
    with dask.config.set(scheduler=refuse):
        grads = s2s.grad(f, wrt=wrt)(*args)
    grads = grads if isinstance(grads, tuple) else (grads,)
    assert all(isinstance(g, da.Array) for g in grads)
    return dask.compute(*grads)


EXAMPLES = {
    "mlp": (mlp.loss, (0, 1, 2, 3), [(4, 5), (5,), (5, 1), (1,), (6, 4), (6, 1)], {4, 5}),
    "window": (window.score, (0, 1, 2), [(3, 4), (3,), (3,), (4,)], {0, 3}),
    "rnn": (rnn.loss, (0, 1, 2, 3), [(2, 5), (5, 5), (5,), (5, 2), (4, 3, 2), (4, 3, 2)], {4, 5}),
    "logistic": (logistic_dask.loss, (0, 1), [(4,), (), (10, 4), (10,)], {2, 3}),
}


@pytest.mark.parametrize("name", list(EXAMPLES))
def test_examples_on_dask_arrays(name):
    f, wrt, shapes, chunked = EXAMPLES[name]
    args = [rng.normal(size=s) if s else 0.3 for s in shapes]
    expected = s2s.grad(f, wrt=wrt)(*args)
    got = lazily(f, wrt, args, chunked)
    for g, e in zip(got, expected):
        np.testing.assert_allclose(g, e, rtol=1e-12, atol=1e-14)


def with_namespace(w, x):
    xp = s2s.array_namespace(x)
    h = xp.tanh(x @ w)
    return xp.sum(h * h + xp.zeros_like(h)) / xp.sqrt(2.0)


def with_dask_module(w, x):
    return da.sum(da.tanh(x @ w) ** 2)


def test_code_written_for_an_array_namespace():
    w, x = rng.normal(size=(3, 2)), rng.normal(size=(5, 3))
    expected = s2s.grad(with_namespace)(w, x)
    (got,) = lazily(with_namespace, 0, [w, x], {1})
    np.testing.assert_allclose(got, expected, rtol=1e-12)
    (got,) = lazily(with_dask_module, 0, [w, x], {1})
    np.testing.assert_allclose(got, expected * np.sqrt(2.0), rtol=1e-12)
    assert s2s.array_namespace(np.ones(2)) is np
    assert s2s.array_namespace(1.0, da.ones(2)) is da


def test_the_dask_example_runs(capsys):
    logistic_dask.main()
    assert "largest difference from NumPy" in capsys.readouterr().out


def test_cupy_arrays_stay_on_the_gpu():
    cupy = pytest.importorskip("cupy")
    try:
        cupy.cuda.runtime.getDeviceCount()
    except Exception:
        pytest.skip("no GPU")
    f, wrt, shapes, _ = EXAMPLES["mlp"]
    args = [rng.normal(size=s) for s in shapes]
    expected = s2s.grad(f, wrt=wrt)(*args)
    got = s2s.grad(f, wrt=wrt)(*[cupy.asarray(a) for a in args])
    for g, e in zip(got, expected):
        assert isinstance(g, cupy.ndarray)
        np.testing.assert_allclose(cupy.asnumpy(g), e, rtol=1e-10)


def gather(x, w, index):
    return np.sum(x[index] * w) + np.sum(x[index[:2], 1]) + np.sum(np.take(x, index, axis=0))


def test_index_arrays_that_repeat_positions_on_dask():
    """The adjoint of `x[index]` adds at repeated positions (NumPy's add.at, which
    Dask lacks, runs as one lazy task)."""
    x, index = rng.normal(size=(5, 2)), np.array([0, 3, 0, 4, 3])
    w = rng.normal(size=(5, 2))
    expected = s2s.grad(gather)(x, w, index)
    (got,) = lazily(gather, 0, [x, w, index], {0})
    np.testing.assert_allclose(got, expected, rtol=1e-12)


def test_code_written_against_cupy_takes_numpys_rules(monkeypatch, tmp_path):
    """`import cupy as cp; cp.tanh(...)`: s2s reads CuPy's functions as NumPy's. (A
    stand-in module named cupy, whose functions are NumPy's, runs it on the CPU.)"""
    import types

    fake = types.ModuleType("cupy")
    for name in ("tanh", "sum", "exp"):
        setattr(fake, name, getattr(np, name))
    monkeypatch.setitem(sys.modules, "cupy", fake)
    (tmp_path / "on_gpu.py").write_text(
        "import cupy as cp\n\n\ndef loss(w, x):\n    return cp.sum(cp.tanh(x @ w) * cp.exp(w[0]))\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    import on_gpu

    w, x = rng.normal(size=3), rng.normal(size=(4, 3))
    h = np.tanh(x @ w)
    expected = x.T @ ((1 - h * h) * np.exp(w[0]))
    expected[0] += np.sum(h) * np.exp(w[0])
    np.testing.assert_allclose(s2s.grad(on_gpu.loss)(w, x), expected, rtol=1e-12)


def dask_gradient(x):
    return np.sum(np.gradient(x, 0.5, axis=0) ** 2)


def dask_cov(x):
    return np.sum(np.cov(x) ** 2)


def dask_nanvar(x):
    return np.sum(np.nanvar(x, axis=0))


def dask_rot90(x):
    return np.sum(np.rot90(x) * x.T)


def dask_delete(x):
    return np.sum(np.delete(x, [1], axis=0) ** 2)


def dask_insert(x):
    return np.sum(np.insert(x, 1, x[0], axis=0) ** 2)


@pytest.mark.parametrize(
    "f", [dask_gradient, dask_cov, dask_nanvar, dask_rot90, dask_delete, dask_insert],
    ids=lambda f: f.__name__,
)
def test_rules_keep_dask_gradients_lazy(f):
    """(Where Dask lacks a function, np.trapezoid or np.linalg.pinv say, Dask itself
    computes it with NumPy, lazily or not.)"""
    x = rng.normal(size=(6, 4))
    (got,) = lazily(f, 0, [x], {0})
    np.testing.assert_allclose(got, s2s.grad(f)(x), rtol=1e-10)
