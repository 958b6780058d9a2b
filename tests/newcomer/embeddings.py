import numpy as np


def bag_of_words(E, W, tokens, label):
    vecs = E[tokens]  # tokens repeat
    h = vecs.mean(axis=0)
    logits = W @ h
    logits = logits - logits.max()
    return -(logits[label] - np.log(np.sum(np.exp(logits))))


def scatter_counts(w, idx):
    hist = np.zeros(3)
    hist[idx] += w  # numpy: a repeated index is written once
    totals = np.zeros(3)
    np.add.at(totals, idx, w)  # accumulates repeats
    return np.sum(hist**2) + np.sum(totals**2)


def skipgram(E_in, E_out, pairs):
    loss = 0
    for center, context in pairs:
        score = np.dot(E_in[center], E_out[context])
        loss += np.log(1 + np.exp(-score))
    return loss


rng = np.random.default_rng(10)
E = rng.normal(size=(4, 3))

CASES = [
    dict(f=bag_of_words, args=(E, rng.normal(size=(2, 3)), np.array([0, 2, 0, 3]), 1), wrt=("E", "W")),
    dict(f=scatter_counts,
         args=(np.array([0.5, 1.5, -0.7, 2.0]), np.array([0, 2, 0, 1])), wrt=("w",)),
    dict(f=skipgram, args=(E, rng.normal(size=(4, 3)), [(0, 1), (2, 3), (0, 3), (1, 1)]), wrt=("E_in", "E_out")),
]
