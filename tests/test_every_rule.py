"""One table entry for every built-in reverse-mode rule of a NumPy function, array
method or operator, and of scipy.special's and scipy.signal's functions: each gets
rule_table.py's checks (central finite differences in float64 on two or more input
shapes, broadcasting ones where the function broadcasts; float32 inputs, whose
gradient must be computed in float32 and agree with float64 differences to float32's
precision; forward mode; Hessian-vector products).  A rule added without an entry
here fails `test_every_rule_has_an_entry` (scipy.stats's and scipy.linalg's are in
test_scipy_stats.py and test_scipy_linalg.py)."""

import inspect
import os
import subprocess
import sys

import numpy as np
import pytest
from scipy import signal, special

from rule_table import Case, rule_checks

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# numpy.row_stack is deprecated, and still has rules while NumPy has it
pytestmark = pytest.mark.filterwarnings("ignore:`row_stack` alias is deprecated")

# fixed secondary weights (float32, so they keep float32 results float32)
ROWS = np.array([[0.3], [-1.2], [0.8]], dtype=np.float32)


def symmetric(a):
    return (a + np.swapaxes(a, -1, -2)) * 0.5


# -- arithmetic operators and their ufuncs -------------------------------------------


def op_add(x, y, w):
    return np.sum((x + y) * w)


def np_add(x, y, w):
    return np.sum(np.add(x, y) * w)


def op_sub(x, y, w):
    return np.sum((x - y) * w)


def np_subtract(x, y, w):
    return np.sum(np.subtract(x, y) * w)


def op_mul(x, y, w):
    return np.sum(x * y * w)


def np_multiply(x, y, w):
    return np.sum(np.multiply(x, y) * w)


def op_truediv(x, y, w):
    return np.sum(x / y * w)


def np_divide(x, y, w):
    return np.sum(np.divide(x, y) * w)


def op_pow(x, y, w):
    return np.sum(x**y * w)


def np_power(x, y, w):
    return np.sum(np.power(x, y) * w)


def op_neg(x, w):
    return np.sum(-x * w)


def np_negative(x, w):
    return np.sum(np.negative(x) * w)


def op_pos(x, w):
    return np.sum(+x * w)


def np_positive(x, w):
    return np.sum(np.positive(x) * w)


def op_matmul(x, y, w):
    return np.sum((x @ y) * w)


def np_matmul(x, y, w):
    return np.sum(np.matmul(x, y) * w)


def op_mod(x, y, w):
    return np.sum((x % y) * w)


def op_getitem(x, w):
    # an integer-array index repeating a position, a boolean mask, a slice
    return np.sum(x[[2, 0, 2]] * w) + np.sum(x[x > 0] ** 2) + np.sum(x[1:] ** 3)


# -- elementwise -----------------------------------------------------------------------


def np_maximum(x, y, w):
    return np.sum(np.maximum(x, y) * w)


def np_fmax(x, y, w):
    return np.sum(np.fmax(x, y) * w)


def np_minimum(x, y, w):
    return np.sum(np.minimum(x, y) * w)


def np_fmin(x, y, w):
    return np.sum(np.fmin(x, y) * w)


def np_sin(x, w):
    return np.sum(np.sin(x) * w)


def np_cos(x, w):
    return np.sum(np.cos(x) * w)


def np_tan(x, w):
    return np.sum(np.tan(x) * w)


def np_arcsin(x, w):
    return np.sum(np.arcsin(x) * w)


def np_arccos(x, w):
    return np.sum(np.arccos(x) * w)


def np_arctan(x, w):
    return np.sum(np.arctan(x) * w)


def np_arctan2(y, x, w):
    return np.sum(np.arctan2(y, x) * w)


def np_hypot(x, y, w):
    return np.sum(np.hypot(x, y) * w)


def np_sinh(x, w):
    return np.sum(np.sinh(x) * w)


def np_cosh(x, w):
    return np.sum(np.cosh(x) * w)


def np_tanh(x, w):
    return np.sum(np.tanh(x) * w)


def np_arcsinh(x, w):
    return np.sum(np.arcsinh(x) * w)


def np_arccosh(x, w):
    return np.sum(np.arccosh(x) * w)


def np_arctanh(x, w):
    return np.sum(np.arctanh(x) * w)


def np_exp(x, w):
    return np.sum(np.exp(x) * w)


def np_exp2(x, w):
    return np.sum(np.exp2(x) * w)


def np_expm1(x, w):
    return np.sum(np.expm1(x) * w)


def np_log(x, w):
    return np.sum(np.log(x) * w)


def np_log2(x, w):
    return np.sum(np.log2(x) * w)


def np_log10(x, w):
    return np.sum(np.log10(x) * w)


def np_log1p(x, w):
    return np.sum(np.log1p(x) * w)


def np_logaddexp(x, y, w):
    return np.sum(np.logaddexp(x, y) * w)


def np_logaddexp2(x, y, w):
    return np.sum(np.logaddexp2(x, y) * w)


def np_sqrt(x, w):
    return np.sum(np.sqrt(x) * w)


def np_cbrt(x, w):
    return np.sum(np.cbrt(x) * w)


def np_square(x, w):
    return np.sum(np.square(x) * w)


def np_reciprocal(x, w):
    return np.sum(np.reciprocal(x) * w)


def np_fabs(x, w):
    return np.sum(np.fabs(x) * w)


def np_deg2rad(x, w):
    return np.sum(np.deg2rad(x) * w)


def np_radians(x, w):
    return np.sum(np.radians(x) * w)


def np_rad2deg(x, w):
    return np.sum(np.rad2deg(x) * w)


def np_degrees(x, w):
    return np.sum(np.degrees(x) * w)


def np_sinc(x, w):
    return np.sum(np.sinc(x) * w)


def np_where(x, y, w):
    return np.sum(np.where(np.array([True, False, False, True]), x, y) * w)


def np_clip(x, lo, hi, w):
    return np.sum(np.clip(x, lo, hi) * w)


def method_clip(x, lo, hi, w):
    return np.sum(x.clip(lo, hi) * w)


def np_float_power(x, y, w):
    return np.sum(np.float_power(x, y) * w)


def np_remainder(x, y, w):
    return np.sum(np.remainder(x, y) * w)


def np_fmod(x, y, w):
    return np.sum(np.fmod(x, y) * w)


def np_modf(x, w):
    fractional, integral = np.modf(x)
    return np.sum(fractional * w) + np.sum(integral * w)


def np_divmod(x, y, w):
    quotient, remainder = np.divmod(x, y)
    return np.sum(remainder * w) + np.sum(quotient * w)


def np_frexp(x, w):
    mantissa, exponent = np.frexp(x)
    return np.sum(mantissa * w) + np.sum(exponent * w)


def np_ldexp(x, w):
    return np.sum(np.ldexp(x, np.array([1, -2, 0, 3])) * w)


def np_copysign(x, y, w):
    return np.sum(np.copysign(x, y) * w)


def np_nextafter(x, y, w):
    return np.sum(np.nextafter(x, y) * w)


# -- layout -----------------------------------------------------------------------------


def np_einsum(x, y, w):
    return np.sum(np.einsum("...ij,jk->...ik", x, y) * w)


def np_tile(x, w):
    return np.sum(np.tile(x, (2, 1)) * w)


def np_repeat(x, w):
    return np.sum(np.repeat(x, 2, axis=0) * w)


def method_repeat(x, w):
    return np.sum(x.repeat([1, 0, 2], axis=0) * w)


def np_roll(x, w):
    return np.sum(np.roll(x, 2, axis=0) * w)


def np_pad(x, w):
    return np.sum(np.pad(x, 2, mode="reflect") * w) + np.sum(np.pad(x, (1, 2)) ** 2)


def np_hstack(x, y, w):
    return np.sum(np.hstack([x, y]) * w)


def np_vstack(x, y, w):
    return np.sum(np.vstack([x, y]) * w)


def np_dstack(x, y, w):
    return np.sum(np.dstack([x, y]) * w)


def np_column_stack(x, y, w):
    return np.sum(np.column_stack([x, y]) * w)


def np_r_(x, y, w):
    return np.sum(np.r_[x, y] * w)


def np_c_(x, y, w):
    return np.sum(np.c_[x, y] * w)


def np_split(x, w):
    a, b = np.split(x, 2)
    return np.sum(a * w) + np.sum(b * b * w)


def np_array_split(x, w):
    a, b, c = np.array_split(x, 3)  # uneven parts
    return np.sum(a**2) + np.sum(b * w) + np.sum(c**3)


def np_hsplit(x, w):
    a, b = np.hsplit(x, 2)
    return np.sum(a * w) + np.sum(b * b * w)


def np_vsplit(x, w):
    a, b = np.vsplit(x, 2)
    return np.sum(a * w) + np.sum(b * b * w)


def np_dsplit(x, w):
    a, b = np.dsplit(x, 2)
    return np.sum(a * w) + np.sum(b * b * w)


