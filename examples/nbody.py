"""Five bodies under softened gravity in the plane, 200 symplectic-Euler steps (kick,
then drift), written as a physicist writes it: positions and velocities in lists of
Python floats, pairwise double loops, `math.sqrt`; the final total energy (kinetic
plus potential)."""

import math


def energy(xs, ys, vxs, vys, masses, dt=0.01, steps=200):
    n = len(xs)
    xs = list(xs)  # (the caller's lists are left as they were)
    ys = list(ys)
    vxs = list(vxs)
    vys = list(vys)
    for step in range(steps):
        axs = [0.0] * n
        ays = [0.0] * n
        for i in range(n):
            for j in range(n):
                if i != j:
                    dx = xs[j] - xs[i]
                    dy = ys[j] - ys[i]
                    r = math.sqrt(dx * dx + dy * dy + 0.01)
                    f = masses[j] / (r * r * r)
                    axs[i] = axs[i] + f * dx
                    ays[i] = ays[i] + f * dy
        for i in range(n):
            vxs[i] = vxs[i] + dt * axs[i]
            vys[i] = vys[i] + dt * ays[i]
            xs[i] = xs[i] + dt * vxs[i]
            ys[i] = ys[i] + dt * vys[i]
    kinetic = 0.0
    for i in range(n):
        kinetic = kinetic + 0.5 * masses[i] * (vxs[i] * vxs[i] + vys[i] * vys[i])
    potential = 0.0
    for i in range(n):
        for j in range(i + 1, n):
            dx = xs[j] - xs[i]
            dy = ys[j] - ys[i]
            potential = potential - masses[i] * masses[j] / math.sqrt(dx * dx + dy * dy + 0.01)
    return kinetic + potential
