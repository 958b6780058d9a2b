"""A single self-attention block with a residual connection and layer norm, written
plainly in NumPy: q, k, v projections of the tokens x (n tokens by d features), a
softmax of the scaled scores with the row maximum subtracted, an output projection,
the residual, a layer norm from np.mean and np.var with a gain and a bias, and the
mean square of the result as the loss.  The sizes come from the arguments' shapes."""

import numpy as np


def loss(Wq, Wk, Wv, Wo, gamma, beta, x):
    d = Wq.shape[1]
    q = x @ Wq
    k = x @ Wk
    v = x @ Wv
    scores = q @ k.T / d**0.5
    scores = scores - np.max(scores, axis=1, keepdims=True)
    e = np.exp(scores)
    a = e / np.sum(e, axis=1, keepdims=True)
    y = (a @ v) @ Wo + x
    mu = np.mean(y, axis=1, keepdims=True)
    var = np.var(y, axis=1, keepdims=True)
    out = gamma * ((y - mu) / np.sqrt(var + 1e-5)) + beta
    return np.mean(out**2)
