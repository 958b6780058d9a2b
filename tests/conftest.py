"""Every derivative the suite computes through the Python API also has its value
checked: a generated function's value (`value_and_grad`'s, `jvp`'s, and an HVP's
gradient) must equal what the function itself returns for the same arguments, bit
for bit, since the generated code runs the same operations in the same order.

The check wraps the functions `s2s.api` compiles, so no test can forget it.  A test
whose function cannot be called twice with one result (random draws, a counter, a
print), or that follows the generated function's own frames (pdb, tracebacks), says
so with `@pytest.mark.value_unchecked("why")`.  Lazy (Dask) arguments are not
computed to compare: the tests that pass them check that nothing is computed.
"""

import copy
import weakref

import numpy
import pytest

import s2s.api
from s2s.runtime import notes

_compile = s2s.api._compile
_checking = [True]


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "value_unchecked(reason): the generated functions' values are not "
        "compared with the function's own in this test",
    )


@pytest.fixture(autouse=True)
def _values_checked(request):
    _checking[0] = request.node.get_closest_marker("value_unchecked") is None
    yield
    _checking[0] = True


def same_value(got, expected):
    """Whether two results are equal bit for bit, structure, types of numbers and
    dtypes included (nan equals nan)."""
    if isinstance(expected, (tuple, list)):
        return (type(got) is type(expected) and len(got) == len(expected)
                and all(same_value(g, e) for g, e in zip(got, expected)))
    if isinstance(expected, dict):
        return (isinstance(got, dict) and got.keys() == expected.keys()
                and all(same_value(got[k], expected[k]) for k in expected))
    if expected is None or isinstance(expected, (bool, str)):
        return got == expected
    if numpy.ndim(expected) == 0 and not isinstance(expected, numpy.ndarray):
        if type(got) is not type(expected):
            return False
    try:
        got_array, expected_array = numpy.asarray(got), numpy.asarray(expected)
    except Exception:  # noqa: BLE001 - objects of the user's: their own equality
        return got == expected
    if got_array.dtype.kind == "O" or expected_array.dtype.kind == "O":
        return got == expected
    return (got_array.shape == expected_array.shape
            and got_array.dtype == expected_array.dtype
            and numpy.array_equal(got_array, expected_array, equal_nan=True))


def _checked(f, generated, compiled, mode, backend="numpy"):
    """`compiled`, which also calls `f` with the same arguments and asserts that the
    value it returns is `f`'s.  (It holds `f` weakly, as the API's cache does: a test
    may check that a closure's values are freed.)"""
    tangents = set(generated.tangents) if mode == "forward" else set()
    function = weakref.ref(f)
    del f

    def checked(*args, **kwargs):
        f = function()
        if any(hasattr(a, "__dask_graph__")
                                   for a in (*args, *kwargs.values())):
            return compiled(*args, **kwargs)
        own = {k: v for k, v in kwargs.items() if k not in tangents and k != "d_result"}
        try:
            call_args, call_kwargs = copy.deepcopy((args, own))
        except Exception:  # noqa: BLE001 - not copyable: the function gets the originals
            call_args, call_kwargs = args, own
        try:
            expected = f(*call_args, **call_kwargs)
        except Exception as exc:  # noqa: BLE001 - the generated function must raise too
            result = compiled(*args, **kwargs)
            raise AssertionError(f"{f.__qualname__} raises {exc!r}, its generated {mode} "
                                 f"function returns {result!r}") from exc
        result = compiled(*args, **kwargs)
        if backend == "numba":  # (its sums and libm round on their own: to rounding, and
            # its numbers come back as Python floats)
            assert numpy.allclose(result[0], expected, rtol=1e-12, atol=0, equal_nan=True), (
                f"the value of the numba gradient of {f.__qualname__}: {result[0]!r}, "
                f"the function itself returns {expected!r}")
            return result
        assert same_value(result[0], expected), (
            f"the value of the generated {mode} function of {f.__qualname__}: {result[0]!r}, "
            f"the function itself returns {expected!r}"
        )
        return result

    checked.__wrapped__ = notes.unwrapped(compiled)
    checked.s2s_source_notes = True
    checked.s2s_generated = compiled.s2s_generated
    return checked


def _compile_checked(f, names, mode="reverse", args=None, kwargs=None, backend="numpy"):
    generated, compiled = _compile(f, names, mode, args, kwargs, backend)
    if mode not in ("reverse", "forward") or not _checking[0]:
        return generated, compiled
    wrapper = getattr(compiled, "s2s_value_checked", None)
    if wrapper is None:
        wrapper = compiled.s2s_value_checked = _checked(s2s.api._code(f), generated, compiled,
                                                        mode, backend)
    return generated, wrapper


s2s.api._compile = _compile_checked
