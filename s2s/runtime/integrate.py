"""Helpers for the rules of scipy.integrate.odeint (templates/scipy_integrate.py).

The gradient runs the adjoint ODE backwards, from each time point to the one before,
with odeint itself: the state y (restarted at each point from the solution found),
its adjoint a, da/ds = -a df/dy, and the parameters' adjoint, dp/ds = -a df/dp; the
gradient of each point's value is added to a at its time.  The tangent integrates y
with its sensitivity, d(dy)/ds = df/dy dy + df/dp dp.  The derivatives of the user's
function f come from the functions s2s makes of it: `forward(tape, ...)` and
`adjoint(tape, a)` (its gradients, one per parameter), and `jvp(..., tangents)`."""

import inspect

import numpy

from s2s.runtime import zeros_like


def _options(rtol, atol, full_output):
    if full_output:
        raise NotImplementedError("s2s differentiates scipy.integrate.odeint without "
                                  "full_output")
    return {"rtol": rtol, "atol": atol}


def _flat(parts, like):
    """The parameters' parts as one vector (0 for a part that has none)."""
    flat = [numpy.zeros(numpy.size(x)) if p is None else
            numpy.ravel(numpy.broadcast_to(numpy.asarray(p, dtype=float), numpy.shape(x)))
            for p, x in zip(parts, like)]
    return numpy.concatenate(flat) if flat else numpy.zeros(0)


def _tangents(jvp):
    """The names of a jvp function's tangent parameters, in order: its second half
    (s2s makes it one tangent per parameter of the function given to odeint)."""
    names = list(inspect.signature(jvp).parameters)
    return names[len(names) // 2:]


def _zeros_where_none(tangent, like):
    """A tangent given as None or 0 (no tangent) as zeros shaped like `like`."""
    if tangent is None:
        return numpy.zeros(numpy.shape(like))
    return numpy.broadcast_to(numpy.asarray(tangent, dtype=float), numpy.shape(like))


def _unflat(vector, like):
    """A vector cut into parts shaped like `like` (numbers stay numbers)."""
    parts, start = [], 0
    for x in like:
        size = int(numpy.size(x))
        piece = vector[start:start + size]
        start += size
        parts.append(float(piece[0]) if isinstance(x, (int, float)) else
                     piece.reshape(numpy.shape(x)))
    return tuple(parts)


def odeint_adjoint(g, ys, y0, t, args, forward, adjoint, tfirst=False, rtol=None,
                   atol=None, full_output=0):
    """(the adjoint of y0, the adjoints of `args`) in `ys = odeint(f, y0, t, args)`,
    from the adjoint `g` of ys."""
    from scipy.integrate import odeint

    options = _options(rtol, atol, full_output)
    args, ys, g = tuple(args), numpy.asarray(ys), numpy.asarray(g)
    n = ys.shape[1]

    def dynamics(state, s):
        y, a = state[:n], state[n:2 * n]
        tape = []
        value = forward(tape, *((s, y) if tfirst else (y, s)), *args)
        grads = adjoint(tape, a)
        gy = grads[1] if tfirst else grads[0]
        return numpy.concatenate([numpy.ravel(value), -numpy.ravel(gy),
                                  -_flat(grads[2:], args)])

    a = numpy.array(g[-1], dtype=float)  # (y's adjoint at the last time point)
    p = numpy.zeros(sum(int(numpy.size(x)) for x in args))
    for i in range(len(t) - 1, 0, -1):
        state = numpy.concatenate([ys[i], a, p])
        state = odeint(dynamics, state, [t[i], t[i - 1]], **options)[-1]
        a, p = state[n:2 * n] + g[i - 1], state[2 * n:]
    return a.reshape(numpy.shape(y0)), _unflat(p, args)


def odeint_tangent(ty0, targs, ys, y0, t, args, jvp, tfirst=False, rtol=None, atol=None,
                   full_output=0):
    """The tangent of `ys = odeint(f, y0, t, args)` from the tangents of y0 and `args`
    (the time points have none)."""
    from scipy.integrate import odeint

    options = _options(rtol, atol, full_output)
    args = tuple(args)
    targs = tuple(zeros_like(x) for x in args) if targs is None else tuple(targs)
    names = _tangents(jvp)
    n = numpy.size(y0)

    def dynamics(state, s):
        y, dy = state[:n], state[n:]
        primals = (s, y) if tfirst else (y, s)
        tangents = (0.0, dy) if tfirst else (dy, 0.0)
        value, tangent = jvp(*primals, *args, **dict(zip(names, (*tangents, *targs))))
        return numpy.concatenate([numpy.ravel(value), numpy.ravel(tangent)])

    start = numpy.concatenate([numpy.ravel(y0), numpy.ravel(ty0) + numpy.zeros(n)])
    return odeint(dynamics, start, t, **options)[:, n:]


def odeint_adjoint_tangent(tg, tys, targs, g, ys, y0, t, args, jvp_forward, jvp_adjoint,
                           tfirst=False, rtol=None, atol=None, full_output=0):
    """The tangent of `odeint_adjoint(g, ys, y0, t, args, ...)` from the tangents of g, ys
    and `args` (y0 gives its shape alone; the time points have no tangent), for
    Hessian-vector products: the adjoint ODE's state (y, a, p) runs backwards with its
    own tangent, whose equations take the jvp of f's forward function (for y's) and of
    its adjoint function (for a's and p's: second derivatives of f)."""
    from scipy.integrate import odeint

    options = _options(rtol, atol, full_output)
    forward_names, adjoint_names = _tangents(jvp_forward), _tangents(jvp_adjoint)
    args, ys, g = tuple(args), numpy.asarray(ys), numpy.asarray(g)
    targs = tuple(_zeros_where_none(None if targs is None else targs[i], x)
                  for i, x in enumerate(args))
    tys, tg = _zeros_where_none(tys, ys), _zeros_where_none(tg, g)
    n = ys.shape[1]
    m = sum(int(numpy.size(x)) for x in args)

    def dynamics(state, s):
        y, a, ty, ta = (state[:n], state[n:2 * n], state[2 * n + m:3 * n + m],
                        state[3 * n + m:4 * n + m])
        tape, tape_tangent = [], []
        primals = (s, y) if tfirst else (y, s)
        tangents = (0.0, ty) if tfirst else (ty, 0.0)
        value, tvalue = jvp_forward(tape, *primals, *args, **dict(
            zip(forward_names, (tape_tangent, *tangents, *targs))))
        grads, tgrads = jvp_adjoint(tape, a, **dict(zip(adjoint_names, (tape_tangent, ta))))
        y_at = 1 if tfirst else 0
        return numpy.concatenate([
            numpy.ravel(value), -_flat([grads[y_at]], [y]), -_flat(grads[2:], args),
            numpy.ravel(tvalue) + numpy.zeros(n), -_flat([tgrads[y_at]], [y]),
            -_flat(tgrads[2:], args),
        ])

    a, ta = numpy.array(g[-1], dtype=float), numpy.array(tg[-1], dtype=float)
    p, tp = numpy.zeros(m), numpy.zeros(m)
    for i in range(len(t) - 1, 0, -1):
        state = numpy.concatenate([ys[i], a, p, tys[i], ta, tp])
        state = odeint(dynamics, state, [t[i], t[i - 1]], **options)[-1]
        a, p = state[n:2 * n] + g[i - 1], state[2 * n:2 * n + m]
        ta, tp = state[3 * n + m:4 * n + m] + tg[i - 1], state[4 * n + m:]
    return ta.reshape(numpy.shape(y0)), _unflat(tp, args)
