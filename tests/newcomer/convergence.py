import numpy as np


def gd_until_converged(A, b):
    # solve A x = b for a symmetric positive definite A by gradient descent
    x = np.zeros_like(b)
    g = A @ x - b
    while np.linalg.norm(g) > 1e-12:
        x = x - 0.3 * g
        g = A @ x - b
    return np.sum(x)


def seeded_monte_carlo(mu, sigma):
    rng = np.random.default_rng(42)
    z = rng.standard_normal(200)
    samples = mu + sigma * z
    return np.mean(np.sin(samples))


def config_loss(w, x, cfg):
    lr = cfg.get("lr", 0.1)
    reg = cfg["reg"] if "reg" in cfg else 0.0
    y = x @ w
    penalty = reg * np.sum(w**2) if 0.0 < reg < 1.0 else 0.0
    return np.sum(y**2) * lr + penalty


A = np.array([[2.0, 0.3, 0.0], [0.3, 1.5, 0.2], [0.0, 0.2, 1.0]])

CASES = [
    dict(f=gd_until_converged, args=(A, np.array([1.0, -0.5, 0.3])), wrt=("A", "b")),
    dict(f=seeded_monte_carlo, args=(0.3, 1.2), wrt=("mu", "sigma")),
    dict(f=config_loss, args=(np.array([0.4, -0.3]), np.array([[1.0, 2.0], [0.5, -0.1]]), {"reg": 0.2}),
         wrt=("w",)),
]
