"""The pendulum example's gradient (2000 explicit-Euler steps, scalar Python):
s2s's generated module against a hand-written adjoint in plain Python (a list as
the tape) and, where installed, PyTorch eager."""

import math

from .common import interleaved, load_generated, table


def hand_value_and_grad(theta, omega, k, damping=0.1, dt=0.01, steps=2000):
    """What a careful person writes for examples/pendulum.py's energy."""
    tape = []
    for _ in range(steps):
        tape.append(theta)
        acc = -k * math.sin(theta) - damping * omega
        theta = theta + dt * omega
        omega = omega + dt * acc
    value = 0.5 * omega * omega + k * (1.0 - math.cos(theta))
    dtheta, domega, dk = k * math.sin(theta), omega, 1.0 - math.cos(theta)
    for _ in range(steps):
        theta = tape.pop()
        dacc = dt * domega
        domega = domega + dt * dtheta - damping * dacc
        dtheta = dtheta - k * math.cos(theta) * dacc
        dk = dk - math.sin(theta) * dacc
    return value, (dtheta, domega, dk)


ARGS = (0.8, -0.3, 2.5)


def candidates():
    generated = load_generated("grad_pendulum")
    runs = {
        "hand-written Python": lambda: hand_value_and_grad(*ARGS),
        "s2s generated": lambda: generated.value_and_grad_energy(*ARGS),
    }
    try:
        import torch
    except ImportError:
        return runs

    def torch_eager():
        theta, omega, k = (torch.tensor(a, dtype=torch.float64, requires_grad=True) for a in ARGS)
        th, om = theta, omega
        for _ in range(2000):
            acc = -k * torch.sin(th) - 0.1 * om
            th = th + 0.01 * om
            om = om + 0.01 * acc
        value = 0.5 * om * om + k * (1.0 - torch.cos(th))
        value.backward()
        return theta.grad, omega.grad, k.grad

    runs["PyTorch eager (CPU)"] = torch_eager
    return runs


def check():
    expected = hand_value_and_grad(*ARGS)
    got = load_generated("grad_pendulum").value_and_grad_energy(*ARGS)
    assert abs(got[0] - expected[0]) < 1e-12
    for g, e in zip(got[1], expected[1]):
        assert abs(g - e) < 1e-9 * max(1.0, abs(e)), (g, e)


def main(repeats=15, quick=False):
    check()
    runs = candidates()
    if quick:
        runs.pop("PyTorch eager (CPU)", None)
    medians = interleaved(runs, repeats)
    return table("Pendulum gradient (2000 Euler steps, scalar Python)", medians,
                 "hand-written Python"), medians
