"""SciPy's linear algebra: solves, Cholesky and LU factors, inv, det, expm, sqrtm, eigh.

solve_triangular, cholesky, cho_factor and cho_solve, lu_factor and lu_solve, solve,
inv, det, expm, sqrtm, solve_sylvester and eigh.

These rules load where SciPy is installed.  Each differentiates one real matrix (2-D:
SciPy's batched calls are refused, as are complex arrays) with `overwrite_a` and
`overwrite_b` False (SciPy may overwrite an argument a derivative reads); the refusals
are NotImplementedError raised when the derivative runs, naming the function and the
argument (sqrtm's `disp`, which changes what it returns, is refused where the derivative
is made).  `check_finite` changes no value.

Conventions, where the derivative is not unique or does not exist:
- a solver that reads part of `a` (solve_triangular's triangle, solve's and inv's
  assume_a='diagonal', 'tridiagonal', 'upper triangular', 'lower triangular') gives an
  adjoint to that part only; unit_diagonal=True gives the diagonal none.
- cholesky, cho_factor, eigh, and solve and inv with assume_a='sym', 'her' or 'pos',
  read one triangle of `a`, which should be symmetric; their adjoints are symmetric,
  the derivative for symmetric changes of `a` (as numpy.linalg.cholesky's).
- cho_factor's `c` holds the factor in one triangle and unspecified values in the
  other, which carry no derivative; lu_factor's `piv` carries none, and its pivots are
  taken as fixed near `a` (they change only where two candidates tie).
- eigh: as numpy.linalg.eigh, a pair of exactly equal eigenvalues contributes no
  eigenvector term; the generalized problem (`b`) is refused, and subset_by_index and
  subset_by_value are differentiated for eigvals_only=True.
- sqrtm: the principal square root of a matrix with no eigenvalue on the closed
  negative real axis (a complex result is refused); its derivative solves a Sylvester
  equation.
"""

import numpy
import scipy.linalg

from s2s import adjoint, d, tangent
from s2s.runtime import zeros_like
from s2s.runtime.linalg import (
    cholesky_adjoint,
    cholesky_tangent,
    det_adjoint,
    matrix_trace,
    transposed,
)
from s2s.runtime.scipy_linalg import (
    block_triangular,
    cho_factor_product,
    cho_solve_factor_adjoint,
    factor_from_lower,
    flipped_trans,
    lower_factor,
    lu_factor_adjoint,
    lu_factor_product,
    lu_factor_tangent,
    lu_solve_factor_adjoint,
    require_supported,
    scipy_eigh_adjoint,
    scipy_eigh_tangent,
    solve_matrix_adjoint,
    solve_matrix_product,
    structure_part,
    triangle,
    upper_right_block,
)


@adjoint(scipy.linalg.solve_triangular)
def solve_triangular(z, a, b, trans=0, lower=False, unit_diagonal=False, overwrite_b=False,
                     check_finite=True):
    """`a`'s adjoint is in the triangle read (without the diagonal for
    unit_diagonal=True)."""
    require_supported("scipy.linalg.solve_triangular", (a, b), False, overwrite_b)
    gb = scipy.linalg.solve_triangular(a, d[z], flipped_trans(trans), lower, unit_diagonal)
    d[a] += triangle(solve_matrix_adjoint(gb, z, b, trans), lower, unit_diagonal)
    d[b] += gb


@tangent(scipy.linalg.solve_triangular)
def solve_triangular_forward(z, a, b, trans=0, lower=False, unit_diagonal=False,
                             overwrite_b=False, check_finite=True):
    """Along the triangle of d[a] that is read (without the diagonal for
    unit_diagonal=True)."""
    require_supported("scipy.linalg.solve_triangular", (a, b), False, overwrite_b)
    d[z] = scipy.linalg.solve_triangular(
        a, d[b] - solve_matrix_product(triangle(d[a], lower, unit_diagonal), z, b, trans),
        trans, lower, unit_diagonal,
    )


@adjoint(scipy.linalg.cholesky)
def cholesky(z, a, lower=False, overwrite_a=False, check_finite=True):
    """The adjoint is symmetric: the derivative for symmetric changes of `a`."""
    require_supported("scipy.linalg.cholesky", (a,), overwrite_a)
    d[a] += cholesky_adjoint(lower_factor(d[z], lower), lower_factor(z, lower))


@tangent(scipy.linalg.cholesky)
def cholesky_forward(z, a, lower=False, overwrite_a=False, check_finite=True):
    """Along the symmetric part of d[a]: the derivative for symmetric changes of `a`."""
    require_supported("scipy.linalg.cholesky", (a,), overwrite_a)
    d[z] = factor_from_lower(cholesky_tangent(d[a], lower_factor(z, lower)), lower)


@adjoint(scipy.linalg.cho_factor)
def cho_factor(z, a, lower=False, overwrite_a=False, check_finite=True):
    """Symmetric adjoint; c's triangle that does not hold the factor carries none."""
    # z is (c, lower)
    require_supported("scipy.linalg.cho_factor", (a,), overwrite_a)
    d[a] += cholesky_adjoint(lower_factor(d[z][0], lower), lower_factor(z[0], lower))


