import numpy as np


def rnn_loss(Wx, Wh, b, xs, targets):
    h = np.zeros(Wh.shape[0])
    loss = 0.0
    for t in range(len(xs)):
        h = np.tanh(Wx @ xs[t] + Wh @ h + b)
        loss += np.sum((h - targets[t]) ** 2)
    return loss / len(xs)


def rnn_states(Wx, Wh, xs):
    h = np.zeros(Wh.shape[0])
    hs = []
    for x in xs:
        h = np.tanh(np.dot(Wx, x) + np.dot(Wh, h))
        hs.append(h)
    H = np.stack(hs)
    return np.sum(H[-1]) + 0.1 * np.sum(H**2)


rng = np.random.default_rng(4)
Wx = rng.normal(size=(3, 2)) * 0.5
Wh = rng.normal(size=(3, 3)) * 0.5
xs = rng.normal(size=(4, 2))
targets = rng.normal(size=(4, 3)) * 0.5

CASES = [
    dict(f=rnn_loss, args=(Wx, Wh, np.array([0.1, -0.1, 0.2]), xs, targets), wrt=("Wx", "Wh", "b")),
    dict(f=rnn_states, args=(Wx, Wh, xs), wrt=("Wx", "Wh", "xs")),
]
