import numpy as np


def conv1d(x, w):
    k = len(w)
    out = np.zeros(len(x) - k + 1)
    for i in range(len(out)):
        out[i] = np.sum(x[i:i + k] * w)
    return out


def conv_loss(w, x, target):
    y = conv1d(x, w)
    y = np.tanh(y)
    return np.sum((y - target) ** 2)


def moving_average_loss(x, window=3):
    smooth = np.convolve(x, np.ones(window) / window, mode="valid")
    return np.sum(smooth**2)


x = np.array([0.2, -0.5, 1.0, 0.7, -0.3, 0.4])

CASES = [
    dict(f=conv_loss, args=(np.array([0.5, -0.2, 0.3]), x, np.array([0.1, 0.0, -0.2, 0.3])), wrt=("w", "x")),
    dict(f=moving_average_loss, args=(x,), wrt=("x",)),
]
