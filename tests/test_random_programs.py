"""Random programs (s2s/fuzz.py), drawn by hypothesis so that a failure shrinks: each
program's value (as every derivative returns it) against the function's own, its
gradient against central finite differences, its forward mode against reverse mode,
and its Hessian-vector products against differences of gradients.  Programs of
vectors `f(x, y, s)` and of floats `f(a, b, c)`, with accumulators, `while` loops to a
tolerance, decorated callees, results a loop carries (see s2s/fuzz.py).
The long run is `python -m s2s.fuzz --count 10000`; what it finds is kept below: a
module defining `f`, whose parameters named `x` and `y` are vectors of 3 and any other
a float (`fuzz.check` draws them so), and `EXPECTED_REFUSAL = "name"` where s2s must
refuse the decorator `@name`."""

import importlib.util
import os
import random

import pytest
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


def test_programs_draw_every_kind():
    """Each kind of statement and of result is drawn, often enough for a run of 1000
    programs to check each many times (here: in 1000 programs, written, not checked)."""
    drawn = {}
    rng = random.Random(0)
    for _ in range(1000):
        kinds = set()
        fuzz.programs(rng, kinds)
        for kind in kinds:
            drawn[kind] = drawn.get(kind, 0) + 1
    expected = ({f"vector {k}" for k in fuzz.VECTOR_KINDS}
                | {f"float {k}" for k in fuzz.FLOAT_KINDS}
                | {"refused decorator", "vector return expression",
                   "vector return loop-carried number", "vector return loop-carried vector",
                   "float return expression", "float return loop-carried number"}
                | {f"for over {k}" for k in ("range", "list", "enumerate", "zip", "elements",
                                             "enumerate vector", "zip vectors",
                                             "range vector", "range len")}
                | {f"callee {k}" for k in ("plain", "cached", "static", "loop")}
                | {f"idiom {k}" for k in ("map", "reduce", "try", "with", "star", "partial",
                                          "record", "state", "dispatch", "walrus", "match",
                                          "fsum")}
                | {f"accumulator {k}" for k in ("0.0 +=", "0 +=", "0.0 -=", "0 -=", "1.0 *=",
                                                "1 *=", "nested", "max", "mean", "sum",
                                                "early return")})
    rare = {k: drawn.get(k, 0) for k in expected if drawn.get(k, 0) < 20}
    assert not rare, rare


@pytest.mark.parametrize("name", sorted(n for n in os.listdir(FIXTURES) if n.endswith(".py")))
def test_programs_the_long_run_found(name):
    spec = importlib.util.spec_from_file_location(name[:-3], os.path.join(FIXTURES, name))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for seed in range(3):
        assert fuzz.check(module.f, random.Random(seed)) == "ok", name
