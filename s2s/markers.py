"""Markers: what a user writes in a function to tell s2s how to differentiate it.

They cost nothing when the function simply runs, and import nothing of the compiler:
a user's module that writes them imports `s2s` at no cost.

`s2s.checkpoint()`: mark a loop whose adjoint recomputes rather than remembers.

    with s2s.checkpoint():          # or s2s.checkpoint(every=50)
        for t in range(steps):
            h = np.tanh(xs[t] @ Wx + h @ Wh + b)

The generated gradient runs such a loop in segments of about sqrt(steps) iterations
(or `every`).  Its forward sweep keeps only the loop's carried values at the start of
each segment; its adjoint sweep runs each segment again, from those values, keeping
what that segment's adjoint reads, then runs the segment's adjoint.  The tape holds
one segment instead of every iteration, for one more run of the loop.
`s2s differentiate --checkpoint` does the same for every loop of the function.

When the function simply runs, the block just runs.

`s2s.grad_of(h)`: a gradient hook, written in the function being differentiated.

    with s2s.grad_of(h) as g:
        g = np.clip(g, -1.0, 1.0)

In the generated code the block runs in the adjoint sweep, where the `with`
statement stands, with `g` bound to the adjoint of `h` there (what the statements
after it sent back), and what `g` holds at its end becomes that adjoint: to print
it, clip it, or stop in a debugger in the backward pass.  When the function simply
runs, no gradient flows: the block runs once with `g` zero.
"""

import numpy


class checkpoint:  # noqa: N801 (used like a function: `with s2s.checkpoint():`)
    def __init__(self, every=None):
        self.every = every

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


class grad_of:  # noqa: N801 (used like a function: `with s2s.grad_of(h) as g`)
    def __init__(self, value):
        self.value = value

    def __enter__(self):
        if isinstance(self.value, (float, int)):
            return 0.0
        return numpy.zeros_like(self.value)

    def __exit__(self, *exc):
        return False
