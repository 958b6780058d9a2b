"""Random programs (s2s/fuzz.py), drawn by hypothesis so that a failure shrinks: each
program's gradient against central finite differences, its forward mode against
reverse mode, and its Hessian-vector products against differences of gradients.
The long run is `python -m s2s.fuzz --count 10000`; what it finds is kept below."""

import importlib.util
import os
import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from s2s import fuzz

FIXTURES = os.path.join(os.path.dirname(__file__), "fixtures", "fuzz")


@settings(max_examples=40, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(rng=st.randoms(use_true_random=False))
def test_random_programs(rng, tmp_path):
    source = fuzz.programs(rng)
    outcome = fuzz.check(fuzz.load(source, str(tmp_path)), rng)
    assert outcome in ("ok", "skipped"), f"{outcome}\n{source}"


def test_programs_the_long_run_found():
    for name in sorted(os.listdir(FIXTURES)):
        spec = importlib.util.spec_from_file_location(name[:-3], os.path.join(FIXTURES, name))
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        for seed in range(3):
            assert fuzz.check(module.f, random.Random(seed)) == "ok", name
