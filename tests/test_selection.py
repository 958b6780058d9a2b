"""select, choose, compress, extract, partition, trim_zeros, bincount, nan_to_num,
resize, ediff1d, unwrap, nancumsum, nancumprod, and the conversions and axis moves of
templates/selection.py, against finite differences with respect to every argument
that carries a derivative, on several shapes (broadcast ones where the function
broadcasts); float32 kept; what is refused, refused clearly."""

import warnings
from typing import Callable, NamedTuple

import numpy as np
import pytest

import s2s
from gradcheck import check_gradient, strict_gradients
from s2s.errors import Unsupported

rng = np.random.default_rng(83)


def normal(*shape):
    return rng.normal(size=shape)


def with_specials(*shape):
    """Normal values with a NaN, a +inf and a -inf (for shapes of 3+ elements), and a
    second NaN where there is room."""
    x = normal(*shape)
    x.flat[1] = np.nan
    x.flat[0] = np.inf
    x.flat[-1] = -np.inf
    if x.size > 4:
        x.flat[3] = np.nan
    return x


def nans(*shape):
    """Normal values, NaN at about a third of the places (at the second one surely)."""
    x = np.where(rng.random(shape) < 0.3, np.nan, normal(*shape))
    x.flat[1] = np.nan
    return x


def phases(*shape, period=2 * np.pi, axis=-1):
    """A signal that moves by less than period / 4 per step, wrapped by whole periods
    at random: every jump is well away from period / 2 (no kinks)."""
    steps = rng.uniform(-0.25, 0.25, size=shape) * period
    return np.cumsum(steps, axis=axis) + period * rng.integers(-2, 3, size=shape)


# fixed indices, conditions and masks (float32 masks keep float32 results float32)
CHOICE = np.array([[0, 2, 1, 0], [1, 1, 2, 0], [2, 0, 1, 2]])
OUT_OF_RANGE = np.array([[-1, 3, 0, 2], [1, -2, 4, 5]])
BINS = np.array([0, 2, 2, 5, 1, 0, 3, 2, 7])
EDGES = np.array([0.0, 0.0, 1.0, 0.0, 1.0, 0.0], dtype=np.float32)
BORDER = np.zeros((4, 5), dtype=np.float32)
BORDER[1:3, 1:3] = 1.0
BORDER[2, 1] = 0.0  # an interior zero: kept


# -- select and choose ----------------------------------------------------------------


def select_first_true(x, y, default, w):
    # where both conditions hold, the first one's choice (2 x) is taken
    return np.sum(np.select([x > 0.2, y < 0.0], [x * 2.0, y], default=default) * w)


def select_array_of_choices(c, w):
    return np.sum(np.select([c[0] > 0.0, c[1] > 0.0], c, default=-1.0) * w)


def select_number_choice(x, s, w):
    return np.sum(np.select([x > 0.0], [s], default=x) * w)


def choose_list(c0, c1, c2, w):
    return np.sum(np.choose(CHOICE, [c0, c1, c2]) * w)


def choose_array(c, w):
    return np.sum(np.choose(CHOICE, c) * w)


def choose_wrap(c0, c1, w):
    return np.sum(np.choose(OUT_OF_RANGE, [c0, c1], mode="wrap") * w)


def choose_clip(c0, c1, w):
    return np.sum(np.choose(OUT_OF_RANGE, (c0, c1), mode="clip") * w)


def choose_method(c0, c1, c2, w):
    x = CHOICE
    return np.sum(x.choose([c0, c1, c2]) * w)


# -- compress, extract, partition, trim_zeros -----------------------------------------


def compress_rows(x, w):
    return np.sum(np.compress([True, False, True], x, axis=0) * w)


def compress_short_condition(x, w):
    # a condition shorter than the axis: the rest is dropped
    return np.sum(np.compress([False, True], x, axis=-1) * w)


