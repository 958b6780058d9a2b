"""Helpers for the derivative rules of linear algebra (templates/linalg.py).

Matrices may be stacked, `(..., n, n)`, wherever NumPy allows it.  Like the rest of
the runtime, every helper dispatches on its inputs, so it runs on CuPy and Dask too.
"""

import functools

import numpy

from s2s.runtime import check, chosen_mask, items_like, linear_in, returns_new_array

__all__ = [
    "as_columns",
    "cholesky_adjoint",
    "det_adjoint",
    "eigh_adjoint",
    "kron_lhs_adjoint",
    "kron_rhs_adjoint",
    "lstsq_adjoints",
    "multi_dot_parts",
    "pinv_adjoint",
    "qr_adjoint",
    "svd_adjoint",
    "tensorinv_adjoint",
    "tensorsolve_adjoints",
    "matrix_power_adjoint",
    "norm_adjoint",
    "per_matrix",
    "solve_transposed",
    "trace_adjoint",
    "triangular_solve",
    "transposed",
    "cholesky_tangent",
    "eigh_tangent",
    "eigvalsh_tangent",
    "matrix_power_tangent",
    "matrix_trace",
    "multi_dot_tangent",
    "norm_tangent",
    "pinv_tangent",
    "qr_tangent",
    "record_like",
    "residuals_tangent",
    "solve_columns",
    "svd_tangent",
    "tensorinv_tangent",
    "tensorsolve_tangent",
    "matrix_power_adjoint_tangent",
    "multi_dot_parts_tangent",
    "norm_adjoint_tangent",
]


@linear_in("a")
def transposed(a):
    """Each matrix of the stack `a` transposed."""
    return numpy.swapaxes(a, -1, -2)


@linear_in("g")
def per_matrix(g):
    """`g`, one number per matrix of a stack, shaped to scale each matrix; a number
    (one matrix) stays a number, so float32 work stays float32."""
    return g[..., None, None] if numpy.ndim(g) else g


@linear_in("x")
def as_columns(x, b):
    """`x` as a stack of matrices: `solve(a, b)` with a 1-D `b` works on one column."""
    return x[..., None] if numpy.ndim(b) == 1 else x


@returns_new_array
def det_adjoint(g, z, a):
    """Adjoint of `a` in `z = det(a)`: g z a^-T (Jacobi's formula; `a` invertible)."""
    return per_matrix(g * z) * transposed(numpy.linalg.inv(a))


# SciPy's triangular solve takes a third of the time of the LU solve numpy.linalg.solve
# runs, from about this many rows on (below, SciPy's call costs more than it saves)
SCIPY_FROM = 32


@functools.cache
def _scipy_linalg():
    """scipy.linalg, or None where SciPy (which s2s does not require) is not installed."""
    try:
        import scipy.linalg
    except ImportError:
        return None
    return scipy.linalg


def _scipy_solves(a, b):
    """Whether SciPy's triangular solve is the faster for `a` and `b`: one NumPy matrix
    of at least SCIPY_FROM rows and a vector or matrix, where SciPy is installed."""
    return (
        type(a) is numpy.ndarray and type(b) is numpy.ndarray and a.ndim == 2
        and b.ndim <= 2 and a.shape[0] >= SCIPY_FROM and _scipy_linalg() is not None
    )


@returns_new_array
def triangular_solve(a, b, lower=False):
    """a^-1 b for a triangular `a` (zero off its upper triangle, or its lower one where
    `lower`), as numpy.linalg.solve gives it (`b` a vector, a matrix or a stack of them
    like `a`): by SciPy's solve_triangular where _scipy_solves says it is faster, else
    by numpy.linalg.solve.  (Non-finite values give NaN as NumPy's do, not an error.)"""
    if _scipy_solves(a, b):
        return _scipy_linalg().solve_triangular(a, b, lower=lower, check_finite=False)
    return numpy.linalg.solve(a, b)


def _lower_or_upper(a):
    """True where `a` is lower triangular, False where it is upper triangular (and not
    lower), None where it is neither, or too small or not NumPy's for SciPy to solve
    with faster (the corners answer for a full matrix at once)."""
    if not _scipy_solves(a, a):
        return None
    if a[0, -1] == 0 and not numpy.any(numpy.triu(a, 1)):
        return True
    if a[-1, 0] == 0 and not numpy.any(numpy.tril(a, -1)):
        return False
    return None


