"""The checks every derivative rule gets, for a table of cases: reverse mode against
central finite differences in float64 (and forward mode against reverse mode, and the
value against the function's own: check_gradient), float32 inputs giving float32
gradients and tangents that agree with float64 finite differences to float32's
precision, forward mode with one input active, and Hessian-vector products against
central differences of gradients.

A test module states its cases and input domains, and binds the checks:

    globals().update(rule_checks(CASES, DOMAINS))

Each case is `f(*inputs, w)`: every input is a float array the gradient is taken with
respect to, drawn from its domain, and `w` a random weight of the shape of the result
it multiplies, so the adjoint reaching the rule is not all ones."""

import zlib
from typing import Callable, NamedTuple

import numpy as np
import pytest

import s2s
from gradcheck import (
    check_gradient,
    inner,
    numerical_gradient,
    random_like,
    strict_gradients,
    strict_jvp,
)

# float32 carries about 7 digits: 5e-4 is some 4000 roundings (the entries need under
# a fortieth of it), while a wrong term is off by the size of the gradient
RTOL32, ATOL32 = 5e-4, 5e-5


class Case(NamedTuple):
    fn: Callable
    shapes: list  # sets of input shapes, one shape per input
    domain: object = "any"  # a domain's name, or a tuple of them, one per input
    # the function computes in float64 on purpose (NumPy's float_power, cov and
    # corrcoef do; SciPy's distributions do; an explicit astype): the float32 checks
    # ask for a float32 gradient without requiring every step in float32
    float64_inside: bool = False
    float32: bool = True  # (False: no float32 inputs the function itself accepts)


class _ShapeOf:
    """Stands in for `w` in one plain call, to learn the shape of what it weighs."""

    __array_ufunc__ = None  # NumPy's operators defer to __rmul__
    shape = None

    def __rmul__(self, other):
        self.shape = np.shape(other)
        return 0.0

    __mul__ = __rmul__

    def __getitem__(self, index):  # `w[0]`, `w[:k]`: a weight of what it is read for
        return self


def shape_id(shapes):
    return ",".join("x".join(map(str, s)) or "()" for s in shapes)


