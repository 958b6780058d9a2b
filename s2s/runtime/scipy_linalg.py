"""Helpers for the derivative rules of SciPy's linear algebra (templates/scipy_linalg.py).

The rules call SciPy's own solvers themselves (`scipy.linalg.cho_solve(c_and_lower,
d[z])`); these helpers are the NumPy glue between them: the parts of `a` a solver
reads, transposed solves, SciPy's packed factors (cholesky's and cho_factor's `c`,
lu_factor's `lu` and `piv`) taken apart.  They import no SciPy, so that forward mode
can read them (Hessian-vector products); their triangular solves are
`triangular_solve`'s, SciPy's where it is installed.

SciPy's functions are differentiated for one real matrix (2-D; SciPy's batched calls
and complex arrays are refused) and `overwrite_a=False`, `overwrite_b=False` (SciPy
may overwrite an argument that a derivative reads).  `check_finite` changes no value.
"""

import numpy

from s2s.runtime import check, linear_in, returns_new_array
from s2s.runtime.linalg import (
    as_columns,
    eigh_adjoint,
    eigh_tangent,
    eigvalsh_tangent,
    transposed,
    triangular_solve,
)

__all__ = [
    "block_triangular",
    "cho_factor_product",
    "cho_solve_factor_adjoint",
    "factor_from_lower",
    "flipped_trans",
    "lower_factor",
    "lu_factor_adjoint",
    "lu_factor_product",
    "lu_factor_tangent",
    "lu_solve_factor_adjoint",
    "require_supported",
    "scipy_eigh_adjoint",
    "scipy_eigh_tangent",
    "solve_matrix_adjoint",
    "solve_matrix_product",
    "structure_part",
    "triangle",
    "upper_right_block",
]


def _arrays(values):
    """The arrays among `values`, tuples (`(c, lower)`) opened."""
    for value in values:
        if isinstance(value, tuple):
            yield from _arrays(value)
        elif value is not None and not isinstance(value, (bool, str)):
            yield value


@check
def require_supported(function, arrays, overwrite_a=False, overwrite_b=False):
    """Raise NotImplementedError where s2s does not differentiate the call of
    `function` (its dotted name) on `arrays` (the first one its matrix): a complex
    array, a stack of matrices, or SciPy allowed to overwrite an argument."""
    arrays = list(_arrays(arrays))
    if any(numpy.iscomplexobj(x) for x in arrays):
        raise NotImplementedError(
            f"s2s differentiates {function} of real arrays only (here one is complex)")
    if arrays and numpy.ndim(arrays[0]) != 2:
        raise NotImplementedError(
            f"s2s differentiates {function} of one matrix (2-D), not of a stack of them "
            f"(shape {numpy.shape(arrays[0])})")
    for name, overwrite in (("a", overwrite_a), ("b", overwrite_b)):
        if overwrite:
            raise NotImplementedError(
                f"s2s differentiates {function} with overwrite_{name}=False only: SciPy may "
                f"overwrite `{name}`, which derivatives read")


def _transposes(trans):
    """Whether SciPy's `trans` (0, 1, 2, 'N', 'T', 'C') or `transposed` (a bool) means
    the transposed matrix (for a real one, 2 and 'C' do)."""
    if isinstance(trans, str):
        return trans != "N"
    return bool(trans)


def flipped_trans(trans):
    """`trans` (or `transposed`) for the transposed system, in its own kind: the
    adjoint of a solve with op(A) solves with op(A)^T."""
    if isinstance(trans, str):
        return "N" if _transposes(trans) else "T"
    if isinstance(trans, bool):
        return not trans
    return 0 if trans else 1


@linear_in("x")
def triangle(x, lower=False, unit_diagonal=False):
    """The triangle of `x` a triangular solver reads: upper (SciPy's default) or lower,
    without the diagonal where it is taken as ones."""
    if lower:
        return numpy.tril(x, -1 if unit_diagonal else 0)
    return numpy.triu(x, 1 if unit_diagonal else 0)