@returns_new_array
def solve_transposed(a, g, b):
    """a^-T g, shaped like `solve(a, b)`: the adjoint of `b` before undoing broadcasting.
    For a triangular `a` (`solve(L, b)` for a Cholesky factor L), a triangular solve,
    where factorizing `a` again would cost O(n^3)."""
    lower = _lower_or_upper(a)
    if lower is None:
        out = numpy.linalg.solve(transposed(a), as_columns(g, b))
    else:
        out = triangular_solve(transposed(a), as_columns(g, b), not lower)
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
    s = triangular_solve(low_t, transposed(triangular_solve(low_t, transposed(phi))))
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
@linear_in("g")
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
@linear_in("g", "b", each=True)
def kron_lhs_adjoint(g, a, b):
    """Adjoint of `a` in `z = kron(a, b)`: each block of `g` contracted with `b`."""
    split, sa, sb, ndim = _kron_parts(g, a, b)
    b_axes = tuple(range(1, 2 * ndim, 2))
    out = numpy.tensordot(split, numpy.reshape(b, sb), axes=(b_axes, tuple(range(ndim))))
    return numpy.reshape(out, numpy.shape(a))


@returns_new_array
@linear_in("g", "a", each=True)
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


# -- pseudo-inverse, SVD, QR, least squares, chains of products --------------------------


@returns_new_array
def pinv_adjoint(g, z, a):
    """The adjoint of `a` in `z = pinv(a)`, for an `a` whose rank does not change near
    it (Golub and Pereyra's derivative):
    -z^T g z^T + (I - a z) g^T z z^T + z^T z g^T (I - z a)."""
    zt, gt = transposed(z), transposed(g)
    left = gt @ z @ zt  # (I - a z) left, and right (I - z a), with no identity made
    right = zt @ z @ gt
    return -zt @ g @ zt + left - a @ (z @ left) + right - (right @ z) @ a


def _off_diagonal_inverse_gaps(s):
    """F_ij = 1 / (s_j^2 - s_i^2) off the diagonal, 0 on it (and where s_i = s_j)."""
    gaps = s[..., None, :] ** 2 - s[..., :, None] ** 2
    safe = numpy.where(gaps == 0, 1, gaps)
    return numpy.where(gaps == 0, 0, 1 / safe)


@check
def _no_full_matrices(a, full_matrices):
    m, n = numpy.shape(a)[-2:]
    if full_matrices and m != n:
        raise NotImplementedError(
            "s2s differentiates numpy.linalg.svd of a non-square matrix with "
            "full_matrices=False only (the extra singular vectors are not unique)"
        )


@returns_new_array
def svd_adjoint(g, a, full_matrices=True, compute_uv=True):
    """The adjoint `g` = (gu, gs, gvh) of `u, s, vh = svd(a)` (just gs for
    `compute_uv=False`) sent to `a` by Townsend's formula, for distinct, nonzero
    singular values:
    u [F o (u^T gu - gu^T u)] s v^T + (I - u u^T) gu s^-1 v^T + u diag(gs) v^T
    + u s [F o (v^T gv - gv^T v)] v^T + u s^-1 gv^T (I - v v^T)."""
    # (by position: the adjoint of NumPy's SVDResult is a record, not a tuple)
    gu, gs, gvh = (g[0], g[1], g[2]) if compute_uv else (None, g, None)
    u, s, vh = numpy.linalg.svd(a, full_matrices=False)
    out = (u * gs[..., None, :]) @ vh
    if not compute_uv:
        return out
    _no_full_matrices(a, full_matrices)
    m, n = numpy.shape(a)[-2:]
    v, gv = transposed(vh), transposed(gvh)
    f = _off_diagonal_inverse_gaps(s)
    ut_gu, vt_gv = transposed(u) @ gu, vh @ gv
    inner = (f * (ut_gu - transposed(ut_gu))) * s[..., None, :]
    inner = inner + s[..., :, None] * (f * (vt_gv - transposed(vt_gv)))
    out = out + u @ inner @ vh
    if m > n:  # (I - u u^T) gu s^-1 v^T
        out = out + ((gu - u @ ut_gu) / s[..., None, :]) @ vh
    if n > m:  # u s^-1 gv^T (I - v v^T)
        gvt = transposed(gv)
        out = out + (u / s[..., None, :]) @ (gvt - (gvt @ v) @ vh)
    return out


