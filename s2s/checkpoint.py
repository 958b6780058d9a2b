"""`s2s.checkpoint()`: mark a loop whose adjoint recomputes rather than remembers.

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
"""


class checkpoint:  # noqa: N801 (used like a function: `with s2s.checkpoint():`)
    def __init__(self, every=None):
        self.every = every

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False
