"""Helpers for the derivative rules of linear algebra (templates/linalg.py).

Matrices may be stacked, `(..., n, n)`, wherever NumPy allows it.  Like the rest of
the runtime, every helper dispatches on its inputs, so it runs on CuPy and Dask too.
"""

import numpy

from s2s.runtime import chosen_mask, returns_new_array

__all__ = [
    "as_columns",
    "cholesky_adjoint",
    "det_adjoint",
    "eigh_adjoint",
    "kron_lhs_adjoint",
    "kron_rhs_adjoint",
    "matrix_power_adjoint",
    "norm_adjoint",
    "per_matrix",
    "solve_transposed",
    "trace_adjoint",
    "transposed",
]


def transposed(a):
    """Each matrix of the stack `a` transposed."""
    return numpy.swapaxes(a, -1, -2)


def per_matrix(g):
    """`g`, one number per matrix of a stack, shaped to scale each matrix; a number
    (one matrix) stays a number, so float32 work stays float32."""
    return g[..., None, None] if numpy.ndim(g) else g


def as_columns(x, b):
    """`x` as a stack of matrices: `solve(a, b)` with a 1-D `b` works on one column."""
    return x[..., None] if numpy.ndim(b) == 1 else x


@returns_new_array
def det_adjoint(g, z, a):
    """Adjoint of `a` in `z = det(a)`: g z a^-T (Jacobi's formula; `a` invertible)."""
    return per_matrix(g * z) * transposed(numpy.linalg.inv(a))


@returns_new_array
def solve_transposed(a, g, b):
    """a^-T g, shaped like `solve(a, b)`: the adjoint of `b` before undoing broadcasting."""
    out = numpy.linalg.solve(transposed(a), as_columns(g, b))
    return out[..., 0] if numpy.ndim(b) == 1 else out


def _tril_half_diagonal(x):
    """The lower triangle of each matrix, its diagonal halved (Murray's Phi)."""
    low = numpy.tril(x)
    return low - numpy.triu(low) * 0.5  # triu(tril(x)) is the diagonal part


@returns_new_array
def cholesky_adjoint(g, z, upper=False):
    """Adjoint of a symmetric `a` in `z = cholesky(a)`, symmetric like `a` (the
    derivative for symmetric changes of `a`): with L = z, S = L^-T Phi(L^T g) L^-1,
    the adjoint is (S + S^T) / 2 (I. Murray, arXiv:1602.07527)."""
    low, g = (transposed(z), transposed(g)) if upper else (z, g)
    low_t = transposed(low)
    phi = _tril_half_diagonal(low_t @ g)
    s = numpy.linalg.solve(low_t, transposed(numpy.linalg.solve(low_t, transposed(phi))))
    return (s + transposed(s)) * 0.5


@returns_new_array
def eigh_adjoint(gw, gv, w, v):
    """Adjoint of a symmetric `a` in `w, v = eigh(a)`, given the adjoints `gw` of the
    eigenvalues and `gv` of the eigenvectors (None: eigenvalues only).  Symmetric:
    the derivative for symmetric changes of `a`.  A pair of exactly equal
    eigenvalues gets no eigenvector term (its eigenvectors are not unique)."""
    vt = transposed(v)
    out = (v * gw[..., None, :]) @ vt  # v diag(gw) v^T
    if gv is not None:
        gap = w[..., None, :] - w[..., :, None]  # w_j - w_i
        gap = numpy.where(gap == 0, numpy.inf, gap)  # the diagonal, and exact ties
        out = out + v @ ((vt @ gv) / gap) @ vt
    return (out + transposed(out)) * 0.5


@returns_new_array
def trace_adjoint(g, a, offset=0, axis1=0, axis2=1):
    """Adjoint of `a` in `z = trace(a, offset, axis1, axis2)`: `g` along that diagonal."""
    shape = numpy.shape(a)
    ndim = len(shape)
    n, m = shape[axis1], shape[axis2]
    # numpy.eye(n, m, offset), made from aranges (Dask's eye takes other arguments)
    steps = numpy.arange(m, like=a) - numpy.arange(n, like=a)[:, None]
    diagonal = (steps == offset).astype(a.dtype)
    out = per_matrix(g) * diagonal  # z's axes, then the two traced ones
    return numpy.moveaxis(out, (-2, -1), (axis1 % ndim, axis2 % ndim))


def _kron_parts(g, a, b):
    """`g` with each of z's axes split in two (a's part, b's part), and the shapes of
    `a` and `b` padded with ones to the same rank, as `kron` does."""
    ndim = max(numpy.ndim(a), numpy.ndim(b))
    sa = (1,) * (ndim - numpy.ndim(a)) + numpy.shape(a)
    sb = (1,) * (ndim - numpy.ndim(b)) + numpy.shape(b)
    split = numpy.reshape(g, tuple(n for pair in zip(sa, sb) for n in pair))
    return split, sa, sb, ndim