def np_take_along_axis(x, w):
    index = np.argsort(x, axis=-1) % 2  # positions 0 and 1, repeated
    return np.sum(np.take_along_axis(x, index, axis=-1) * w)


def np_sort(x, w):
    return np.sum(np.sort(x, axis=0) * w)


def np_diag(x, w):
    return np.sum(np.diag(x, 1) * w)


def np_diagonal(x, w):
    return np.sum(np.diagonal(x, 1) * w)


def method_diagonal(x, w):
    return np.sum(x.diagonal(0, -2, -1) * w)


def np_triu(x, w):
    return np.sum(np.triu(x, -1) * w)


def np_tril(x, w):
    return np.sum(np.tril(x, 1) * w)


def np_append(x, y, w):
    return np.sum(np.append(x, y, axis=0) * w)


def np_diff(x, w):
    return np.sum(np.diff(x, 2, axis=-1) * w)


def np_rot90(x, w):
    return np.sum(np.rot90(x, 3) * w)


def np_delete(x, w):
    return np.sum(np.delete(x, [0, 2], axis=0) * w)


def np_insert(x, y, w):
    return np.sum(np.insert(x, [1, 2], y, axis=0) * w)


def np_block(x, y, w):
    return np.sum(np.block([[x, y], [y, x]]) * w)


# -- linear algebra ---------------------------------------------------------------------


def linalg_det(a, w):
    return np.sum(np.linalg.det(a) * w)


def linalg_slogdet(a, w):
    sign, logabsdet = np.linalg.slogdet(a)
    return np.sum(logabsdet * w) + np.sum(sign * w)


def linalg_inv(a, w):
    return np.sum(np.linalg.inv(a) * w)


def linalg_solve(a, b, w):
    return np.sum(np.linalg.solve(a, b) * w)


def linalg_matrix_power(a, w):
    return np.sum(np.linalg.matrix_power(a, 3) * w) + np.sum(np.linalg.matrix_power(a, -2) * w)


def linalg_norm(x, w):
    return np.sum(np.linalg.norm(x, axis=-1) * w) + np.linalg.norm(x) ** 2


def linalg_vector_norm(x, w):
    return np.sum(np.linalg.vector_norm(x, axis=0, ord=3) * w)


def linalg_matrix_norm(x, w):
    return np.sum(np.linalg.matrix_norm(x, ord="nuc") * w)


def linalg_cholesky(a, w):
    return np.sum(np.linalg.cholesky(symmetric(a)) * w)


def linalg_eigh(a, w):
    values, vectors = np.linalg.eigh(symmetric(a))
    # the eigenvectors' signs are arbitrary: use their squares
    return np.sum(values * w) + np.sum(vectors**2 * ROWS)


def linalg_eigvalsh(a, w):
    return np.sum(np.linalg.eigvalsh(symmetric(a)) * w)


def np_trace(x, w):
    return np.sum(np.trace(x, 1) * w)


def method_trace(x, w):
    return np.sum(x.trace() * w)


def linalg_pinv(a, w):
    return np.sum(np.linalg.pinv(a) * w)


def linalg_svd(a, w):
    u, s, vh = np.linalg.svd(a, full_matrices=False)
    # singular vectors' signs are arbitrary: squares, and u_0 vh_0 (one sign for both)
    return np.sum(s * w) + np.sum(u**2 * ROWS) + np.sum((u[..., :, :1] * vh[..., :1, :]) ** 3)


def linalg_svdvals(a, w):
    return np.sum(np.linalg.svdvals(a) * w)


def linalg_qr(a, w):
    q, r = np.linalg.qr(a)
    return np.sum(r * w) + np.sum(q**3)


def linalg_lstsq(a, b, w):
    x, residuals, rank, singular_values = np.linalg.lstsq(a, b)
    return np.sum(x * w) + np.sum(residuals) + np.sum(singular_values**2)


def linalg_multi_dot(x, y, z, w):
    return np.sum(np.linalg.multi_dot([x, y, z]) * w)


def linalg_tensorinv(a, w):
    return np.sum(np.linalg.tensorinv(a, ind=2) * w)


def linalg_tensorsolve(a, b, w):
    return np.sum(np.linalg.tensorsolve(a, b) * w)


def np_kron(x, y, w):
    return np.sum(np.kron(x, y) * w)


# -- products ---------------------------------------------------------------------------


def np_dot(x, y, w):
    return np.sum(np.dot(x, y) * w)


def method_dot(x, y, w):
    return np.sum(x.dot(y) * w)


def np_inner(x, y, w):
    return np.sum(np.inner(x, y) * w)


def np_cross(x, y, w):
    return np.sum(np.cross(x, y) * w)


def np_outer(x, y, w):
    return np.sum(np.outer(x, y) * w)


def np_vdot(x, y, w):
    return np.vdot(x, y) * w


def np_tensordot(x, y, w):
    return np.sum(np.tensordot(x, y, axes=1) * w)


def np_vecdot(x, y, w):
    return np.sum(np.vecdot(x, y) * w)


def np_matvec(x, y, w):
    return np.sum(np.matvec(x, y) * w)


def np_vecmat(x, y, w):
    return np.sum(np.vecmat(x, y) * w)


# -- reductions -------------------------------------------------------------------------


def np_sum(x, w):
    return np.sum(np.sum(x, axis=-1, keepdims=True) ** 2 * w)


def method_sum(x, w):
    return np.sum(x.sum(axis=0) ** 2 * w)


def np_mean(x, w):
    return np.sum(np.mean(x, axis=-1) ** 2 * w)


def method_mean(x, w):
    return np.sum(x.mean(0) ** 2 * w)


def np_prod(x, w):
    return np.sum(np.prod(x, axis=0) * w)


def method_prod(x, w):
    return np.sum(x.prod(axis=-1, keepdims=True) * w)


def np_max(x, w):
    return np.sum(np.max(x, axis=0) * w)


def np_amax(x, w):
    return np.sum(np.amax(x, axis=0) * w)


def method_max(x, w):
    return np.sum(x.max(axis=-1) * w)


def np_min(x, w):
    return np.sum(np.min(x, axis=0) * w)


def np_amin(x, w):
    return np.sum(np.amin(x, axis=0) * w)


def method_min(x, w):
    return np.sum(x.min(axis=-1) * w)


def np_nanmax(x, w):
    return np.sum(np.nanmax(x, axis=0) * w)


def np_nanmin(x, w):
    return np.sum(np.nanmin(x, axis=0) * w)


def np_var(x, w):
    return np.sum(np.var(x, axis=0, ddof=1) * w)


def method_var(x, w):
    return np.sum(x.var(axis=-1) * w)


def np_std(x, w):
    return np.sum(np.std(x, axis=0, ddof=1) * w)


def method_std(x, w):
    return np.sum(x.std(axis=-1) * w)


def np_cumsum(x, w):
    return np.sum(np.cumsum(x, axis=0) * w)


def method_cumsum(x, w):
    return np.sum(x.cumsum() * w)


def np_cumulative_sum(x, w):
    return np.sum(np.cumulative_sum(x, axis=0, include_initial=True) * w)


def np_cumprod(x, w):
    return np.sum(np.cumprod(x, axis=0) * w)


def method_cumprod(x, w):
    return np.sum(x.cumprod() * w)


def np_cumulative_prod(x, w):
    return np.sum(np.cumulative_prod(x, axis=-1) * w)


def np_nansum(x, w):
    return np.sum(np.nansum(x, axis=0) ** 2 * w)


def np_nanmean(x, w):
    return np.sum(np.nanmean(x, axis=0) ** 2 * w)


def np_average(x, v, w):
    return np.sum(np.average(x, axis=0, weights=v) * w)


def np_ptp(x, w):
    return np.sum(np.ptp(x, axis=0) * w)


# -- shapes and indexing ----------------------------------------------------------------


def np_reshape(x, w):
    return np.sum(np.reshape(x, (2, -1), order="F") * w)


def method_reshape(x, w):
    return np.sum(x.reshape(-1, 2) * w)


def np_ravel(x, w):
    return np.sum(np.ravel(x, order="F") * w)


def method_ravel(x, w):
    return np.sum(x.ravel() * w)


def method_flatten(x, w):
    return np.sum(x.flatten("F") * w)


def np_squeeze(x, w):
    return np.sum(np.squeeze(x) * w)


def method_squeeze(x, w):
    return np.sum(x.squeeze(0) * w)


def np_expand_dims(x, w):
    return np.sum(np.expand_dims(x, 1) * w)


def np_atleast_1d(x, w):
    return np.sum(np.atleast_1d(x) * w)


def np_atleast_2d(x, w):
    return np.sum(np.atleast_2d(x) * w)


def np_atleast_3d(x, w):
    return np.sum(np.atleast_3d(x) * w)


def np_transpose(x, w):
    return np.sum(np.transpose(x) * w)


