"""Arrays made from values: linspace, logspace, geomspace, arange, full, full_like,
meshgrid, broadcast_arrays and vander.  Their start, stop, step, base and fill values
carry derivatives; the numbers of samples and the shapes do not.

Conventions (as the reverse rules'): arange's stop only sets how many values there
are (no derivative); a lone argument to arange is its stop.  geomspace's start and
stop share a sign.  Each tangent comes in the dtype of its result (NumPy computes
geomspace, vander and arange in float64 whatever their inputs).
"""

import numpy

from s2s import d, tangent
from s2s.runtime.creation import (
    arange_tangent,
    broadcast_tangent,
    full_tangent,
    geomspace_tangent,
    linspace_tangent,
    logspace_base_tangent,
    logspace_tangent,
    meshgrid_tangent,
    vander_tangent,
)


@tangent(numpy.linspace)
def linspace(z, start, stop, num=50, endpoint=True, retstep=False, dtype=None, axis=0, *,
             device=None):
    d[z] = linspace_tangent(d[start], d[stop], z, num, endpoint, retstep, axis)


@tangent(numpy.logspace)
def logspace(z, start, stop, num=50, endpoint=True, base=10.0, dtype=None, axis=0):
    d[z] = (logspace_tangent(d[start], d[stop], z, base, num, endpoint, axis)
            + logspace_base_tangent(d[base], z, start, stop, num, endpoint, base, axis))


@tangent(numpy.geomspace)
def geomspace(z, start, stop, num=50, endpoint=True, dtype=None, axis=0):
    """start and stop share a sign."""
    d[z] = (geomspace_tangent(d[start], z, start, stop, num, endpoint, axis)
            + geomspace_tangent(d[stop], z, start, stop, num, endpoint, axis, 1))


@tangent(numpy.arange)
def arange(z, start_or_stop, /, stop=None, step=1, *, dtype=None, device=None, like=None):
    """The stop (and a lone argument, the stop) carries no derivative."""
    d[z] = arange_tangent(d[start_or_stop], d[step], z, stop)


@tangent(numpy.full)
def full(z, shape, fill_value, dtype=None, order="C", *, device=None, like=None):
    d[z] = full_tangent(d[fill_value], z)


@tangent(numpy.full_like)
def full_like(z, a, fill_value, dtype=None, order="K", subok=True, shape=None, *,
              device=None):
    """`a` gives only a shape and a dtype: no derivative."""
    d[z] = full_tangent(d[fill_value], z)


@tangent(numpy.meshgrid)
def meshgrid(z, *xi, copy=True, sparse=False, indexing="xy"):
    d[z] = meshgrid_tangent(d[xi], z, copy, sparse, indexing)


@tangent(numpy.broadcast_arrays)
def broadcast_arrays(z, *args, subok=False):
    d[z] = broadcast_tangent(d[args], z)


@tangent(numpy.vander)
def vander(z, x, N=None, increasing=False):
    d[z] = vander_tangent(d[x], z, x, N, increasing)
