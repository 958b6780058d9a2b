"""The RK4 workload as people write it, without annotations (examples/rk4.py's
`loss_as_written`): the module `s2s differentiate` writes for it against the same
hand-written adjoint as the annotated workload.  The peers run the same Python as
there (they read no annotations, and run `loss_as_written` there): see that
workload for them."""

from examples import rk4

from .common import load_generated
from .rk4 import run_workload


def main(repeats=15, quick=False):
    generated = load_generated("grad_rk4_as_written").value_and_grad_loss_as_written
    return run_workload(rk4.loss_as_written, generated,
                        "RK4 gradient as written (no annotations; 1000 steps)", repeats,
                        peers=False)