def method_transpose(x, w):
    return np.sum(x.transpose() * w)


def attribute_T(x, w):
    return np.sum(x.T * w)


def np_swapaxes(x, w):
    return np.sum(np.swapaxes(x, 0, -1) * w)


def method_swapaxes(x, w):
    return np.sum(x.swapaxes(0, 1) * w)


def np_moveaxis(x, w):
    return np.sum(np.moveaxis(x, 0, -1) * w)


def np_flip(x, w):
    return np.sum(np.flip(x, 0) * w)


def np_fliplr(x, w):
    return np.sum(np.fliplr(x) * w)


def np_flipud(x, w):
    return np.sum(np.flipud(x) * w)


def np_broadcast_to(x, w):
    return np.sum(np.broadcast_to(x, (2, 3, 4)) * w)


def np_copy(x, w):
    return np.sum(np.copy(x) * w)


def method_copy(x, w):
    return np.sum(x.copy() * w)


def np_asarray(x, w):
    return np.sum(np.asarray(x) * w)


def np_ascontiguousarray(x, w):
    return np.sum(np.ascontiguousarray(x) * w)


def np_array(x, w):
    return np.sum(np.array(x) * w)


def method_astype(x, w):
    return np.sum(x.astype(np.float64) * w)


def np_stack(x, y, w):
    return np.sum(np.stack([x, y], axis=-1) * w)


def np_concatenate(x, y, w):
    return np.sum(np.concatenate([x, y], axis=0) * w)


def np_take(x, w):
    return np.sum(np.take(x, [4, 0, 4, 1]) * w)


def method_take(x, w):
    return np.sum(x.take([2, 0, 2], axis=0) * w)


# -- numerical methods and statistics -----------------------------------------------


def np_trapezoid(y, x, w):
    return np.sum(np.trapezoid(y, x, axis=-1) * w)


def np_gradient(x, w):
    return np.sum(np.gradient(x, 0.5, axis=-1, edge_order=2) * w)


def np_interp(x, xp, fp, w):
    return np.sum(np.interp(x, xp, fp) * w)


def np_convolve(a, v, w):
    return np.sum(np.convolve(a, v) * w)


def np_correlate(a, v, w):
    return np.sum(np.correlate(a, v) * w)


def np_polyval(p, x, w):
    return np.sum(np.polyval(p, x) * w)


def np_median(x, w):
    return np.sum(np.median(x, axis=0) * w)


def np_quantile(x, w):
    # q as Python numbers: a list of them would make NumPy compute float32 in float64
    return np.sum(np.quantile(x, 0.3, axis=-1) * w) + np.sum(np.quantile(x, 0.85, axis=-1) * w)


def np_percentile(x, w):
    return np.sum(np.percentile(x, 40, axis=0, method="midpoint") * w)


def np_nanvar(x, w):
    return np.sum(np.nanvar(x, axis=0, ddof=1) * w)


def np_nanstd(x, w):
    return np.sum(np.nanstd(x, axis=0) * w)


def np_nanprod(x, w):
    return np.sum(np.nanprod(x, axis=0) * w)


def np_cov(x, y, w):
    return np.sum(np.cov(x, y) * w)


def np_corrcoef(x, y, w):
    return np.sum(np.corrcoef(x, y) * w)


# -- arrays made from values --------------------------------------------------------------


def np_linspace(x, y, w):
    return np.sum(np.linspace(x, y, 5) * w)


def np_logspace(x, y, w):
    return np.sum(np.logspace(x, y, 4, base=2.0) * w)


def np_geomspace(x, y, w):
    return np.sum(np.geomspace(x, y, 4) * w)


def np_arange(x, h, w):
    return np.sum(np.arange(x, x + 2.05, h) * w)


def np_full(x, w):
    return np.sum(np.full((3, 4), x) * w)


def np_full_like(x, w):
    return np.sum(np.full_like(ROWS * x, x) * w)  # (x's dtype: ROWS is float32)


def np_meshgrid(x, y, w):
    gx, gy = np.meshgrid(x, y)
    return np.sum(gx * gy * w)


def np_broadcast_arrays(x, y, w):
    a, b = np.broadcast_arrays(x, y)
    return np.sum((a - b) * w)


def np_vander(x, w):
    return np.sum(np.vander(x, 3) * w)


# -- selection ----------------------------------------------------------------------------

CHOICE_INDEX = np.array([[0, 1, 1, 0], [1, 0, 0, 1], [0, 0, 1, 1]])
BINS = np.array([0, 2, 2, 5, 1, 0])


def np_select(x, y, w):
    # where both conditions hold, the first one's choice is taken
    return np.sum(np.select([x > 0, y < 0], [x, y * 2.0], default=0.5) * w)


def np_choose(x, y, w):
    return np.sum(np.choose(CHOICE_INDEX, [x, y]) * w)


def method_choose(c0, c1, w):
    x = CHOICE_INDEX
    return np.sum(x.choose([c0, c1], mode="clip") * w)


def np_compress(x, w):
    return np.sum(np.compress([True, False, True], x, axis=0) * w)


def method_compress(x, w):
    return np.sum(x.compress([False, True, True], axis=-1) * w)


def np_extract(x, w):
    return np.sum(np.extract(x > 0, x) * w)


def np_partition(x, w):
    return np.sum(np.partition(x, 1) * w)


def np_trim_zeros(x, w):
    return np.sum(np.trim_zeros(np.pad(x, (2, 1)), trim="f") * w)


def np_bincount(x, w):
    return np.sum(np.bincount(BINS[: x.size], x, minlength=7) * w)


def np_nan_to_num(x, n, w):
    return np.sum(np.nan_to_num(x, nan=n) * w)


def np_resize(x, w):
    return np.sum(np.resize(x, (3, 5)) * w)


def np_ediff1d(x, e, w):
    return np.sum(np.ediff1d(x, to_end=e, to_begin=-0.5) * w)


def np_unwrap(p, period, w):
    return np.sum(np.unwrap(p * 4.0, period=period) * w)


def np_nancumsum(x, w):
    return np.sum(np.nancumsum(x, axis=0) * w)


def np_nancumprod(x, w):
    return np.sum(np.nancumprod(x) * w)


def np_matrix_transpose(x, w):
    return np.sum(np.matrix_transpose(x) * w)


def np_unstack(x, w):
    parts = np.unstack(x, axis=-1)
    return np.sum(parts[0] * w) + np.sum(parts[-1] ** 2)


def np_astype(x, w):
    return np.sum(np.astype(x, np.float64) * w)


def np_asanyarray(x, w):
    return np.sum(np.asanyarray(x) * w)


def np_asfortranarray(x, w):
    return np.sum(np.asfortranarray(x) * w)


def np_require(x, w):
    return np.sum(np.require(x, requirements=["F", "A"]) * w)


def np_asarray_chkfinite(x, w):
    return np.sum(np.asarray_chkfinite(x) * w)


def np_rollaxis(x, w):
    return np.sum(np.rollaxis(x, -1) * w)


def np_diagflat(x, w):
    return np.sum(np.diagflat(x, 1) * w)


def np_row_stack(x, y, w):
    return np.sum(np.row_stack([x, y]) * w)  # (deprecated by NumPy 2: it warns)


# -- inputs -----------------------------------------------------------------------------


def distinct(rng, shape, position):
    """Distinct values of both signs, at least 0.5 from zero, and apart from those of
    the other inputs (shifted by `position`): no ties, no kinks."""
    n = int(np.prod(shape))
    x = rng.permutation(np.linspace(0.5, 1.5, n)) + 0.01 * position
    return (x * rng.choice([-1.0, 1.0], size=n)).reshape(shape)


def well_conditioned(rng, shape, position):
    n = shape[-1]
    a = rng.normal(size=shape) * 0.3 + 2.0 * np.eye(n)
    a[..., 0, :] *= -1.0  # a negative determinant
    return a


def square_tensor(rng, shape, position):
    """A well-conditioned n x n matrix, reshaped to `shape` (of n * n elements)."""
    n = int(round(np.prod(shape) ** 0.5))
    return well_conditioned(rng, (n, n), position).reshape(shape)


def full_rank(rng, shape, position):
    """Rectangular, singular values well apart from each other and from zero."""
    diagonal = np.eye(shape[-2], shape[-1]) * np.arange(1.0, shape[-1] + 1.0)
    return rng.normal(size=shape) * 0.3 + diagonal


def spd(rng, shape, position):
    """Symmetric positive definite, well-separated eigenvalues (before `symmetric`)."""
    q, _ = np.linalg.qr(rng.normal(size=shape))
    eigenvalues = np.arange(1.0, shape[-1] + 1.0) * 1.5
    return (q * eigenvalues) @ np.swapaxes(q, -1, -2) + 0.01 * rng.normal(size=shape)


