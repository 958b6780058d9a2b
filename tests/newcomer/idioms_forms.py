"""match on a setting, the walrus operator, del of a temporary, a global call counter."""
import numpy as np

n_evals = 0


def activation(x, kind):
    match kind:
        case "relu" | "r":
            y = np.maximum(x, 0.0)
        case "tanh":
            y = np.tanh(x)
        case None:
            y = x
        case _:
            y = -x
    return np.sum(y ** 2)


def guarded(x, n):
    match n:
        case 0:
            return np.sum(x)
        case k if k > 2:
            return np.sum(x ** 2) * k
        case _:
            return np.sum(np.sin(x)) * n


def until_small(x):
    if (norm := np.sqrt(np.sum(x ** 2))) > 3.0:
        x = x / norm
    total = 0.0
    k = 0
    while (term := np.sin(x[k % 3]) * 0.5 ** k) > 0.01 and k < 12:
        total = total + term
        k += 1
    return total + norm


def drops_a_temporary(x):
    t = x * 2.0
    y = np.tanh(t)
    del t
    return np.sum(y * x)


def counted(w, x):
    global n_evals
    n_evals += 1
    return np.sum((x @ w) ** 2)


V = np.array([0.5, -1.0, 2.0])
CASES = [
    dict(f=activation, args=(V, "relu"), wrt=("x",)),
    dict(f=activation, args=(V, "r"), wrt=("x",)),
    dict(f=activation, args=(V, "tanh"), wrt=("x",)),
    dict(f=activation, args=(V, None), wrt=("x",)),
    dict(f=activation, args=(V, "linear"), wrt=("x",)),
    dict(f=guarded, args=(V, 0), wrt=("x",)),
    dict(f=guarded, args=(V, 3), wrt=("x",)),
    dict(f=guarded, args=(V, 2), wrt=("x",)),
    dict(f=until_small, args=(np.array([0.3, 0.8, 0.4]),), wrt=("x",)),
    dict(f=until_small, args=(np.array([3.0, -2.0, 1.5]),), wrt=("x",)),
    dict(f=drops_a_temporary, args=(V,), wrt=("x",)),
    dict(f=counted, args=(np.array([[0.5], [1.0]]), np.array([[1.0, 2.0], [0.3, -1.0]])), wrt=("w", "x")),
]
