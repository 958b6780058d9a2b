"""Operations whose value carries no derivative, each group with the reason: integer-
valued, boolean, shapes, random draws, index expressions, and `s2s.stop_gradient`."""

import math
import operator

import numpy

from s2s import nondifferentiable, stop_gradient
from s2s.runtime import (
    are_number_lists, are_numbers, balanced_eq, chosen_mask, new_object, require_class,
    require_key, require_number_lists, require_real, require_scalars, require_unshared,
    set_global, shape_of, size_ratio, update_object, zero_object, zeros_like, zeros_outside,
)
from s2s.runtime.elementwise import sign_of
from s2s.runtime.selection import scatter_places

nondifferentiable(
    len, int, bool, round, range, isinstance, type, print,
    operator.floordiv, operator.not_, operator.invert,
    operator.and_, operator.or_, operator.xor, operator.lshift, operator.rshift,
    math.floor, math.ceil, math.trunc, math.isnan, math.isinf, math.isfinite,
    reason="integer- or boolean-valued (or prints): its derivative is zero wherever it exists",
)
nondifferentiable(
    operator.lt, operator.le, operator.gt, operator.ge, operator.eq, operator.ne,
    numpy.less, numpy.less_equal, numpy.greater, numpy.greater_equal,
    numpy.equal, numpy.not_equal, numpy.logical_and, numpy.logical_or,
    numpy.logical_not, numpy.logical_xor, numpy.isnan, numpy.isinf, numpy.isfinite,
    numpy.signbit, numpy.any, numpy.all, numpy.allclose, numpy.isclose,
    numpy.isneginf, numpy.isposinf, numpy.iscomplex, numpy.isreal, numpy.isin,
    numpy.array_equal, numpy.array_equiv,
    numpy.ndarray.any, numpy.ndarray.all,
    reason="a comparison or a test: its value is a boolean",
)
nondifferentiable(
    numpy.floor, numpy.ceil, numpy.trunc, numpy.rint, numpy.round, numpy.sign,
    numpy.floor_divide, numpy.heaviside, numpy.spacing, numpy.around, numpy.fix,
    reason="piecewise constant: its derivative is zero wherever it exists",
)
nondifferentiable(
    numpy.argmax, numpy.argmin, numpy.argsort, numpy.nonzero, numpy.count_nonzero,
    numpy.searchsorted, numpy.digitize, numpy.argpartition, numpy.argwhere,
    numpy.flatnonzero, numpy.lexsort, numpy.nanargmax, numpy.nanargmin,
    numpy.ndarray.argmax, numpy.ndarray.argmin, numpy.ndarray.argsort,
    numpy.ndarray.nonzero,
    reason="its value is positions or counts (integers)",
)
nondifferentiable(
    numpy.bitwise_and, numpy.bitwise_or, numpy.bitwise_xor, numpy.invert,
    numpy.left_shift, numpy.right_shift, numpy.bitwise_count, numpy.gcd, numpy.lcm,
    numpy.isnat,
    reason="defined on integers (bits, divisors) or dates",
)
nondifferentiable(
    numpy.shape, numpy.ndim, numpy.size, numpy.zeros_like, numpy.ones_like,
    numpy.empty_like, numpy.zeros, numpy.ones, numpy.empty, numpy.eye, numpy.identity,
    numpy.tri, numpy.indices, numpy.ix_, numpy.diag_indices, numpy.diag_indices_from,
    numpy.tril_indices, numpy.tril_indices_from, numpy.triu_indices,
    numpy.triu_indices_from, numpy.mask_indices, numpy.ravel_multi_index,
    numpy.unravel_index, numpy.bartlett, numpy.blackman, numpy.hamming, numpy.hanning,
    numpy.broadcast_shapes, numpy.result_type, numpy.can_cast, numpy.promote_types,
    numpy.isscalar, numpy.iscomplexobj, numpy.isrealobj, numpy.may_share_memory,
    numpy.shares_memory,
    numpy.ndarray.shape, numpy.ndarray.ndim, numpy.ndarray.size, numpy.ndarray.dtype,
    reason="its value depends on shapes, types or sizes, not on the values of arrays",
)
nondifferentiable(
    numpy.s_, numpy.index_exp,
    reason="an index expression: its value is slices and integers",
)
nondifferentiable(
    numpy.random.normal, numpy.random.uniform, numpy.random.rand, numpy.random.randn,
    numpy.random.random, numpy.random.randint, numpy.random.choice,
    numpy.random.permutation, numpy.random.standard_normal, numpy.random.binomial,
    numpy.random.poisson, numpy.random.exponential,
    reason="a random draw: a sample is not differentiated through its parameters",
)
nondifferentiable(stop_gradient, reason="s2s.stop_gradient: no derivative, on purpose")
nondifferentiable(
    are_numbers, are_number_lists, zeros_like, zeros_outside, size_ratio, balanced_eq,
    chosen_mask, require_real, require_scalars, require_number_lists, require_unshared, shape_of, sign_of, zero_object, scatter_places,
    reason="the runtime's, in generated gradients: shapes, masks, signs, checks and fresh "
    "zeros",
)
nondifferentiable(
    new_object, require_class, require_key, update_object, set_global,
    reason="the runtime's, for objects: an object without attributes yet (its attribute "
    "writes carry the derivatives), a check of an object's class or of a dict's key, "
    "the write-back of a changed object's attributes to the caller's, and a global "
    "counter's write",
)
