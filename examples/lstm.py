"""An LSTM language model's loss over T time steps, written as one writes it in NumPy:
one weight matrix W for the four gates (the input and the previous hidden state side
by side), the gates sliced out of the pre-activation z, and a softmax cross-entropy of
a linear readout against one-hot next tokens, accumulated in the loop.

The sizes come from the arguments' shapes: xs is (T, batch, input), ys is
(T, batch, vocabulary) one-hot, W is (input + hidden, 4 * hidden), b is (4 * hidden,)
and Wy is (hidden, vocabulary)."""

import numpy as np


def loss(W, b, Wy, xs, ys):
    steps, batch = xs.shape[0], xs.shape[1]
    hidden = W.shape[1] // 4
    h = np.zeros_like(xs, shape=(batch, hidden))
    c = np.zeros_like(xs, shape=(batch, hidden))
    total = 0.0
    for t in range(steps):
        z = np.concatenate([xs[t], h], axis=1) @ W + b
        i = 1.0 / (1.0 + np.exp(-z[:, :hidden]))
        f = 1.0 / (1.0 + np.exp(-z[:, hidden : 2 * hidden]))
        o = 1.0 / (1.0 + np.exp(-z[:, 2 * hidden : 3 * hidden]))
        g = np.tanh(z[:, 3 * hidden :])
        c = f * c + i * g
        h = o * np.tanh(c)
        logits = h @ Wy
        shifted = logits - np.max(logits, axis=1, keepdims=True)
        logp = shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))
        total = total - np.sum(ys[t] * logp)
    return total / (steps * batch)
