import numpy as np


def potential_energy(pos, masses, G=1.0):
    n = len(masses)
    U = 0
    for i in range(n):
        for j in range(i + 1, n):
            r = np.linalg.norm(pos[i] - pos[j])
            U -= G * masses[i] * masses[j] / r
    return U


def total_energy(pos, vel, masses):
    K = 0.5 * sum(m * np.dot(v, v) for m, v in zip(masses, vel))
    return K + potential_energy(pos, masses)


def lj_energy(pos, eps=1.0, sigma=1.0):
    diff = pos[:, None, :] - pos[None, :, :]
    r2 = np.sum(diff**2, axis=-1)
    iu = np.triu_indices(len(pos), k=1)
    r2 = r2[iu]
    sr6 = (sigma**2 / r2) ** 3
    return np.sum(4 * eps * (sr6**2 - sr6))


pos = np.array([[0.0, 0.0], [1.1, 0.2], [0.3, 1.2]])
vel = np.array([[0.1, 0.0], [-0.2, 0.3], [0.0, -0.1]])
masses = np.array([1.0, 2.0, 1.5])

CASES = [
    dict(f=total_energy, args=(pos, vel, masses), wrt=("pos", "vel", "masses")),
    dict(f=lj_energy, args=(pos * 1.1,), wrt=("pos",)),
]
