"""np.add.at scatters: histograms, embeddings, messages on a graph."""
import numpy as np

rng = np.random.default_rng(183)
EDGES = np.array([[0, 1], [1, 2], [2, 0], [2, 3], [3, 1]])
TOKENS = np.array([0, 2, 2, 1, 3, 0])


def soft_histogram(values, weights):
    bins = np.zeros(4)
    idx = np.clip((values * 2).astype(int), 0, 3)
    np.add.at(bins, idx, weights)
    return np.sum(bins ** 2)


def embedding_loss(table, targets):
    counts = np.zeros_like(table)
    np.add.at(counts, TOKENS, table[TOKENS] * 0.5)
    return np.sum((counts - targets) ** 2)


def message_passing(h, w):
    out = np.zeros_like(h)
    for step in range(2):
        msgs = np.tanh(h[EDGES[:, 0]] * w)
        out = np.zeros_like(h)
        np.add.at(out, EDGES[:, 1], msgs)
        h = h + out
    return np.sum(h ** 2)


CASES = [
    dict(f=soft_histogram, args=(np.array([0.1, 0.7, 1.2, 1.9, 0.4]), np.array([0.5, 1.0, -0.3, 0.8, 1.2])), wrt=("weights",)),
    dict(f=embedding_loss, args=(rng.normal(size=(4, 2)), rng.normal(size=(4, 2))), wrt=("table",)),
    dict(f=message_passing, args=(rng.normal(size=(4, 3)), 0.7), wrt=("h", "w")),
]
