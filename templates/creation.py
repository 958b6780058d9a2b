"""Arrays made from values: linspace, logspace, geomspace, arange, full, full_like,
meshgrid, broadcast_arrays and vander.  Their start, stop, step, base and fill values
carry derivatives; the numbers of samples and the shapes do not.

Conventions: arange's stop only sets how many values there are (no derivative); a
lone argument to arange is its stop.  geomspace's start and stop share a sign.

linspace, full, meshgrid and broadcast_arrays are linear in their values: their
tangent is the function applied to the tangents.  The others' tangents are written
beside their adjoints, each in the dtype of its result (NumPy computes geomspace,
vander and arange in float64 whatever their inputs).
"""

import numpy

from s2s import adjoint, d, linear, tangent
from s2s.runtime.creation import (
    arange_adjoints,
    arange_tangent,
    broadcast_parts,
    fill_value_adjoint,
    full_tangent,
    geomspace_adjoint,
    geomspace_tangent,
    linspace_adjoint,
    logspace_adjoint,
    logspace_base_adjoint,
    logspace_base_tangent,
    logspace_tangent,
    meshgrid_parts,
    vander_adjoint,
    vander_tangent,
)


@linear(numpy.linspace)
def linspace(z, start, stop, num=50, endpoint=True, retstep=False, dtype=None, axis=0, *,
             device=None):
    d[start] += linspace_adjoint(d[z], start, stop, num, endpoint, retstep, axis)
    d[stop] += linspace_adjoint(d[z], start, stop, num, endpoint, retstep, axis, 1)


@adjoint(numpy.logspace)
def logspace(z, start, stop, num=50, endpoint=True, base=10.0, dtype=None, axis=0):
    d[start] += logspace_adjoint(d[z], z, start, stop, num, endpoint, base, axis)
    d[stop] += logspace_adjoint(d[z], z, start, stop, num, endpoint, base, axis, 1)
    d[base] += logspace_base_adjoint(d[z], z, start, stop, num, endpoint, base, axis)


@tangent(numpy.logspace)
def logspace_forward(z, start, stop, num=50, endpoint=True, base=10.0, dtype=None, axis=0):
    # not linear: base ** linspace(start, stop)
    d[z] = (logspace_tangent(d[start], d[stop], z, base, num, endpoint, axis)
            + logspace_base_tangent(d[base], z, start, stop, num, endpoint, base, axis))


@adjoint(numpy.geomspace)
def geomspace(z, start, stop, num=50, endpoint=True, dtype=None, axis=0):
    """start and stop share a sign."""
    d[start] += geomspace_adjoint(d[z], z, start, stop, num, endpoint, axis)
    d[stop] += geomspace_adjoint(d[z], z, start, stop, num, endpoint, axis, 1)


@tangent(numpy.geomspace)
def geomspace_forward(z, start, stop, num=50, endpoint=True, dtype=None, axis=0):
    # not linear: start (stop / start) ** t
    d[z] = (geomspace_tangent(d[start], z, start, stop, num, endpoint, axis)
            + geomspace_tangent(d[stop], z, start, stop, num, endpoint, axis, 1))


@adjoint(numpy.arange)
def arange(z, start_or_stop, /, stop=None, step=1, *, dtype=None, device=None, like=None):
    """The stop (and a lone argument, the stop) carries no derivative."""
    parts = arange_adjoints(d[z], start_or_stop, stop, step)
    d[start_or_stop] += parts[0]
    d[step] += parts[1]


@tangent(numpy.arange)
def arange_forward(z, start_or_stop, /, stop=None, step=1, *, dtype=None, device=None,
                    like=None):
    # not linear: how many values there are depends on start and step
    d[z] = arange_tangent(d[start_or_stop], d[step], z, stop)


@linear(numpy.full)
def full(z, shape, fill_value, dtype=None, order="C", *, device=None, like=None):
    d[fill_value] += fill_value_adjoint(d[z], fill_value)


@adjoint(numpy.full_like)
def full_like(z, a, fill_value, dtype=None, order="K", subok=True, shape=None, *,
              device=None):
    """`a` gives only a shape and a dtype: no derivative."""
    d[fill_value] += fill_value_adjoint(d[z], fill_value)


@tangent(numpy.full_like)
def full_like_forward(z, a, fill_value, dtype=None, order="K", subok=True, shape=None, *,
                      device=None):
    # Linear only where the dtype, `a`'s unless given, is a float one: an integer `a`
    # (counts, indices) truncates the fill value, whose tangent is then 0, as
    # full_tangent gives it (numpy.full_like(a, d[fill_value]) would truncate that)
    d[z] = full_tangent(d[fill_value], z)


@linear(numpy.meshgrid)
def meshgrid(z, *xi, copy=True, sparse=False, indexing="xy"):
    d[xi] += meshgrid_parts(d[z], *xi, sparse=sparse, indexing=indexing)


@linear(numpy.broadcast_arrays)
def broadcast_arrays(z, *args, subok=False):
    d[args] += broadcast_parts(d[z], *args)


@adjoint(numpy.vander)
def vander(z, x, N=None, increasing=False):
    d[x] += vander_adjoint(d[z], x, N, increasing)


@tangent(numpy.vander)
def vander_forward(z, x, N=None, increasing=False):
    # not linear: powers of x
    d[z] = vander_tangent(d[x], z, x, N, increasing)
