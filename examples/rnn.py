"""A tanh recurrent network over T time steps, written as a Python loop that writes
each hidden state into a buffer; mean-squared error of a linear readout."""

import numpy as np


def loss(Wx, Wh, b, Wy, xs, ys):
    steps, batch = xs.shape[0], xs.shape[1]
    h = np.zeros_like(xs, shape=(steps + 1, batch, Wh.shape[0]))
    for t in range(steps):
        h[t + 1] = np.tanh(xs[t] @ Wx + h[t] @ Wh + b)
    out = h[1:] @ Wy
    return np.mean((out - ys) ** 2)
