"""The classic backprop lecture example: the score of a word window,
s = u . sigmoid(W x + b)."""

import numpy as np


def score(W, b, u, x):
    z = W @ x + b
    h = 1.0 / (1.0 + np.exp(-z))
    return u @ h