def with_nan(rng, shape, position):
    x = distinct(rng, shape, position)
    x.flat[1] = np.nan  # skipped by the nan-reductions, and given no adjoint
    return x


def uniform(low, high):
    return lambda rng, shape, position: rng.uniform(low, high, size=shape)


def signed(low, high):
    return lambda rng, shape, position: rng.uniform(low, high, size=shape) * rng.choice(
        [-1.0, 1.0], size=shape
    )


DOMAINS = {
    "any": uniform(-1.0, 1.0),
    "positive": uniform(0.5, 2.0),
    "unit": uniform(-0.9, 0.9),  # arcsin, arccos, arctanh
    "above1": uniform(1.2, 3.0),  # arccosh
    "lower": uniform(-1.0, -0.6),  # clip's bounds: `distinct` values lie on both sides
    "upper": uniform(0.6, 1.0),
    "distinct": distinct,
    "with_nan": with_nan,
    "matrix": well_conditioned,
    "spd": spd,
    "full_rank": full_rank,
    "square_tensor": square_tensor,
    # x1 / x2 at least 0.19 from an integer, for %, remainder, fmod, divmod
    "dividend": lambda rng, shape, position: rng.integers(-3, 3, size=shape) + rng.uniform(
        0.3, 0.7, size=shape
    ),
    "divisor": signed(0.95, 1.05),
    "fraction": lambda rng, shape, position: rng.integers(-2, 3, size=shape) + rng.uniform(
        0.2, 0.8, size=shape
    ),  # modf: away from integers
    "between_powers": signed(1.1, 1.9),  # frexp: away from powers of two
    "step": uniform(0.45, 0.5),  # arange: five values from x to x + 2.05
    # interp's sample points: increasing, 0.4 to 0.8 apart, about "any"'s values
    "probability": uniform(0.1, 0.9),  # ndtri, logit
    "below2": uniform(0.2, 1.8),  # erfcinv
    "wide": uniform(-3.0, 3.0),
    "nonzero": signed(0.2, 1.0),  # abs: away from its kink  # the tails of log_ndtr, expit; Bessel functions' swings
    "increasing": lambda rng, shape, position: -1.2 + np.cumsum(
        rng.uniform(0.4, 0.8, size=shape), axis=-1
    ),
}


ONE = [((3, 4),), ((5,),)]
MATRICES = [((3, 3),), ((2, 3, 3),)]
# same shape; one input broadcast; both broadcast
TWO = [((3, 4), (3, 4)), ((3, 1), (2, 1, 4)), ((3, 4), (4,))]
DIVISION = ("dividend", "divisor")

