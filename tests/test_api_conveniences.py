"""The API as JAX and autograd users write it: lambdas and partials that fix the data,
`argnums=`, `has_aux=`, `s2s.vjp`, `--wrt` by index, help texts, and the errors for a
missing tangent and for a function without a source file (and notebook cells, which
have one)."""

import functools
import linecache
import os
import sys

import numpy as np
import pytest

import s2s
from s2s.cli import main as cli_main
from tests.gradcheck import check_gradient, numerical_gradient

rng = np.random.default_rng(11)
X = rng.normal(size=(6, 3))
Y = rng.normal(size=6)
W = rng.normal(size=3)
V = rng.normal(size=3)


def loss(w, x, y):
    predictions = np.tanh(x @ w)
    return np.mean((predictions - y) ** 2)


def loss_and_stats(w, x, y):
    errors = np.tanh(x @ w) - y
    stats = {"errors": errors, "worst": np.max(np.abs(errors)), "count": len(y)}
    return np.mean(errors**2), stats


def scaled(a, b, scale=2.0):
    return np.sum(np.sin(a) * b**2) * scale


def gradient_difference(f, args, index, v, eps=1e-6):
    """The derivative of f's gradient in argument `index` along v, by central
    differences of s2s's gradients (themselves checked against differences)."""
    g = s2s.grad(f, wrt=index)
    plus, minus = list(args), list(args)
    plus[index] = args[index] + eps * v
    minus[index] = args[index] - eps * v
    return (np.asarray(g(*plus)) - np.asarray(g(*minus))) / (2 * eps)


# lambdas

def test_grad_of_a_lambda_that_fixes_the_data():
    fixed = lambda w: loss(w, X, Y)
    g = s2s.grad(lambda w: loss(w, X, Y))(W)
    np.testing.assert_allclose(g, numerical_gradient(fixed, [W], 0), rtol=1e-6, atol=1e-9)
    check_gradient(fixed, [W])


