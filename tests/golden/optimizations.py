"""One function per optimization of the generated code (s2s/optimize.py and the
passes before it), each pinned by a golden file tests/golden/grad_opt_<name>.py and
checked by tests/test_optimizations.py."""

import math

import numpy as np


def dead_code(x, w):
    """The diagnostic `norm` reaches nothing: neither it nor an adjoint of it is
    computed in the gradient; `w`'s adjoint reaches only `x`'s."""
    norm = np.linalg.norm(x)
    scaled = x * w
    return np.sum(np.sin(scaled))


def copies(x):
    """`y = x`, `z = y`: one adjoint, no `dy = dz` copies."""
    y = x
    z = y
    return np.sum(z * z)


def constants(x):
    """`x ** (3 - 1)` folds to `x ** 2`; multiplying by 1 disappears."""
    return np.sum(x ** (3 - 1) * 1.0 + 2.0 * 3.0 * x)


def first_write(x):
    """Each adjoint is assigned where its first contribution is made, not zeroed
    first and added to."""
    a = np.sin(x)
    b = np.cos(x)
    return np.sum(a * b)


def tape(x, n: int):
    """The loop saves only what its adjoint reads: `np.sin(h)`'s argument, not the
    sum `h + c` nor `c`, which changes only outside the loop."""
    c = np.cos(x)
    h = x
    for i in range(n):
        h = np.sin(h) + c
    return np.sum(h)


def shapes_on_the_tape(x, w, u, n: int):
    """The adjoint reads the sum's operands (two matrix products) only for their
    shapes: the tape keeps `shape_of` them, not the arrays."""
    h = np.zeros_like(x @ w)
    for i in range(n):
        h = np.tanh(x @ w + h @ u)
    return np.sum(h)


def broadcast(x, b):
    """A mean's adjoint is one array of `x`'s shape, not a zero array plus a sum."""
    return np.mean(x + b)


def scalars(theta: float, k: float):
    """Numbers (annotated, and `math` results) take plain arithmetic: no helper calls."""
    s = math.sin(theta)
    return k * s * s + theta / k


def parts_in_place(x, w, v, n: int):
    """The readout `h[1:] @ v` is the first contribution to `h`'s adjoint: the matrix
    product's adjoint is written straight into `dh[1:]`, and only `dh[0]` is zeroed."""
    h = np.zeros((n + 1,) + x.shape)
    h[0] = x
    for t in range(n):
        h[t + 1] = np.tanh(h[t] @ w)
    return np.sum(h[1:] @ v)


def rows_of_one_shape(x, k: float, n: int):
    """Each value written into a row of `y` (an array made here) is computed
    elementwise from rows of `y` and numbers: it has the row's shape, so its adjoint
    is the row's own, without `unbroadcast`."""
    y = np.zeros((n + 1,) + x.shape)
    y[0] = x
    for t in range(n):
        y[t + 1] = y[t] + 0.1 * np.sin(y[t] * k)
    return np.sum(y[n] ** 2)


def stencil(u0, alpha, dt=0.1, steps=3):
    """An explicit heat step as people write it: `du`, a new array each step, and
    `u[1:-1]` updated from slices of `u`.  Nothing is saved of either (the adjoint
    reads no value of `u` or `du`: the steps are linear in them), `u[1:-1]`'s adjoint
    is passed on as it is, `-2 * ...` is one product, and, given numbers for `alpha`
    and `dt`, no broadcasting is undone between the slices."""
    u = u0.copy()
    for _ in range(steps):
        du = np.zeros_like(u)
        du[1:-1] = alpha * (u[2:] - 2 * u[1:-1] + u[:-2])
        u[1:-1] = u[1:-1] + dt * du[1:-1]
    return np.sum(u**2)


def rereads(x, w):
    """What the loop reads of its parameters, `x[i]` and `w[j]`, is read again in the
    adjoint sweep, not kept: the loop writes only into `c`, an array the function
    made, which shares no memory with them."""
    c = np.zeros(3)
    for i in range(len(x)):
        for j in range(3):
            c[j] = c[j] + np.sin(x[i]) * w[j]
    return np.sum(c**2)
