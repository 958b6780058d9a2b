import numpy as np


def rhs(t, y, omega, gamma):
    # damped oscillator, y = [position, velocity]
    return np.array([y[1], -omega**2 * y[0] - gamma * y[1]])


def rk4_step(f, t, y, h, *args):
    k1 = f(t, y, *args)
    k2 = f(t + h / 2, y + h / 2 * k1, *args)
    k3 = f(t + h / 2, y + h / 2 * k2, *args)
    k4 = f(t + h, y + h * k3, *args)
    return y + h / 6 * (k1 + 2 * k2 + 2 * k3 + k4)


def simulate(omega, gamma, y0):
    t = 0.0
    h = 0.1
    y = y0
    for i in range(10):
        y = rk4_step(rhs, t, y, h, omega, gamma)
        t += h
    return y[0] ** 2 + 0.5 * y[1] ** 2


CASES = [
    dict(f=simulate, args=(1.3, 0.2, np.array([1.0, -0.4])), wrt=("omega", "gamma", "y0")),
]
