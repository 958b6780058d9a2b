"""Complex values: abs, real, imag, angle and conj, the functions that are not
complex-differentiable (holomorphic), and the operations whose rules hold for real
values only.

s2s follows autograd's convention for complex numbers.  The gradient of a real result
f with respect to a complex value z = x + iy is df/dx - i df/dy: so a holomorphic
function's rule is its real one (the adjoint of z in w = g(z) is dw times g'(z), no
conjugate), and gradients match autograd's.  The gradient with respect to a real value
that went through complex ones is real (the real part of what its rules give: the
imaginary part would be a derivative along an imaginary step, which it cannot take).
Tangents are complex numbers, as a complex step's change.

The other operations' rules hold for complex values as well, as holomorphic functions
or linear maps, except those declared `real_only` below: generated code refuses a
complex value that carries a derivative into them.
"""

import numpy

from s2s import adjoint, d, linear, real_only, tangent
from s2s.runtime.elementwise import abs_adjoint, abs_tangent, angle_adjoint, angle_tangent


@adjoint(numpy.absolute, abs)
def absolute(z, x):
    """Derivative 0 at 0.  For complex x: conj(x) / |x|."""
    d[x] += abs_adjoint(d[z], x, z)


@tangent(numpy.absolute, abs)
def absolute_forward(z, x):
    """Derivative 0 at 0.  For complex x: Re(conj(x) dx) / |x|."""
    d[z] = abs_tangent(d[x], x, z)


@linear(numpy.real, numpy.ndarray.real)
def real(z, x):
    d[x] += numpy.real(d[z])


@linear(numpy.imag, numpy.ndarray.imag)
def imag(z, x):
    # Im(x) = Re(-i x): under the convention, the adjoint is -i times the real one
    d[x] += -1j * numpy.real(d[z])


@linear(numpy.conjugate, numpy.ndarray.conjugate, numpy.ndarray.conj)
def conjugate(z, x):
    """For real arrays, the identity."""
    d[x] += numpy.conjugate(d[z])


@adjoint(numpy.angle)
def angle(z, x, deg=False):
    """0 at 0 and for real x (whose angle is 0 or pi)."""
    d[x] += angle_adjoint(d[z], x, z, deg)


@tangent(numpy.angle)
def angle_forward(z, x, deg=False):
    """0 at 0 and for real x (whose angle is 0 or pi)."""
    d[z] = angle_tangent(d[x], x, z, deg)


real_only(
    numpy.var, numpy.std, numpy.nanvar, numpy.nanstd, numpy.ndarray.var, numpy.ndarray.std,
    numpy.cov, numpy.corrcoef,
    reason="for complex values, a variance is of absolute values",
)
real_only(
    numpy.linalg.norm, numpy.linalg.vector_norm, numpy.linalg.matrix_norm,
    numpy.linalg.cholesky, numpy.linalg.eigh, numpy.linalg.eigvalsh, numpy.linalg.svd,
    numpy.linalg.svdvals, numpy.linalg.qr, numpy.linalg.pinv, numpy.linalg.lstsq,
    numpy.linalg.slogdet,
    reason="its rule is written for real matrices: complex ones need conjugate transposes",
)
real_only(
    numpy.vecdot, numpy.vecmat, numpy.correlate,
    reason="it conjugates complex arguments, which its rule does not",
)
