"""What a long generation is doing, on stderr: once a module has taken `after`
seconds (2 by default), each step after that (a pass over a function, a callee
differentiated, the module formatted) gets a line, so that a minute-long generation
does not look stuck.  The CLI reports unless given `--quiet`; the Python API does
not.

The compiler calls `step(...)`; what it reports goes nowhere outside `reporting()`.
"""

import contextlib
import sys
import time

_reporters = []  # the innermost `reporting()` block's reporter last


def step(what):
    """Note that generation now does `what` ("differentiating f", ...)."""
    if _reporters:
        _reporters[-1](what)


class _Reporter:
    def __init__(self, stream, after):
        self.stream, self.after = stream, after
        self.start = time.perf_counter()

    def __call__(self, what):
        elapsed = time.perf_counter() - self.start
        if elapsed >= self.after:
            print(f"s2s: {elapsed:6.1f} s  {what}", file=self.stream, flush=True)


@contextlib.contextmanager
def reporting(stream=None, after=2.0):
    """Within the block, the steps of generation are reported on `stream` (stderr)
    once `after` seconds have passed."""
    _reporters.append(_Reporter(stream or sys.stderr, after))
    try:
        yield
    finally:
        _reporters.pop()
