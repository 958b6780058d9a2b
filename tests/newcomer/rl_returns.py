import numpy as np


def discounted_return(rewards, gamma):
    G = 0
    for r in reversed(rewards):
        G = r + gamma * G
    return G


def td_loss(values, rewards, gamma):
    loss = 0.0
    for t in range(len(rewards) - 1):
        target = rewards[t] + gamma * values[t + 1]
        loss += (target - values[t]) ** 2
    return loss


def reinforce(theta, actions, returns):
    logp = 0.0
    for a, G in zip(actions, returns):
        probs = np.exp(theta) / np.sum(np.exp(theta))
        logp += np.log(probs[a]) * G
    return -logp


rewards = np.array([1.0, 0.5, -0.2, 2.0])

CASES = [
    dict(f=discounted_return, args=(rewards, 0.9), wrt=("rewards", "gamma")),
    dict(f=td_loss, args=(np.array([0.3, 0.8, 0.1, 1.2]), rewards, 0.95), wrt=("values", "gamma")),
    dict(f=reinforce, args=(np.array([0.2, -0.1, 0.4]), [0, 2, 1, 2], [1.5, 0.3, -0.8, 2.0]), wrt=("theta",)),
]
