"""Objects as people write them: a model handed to the loss, layers in a list, state
kept on an object, counters, a distribution with a property."""
import numpy as np

rng = np.random.default_rng(1818)


class MLP:
    def __init__(self, w1, b1, w2, b2):
        self.w1 = w1
        self.b1 = b1
        self.w2 = w2
        self.b2 = b2

    def forward(self, x):
        h = np.tanh(x @ self.w1 + self.b1)
        return h @ self.w2 + self.b2


def mse(model, x, y):
    pred = model.forward(x)
    return np.mean((pred - y) ** 2)


class Layer:
    def __init__(self, w, b):
        self.w = w
        self.b = b

    def __call__(self, x):
        return np.tanh(x @ self.w + self.b)


class Net:
    def __init__(self, layers):
        self.layers = layers

    def __call__(self, x):
        for layer in self.layers:
            x = layer(x)
        return x


def net_loss(net, x, y):
    return np.sum((net(x) - y) ** 2)


class Scale:
    def __init__(self, s):
        self.s = s

    def __call__(self, x):
        return self.s * x


def pipeline(stages, x):
    for stage in stages:
        x = stage(x)
    return np.sum(x ** 2)


class RNNCell:
    def __init__(self, W, U):
        self.W = W
        self.U = U
        self.h = np.zeros(U.shape[0])

    def step(self, x):
        self.h = np.tanh(self.W @ x + self.U @ self.h)
        return self.h


def rnn_loss(W, U, xs):
    cell = RNNCell(W, U)
    total = 0.0
    for x in xs:
        h = cell.step(x)
        total = total + np.sum(h ** 2)
    return total


class Tracker:
    def __init__(self):
        self.calls = 0
        self.total = 0.0

    def add(self, v):
        self.calls += 1
        self.total += v

    def mean(self):
        return self.total / self.calls


def tracked(x):
    t = Tracker()
    for xi in x:
        t.add(xi ** 2)
    return t.mean()


class Pendulum:
    def __init__(self, length, g=9.81):
        self.length = length
        self.g = g
        self.theta = 0.3
        self.omega = 0.0

    def step(self, dt):
        self.omega -= self.g / self.length * np.sin(self.theta) * dt
        self.theta += self.omega * dt


def swing(length, steps=200):
    p = Pendulum(length)
    for _ in range(steps):
        p.step(0.01)
    return p.theta


class Gaussian:
    def __init__(self, mu, log_sigma):
        self.mu = mu
        self.log_sigma = log_sigma

    @property
    def sigma(self):
        return np.exp(self.log_sigma)

    def logpdf(self, x):
        z = (x - self.mu) / self.sigma
        return -0.5 * z ** 2 - np.log(self.sigma) - 0.5 * np.log(2 * np.pi)


def nll(dist, data):
    return -np.sum(dist.logpdf(data))


class Encoder:
    def __init__(self, w):
        self.w = w

    def forward(self, x):
        return np.tanh(x @ self.w)


class Decoder:
    def __init__(self, w):
        self.w = w

    def forward(self, z):
        return z @ self.w


class Autoencoder:
    def __init__(self, w_enc, w_dec):
        self.encoder = Encoder(w_enc)
        self.decoder = Decoder(w_dec)

    def reconstruction_error(self, x):
        return np.mean((self.decoder.forward(self.encoder.forward(x)) - x) ** 2)


def autoencoder_loss(w_enc, w_dec, x):
    ae = Autoencoder(w_enc, w_dec)
    return ae.reconstruction_error(x)


def annotated(enc: Encoder, x):
    return np.sum(enc.forward(x) ** 2)


def ambiguous_condition(part, x):
    if np.sum(part.forward(x)) > 0.0:
        return np.sum(x ** 2)
    return np.sum(x)


X = rng.normal(size=(5, 3))
Y = rng.normal(size=(5, 2))
MODEL = MLP(rng.normal(size=(3, 4)), rng.normal(size=4), rng.normal(size=(4, 2)), rng.normal(size=2))
NET = Net([Layer(rng.normal(size=(3, 4)), rng.normal(size=4)), Layer(rng.normal(size=(4, 2)), np.zeros(2))])
XS = [rng.normal(size=2) for _ in range(4)]
W_RNN, U_RNN = 0.5 * rng.normal(size=(3, 2)), 0.5 * rng.normal(size=(3, 3))

CASES = [
    dict(f=mse, args=(MODEL, X, Y), wrt=("model",)),
    dict(f=mse, args=(MODEL, X, Y), wrt=("x",)),
    dict(f=net_loss, args=(NET, X, Y), wrt=("net", "x")),
    dict(f=pipeline, args=([Scale(1.5), Layer(rng.normal(size=(3, 3)), rng.normal(size=3)), Scale(-0.7)], X), wrt=("stages", "x")),
    dict(f=rnn_loss, args=(W_RNN, U_RNN, XS), wrt=("W", "U")),
    dict(f=tracked, args=(np.array([0.5, -1.5, 2.0]),), wrt=("x",)),
    dict(f=swing, args=(1.3,), wrt=("length",)),
    dict(f=nll, args=(Gaussian(0.4, -0.2), rng.normal(size=6)), wrt=("dist", "data")),
    dict(f=autoencoder_loss, args=(rng.normal(size=(3, 2)), rng.normal(size=(2, 3)), X), wrt=("w_enc", "w_dec")),
    dict(f=annotated, args=(Encoder(rng.normal(size=(3, 2))), X), wrt=("enc",)),
    # (the API reads the class from the argument: the CLI refuses it, test_objects.py)
    dict(f=ambiguous_condition, args=(Encoder(rng.normal(size=(3, 2))), X), wrt=("part", "x")),
]
