import math


def newton_sqrt(a, tol=1e-12):
    x = a
    while True:
        x_new = 0.5 * (x + a / x)
        if abs(x_new - x) < tol:
            break
        x = x_new
    return x_new


def solve_kepler(M, e):
    # Kepler's equation E - e sin E = M
    E = M
    for it in range(50):
        dE = (E - e * math.sin(E) - M) / (1 - e * math.cos(E))
        E = E - dE
        if abs(dE) < 1e-13:
            break
    return E


def minimize_by_gd(a, b):
    x = 0.0
    lr = 0.05
    grad = 1.0
    it = 0
    while abs(grad) > 1e-10 and it < 1000:
        grad = 2 * a * (x - b) + 4 * x**3
        x = x - lr * grad
        it += 1
    return a * (x - b) ** 2 + x**4


CASES = [
    dict(f=newton_sqrt, args=(2.7,), wrt=("a",)),
    dict(f=solve_kepler, args=(1.1, 0.3), wrt=("M", "e")),
    dict(f=minimize_by_gd, args=(1.5, 0.8), wrt=("a", "b")),
]
