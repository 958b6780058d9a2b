"""Checkpointing the RNN example's loop (T=2000, batch 32, 16 -> 64 -> 4, float32):
generated/grad_rnn_checkpointed.py (`s2s differentiate --checkpoint`) against
generated/grad_rnn.py.  Reports the tape's memory (the arrays the forward sweep keeps
for the adjoint sweep, at their most, followed line by line), the whole call's peak
memory (tracemalloc) beyond the function's own, whose difference between the two is
the tapes', the time, and whether the gradients are identical."""

import sys
import tracemalloc

import numpy as np

from examples import rnn

from .common import interleaved, load_generated
from .rnn import inputs


def owned_bytes(value, seen):
    """Bytes of the arrays in `value` (tuples, lists of them) that own their memory:
    a view of an array the function keeps anyway costs the tape nothing."""
    if isinstance(value, (list, tuple)):
        return sum(owned_bytes(v, seen) for v in value)
    if isinstance(value, np.ndarray) and value.base is None and id(value) not in seen:
        seen.add(id(value))
        return value.nbytes
    return 0


def tape_bytes(function, args):
    """The most bytes the generated function's tape and checkpoint lists hold at once,
    followed line by line."""
    code = function.__code__
    most = [0]

    def line(frame, event, arg):
        if event == "line":
            kept = [v for k, v in frame.f_locals.items() if k in ("tape", "checkpoints")]
            most[0] = max(most[0], owned_bytes(kept, set()))
        return line

    def call(frame, event, arg):
        return line if frame.f_code is code else None

    sys.settrace(call)
    try:
        function(*args)
    finally:
        sys.settrace(None)
    return most[0]


def peak_bytes(function, args):
    tracemalloc.start()
    try:
        function(*args)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def main(repeats=15, quick=False):
    steps = 200 if quick else 2000
    args = inputs(steps=steps)
    plain = load_generated("grad_rnn").value_and_grad_loss
    checkpointed = load_generated("grad_rnn_checkpointed").value_and_grad_loss
    value, grads = plain(*args)
    value_c, grads_c = checkpointed(*args)
    identical = value == value_c and all(np.array_equal(g, c) for g, c in zip(grads, grads_c))
    assert identical, "checkpointing changed the gradient"
    primal = peak_bytes(rnn.loss, args)
    memory = {label: (tape_bytes(f.__wrapped__, args), peak_bytes(f, args) - primal)
              for label, f in (("s2s", plain), ("s2s --checkpoint", checkpointed))}
    medians = interleaved({"s2s": lambda: plain(*args),
                           "s2s --checkpoint": lambda: checkpointed(*args)},
                          max(3, repeats // 3))
    lines = [f"Checkpointing the RNN's loop (T={steps}, batch 32, 16 -> 64 -> 4, float32)",
             f"  {'':20s} {'tape':>10s} {'peak beyond the function':>26s} {'median':>10s}"]
    for label, (tape, peak) in memory.items():
        lines.append(f"  {label:20s} {tape / 2**20:7.2f}MiB {peak / 2**20:23.2f}MiB "
                     f"{medians[label] * 1e3:8.2f}ms")
    (tape, peak), (tape_c, peak_c) = memory.values()
    time_ratio = medians["s2s --checkpoint"] / medians["s2s"]
    lines.append(f"  tape / {tape / tape_c:.1f}, peak / {peak / peak_c:.1f}, time x "
                 f"{time_ratio:.2f}; gradients identical: {identical}")
    lines.append(f"  tracemalloc sees the peaks differ by {(peak - peak_c) / 2**20:.2f}MiB, "
                 f"the tapes by {(tape - tape_c) / 2**20:.2f}MiB")
    met = tape / tape_c >= 10 and time_ratio <= 2
    lines.append(f"  goal tape / >= 10 at time x <= 2: {'met' if met else 'MISSED'}")
    return "\n".join(lines), {"tape": tape, "tape checkpointed": tape_c, "peak": peak,
                              "peak checkpointed": peak_c, **medians}
