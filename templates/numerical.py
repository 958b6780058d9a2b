"""Numerical methods on sampled data: trapezoid (integration), gradient (differences),
interp (interpolation), convolve and correlate (1-d), polyval (polynomials).  Every
parameter that can carry a derivative gets one: the sample points and spacings too.

Conventions: interp at a knot takes the slope of the segment to its right (at the last
knot, to its left), and has slope 0 outside xp; `period=` is refused.  gradient is
differentiated with scalar spacings; coordinate arrays as spacing are refused.
"""

import numpy

from s2s import adjoint, bilinear, d, tangent
from s2s.runtime.numerical import (
    convolve_adjoint,
    correlate_adjoint,
    gradient_adjoint,
    gradient_spacing_adjoints,
    gradient_spacing_tangent,
    gradient_tangent,
    interp_end_adjoint,
    interp_fp_adjoint,
    interp_fp_tangent,
    interp_left_tangent,
    interp_right_tangent,
    interp_x_adjoint,
    interp_x_tangent,
    interp_xp_adjoint,
    interp_xp_tangent,
    polyval_p_adjoint,
    polyval_slope,
    polyval_x_adjoint,
    trapezoid_adjoint,
    trapezoid_dx_adjoint,
    trapezoid_dx_tangent,
    trapezoid_x_adjoint,
)


@adjoint(numpy.trapezoid)
def trapezoid(z, y, x=None, dx=1.0, axis=-1):
    d[y] += trapezoid_adjoint(d[z], y, x, dx, axis)
    d[x] += trapezoid_x_adjoint(d[z], y, x, axis)
    d[dx] += trapezoid_dx_adjoint(d[z], y, dx, axis, x)


@tangent(numpy.trapezoid)
def trapezoid_forward(z, y, x=None, dx=1.0, axis=-1):
    """Linear in `y`, and in `x` (through its differences)."""
    d[z] = (numpy.trapezoid(d[y], x, dx, axis) + numpy.trapezoid(y, d[x], dx, axis)
            + trapezoid_dx_tangent(d[dx], y, x, axis))


@adjoint(numpy.gradient)
def gradient(z, f, *varargs, axis=None, edge_order=1):
    """Scalar spacings only; coordinate arrays are refused."""
    d[f] += gradient_adjoint(d[z], f, *varargs, axis=axis, edge_order=edge_order)
    d[varargs] += gradient_spacing_adjoints(d[z], z, f, *varargs, axis=axis,
                                            edge_order=edge_order)


@tangent(numpy.gradient)
def gradient_forward(z, f, *varargs, axis=None, edge_order=1):
    """Linear in `f`; each scalar spacing h scales its axis's result by 1 / h.
    Coordinate arrays as spacing are refused when they have a tangent."""
    d[z] = (gradient_tangent(d[f], varargs, axis, edge_order)
            + gradient_spacing_tangent(d[varargs], z, f, varargs, axis, edge_order))


@adjoint(numpy.interp)
def interp(z, x, xp, fp, left=None, right=None, period=None):
    """At a knot, the slope to its right (at the last knot, to its left); 0 outside
    xp.  `period=` is refused."""
    d[x] += interp_x_adjoint(d[z], x, xp, fp, left, right, period)
    d[xp] += interp_xp_adjoint(d[z], x, xp, fp, left, right, period)
    d[fp] += interp_fp_adjoint(d[z], x, xp, fp, left, right, period)
    d[left] += interp_end_adjoint(d[z], x, xp)
    d[right] += interp_end_adjoint(d[z], x, xp, True)


@tangent(numpy.interp)
def interp_forward(z, x, xp, fp, left=None, right=None, period=None):
    """At a knot, the slope to its right (at the last knot, to its left); 0 outside
    xp.  `period=` is refused."""
    d[z] = (interp_x_tangent(d[x], x, xp, fp, left, right, period)
            + interp_xp_tangent(d[xp], x, xp, fp, left, right, period)
            + interp_fp_tangent(d[fp], x, xp, fp, left, right, period)
            + interp_left_tangent(d[left], x, xp, fp, left, right, period)
            + interp_right_tangent(d[right], x, xp, fp, left, right, period))


@bilinear(numpy.convolve)
def convolve(z, a, v, mode="full"):
    d[a] += convolve_adjoint(d[z], a, v, mode)
    d[v] += convolve_adjoint(d[z], a, v, mode, False)


@bilinear(numpy.correlate)
def correlate(z, a, v, mode="valid"):
    d[a] += correlate_adjoint(d[z], a, v, mode)
    d[v] += correlate_adjoint(d[z], a, v, mode, False)


@adjoint(numpy.polyval)
def polyval(z, p, x):
    d[p] += polyval_p_adjoint(d[z], p, x)
    d[x] += polyval_x_adjoint(d[z], p, x)


@tangent(numpy.polyval)
def polyval_forward(z, p, x):
    d[z] = numpy.polyval(d[p], x) + d[x] * polyval_slope(p, x)
