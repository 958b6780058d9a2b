"""What importing a generated module costs beyond NumPy's own import: each in a fresh
Python, so that nothing is cached.  A generated module loads the runtime alone (no
compiler, gast or Black); the goal is 50 ms over `import numpy`."""

import os
import statistics
import subprocess
import sys

from .common import ROOT, S2S, Result

NUMPY = "import numpy"
MODULE = "import numpy; import grad_mlp"
MEASURE = ("import time; t = time.perf_counter(); {code}; "
           "print(time.perf_counter() - t)")


def _seconds(code):
    done = subprocess.run([sys.executable, "-c", MEASURE.format(code=code)], check=True,
                          capture_output=True, text=True, cwd=os.path.join(ROOT, "generated"))
    return float(done.stdout)


def main(repeats=15, quick=False):
    numpy, module = [], []
    for _ in range(5 if quick else repeats):  # interleaved: the machine's drift hits both
        numpy.append(_seconds(NUMPY))
        module.append(_seconds(MODULE))
    numpy_alone = statistics.median(numpy)
    extra = statistics.median(m - n for m, n in zip(module, numpy))
    return Result("Importing generated/grad_mlp.py, beyond `import numpy`",
                  {"import numpy": numpy_alone, S2S: extra}, goal_seconds=0.05)
