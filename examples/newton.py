"""Second derivatives: Newton's method for an L2-regularized logistic regression.

Each step solves H dw = g for the gradient g and Hessian H of the loss, both from
s2s.  `newton_cg` never forms H: it solves with conjugate gradients, each iteration
one Hessian-vector product `s2s.hvp` (forward mode over the generated gradient).

    python -m examples.newton
"""

import numpy as np

import s2s


def loss(w, x, y, lam):
    margins = y * (x @ w)
    return np.mean(np.log1p(np.exp(-margins))) + lam * np.sum(w * w)


def newton(w, x, y, lam, steps=6):
    grad, hessian = s2s.grad(loss), s2s.hessian(loss)
    history = []
    for _ in range(steps):
        g = grad(w, x, y, lam)
        w = w - np.linalg.solve(hessian(w, x, y, lam), g)
        history.append(float(np.linalg.norm(g)))
    return w, history


def newton_cg(w, x, y, lam, steps=6, iterations=20):
    grad, hvp = s2s.grad(loss), s2s.hvp(loss)
    history = []
    for _ in range(steps):
        g = grad(w, x, y, lam)
        step, r = np.zeros_like(w), g.copy()  # conjugate gradients for H step = g
        p, rr = r.copy(), r @ r
        for _ in range(iterations):
            hp = hvp(w, x, y, lam, p)
            alpha = rr / (p @ hp)
            step, r = step + alpha * p, r - alpha * hp
            rr, previous = r @ r, rr
            if rr < 1e-30:
                break
            p = r + (rr / previous) * p
        w = w - step
        history.append(float(np.linalg.norm(g)))
    return w, history


def data(n=200, features=5, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, features))
    y = np.sign(x @ rng.normal(size=features) + 0.5 * rng.normal(size=n))
    return x, y


if __name__ == "__main__":
    x, y = data()
    start = np.zeros(x.shape[1])
    for method in (newton, newton_cg):
        w, history = method(start, x, y, 1e-2, steps=7)
        norms = ", ".join(f"{h:.1e}" for h in history)
        print(f"{method.__name__:9s} |gradient| per step: {norms}")
