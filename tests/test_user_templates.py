"""The user's own derivative rules: in their module, or in a file given with
--templates; they beat the built-in rules and differentiating a function's source.
Also stop_gradient and operations that carry no derivative."""

import importlib.util
import os
import subprocess
import sys

import numpy as np
import pytest

import s2s
from gradcheck import check_gradient, check_hvp
from s2s import d, templating

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
rng = np.random.default_rng(51)


@pytest.fixture
def own_rules():
    """Rules registered inside a test stay inside it."""
    with templating.registry_snapshot():
        yield


def soft_clip(x):
    return np.tanh(x)


def clipped_loss(x, w):
    return np.sum(soft_clip(x) * w)


def quantized(x, w):
    q = np.floor(x * 4.0) / 4.0
    return np.sum(q * w)


def test_a_users_rule_beats_the_functions_source(own_rules):
    x, w = rng.normal(size=4), rng.normal(size=4)
    dx = s2s.grad(clipped_loss)(x, w)
    np.testing.assert_allclose(dx, w * (1 - np.tanh(x) ** 2))  # from the source

    @s2s.adjoint(soft_clip)
    def soft_clip_straight_through(z, x):
        d[x] += d[z]

    np.testing.assert_allclose(s2s.grad(clipped_loss)(x, w), w)


def test_a_users_rule_beats_a_built_in_one(own_rules):
    x, w = rng.normal(size=5), rng.normal(size=5)
    assert np.all(s2s.grad(quantized)(x, w) == 0.0)  # floor carries no derivative

    @s2s.adjoint(np.floor)
    def floor_straight_through(z, x):
        d[x] += d[z]

    # straight through: the gradient of sum(x * 4 / 4 * w)
    np.testing.assert_allclose(s2s.grad(quantized)(x, w), w)


# -- a user's rule of a kind that gives both modes -------------------------------------


def logistic(x):
    out = np.empty_like(x)
    for i in range(x.size):  # (a loop s2s could differentiate, slowly; the rule is exact)
        out[i] = 1.0 / (1.0 + np.exp(-x[i]))
    return out


def moving_sum(x):
    return np.convolve(x, np.ones(3), "same")


def gram(a, b):
    return a @ b.T


def uses_the_users_rules(x, a, b):
    return np.sum(logistic(x) * moving_sum(x) ** 2) + np.sum(np.tanh(gram(a, b)))


def register_the_users_rules():
    @s2s.elementwise(logistic)
    def logistic_rule(z, x):
        return z * (1.0 - z)

    @s2s.linear(moving_sum)
    def moving_sum_rule(z, x):
        d[x] += np.convolve(d[z], np.ones(3), "same")  # (symmetric: its own transpose)

    @s2s.bilinear(gram)
    def gram_rule(z, a, b):
        d[a] += d[z] @ b
        d[b] += d[z].T @ a


def test_a_users_elementwise_linear_and_bilinear_rules_give_both_modes(own_rules):
    """A rule stated once gives reverse mode, forward mode and Hessian-vector products
    (forward over reverse), each against finite differences, as the built-in ones do."""
    register_the_users_rules()
    x, a, b = rng.normal(size=6), rng.normal(size=(3, 2)), rng.normal(size=(4, 2))
    args = (x, a, b)
    check_gradient(uses_the_users_rules, args, wrt=(0, 1, 2))  # reverse, and forward
    generated = s2s.source(uses_the_users_rules, wrt=(0, 1, 2))
    assert "def logistic(" not in generated and "for i in" not in generated  # the rules
    forward = s2s.source(uses_the_users_rules, wrt=(0, 1, 2), mode="forward")
    assert "moving_sum(x_dot)" in forward  # the operation on tangents
    assert "gram(a_dot, b) + gram(a, b_dot)" in forward
    check_hvp(uses_the_users_rules, args, (0, 1, 2), rng)


def test_templates_file_on_the_command_line(tmp_path):
    out = tmp_path / "grad_quantized.py"
    command = [
        sys.executable, "-m", "s2s", "differentiate", "tests/fixtures/quantized.py:loss",
        "--templates", "tests/fixtures/straight_through.py", "-o", str(out),
    ]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    text = out.read_text()
    assert "--templates tests/fixtures/straight_through.py" in text  # in the header
    spec = importlib.util.spec_from_file_location("grad_quantized", out)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    x, w = rng.normal(size=5), rng.normal(size=5)
    np.testing.assert_allclose(module.grad_loss(x, w), w)