CASES = {
    # arithmetic
    "operator.add": Case(op_add, TWO),
    "numpy.add": Case(np_add, TWO),
    "operator.sub": Case(op_sub, TWO),
    "numpy.subtract": Case(np_subtract, TWO),
    "operator.mul": Case(op_mul, TWO),
    "numpy.multiply": Case(np_multiply, TWO),
    "operator.truediv": Case(op_truediv, TWO, ("any", "positive")),
    "numpy.divide": Case(np_divide, TWO, ("any", "positive")),
    "operator.pow": Case(op_pow, TWO, ("positive", "any")),
    "numpy.power": Case(np_power, TWO, ("positive", "any")),
    "operator.neg": Case(op_neg, ONE),
    "numpy.negative": Case(np_negative, ONE),
    "operator.pos": Case(op_pos, ONE),
    "numpy.positive": Case(np_positive, ONE),
    "operator.matmul": Case(op_matmul, [((3, 4), (4, 2)), ((4,), (4, 3)), ((2, 3, 4), (4, 2))]),
    "numpy.matmul": Case(np_matmul, [((3, 4), (4, 2)), ((3, 4), (4,)), ((2, 1, 3, 4), (3, 4, 2))]),
    "operator.mod": Case(op_mod, TWO, DIVISION),
    "operator.getitem": Case(op_getitem, [((3, 4),), ((5,),), ((4, 2, 3),)]),
    # elementwise
    "numpy.maximum": Case(np_maximum, TWO, "distinct"),
    "numpy.fmax": Case(np_fmax, TWO, "distinct"),
    "numpy.minimum": Case(np_minimum, TWO, "distinct"),
    "numpy.fmin": Case(np_fmin, TWO, "distinct"),
    "numpy.sin": Case(np_sin, ONE),
    "numpy.cos": Case(np_cos, ONE),
    "numpy.tan": Case(np_tan, ONE),
    "numpy.arcsin": Case(np_arcsin, ONE, "unit"),
    "numpy.arccos": Case(np_arccos, ONE, "unit"),
    "numpy.arctan": Case(np_arctan, ONE),
    "numpy.arctan2": Case(np_arctan2, TWO, "distinct"),
    "numpy.hypot": Case(np_hypot, TWO, "distinct"),
    "numpy.sinh": Case(np_sinh, ONE),
    "numpy.cosh": Case(np_cosh, ONE),
    "numpy.tanh": Case(np_tanh, ONE),
    "numpy.arcsinh": Case(np_arcsinh, ONE),
    "numpy.arccosh": Case(np_arccosh, ONE, "above1"),
    "numpy.arctanh": Case(np_arctanh, ONE, "unit"),
    "numpy.exp": Case(np_exp, ONE),
    "numpy.exp2": Case(np_exp2, ONE),
    "numpy.expm1": Case(np_expm1, ONE),
    "numpy.log": Case(np_log, ONE, "positive"),
    "numpy.log2": Case(np_log2, ONE, "positive"),
    "numpy.log10": Case(np_log10, ONE, "positive"),
    "numpy.log1p": Case(np_log1p, ONE, "positive"),
    "numpy.logaddexp": Case(np_logaddexp, TWO),
    "numpy.logaddexp2": Case(np_logaddexp2, TWO),
    "numpy.sqrt": Case(np_sqrt, ONE, "positive"),
    "numpy.cbrt": Case(np_cbrt, ONE, "distinct"),
    "numpy.square": Case(np_square, ONE),
    "numpy.reciprocal": Case(np_reciprocal, ONE, "distinct"),
    "numpy.fabs": Case(np_fabs, ONE, "distinct"),
    "numpy.deg2rad": Case(np_deg2rad, ONE),
    "numpy.radians": Case(np_radians, ONE),
    "numpy.rad2deg": Case(np_rad2deg, ONE),
    "numpy.degrees": Case(np_degrees, ONE),
    "numpy.sinc": Case(np_sinc, ONE),
    "numpy.where": Case(np_where, [((3, 4), (3, 4)), ((3, 1), (4,)), ((4,), ())]),
    "numpy.clip": Case(
        np_clip, [((3, 4), (3, 4), (3, 4)), ((3, 4), (4,), ()), ((4,), (3, 1), (1,))],
        ("distinct", "lower", "upper"),
    ),
    "numpy.ndarray.clip": Case(
        method_clip, [((3, 4), (3, 4), (3, 4)), ((3, 4), (3, 1), (4,))],
        ("distinct", "lower", "upper"),
    ),
    "numpy.float_power": Case(np_float_power, TWO, ("positive", "any"), float64_inside=True),
    "numpy.remainder": Case(np_remainder, TWO, DIVISION),
    "numpy.fmod": Case(np_fmod, TWO, DIVISION),
    "numpy.modf": Case(np_modf, ONE, "fraction"),
    "numpy.divmod": Case(np_divmod, TWO, DIVISION),
    "numpy.frexp": Case(np_frexp, ONE, "between_powers"),
    "numpy.ldexp": Case(np_ldexp, [((3, 4),), ((4,),), ((3, 1),)]),
    "numpy.copysign": Case(np_copysign, TWO, "distinct"),
    "numpy.nextafter": Case(np_nextafter, TWO, "distinct"),
    # layout
    "numpy.einsum": Case(np_einsum, [((3, 4), (4, 2)), ((2, 3, 4), (4, 2))]),
    "numpy.tile": Case(np_tile, ONE),
    "numpy.repeat": Case(np_repeat, ONE),
    "numpy.ndarray.repeat": Case(method_repeat, [((3, 4),), ((3,),)]),
    "numpy.roll": Case(np_roll, ONE),
    "numpy.pad": Case(np_pad, ONE),
    "numpy.hstack": Case(np_hstack, [((3, 4), (3, 2)), ((5,), (2,))]),
    "numpy.vstack": Case(np_vstack, [((3, 4), (2, 4)), ((4,), (4,)), ((3, 4), (4,))]),
    "numpy.dstack": Case(np_dstack, [((3, 4), (3, 4)), ((4,), (4,)), ((2, 3, 1), (2, 3, 2))]),
    "numpy.column_stack": Case(np_column_stack, [((3,), (3, 2)), ((4,), (4,))]),
    "numpy.r_": Case(np_r_, [((3, 4), (2, 4)), ((5,), (2,)), ((), (3,))]),
    "numpy.c_": Case(np_c_, [((3,), (3, 2)), ((4,), (4,)), ((2, 3, 1), (2, 3, 2))]),
    "numpy.split": Case(np_split, [((4, 3),), ((6,),)]),
    "numpy.array_split": Case(np_array_split, [((5, 2),), ((7,),)]),
    "numpy.hsplit": Case(np_hsplit, [((3, 4),), ((6,),)]),
    "numpy.vsplit": Case(np_vsplit, [((4, 3),), ((2, 2, 3),)]),
    "numpy.dsplit": Case(np_dsplit, [((2, 3, 4),), ((1, 2, 2),)]),
    "numpy.take_along_axis": Case(np_take_along_axis, [((3, 4),), ((5,),)], "distinct"),
    "numpy.sort": Case(np_sort, [((3, 4),), ((5,),)], "distinct"),
    "numpy.diag": Case(np_diag, [((3, 4),), ((4,),)]),
    "numpy.diagonal": Case(np_diagonal, [((3, 4),), ((2, 3, 4),)]),
    "numpy.ndarray.diagonal": Case(method_diagonal, [((3, 4),), ((2, 3, 4),)]),
    "numpy.triu": Case(np_triu, [((3, 4),), ((2, 3, 3),)]),
    "numpy.tril": Case(np_tril, [((3, 4),), ((2, 3, 3),)]),
    "numpy.append": Case(np_append, [((3, 4), (2, 4)), ((3,), (5,))]),
    "numpy.diff": Case(np_diff, ONE),
    "numpy.rot90": Case(np_rot90, [((3, 4),), ((2, 3, 4),)]),
    "numpy.delete": Case(np_delete, ONE),
    "numpy.insert": Case(np_insert, [((3, 4), (2, 4)), ((3, 4), (4,)), ((5,), (2,))]),
    "numpy.block": Case(np_block, [((2, 2), (2, 3)), ((3, 3), (3, 1))]),
    # linear algebra
    "numpy.linalg.det": Case(linalg_det, MATRICES, "matrix"),
    "numpy.linalg.slogdet": Case(linalg_slogdet, MATRICES, "matrix"),
    "numpy.linalg.inv": Case(linalg_inv, MATRICES, "matrix"),
    "numpy.linalg.solve": Case(
        linalg_solve, [((3, 3), (3,)), ((2, 3, 3), (3, 2)), ((3, 3), (2, 3, 1))], ("matrix", "any")
    ),
    "numpy.linalg.matrix_power": Case(linalg_matrix_power, MATRICES, "matrix"),
    "numpy.linalg.norm": Case(linalg_norm, ONE),
    "numpy.linalg.vector_norm": Case(linalg_vector_norm, ONE, "distinct"),
    "numpy.linalg.matrix_norm": Case(linalg_matrix_norm, [((3, 4),), ((2, 3, 2),)]),
    "numpy.linalg.cholesky": Case(linalg_cholesky, MATRICES, "spd"),
    "numpy.linalg.eigh": Case(linalg_eigh, MATRICES, "spd"),
    "numpy.linalg.eigvalsh": Case(linalg_eigvalsh, MATRICES, "spd"),
    "numpy.trace": Case(np_trace, [((3, 4),), ((2, 3, 4),)]),
    "numpy.ndarray.trace": Case(method_trace, [((3, 4),), ((2, 3, 4),)]),
    "numpy.linalg.pinv": Case(linalg_pinv, [((3, 4),), ((2, 4, 3),)], "full_rank"),
    "numpy.linalg.svd": Case(linalg_svd, [((3, 4),), ((2, 3, 2),)], "full_rank"),
    "numpy.linalg.svdvals": Case(linalg_svdvals, [((3, 4),), ((2, 3, 2),)], "full_rank"),
    "numpy.linalg.qr": Case(linalg_qr, [((4, 3),), ((2, 3, 2),), ((3, 3),)], "full_rank"),
    "numpy.linalg.lstsq": Case(
        linalg_lstsq, [((4, 3), (4,)), ((5, 3), (5, 2))], ("full_rank", "any")
    ),
    "numpy.linalg.multi_dot": Case(
        linalg_multi_dot, [((3, 4), (4, 2), (2, 5)), ((4,), (4, 3), (3,))]
    ),
    "numpy.linalg.tensorinv": Case(
        linalg_tensorinv, [((2, 3, 6),), ((2, 2, 2, 2),)], "square_tensor"
    ),
    "numpy.linalg.tensorsolve": Case(
        linalg_tensorsolve, [((2, 3, 6), (2, 3)), ((2, 2, 2, 2), (2, 2))],
        ("square_tensor", "any"),
    ),
    "numpy.kron": Case(np_kron, [((2, 3), (3, 2)), ((2, 3), (4,))]),
    # products
    "numpy.dot": Case(np_dot, [((3, 4), (4, 2)), ((2, 3, 4), (4,)), ((4,), (4,))]),
    "numpy.ndarray.dot": Case(method_dot, [((3, 4), (4, 2)), ((2, 3, 4), (5, 4, 2))]),
    "numpy.inner": Case(np_inner, [((3, 4), (2, 4)), ((4,), (4,))]),
    "numpy.cross": Case(np_cross, [((2, 3), (2, 3)), ((4, 3), (3,))]),
    "numpy.outer": Case(np_outer, [((3,), (4,)), ((2, 2), (3,))]),
    "numpy.vdot": Case(np_vdot, [((3, 4), (3, 4)), ((3, 4), (12,))]),
    "numpy.tensordot": Case(np_tensordot, [((3, 4), (4, 2)), ((2, 3, 4), (4,))]),
    "numpy.vecdot": Case(np_vecdot, [((3, 4), (3, 4)), ((2, 3, 4), (3, 4)), ((3, 4), (4,))]),
    "numpy.matvec": Case(np_matvec, [((3, 4), (4,)), ((2, 3, 4), (1, 4))]),
    "numpy.vecmat": Case(np_vecmat, [((3,), (3, 4)), ((2, 3), (3, 4)), ((3,), (2, 3, 4))]),
    # reductions
    "numpy.sum": Case(np_sum, ONE),
    "numpy.ndarray.sum": Case(method_sum, ONE),
    "numpy.mean": Case(np_mean, ONE),
    "numpy.ndarray.mean": Case(method_mean, ONE),
    "numpy.prod": Case(np_prod, ONE, "distinct"),
    "numpy.ndarray.prod": Case(method_prod, ONE, "distinct"),
    "numpy.max": Case(np_max, ONE, "distinct"),
    "numpy.amax": Case(np_amax, ONE, "distinct"),
    "numpy.ndarray.max": Case(method_max, ONE, "distinct"),
    "numpy.min": Case(np_min, ONE, "distinct"),
    "numpy.amin": Case(np_amin, ONE, "distinct"),
    "numpy.ndarray.min": Case(method_min, ONE, "distinct"),
    "numpy.nanmax": Case(np_nanmax, ONE, "with_nan"),
    "numpy.nanmin": Case(np_nanmin, ONE, "with_nan"),
    "numpy.var": Case(np_var, ONE),
    "numpy.ndarray.var": Case(method_var, ONE),
    "numpy.std": Case(np_std, ONE),
    "numpy.ndarray.std": Case(method_std, ONE),
    "numpy.cumsum": Case(np_cumsum, ONE),
    "numpy.ndarray.cumsum": Case(method_cumsum, ONE),
    "numpy.cumulative_sum": Case(np_cumulative_sum, ONE),
    "numpy.cumprod": Case(np_cumprod, ONE, "distinct"),
    "numpy.ndarray.cumprod": Case(method_cumprod, ONE, "distinct"),
    "numpy.cumulative_prod": Case(np_cumulative_prod, ONE, "distinct"),
    "numpy.nansum": Case(np_nansum, ONE, "with_nan"),
    "numpy.nanmean": Case(np_nanmean, ONE, "with_nan"),
    "numpy.average": Case(
        np_average, [((3, 4), (3,)), ((2, 3, 2), (2,)), ((3, 4), (3, 4))], ("any", "positive")
    ),
    "numpy.ptp": Case(np_ptp, ONE, "distinct"),
    # shapes and indexing
    "numpy.reshape": Case(np_reshape, [((3, 4),), ((2, 3, 2),)]),
    "numpy.ndarray.reshape": Case(method_reshape, [((3, 4),), ((6,),)]),
    "numpy.ravel": Case(np_ravel, [((3, 4),), ((2, 3, 2),)]),
    "numpy.ndarray.ravel": Case(method_ravel, [((3, 4),), ((2, 3, 2),)]),
    "numpy.ndarray.flatten": Case(method_flatten, [((3, 4),), ((2, 3, 2),)]),
    "numpy.squeeze": Case(np_squeeze, [((3, 1, 4),), ((1, 5),)]),
    "numpy.ndarray.squeeze": Case(method_squeeze, [((1, 3, 4),), ((1, 5),)]),
    "numpy.expand_dims": Case(np_expand_dims, ONE),
    "numpy.atleast_1d": Case(np_atleast_1d, [((),), ((3,),)]),
    "numpy.atleast_2d": Case(np_atleast_2d, [((4,),), ((3, 4),)]),
    "numpy.atleast_3d": Case(np_atleast_3d, [((4,),), ((3, 4),)]),
    "numpy.transpose": Case(np_transpose, [((3, 4),), ((2, 3, 4),)]),
    "numpy.ndarray.transpose": Case(method_transpose, [((3, 4),), ((2, 3, 4),)]),
    "numpy.ndarray.T": Case(attribute_T, [((3, 4),), ((2, 3, 4),)]),
    "numpy.swapaxes": Case(np_swapaxes, [((3, 4),), ((2, 3, 4),)]),
    "numpy.ndarray.swapaxes": Case(method_swapaxes, [((3, 4),), ((2, 3, 4),)]),
    "numpy.moveaxis": Case(np_moveaxis, [((3, 4),), ((2, 3, 4),)]),
    "numpy.flip": Case(np_flip, ONE),
    "numpy.fliplr": Case(np_fliplr, [((3, 4),), ((2, 3, 2),)]),
    "numpy.flipud": Case(np_flipud, ONE),
    "numpy.broadcast_to": Case(np_broadcast_to, [((3, 4),), ((4,),), ((3, 1),)]),
    "numpy.copy": Case(np_copy, ONE),
    "numpy.ndarray.copy": Case(method_copy, ONE),
    "numpy.asarray": Case(np_asarray, ONE),
    "numpy.ascontiguousarray": Case(np_ascontiguousarray, ONE),
    "numpy.array": Case(np_array, ONE),
    "numpy.ndarray.astype": Case(method_astype, ONE, float64_inside=True),
    "numpy.stack": Case(np_stack, [((3, 4), (3, 4)), ((5,), (5,))]),
    "numpy.concatenate": Case(np_concatenate, [((3, 4), (2, 4)), ((5,), (2,))]),
    "numpy.take": Case(np_take, ONE),
    "numpy.ndarray.take": Case(method_take, [((3, 4),), ((3,),)]),
    # numerical methods
    "numpy.trapezoid": Case(np_trapezoid, [((3, 4), (4,)), ((5,), (5,)), ((2, 3), (2, 3))]),
    "numpy.gradient": Case(np_gradient, ONE),
    "numpy.interp": Case(
        np_interp, [((3, 4), (4,), (4,)), ((5,), (6,), (6,))], ("any", "increasing", "any")
    ),
    "numpy.convolve": Case(np_convolve, [((5,), (3,)), ((3,), (4,))]),
    "numpy.correlate": Case(np_correlate, [((5,), (3,)), ((3,), (5,))]),
    "numpy.polyval": Case(np_polyval, [((4,), (3, 4)), ((3,), (5,))]),
    # statistics
    "numpy.median": Case(np_median, [((3, 4),), ((4,),)], "distinct"),
    "numpy.quantile": Case(np_quantile, ONE, "distinct"),
    "numpy.percentile": Case(np_percentile, [((3, 4),), ((4,),)], "distinct"),
    "numpy.nanvar": Case(np_nanvar, ONE, "with_nan"),
    "numpy.nanstd": Case(np_nanstd, ONE, "with_nan"),
    "numpy.nanprod": Case(np_nanprod, ONE, "with_nan"),
    "numpy.cov": Case(np_cov, [((3, 4), (2, 4)), ((5,), (5,))], float64_inside=True),
    "numpy.corrcoef": Case(np_corrcoef, [((3, 4), (2, 4)), ((5,), (5,))], float64_inside=True),
    # arrays made from values
    "numpy.linspace": Case(np_linspace, [((), ()), ((3,), (2, 1))]),
    "numpy.logspace": Case(np_logspace, [((), ()), ((3,), (2, 1))]),
    "numpy.geomspace": Case(np_geomspace, [((), ()), ((3,), (2, 1))], "positive",
                            float64_inside=True),
    "numpy.arange": Case(np_arange, [((), ())], ("any", "step"), float64_inside=True),
    "numpy.full": Case(np_full, [((),), ((4,),), ((3, 1),)]),
    "numpy.full_like": Case(np_full_like, [((),), ((3, 1),)]),
    "numpy.meshgrid": Case(np_meshgrid, [((3,), (4,)), ((2,), (2,))]),
    "numpy.broadcast_arrays": Case(np_broadcast_arrays, [((3, 1), (4,)), ((3,), ())]),
    "numpy.vander": Case(np_vander, [((4,),), ((2,),)], float64_inside=True),
    # selection
    "numpy.select": Case(np_select, TWO, "distinct"),
    "numpy.choose": Case(np_choose, [((3, 4), (3, 4)), ((4,), (3, 1)), ((3, 4), ())]),
    "numpy.ndarray.choose": Case(method_choose, [((3, 4), (3, 4)), ((3, 1), (4,))]),
    "numpy.compress": Case(np_compress, ONE),
    "numpy.ndarray.compress": Case(method_compress, ONE),
    "numpy.extract": Case(np_extract, ONE, "distinct"),
    "numpy.partition": Case(np_partition, ONE, "distinct"),
    "numpy.trim_zeros": Case(np_trim_zeros, ONE, "distinct"),
    "numpy.bincount": Case(np_bincount, [((6,),), ((4,),)]),
    "numpy.nan_to_num": Case(
        np_nan_to_num, [((3, 4), ()), ((5,), ()), ((3, 4), (4,))], ("with_nan", "any")
    ),
    "numpy.resize": Case(np_resize, ONE),
    "numpy.ediff1d": Case(np_ediff1d, [((3, 4), (2,)), ((5,), ())]),
    "numpy.unwrap": Case(np_unwrap, [((3, 4), ()), ((6,), ())], ("any", "positive")),
    "numpy.nancumsum": Case(np_nancumsum, ONE, "with_nan"),
    "numpy.nancumprod": Case(np_nancumprod, ONE, "with_nan"),
    "numpy.matrix_transpose": Case(np_matrix_transpose, [((3, 4),), ((2, 3, 4),)]),
    "numpy.unstack": Case(np_unstack, [((3, 4),), ((2, 3, 4),)]),
    "numpy.astype": Case(np_astype, ONE, float64_inside=True),
    "numpy.asanyarray": Case(np_asanyarray, ONE),
    "numpy.asfortranarray": Case(np_asfortranarray, ONE),
    "numpy.require": Case(np_require, ONE),
    "numpy.asarray_chkfinite": Case(np_asarray_chkfinite, ONE),
    "numpy.rollaxis": Case(np_rollaxis, [((3, 4),), ((2, 3, 4),)]),
    "numpy.diagflat": Case(np_diagflat, [((3,),), ((2, 2),)]),
    **({"numpy.row_stack": Case(np_row_stack, [((3, 4), (2, 4)), ((4,), (4,))])}
       if hasattr(np, "row_stack") else {}),  # NumPy 2 deprecates it
}


