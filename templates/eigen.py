"""The eigendecomposition of a general square matrix (or a stack of them):
numpy.linalg.eig and eigvals.  Their eigenvalues and eigenvectors may be complex for
a real matrix; gradients follow autograd's convention (complex.py).

Conventions: a pair of exactly equal eigenvalues contributes no eigenvector term
(their eigenvectors are not unique); eigenvectors are differentiated as NumPy
normalizes them: unit length, largest component real.  eigvals takes the order of
eig's eigenvalues, as LAPACK gives both."""

import numpy

from s2s import adjoint, d, tangent
from s2s.runtime.eigen import eig_adjoint, eig_tangent, eigvals_adjoint, eigvals_tangent


@adjoint(numpy.linalg.eig)
def eig(z, a):
    """Exactly equal eigenvalues get no eigenvector term."""
    # z is (eigenvalues, eigenvectors)
    d[a] += eig_adjoint(d[z][0], d[z][1], z[0], z[1], a)


@tangent(numpy.linalg.eig)
def eig_forward(z, a):
    """Exactly equal eigenvalues get no eigenvector term."""
    d[z] = eig_tangent(d[a], z)


@adjoint(numpy.linalg.eigvals)
def eigvals(z, a):
    d[a] += eigvals_adjoint(d[z], a)


@tangent(numpy.linalg.eigvals)
def eigvals_forward(z, a):
    d[z] = eigvals_tangent(d[a], a)
