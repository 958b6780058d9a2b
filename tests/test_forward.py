"""Forward mode's contract and what is particular to it: `jvp_f(<params>, <tangents>)`
from the CLI and `s2s.jvp`, tangents of containers and of results that do not depend
on the `wrt` parameters, tangents that must not share memory, user rules, clear
errors.  (Every gradient test also checks forward mode against reverse mode:
tests/gradcheck.py.)"""

import subprocess
import sys

import black
import numpy as np
import pytest

import s2s
from gradcheck import numerical_gradient

rng = np.random.default_rng(83)


def directional(f, args, index, v, eps=1e-6):
    """The derivative of f along v in argument `index`, by central differences."""
    plus, minus = list(args), list(args)
    plus[index] = args[index] + eps * v
    minus[index] = args[index] - eps * v
    return (np.asarray(f(*plus)) - np.asarray(f(*minus))) / (2 * eps)


def poly(x, y):
    return x * x * y - y / x + 3.0


def test_jvp_against_finite_differences():
    x, y = rng.normal(size=4) + 3.0, rng.normal(size=4)
    vx, vy = rng.normal(size=4), rng.normal(size=4)
    value, tangent = s2s.jvp(poly, wrt=(0, 1))(x, y, vx, vy)
    np.testing.assert_allclose(value, poly(x, y))
    expected = directional(poly, (x, y), 0, vx) + directional(poly, (x, y), 1, vy)
    np.testing.assert_allclose(tangent, expected, rtol=1e-6)


def scaled(x, k=2.0):
    return x * k


def test_tangents_are_keywords_where_parameters_have_defaults():
    source = s2s.source(scaled, mode="forward")
    assert "def jvp_scaled(x, k=2.0, *, x_dot):" in source
    assert s2s.jvp(scaled)(1.5, x_dot=1.0) == (3.0, 2.0)
    assert s2s.jvp(scaled, wrt="k")(1.5, 4.0, k_dot=1.0) == (6.0, 1.5)


def constant_in_x(x, y):
    return y * 2.0


def test_a_result_that_does_not_depend_on_the_parameter_has_zero_tangent():
    value, tangent = s2s.jvp(constant_in_x)(np.ones(3), np.ones(2), np.ones(3))
    np.testing.assert_array_equal(tangent, np.zeros(2))


def pair(x, y):
    return [x * y, {"sum": x + y}], (x - y,)


def test_containers_have_tangents_of_the_same_structure():
    value, tangent = s2s.jvp(pair, wrt=(0, 1))(2.0, 3.0, 1.0, 0.0)
    assert value == ([6.0, {"sum": 5.0}], (-1.0,))
    assert tangent == ([3.0, {"sum": 1.0}], (1.0,))


def written_copy(x):
    y = x + 0.0  # its tangent would be x's own, were it not copied before the write
    y[0] = 5.0
    return y * 2.0


def test_a_tangent_written_into_is_not_the_callers():
    x, dx = np.arange(3.0), np.ones(3)
    _, tangent = s2s.jvp(written_copy)(x, dx)
    np.testing.assert_array_equal(tangent, [0.0, 2.0, 2.0])
    np.testing.assert_array_equal(dx, np.ones(3))  # the caller's tangent, untouched


def float32(x, w):
    return x * w + x / w


def test_float32_tangents_stay_float32():
    x, w = np.ones(3, dtype=np.float32), np.full(3, 2.0, dtype=np.float32)
    value, tangent = s2s.jvp(float32, wrt=(0, 1))(x, w, x, x)
    assert value.dtype == np.float32 and tangent.dtype == np.float32


def softplus(x):
    return np.log(1.0 + np.exp(x))


def uses_softplus(x):
    return softplus(x) * 2.0


def test_user_tangent_rules():
    """A rule registered for a function replaces differentiating its source."""
    from s2s import d, tangent, templating

    def softplus_tangent(z, x):
        d[z] = d[x] / (1.0 + np.exp(-x))

    try:
        tangent(softplus)(softplus_tangent)
        source = s2s.source(uses_softplus, mode="forward")
        assert "def jvp_softplus" not in source and "exp(-x))" in source
        x = rng.normal(size=3)
        _, t = s2s.jvp(uses_softplus)(x, np.ones(3))
        np.testing.assert_allclose(t, 2.0 / (1.0 + np.exp(-x)))
    finally:
        del templating._TANGENTS[softplus]


def hooked(x):
    with s2s.grad_of(x) as g:
        g = g * 2.0
    return x * x


def test_hooks_are_refused_in_forward_mode():
    with pytest.raises(s2s.Unsupported, match="forward mode"):
        s2s.jvp(hooked)(1.0, 1.0)


def test_cli_forward_mode(tmp_path):
    (tmp_path / "model.py").write_text(
        "import numpy as np\n\ndef loss(w, x):\n    return np.sum((x @ w) ** 2.0)\n"
    )
    out = subprocess.run(
        [sys.executable, "-m", "s2s", "differentiate", "model.loss", "--mode", "forward"],
        cwd=tmp_path, capture_output=True, text=True,
    )
    assert out.returncode == 0, out.stderr
    text = out.stdout
    assert "--mode forward" in text and "def jvp_loss(w, x, w_dot):" in text
    assert black.format_str(text, mode=black.Mode()) == text
    namespace = {}
    exec(compile(text, "jvp_loss.py", "exec"), namespace)
    w, x, v = rng.normal(size=3), rng.normal(size=(4, 3)), rng.normal(size=3)

    def loss(w, x):
        return np.sum((x @ w) ** 2.0)

    value, tangent = namespace["jvp_loss"](w, x, v)
    np.testing.assert_allclose(tangent, numerical_gradient(loss, (w, x), 0) @ v, rtol=1e-6)


def scalar_methods(x, w):
    total = np.sum(x * w)  # a NumPy float
    if total > 100.0:
        total = np.float64(100.0)  # a constant in one branch: its tangent is zero there
    return np.sum(total.reshape(1) * 3.0) + total.sum() + np.sum(total.T)


def test_methods_of_numpy_scalars_and_constants_in_branches():
    """A NumPy scalar's zero tangent was the Python float 0.0, which has no `.reshape`;
    and `np.float64(100.0)`, a constant, was refused as "making a np.float64 object
    from values that need derivatives" in both modes."""
    from gradcheck import check_gradient

    for x in (rng.normal(size=3), np.full(3, 60.0)):  # each branch
        w = np.abs(rng.normal(size=3)) + 1.0
        check_gradient(scalar_methods, (x, w), wrt=(0, 1))
        value, tangent = s2s.jvp(scalar_methods, wrt=(0, 1))(x, w, np.ones(3), np.ones(3))
        assert value == scalar_methods(x, w)


def copied_list(a, b):
    y = np.copy([a, b])  # an array, from a list of numbers
    return np.sum((y + y) * np.array([3.0, 5.0]))


def test_the_copy_of_a_list_has_an_array_tangent():
    """The tangent of `np.copy([a, b])` was a list, which `y + y` joined."""
    from gradcheck import check_gradient

    check_gradient(copied_list, (1.5, 2.5), wrt=(0, 1))
    value, tangent = s2s.jvp(copied_list, wrt=(0, 1))(1.5, 2.5, 1.0, 2.0)
    assert value == copied_list(1.5, 2.5)
    assert tangent == pytest.approx(6.0 * 1.0 + 10.0 * 2.0)
