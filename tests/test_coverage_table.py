"""docs/coverage.md is made from templates/ by `python -m s2s.coverage --write`; it
must say what the rules say now."""

import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def test_coverage_table_is_fresh():
    # a process of its own: rules registered by other tests must not show up
    made = subprocess.run(
        [sys.executable, "-m", "s2s.coverage"], cwd=ROOT, capture_output=True, text=True,
        check=True,
    ).stdout
    with open(os.path.join(ROOT, "docs", "coverage.md")) as f:
        assert f.read() == made, "docs/coverage.md is stale: run python -m s2s.coverage --write"