@tangent(scipy.linalg.cho_factor)
def cho_factor_forward(z, a, lower=False, overwrite_a=False, check_finite=True):
    """Along the symmetric part of d[a]; c's other triangle has tangent 0."""
    require_supported("scipy.linalg.cho_factor", (a,), overwrite_a)
    d[z] = (factor_from_lower(cholesky_tangent(d[a], lower_factor(z[0], lower)), lower),
            zeros_like(z[1]))


@adjoint(scipy.linalg.cho_solve)
def cho_solve(z, c_and_lower, b, overwrite_b=False, check_finite=True):
    """The factor's adjoint is in the triangle of `c` that holds it."""
    require_supported("scipy.linalg.cho_solve", (c_and_lower, b), False, overwrite_b)
    gb = scipy.linalg.cho_solve(c_and_lower, d[z])
    d[c_and_lower][0] += cho_solve_factor_adjoint(gb, z, c_and_lower, b)
    d[b] += gb


@tangent(scipy.linalg.cho_solve)
def cho_solve_forward(z, c_and_lower, b, overwrite_b=False, check_finite=True):
    """Along the triangle of c's tangent that holds the factor's."""
    require_supported("scipy.linalg.cho_solve", (c_and_lower, b), False, overwrite_b)
    d[z] = scipy.linalg.cho_solve(
        c_and_lower, d[b] - cho_factor_product(d[c_and_lower], c_and_lower, z, b))


@adjoint(scipy.linalg.lu_factor)
def lu_factor(z, a, overwrite_a=False, check_finite=True):
    """A square `a`; `piv` carries no derivative, the pivots are taken as fixed near
    `a`."""
    # z is (lu, piv)
    require_supported("scipy.linalg.lu_factor", (a,), overwrite_a)
    d[a] += lu_factor_adjoint(d[z][0], z[0], z[1])


@tangent(scipy.linalg.lu_factor)
def lu_factor_forward(z, a, overwrite_a=False, check_finite=True):
    """A square `a`; `piv` has tangent 0, the pivots are taken as fixed near `a`."""
    require_supported("scipy.linalg.lu_factor", (a,), overwrite_a)
    d[z] = (lu_factor_tangent(d[a], z[0], z[1]), zeros_like(z[1]))


@adjoint(scipy.linalg.lu_solve)
def lu_solve(z, lu_and_piv, b, trans=0, overwrite_b=False, check_finite=True):
    """`lu`'s adjoint is in L's part (below the diagonal) and U's; `piv` gets none."""
    require_supported("scipy.linalg.lu_solve", (lu_and_piv, b), False, overwrite_b)
    gb = scipy.linalg.lu_solve(lu_and_piv, d[z], flipped_trans(trans))
    d[lu_and_piv][0] += lu_solve_factor_adjoint(gb, z, lu_and_piv, b, trans)
    d[b] += gb


@tangent(scipy.linalg.lu_solve)
def lu_solve_forward(z, lu_and_piv, b, trans=0, overwrite_b=False, check_finite=True):
    """`piv` has no tangent."""
    require_supported("scipy.linalg.lu_solve", (lu_and_piv, b), False, overwrite_b)
    d[z] = scipy.linalg.lu_solve(
        lu_and_piv, d[b] - lu_factor_product(d[lu_and_piv], lu_and_piv, z, b, trans), trans)


# (solve's assume_a: SciPy's default, None, finds a structure of `a` that gives the value
# 'gen' gives; the rules' default is 'gen', which every SciPy knows)


@adjoint(scipy.linalg.solve)
def solve(z, a, b, lower=False, overwrite_a=False, overwrite_b=False, check_finite=True,
          assume_a="gen", transposed=False):
    """`a`'s adjoint is in the part of `a` assume_a reads, symmetric for 'sym', 'her'
    and 'pos' (the derivative for symmetric changes of `a`)."""
    require_supported("scipy.linalg.solve", (a, b), overwrite_a, overwrite_b)
    gb = scipy.linalg.solve(a, d[z], lower=lower, assume_a=assume_a, transposed=not transposed)
    d[a] += structure_part(solve_matrix_adjoint(gb, z, b, transposed), assume_a)
    d[b] += gb


@tangent(scipy.linalg.solve)
def solve_forward(z, a, b, lower=False, overwrite_a=False, overwrite_b=False,
                  check_finite=True, assume_a="gen", transposed=False):
    """Along the part of d[a] assume_a reads (its symmetric part for 'sym', 'her' and
    'pos')."""
    require_supported("scipy.linalg.solve", (a, b), overwrite_a, overwrite_b)
    d[z] = scipy.linalg.solve(
        a, d[b] - solve_matrix_product(structure_part(d[a], assume_a), z, b, transposed),
        lower=lower, assume_a=assume_a, transposed=transposed,
    )