def test_value_and_grad_jvp_hvp_and_source_of_lambdas():
    def fit(x, y):
        value, g = s2s.value_and_grad(lambda w: loss(w, x, y))(W)
        value_fwd, tangent = s2s.jvp(lambda w: loss(w, x, y))(W, V)
        hv = s2s.hvp(lambda w: loss(w, x, y))(W, V)
        text = s2s.source(lambda w: loss(w, x, y))
        return value, g, value_fwd, tangent, hv, text

    value, g, value_fwd, tangent, hv, text = fit(X, Y)
    assert value == loss(W, X, Y) and value_fwd == loss(W, X, Y)
    expected = numerical_gradient(lambda w: loss(w, X, Y), [W], 0)
    np.testing.assert_allclose(g, expected, rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(tangent, expected @ V, rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(hv, gradient_difference(lambda w: loss(w, X, Y), [W], 0, V),
                               rtol=1e-5, atol=1e-7)
    assert "def value_and_grad_lambda_(w, d_result=1.0):" in text
    assert "# d of: lambda w: loss(w, x, y)  (test_api_conveniences.py:" in text


def test_lambdas_on_one_line_are_told_apart():
    if sys.version_info < (3, 11):
        pytest.skip("Python 3.10 records no columns: such lambdas are refused")
    cube, weighted = s2s.grad(lambda v: np.sum(v**3)), s2s.grad(lambda v: np.sum(v * X[0]))
    np.testing.assert_allclose(cube(W), 3 * W**2, rtol=1e-12)
    np.testing.assert_allclose(weighted(W), X[0], rtol=1e-12)
    # one inside another: the outer one calls the inner one ...
    nested = lambda w: (lambda v: np.sum(v * w))(w)
    np.testing.assert_allclose(s2s.grad(nested)(W), 2 * W, rtol=1e-12)
    # ... and the inner one, made by the outer, is differentiated itself
    inner = (lambda w: lambda v: np.sum(np.exp(v) * w))(W)
    np.testing.assert_allclose(s2s.grad(inner)(V), np.exp(V) * W, rtol=1e-12)


@pytest.mark.skipif(sys.version_info >= (3, 11), reason="columns tell them apart")
def test_lambdas_on_one_line_are_refused_where_python_records_no_columns():
    square, cube = (lambda v: np.sum(v**2)), (lambda v: np.sum(v**3))
    with pytest.raises(s2s.Unsupported, match=r"test_api_conveniences.py:\d+:\d+: this "
                       "lambda cannot be told apart .* give it a name with def"):
        s2s.grad(cube)(W)


def test_a_lambda_over_several_lines_with_a_default():
    total = lambda w, weight=0.5: (
        np.sum(np.cos(w)) * weight
        + loss(w, X, Y)
    )
    check_gradient(total, [W])
    check_gradient(total, [W, 3.0], wrt=(0, 1))
    text = s2s.source(total, wrt=(0, 1))
    assert "def value_and_grad_lambda_(w, weight=0.5, d_result=1.0):" in text
    assert "# d of: np.sum(np.cos(w)) * weight" in text


def test_an_error_in_a_lambda_names_its_line():
    bad = lambda w: np.sum(w * X)  # (3,) against (6, 3): fine; (4,) is not
    with pytest.raises(ValueError) as info:
        s2s.grad(bad)(np.ones(4))
    assert "in <lambda> (test_api_conveniences.py:" in "".join(info.value.__notes__)


# functools.partial

def test_grad_of_a_partial_with_keywords_bound():
    fixed = functools.partial(loss, x=X, y=Y)
    g = s2s.grad(fixed)(W)
    np.testing.assert_allclose(g, numerical_gradient(fixed, [W], 0), rtol=1e-6, atol=1e-9)
    value, g2 = s2s.value_and_grad(fixed)(W)
    assert value == loss(W, X, Y)
    np.testing.assert_array_equal(g2, g)


def test_a_partial_with_positions_bound_counts_the_parameters_it_leaves():
    b = rng.normal(size=3)
    with_a = functools.partial(scaled, W)  # leaves (b, scale)
    expected_b = numerical_gradient(lambda b: scaled(W, b), [b], 0)
    np.testing.assert_allclose(s2s.grad(with_a)(b), expected_b, rtol=1e-6, atol=1e-9)
    db, dscale = s2s.grad(with_a, wrt=(0, "scale"))(b, 3.0)
    np.testing.assert_allclose(db, 1.5 * expected_b, rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(dscale, numerical_gradient(with_a, [b, 3.0], 1), rtol=1e-6)
    with pytest.raises(s2s.S2SError, match="binds 'a' positionally"):
        s2s.grad(with_a, wrt="a")
    with pytest.raises(s2s.S2SError, match="2 parameters left by the partial"):
        s2s.grad(with_a, wrt=2)


def test_forward_mode_hvp_hessian_and_a_second_derivative_of_a_partial():
    fixed = functools.partial(loss, x=X, y=Y)
    expected = numerical_gradient(fixed, [W], 0)
    value, tangent = s2s.jvp(fixed)(W, V)
    assert value == loss(W, X, Y)
    np.testing.assert_allclose(tangent, expected @ V, rtol=1e-6, atol=1e-9)
    hv = s2s.hvp(fixed)(W, V)
    np.testing.assert_allclose(hv, gradient_difference(fixed, [W], 0, V), rtol=1e-5, atol=1e-7)
    h = s2s.hessian(fixed)(W)
    np.testing.assert_allclose(h @ V, hv, rtol=1e-10, atol=1e-12)
    # a derivative of a derivative (binding b by keyword makes scale keyword-only)
    second = s2s.grad(s2s.grad(functools.partial(scaled, b=V), wrt="scale"))(W, scale=2.0)
    np.testing.assert_allclose(second, np.cos(W) * V**2, rtol=1e-12)


# argnums and has_aux

def test_argnums_as_jax_writes_it():
    b = rng.normal(size=3)
    da, db = s2s.grad(scaled, argnums=(0, 1))(W, b)
    np.testing.assert_allclose(da, numerical_gradient(scaled, [W, b], 0), rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(db, numerical_gradient(scaled, [W, b], 1), rtol=1e-6, atol=1e-9)
    value, only_b = s2s.value_and_grad(scaled, argnums=1)(W, b)
    assert value == scaled(W, b)
    np.testing.assert_array_equal(only_b, db)
    (one,) = s2s.grad(scaled, argnums=(1,))(W, b)
    np.testing.assert_array_equal(one, db)
    with pytest.raises(TypeError, match="not both"):
        s2s.grad(scaled, wrt="a", argnums=0)
    with pytest.raises(TypeError, match="argnums='a'"):
        s2s.grad(scaled, argnums="a")


def test_has_aux_returns_the_aux_without_a_derivative():
    g, stats = s2s.grad(loss_and_stats, has_aux=True)(W, X, Y)
    np.testing.assert_allclose(g, numerical_gradient(loss, [W, X, Y], 0), rtol=1e-6, atol=1e-9)
    expected_value, expected_stats = loss_and_stats(W, X, Y)
    np.testing.assert_array_equal(stats["errors"], expected_stats["errors"])
    assert stats["worst"] == expected_stats["worst"] and stats["count"] == 6
    (value, aux), g2 = s2s.value_and_grad(loss_and_stats, has_aux=True)(W, X, Y)
    assert value == expected_value
    np.testing.assert_array_equal(aux["errors"], expected_stats["errors"])
    np.testing.assert_array_equal(g2, g)
    # with a lambda, argnums and an array as the aux
    (value, errors), (dw, dx) = s2s.value_and_grad(
        lambda w, x: (loss(w, x, Y), np.tanh(x @ w) - Y), argnums=(0, 1), has_aux=True)(W, X)
    assert value == loss(W, X, Y)
    np.testing.assert_allclose(dx, numerical_gradient(loss, [W, X, Y], 1), rtol=1e-6,
                               atol=1e-9)
    with pytest.raises(TypeError, match="must return a pair"):
        s2s.grad(loss, has_aux=True)(W, X, Y)
    with pytest.raises(s2s.S2SError, match="has_aux=True"):
        s2s.grad(s2s.grad(loss_and_stats, has_aux=True))(W, X, Y)


# vjp

def outputs(w, x):
    return np.tanh(x @ w) * w[0]


def test_vjp_returns_the_value_and_a_function_of_the_cotangent():
    cotangent = rng.normal(size=6)
    value, pullback = s2s.vjp(outputs)(W, X)
    np.testing.assert_array_equal(value, outputs(W, X))
    dw = pullback(cotangent)
    expected = numerical_gradient(lambda w: np.sum(outputs(w, X) * cotangent), [W], 0)
    np.testing.assert_allclose(dw, expected, rtol=1e-6, atol=1e-9)
    # twice, and with respect to two parameters
    np.testing.assert_allclose(pullback(2 * cotangent), 2 * dw, rtol=1e-12)
    value, pullback = s2s.vjp(outputs, wrt=("w", "x"))(W, X)
    dw2, dx = pullback(cotangent)
    np.testing.assert_allclose(dw2, dw, rtol=1e-12)
    expected_x = numerical_gradient(lambda x: np.sum(outputs(W, x) * cotangent), [X], 0)
    np.testing.assert_allclose(dx, expected_x, rtol=1e-6, atol=1e-9)
    # of a lambda: the whole Jacobian, row by row
    value, pullback = s2s.vjp(lambda w: outputs(w, X))(W)
    rows = np.array([pullback(e) for e in np.eye(6)])
    np.testing.assert_allclose(rows, s2s.jacobian(outputs)(W, X), rtol=1e-10, atol=1e-12)


# the command line

def test_wrt_by_index_on_the_command_line(tmp_path, monkeypatch):
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    monkeypatch.chdir(root)
    by_index, by_name = tmp_path / "by_index.py", tmp_path / "by_name.py"
    target = "examples.mlp.loss"
    assert cli_main(["differentiate", target, "--wrt", "0,3", "-o", str(by_index)]) == 0
    assert cli_main(["differentiate", target, "--wrt", "w1,b2", "-o", str(by_name)]) == 0
    assert cli_main(["differentiate", target, "--wrt=-1,0", "-o", str(tmp_path / "last.py")]) == 0
    indexed, named = by_index.read_text(), by_name.read_text()
    assert f"#     s2s differentiate {target} --wrt 0,3\n" in indexed
    assert indexed.replace("--wrt 0,3", "--wrt w1,b2") == named
    assert "def value_and_grad_loss(w1, b1, w2, b2, x, y, d_result=1.0)" in indexed
    assert "--wrt=-1,0\n" in (tmp_path / "last.py").read_text()
    from s2s.check import check_command

    assert check_command([str(tmp_path)], False, 120.0) == 0  # regenerated the same
    assert cli_main(["differentiate", target, "--wrt", "6"]) == 2


def test_wrt_by_index_gives_the_gradient_by_name():
    namespace = {}
    from s2s.command import generated, parser

    args = parser().parse_args(["differentiate", "examples.mlp.loss", "--wrt", "1"])
    module = generated(args)
    exec(compile(module.source, "<by index>", "exec"), namespace)
    import examples.mlp as mlp

    rng2 = np.random.default_rng(3)
    shapes = [(5, 4), (4,), (4, 1), (1,), (8, 5), (8, 1)]
    args = [rng2.normal(size=s) for s in shapes]
    value, db1 = namespace["value_and_grad_loss"](*args)
    assert value == mlp.loss(*args)
    np.testing.assert_allclose(db1, numerical_gradient(mlp.loss, args, 1), rtol=1e-5,
                               atol=1e-8)


# help texts and errors

@pytest.mark.parametrize("name", ["grad", "value_and_grad", "vjp", "jvp", "hvp", "hessian",
                                  "jacobian", "source"])
def test_each_api_function_shows_a_call_in_its_help(name):
    doc = getattr(s2s, name).__doc__
    assert f"s2s.{name}(" in doc, doc


def test_a_missing_tangent_or_vector_is_named():
    with pytest.raises(TypeError, match=r"jvp of loss takes one tangent per wrt parameter "
                       r"\(w\) after loss's arguments: got 3 arguments"):
        s2s.jvp(loss)(W, X, Y)
    with pytest.raises(TypeError, match=r"\(w, x\) after loss's arguments: got 3 arguments, "
                       r"and loss takes 3 before the 2 tangents"):
        s2s.jvp(loss, wrt=("w", "x"))(W, X, Y)
    with pytest.raises(TypeError, match=r"hvp of loss takes the vector v .* got 3 arguments"):
        s2s.hvp(loss)(W, X, Y)
    with pytest.raises(TypeError, match="takes v as a tuple of 2 tangents"):
        s2s.hvp(loss, wrt=("w", "x"))(W, X, Y, V)
    # given by keyword, or with defaults left out, it is found
    value, tangent = s2s.jvp(scaled)(W, V, a_dot=V)
    assert value == scaled(W, V)
    value, tangent2 = s2s.jvp(scaled)(W, V, V)
    assert tangent2 == tangent


def test_a_function_made_by_hvp_is_not_differentiated_again():
    with pytest.raises(s2s.S2SError, match="made by s2s.hvp"):
        s2s.grad(s2s.hvp(scaled))(W, V, V)


def test_a_function_without_a_source_file_says_how_to_proceed():
    namespace = {}
    exec("def made(x):\n    return x * x\n", namespace)  # as `python -c` defines it
    with pytest.raises(s2s.S2SError, match="no source file.*put the function in a .py file "
                       "and import it, or define it in a notebook cell"):
        s2s.grad(namespace["made"])(1.0)
    exec("made = lambda x: x * x\n", namespace)
    with pytest.raises(s2s.S2SError, match="no source file"):
        s2s.grad(namespace["made"])(1.0)


def test_a_function_from_a_notebook_cell():
    # what IPython does with a cell: compile it under a name of its own, register its
    # lines in linecache, run it in the user's namespace
    cell = (
        "import numpy as np\n"
        "\n"
        "def energy(q, k):\n"
        "    springs = q[1:] - q[:-1]\n"
        "    return 0.5 * k * np.sum(springs ** 2) + np.sum(np.cos(q))\n"
        "\n"
        "stiff = lambda q: energy(q, 3.0)\n"
    )
    filename = "<ipython-input-7-0123456789ab>"
    linecache.cache[filename] = (len(cell), None, cell.splitlines(keepends=True), filename)
    try:
        namespace = {"__name__": "__main__"}
        exec(compile(cell, filename, "exec"), namespace)
        energy, stiff = namespace["energy"], namespace["stiff"]
        q = rng.normal(size=5)
        check_gradient(energy, [q, 3.0], wrt=(0, 1))
        check_gradient(stiff, [q])
        value, g = s2s.value_and_grad(stiff)(q)
        assert value == energy(q, 3.0)
        assert f"in energy ({filename}:4)" in s2s.source(energy)
    finally:
        del linecache.cache[filename]