# -- scipy.special (templates/special.py) ------------------------------------------------

def sp_erf(x, w):
    return np.sum(special.erf(x) * w)


def sp_erfc(x, w):
    return np.sum(special.erfc(x) * w)


def sp_erfinv(x, w):
    return np.sum(special.erfinv(x) * w)


def sp_erfcinv(x, w):
    return np.sum(special.erfcinv(x) * w)


def sp_ndtr(x, w):
    return np.sum(special.ndtr(x) * w)


def sp_log_ndtr(x, w):
    return np.sum(special.log_ndtr(x) * w)


def sp_ndtri(p, w):
    return np.sum(special.ndtri(p) * w)


def sp_gamma(x, w):
    return np.sum(special.gamma(x) * w)


def sp_gammaln(x, w):
    return np.sum(special.gammaln(x) * w)


def sp_psi(x, w):
    return np.sum(special.psi(x) * w)


def sp_polygamma(x, w):
    return np.sum(special.polygamma(2, x) * w)


def sp_multigammaln(a, w):
    return np.sum(special.multigammaln(a, 3) * w)


def sp_beta(a, b, w):
    return np.sum(special.beta(a, b) * w)


def sp_betaln(a, b, w):
    return np.sum(special.betaln(a, b) * w)


def sp_expit(x, w):
    return np.sum(special.expit(x) * w)


def sp_logit(p, w):
    return np.sum(special.logit(p) * w)


def sp_log_expit(x, w):
    return np.sum(special.log_expit(x) * w)


def sp_xlogy(x, y, w):
    return np.sum(special.xlogy(x, y) * w)


def sp_xlog1py(x, y, w):
    return np.sum(special.xlog1py(x, y) * w)


def sp_entr(x, w):
    return np.sum(special.entr(x) * w)


def sp_rel_entr(x, y, w):
    return np.sum(special.rel_entr(x, y) * w)


