import numpy as np


def weighted_fit(w, xs, ys):
    loss = 0
    for i, (x, y) in enumerate(zip(xs, ys)):
        weight = 1.0 / (i + 1)
        loss += weight * (w[0] * x + w[1] - y) ** 2
    return loss


def features_loss(coefs, x):
    feats = {"lin": x, "quad": x**2, "sin": np.sin(x)}
    pred = 0
    for name, f in feats.items():
        pred = pred + coefs[name] * f
    return np.sum(pred**2)


def list_params(params, x):
    out = x
    for W in params:
        out = np.tanh(W @ out)
    return out.sum()


CASES = [
    dict(f=weighted_fit,
         args=(np.array([0.7, -0.2]), np.array([1.0, 2.0, 3.0]), np.array([0.5, 1.4, 2.6])),
         wrt=("w", "xs")),
    dict(f=features_loss,
         args=({"lin": 0.5, "quad": -0.2, "sin": 1.1}, np.array([0.3, -0.8, 1.2])),
         wrt=("coefs",)),
    dict(f=list_params, args=([np.array([[0.5, -0.3], [0.2, 0.8]]), np.array([[1.1, 0.4], [-0.6, 0.3]])],
                              np.array([0.7, -0.2])), wrt=("params",)),
]
