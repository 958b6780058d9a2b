"""Timing helpers: interleaved repeats, medians, ratios; the peers that are installed."""

import gc
import importlib.util
import os
import statistics
import time
from dataclasses import dataclass, field

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# the rows of every workload's table, in order; a workload has those it can run
PRIMAL, HAND, S2S = "primal (no gradient)", "hand-written", "s2s"
PEERS = ("PyTorch eager", "JAX eager", "JAX jit", "autograd")
TORCH = PEERS[0]


@dataclass
class Result:
    """One workload's medians (seconds, by row label) and what else it measured."""

    title: str
    medians: dict
    notes: dict = field(default_factory=dict)  # e.g. {"JAX jit compile (s)": 1.2}
    goal: float = None  # s2s / hand-written it should stay within
    goal_seconds: float = None  # s2s's time it should stay within

    @property
    def ratio(self):
        """s2s / hand-written (None without a hand-written row)."""
        return self.medians[S2S] / self.medians[HAND] if HAND in self.medians else None

    @property
    def goal_met(self):
        if self.goal is not None:
            return self.ratio <= self.goal
        if self.goal_seconds is not None:
            return self.medians[S2S] <= self.goal_seconds
        return None


def load_generated(name):
    """Import generated/<name>.py, the checked-in output of `s2s differentiate`."""
    path = os.path.join(ROOT, "generated", f"{name}.py")
    spec = importlib.util.spec_from_file_location(f"generated_{name}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def peer(name):
    """The peer's module (`torch`, `jax`, `autograd`), or None where not installed."""
    try:
        if name == "jax":
            import jax

            jax.config.update("jax_enable_x64", True)  # float64 where the inputs are
            return jax
        return importlib.import_module(name)
    except ImportError:
        return None


def first_call_seconds(run):
    """Seconds of `run`'s first call (JAX jit: tracing and compiling, then running)."""
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def jit_compile_notes(runs):
    """The JAX jit row's first call after clearing JAX's caches: its tracing and
    compiling time, reported apart from its median."""
    if "JAX jit" not in runs:
        return {}
    peer("jax").clear_caches()
    return {"JAX jit: first call, tracing and compiling (s)": first_call_seconds(runs["JAX jit"])}


def interleaved(candidates, repeats, warmup=1, slow=0.5):
    """Median seconds of each candidate, timed round-robin so drift hits all alike.

    `candidates` maps a label to a zero-argument callable.  Each timed call follows an
    untimed call of the same candidate: what ran before it (PyTorch's allocations
    cost the next Python code 3x here) leaves caches cold for that one, not for this.
    Garbage is collected before that untimed call (a collection walks every object,
    and would leave the caches cold again), and, as `timeit` does, not during the
    timed one.  A candidate whose warm-up call takes over `slow` seconds (a tracing
    peer on scalar code) is timed in the first 3 rounds only."""
    for _ in range(warmup):
        for run in candidates.values():
            run()
    limit = {label: 3 if first_call_seconds(run) > slow else repeats
             for label, run in candidates.items()}
    times = {label: [] for label in candidates}
    for round_ in range(repeats):
        for label, run in candidates.items():
            if round_ >= limit[label]:
                continue
            gc.collect()
            run()
            gc.disable()
            try:
                start = time.perf_counter()
                run()
                times[label].append(time.perf_counter() - start)
            finally:
                gc.enable()
    return {label: statistics.median(t) for label, t in times.items()}


def table(title, medians, baseline, reference=None):
    """Rows of label, median time, and ratio to `baseline`."""
    lines = [title, f"  {'':28s} {'median':>10s} {'/ ' + baseline:>18s}"]
    for label, seconds in medians.items():
        ratio = seconds / medians[baseline]
        lines.append(f"  {label:28s} {_time(seconds)} {ratio:17.3f}x")
    return "\n".join(lines)


def report(result):
    """A workload's table: each row's median, its ratio to the hand-written gradient,
    and s2s's ratio to it (below 1: s2s is faster)."""
    medians = result.medians
    if HAND not in medians:
        lines = [result.title] + [f"  {label:36s} {_time(seconds)}"
                                  for label, seconds in medians.items()]
    else:
        lines = [result.title,
                 f"  {'':24s} {'median':>10s} {'/ hand-written':>15s} {'s2s / this':>11s}"]
        for label, seconds in medians.items():
            s2s = f"{medians[S2S] / seconds:10.3f}x" if label != S2S else ""
            lines.append(f"  {label:24s} {_time(seconds)} {seconds / medians[HAND]:14.3f}x {s2s}")
    for label, value in result.notes.items():
        lines.append(f"  {label}: {value:.3g}" if isinstance(value, float) else f"  {label}: {value}")
    if result.goal_met is not None:
        verdict = "met" if result.goal_met else "MISSED"
        if result.goal is not None:
            lines.append(f"  goal s2s / hand-written <= {result.goal:.2f}: {verdict} "
                         f"({result.ratio:.3f})")
        else:
            lines.append(f"  goal s2s <= {result.goal_seconds:g} s: {verdict} "
                         f"({medians[S2S]:.3f} s)")
    return "\n".join(lines)


def _time(seconds):
    if seconds >= 1:
        return f"{seconds:8.3f} s"
    return f"{seconds * 1e3:8.3f}ms"


def torch_thread_runs(torch, run):
    """`run` timed with PyTorch on one thread and on its default count: labels to
    calls that set the count first (their untimed call before each timed one sets
    it, so the switch is not timed)."""
    default = torch.get_num_threads()

    def threads(n):
        def call():
            torch.set_num_threads(n)
            return run()
        return call

    runs = {f"{TORCH} (1 thread)": threads(1)}
    if default != 1:
        runs[f"{TORCH} ({default} threads)"] = threads(default)
    return runs, default


def keep_faster_torch(medians, notes, default):
    """Replace the PyTorch rows by the faster one, as `PyTorch eager`, and note its
    thread count; leave PyTorch on its default count."""
    rows = {label: s for label, s in medians.items() if label.startswith(TORCH + " (")}
    if not rows:
        return medians
    best = min(rows, key=rows.get)
    out = {}
    for label, seconds in medians.items():
        if label == best:
            out[TORCH] = seconds
        elif label not in rows:
            out[label] = seconds
    notes[f"{TORCH}: threads"] = best[len(TORCH) + 2:-1] + (
        f" (faster than {', '.join(l[len(TORCH) + 2:-1] for l in rows if l != best)})"
        if len(rows) > 1 else "")
    peer("torch").set_num_threads(default)
    return out
