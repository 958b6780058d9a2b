"""What s2s cannot follow is refused with a located error, never taken as a constant:
code run from text, decorators that may change a function, results that may be None,
index helpers without a rule, installed libraries' functions, `setattr`, and derivatives
through complex values.  What it can follow it differentiates: `np.r_`, `np.c_`, and the
decorators known to leave the computation unchanged."""

import collections
import colorsys
import functools
import inspect
import re
import statistics

import numpy as np
import pytest

import s2s
from s2s import templating
from gradcheck import check_gradient

rng = np.random.default_rng(150)


def refused(f, *args, match, mode="reverse"):
    """Assert that differentiating `f` is refused with a located `Unsupported` error."""
    with pytest.raises(s2s.Unsupported) as error:
        if mode == "reverse":
            s2s.value_and_grad(f)(*args)
        else:
            s2s.jvp(f)(*args, *args[:1])
    message = str(error.value)
    assert re.search(r"test_refusals\.py:\d+:\d+: ", message), message
    assert re.search(match, message), message
    return message


# -- code run from text ------------------------------------------------------------


def doubled_by_eval(x):
    return eval("x * 2")


def scaled_by_exec(x):
    exec("y = x * 2")
    return x


def read_through_locals(x):
    y = x * 2
    return locals()["y"]


@pytest.mark.parametrize("f, what", [(doubled_by_eval, "eval"), (scaled_by_exec, "exec"),
                                     (read_through_locals, "locals")])
def test_code_run_from_text_is_refused(f, what):
    refused(f, 1.5, match=rf"{what}\(\)")
    refused(f, 1.5, match=rf"{what}\(\)", mode="forward")


# -- results that may be None ------------------------------------------------------


def returns_none(x):
    y = x * 2
    return None


def none_on_one_path(x):
    r = None
    if x > 0:
        r = x * 2
    return r


def none_before_a_loop(xs):
    best = None
    for v in xs:
        best = v * 2
    return best


def none_replaced_on_every_path(x):
    r = None
    if x > 0:
        r = x * 2
    else:
        r = x * 3
    return r


def test_a_result_that_may_be_none_is_refused():
    refused(returns_none, 1.0, match="returns None")
    message = refused(none_on_one_path, 1.0, match="'r' may still hold None")
    assert f"assigned at line {inspect.getsourcelines(none_on_one_path)[1] + 1}" in message
    refused(none_before_a_loop, np.ones(3), match="'best' may still hold None")
    check_gradient(none_replaced_on_every_path, (1.5,))
    check_gradient(none_replaced_on_every_path, (-1.5,))


# -- decorators --------------------------------------------------------------------


def doubling(fn):
    @functools.wraps(fn)
    def wrapper(*args):
        return 2 * fn(*args)

    return wrapper


@doubling
def decorated(x):
    return np.sum(x**2)


def calls_decorated(x):
    return decorated(x) + 1.0


@functools.lru_cache(maxsize=None)
def cached_square(a):
    return a * a


@functools.lru_cache
def cached_sine(a):
    return np.sin(a)


@functools.cache
def cached_cube(a):
    return a * a * a


def uses_caches(a):
    return cached_square(a) + cached_cube(a) * cached_sine(a)


class Step:
    @staticmethod
    def euler(y, rate):
        return y + 0.1 * rate * y


def uses_a_static_method(y0, rate):
    y = y0
    for _ in range(5):
        y = Step.euler(y, rate)
    return y


REGISTERED = []


def register(fn):
    REGISTERED.append(fn.__name__)
    return fn


@register
def registered(x):
    return x * np.tanh(x)


def test_a_decorator_that_may_change_the_function_is_refused():
    x = np.array([1.0, 2.0])
    assert decorated(x) == 10.0  # what the decorator does: s2s must not ignore it
    refused(decorated, x, match="decorated with @doubling")
    refused(calls_decorated, x, match="decorated with @doubling")
    refused(decorated, x, match="decorated with @doubling", mode="forward")