@check
def _no_wide_or_complete(a, mode):
    m, n = numpy.shape(a)[-2:]
    if mode not in ("reduced", "r") or m < n:
        raise NotImplementedError(
            "s2s differentiates numpy.linalg.qr of a matrix with at least as many rows as "
            "columns, in mode 'reduced' or 'r'"
        )


@returns_new_array
def qr_adjoint(g, a, mode="reduced"):
    """The adjoint `g` = (gq, gr) of `q, r = qr(a)` (just gr for mode 'r') sent to `a`
    (m >= n, full column rank): with M = r gr^T - gq^T q, (gq + q copyltu(M)) r^-T,
    where copyltu mirrors M's lower triangle onto its upper one."""
    _no_wide_or_complete(a, mode)
    gq, gr = (None, g) if mode == "r" else (g[0], g[1])
    q, r = numpy.linalg.qr(a)
    m = r @ transposed(gr)
    if gq is not None:
        m = m - transposed(gq) @ q
    b = q @ (numpy.tril(m) + transposed(numpy.tril(m, -1)))
    if gq is not None:
        b = b + gq
    # b r^-T, as the solve of r x^T = b^T
    return transposed(numpy.linalg.solve(r, transposed(b)))


def _lstsq_columns(x, b):
    return x[:, None] if numpy.ndim(b) == 1 else x


def lstsq_adjoints(gx, gres, gs, a, b, rcond=None):
    """The adjoints of `a` and `b` in `x, residuals, rank, s = lstsq(a, b)`, for an
    `a` whose rank does not change near it: x = pinv(a) b, the residuals |a x - b|^2
    (given for a tall, full-rank `a`), and s the singular values of `a`."""
    p = numpy.linalg.pinv(a)
    x = p @ b
    gx2, b2, x2 = _lstsq_columns(gx, b), _lstsq_columns(b, b), _lstsq_columns(x, b)
    da = pinv_adjoint(gx2 @ transposed(b2), p, a)
    db = transposed(p) @ gx2
    if numpy.size(gres):
        r = b2 - a @ x2
        da = da - 2 * (r * gres) @ transposed(x2)
        db = db + 2 * r * gres
    if gs is not None:
        da = da + svd_adjoint(gs, a, compute_uv=False)
    return da, (db[:, 0] if numpy.ndim(b) == 1 else db)


def multi_dot_parts(g, arrays):
    """The adjoints of the arrays in `numpy.linalg.multi_dot(arrays)`: each is the
    product of the ones before it, transposed, times `g`, times the product of the ones
    after it, transposed.  A 1-d first (last) array is a row (column)."""
    mats = list(arrays)
    first_1d, last_1d = numpy.ndim(mats[0]) == 1, numpy.ndim(mats[-1]) == 1
    if first_1d:
        mats[0] = mats[0][None, :]
    if last_1d:
        mats[-1] = mats[-1][:, None]
    rows, cols = numpy.shape(mats[0])[0], numpy.shape(mats[-1])[-1]
    g = numpy.reshape(g, (rows, cols))
    before = [None] * len(mats)  # before[i]: product of mats[:i]
    after = [None] * len(mats)  # after[i]: product of mats[i + 1:]
    for i in range(1, len(mats)):
        before[i] = mats[0] if i == 1 else before[i - 1] @ mats[i - 1]
    for i in range(len(mats) - 2, -1, -1):
        after[i] = mats[-1] if i == len(mats) - 2 else mats[i + 1] @ after[i + 1]
    parts = []
    for i, m in enumerate(mats):
        part = g if before[i] is None else transposed(before[i]) @ g
        part = part if after[i] is None else part @ transposed(after[i])
        parts.append(numpy.reshape(part, numpy.shape(arrays[i])))
    return items_like(parts, list(arrays))


@returns_new_array
def tensorinv_adjoint(g, z, a, ind=2):
    """The adjoint of `a` in `z = tensorinv(a, ind)`: inv's, on `a` read as the square
    matrix NumPy inverts (the first `ind` axes as rows)."""
    rows = int(numpy.prod(numpy.shape(a)[:ind]))
    zm, gm = numpy.reshape(z, (-1, rows)), numpy.reshape(g, (-1, rows))
    return numpy.reshape(-transposed(zm) @ gm @ transposed(zm), numpy.shape(a))


def _tensorsolve_order(a, axes):
    """The order NumPy's tensorsolve puts `a`'s axes in: `axes` moved to the end."""
    order = list(range(numpy.ndim(a)))
    for k in axes or ():
        order.remove(k)
        order.append(k)
    return order


