import numpy as np


def pad_and_diff(x):
    padded = np.r_[0.0, x, 0.0]
    return np.sum(np.diff(padded) ** 2)


def stack_features(x):
    feats = np.column_stack([x, x**2, np.sin(x)])
    pred = feats @ np.array([1.0, -0.5, 2.0])
    return np.sum(pred**2)


def grow_array(x):
    out = np.array([])
    for v in x:
        out = np.append(out, v**2)
    return out.sum() + out[0] * out[-1]


def hstack_vstack(a, b):
    M = np.vstack([a, b])
    v = np.hstack((a, b, [1.0]))
    return np.sum(M @ M.T) + v @ v


x = np.array([0.4, -1.1, 0.8])

CASES = [
    dict(f=pad_and_diff, args=(x,), wrt=("x",)),
    dict(f=stack_features, args=(x,), wrt=("x",)),
    dict(f=grow_array, args=(x,), wrt=("x",)),
    dict(f=hstack_vstack, args=(x, np.array([1.0, 0.3, -0.2])), wrt=("a", "b")),
]
