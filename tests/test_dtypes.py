"""dtype discipline: float32 stays float32; integers and booleans carry no gradient
(as parameters asked for, an error; as other inputs, constants); complex numbers are
refused clearly."""

import numpy as np
import pytest

import s2s
from gradcheck import strict_gradients

rng = np.random.default_rng(61)


def weighted(x, w, mask, k):
    return np.sum(np.tanh(x * w) * mask) * k + np.sum(x[mask] ** 2)


def test_float32_in_float32_out():
    x, w = rng.normal(size=5).astype(np.float32), rng.normal(size=5).astype(np.float32)
    mask = np.array([True, False, True, True, False])
    dx, dw = strict_gradients(weighted, (x, w, mask, 3), wrt=(0, 1))
    assert dx.dtype == np.float32 and dw.dtype == np.float32


def test_integer_and_boolean_inputs_are_constants():
    x, w = rng.normal(size=5), rng.normal(size=5)
    mask = np.array([True, False, True, True, False])
    dx = s2s.grad(weighted)(x, w, mask, 3)
    np.testing.assert_allclose(dx, w * (1 - np.tanh(x * w) ** 2) * mask * 3 + 2 * x * mask)


def product(x, w):
    return np.sum(x * w)


@pytest.mark.parametrize(
    "value, kind",
    [(np.arange(5), "integer"), (np.ones(5, dtype=bool), "boolean"), (3, "integer")],
)
def test_gradients_of_integers_and_booleans_are_refused(value, kind):
    """(Complex values have gradients: test_complex.py.)"""
    with pytest.raises(TypeError, match=kind):
        s2s.grad(product)(value, rng.normal(size=5))


def scaled(parts):
    return parts[0] * parts[1] * 2.0


def test_integer_parts_of_a_container_get_no_gradient():
    assert s2s.grad(scaled)([1.5, 3]) == [6.0, None]


def mantissa_times_exponent(x):
    m, e = np.frexp(x)  # the exponent is an integer array inside a tuple result
    return np.sum(m * e)


def test_integer_arrays_in_tuple_results():
    from gradcheck import check_gradient

    check_gradient(mantissa_times_exponent, (np.array([0.7, 3.1, -5.2]),))