@returns_new_array
def kron_lhs_adjoint(g, a, b):
    """Adjoint of `a` in `z = kron(a, b)`: each block of `g` contracted with `b`."""
    split, sa, sb, ndim = _kron_parts(g, a, b)
    b_axes = tuple(range(1, 2 * ndim, 2))
    out = numpy.tensordot(split, numpy.reshape(b, sb), axes=(b_axes, tuple(range(ndim))))
    return numpy.reshape(out, numpy.shape(a))


@returns_new_array
def kron_rhs_adjoint(g, a, b):
    """Adjoint of `b` in `z = kron(a, b)`: the blocks of `g`, weighted by `a`."""
    split, sa, sb, ndim = _kron_parts(g, a, b)
    a_axes = tuple(range(0, 2 * ndim, 2))
    out = numpy.tensordot(split, numpy.reshape(a, sa), axes=(a_axes, tuple(range(ndim))))
    return numpy.reshape(out, numpy.shape(b))


@returns_new_array
def matrix_power_adjoint(g, a, n):
    """Adjoint of `a` in `z = matrix_power(a, n)`: the sum over k of
    (a^T)^k g (a^T)^(n-1-k); through inv(a) for a negative `n`."""
    if n < 0:
        b = numpy.linalg.inv(a)
        bt = transposed(b)
        return -(bt @ matrix_power_adjoint(g, b, -n) @ bt)
    if n == 0:
        return numpy.zeros_like(a)
    at = transposed(a)
    out, power = g, at  # the sum for n = 1, and (a^T)^1
    for m in range(1, n):  # the sum for m + 1 from the sum for m: out a^T + (a^T)^m g
        out = out @ at + power @ g
        power = power @ at
    return out if n > 1 else numpy.copy(g)  # new memory, as promised


def _norm_axes(x, ord, axis):
    """The axes `norm` reduces, as a tuple of non-negative ints; None for the 2-norm
    of `x` flattened (no `ord`, no `axis`)."""
    ndim = numpy.ndim(x)
    if axis is None:
        return None if ord is None else tuple(range(ndim))
    axes = axis if isinstance(axis, tuple) else (axis,)
    return tuple(int(i) % ndim for i in axes)


def _safe(z):
    """`z` with zeros replaced by ones, to divide by: the gradient is 0 there."""
    return numpy.where(z == 0, 1, z)


def _vector_norm_derivative(x, z, ord, axes):
    """d norm / d x for vectors along `axes` (one axis; all of them for vector_norm),
    with `z` keeping the reduced axes."""
    if ord is None or ord == 2:
        return x / _safe(z)
    if ord == numpy.inf or ord == -numpy.inf:  # the largest (smallest) |x| wins, ties share
        return numpy.sign(x) * chosen_mask(numpy.abs(x), z, axes, True)
    if ord == 0:  # a count of nonzeros: piecewise constant
        return numpy.zeros_like(x)
    ratio = numpy.abs(x) / _safe(z)
    return numpy.sign(x) * _safe(ratio) ** (ord - 1)  # sign(0) = 0 where ratio was 0


def _matrix_norm_derivative(x, z, ord, axes):
    """d norm / d x for the matrices spanned by the two `axes`, `z` keeping them."""
    row, col = axes
    if ord is None or ord == "fro":
        return x / _safe(z)
    if ord in ("nuc", 2, -2):
        moved = numpy.moveaxis(x, axes, (-2, -1))
        u, s, vt = numpy.linalg.svd(moved, full_matrices=False)
        if ord == "nuc":
            out = u @ vt
        else:  # the largest (smallest) singular value: its own pair of vectors
            k = 0 if ord == 2 else -1
            out = u[..., :, k, None] * vt[..., k, None, :]
        return numpy.moveaxis(out, (-2, -1), axes)
    if ord in (1, -1, numpy.inf, -numpy.inf):  # 1: max over columns of column sums
        summed = row if ord in (1, -1) else col
        kept = col if ord in (1, -1) else row
        sums = numpy.sum(numpy.abs(x), axis=summed, keepdims=True)
        return numpy.sign(x) * chosen_mask(sums, z, kept, True)
    raise ValueError(f"no derivative for the matrix norm ord={ord!r}")


@returns_new_array
def norm_adjoint(g, x, z, ord=None, axis=None, keepdims=False, matrix=None):
    """Adjoint of `x` in `z = numpy.linalg.norm(x, ord, axis, keepdims)`.  `matrix`
    forces a vector (False) or matrix (True) norm over `axis`, for vector_norm and
    matrix_norm; otherwise two axes mean a matrix norm, as in NumPy."""
    axes = _norm_axes(x, ord, axis)
    if axes is not None and not keepdims and numpy.ndim(z):
        g, z = numpy.expand_dims(g, axes), numpy.expand_dims(z, axes)
    if matrix is None:
        matrix = axes is not None and len(axes) == 2
    if matrix:
        return g * _matrix_norm_derivative(x, z, ord, axes)
    return g * _vector_norm_derivative(x, z, ord, axes)
