import math

import numpy as np


def attention(Q, K, V):
    d = Q.shape[-1]
    scores = Q @ K.T / math.sqrt(d)
    scores -= scores.max(axis=-1, keepdims=True)
    weights = np.exp(scores)
    weights /= weights.sum(axis=-1, keepdims=True)
    return weights @ V


def attn_loss(Q, K, V):
    out = attention(Q, K, V)
    return (out**2).sum()


rng = np.random.default_rng(7)

CASES = [
    dict(f=attn_loss, args=(rng.normal(size=(3, 2)), rng.normal(size=(4, 2)), rng.normal(size=(4, 2))),
         wrt=("Q", "K", "V")),
]