def tensorsolve_adjoints(g, z, a, b, axes=None):
    """The adjoints of `a` and `b` in `z = tensorsolve(a, b, axes)`: solve's, on `a`
    read as the square matrix NumPy solves with (`b` and `z` flattened)."""
    order = _tensorsolve_order(a, axes)
    moved = numpy.transpose(a, order)
    matrix = numpy.reshape(moved, (numpy.size(b), -1))
    gb = numpy.linalg.solve(transposed(matrix), numpy.reshape(g, (-1,)))
    da = -gb[:, None] * numpy.reshape(z, (-1,))[None, :]
    da = numpy.transpose(numpy.reshape(da, numpy.shape(moved)), numpy.argsort(order))
    return da, numpy.reshape(gb, numpy.shape(b))


# -- forward mode: tangents (templates/tangents/linalg.py) --------------------------------
#
# Each helper is linear in its first argument `t`, the tangent of the argument, and
# gives the tangent of the result with the result's shape and dtype.


_TANGENT_RECORDS = {}


def _tangent_record(kind):
    """`kind` (a NamedTuple type), whose items may also be read by field name, as
    cast_like reads a record's tangent."""
    if kind not in _TANGENT_RECORDS:
        def __getitem__(self, key):
            return getattr(self, key) if isinstance(key, str) else kind.__getitem__(self, key)

        _TANGENT_RECORDS[kind] = type(kind.__name__, (kind,),
                                      {"__slots__": (), "__getitem__": __getitem__})
    return _TANGENT_RECORDS[kind]


def record_like(z, parts):
    """The tangent of a result `z` made of parts, `parts` in `z`'s own type: a NumPy
    result record (EighResult, SVDResult, ...) where `z` is one, so that reading a
    field by attribute, by position or by name works on the tangent; else a tuple."""
    if isinstance(z, tuple) and hasattr(z, "_fields"):
        return _tangent_record(type(z))(*parts)
    return tuple(parts)


@linear_in("x")
def matrix_trace(x):
    """The trace of each matrix of the stack `x`."""
    return numpy.trace(x, 0, -2, -1)


@returns_new_array
def solve_columns(a, x, b):
    """a^-1 x, with `x` as `as_columns` gives it, shaped like `solve(a, b)`."""
    out = numpy.linalg.solve(a, x)
    return out[..., 0] if numpy.ndim(b) == 1 else out


@returns_new_array
def matrix_power_tangent(t, a, n):
    """The tangent of `matrix_power(a, n)`: the sum over k of a^k t a^(n-1-k); through
    inv(a), whose tangent is -inv(a) t inv(a), for a negative `n`."""
    if n < 0:
        b = numpy.linalg.inv(a)
        return matrix_power_tangent(-(b @ t @ b), b, -n)
    if n == 0:
        return numpy.zeros_like(t)
    out, power = t, a  # the sum for n = 1, and a^1
    for m in range(1, n):  # the sum for m + 1 from the sum for m: out a + a^m t
        out = out @ a + power @ t
        power = power @ a
    return out if n > 1 else numpy.copy(t)  # new memory, as promised


@returns_new_array
def norm_tangent(t, x, z, ord=None, axis=None, keepdims=False, matrix=None):
    """The tangent of `z = numpy.linalg.norm(x, ord, axis, keepdims)`: the derivative
    norm_adjoint uses (0 at kinks, ties split evenly), times `t`, summed over the
    reduced axes.  `matrix` as for norm_adjoint."""
    axes = _norm_axes(x, ord, axis)
    if axes is not None and not keepdims and numpy.ndim(z):
        z = numpy.expand_dims(z, axes)
    if matrix is None:
        matrix = axes is not None and len(axes) == 2
    if matrix:
        derivative = _matrix_norm_derivative(x, z, ord, axes)
    else:
        derivative = _vector_norm_derivative(x, z, ord, axes)
    return numpy.sum(derivative * t, axis=axes, keepdims=keepdims)


@returns_new_array
def cholesky_tangent(t, z, upper=False):
    """The tangent of `z = cholesky(a)` for the symmetric part S of `t` (as the adjoint
    is symmetric): with L = z, L Phi(L^-1 S L^-T), Phi the lower triangle with the
    diagonal halved (an upper `z` is L^T, its tangent transposed)."""
    low = transposed(z) if upper else z
    s = (t + transposed(t)) * 0.5
    m = triangular_solve(low, transposed(triangular_solve(low, s, True)), True)  # L^-1 S L^-T
    out = low @ _tril_half_diagonal(m)
    return transposed(out) if upper else out


