import math

import numpy as np


def kalman_loglik(q, r, ys):
    x = 0.0
    P = 1.0
    ll = 0.0
    for y in ys:
        # predict
        P = P + q
        # update
        S = P + r
        K = P / S
        innov = y - x
        ll += -0.5 * (math.log(2 * math.pi * S) + innov**2 / S)
        x = x + K * innov
        P = (1 - K) * P
    return ll


def kalman_2d(q, r, ys):
    F = np.array([[1.0, 1.0], [0.0, 1.0]])
    H = np.array([[1.0, 0.0]])
    Q = q * np.eye(2)
    R = np.array([[r]])
    x = np.zeros(2)
    P = np.eye(2)
    nll = 0
    for t in range(len(ys)):
        x = F @ x
        P = F @ P @ F.T + Q
        S = H @ P @ H.T + R
        K = P @ H.T @ np.linalg.inv(S)
        v = ys[t] - H @ x
        nll += 0.5 * (np.log(np.linalg.det(S)) + v @ np.linalg.inv(S) @ v)
        x = x + K @ v
        P = (np.eye(2) - K @ H) @ P
    return nll


CASES = [
    dict(f=kalman_loglik, args=(0.3, 0.5, np.array([0.2, 0.9, 0.4, 1.3])), wrt=("q", "r", "ys")),
    dict(f=kalman_2d, args=(0.1, 0.4, np.array([[0.3], [1.1], [1.9], [3.2]])), wrt=("q", "r", "ys")),
]