# assume_a in scipy.linalg.solve and inv -> the part of `a` the solver reads; None (a
# structure SciPy finds in `a`), 'gen', 'general' and 'banded' (whose band SciPy finds in
# `a`: its zeros) read all of it
_STRUCTURES = {
    "diagonal": "diagonal", "tridiagonal": "tridiagonal",
    "upper triangular": "upper", "lower triangular": "lower",
    "sym": "symmetric", "symmetric": "symmetric", "her": "symmetric",
    "hermitian": "symmetric", "pos": "symmetric", "positive definite": "symmetric",
}


@linear_in("x")
def structure_part(x, assume_a=None):
    """The part of a change `x` of `a` that a solve with `assume_a` sees: all of it,
    its diagonal, band or triangle, or for a symmetric `a` (sym, her, pos: one triangle
    read) its symmetric part.  Each is an orthogonal projection, so the same function
    takes an adjoint to the adjoint of `a`: for a symmetric `a` a symmetric one."""
    structure = _STRUCTURES.get(assume_a)
    if structure == "symmetric":
        return (x + transposed(x)) * 0.5
    if structure == "diagonal":
        return numpy.tril(numpy.triu(x))
    if structure == "tridiagonal":
        return numpy.tril(numpy.triu(x, -1), 1)
    if structure is not None:
        return triangle(x, structure == "lower")
    return x


@returns_new_array
@linear_in("gb", "z", each=True)
def solve_matrix_adjoint(gb, z, b, trans=False):
    """The adjoint of the matrix A in z = op(A)^-1 b, given gb = op(A)^-T g, the
    adjoint of `b`: -gb z^T, transposed where op transposes (`trans`, or solve's
    `transposed`); `gb` and `z` are columns where `b` is a vector."""
    gb, z = as_columns(gb, b), as_columns(z, b)
    return -(z @ transposed(gb)) if _transposes(trans) else -(gb @ transposed(z))


@returns_new_array
@linear_in("t", "z", each=True)
def solve_matrix_product(t, z, b, trans=False):
    """op(t) z, shaped like z (`trans` as for solve_matrix_adjoint): in z = op(A)^-1 b,
    op(A)^-1 (db - op(dA) z) is the tangent."""
    out = (transposed(t) if _transposes(trans) else t) @ as_columns(z, b)
    return out[..., 0] if numpy.ndim(b) == 1 else out


# -- Cholesky factors: cholesky's, and cho_factor's (c, lower) ----------------------------


@linear_in("c")
def lower_factor(c, lower=False):
    """The factor L in `c` (cholesky's, or cho_factor's, whose other triangle holds
    whatever SciPy left there): c's lower triangle, or its upper one transposed."""
    return numpy.tril(c) if lower else transposed(numpy.triu(c))


@linear_in("low")
def factor_from_lower(low, lower=False):
    """A lower triangular `low` laid out as SciPy lays out its factor: as it is, or
    transposed for an upper factor."""
    return low if lower else transposed(low)


@returns_new_array
def cho_solve_factor_adjoint(gb, x, c_and_lower, b):
    """The adjoint of the factor `c` in x = cho_solve((c, lower), b), x = (L L^T)^-1 b,
    given gb = (L L^T)^-1 g, the adjoint of `b`: with K = L L^T and K's adjoint
    -gb x^T, L's is (K_bar + K_bar^T) L = -(gb (L^T x)^T + x (L^T gb)^T), in the
    triangle of `c` that holds L (the other gets none)."""
    c, lower = c_and_lower
    low = lower_factor(c, lower)
    gb, x = as_columns(gb, b), as_columns(x, b)
    low_t = transposed(low)
    bar = -(gb @ transposed(low_t @ x) + x @ transposed(low_t @ gb))
    return factor_from_lower(numpy.tril(bar), lower)