def sp_kl_div(x, y, w):
    return np.sum(special.kl_div(x, y) * w)


def sp_i0(x, w):
    return np.sum(special.i0(x) * w)


def sp_i1(x, w):
    return np.sum(special.i1(x) * w)


def sp_i0e(x, w):
    return np.sum(special.i0e(x) * w)


def sp_i1e(x, w):
    return np.sum(special.i1e(x) * w)


def sp_iv(x, w):
    return np.sum(special.iv(1.5, x) * w)


def sp_ive(x, w):
    return np.sum(special.ive(2.5, x) * w)


def sp_j0(x, w):
    return np.sum(special.j0(x) * w)


def sp_j1(x, w):
    return np.sum(special.j1(x) * w)


def sp_jv(x, w):
    return np.sum(special.jv(2.5, x) * w)


def sp_yv(x, w):
    return np.sum(special.yv(1.5, x) * w)


def sp_zeta(q, w):
    return np.sum(special.zeta(3.0, q) * w)


def sp_y0(x, w):
    return np.sum(special.y0(x) * w)


def sp_y1(x, w):
    return np.sum(special.y1(x) * w)


def sp_yn(x, w):
    return np.sum(special.yn(2, x) * w)


def sp_logsumexp(x, b, w):
    # over every element; over the last axis with weights; keepdims; with the sign
    lse, sign = special.logsumexp(x, axis=0, b=b - 0.5, return_sign=True)
    return (special.logsumexp(x) + np.sum(special.logsumexp(x, axis=-1, b=b) * w)
            + np.sum(special.logsumexp(2.0 * x, keepdims=True)) + np.sum(lse * sign))


def sp_softmax(x, w):
    return np.sum(special.softmax(x, axis=-1) * w) + np.sum(special.softmax(x) * x)


def sp_log_softmax(x, w):
    return np.sum(special.log_softmax(x, axis=0) * w) + np.sum(special.log_softmax(x) * x)


SPECIAL = {
    "scipy.special.erf": Case(sp_erf, ONE),
    "scipy.special.erfc": Case(sp_erfc, ONE),
    "scipy.special.erfinv": Case(sp_erfinv, ONE, "unit"),
    "scipy.special.erfcinv": Case(sp_erfcinv, ONE, "below2"),
    "scipy.special.ndtr": Case(sp_ndtr, ONE),
    "scipy.special.log_ndtr": Case(sp_log_ndtr, ONE, "wide"),
    "scipy.special.ndtri": Case(sp_ndtri, ONE, "probability"),
    "scipy.special.gamma": Case(sp_gamma, ONE, "positive"),
    "scipy.special.gammaln": Case(sp_gammaln, ONE, "positive"),
    "scipy.special.psi": Case(sp_psi, ONE, "positive"),
    "scipy.special.polygamma": Case(sp_polygamma, ONE, "positive", float64_inside=True),
    "scipy.special.multigammaln": Case(sp_multigammaln, ONE, "above1", float64_inside=True),
    "scipy.special.beta": Case(sp_beta, TWO, "positive"),
    "scipy.special.betaln": Case(sp_betaln, TWO, "positive"),
    "scipy.special.expit": Case(sp_expit, ONE, "wide"),
    "scipy.special.logit": Case(sp_logit, ONE, "probability"),
    "scipy.special.log_expit": Case(sp_log_expit, ONE, "wide"),
    "scipy.special.xlogy": Case(sp_xlogy, TWO, ("any", "positive")),
    "scipy.special.xlog1py": Case(sp_xlog1py, TWO, ("any", "positive")),
    "scipy.special.entr": Case(sp_entr, ONE, "positive"),
    "scipy.special.rel_entr": Case(sp_rel_entr, TWO, "positive"),
    "scipy.special.kl_div": Case(sp_kl_div, TWO, "positive"),
    "scipy.special.i0": Case(sp_i0, ONE, "wide"),
    "scipy.special.i1": Case(sp_i1, ONE, "wide"),
    "scipy.special.i0e": Case(sp_i0e, ONE, "wide"),
    "scipy.special.i1e": Case(sp_i1e, ONE, "wide"),
    "scipy.special.iv": Case(sp_iv, ONE, "positive"),
    "scipy.special.ive": Case(sp_ive, ONE, "positive"),
    "scipy.special.j0": Case(sp_j0, ONE, "wide"),
    "scipy.special.j1": Case(sp_j1, ONE, "wide"),
    "scipy.special.jv": Case(sp_jv, ONE, "positive"),
    "scipy.special.yv": Case(sp_yv, ONE, "positive"),
    "scipy.special.zeta": Case(sp_zeta, ONE, "positive"),
    "scipy.special.y0": Case(sp_y0, ONE, "positive"),
    "scipy.special.y1": Case(sp_y1, ONE, "positive"),
    "scipy.special.yn": Case(sp_yn, ONE, "positive", float64_inside=True),
    "scipy.special.logsumexp": Case(sp_logsumexp, [((3, 4), (3, 4)), ((5,), (5,))],
                                    ("any", "positive")),
    "scipy.special.softmax": Case(sp_softmax, ONE),
    "scipy.special.log_softmax": Case(sp_log_softmax, ONE),
}
CASES.update(SPECIAL)


# -- scipy.signal (templates/scipy_signal.py) -------------------------------------------


def sig_convolve(a, b, w):
    return (np.sum(signal.convolve(a, b) * w) + np.sum(signal.convolve(a, b, mode="same") ** 2)
            + np.sum(signal.convolve(a, b, mode="valid", method="direct") ** 3))


def sig_correlate(a, b, w):
    return (np.sum(signal.correlate(a, b) * w) + np.sum(signal.correlate(a, b, "same") ** 2)
            + np.sum(signal.correlate(b, a, mode="valid") ** 3))


def sig_fftconvolve(a, b, w):
    rows = b[:2] if b.ndim == 1 else b[:1, :2]  # (along the last axis; a product along the first)
    return (np.sum(signal.fftconvolve(a, b) * w)
            + np.sum(signal.fftconvolve(a, rows, mode="same", axes=-1) ** 2))


def sig_oaconvolve(a, b, w):
    return np.sum(signal.oaconvolve(a, b) * w) + np.sum(signal.oaconvolve(a, b, "valid") ** 2)


# (the first operand at least as large as the second along every axis: "valid" exists)
SIGNALS = [((7,), (3,)), ((4, 5), (2, 3)), ((3, 6), (1, 2))]

CASES.update({
    "scipy.signal.convolve": Case(sig_convolve, SIGNALS),
    "scipy.signal.correlate": Case(sig_correlate, SIGNALS),
    "scipy.signal.fftconvolve": Case(sig_fftconvolve, SIGNALS),
    "scipy.signal.oaconvolve": Case(sig_oaconvolve, SIGNALS),
})


# -- complex values and numpy.fft (templates/complex.py, fft.py): real inputs, complex
# values inside (complex parameters: test_complex.py)

# (complex64: float32 inputs keep complex64 values, float64 ones complex128)
PHASES = np.array([1.0 + 2.0j, -0.5 + 0.25j, 0.75 - 1.0j, 2.0j, -1.5 + 0.5j], np.complex64)


def np_real(x, w):
    return np.sum(np.real(x * PHASES[: x.shape[-1]]) * w)


def method_real(x, w):
    z = x * PHASES[: x.shape[-1]]
    return np.sum(z.real * w) + np.sum(x.real)


def np_imag(x, w):
    return np.sum(np.imag(x * PHASES[: x.shape[-1]]) * w) + np.sum(np.imag(x))


def method_imag(u, w):
    x = u * PHASES[: u.shape[-1]]
    return np.sum(x.imag * w)


def np_conjugate(x, w):
    z = np.conjugate(x * PHASES[: x.shape[-1]]) * PHASES[: x.shape[-1]] ** 2
    return np.sum(np.real(z) * w) + np.sum(np.conjugate(x) * x)


def method_conj(u, w):
    x = u * PHASES[: u.shape[-1]]
    return np.sum(np.imag(x.conj() * PHASES[: u.shape[-1]]) * w)


def method_conjugate(u, w):
    x = u * PHASES[: u.shape[-1]]
    return np.sum(np.imag(x.conjugate() * PHASES[: u.shape[-1]]) * w)


def np_angle(x, w):
    return np.sum(np.angle(x * PHASES[: x.shape[-1]] + 0.5) * w) + np.sum(
        np.angle(x + 1j, deg=True))


def np_absolute(x, w):
    return np.sum(np.absolute(x * PHASES[: x.shape[-1]] + 0.5j) * w) + np.sum(np.absolute(x))


def np_fft_fft(x, w):
    return np.sum(np.abs(np.fft.fft(x)) * w) + np.sum(np.real(np.fft.fft(x, n=6, axis=0)))


