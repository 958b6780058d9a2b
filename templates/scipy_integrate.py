"""scipy.integrate: what s2s does not differentiate yet, and why."""

from scipy import integrate

from s2s import refuse

refuse(integrate.odeint, integrate.solve_ivp, integrate.quad,
       reason="its derivative needs the derivatives of the function it is given, which a "
       "rule cannot call yet; write the integrator's steps in Python (a loop of RK4 steps, "
       "say), which s2s differentiates")