def test_templates_file_errors_are_located(tmp_path):
    bad = tmp_path / "bad_rules.py"
    bad.write_text("import numpy\nraise ValueError('no')\n")
    command = [sys.executable, "-m", "s2s", "differentiate", "examples.mlp.loss",
               "--templates", str(bad)]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "bad_rules.py:2:1: importing" in result.stderr


# -- no derivative: stop_gradient, integer-valued operations, random draws -------


def stopped(x, w):
    target = s2s.stop_gradient(x * w)
    return np.sum((x * w - target) ** 2) + np.sum(target * x)


def piecewise_constant(x):
    n = np.round(x * 3.0) + np.ceil(x) + np.sign(x) + np.argsort(x) + np.argmax(x)
    return np.sum(n * x) + float(len(x)) * np.sum(x)


def draws(mu):
    noise = np.random.normal(mu, 1.0)
    return np.sum(mu * noise)


@pytest.mark.value_unchecked("`draws` draws random numbers")
def test_values_without_derivatives():
    x, w = rng.normal(size=4), rng.normal(size=4)
    # only the second term's `x` carries a derivative: d/dx of sum(c * x) is c
    np.testing.assert_allclose(s2s.grad(stopped)(x, w), x * w)
    check_gradient(piecewise_constant, (rng.normal(size=5),))
    np.random.seed(3)
    dmu = s2s.grad(draws)(np.ones(3))
    np.random.seed(3)
    np.testing.assert_allclose(dmu, np.random.normal(np.ones(3), 1.0))


def test_every_built_in_tangent_rule_has_the_form_a_users_must():
    """s2s reads its own rules only when a derivative uses them, so their form (locals,
    then `d[z] = ...`) is checked here rather than when they are registered."""
    templating.load_builtin_templates(everything=True)
    rules = set(templating._TANGENTS.values())
    assert len(rules) > 200
    for rule in rules:
        if not isinstance(rule, templating.LinearTangent):  # (made from the call site)
            templating._check_tangent(rule)


FIRST_RULE = """
import numpy as np
import s2s
from s2s import d


@s2s.adjoint(np.sin)  # (registered before s2s has loaded any rule of its own)
def sin_rule(z, x):
    d[x] += d[z] * 100.0


def f(x):
    return np.sum(np.sin(x))


print(s2s.grad(f)(np.ones(2)).tolist())
"""


def test_a_rule_registered_before_the_built_in_ones_load_stays(tmp_path):
    """The built-in rules, loaded at the first lookup, replaced a rule the user's
    module registered as it was imported (the gradient was cos(x), not 100)."""
    (tmp_path / "first_rule.py").write_text(FIRST_RULE)
    out = subprocess.run([sys.executable, "first_rule.py"], capture_output=True, text=True,
                         check=True, cwd=tmp_path).stdout
    assert out.split() == ["[100.0,", "100.0]"]


DEFERRED = """
import sys
from s2s import d, templating
import s2s

templating.load_builtin_templates()
print("scipy.linalg" in sys.modules, "scipy.stats" in sys.modules)
import scipy.linalg

print(templating.adjoint_template(scipy.linalg.solve).fn.__module__)


@s2s.adjoint(scipy.linalg.solve_triangular)
def mine(z, a, b):
    d[b] += d[z]


print(templating.adjoint_template(scipy.linalg.cholesky).fn.__module__)
print(templating.adjoint_template(scipy.linalg.solve_triangular).fn.__name__)
print("scipy.stats" in sys.modules)
"""


def test_scipys_rules_load_once_its_subpackage_is_imported(tmp_path):
    """SciPy's rules wait for the subpackage they are for (importing them all took
    0.85 s of every start); loaded then, they keep a rule the user registered for one
    of its functions before."""
    pytest.importorskip("scipy")
    (tmp_path / "deferred.py").write_text(DEFERRED)
    out = subprocess.run([sys.executable, "deferred.py"], capture_output=True, text=True,
                         check=True, cwd=tmp_path).stdout.split("\n")
    assert out[:5] == ["False False", "s2s.templates.scipy_linalg",
                       "s2s.templates.scipy_linalg", "mine", "False"], out
