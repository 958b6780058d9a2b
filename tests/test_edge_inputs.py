"""Inputs at the edges, each once an internal crash: defaults and closure variables of
enclosing functions, lists where arrays are usual, empty axes and batches, NumPy
scalars where Python floats are usual.  Each value and derivative is checked."""

import warnings

import numpy as np
import pytest

import s2s
from gradcheck import check_gradient

rng = np.random.default_rng(151)


def make_scaled_product(num):
    def scaled_product(x, y, num=num):
        return x * y * num

    return scaled_product


def make_weighted(w):
    def weighted(x, w=w, *, power=2):
        return np.sum(x * w) ** power

    return weighted


def make_summed(axis):
    def summed(x):
        return np.sum(np.sum(np.tanh(x), axis=axis) ** 2)

    return summed


def test_defaults_that_read_an_enclosing_functions_variables():
    f = make_scaled_product(3)
    check_gradient(f, (1.5, 2.0), wrt=(0, 1))
    assert s2s.value_and_grad(f)(1.5, 2.0, 4) == (12.0, 8.0)  # the default can be passed
    g = make_weighted(rng.normal(size=3))
    check_gradient(g, (rng.normal(size=3),))
    assert "def value_and_grad_scaled_product(x, y, num=3," in s2s.source(f)


def test_a_closure_variable_holding_none():
    check_gradient(make_summed(None), (rng.normal(size=(2, 3)),))
    check_gradient(lambda_free_sum_rows, (rng.normal(size=(2, 3)),))


lambda_free_sum_rows = make_summed(0)


def appended(x):
    return np.sum(np.append(x, 4.0) ** 2)


def appended_rows(x):
    return np.sum(np.append(x, [[1.0, 2.0]], axis=0) ** 2)


def test_a_list_where_an_array_is_usual():
    value, grad = s2s.value_and_grad(appended)([1.0, 2.0, 3.0])
    assert value == appended([1.0, 2.0, 3.0])
    assert grad == [2.0, 4.0, 6.0]
    value, grad = s2s.value_and_grad(appended_rows)([[1.0, 0.5]])
    assert value == appended_rows([[1.0, 0.5]])
    assert grad == [[2.0, 1.0]]
    check_gradient(appended, (rng.normal(size=3),))


def differences_along_rows(x):
    return np.sum(np.diff(x, axis=1)) + np.sum(x**2)


def second_differences(x):
    return np.sum(np.diff(x, n=2) ** 2) + np.sum(x)


def test_differences_along_an_axis_too_short_to_differ():
    check_gradient(differences_along_rows, (rng.normal(size=(3, 1)),))
    check_gradient(second_differences, (rng.normal(size=2),))
    check_gradient(second_differences, (rng.normal(size=1),))
    check_gradient(second_differences, (rng.normal(size=5),))


def magnitude_of_a_sine(x):
    return abs(np.sin(x))


def clipped_sign(x):
    return np.sin(x) * np.sign(np.cos(x)) + abs(x * 2.0)


def test_numpy_scalars_where_python_floats_are_usual():
    check_gradient(magnitude_of_a_sine, (1.0,))
    check_gradient(magnitude_of_a_sine, (-2.0,))
    check_gradient(clipped_sign, (0.3,))
    value, tangent = s2s.jvp(magnitude_of_a_sine)(np.float64(-2.0), 1.0)
    assert value == magnitude_of_a_sine(np.float64(-2.0))
    assert tangent == pytest.approx(np.cos(-2.0) * np.sign(np.sin(-2.0)))


def batch_mean(x):
    return np.mean(x) + np.sum(x)


def column_means(x):
    return np.sum(np.mean(x, axis=0))


def test_a_mean_over_an_empty_batch():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # NumPy's: the mean of nothing
        value, grad = s2s.value_and_grad(batch_mean)(np.ones(0))
        assert np.isnan(value) and np.isnan(batch_mean(np.ones(0)))
        assert grad.shape == (0,)
        value, grad = s2s.value_and_grad(column_means)(np.ones((0, 3)))
        assert np.isnan(value)
        assert grad.shape == (0, 3)
        _, tangent = s2s.jvp(batch_mean)(np.ones(0), np.ones(0))
        assert np.isnan(tangent)
    check_gradient(batch_mean, (rng.normal(size=4),))