@adjoint(scipy.linalg.inv)
def inv(z, a, overwrite_a=False, check_finite=True, *, assume_a=None, lower=False):
    """`a`'s adjoint is in the part of `a` assume_a reads, symmetric for 'sym', 'her'
    and 'pos'."""
    require_supported("scipy.linalg.inv", (a,), overwrite_a)
    d[a] -= structure_part(transposed(z) @ d[z] @ transposed(z), assume_a)


@tangent(scipy.linalg.inv)
def inv_forward(z, a, overwrite_a=False, check_finite=True, *, assume_a=None, lower=False):
    """Along the part of d[a] assume_a reads (its symmetric part for 'sym', 'her' and
    'pos')."""
    require_supported("scipy.linalg.inv", (a,), overwrite_a)
    d[z] = -(z @ structure_part(d[a], assume_a) @ z)


@adjoint(scipy.linalg.det)
def det(z, a, overwrite_a=False, check_finite=True):
    """`a` must be invertible (Jacobi's formula, through inv(a))."""
    require_supported("scipy.linalg.det", (a,), overwrite_a)
    d[a] += det_adjoint(d[z], z, a)


@tangent(scipy.linalg.det)
def det_forward(z, a, overwrite_a=False, check_finite=True):
    """`a` must be invertible (Jacobi's formula: z tr(a^-1 d[a]))."""
    require_supported("scipy.linalg.det", (a,), overwrite_a)
    d[z] = z * matrix_trace(numpy.linalg.solve(a, d[a]))


@adjoint(scipy.linalg.expm)
def expm(z, A):
    # the adjoint is the derivative of expm at A^T along d[z]
    require_supported("scipy.linalg.expm", (A,))
    d[A] += upper_right_block(scipy.linalg.expm(block_triangular(transposed(A), d[z])))


@tangent(scipy.linalg.expm)
def expm_forward(z, A):
    require_supported("scipy.linalg.expm", (A,))
    d[z] = upper_right_block(scipy.linalg.expm(block_triangular(A, d[A])))


@adjoint(scipy.linalg.sqrtm)
def sqrtm(z, A, *, blocksize=64):
    """A real result (no eigenvalue of `A` on the closed negative real axis); `disp` is
    not supported."""
    # z d[z]' + d[z]' z = d[A]' (the tangents): its transpose, z^T d[A] + d[A] z^T = d[z]
    require_supported("scipy.linalg.sqrtm", (A, z))
    d[A] += scipy.linalg.solve_sylvester(transposed(z), transposed(z), d[z])


@tangent(scipy.linalg.sqrtm)
def sqrtm_forward(z, A, *, blocksize=64):
    """A real result; `disp` is not supported."""
    # d[z] solves z d[z] + d[z] z = d[A]
    require_supported("scipy.linalg.sqrtm", (A, z))
    d[z] = scipy.linalg.solve_sylvester(z, z, d[A])


@adjoint(scipy.linalg.solve_sylvester)
def solve_sylvester(z, a, b, q):
    """`a` and `-b` share no eigenvalue (the equation has one solution)."""
    # a z + z b = q: the adjoint of q solves the transposed equation
    require_supported("scipy.linalg.solve_sylvester", (a, b, q))
    gq = scipy.linalg.solve_sylvester(transposed(a), transposed(b), d[z])
    d[a] -= gq @ transposed(z)
    d[b] -= transposed(z) @ gq
    d[q] += gq


@tangent(scipy.linalg.solve_sylvester)
def solve_sylvester_forward(z, a, b, q):
    """`a` and `-b` share no eigenvalue (the equation has one solution)."""
    require_supported("scipy.linalg.solve_sylvester", (a, b, q))
    d[z] = scipy.linalg.solve_sylvester(a, b, d[q] - d[a] @ z - z @ d[b])


@adjoint(scipy.linalg.eigh)
def eigh(z, a, b=None, *, lower=True, eigvals_only=False, overwrite_a=False,
         overwrite_b=False, type=1, check_finite=True, subset_by_index=None,
         subset_by_value=None, driver=None):
    """Symmetric adjoint; exactly equal eigenvalues get no eigenvector term; no `b`;
    subsets for eigvals_only=True."""
    require_supported("scipy.linalg.eigh", (a, b), overwrite_a, overwrite_b)
    d[a] += scipy_eigh_adjoint(d[z], z, a, lower, eigvals_only, b, subset_by_index,
                               subset_by_value)


@tangent(scipy.linalg.eigh)
def eigh_forward(z, a, b=None, *, lower=True, eigvals_only=False, overwrite_a=False,
                 overwrite_b=False, type=1, check_finite=True, subset_by_index=None,
                 subset_by_value=None, driver=None):
    """Along the symmetric part of d[a]; exactly equal eigenvalues get no eigenvector
    term; no `b`; subsets for eigvals_only=True."""
    require_supported("scipy.linalg.eigh", (a, b), overwrite_a, overwrite_b)
    d[z] = scipy_eigh_tangent(d[a], z, a, lower, eigvals_only, b, subset_by_index,
                              subset_by_value)
