"""`try` and `with` statements (normalize/statements.py): the derivative is that of
the statements that ran; managers that change no value stay around the code."""

import contextlib
import warnings

import numpy as np
import pytest

import s2s
from s2s.errors import Unsupported

from gradcheck import check_gradient

rng = np.random.default_rng(7)


def hvp_check(f, args, index=0, eps=1e-6):
    """s2s's HVP against central differences of its gradients."""
    v = rng.normal(size=np.shape(args[index]))
    got = s2s.hvp(f, wrt=index)(*args, v)
    grad = s2s.grad(f, wrt=index)
    plus, minus = list(args), list(args)
    plus[index] = args[index] + eps * v
    minus[index] = args[index] - eps * v
    expected = (np.asarray(grad(*plus)) - np.asarray(grad(*minus))) / (2 * eps)
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-7)


def check_all(f, args, wrt=0):
    value, _ = s2s.value_and_grad(f, wrt=wrt)(*args)
    assert value == f(*args)  # the same code: bit for bit
    check_gradient(f, args, wrt=wrt)
    for index in (wrt if isinstance(wrt, tuple) else (wrt,)):
        hvp_check(f, args, index)


# -- try ---------------------------------------------------------------------------

def solve_or_fit(a, b):
    try:
        y = np.linalg.solve(a, b)
    except np.linalg.LinAlgError:
        y = np.linalg.lstsq(a, b, rcond=None)[0]
    return np.sum(np.sin(y) * y)


def test_try_whose_body_runs():
    a = rng.normal(size=(3, 3)) + 3 * np.eye(3)
    b = rng.normal(size=3)
    check_all(solve_or_fit, (a, b), wrt=(0, 1))


def test_try_whose_handler_runs():
    a = rng.normal(size=(4, 3))  # not square: solve raises LinAlgError, lstsq fits
    b = rng.normal(size=4)
    with pytest.raises(np.linalg.LinAlgError):
        np.linalg.solve(a, b)
    check_all(solve_or_fit, (a, b), wrt=(0, 1))


def refine(x, scale):
    if scale < 0:
        raise ValueError("negative scale")
    return x * scale


def optional_step(x, scale):
    x = np.tanh(x)
    try:
        x = x * x * scale
        if_negative = refine_value(scale)
        x = x + if_negative
    except ValueError as e:
        print("skipped:", e)
    return np.sum(x ** 3)


def refine_value(scale):
    if scale < 0:
        raise ValueError("negative scale")
    return 0.5


def test_try_where_a_later_statement_raises():
    x = rng.normal(size=4)
    check_all(optional_step, (x, 2.0))       # nothing raised
    check_all(optional_step, (x, -2.0))      # raised by the second statement: the first
    assert optional_step(x, -2.0) == np.sum((np.tanh(x) ** 2 * -2.0) ** 3)  # ran


def with_else_and_finally(x, c):
    total = 0.0
    log = []
    try:
        y = np.log(x) if c > 0 else np.log(-x)
        z = y * c
    except FloatingPointError:
        z = x * 2.0
    else:
        z = z + np.sum(y)
    finally:
        log.append(1)
        total = total + 1.0
    return np.sum(z * z) + total


def test_try_with_else_and_finally():
    x = rng.uniform(0.5, 2.0, size=3)
    check_all(with_else_and_finally, (x, 1.5))
    with np.errstate(invalid="raise"):
        check_all(with_else_and_finally, (x, 1.5))


def raises_inside(x, limit):
    s = 0.0
    with np.errstate(invalid="raise"):
        for i in range(len(x)):
            try:
                s = s + np.log(x[i] - limit) * x[i]
            except FloatingPointError:
                s = s + np.sin(x[i])
    return s


def test_try_in_a_loop():
    x = np.array([0.3, 1.7, -0.4, 2.5, 0.1])
    check_all(raises_inside, (x, 0.5))   # raised in some iterations, not in others
    check_all(raises_inside, (x, -1.0))  # raised in none


def uncaught(x):
    try:
        y = np.linalg.cholesky(x)
    except KeyError:
        y = x
    return np.sum(y)


def test_an_uncaught_exception_propagates():
    x = -np.eye(2)
    with pytest.raises(np.linalg.LinAlgError):
        s2s.grad(uncaught)(x)
    with pytest.raises(np.linalg.LinAlgError):
        s2s.jvp(uncaught)(x, np.eye(2))


def test_generated_try_is_readable():
    text = s2s.source(solve_or_fit)
    assert "try:" in text and "except np.linalg.LinAlgError:" in text
    assert "if ran:" in text and "if caught:" in text


# -- with --------------------------------------------------------------------------

def quiet_log(x):
    with np.errstate(divide="ignore", invalid="ignore"):
        y = np.log(x) * x
    return np.sum(np.where(x > 0, y, 0.0))


def test_errstate_stays_around_both_sweeps():
    x = rng.uniform(0.5, 2.0, size=5)
    check_all(quiet_log, (x,))
    text = s2s.source(quiet_log)
    assert text.split("__source_notes__")[0].count("with np.errstate(") == 2
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        s2s.grad(quiet_log)(np.array([0.0, 1.0]))


def with_catch_warnings(x):
    s = 0.0
    for v in x:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            s = s + np.sqrt(v) * v
    return s


def with_nullcontext(x, debug):
    cm = contextlib.nullcontext()
    with contextlib.nullcontext():
        y = np.exp(x) * x
    return np.sum(y)


def test_catch_warnings_and_nullcontext():
    x = rng.uniform(0.5, 2.0, size=4)
    check_all(with_catch_warnings, (x,))
    check_all(with_nullcontext, (x, False))


# -- refused -----------------------------------------------------------------------

def opens(x):
    with open("log.txt") as f:
        f.write("x")
    return x * 2


def suppresses(x):
    with contextlib.suppress(ValueError):
        x = x * 2
    return x


def returns_in_try(x):
    try:
        return x * 2
    except ValueError:
        pass
    return x


def loop_in_try(x):
    s = 0.0
    try:
        for v in x:
            s = s + v
    except ValueError:
        pass
    return s


def calls_in_try(x, scale):
    try:
        x = refine(x, scale)
        x = refine(np.sin(x), scale - 1.0)
    except ValueError:
        pass
    return np.sum(x ** 2)


def test_a_try_body_that_calls_a_function_of_yours():
    # none raises, the second raises (the first's derivative is kept), the first raises
    for scale in (2.0, 0.5, -1.0):
        check_all(calls_in_try, (np.array([0.3, -0.7, 1.1]), scale))


@pytest.mark.parametrize("f, message", [
    (opens, "with open(...) is not supported"),
    (suppresses, "with contextlib.suppress(...) is not supported"),
    (returns_in_try, "return inside a try statement is not supported"),
    (loop_in_try, "a for statement inside a try body is not supported"),
])
def test_refused_with_location(f, message):
    with pytest.raises(Unsupported) as info:
        s2s.grad(f)(np.ones(3))
    assert message in str(info.value)
    assert "test_statements.py:" in str(info.value)
