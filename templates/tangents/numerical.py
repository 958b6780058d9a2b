"""Numerical methods on sampled data: trapezoid (integration), gradient (differences),
interp (interpolation), convolve and correlate (1-d), polyval (polynomials).  Every
parameter that can carry a derivative has a tangent: the sample points and spacings
too.

Conventions, as in the reverse rules: interp at a knot takes the slope of the segment
to its right (at the last knot, to its left), and has slope 0 outside xp; `period=`
is refused.  gradient's spacings have tangents where they are scalars; coordinate
arrays with a tangent are refused.
"""

import numpy

from s2s import d, tangent
from s2s.runtime.numerical import (
    gradient_spacing_tangent,
    gradient_tangent,
    interp_fp_tangent,
    interp_left_tangent,
    interp_right_tangent,
    interp_x_tangent,
    interp_xp_tangent,
    polyval_slope,
    trapezoid_dx_tangent,
)


@tangent(numpy.trapezoid)
def trapezoid(z, y, x=None, dx=1.0, axis=-1):
    """Linear in `y`, and in `x` (through its differences)."""
    d[z] = (numpy.trapezoid(d[y], x, dx, axis) + numpy.trapezoid(y, d[x], dx, axis)
            + trapezoid_dx_tangent(d[dx], y, x, axis))


@tangent(numpy.gradient)
def gradient(z, f, *varargs, axis=None, edge_order=1):
    """Linear in `f`; each scalar spacing h scales its axis's result by 1 / h.
    Coordinate arrays as spacing are refused when they have a tangent."""
    d[z] = (gradient_tangent(d[f], varargs, axis, edge_order)
            + gradient_spacing_tangent(d[varargs], z, f, varargs, axis, edge_order))


@tangent(numpy.interp)
def interp(z, x, xp, fp, left=None, right=None, period=None):
    """At a knot, the slope to its right (at the last knot, to its left); 0 outside
    xp.  `period=` is refused."""
    d[z] = (interp_x_tangent(d[x], x, xp, fp, left, right, period)
            + interp_xp_tangent(d[xp], x, xp, fp, left, right, period)
            + interp_fp_tangent(d[fp], x, xp, fp, left, right, period)
            + interp_left_tangent(d[left], x, xp, fp, left, right, period)
            + interp_right_tangent(d[right], x, xp, fp, left, right, period))


@tangent(numpy.convolve)
def convolve(z, a, v, mode="full"):
    d[z] = numpy.convolve(d[a], v, mode) + numpy.convolve(a, d[v], mode)


@tangent(numpy.correlate)
def correlate(z, a, v, mode="valid"):
    d[z] = numpy.correlate(d[a], v, mode) + numpy.correlate(a, d[v], mode)


@tangent(numpy.polyval)
def polyval(z, p, x):
    d[z] = numpy.polyval(d[p], x) + d[x] * polyval_slope(p, x)
