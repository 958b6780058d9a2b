"""The benchmarks' regression guard (`python -m benchmarks --compare`): a run is
compared with benchmarks/results.json by s2s's time over the hand-written gradient's,
and flagged where that grew beyond the tolerance."""

import json
import os

from benchmarks.common import HAND, S2S, Result
from benchmarks.results import compare, record, summary

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run(s2s, hand, generation=0.8):
    return {
        "mlp": Result("MLP", {HAND: hand, S2S: s2s}, goal=1.1),
        "generation": Result("generation", {S2S: generation}, goal_seconds=1.0),
    }


def test_a_slowdown_beyond_the_tolerance_is_flagged():
    recorded = record(run(s2s=1.05, hand=1.0))
    text, slower = compare(run(s2s=1.30, hand=1.0), recorded, tolerance=0.15)
    assert slower and "SLOWER" in text and "1.050 -> 1.300" in text


def test_noise_and_faster_machines_are_not():
    recorded = record(run(s2s=1.05, hand=1.0))
    # a machine twice as fast: times halve, the ratio stays
    assert not compare(run(s2s=0.55, hand=0.5), recorded, tolerance=0.15)[1]
    assert not compare(run(s2s=1.10, hand=1.0), recorded, tolerance=0.15)[1]


def test_generation_is_compared_by_its_time():
    recorded = record(run(s2s=1.0, hand=1.0, generation=0.8))
    text, slower = compare(run(s2s=1.0, hand=1.0, generation=1.2), recorded, 0.15)
    assert slower and "s2s seconds: 0.800 -> 1.200" in text


def test_the_recorded_results_are_complete():
    with open(os.path.join(ROOT, "benchmarks", "results.json")) as f:
        recorded = json.load(f)
    assert {"mlp", "pendulum", "rnn", "recursion", "generation"} <= set(recorded["workloads"])
    for name, workload in recorded["workloads"].items():
        assert S2S in workload["medians"], name
    assert "met" in summary(run(s2s=1.05, hand=1.0))


def test_the_committed_chart_shows_every_recorded_workload():
    """docs/benchmarks.png and benchmarks/results.json come from one full run: the
    chart names (in its PNG text) each recorded workload that has a hand-written row."""
    from benchmarks.results import charted_workloads

    with open(os.path.join(ROOT, "benchmarks", "results.json")) as f:
        recorded = json.load(f)["workloads"]
    expected = [name for name, w in recorded.items() if HAND in w["medians"]]
    charted = charted_workloads(os.path.join(ROOT, "docs", "benchmarks.png"))
    assert charted is not None, "docs/benchmarks.png was not drawn by a full run"
    assert sorted(charted) == sorted(expected)
