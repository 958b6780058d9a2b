"""scipy.integrate: odeint through its adjoint ODE (s2s/runtime/integrate.py), in the
initial values and the arguments passed to the function (`args=`), whose derivatives
s2s makes from its source (a module-level function of the user's); the time points
carry no derivative.  Hessian-vector products go forward over the adjoint ODE; the
other integrators are refused."""

from scipy import integrate

from s2s import adjoint, d, derivatives_of, no_derivative, refuse, tangent
from s2s.runtime.integrate import odeint_adjoint, odeint_adjoint_tangent, odeint_tangent


@adjoint(integrate.odeint)
def odeint(z, func, y0, t, args=(), Dfun=None, col_deriv=0, full_output=0, ml=None, mu=None,
           rtol=None, atol=None, tcrit=None, h0=0.0, hmax=0.0, hmin=0.0, ixpr=0, mxstep=0,
           mxhnil=0, mxordn=12, mxords=5, printmessg=0, tfirst=False):
    """In y0 and `args`, by the adjoint ODE, solved by odeint with the call's rtol and
    atol; the time points carry no derivative (refused); not with full_output."""
    parts = odeint_adjoint(d[z], z, y0, t, args, *derivatives_of(func), tfirst, rtol, atol,
                           full_output)
    d[y0] += parts[0]
    d[args] += parts[1]
    d[t] += no_derivative("the derivative in the time points is not supported yet")


@tangent(integrate.odeint)
def odeint_forward(z, func, y0, t, args=(), Dfun=None, col_deriv=0, full_output=0, ml=None,
                   mu=None, rtol=None, atol=None, tcrit=None, h0=0.0, hmax=0.0, hmin=0.0,
                   ixpr=0, mxstep=0, mxhnil=0, mxordn=12, mxords=5, printmessg=0,
                   tfirst=False):
    """y and its sensitivity, solved together by odeint; the time points have no
    tangent (refused where they carry one)."""
    d[z] = odeint_tangent(d[y0], d[args], z, y0, t, args, derivatives_of(func), tfirst, rtol,
                          atol, full_output) + no_derivative(
        d[t], "the derivative in the time points is not supported yet")


@tangent(odeint_adjoint)
def odeint_adjoint_forward(parts, g, ys, y0, t, args, forward, adjoint, tfirst=False,
                           rtol=None, atol=None, full_output=0):
    """The gradient's tangent (Hessian-vector products: forward over reverse), by the
    adjoint ODE's tangent, which takes the jvps of the function's derivatives."""
    d[parts] = odeint_adjoint_tangent(
        d[g], d[ys], d[args], g, ys, y0, t, args, derivatives_of(forward), derivatives_of(adjoint),
        tfirst, rtol, atol, full_output) + no_derivative(
        d[t], "the derivative in the time points is not supported yet")


refuse(odeint_adjoint, odeint_tangent,
       reason="odeint's derivative, differentiated again other than forward over reverse; "
       "s2s.hvp and s2s.hessian, which are, give its second derivatives")
refuse(integrate.solve_ivp, integrate.quad,
       reason="its derivative needs the derivatives of the function it is given, which s2s "
       "makes for odeint only so far; write the integrator's steps in Python (a loop of "
       "RK4 steps, say), which s2s differentiates")
