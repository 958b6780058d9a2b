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
    "parts_in_place": (opt.parts_in_place, (rng.normal(size=(2, 3)), rng.normal(size=(3, 3)) * 0.5,
                                            rng.normal(size=(3, 4)), 4), (0, 1, 2)),
    "rows_of_one_shape": (opt.rows_of_one_shape, (rng.normal(size=(2, 3)), 0.7, 4), (0, 1)),
    "rereads": (opt.rereads, (rng.normal(size=4), rng.normal(size=3)), (0, 1)),
    # a 1-D readout: the adjoint's helper cannot write into `dh[1:]`, it is assigned there
    "parts_in_place_1d": (opt.parts_in_place, (rng.normal(size=3), rng.normal(size=(3, 3)) * 0.5,
                                               rng.normal(size=3), 4), (0, 1, 2)),
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


def test_a_first_contribution_to_part_of_an_adjoint_is_written_into_it():
    code = generated("parts_in_place")
    assert "dh = zeros_outside(h, slice(1, None))" in code
    assert "dh[1:] = matmul_lhs_adjoint(dt10, t9, v, out=dh[1:])" in code
    assert "dt9" not in code and "dh[1:] +=" not in code


def test_what_a_helper_writes_into_an_adjoint_is_what_it_returns_without():
    from s2s.runtime import matmul_lhs_adjoint, matmul_rhs_adjoint

    def both(helper, g, x, y, out):
        fresh = helper(g, x, y)
        given = helper(g, x, y, out=out)
        np.testing.assert_array_equal(given, fresh)
        return given is out

    g3, x3, y = rng.normal(size=(5, 2, 4)), rng.normal(size=(5, 2, 3)), rng.normal(size=(3, 4))
    assert both(matmul_lhs_adjoint, g3, x3, y, np.empty((5, 2, 3)))  # batched: written
    assert both(matmul_lhs_adjoint, g3[0], x3[0], y, np.empty((2, 3)))
    assert both(matmul_rhs_adjoint, g3[0], x3[0], y, np.empty((3, 4)))
    # where the product is not exactly the part, it is returned for the caller to store
    assert not both(matmul_rhs_adjoint, g3, x3, y, np.empty((3, 4)))  # (summed over the batch)
    assert not both(matmul_lhs_adjoint, g3, x3[:1], y, np.empty((1, 2, 3)))  # (broadcast x)
    assert not both(matmul_lhs_adjoint, g3, x3, y, np.empty((5, 2, 3), np.float32))  # (dtype)
    assert not both(matmul_lhs_adjoint, g3[0, 0], x3[0, 0], y, np.empty(3))  # (1-D)
    assert not both(matmul_lhs_adjoint, g3[0, :, 0], x3[0], y[:, 0], np.empty((2, 3)))


def test_zeros_outside_a_part_are_zeros_there():
    from s2s.runtime import zeros_like, zeros_outside

    x = rng.normal(size=(6, 2))
    for part in [slice(1, None), slice(None, -1), slice(2, 4), slice(4, 2), slice(-3, None)]:
        dx = zeros_outside(x, part)
        assert dx.shape == x.shape and dx.dtype == x.dtype
        outside = np.ones(6, bool)
        outside[part] = False
        np.testing.assert_array_equal(dx[outside], 0.0)
    # where only a whole zero array will do: zeros_like's
    for x, part in [(x, slice(None, None, 2)), (np.arange(4), slice(1, None)), ([1.0, 2.0], slice(1, None))]:
        dx = zeros_outside(x, part)
        expected = zeros_like(x)
        assert type(dx) is type(expected)
        np.testing.assert_array_equal(np.asarray(dx, float), np.asarray(expected, float))


def test_a_value_of_its_rows_shape_takes_the_rows_adjoint_as_it_is():
    code = generated("rows_of_one_shape")
    assert "dt10 = snapshot(dy[t11])" in code  # `y[t] + ...`: no `unbroadcast`
    # (`x` may be broadcast; the first write into `y`, made just before, leaves no
    # adjoint in `dy[0]` for anything else: it is taken as it is, not copied and zeroed)
    assert "dx = unbroadcast(dy[0], x)" in code and "dy[0] = 0.0" not in code


def test_what_a_loop_reads_of_its_parameters_is_read_again():
    code = generated("rereads")
    adjoint = code[code.index("for i in reversed"):]
    assert "t3 = x[i]" in adjoint and "t5 = w[j]" in adjoint
    assert "tape.append(t3" not in code and "tape.append(t5" not in code
    assert "tape.append(t4)" in code  # (`sin`'s value, computed: kept)


def test_a_value_two_statements_save_is_pushed_once():
    with open(os.path.join(ROOT, "generated", "grad_rnn.py")) as f:
        code = f.read()
    # `tanh`'s adjoint reads its value, and the write `h[t + 1] = t13` its shape
    assert code.count("tape.append(t13)") == 1 and "shape_of(t13)" not in code
    assert code.count("t13 = tape.pop()") == 1
