"""The pendulum as people write it, without annotations
(examples/pendulum.py's `energy_as_written`): the module `s2s differentiate` writes
(which runs its version made for numbers when given numbers) and the Python API
(which makes the derivative for the numbers it is called with), against the same
hand-written adjoint as the annotated workload.  The peers run the same Python as
there (they read no annotations): see that workload for them."""

from examples import pendulum

import s2s

from .common import HAND, PRIMAL, S2S, Result, interleaved, load_generated
from .pendulum import ARGS, hand_value_and_grad

API = "s2s.value_and_grad"


def main(repeats=15, quick=False):
    module = load_generated("grad_pendulum_as_written")
    through_api = s2s.value_and_grad(pendulum.energy_as_written, wrt=(0, 1, 2))
    runs = {
        PRIMAL: lambda: pendulum.energy_as_written(*ARGS),
        HAND: lambda: hand_value_and_grad(*ARGS),
        S2S: lambda: module.value_and_grad_energy_as_written(*ARGS),
        API: lambda: through_api(*ARGS),
    }
    expected = hand_value_and_grad(*ARGS)
    for label in (S2S, API):
        value, grads = runs[label]()
        assert value == pendulum.energy_as_written(*ARGS), label
        for g, e in zip(grads, expected[1]):
            assert abs(g - e) < 1e-9 * max(1.0, abs(e)), (label, g, e)
    medians = interleaved(runs, repeats)
    return Result("Pendulum gradient as written (no annotations; 2000 Euler steps)",
                  medians, goal=1.5)