def _eigh_tangents(t, w, v, vectors=True):
    """(dw, dv) for `w, v = eigh(a)` along the symmetric part S of `t`: dw the
    diagonal of v^T S v, dv = v (F o v^T S v) with F_ij = 1 / (w_j - w_i) off the
    diagonal and 0 where w_i = w_j exactly (as eigh_adjoint)."""
    m = transposed(v) @ t @ v
    dw = numpy.diagonal(m, 0, -2, -1).copy()  # the same for t and its symmetric part
    if not vectors:
        return dw
    s = (m + transposed(m)) * 0.5  # v^T S v
    gap = w[..., None, :] - w[..., :, None]  # w_j - w_i
    gap = numpy.where(gap == 0, numpy.inf, gap)  # the diagonal, and exact ties
    return dw, v @ (s / gap)


@returns_new_array
def eigh_tangent(t, z):
    """The tangent of `z = eigh(a)` (eigenvalues, eigenvectors), in z's type."""
    return record_like(z, _eigh_tangents(t, z[0], z[1]))


@returns_new_array
def eigvalsh_tangent(t, v):
    """The tangent of `eigvalsh(a)`, given `a`'s eigenvectors `v`: diag(v^T t v)."""
    return _eigh_tangents(t, None, v, vectors=False)


@returns_new_array
def pinv_tangent(t, z, a):
    """The tangent of `z = pinv(a)` for an `a` whose rank does not change near it
    (Golub and Pereyra): -z t z + z z^T t^T (I - a z) + (I - z a) t^T z^T z."""
    zt, tt = transposed(z), transposed(t)
    left = z @ (zt @ tt)  # z z^T t^T, then times (I - a z), with no identity made
    right = (tt @ zt) @ z  # t^T z^T z, after (I - z a)
    return -(z @ t @ z) + left - (left @ a) @ z + right - z @ (a @ right)


def _singular_values_tangent(t, u, vh):
    """The diagonal of u^T t v: the tangent of the singular values."""
    return numpy.diagonal(transposed(u) @ t @ transposed(vh), 0, -2, -1).copy()


@returns_new_array
def svd_tangent(t, z, a, full_matrices=True, compute_uv=True):
    """The tangent of `z = svd(a)` ((u, s, vh), or s for `compute_uv=False`), for
    distinct, nonzero singular values (Townsend; as JAX's rule): with dP = u^T t v,
    ds = diag(dP), du = u (F o (dP s + s dP^T)) + (I - u u^T) t v s^-1,
    dv = v (F o (s dP + dP^T s)) + (I - v v^T) t^T u s^-1, F_ij = 1 / (s_j^2 - s_i^2)
    off the diagonal (0 on it and at ties, as svd_adjoint)."""
    if not compute_uv:
        u, s, vh = numpy.linalg.svd(a, full_matrices=False)
        return _singular_values_tangent(t, u, vh)
    _no_full_matrices(a, full_matrices)
    u, s, vh = z[0], z[1], z[2]  # square if full_matrices: the reduced factors
    m, n = numpy.shape(a)[-2:]
    v = transposed(vh)
    dp = transposed(u) @ t @ v
    ds = numpy.diagonal(dp, 0, -2, -1).copy()
    f = _off_diagonal_inverse_gaps(s)
    dps = dp * s[..., None, :]  # dP s
    sdp = s[..., :, None] * dp  # s dP
    du = u @ (f * (dps + transposed(dps)))
    dv = v @ (f * (sdp + transposed(sdp)))
    if m > n:  # (I - u u^T) t v s^-1
        tv = t @ v
        du = du + (tv - u @ (transposed(u) @ tv)) / s[..., None, :]
    if n > m:  # (I - v v^T) t^T u s^-1
        ttu = transposed(t) @ u
        dv = dv + (ttu - v @ (vh @ ttu)) / s[..., None, :]
    return record_like(z, (du, ds, transposed(dv)))


