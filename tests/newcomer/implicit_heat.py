import numpy as np


def thomas(a, b, c, d):
    # tridiagonal solve: a sub-diagonal, b diagonal, c super-diagonal
    n = len(d)
    cp = np.zeros(n)
    dp = np.zeros(n)
    cp[0] = c[0] / b[0]
    dp[0] = d[0] / b[0]
    for i in range(1, n):
        denom = b[i] - a[i] * cp[i - 1]
        cp[i] = c[i] / denom if i < n - 1 else 0.0
        dp[i] = (d[i] - a[i] * dp[i - 1]) / denom
    x = np.zeros(n)
    x[-1] = dp[-1]
    for i in range(n - 2, -1, -1):
        x[i] = dp[i] - cp[i] * x[i + 1]
    return x


def crank_nicolson(u0, kappa, steps=5):
    n = len(u0)
    r = kappa / 2
    a = np.full(n, -r)
    b = np.full(n, 1 + 2 * r)
    c = np.full(n, -r)
    u = u0
    for _ in range(steps):
        rhs = u.copy()
        rhs[1:-1] = r * u[:-2] + (1 - 2 * r) * u[1:-1] + r * u[2:]
        u = thomas(a, b, c, rhs)
    return np.sum(u**2)


CASES = [
    dict(f=crank_nicolson, args=(np.array([0.0, 0.5, 1.0, 0.6, 0.1]), 0.4), wrt=("u0", "kappa")),
]