def compress_flattened(x, w):
    return np.sum(np.compress(np.ravel(x) > 0.0, x) ** 2) + np.sum(x * w)


def compress_method(x, w):
    return np.sum(x.compress([1, 0, 1], axis=0) * w)


def extract_positive(x, w):
    return np.sum(np.extract(x > 0.0, x) ** 3) + np.sum(x * w)


def extract_numbers(x, w):
    # any value that is not zero selects
    return np.sum(np.extract(np.abs(x) > 0.5, x * 2.0) ** 2) + np.sum(x * w)


def partition_last(x, w):
    return np.sum(np.partition(x, 2) * w)


def partition_first_axis(x, w):
    return np.sum(np.partition(x, 1, axis=0) * w)


def partition_flattened(x, w):
    return np.sum(np.partition(x, [1, 3], axis=None) * w)


def trim_1d(x, w):
    # [0, 0, x2, 0, x4, 0] -> [x2, 0, x4]: x0, x1, x5 are trimmed off
    return np.sum(np.trim_zeros(x * EDGES) * w)


def trim_front(x, w):
    return np.sum(np.trim_zeros(x * EDGES, trim="f") * w)


def trim_box(x, w):
    return np.sum(np.trim_zeros(x * BORDER) * w)


def trim_rows(x, w):
    return np.sum(np.trim_zeros(x * BORDER, "b", axis=0) * w)


# -- bincount, nan_to_num, resize, ediff1d, unwrap -----------------------------------


def bincount_weights(v, w):
    return np.sum(np.bincount(BINS[: v.size], v, minlength=9) * w)


def bincount_squared(v, w):
    return np.sum(np.bincount(BINS[: v.size], weights=v * v) * w)


def nan_to_num_all(x, nan, posinf, neginf, w):
    return np.sum(np.nan_to_num(x, nan=nan, posinf=posinf, neginf=neginf) * w)


def nan_to_num_default(x, w):
    return np.sum(np.nan_to_num(x) * w)


def resize_grow(x, w):
    return np.sum(np.resize(x, (3, 5)) * w)


def resize_shrink(x, w):
    return np.sum(np.resize(x, 5) * w)


def ediff1d_ends(x, end, begin, w):
    return np.sum(np.ediff1d(x, to_end=end, to_begin=begin) * w)


def ediff1d_plain(x, w):
    return np.sum(np.ediff1d(x) * w)


def unwrap_radians(p, w):
    return np.sum(np.unwrap(p) * w)


def unwrap_period(p, period, w):
    return np.sum(np.unwrap(p, axis=0, period=period) * w)


def unwrap_discont(p, discont, w):
    return np.sum(np.unwrap(p, discont) * w)


def nancumsum_axis(x, w):
    return np.sum(np.nancumsum(x, axis=0) * w)


def nancumsum_flat(x, w):
    return np.sum(np.nancumsum(x) * w)


def nancumprod_axis(x, w):
    return np.sum(np.nancumprod(x, axis=-1) * w)


def nancumprod_flat(x, w):
    return np.sum(np.nancumprod(x) * w)


# -- conversions and axis moves -----------------------------------------------------


def matrix_transpose(x, w):
    return np.sum(np.matrix_transpose(x) * w)


def unstack_some(x, w):
    parts = np.unstack(x, axis=1)
    return np.sum(parts[0] * w) + np.sum(parts[-1] ** 2)


def astype_float64(x, w):
    return np.sum(np.astype(x, np.float64) * w)


def astype_same(x, w):
    return np.sum(np.astype(x, x.dtype, copy=False) * w)


def conversions(x, w):
    return np.sum(
        (np.asanyarray(x) + np.asfortranarray(x) * 2.0 + np.require(x, requirements="F") ** 2
         + np.asarray_chkfinite(x) * x) * w
    )


def asanyarray_list(x, y, w):
    return np.sum(np.asanyarray([x, y]) * w)


def rollaxis_to_front(x, w):
    return np.sum(np.rollaxis(x, 2) * w)


