"""Run the benchmarks: `python -m benchmarks [--quick] [NAME ...]`."""

import argparse

from . import gpu, hvp, mlp, pendulum, recursion

WORKLOADS = {
    "mlp": mlp, "hvp": hvp, "pendulum": pendulum, "recursion": recursion, "gpu": gpu,
}


def main():
    p = argparse.ArgumentParser(prog="python -m benchmarks")
    p.add_argument("names", nargs="*", metavar="NAME", help=f"any of: {', '.join(WORKLOADS)}")
    p.add_argument("--quick", action="store_true", help="small sizes, few repeats")
    p.add_argument("--repeats", type=int, default=15)
    args = p.parse_args()
    unknown = set(args.names) - set(WORKLOADS)
    if unknown:
        p.error(f"unknown benchmark: {', '.join(sorted(unknown))}")
    for name in args.names or WORKLOADS:
        text, _ = WORKLOADS[name].main(repeats=3 if args.quick else args.repeats, quick=args.quick)
        print(text)


main()
