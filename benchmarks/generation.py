"""How long `s2s differentiate` takes on a 300-line function, from parsing to the
Black-formatted module: in process (the pipeline), and as a command (with Python's
start-up and s2s's imports).  The function mixes what users write: array arithmetic,
matrix products, `math` calls on numbers, branches and loops."""

import os
import statistics
import subprocess
import sys
import tempfile
import time

from .common import S2S, Result

# one statement of each kind, repeated with different constants until 300 lines
KINDS = [
    "    s = s * 0.999 + np.sin(x) * {c}e-4",
    "    h = np.tanh(s @ w) * {c}",
    "    acc = acc + math.exp(-{c} * scale) * 0.01",
    "    s = s + np.sum(h) * 1e-3",
    "    if acc > {c}:\n        s = s * 0.5\n    else:\n        s = s + 0.1",
    "    for i in range(3):\n        s = s + np.cos(s) * 1e-3",
]


def long_function(lines=300):
    """The source of a module whose function `f` is `lines` lines long."""
    body = ["    s = x", "    acc = 0.0"]
    i = 0
    while len("\n".join(body).splitlines()) < lines - 2:
        body.append(KINDS[i % len(KINDS)].format(c=i % 7 + 1))
        i += 1
    body.append("    return np.sum(s * s) + acc")
    return "import math\n\nimport numpy as np\n\n\ndef f(x, w, scale: float):\n" + "\n".join(body) + "\n"


def main(repeats=15, quick=False):
    from s2s.command import generate, parser

    with tempfile.TemporaryDirectory() as directory:
        path = os.path.join(directory, "long_function.py")
        with open(path, "w") as f:
            f.write(long_function())
        target = f"{path}:f"
        args = parser().parse_args(["differentiate", target, "--wrt", "x,w,scale"])
        output = generate(args)  # (and the templates it uses read once)
        times = []
        for _ in range(repeats):
            start = time.perf_counter()
            generate(args)
            times.append(time.perf_counter() - start)
        command = []
        for _ in range(3 if quick else 5):
            start = time.perf_counter()
            subprocess.run([sys.executable, "-m", "s2s", "differentiate", target, "--wrt",
                            "x,w,scale", "--quiet", "-o", os.path.join(directory, "out.py")], check=True)
            command.append(time.perf_counter() - start)
    medians = {S2S: statistics.median(times),
               "s2s command (Python start-up too)": statistics.median(command)}
    notes = {"lines generated": len(output.splitlines())}
    return Result("Generation time, a 300-line function (parse to Black-formatted module)",
                  medians, notes, goal_seconds=1.0)
