"""Timing helpers: interleaved repeats, medians, ratios."""

import gc
import importlib.util
import os
import statistics
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def load_generated(name):
    """Import generated/<name>.py, the checked-in output of `s2s differentiate`."""
    path = os.path.join(ROOT, "generated", f"{name}.py")
    spec = importlib.util.spec_from_file_location(f"generated_{name}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def interleaved(candidates, repeats, warmup=1):
    """Median seconds of each candidate, timed round-robin so drift hits all alike.

    `candidates` maps a label to a zero-argument callable.  Each timed call follows an
    untimed call of the same candidate: what ran before it (PyTorch's allocations
    cost the next Python code 3x here) leaves caches cold for that one, not for this."""
    for _ in range(warmup):
        for run in candidates.values():
            run()
    times = {label: [] for label in candidates}
    for _ in range(repeats):
        for label, run in candidates.items():
            run()
            gc.collect()
            start = time.perf_counter()
            run()
            times[label].append(time.perf_counter() - start)
    return {label: statistics.median(t) for label, t in times.items()}


def table(title, medians, baseline, reference=None):
    """Rows of label, median time, and ratio to `baseline` (and to `reference`)."""
    lines = [title, f"  {'':28s} {'median':>10s} {'/ ' + baseline:>18s}"]
    for label, seconds in medians.items():
        ratio = seconds / medians[baseline]
        lines.append(f"  {label:28s} {seconds * 1e3:8.2f}ms {ratio:17.3f}x")
    return "\n".join(lines)
