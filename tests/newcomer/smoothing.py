import numpy as np


def exp_smoothing_sse(alpha, y):
    s = y[0]
    sse = 0.0
    for t in range(1, len(y)):
        sse += (y[t] - s) ** 2
        s = alpha * y[t] + (1 - alpha) * s
    return sse


def holt(alpha, beta, y):
    level, trend = y[0], y[1] - y[0]
    preds = []
    for t in range(1, len(y)):
        preds.append(level + trend)
        prev_level = level
        level = alpha * y[t] + (1 - alpha) * (level + trend)
        trend = beta * (level - prev_level) + (1 - beta) * trend
    preds = np.array(preds)
    return np.mean((preds - y[1:]) ** 2)


CASES = [
    dict(f=exp_smoothing_sse, args=(0.4, np.array([1.0, 1.4, 0.9, 1.8, 2.1])), wrt=("alpha", "y")),
    dict(f=holt, args=(0.5, 0.3, np.array([1.0, 1.3, 1.9, 2.2, 2.8, 3.1])), wrt=("alpha", "beta", "y")),
]
