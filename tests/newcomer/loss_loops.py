import numpy as np


def weighted_sum_loss(x):
    s = 0.0
    for i in range(3):
        s += np.sum(x * i)
    return s


def int_start_loss(w, xs, ys):
    loss = 0
    for i in range(len(xs)):
        pred = w[0] + w[1] * xs[i]
        loss = loss + (pred - ys[i]) ** 2
    return loss / len(xs)


def mean_of_list(x):
    losses = []
    for k in range(1, 4):
        losses.append(np.mean((x - k) ** 2))
    return sum(losses) / len(losses)


def squared_norm_loop(x):
    total = 0
    for v in x:
        total += v * v
    return total


CASES = [
    dict(f=weighted_sum_loss, args=(np.array([0.3, -1.2, 2.0]),), wrt=("x",)),
    dict(f=int_start_loss, args=(np.array([0.5, -0.3]), np.array([1.0, 2.0, 3.5]),
                                 np.array([0.2, 0.1, -0.7])), wrt=("w",)),
    dict(f=mean_of_list, args=(np.array([0.3, 1.7, 2.2, 4.1]),), wrt=("x",)),
    dict(f=squared_norm_loop, args=(np.array([0.4, -1.1, 0.9]),), wrt=("x",)),
]
