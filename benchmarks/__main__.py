"""Run the benchmarks: `python -m benchmarks [--quick] [--save | --compare] [NAME ...]`.

Prints each workload's table and a summary of ratios; a full run (no names, not
`--quick`) draws docs/benchmarks.png (a partial one draws only to another `--chart`).
`--save` records a full run in benchmarks/results.json (committed); `--compare`
compares this run with that record and exits 1 where s2s got slower than noise
explains (its ratio to the hand-written gradient, which machines change less than
times, beyond `--tolerance`).
"""

import argparse
import json
import os
import sys

from . import (
    api, attention, checkpointing, dask_cluster, generation, gp, gpu, heat, hvp, imports,
    jacobian, lstm, mlp, nbody, numba_baselines, pendulum, pendulum_as_written, recursion, rk4,
    rk4_as_written, rnn,
)
from .common import ROOT, Result, report
from .results import chart, compare, record, summary

WORKLOADS = {
    "mlp": mlp, "pendulum": pendulum, "rnn": rnn, "recursion": recursion,
    "generation": generation, "checkpointing": checkpointing, "hvp": hvp, "gpu": gpu,
    "imports": imports, "gp": gp, "api": api, "pendulum_as_written": pendulum_as_written,
    "jacobian": jacobian, "nbody": nbody, "rk4": rk4, "rk4_as_written": rk4_as_written,
    "heat": heat, "lstm": lstm, "attention": attention, "dask_cluster": dask_cluster,
    "numba_baselines": numba_baselines,
}
# generation first, before the peers' thread pools exist; hvp, gpu, dask_cluster and
# numba_baselines when named, and gp where SciPy is installed
DEFAULT = ("generation", "imports", "api", "mlp", "pendulum", "pendulum_as_written", "nbody",
           "rk4", "rk4_as_written", "heat", "rnn", "lstm", "attention", "recursion",
           "checkpointing", "jacobian") + (("gp",) if gp.scipy is not None else ())
RESULTS = os.path.join(ROOT, "benchmarks", "results.json")
CHART = os.path.join(ROOT, "docs", "benchmarks.png")


def main():
    p = argparse.ArgumentParser(prog="python -m benchmarks")
    p.add_argument("names", nargs="*", metavar="NAME",
                   help=f"any of: {', '.join(WORKLOADS)} (default: {', '.join(DEFAULT)})")
    p.add_argument("--quick", action="store_true", help="small sizes, few repeats")
    p.add_argument("--repeats", type=int, default=15)
    p.add_argument("--save", action="store_true", help=f"record the results in {RESULTS}")
    p.add_argument("--compare", action="store_true",
                   help="compare with the recorded results; exit 1 where s2s got slower")
    p.add_argument("--tolerance", type=float, default=0.15,
                   help="a slowdown within this fraction is noise (default 0.15)")
    p.add_argument("--chart", default=CHART, help="where to draw the chart")
    args = p.parse_args()
    if args.compare and args.quick:
        p.error("--compare needs the recorded sizes: drop --quick")
    full = not args.names and not args.quick  # (the chart and the record: full runs only)
    if args.save and not full:
        p.error("--save records a full run: drop --quick and the names")
    unknown = set(args.names) - set(WORKLOADS)
    if unknown:
        p.error(f"unknown benchmark: {', '.join(sorted(unknown))}")
    results = {}
    for name in args.names or DEFAULT:
        out = WORKLOADS[name].main(repeats=3 if args.quick else args.repeats, quick=args.quick)
        if isinstance(out, Result):
            results[name] = out
            print(report(out), flush=True)
        else:  # (checkpointing, hvp, gpu: their own tables)
            print(out[0], flush=True)
    if not results:
        return 0
    print(summary(results))
    print(chart(results, args.chart) if full or args.chart != CHART
          else f"chart: not drawn (a partial run; {os.path.relpath(CHART, ROOT)} shows a full one)")
    status = 0
    if args.compare:
        with open(RESULTS) as f:
            text, slower = compare(results, json.load(f), args.tolerance)
        print(text)
        status = 1 if slower else 0
    if args.save:
        with open(RESULTS, "w") as f:
            json.dump(record(results), f, indent=1, sort_keys=True)
            f.write("\n")
        print(f"recorded: {os.path.relpath(RESULTS, ROOT)}")
    return status


sys.exit(main())
