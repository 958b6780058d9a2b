"""Arrays made from values: linspace, logspace, geomspace, arange, full, full_like,
meshgrid, broadcast_arrays and vander.  Their start, stop, step, base and fill values
carry derivatives; the numbers of samples and the shapes do not.

Conventions: arange's stop only sets how many values there are (no derivative); a
lone argument to arange is its stop.  geomspace's start and stop share a sign.
"""

import numpy

from s2s import adjoint, d
from s2s.runtime.creation import (
    arange_adjoints,
    broadcast_parts,
    fill_value_adjoint,
    geomspace_adjoint,
    linspace_adjoint,
    logspace_adjoint,
    logspace_base_adjoint,
    meshgrid_parts,
    vander_adjoint,
)


@adjoint(numpy.linspace)
def linspace(z, start, stop, num=50, endpoint=True, retstep=False, dtype=None, axis=0, *,
             device=None):
    d[start] += linspace_adjoint(d[z], start, stop, num, endpoint, retstep, axis)
    d[stop] += linspace_adjoint(d[z], start, stop, num, endpoint, retstep, axis, 1)


@adjoint(numpy.logspace)
def logspace(z, start, stop, num=50, endpoint=True, base=10.0, dtype=None, axis=0):
    d[start] += logspace_adjoint(d[z], z, start, stop, num, endpoint, base, axis)
    d[stop] += logspace_adjoint(d[z], z, start, stop, num, endpoint, base, axis, 1)
    d[base] += logspace_base_adjoint(d[z], z, start, stop, num, endpoint, base, axis)


@adjoint(numpy.geomspace)
def geomspace(z, start, stop, num=50, endpoint=True, dtype=None, axis=0):
    """start and stop share a sign."""
    d[start] += geomspace_adjoint(d[z], z, start, stop, num, endpoint, axis)
    d[stop] += geomspace_adjoint(d[z], z, start, stop, num, endpoint, axis, 1)


@adjoint(numpy.arange)
def arange(z, start_or_stop, /, stop=None, step=1, *, dtype=None, device=None, like=None):
    """The stop (and a lone argument, the stop) carries no derivative."""
    parts = arange_adjoints(d[z], start_or_stop, stop, step)
    d[start_or_stop] += parts[0]
    d[step] += parts[1]


@adjoint(numpy.full)
def full(z, shape, fill_value, dtype=None, order="C", *, device=None, like=None):
    d[fill_value] += fill_value_adjoint(d[z], fill_value)


@adjoint(numpy.full_like)
def full_like(z, a, fill_value, dtype=None, order="K", subok=True, shape=None, *,
              device=None):
    """`a` gives only a shape and a dtype: no derivative."""
    d[fill_value] += fill_value_adjoint(d[z], fill_value)


@adjoint(numpy.meshgrid)
def meshgrid(z, *xi, copy=True, sparse=False, indexing="xy"):
    d[xi] += meshgrid_parts(d[z], *xi, sparse=sparse, indexing=indexing)


@adjoint(numpy.broadcast_arrays)
def broadcast_arrays(z, *args, subok=False):
    d[args] += broadcast_parts(d[z], *args)


@adjoint(numpy.vander)
def vander(z, x, N=None, increasing=False):
    d[x] += vander_adjoint(d[z], x, N, increasing)
