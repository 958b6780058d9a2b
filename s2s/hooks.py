"""`s2s.grad_of(h)`: a gradient hook, written in the function being differentiated.

    with s2s.grad_of(h) as g:
        g = np.clip(g, -1.0, 1.0)

In the generated code the block runs in the adjoint sweep, where the `with`
statement stands, with `g` bound to the adjoint of `h` there (what the statements
after it sent back), and what `g` holds at its end becomes that adjoint: to print
it, clip it, or stop in a debugger in the backward pass.  When the function simply
runs, no gradient flows: the block runs once with `g` zero.
"""

import numpy


class grad_of:  # noqa: N801 (used like a function: `with s2s.grad_of(h) as g`)
    def __init__(self, value):
        self.value = value

    def __enter__(self):
        if isinstance(self.value, (float, int)):
            return 0.0
        return numpy.zeros_like(self.value)

    def __exit__(self, *exc):
        return False