@returns_new_array
def qr_tangent(t, z, a, mode="reduced"):
    """The tangent of `z = qr(a)` ((q, r), or r for mode 'r'; m >= n, full column
    rank; as JAX's rule): with X = q^T t r^-1 and dO = tril(X, -1) - tril(X, -1)^T,
    dq = q (dO - X) + t r^-1 and dr = (X - dO) r."""
    _no_wide_or_complete(a, mode)
    q, r = numpy.linalg.qr(a) if mode == "r" else (z[0], z[1])
    t_rinv = transposed(numpy.linalg.solve(transposed(r), transposed(t)))  # t r^-1
    x = transposed(q) @ t_rinv
    low = numpy.tril(x, -1)
    do = low - transposed(low)
    dr = (x - do) @ r
    if mode == "r":
        return dr
    return record_like(z, (q @ (do - x) + t_rinv, dr))


@returns_new_array
def residuals_tangent(t, z, a, b):
    """The tangent of the residuals in `z = lstsq(a, b)`, the sum over rows of r^2,
    r = b - a x, given `t` the tangent of r with x held fixed (as lstsq_adjoints:
    a^T r = 0 at the least-squares x, so x's own tangent adds nothing); zeros where
    lstsq gives no residuals."""
    residuals = z[1]
    if not numpy.size(residuals):
        return numpy.zeros_like(residuals)
    r = b - a @ z[0]
    out = 2 * numpy.sum(r * t, axis=0)
    return numpy.reshape(out, numpy.shape(residuals))


@returns_new_array
def multi_dot_tangent(t, arrays):
    """The tangent of `multi_dot(arrays)`, `t` the arrays' tangents: the sum over i of
    the chain with the i-th array replaced by its tangent."""
    arrays = list(arrays)
    out = None
    for i, ti in enumerate(t):
        part = numpy.linalg.multi_dot(arrays[:i] + [ti] + arrays[i + 1:])
        out = part if out is None else out + part
    return out


@returns_new_array
def tensorinv_tangent(t, z, a, ind=2):
    """The tangent of `z = tensorinv(a, ind)`: inv's, -Z T Z, on `a` read as the square
    matrix NumPy inverts (the first `ind` axes as rows)."""
    rows = int(numpy.prod(numpy.shape(a)[:ind]))
    zm, tm = numpy.reshape(z, (-1, rows)), numpy.reshape(t, (rows, -1))
    return numpy.reshape(-(zm @ tm @ zm), numpy.shape(z))


@returns_new_array
def tensorsolve_tangent(t, z, a, b, axes=None):
    """The part of the tangent of `z = tensorsolve(a, b, axes)` from `a`'s tangent `t`:
    solve's, -M^-1 T x, on `a` read as the square matrix M NumPy solves with."""
    order = _tensorsolve_order(a, axes)
    matrix = numpy.reshape(numpy.transpose(a, order), (numpy.size(b), -1))
    tm = numpy.reshape(numpy.transpose(t, order), (numpy.size(b), -1))
    out = numpy.linalg.solve(matrix, tm @ numpy.reshape(z, (-1,)))
    return numpy.reshape(-out, numpy.shape(z))


# -- second derivatives: tangents of the adjoint helpers (templates/tangents/
# runtime_linalg.py), for forward mode over generated gradients (Hessian-vector
# products) --------------------------------------------------------------------------
#
# An adjoint helper is linear in the adjoint `g` it is given: its tangent is the helper
# applied to g's tangent, plus the part from its other arguments, which these helpers
# give.  Each is linear in its tangents (the arguments named `t...`) and follows the
# adjoint helper's conventions (ties, kinks) on the same piece.


@returns_new_array
def matrix_power_adjoint_tangent(t, g, a, n):
    """The tangent of `matrix_power_adjoint(g, a, n)` along a tangent `t` of `a`: the
    product rule on its sum (through inv(a), whose tangent is -inv(a) t inv(a), for a
    negative `n`)."""
    if n < 0:
        b = numpy.linalg.inv(a)
        bt = transposed(b)
        dbt = -transposed(b @ t @ b)
        p = matrix_power_adjoint(g, b, -n)
        dp = matrix_power_adjoint_tangent(transposed(dbt), g, b, -n)
        return -(dbt @ p @ bt + bt @ dp @ bt + bt @ p @ dbt)
    if n <= 1:
        return numpy.zeros_like(g * t)
    at, tt = transposed(a), transposed(t)
    out, power = g, at
    dout, dpower = None, tt
    for m in range(1, n):  # as matrix_power_adjoint: out a^T + (a^T)^m g, differentiated
        step = out @ tt + dpower @ g
        dout = step if dout is None else dout @ at + step
        out = out @ at + power @ g
        dpower = dpower @ at + power @ tt
        power = power @ at
    return dout


