"""Each optimization of the generated code does what it says, on the functions of
tests/golden/optimizations.py (whose output tests/golden/grad_opt_*.py pins), and
the gradients stay right (finite differences)."""

import os

import numpy as np
import pytest

from gradcheck import check_gradient
from golden import optimizations as opt

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def generated(name):
    """The code of the golden file's `value_and_grad_` function, without comments."""
    with open(os.path.join(ROOT, "tests", "golden", f"grad_opt_{name}.py")) as f:
        text = f.read()
    text = text[text.index("def value_and_grad"):text.index("@with_source_notes\ndef grad_")]
    return "\n".join(line for line in text.splitlines() if not line.strip().startswith("#"))


rng = np.random.default_rng(5)
CASES = {
    "dead_code": (opt.dead_code, (rng.normal(size=4), rng.normal(size=4)), (0, 1)),
    "copies": (opt.copies, (rng.normal(size=4),), 0),
    "constants": (opt.constants, (rng.normal(size=4),), 0),
    "first_write": (opt.first_write, (rng.normal(size=4),), 0),
    "tape": (opt.tape, (rng.normal(size=4), 5), 0),
    "shapes_on_the_tape": (opt.shapes_on_the_tape, (rng.normal(size=(2, 3)),
                                                    rng.normal(size=(3, 4)) * 0.5,
                                                    rng.normal(size=(4, 4)) * 0.5, 3), (0, 1, 2)),
    "broadcast": (opt.broadcast, (rng.normal(size=(3, 4)), rng.normal(size=4)), (0, 1)),
    "scalars": (opt.scalars, (0.7, 1.3), (0, 1)),
}


@pytest.mark.parametrize("name", CASES)
def test_the_optimized_gradient_is_right(name):
    f, args, wrt = CASES[name]
    check_gradient(f, args, wrt=wrt)


def test_dead_code_is_left_out():
    code = generated("dead_code")
    assert "norm" not in code and "dnorm" not in code


def test_copies_are_read_through():
    code = generated("copies")
    assert "dy" not in code and "dx" not in code and "y = x" in code  # (the function's own)


def test_constants_are_folded():
    code = generated("constants")
    assert "x**2" in code and "6.0 * x" in code
    assert "3 - 1" not in code and "2.0 * 3.0" not in code and "dt1 = " not in code
    assert "dt4 * 2 * x" in code  # `2 * x ** (2 - 1)`: the power's adjoint, folded


def test_adjoints_are_assigned_where_first_made():
    code = generated("first_write")
    assert "zeros_like" not in code
    assert "da = dt1 * b" in code and "dx = -(db * np.sin(x))" in code


def test_the_tape_keeps_only_what_the_adjoint_reads():
    code = generated("tape")
    assert code.count("tape.append(") == 1 and "tape.append(h_1)" in code
    assert "unbroadcast" not in code  # sin keeps a shape: nothing to undo, nothing to keep


def test_the_tape_keeps_the_shape_of_what_only_its_shape_is_read_of():
    code = generated("shapes_on_the_tape")
    assert "tape.append(shape_of(t3))" in code and "t3 = tape.pop()" in code
    assert "dt3 = unbroadcast(dt4, t3)" in code  # (read through the shape it kept)


def test_unbroadcast_of_a_kept_shape():
    from s2s.runtime import shape_of, unbroadcast

    kept = shape_of(np.ones((2, 3), np.float32))
    g = unbroadcast(1.0, kept)
    assert g.shape == (2, 3) and g.dtype == np.float32
    np.testing.assert_array_equal(unbroadcast(np.ones((4, 2, 3)), kept), np.full((2, 3), 4.0))
    assert shape_of(2.5) == 2.5


def test_a_mean_broadcasts_its_adjoint_once():
    code = generated("broadcast")
    assert "expand_reduced(dt2 * size_ratio(t2, t1), t1)" in code


def test_numbers_take_plain_arithmetic():
    code = generated("scalars")
    helpers = ("unbroadcast", "expand_reduced", "zeros_like", "balanced_eq")
    assert not any(h in code for h in helpers)
    assert "dtheta = dtheta + ds * math.cos(theta)" in code


def test_calls_that_may_do_more_than_make_a_value_stay():
    import s2s

    def draws(x):
        noise = np.random.normal(size=3)  # advances the generator: it stays
        shown = print  # (a name, pure: it goes)
        return np.sum(x * x)

    code = s2s.source(draws)
    assert "np.random.normal(size=3)" in code and "shown" not in code
