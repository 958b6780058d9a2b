"""Functions in a module of their own, for tests of calls across modules."""

import numpy as np

SCALE = 0.5


def smooth(v, width=1.0):
    return np.log1p(np.exp(v / width)) * width * SCALE