def test_decorators_that_leave_the_computation_unchanged():
    check_gradient(uses_caches, (0.7,))
    check_gradient(cached_square, (0.7,))
    check_gradient(uses_a_static_method, (1.2, 0.3), wrt=(0, 1))
    check_gradient(Step.euler, (1.2, 0.3), wrt=(0, 1))
    check_gradient(registered, (0.4,))  # the decorator gave the function itself back


try:
    import numba
except ImportError:  # (the test extra installs it)
    numba = None

if numba is not None:

    @numba.njit
    def compiled_step(y, rate):
        return y + 0.1 * rate * y

    @numba.njit(cache=False)
    def compiled_sum(x):
        total = 0.0
        for v in x:
            total += v * v
        return total

    @numba.jit(nopython=True)
    def compiled_scale(x):
        return x * 3.0


def calls_compiled(y, x):
    return compiled_step(y, 0.3) * compiled_sum(x) + np.sum(compiled_scale(x))


@pytest.mark.skipif(numba is None, reason="numba is not installed")
def test_numba_compiled_functions_are_differentiated_from_their_source():
    check_gradient(calls_compiled, (1.2, np.array([0.5, -1.0])), wrt=(0, 1))
    check_gradient(compiled_step, (1.2, 0.3), wrt=(0, 1))


# -- index helpers -----------------------------------------------------------------


def joined_by_r(x, c):
    return np.sum(np.r_[x, c, 2.0, x[:1]] ** 2)


def joined_by_c(x, m):
    return np.sum(np.c_[x, m, x] ** 3)


def joined_matrices_by_r(m, x):
    return np.sum(np.tanh(np.r_[m, m * 2.0]) * np.r_[x, x].reshape(-1, 1))


def test_r_and_c_have_rules():
    x, c, m = rng.normal(size=3), 0.7, rng.normal(size=(3, 2))
    check_gradient(joined_by_r, (x, c), wrt=(0, 1))
    check_gradient(joined_by_c, (x, m), wrt=(0, 1))
    check_gradient(joined_matrices_by_r, (m, rng.normal(size=3)), wrt=(0, 1))
    value, grad = s2s.value_and_grad(joined_by_r)(np.ones(2), 2.0)
    assert value == joined_by_r(np.ones(2), 2.0)
    np.testing.assert_array_equal(grad, [4.0, 2.0])  # (x[:1] appears twice)


def r_with_a_range(x):
    return np.sum(np.r_[x, 0:3])


def grid_from_x(x):
    return np.sum(np.mgrid[0:x:5j])


def sliced_by_s(x):
    return np.sum(x[np.s_[1:]] ** 2)


def test_index_helpers_without_a_rule_are_refused():
    refused(r_with_a_range, np.ones(2), match=r"np\.r_\[\.\.\.\] with slices")
    refused(grid_from_x, 2.0, match=r"np\.mgrid")
    check_gradient(sliced_by_s, (rng.normal(size=4),))


# -- functions of installed libraries, and setattr ----------------------------------


def library_mean(x):
    return statistics.fmean([x, 2.0 * x])


class Holder:
    pass


def stored_by_setattr(x):
    h = Holder()
    setattr(h, "w", x)
    return h.w * 2.0


def test_an_installed_librarys_function_is_not_differentiated_from_its_source():
    assert library_mean(1.0) == 1.5
    message = refused(library_mean, 1.0, match=r"no derivative rule for statistics\.fmean")
    assert "a function of the installed library statistics" in message
    assert "--templates" in message and "--follow statistics.fmean" in message
    refused(library_mean, 1.0, match=r"no forward-mode rule for statistics\.fmean.*"
            r"@s2s\.tangent", mode="forward")


def luma(r):
    return colorsys.rgb_to_yiq(r, 0.5 * r, r * r)[0]


def test_a_library_function_is_differentiated_from_its_source_when_followed():
    refused(luma, 0.7, match=r"colorsys\.rgb_to_yiq.*--follow colorsys\.rgb_to_yiq")
    for target in (colorsys.rgb_to_yiq, "colorsys", colorsys):
        with templating.registry_snapshot():
            s2s.follow(target)
            check_gradient(luma, (0.7,))  # value, gradient, forward mode
        refused(luma, 0.7, match=r"colorsys\.rgb_to_yiq")  # (for this block only)


