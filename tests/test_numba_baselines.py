"""The numba-compiled hand-written adjoints that `--target numba` will be measured
against (benchmarks/numba_baselines.py) agree with the hand-written Python adjoints,
which tests/test_new_workloads.py checks against central differences, and with
s2s's modules; the loop matmul's with NumPy's products."""

import pytest

pytest.importorskip("numba")

from benchmarks import numba_baselines  # noqa: E402


def test_the_numba_baselines_agree():
    numba_baselines.check(numba_baselines.workloads(quick=True))