def _spectral_derivative_tangent(t, x, ord, axes):
    """The tangent along `t` of _matrix_norm_derivative for ord 'nuc' (u v^T) and 2 or
    -2 (u_k v_k^T), through the SVD's tangents (distinct, nonzero singular values)."""
    moved = numpy.moveaxis(x, axes, (-2, -1))
    t = numpy.moveaxis(t, axes, (-2, -1))
    u, s, vh = numpy.linalg.svd(moved, full_matrices=False)
    if ord == "nuc":
        # d(u v^T) = u [(dP - dP^T)_ij / (s_i + s_j)] v^T, dP = u^T t v, plus the parts
        # off the singular subspaces for a non-square matrix
        m, n = numpy.shape(moved)[-2:]
        v, ut = transposed(vh), transposed(u)
        ut_t = ut @ t
        dp = ut_t @ v
        out = u @ ((dp - transposed(dp)) / (s[..., :, None] + s[..., None, :])) @ vh
        if m > n:  # (I - u u^T) t v s^-1 v^T
            tv = t @ v
            out = out + ((tv - u @ dp) / s[..., None, :]) @ vh
        if n > m:  # u s^-1 u^T t (I - v v^T)
            out = out + (u / s[..., None, :]) @ (ut_t - dp @ vh)
    else:
        k = 0 if ord == 2 else -1
        du, _, dvh = svd_tangent(t, (u, s, vh), moved, False, True)
        out = du[..., :, k, None] * vh[..., k, None, :] + u[..., :, k, None] * dvh[..., k, None, :]
    return numpy.moveaxis(out, (-2, -1), axes)


def _norm_derivative_tangent(tx, tz, x, z, ord, axes, matrix):
    """The tangent of d norm / d x (_vector_norm_derivative, _matrix_norm_derivative)
    along tangents `tx` of `x` and `tz` of `z`; 0 where that derivative is constant
    (the kinks it takes as 0, the masks of ties)."""
    if matrix and ord in ("nuc", 2, -2):
        return _spectral_derivative_tangent(tx, x, ord, axes)
    safe = _safe(z)
    if ord is None or (matrix and ord == "fro") or (not matrix and ord == 2):
        # d(x / z) = (tx - x tz / z) / z; 0 at z = 0, where the derivative is taken as 0
        return numpy.where(z == 0, 0, (tx - x / safe * tz) / safe)
    if matrix or ord in (0, numpy.inf, -numpy.inf):  # a sign times a mask: constant
        return numpy.zeros_like(tx * safe)
    # sign(x) r^(p-1), r = |x| / z: (p - 1) r^(p-2) (tx - x tz / z) / z; 0 where r = 0
    # (the derivative is 0 there) and at z = 0 (r is 0 there)
    ratio = numpy.abs(x) / safe
    scale = (ord - 1) * _safe(ratio) ** (ord - 2)
    return numpy.where(ratio == 0, 0, scale * (tx - x / safe * tz) / safe)


@returns_new_array
def norm_adjoint_tangent(tx, tz, g, x, z, ord=None, axis=None, keepdims=False, matrix=None):
    """The tangent of `norm_adjoint(g, x, z, ...)` along tangents `tx` of `x` and `tz`
    of `z`: `g` times the tangent of the derivative norm_adjoint uses."""
    axes = _norm_axes(x, ord, axis)
    if axes is not None and not keepdims and numpy.ndim(z):
        g, z, tz = (numpy.expand_dims(v, axes) for v in (g, z, tz))
    if matrix is None:
        matrix = axes is not None and len(axes) == 2
    return g * _norm_derivative_tangent(tx, tz, x, z, ord, axes, matrix)


def multi_dot_parts_tangent(t, g, arrays):
    """The tangent of `multi_dot_parts(g, arrays)` along the tangents `t` of the
    arrays: part i is linear in each other array, so its tangent is the sum over j != i
    of part i with array j replaced by its tangent."""
    arrays = list(arrays)
    out = [None] * len(arrays)
    for j in range(len(arrays)):
        parts = multi_dot_parts(g, arrays[:j] + [t[j]] + arrays[j + 1:])
        for i in range(len(arrays)):
            if i != j:
                out[i] = parts[i] if out[i] is None else out[i] + parts[i]
    return items_like(out, arrays)