def test_setattr_is_refused():
    refused(stored_by_setattr, 1.0, match=r"setattr\(\)")


# -- complex values ------------------------------------------------------------------

PHASES = np.array([1 + 2j, 3j])


def spread_of_complex_values(x):
    return np.var(x * PHASES) + np.linalg.norm(x * PHASES)


def norm_of_complex_values(x):
    return np.linalg.norm(x * PHASES)


def test_a_rule_for_real_values_only_refuses_complex_ones():
    """(Complex values have gradients, test_complex.py; a rule written for real ones
    only, such as var's, must not give a wrong number for them.)"""
    for f, what in ((spread_of_complex_values, "var"), (norm_of_complex_values, "norm")):
        for x in (2.0, np.array([2.0, 1.0])):
            with pytest.raises(TypeError, match=rf"differentiates np\.(linalg\.)?{what} of "
                               r"real values only \(.*\), and a value that carries"):
                s2s.value_and_grad(f)(x)
            with pytest.raises(TypeError, match=rf"np\.(linalg\.)?{what} of real values"):
                s2s.jvp(f)(x, x)


# -- in-place operators on arrays other names hold ------------------------------------


def doubled_column(X):
    X = X.copy()
    col = X[:, 0]
    col *= 2.0
    return np.sum(X)


def shifted_alias(x):
    y = x
    y += 1.0
    return np.sum(x**2)


def doubled_rows(X):
    X = X.copy()
    for row in X:
        row *= 2.0
    return np.sum(X)


def euler_from_the_start(y0, k):
    y = y0
    for _ in range(5):
        y += 0.1 * (-k * y)
    return np.sum(y)


def named_after_the_update(x, y):
    z = x.copy()
    z -= y * 0.5
    result = z  # shares z's array only from here on: the update is before
    return np.sum(result * result)


def euler_on_a_copy(y0, k):
    return euler_from_the_start(y0.copy(), k)


def step_from_the_last(x):
    previous = x
    x += 0.5
    return x * previous


@pytest.mark.parametrize("f", [doubled_column, shifted_alias, doubled_rows])
def test_an_in_place_operator_on_an_array_another_name_reads_is_refused(f):
    x = rng.normal(size=(2, 3)) if f is not shifted_alias else rng.normal(size=3)
    for run in (lambda: s2s.value_and_grad(f)(x), lambda: s2s.jvp(f)(x, x)):
        with pytest.raises(TypeError, match=r"changes in place an array also held by"):
            run()


def test_in_place_operators_that_change_nothing_shared():
    # Python changes the caller's array y0 (s2s does not), but nothing reads y0 again
    y0 = rng.normal(size=3)
    check_gradient(euler_on_a_copy, (y0, 0.5), wrt=(0, 1))
    value, grads = s2s.value_and_grad(euler_from_the_start, wrt=(0, 1))(y0, 0.5)
    assert value == euler_on_a_copy(y0, 0.5)
    expected = s2s.grad(euler_on_a_copy, wrt=(0, 1))(y0, 0.5)
    np.testing.assert_array_equal(grads[0], expected[0])
    assert grads[1] == expected[1]
    check_gradient(step_from_the_last, (1.5,))  # numbers: `+=` binds a new one
    check_gradient(named_after_the_update, (rng.normal(size=3), rng.normal(size=3)),
                   wrt=(0, 1))


# -- getattr with a computed name -------------------------------------------------------

Point = collections.namedtuple("Point", "a b")


def field_by_name(p, name):
    return getattr(p, name) * 3.0 + p.a


def test_getattr_with_a_computed_name_carries_the_derivative():
    value, grad = s2s.value_and_grad(field_by_name)(Point(1.5, 2.0), "b")
    assert value == field_by_name(Point(1.5, 2.0), "b")
    assert grad == Point(1.0, 3.0)
    assert s2s.value_and_grad(field_by_name)(Point(1.5, 2.0), "a")[1] == Point(4.0, 0.0)
