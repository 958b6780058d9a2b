import numpy as np

DT = 0.01
N_STEPS = 40
GRAVITY = np.array([0.0, -9.81])
CONFIG = {"drag": 0.05, "mass": 2.0}


def ball(v0, drag):
    pos = np.zeros(2)
    vel = v0.copy()
    for _ in range(N_STEPS):
        acc = GRAVITY - drag * vel * np.linalg.norm(vel)
        vel = vel + DT * acc
        pos = pos + DT * vel
    return pos[0] + pos[1]


def ball_config(v0):
    vel = v0
    energy = 0.0
    for step in range(N_STEPS):
        vel = vel + DT * (GRAVITY - CONFIG["drag"] / CONFIG["mass"] * vel)
        energy += 0.5 * CONFIG["mass"] * np.sum(vel**2) * DT
    return energy


CASES = [
    dict(f=ball, args=(np.array([3.0, 4.0]), 0.1), wrt=("v0", "drag")),
    dict(f=ball_config, args=(np.array([3.0, 4.0]),), wrt=("v0",)),
]
