"""`s2s.testing.check_grads`: passes on correct derivatives, and fails with a message
naming the parameter, the element, and both values when one is wrong."""

import numpy as np
import pytest

from s2s import adjoint, d, tangent, templating
from s2s.testing import check_grads

rng = np.random.default_rng(7)


def loss(w, b, x):
    return np.sum(np.tanh(x @ w + b) ** 2) + 0.5 * b * b


def test_correct_derivatives_pass():
    args = (rng.normal(size=3), 0.3, rng.normal(size=(4, 3)))
    grads = check_grads(loss, args, wrt=("w", "b"), order=2)
    assert len(grads) == 2
    check_grads(loss, (args[0].astype(np.float32), 0.3, args[2]), wrt=0)  # float32 in


def softsign(x):
    return x / (1.0 + np.abs(x))


def uses_softsign(x, y):
    return np.sum(softsign(x) * y)


@pytest.fixture
def wrong_rules():
    def wrong_adjoint(z, x):  # should be d[z] / (1 + |x|) ** 2
        d[x] += d[z] / (1.0 + np.abs(x))

    def right_tangent(z, x):
        d[z] = d[x] / (1.0 + np.abs(x)) ** 2

    adjoint(softsign)(wrong_adjoint)
    tangent(softsign)(right_tangent)
    yield
    del templating._ADJOINTS[softsign], templating._TANGENTS[softsign]


def test_a_wrong_gradient_is_named(wrong_rules):
    x = np.array([0.5, -1.0, 2.0])
    with pytest.raises(AssertionError) as failure:
        check_grads(uses_softsign, (x, np.ones(3)))
    message = str(failure.value)
    assert "the gradient (reverse mode) with respect to x[" in message
    assert "s2s gives" in message and "central differences give" in message
    assert "3 of 3 elements differ" in message


def test_a_wrong_directional_derivative_is_named():
    def wrong_tangent(z, x):
        d[z] = d[x] * 2.0

    def right_adjoint(z, x):
        d[x] += d[z] / (1.0 + np.abs(x)) ** 2

    adjoint(softsign)(right_adjoint)
    tangent(softsign)(wrong_tangent)
    try:
        with pytest.raises(AssertionError, match=r"directional derivative \(forward mode\)"):
            check_grads(uses_softsign, (np.array([0.5, -1.0]), np.ones(2)))
    finally:
        del templating._ADJOINTS[softsign], templating._TANGENTS[softsign]


def test_arguments_it_cannot_check_are_refused():
    with pytest.raises(TypeError, match="not a list"):
        check_grads(uses_softsign, ([0.5], np.ones(1)))
    with pytest.raises(ValueError, match="order"):
        check_grads(loss, (np.ones(3), 0.1, np.ones((2, 3))), order=3)


def test_a_wrong_value_is_named(monkeypatch):
    """A generated function whose value is not the function's own fails the check, even
    where its gradient is right."""
    import s2s.testing

    real = s2s.testing.api.value_and_grad

    def off_by_one(f, wrt=None):
        compiled = real(f, wrt)
        return lambda *args: (compiled(*args)[0] + 1.0, compiled(*args)[1])

    monkeypatch.setattr(s2s.testing.api, "value_and_grad", off_by_one)
    with pytest.raises(AssertionError, match=r"the value value_and_grad returns: s2s gives"):
        check_grads(loss, (rng.normal(size=3), 0.3, rng.normal(size=(4, 3))), wrt=0)
