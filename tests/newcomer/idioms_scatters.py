"""ufunc.at scatters: histograms, embeddings, messages on a graph, max pooling."""
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


def max_pooled_messages(h, w):
    msgs = np.tanh(h[EDGES[:, 0]] @ w)
    pooled = np.full((h.shape[0], w.shape[1]), -np.inf)
    np.maximum.at(pooled, EDGES[:, 1], msgs)
    pooled = np.where(np.isfinite(pooled), pooled, 0.0)
    return np.sum(pooled ** 2)


def min_distance(points, centers):
    best = np.full(len(centers), 1e9)
    nearest = np.argmin(((points[:, None, :] - centers[None]) ** 2).sum(-1), axis=1)
    np.minimum.at(best, nearest, np.sum((points - centers[nearest]) ** 2, axis=1))
    return np.sum(np.where(best < 1e9, best, 0.0))


def leave_out(counts, used):
    left = counts.copy()
    np.subtract.at(left, TOKENS, used)
    return np.sum(np.tanh(left))


CASES = [
    dict(f=max_pooled_messages, args=(rng.normal(size=(4, 3)), rng.normal(size=(3, 2))), wrt=("h", "w")),
    dict(f=min_distance, args=(rng.normal(size=(7, 2)), rng.normal(size=(3, 2))), wrt=("points", "centers")),
    dict(f=leave_out, args=(rng.normal(size=4), rng.normal(size=6) * 0.3), wrt=("counts", "used")),
    dict(f=soft_histogram, args=(np.array([0.1, 0.7, 1.2, 1.9, 0.4]), np.array([0.5, 1.0, -0.3, 0.8, 1.2])), wrt=("weights",)),
    dict(f=embedding_loss, args=(rng.normal(size=(4, 2)), rng.normal(size=(4, 2))), wrt=("table",)),
    dict(f=message_passing, args=(rng.normal(size=(4, 3)), 0.7), wrt=("h", "w")),
]