def rollaxis_to_end(x, w):
    return np.sum(np.rollaxis(x, 0, 3) * w)


def rollaxis_negative(x, w):
    return np.sum(np.rollaxis(x, -1, 1) * w)


def rollaxis_in_place(x, w):
    return np.sum(np.rollaxis(x, 1, 2) * w)  # axis 1 before 2: it stays


def diagflat_above(x, w):
    return np.sum(np.diagflat(x, 1) * w)


def diagflat_below(x, w):
    return np.sum(np.diagflat(x, -2) * w)


def row_stack(x, y, w):
    return np.sum(np.row_stack([x, y]) * w)


class Case(NamedTuple):
    fn: Callable
    args: Callable  # () -> float64 inputs (arrays, or Python floats), the weight last
    wrt: tuple
    float64_inside: bool = False  # the function itself casts to float64 on purpose


CASES = [
    Case(select_first_true, lambda: (normal(3, 4), normal(3, 4), 0.7, normal(3, 4)), (0, 1, 2)),
    Case(select_first_true, lambda: (normal(3, 1), normal(4), normal(1, 4), normal(3, 4)),
         (0, 1, 2)),
    Case(select_array_of_choices, lambda: (normal(2, 3, 4), normal(3, 4)), (0,)),
    Case(select_array_of_choices, lambda: (normal(2, 5), normal(5)), (0,)),
    Case(select_number_choice, lambda: (normal(3, 4), 0.3, normal(3, 4)), (0, 1)),
    Case(select_number_choice, lambda: (normal(4), normal(2, 1), normal(2, 4)), (0, 1)),
    Case(choose_list, lambda: (normal(3, 4), normal(3, 4), normal(3, 4), normal(3, 4)),
         (0, 1, 2)),
    Case(choose_list, lambda: (normal(4), normal(3, 1), normal(), normal(3, 4)), (0, 1, 2)),
    Case(choose_array, lambda: (normal(3, 3, 4), normal(3, 4)), (0,)),
    Case(choose_array, lambda: (normal(3, 1, 4), normal(3, 4)), (0,)),
    Case(choose_wrap, lambda: (normal(2, 4), normal(4), normal(2, 4)), (0, 1)),
    Case(choose_clip, lambda: (normal(2, 1), normal(2, 4), normal(2, 4)), (0, 1)),
    Case(choose_method, lambda: (normal(3, 4), normal(4), normal(3, 1), normal(3, 4)),
         (0, 1, 2)),
    Case(compress_rows, lambda: (normal(3, 4), normal(2, 4)), (0,)),
    Case(compress_rows, lambda: (normal(3, 2, 2), normal(2, 2, 2)), (0,)),
    Case(compress_short_condition, lambda: (normal(3, 4), normal(3, 1)), (0,)),
    Case(compress_short_condition, lambda: (normal(2, 3), normal(2, 1)), (0,)),
    Case(compress_flattened, lambda: (normal(3, 4), normal(3, 4)), (0,)),
    Case(compress_flattened, lambda: (normal(5), normal(5)), (0,)),
    Case(compress_method, lambda: (normal(3, 4), normal(2, 4)), (0,)),
    Case(compress_method, lambda: (normal(3), normal(2)), (0,)),
    Case(extract_positive, lambda: (normal(3, 4), normal(3, 4)), (0,)),
    Case(extract_positive, lambda: (normal(7), normal(7)), (0,)),
    Case(extract_numbers, lambda: (normal(2, 5), normal(2, 5)), (0,)),
    Case(partition_last, lambda: (normal(3, 5), normal(3, 5)), (0,)),
    Case(partition_last, lambda: (normal(6), normal(6)), (0,)),
    Case(partition_first_axis, lambda: (normal(4, 3), normal(4, 3)), (0,)),
    Case(partition_first_axis, lambda: (normal(3, 2, 2), normal(3, 2, 2)), (0,)),
    Case(partition_flattened, lambda: (normal(3, 4), normal(12)), (0,)),
    Case(partition_flattened, lambda: (normal(2, 3), normal(6)), (0,)),
    Case(trim_1d, lambda: (normal(6), normal(3)), (0,)),
    Case(trim_front, lambda: (normal(6), normal(4)), (0,)),
    Case(trim_box, lambda: (normal(4, 5), normal(2, 2)), (0,)),
    Case(trim_rows, lambda: (normal(4, 5), normal(3, 5)), (0,)),
    Case(bincount_weights, lambda: (normal(9), normal(9)), (0,)),
    Case(bincount_weights, lambda: (normal(5), normal(9)), (0,)),
    Case(bincount_squared, lambda: (normal(7), normal(6)), (0,)),
    Case(nan_to_num_all, lambda: (with_specials(3, 4), 0.3, 2.0, -1.5, normal(3, 4)),
         (0, 1, 2, 3)),
    Case(nan_to_num_all, lambda: (with_specials(3, 4), normal(4), normal(3, 1), normal(),
                                  normal(3, 4)), (0, 1, 2, 3)),
    Case(nan_to_num_all, lambda: (with_specials(5), normal(1), 1.0, 2.0, normal(5)),
         (0, 1, 2, 3)),
    Case(nan_to_num_default, lambda: (nans(2, 3), normal(2, 3)), (0,)),  # (no inf: 1e308)
    Case(resize_grow, lambda: (normal(2, 3), normal(3, 5)), (0,)),
    Case(resize_grow, lambda: (normal(4), normal(3, 5)), (0,)),
    Case(resize_shrink, lambda: (normal(3, 4), normal(5)), (0,)),
    Case(ediff1d_ends, lambda: (normal(3, 4), normal(2), 0.4, normal(14)), (0, 1, 2)),
    Case(ediff1d_ends, lambda: (normal(5), normal(), normal(1, 2), normal(7)), (0, 1, 2)),
    Case(ediff1d_plain, lambda: (normal(2, 3), normal(5)), (0,)),
    Case(ediff1d_plain, lambda: (normal(2), normal(1)), (0,)),
    Case(unwrap_radians, lambda: (phases(3, 8), normal(3, 8)), (0,)),
    Case(unwrap_radians, lambda: (phases(10), normal(10)), (0,)),
    Case(unwrap_period, lambda: (phases(8, 3, period=4.0, axis=0), 4.0, normal(8, 3)), (0, 1)),
    Case(unwrap_period, lambda: (phases(9, period=3.0, axis=0), 3.0, normal(9)), (0, 1)),
    Case(unwrap_discont, lambda: (phases(10), 4.0, normal(10)), (0, 1)),
    Case(nancumsum_axis, lambda: (nans(3, 4), normal(3, 4)), (0,)),
    Case(nancumsum_flat, lambda: (nans(5), normal(5)), (0,)),
    Case(nancumprod_axis, lambda: (nans(3, 4), normal(3, 4)), (0,)),
    Case(nancumprod_flat, lambda: (nans(2, 3), normal(6)), (0,)),
    Case(matrix_transpose, lambda: (normal(3, 4), normal(4, 3)), (0,)),
    Case(matrix_transpose, lambda: (normal(2, 3, 4), normal(2, 4, 3)), (0,)),
    Case(unstack_some, lambda: (normal(3, 4), normal(3)), (0,)),
    Case(unstack_some, lambda: (normal(2, 3, 4), normal(2, 4)), (0,)),
    Case(astype_float64, lambda: (normal(3, 4), normal(3, 4)), (0,), float64_inside=True),
    Case(astype_same, lambda: (normal(5), normal(5)), (0,)),
    Case(conversions, lambda: (normal(3, 4), normal(3, 4)), (0,)),
    Case(conversions, lambda: (normal(5), normal(5)), (0,)),
    Case(asanyarray_list, lambda: (normal(3), normal(3), normal(2, 3)), (0, 1)),
    Case(rollaxis_to_front, lambda: (normal(2, 3, 4), normal(4, 2, 3)), (0,)),
    Case(rollaxis_to_end, lambda: (normal(2, 3, 4), normal(3, 4, 2)), (0,)),
    Case(rollaxis_negative, lambda: (normal(2, 3, 4, 5), normal(2, 5, 3, 4)), (0,)),
    Case(rollaxis_in_place, lambda: (normal(2, 3, 4), normal(2, 3, 4)), (0,)),
    Case(diagflat_above, lambda: (normal(3), normal(4, 4)), (0,)),
    Case(diagflat_below, lambda: (normal(2, 2), normal(6, 6)), (0,)),
    *([Case(row_stack, lambda: (normal(4), normal(2, 4), normal(3, 4)), (0, 1)),
       Case(row_stack, lambda: (normal(3), normal(3), normal(2, 3)), (0, 1))]
      if hasattr(np, "row_stack") else []),  # NumPy 2 deprecates it
]