def cho_factor_product(t, c_and_lower, x, b):
    """dK x, shaped like x, for K = L L^T and the tangent `t` of (c, lower): with dL
    from t's triangle of c, dK x = dL (L^T x) + L (dL^T x)."""
    c, lower = c_and_lower
    low, dlow = lower_factor(c, lower), lower_factor(t[0], lower)
    x2 = as_columns(x, b)
    out = dlow @ (transposed(low) @ x2) + low @ (transposed(dlow) @ x2)
    return out[..., 0] if numpy.ndim(b) == 1 else out


# -- LU factors: lu_factor's (lu, piv), P L U = a -----------------------------------------


@check
def _square(lu):
    if numpy.shape(lu)[-1] != numpy.shape(lu)[-2]:
        raise NotImplementedError(
            "s2s differentiates scipy.linalg.lu_factor of a square matrix only")


def _lu_parts(lu):
    """L (unit lower triangular) and U from lu_factor's packed `lu`."""
    _square(lu)
    low = numpy.tril(lu, -1) + numpy.eye(numpy.shape(lu)[-1], dtype=lu.dtype)
    return low, numpy.triu(lu)


def _lu_rows(piv):
    """The rows of `a` in the order of L U, a[rows] = L U: LAPACK's swaps of row i and
    row piv[i], made in turn."""
    rows = numpy.arange(len(piv))
    for i, p in enumerate(piv):
        rows[i], rows[p] = rows[p], rows[i]
    return rows


@returns_new_array
def lu_factor_adjoint(g, lu, piv):
    """The adjoint of `a` in lu, piv = lu_factor(a), given the adjoint `g` of lu (L's
    part below the diagonal, U's on and above it), for pivots that do not change near
    `a`: with B = a[rows] = L U, dB = dL U + L dU, so with F = L^-1 dB U^-1,
    dL = L tril(F, -1) and dU = triu(F) U; their adjoint is
    B_bar = L^-T (tril(L^T L_bar, -1) + triu(U_bar U^T)) U^-T, sent back to a's rows."""
    low, up = _lu_parts(lu)
    f = numpy.tril(transposed(low) @ numpy.tril(g, -1), -1) + numpy.triu(
        numpy.triu(g) @ transposed(up))
    f_up = transposed(triangular_solve(up, transposed(f)))  # F U^-T
    b_bar = triangular_solve(transposed(low), f_up)  # L^-T F U^-T
    return b_bar[numpy.argsort(_lu_rows(piv))]


@returns_new_array
def lu_factor_tangent(t, lu, piv):
    """The tangent of lu in lu, piv = lu_factor(a) along `t` (as lu_factor_adjoint):
    L tril(F, -1) + triu(F) U, F = L^-1 t[rows] U^-1."""
    low, up = _lu_parts(lu)
    x = triangular_solve(low, t[_lu_rows(piv)], True)  # L^-1 dB
    f = transposed(triangular_solve(transposed(up), transposed(x), True))  # L^-1 dB U^-1
    return low @ numpy.tril(f, -1) + numpy.triu(f) @ up


@returns_new_array
def lu_solve_factor_adjoint(gb, x, lu_and_piv, b, trans=0):
    """The adjoint of `lu` in x = lu_solve((lu, piv), b, trans), given gb, the adjoint
    of `b`: a = P L U's adjoint is A_bar = solve_matrix_adjoint(gb, x) = -u v^T, whose
    rows in L U's order are B_bar; L's adjoint is tril(B_bar U^T, -1), U's
    triu(L^T B_bar)."""
    lu, piv = lu_and_piv
    low, up = _lu_parts(lu)
    gb, x = as_columns(gb, b), as_columns(x, b)
    u, v = (x, gb) if _transposes(trans) else (gb, x)
    u = u[_lu_rows(piv)]  # B_bar = -u v^T, kept as its two factors
    low_part = numpy.tril(u @ transposed(up @ v), -1)
    return -(low_part + numpy.triu((transposed(low) @ u) @ transposed(v)))