def np_fft_ifft(x, w):
    z = np.fft.ifft(x * PHASES[: x.shape[-1]], norm="ortho")
    return np.sum(np.real(z) * w) + np.sum(np.imag(np.fft.ifft(x, n=3, axis=0)) ** 2)


def np_fft_fft2(x, w):
    return np.sum(np.abs(np.fft.fft2(x)) * w) + np.sum(np.real(np.fft.fft2(x, s=(2, 5))))


def np_fft_ifft2(x, w):
    return np.sum(np.imag(np.fft.ifft2(x * PHASES[: x.shape[-1]], norm="forward")) * w)


def np_fft_fftn(x, w):
    return np.sum(np.abs(np.fft.fftn(x)) * w) + np.sum(np.imag(np.fft.fftn(x, s=(3,), axes=(-1,))))


def np_fft_ifftn(x, w):
    return np.sum(np.real(np.fft.ifftn(x * PHASES[: x.shape[-1]], axes=(0,))) * w)


def np_fft_rfft(x, w):
    return np.sum(np.abs(np.fft.rfft(x, axis=0)) * w) + np.sum(np.imag(np.fft.rfft(x, n=5)))


def np_fft_rfft2(x, w):
    return np.sum(np.abs(np.fft.rfft2(x)) * w) + np.sum(np.real(np.fft.rfft2(x, s=(3, 3))))


def np_fft_rfftn(x, w):
    return np.sum(np.real(np.fft.rfftn(x, norm="ortho")) * w)


def np_fft_irfft(x, w):
    spectrum = x * PHASES[: x.shape[-1]]
    return np.sum(np.fft.irfft(spectrum) * w) + np.sum(np.fft.irfft(spectrum, n=5) ** 2)


def np_fft_irfft2(x, w):
    return np.sum(np.fft.irfft2(x * PHASES[: x.shape[-1]], s=(3, 5)) * w)


def np_fft_irfftn(x, w):
    return np.sum(np.fft.irfftn(x * PHASES[: x.shape[-1]], norm="forward") * w)


def np_fft_hfft(x, w):
    return np.sum(np.fft.hfft(x * PHASES[: x.shape[-1]], n=7) * w)


def np_fft_ihfft(x, w):
    return np.sum(np.abs(np.fft.ihfft(x, norm="ortho")) * w)


def np_fft_fftshift(x, w):
    return np.sum(np.fft.fftshift(x) * w) + np.sum(np.fft.fftshift(x, axes=0)[0] ** 2)


def np_fft_ifftshift(x, w):
    return np.sum(np.fft.ifftshift(x) * w) + np.sum(np.fft.ifftshift(x, axes=-1)[..., 0] ** 2)


COMPLEX = {
    "numpy.real": Case(np_real, ONE),
    "numpy.ndarray.real": Case(method_real, ONE),
    "numpy.imag": Case(np_imag, ONE),
    "numpy.ndarray.imag": Case(method_imag, ONE),
    "numpy.conjugate": Case(np_conjugate, ONE),
    "numpy.ndarray.conj": Case(method_conj, ONE),
    "numpy.ndarray.conjugate": Case(method_conjugate, ONE),
    "numpy.angle": Case(np_angle, ONE),
    "numpy.absolute": Case(np_absolute, ONE, "nonzero"),
    "numpy.fft.fft": Case(np_fft_fft, ONE),
    "numpy.fft.ifft": Case(np_fft_ifft, ONE),
    "numpy.fft.fft2": Case(np_fft_fft2, [((3, 4),), ((2, 3, 4),)]),
    "numpy.fft.ifft2": Case(np_fft_ifft2, [((3, 4),), ((2, 3, 4),)]),
    "numpy.fft.fftn": Case(np_fft_fftn, ONE),
    "numpy.fft.ifftn": Case(np_fft_ifftn, ONE),
    "numpy.fft.rfft": Case(np_fft_rfft, ONE),
    "numpy.fft.rfft2": Case(np_fft_rfft2, [((3, 4),), ((2, 3, 5),)]),
    "numpy.fft.rfftn": Case(np_fft_rfftn, ONE),
    "numpy.fft.irfft": Case(np_fft_irfft, ONE),
    "numpy.fft.irfft2": Case(np_fft_irfft2, [((3, 4),), ((2, 3, 4),)]),
    "numpy.fft.irfftn": Case(np_fft_irfftn, ONE),
    "numpy.fft.hfft": Case(np_fft_hfft, ONE),
    "numpy.fft.ihfft": Case(np_fft_ihfft, ONE),
    "numpy.fft.fftshift": Case(np_fft_fftshift, ONE),
    "numpy.fft.ifftshift": Case(np_fft_ifftshift, ONE),
}
CASES.update(COMPLEX)


# (eig: a real matrix with two complex eigenvalues among its 3 or 4; a fixed weight
# on the eigenvectors, whose phase NumPy fixes, so any function of them is smooth)
EIG_WEIGHTS = np.array([[0.5, -1.0, 0.25, 1.5], [1.0, 0.5, -0.75, 0.25],
                        [-0.5, 1.25, 1.0, -1.0], [0.75, 0.25, -0.5, 0.5]], np.float32)


def np_linalg_eig(a, w):
    values, vectors = np.linalg.eig(a)
    m = EIG_WEIGHTS[: a.shape[-1], : a.shape[-1]]
    return (np.sum(np.real(values) * w) + np.sum(np.abs(values) ** 2)
            + np.sum(np.real(vectors) * m) + np.sum(np.imag(vectors * m) ** 2))


def np_linalg_eigvals(a, w):
    values = np.linalg.eigvals(a)
    return np.sum(np.real(values) * w) + np.sum(np.imag(values) ** 2)


CASES.update({
    "numpy.linalg.eig": Case(np_linalg_eig, [((4, 4),), ((2, 3, 3),)], "matrix"),
    "numpy.linalg.eigvals": Case(np_linalg_eigvals, [((4, 4),), ((2, 3, 3),)], "matrix"),
})


# -- the checks -------------------------------------------------------------------------


globals().update(rule_checks(CASES, DOMAINS))


# -- every rule has an entry ------------------------------------------------------------

LABELS = """
import sys
from s2s import coverage, templating
templating.load_builtin_templates(everything=True)
names = coverage._names()
rules = dict(templating._ADJOINTS)
if sys.argv[1] == "forward":  # (a helper's tangent is derived when first looked up)
    rules = {k: templating.tangent_template(k) or templating._TANGENTS.get(k)
             for k in [*templating._ADJOINTS, *templating._TANGENTS]}
for key, template in rules.items():
    if template is None:
        continue
    if sys.argv[1] == "forward" and key in templating._ADJOINTS:
        template = templating._ADJOINTS[key]  # (where the rule is written)
    if template.fn.__module__.startswith("s2s.templates."):
        print(coverage._label(key, names).split("`")[1])
"""


def built_in_labels(mode="reverse", everything=False):
    # a process of its own: rules other tests register must not show up, nor hide one
    out = subprocess.run(
        [sys.executable, "-c", LABELS, mode], cwd=ROOT, capture_output=True, text=True,
        check=True,
    ).stdout
    if everything:
        return set(out.split())
    return {label for label in out.split()
            if label.startswith(("numpy.", "operator.", "scipy.special.", "scipy.signal."))}


def test_every_reverse_rule_has_a_forward_rule():
    missing = built_in_labels("reverse", True) - built_in_labels("forward", True)
    assert not missing, f"reverse rules without a forward rule: {sorted(missing)}"


def test_every_rule_has_an_entry():
    labels = built_in_labels()
    assert len(labels) > 150  # the subprocess saw the rules
    missing = sorted(labels - set(CASES))
    assert not missing, f"rules without an entry in CASES: {missing}"
    stale = sorted(set(CASES) - labels)
    assert not stale, f"entries for rules that no longer exist: {stale}"


OPERATORS = {
    "operator.add": "x + y", "operator.sub": "x - y", "operator.mul": "x * y",
    "operator.truediv": "x / y", "operator.pow": "x**y", "operator.neg": "-x",
    "operator.pos": "+x", "operator.matmul": "x @ y", "operator.mod": "x % y",
    "operator.getitem": "x[",
    "numpy.r_": "np.r_[", "numpy.c_": "np.c_[",  # (helpers indexed, not called)
}


@pytest.mark.parametrize("label", list(CASES))
def test_entry_calls_its_function(label):
    """Each case spells the function its label names (not an alias of it)."""
    source = inspect.getsource(CASES[label].fn)
    if label in OPERATORS:
        spelling = OPERATORS[label]
    elif label.startswith("numpy.ndarray."):
        spelling = "x." + label.rsplit(".", 1)[1]
    elif label.startswith(("scipy.special.", "scipy.signal.")):
        spelling = ".".join(label.split(".")[1:]) + "("  # `special.erf(`
    else:
        spelling = "np." + label.split(".", 1)[1] + "("
    assert spelling in source, f"{CASES[label].fn.__name__} does not call {spelling!r}"