IDS = [f"{case.fn.__name__}-{i}" for i, case in enumerate(CASES)]


def _quiet(f):
    """`f` with NumPy's DeprecationWarning for row_stack silenced."""

    def run(*args, **kwargs):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            return f(*args, **kwargs)

    return run


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_against_finite_differences(case):
    _quiet(check_gradient)(case.fn, case.args(), wrt=case.wrt)


def _float32(x):
    return x.astype(np.float32) if isinstance(x, np.ndarray) else x


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_float32_stays_float32(case):
    args = [_float32(x) for x in case.args()]
    if case.float64_inside:
        grads = _quiet(s2s.grad(case.fn, wrt=case.wrt))(*args)
    else:
        grads = _quiet(strict_gradients)(case.fn, args, wrt=case.wrt)
    exact = [x.astype(np.float64) if isinstance(x, np.ndarray) else x for x in args]
    expected = _quiet(s2s.grad(case.fn, wrt=case.wrt))(*exact)
    expected = expected if isinstance(expected, tuple) else (expected,)
    for index, got, want in zip(case.wrt, grads, expected):
        if isinstance(args[index], np.ndarray):
            assert got.dtype == np.float32, f"gradient {index} is {got.dtype}"
        np.testing.assert_allclose(got, want, rtol=2e-5, atol=2e-6)


