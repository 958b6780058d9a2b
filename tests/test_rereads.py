"""What a loop reads by index from a parameter, `x[i]`, is read again in the adjoint
sweep rather than kept on the tape, also where the loop writes into arrays the
function made: those share no memory with a parameter (tape.py's `_rereadable`).
What may share memory with what the loop writes is kept.  Values and gradients
against the functions themselves and central differences, either way."""

import numpy as np
import pytest

import s2s
from golden import optimizations as opt
from gradcheck import check_gradient


def accumulate_rebound(x, w):  # (golden/optimizations.py's `rereads`, `x` rebound)
    x = x * 2.0  # no longer the caller's array
    c = np.zeros(3)
    for i in range(len(x)):
        for j in range(3):
            c[j] = c[j] + np.sin(x[i]) * w[j]
    return np.sum(c ** 2)


def reads_what_it_writes(x, w):
    y = x.copy()
    for i in range(1, len(y)):
        y[i] = y[i - 1] * w[i] + np.cos(y[i])
    return np.sum(y ** 2)


def matmul(a, b):
    c = np.zeros_like(a, shape=(a.shape[0], b.shape[1]))
    for i in range(a.shape[0]):
        for j in range(b.shape[1]):
            for k in range(a.shape[1]):
                c[i, j] += a[i, k] * b[k, j]
    return np.sum(c * c)


def _adjoint_sweep(f):
    source = s2s.source(f, wrt=(0, 1))
    return source[source.index("for", source.index("# d of: return")):]


@pytest.mark.parametrize("f, read_again, kept", [
    (opt.rereads, ["= x[i]", "= w[j]"], []),
    (accumulate_rebound, ["= w[j]"], ["= x_1[i]"]),  # (x_1: `x * 2.0`, made here)
    (reads_what_it_writes, ["= w[i]"], ["= y[t2]", "= y[i]"]),
    (matmul, ["= a[i, k]", "= b[k, j]"], []),
])
def test_reads_of_parameters_are_read_again(f, read_again, kept):
    rng = np.random.default_rng(11)
    args = ((rng.normal(size=(3, 4)), rng.normal(size=(4, 2))) if f is matmul
            else (rng.normal(size=5), rng.normal(size=5 if f is reads_what_it_writes else 3)))
    value, _ = s2s.value_and_grad(f, wrt=(0, 1))(*args)
    np.testing.assert_allclose(value, f(*args), rtol=1e-13)
    check_gradient(f, args, wrt=(0, 1))
    adjoint = _adjoint_sweep(f)
    for read in read_again:
        assert read in adjoint, (read, adjoint)
    for read in kept:
        assert read not in adjoint, (read, adjoint)


def test_an_array_that_may_be_the_callers_is_not_written():
    # `copy=False` may give `x` back: writing into it is refused, not taken for an
    # array made here (which would let the adjoint read `x[j]` after it changed)
    def no_copy(x, w):
        c = np.array(x, copy=False)
        for j in range(1, 3):
            c[j] = c[j - 1] * w[j] + x[j - 1]
        return np.sum(c ** 2)

    with pytest.raises(s2s.Unsupported, match="may share memory"):
        s2s.grad(no_copy, wrt=(0, 1))(np.ones(3), np.ones(3))