def lu_factor_product(t, lu_and_piv, x, b, trans=0):
    """op(dA) x, shaped like x, for a = P L U and the tangent `t` of (lu, piv): dA =
    P (dL U + L dU), dL and dU t[0]'s parts."""
    lu, piv = lu_and_piv
    low, up = _lu_parts(lu)
    dlow, dup = numpy.tril(t[0], -1), numpy.triu(t[0])
    rows = _lu_rows(piv)
    x2 = as_columns(x, b)
    if _transposes(trans):  # dA^T x = U^T dL^T x[rows] + dU^T L^T x[rows]
        xp = x2[rows]
        out = transposed(up) @ (transposed(dlow) @ xp) + transposed(dup) @ (transposed(low) @ xp)
    else:
        out = (dlow @ (up @ x2) + low @ (dup @ x2))[numpy.argsort(rows)]
    return out[..., 0] if numpy.ndim(b) == 1 else out


# -- expm: the block-triangular matrix whose exponential holds the derivative --------------


@linear_in("a", "g")
def block_triangular(a, g):
    """[[a, g], [0, a]]: its exponential's upper right block is the derivative of
    expm at `a` along `g` (Mathias, 1996)."""
    return numpy.block([[a, g], [numpy.zeros_like(g), a]])


@linear_in("m")
def upper_right_block(m):
    """The upper right quarter of `m` (of an even size)."""
    n = numpy.shape(m)[-1] // 2
    return m[..., :n, n:]


# -- eigh ----------------------------------------------------------------------------------


@check
def _eigh_supported(b, eigvals_only, subset_by_index, subset_by_value):
    if b is not None:
        raise NotImplementedError(
            "s2s differentiates scipy.linalg.eigh of one symmetric matrix, not the "
            "generalized problem with `b`")
    if not eigvals_only and (subset_by_index is not None or subset_by_value is not None):
        raise NotImplementedError(
            "s2s differentiates scipy.linalg.eigh's eigenvectors of all the eigenvalues: "
            "with subset_by_index or subset_by_value, only eigvals_only=True")


def _eigenvectors(a, lower, subset_by_index, subset_by_value):
    """The eigenvectors of the eigenvalues eigh(a, ..., eigvals_only=True) gives."""
    w, v = numpy.linalg.eigh(a, "L" if lower else "U")
    if subset_by_index is not None:
        return v[:, subset_by_index[0] : subset_by_index[1] + 1]
    if subset_by_value is not None:
        return v[:, (w > subset_by_value[0]) & (w <= subset_by_value[1])]
    return v


@returns_new_array
def scipy_eigh_adjoint(g, z, a, lower=True, eigvals_only=False, b=None,
                       subset_by_index=None, subset_by_value=None):
    """The adjoint of `a` in z = eigh(a, ...), as numpy.linalg.eigh's (eigh_adjoint):
    symmetric; a pair of exactly equal eigenvalues gets no eigenvector term."""
    _eigh_supported(b, eigvals_only, subset_by_index, subset_by_value)
    if eigvals_only:
        return eigh_adjoint(g, None, z, _eigenvectors(a, lower, subset_by_index, subset_by_value))
    return eigh_adjoint(g[0], g[1], z[0], z[1])


@returns_new_array
def scipy_eigh_tangent(t, z, a, lower=True, eigvals_only=False, b=None,
                       subset_by_index=None, subset_by_value=None):
    """The tangent of z = eigh(a, ...) along the symmetric part of `t`, as
    numpy.linalg.eigh's (eigh_tangent, eigvalsh_tangent)."""
    _eigh_supported(b, eigvals_only, subset_by_index, subset_by_value)
    if eigvals_only:
        return eigvalsh_tangent(t, _eigenvectors(a, lower, subset_by_index, subset_by_value))
    return eigh_tangent(t, z)