# where Dask runs the function itself lazily, the gradient is built without computing
DASK_CASES = [
    Case(select_first_true, lambda: (normal(3, 4), normal(3, 4), 0.7, normal(3, 4)), (0, 1, 2)),
    Case(select_array_of_choices, lambda: (normal(2, 3, 4), normal(3, 4)), (0,)),
    Case(choose_list, lambda: (normal(4), normal(3, 1), normal(), normal(3, 4)), (0, 1, 2)),
    Case(choose_array, lambda: (normal(3, 3, 4), normal(3, 4)), (0,)),
    Case(compress_rows, lambda: (normal(3, 4), normal(2, 4)), (0,)),
    Case(compress_flattened, lambda: (normal(3, 4), normal(3, 4)), (0,)),
    Case(extract_positive, lambda: (normal(3, 4), normal(3, 4)), (0,)),
    Case(nan_to_num_default, lambda: (nans(2, 3), normal(2, 3)), (0,)),
    Case(nancumsum_axis, lambda: (nans(3, 4), normal(3, 4)), (0,)),
    Case(nancumprod_axis, lambda: (nans(3, 4), normal(3, 4)), (0,)),
    Case(ediff1d_ends, lambda: (normal(3, 4), normal(2), 0.4, normal(14)), (0, 1, 2)),
    Case(rollaxis_negative, lambda: (normal(2, 3, 4, 5), normal(2, 5, 3, 4)), (0,)),
]


def _refuse(*args, **kwargs):
    raise AssertionError("a Dask array was computed while the gradient was built")