def rule_checks(cases, domains):
    """The test functions checking each of `cases` ({id: Case}), its inputs drawn from
    `domains` ({name: f(rng, shape, position)})."""

    def inputs(label, shapes):
        """float64 inputs of `shapes` in the case's domain, and a weight for its result:
        the same for a label and shapes whichever tests run."""
        case = cases[label]
        rng = np.random.default_rng(zlib.crc32(f"{label} {shapes}".encode()))
        names = case.domain if isinstance(case.domain, tuple) else (case.domain,) * len(shapes)
        xs = [np.asarray(domains[name](rng, shape, i), dtype=np.float64)
              for i, (name, shape) in enumerate(zip(names, shapes))]
        probe = _ShapeOf()
        case.fn(*xs, probe)
        return xs, rng.normal(size=probe.shape)

    every = [pytest.param(label, shapes, id=f"{label}-{shape_id(shapes)}")
             for label, case in cases.items() for shapes in case.shapes]
    single = [pytest.param(label, shapes, id=f"{label}-{shape_id(shapes)}")
              for label, case in cases.items() if case.float32 for shapes in case.shapes]
    one_active = [
        pytest.param(label, shapes, i, id=f"{label}-{shape_id(shapes)}-input{i}")
        for label, case in cases.items()
        for shapes in case.shapes[:2]
        for i in range(len(shapes)) if len(shapes) > 1
    ]

    @pytest.mark.parametrize("label, shapes", every)
    def test_float64_against_finite_differences(label, shapes):
        """And forward mode against reverse mode (check_gradient does both)."""
        xs, w = inputs(label, shapes)
        check_gradient(cases[label].fn, (*xs, w), wrt=tuple(range(len(xs))))

    @pytest.mark.parametrize("label, shapes", single)
    def test_float32_stays_float32(label, shapes):
        case = cases[label]
        xs, w = inputs(label, shapes)
        args = [x.astype(np.float32) for x in (*xs, w)]
        wrt = tuple(range(len(xs)))
        if case.float64_inside:
            grads = s2s.grad(case.fn, wrt=wrt)(*args)
        else:
            grads = strict_gradients(case.fn, args, wrt=wrt)
        exact = [a.astype(np.float64) for a in args]  # the very float32 values, in float64
        for index, got in zip(wrt, grads):
            assert got.dtype == np.float32, f"gradient {index} is {got.dtype}"
            assert got.shape == args[index].shape
            expected = numerical_gradient(case.fn, exact, index)
            np.testing.assert_allclose(
                got, expected, rtol=RTOL32, atol=ATOL32, err_msg=f"{label}: gradient {index}"
            )

    @pytest.mark.parametrize("label, shapes, index", one_active)
    def test_forward_mode_with_one_input_active(label, shapes, index):
        """The others' tangents are zero, and dropped from the rule: what is left must
        still be the whole tangent, in the result's shape."""
        case = cases[label]
        xs, w = inputs(label, shapes)
        args = (*xs, w)
        v = random_like(args[index])
        value, tangent = s2s.jvp(case.fn, wrt=index)(*args, v)
        expected = inner(s2s.grad(case.fn, wrt=index)(*args), v)
        np.testing.assert_allclose(tangent, expected, rtol=1e-6, atol=1e-8,
                                   err_msg=f"{label}: forward mode, input {index} alone")

    @pytest.mark.parametrize("label, shapes", every)
    def test_hessian_vector_products(label, shapes):
        """Forward mode over the generated gradient (so over the runtime's helpers it
        calls), against central differences of gradients."""
        case = cases[label]
        xs, w = inputs(label, shapes)
        wrt = tuple(range(len(xs)))
        vs = tuple(random_like(x) for x in xs)
        got = s2s.hvp(case.fn, wrt=wrt)(*xs, w, vs)
        grad = s2s.grad(case.fn, wrt=wrt)
        eps = 1e-6
        plus = grad(*(x + eps * v for x, v in zip(xs, vs)), w)
        minus = grad(*(x - eps * v for x, v in zip(xs, vs)), w)
        for i, (g, p, m) in enumerate(zip(got, plus, minus)):
            np.testing.assert_allclose(g, (p - m) / (2 * eps), rtol=1e-5, atol=1e-6,
                                       err_msg=f"{label}: Hessian-vector product, input {i}")

    @pytest.mark.parametrize("label, shapes", single)
    def test_float32_forward_mode(label, shapes):
        """float32 in, float32 tangent out (float64 where the function computes in it),
        against reverse mode in float64 (itself checked against finite differences)."""
        case = cases[label]
        xs, w = inputs(label, shapes)
        args = [x.astype(np.float32) for x in (*xs, w)]
        wrt = tuple(range(len(xs)))
        tangents = [random_like(args[i]) for i in wrt]
        if case.float64_inside:
            value, tangent = s2s.jvp(case.fn, wrt=wrt)(*args, *tangents)
        else:
            value, tangent = strict_jvp(case.fn, args, tangents, wrt)
        # float32, unless the value itself is computed in float64 (float_power; an
        # integer array times float32)
        assert np.asarray(tangent).dtype == np.asarray(value).dtype
        exact = [a.astype(np.float64) for a in args]
        grads = s2s.grad(case.fn, wrt=wrt)(*exact)
        expected = sum(inner(g, v) for g, v in zip(grads, tangents))
        np.testing.assert_allclose(tangent, expected, rtol=RTOL32 * 4, atol=ATOL32 * 4,
                                   err_msg=f"{label}: forward mode in float32")

    checks = [test_float64_against_finite_differences, test_float32_stays_float32,
              test_forward_mode_with_one_input_active, test_hessian_vector_products,
              test_float32_forward_mode]
    return {check.__name__: check for check in checks}
