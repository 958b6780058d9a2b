"""What a benchmark run reports: the summary of ratios, the chart, the record kept in
benchmarks/results.json, and the comparison of a run with that record."""

import datetime
import os
import platform

from .common import HAND, PEERS, PRIMAL, ROOT, S2S

COLORS = {PRIMAL: "lightgray", HAND: "tab:blue", S2S: "tab:red", "PyTorch eager": "tab:orange",
          "JAX eager": "tab:green", "JAX jit": "tab:olive", "autograd": "tab:purple"}


def summary(results):
    """s2s's time over each other row's, one line per workload."""
    columns = [PRIMAL, HAND, *PEERS]
    lines = ["Summary: s2s time / each row's (below 1: s2s is faster)",
             f"  {'':12s}" + "".join(f"{c.split(' (')[0]:>15s}" for c in columns) + "  goal"]
    for name, result in results.items():
        if HAND not in result.medians:
            continue
        cells = [f"{result.medians[S2S] / result.medians[c]:14.3f}x" if c in result.medians
                 else f"{'-':>15s}" for c in columns]
        goal = "" if result.goal is None else (
            f"  <= {result.goal:.2f}: {'met' if result.goal_met else 'MISSED'}")
        lines.append(f"  {name:12s}" + "".join(cells) + goal)
    return "\n".join(lines)


def chart(results, path):
    """Each workload's rows, as time over the hand-written gradient's (log scale).  The
    PNG names the workloads it shows (its `Workloads` text), which a test compares
    with benchmarks/results.json."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return "chart: not drawn (pip install matplotlib, or '.[bench]')"
    shown = {n: r for n, r in results.items() if HAND in r.medians}
    rows = [PRIMAL, HAND, S2S, *PEERS]
    fig, ax = plt.subplots(figsize=(11, 0.9 + 1.1 * len(shown)))
    height = 0.8 / len(rows)
    for k, row in enumerate(rows):
        ys, xs = [], []
        for i, result in enumerate(shown.values()):
            if row in result.medians:
                ys.append(i + (k - len(rows) / 2) * height)
                xs.append(result.medians[row] / result.medians[HAND])
        ax.barh(ys, xs, height=height, label=row, color=COLORS[row])
    ax.set_yticks(range(len(shown)), [r.title.split(" (")[0] for r in shown.values()])
    ax.invert_yaxis()
    ax.set_xscale("log")
    ax.axvline(1.0, color="black", linewidth=0.8)
    ax.set_xlabel("time / hand-written gradient's (log scale; lower is faster)")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize="small")
    fig.tight_layout()
    os.makedirs(os.path.dirname(path), exist_ok=True)
    fig.savefig(path, dpi=110, metadata={"Workloads": ",".join(shown)})
    return f"chart: {os.path.relpath(path, ROOT)}"


def record(results):
    return {
        "recorded": datetime.datetime.now().isoformat(timespec="seconds"),
        "machine": {"node": platform.node(), "processor": platform.processor(),
                    "cpus": os.cpu_count(), "python": platform.python_version()},
        "workloads": {n: {"medians": r.medians, "notes": r.notes}
                      for n, r in results.items()},
    }


def compare(results, recorded, tolerance):
    """Lines comparing this run with the recorded one, and whether s2s got slower."""
    lines = [f"Against benchmarks/results.json ({recorded['recorded']}, tolerance "
             f"{tolerance:.0%}):"]
    slower = False
    for name, result in results.items():
        before = recorded["workloads"].get(name)
        if before is None:
            lines.append(f"  {name:12s} not recorded")
            continue
        then, now = before["medians"], result.medians
        if HAND in now and HAND in then:
            old, new, what = then[S2S] / then[HAND], now[S2S] / now[HAND], "s2s / hand-written"
        else:
            old, new, what = then[S2S], now[S2S], "s2s seconds"
        change = new / old - 1
        flag = change > tolerance
        slower |= flag
        lines.append(f"  {name:12s} {what}: {old:.3f} -> {new:.3f} ({change:+.1%})"
                     + ("  SLOWER" if flag else ""))
    return "\n".join(lines), slower


def charted_workloads(path):
    """The workloads a chart `chart` drew names (its PNG's `Workloads` text), or None."""
    import struct
    import zlib

    with open(path, "rb") as f:
        data = f.read()
    position = 8  # (the PNG signature)
    while position < len(data):
        length, kind = struct.unpack(">I4s", data[position:position + 8])
        body = data[position + 8:position + 8 + length]
        if kind in (b"tEXt", b"zTXt", b"iTXt"):
            key, _, text = body.partition(b"\0")
            if key == b"Workloads":
                if kind == b"zTXt":
                    text = zlib.decompress(text[1:])
                elif kind == b"iTXt":
                    text = text[2:].split(b"\0", 2)[2]
                return text.decode().split(",") if text else []
        position += 12 + length
    return None
