import numpy as np


def relu(x):
    return np.maximum(0, x)


def forward(params, x):
    h = np.tanh(x @ params["W1"] + params["b1"])
    return h @ params["W2"] + params["b2"]


def mse_loss(params, x, y):
    pred = forward(params, x)
    return ((pred - y) ** 2).mean()


def loss_from_arrays(W1, b1, W2, b2, x, y):
    params = {"W1": W1, "b1": b1, "W2": W2, "b2": b2}
    return mse_loss(params, x, y)


def relu_net(W1, b1, W2, b2, x, y):
    layers = [(W1, b1), (W2, b2)]
    h = x
    for W, b in layers[:-1]:
        h = relu(h @ W + b)
    W, b = layers[-1]
    out = h @ W + b
    return np.mean((out.ravel() - y) ** 2)


rng = np.random.default_rng(1)
W1 = rng.normal(size=(3, 4))
b1 = np.array([0.1, -0.2, 0.3, 0.05])
W2 = rng.normal(size=(4, 1))
b2 = np.array([0.2])
x = rng.normal(size=(5, 3))
y_col = rng.normal(size=(5, 1))
y = y_col.ravel()

CASES = [
    dict(f=mse_loss, args=({"W1": W1, "b1": b1, "W2": W2, "b2": b2}, x, y_col), wrt=("params",)),
    dict(f=loss_from_arrays, args=(W1, b1, W2, b2, x, y_col), wrt=("W1", "b1", "W2", "b2")),
    dict(f=relu_net, args=(W1, b1, W2, b2, x, y), wrt=("W1", "b1", "W2", "b2")),
]