@pytest.mark.parametrize("case", DASK_CASES, ids=lambda case: case.fn.__name__)
def test_dask_gradients_stay_lazy(case):
    da = pytest.importorskip("dask.array")
    import dask

    args = case.args()
    chunked = [da.from_array(x, chunks=2) if isinstance(x, np.ndarray) and x.ndim else x
               for x in args]
    with dask.config.set(scheduler=_refuse):
        grads = s2s.grad(case.fn, wrt=case.wrt)(*chunked)
    grads = grads if isinstance(grads, tuple) else (grads,)
    assert all(isinstance(g, da.Array) for g in grads)
    expected = s2s.grad(case.fn, wrt=case.wrt)(*args)
    expected = expected if isinstance(expected, tuple) else (expected,)
    for got, want in zip(dask.compute(*grads), expected):
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-14)


# -- conventions --------------------------------------------------------------------


def test_partition_matches_equal_values_as_stable_sorts_do():
    a = np.array([3.0, 1.0, 3.0, 2.0, 3.0, 0.5])
    w = np.arange(1.0, 7.0)
    g = s2s.grad(partition_last)(a, w)
    z = np.partition(a, 2)
    assert sorted(g) == sorted(w), "each element gets the adjoint of one place"
    # the k-th 3.0 of `a` gets the adjoint of the k-th 3.0 of the result
    np.testing.assert_array_equal(g[a == 3.0], w[z == 3.0])
    for value in (1.0, 2.0, 0.5):
        assert g[a == value] == w[z == value]


def test_select_takes_the_first_true_condition():
    x, y = np.array([1.0, 1.0, -1.0]), np.array([-1.0, 1.0, 1.0])
    gx, gy, gd = s2s.grad(select_first_true, wrt=(0, 1, 2))(x, y, 0.0, np.ones(3))
    np.testing.assert_array_equal(gx, [2.0, 2.0, 0.0])  # both conditions hold at 0
    np.testing.assert_array_equal(gy, [0.0, 0.0, 0.0])
    assert gd == 1.0  # only the last place takes the default


def test_nan_to_num_replaced_values_get_no_gradient():
    x = with_specials(2, 3)
    g, gnan = s2s.grad(nan_to_num_all, wrt=(0, 1))(x, 0.0, 1.0, -1.0, np.ones((2, 3)))
    np.testing.assert_array_equal(g[~np.isfinite(x)], 0.0)
    np.testing.assert_array_equal(g[np.isfinite(x)], 1.0)
    assert gnan == np.sum(np.isnan(x))


def test_unwrap_discont_has_derivative_zero():
    p, w = phases(10), normal(10)
    g = s2s.grad(unwrap_discont, wrt=1)(p, 4.0, w)
    assert g == 0.0


def test_integer_arguments_carry_no_gradient():
    def chosen(a, c0, c1):
        return np.sum(np.choose(a, [c0, c1]))

    with pytest.raises(TypeError, match="integer"):
        s2s.grad(chosen, wrt=0)(np.array([0, 1, 1]), normal(3), normal(3))


# -- refused ------------------------------------------------------------------------


def nan_to_num_in_place(x, nan):
    y = x * 2.0
    return np.sum(np.nan_to_num(y, copy=False, nan=nan))


@pytest.mark.parametrize("wrt", [0, 1])
def test_nan_to_num_in_place_is_refused(wrt):
    # copy=False writes into its argument: refused where the function is read
    with pytest.raises(s2s.Unsupported, match="changes a value in place"):
        s2s.grad(nan_to_num_in_place, wrt=wrt)(with_specials(4), 0.5)


def test_partition_method_is_refused_as_in_place():
    def partitioned(x):
        y = x.copy()
        y.partition(1)
        return np.sum(y[:2])

    with pytest.raises(Unsupported, match="in place"):
        s2s.grad(partitioned)(normal(4))
