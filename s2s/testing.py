"""`s2s.testing.check_grads`: s2s's derivatives of a function against central finite
differences, for users' own test suites.

    from s2s.testing import check_grads

    def test_loss_gradient():
        check_grads(loss, (w, b, x, y), wrt=("w", "b"), order=2)

It raises AssertionError naming the parameter, the element, what finite differences
give and what s2s gave, for the first derivative that disagrees.
"""

import inspect

import numpy

from . import api


def _indices(f, wrt):
    params = list(inspect.signature(f).parameters)
    items = wrt if isinstance(wrt, (tuple, list)) else (wrt,)
    return [params.index(w) if isinstance(w, str) else w % len(params) for w in items], params


def _as_float64(x):
    if isinstance(x, (int, float)) and not isinstance(x, bool):
        return float(x)
    if isinstance(x, numpy.ndarray) and x.dtype.kind == "f":
        return x.astype(numpy.float64)
    raise TypeError(
        f"check_grads compares derivatives with respect to floats and float arrays, "
        f"not a {type(x).__name__}"
    )


def _moved(args, index, step):
    moved = list(args)
    moved[index] = args[index] + step
    return moved


def finite_differences(f, args, index, eps=1e-6):
    """d f / d args[index], element by element, by central differences."""
    x = args[index]
    if isinstance(x, float):
        return (f(*_moved(args, index, eps)) - f(*_moved(args, index, -eps))) / (2 * eps)
    out = numpy.zeros_like(x)
    for i in numpy.ndindex(x.shape):
        step = numpy.zeros_like(x)
        step[i] = eps
        out[i] = (f(*_moved(args, index, step)) - f(*_moved(args, index, -step))) / (2 * eps)
    return out


def moved_along(args, indices, directions, eps):
    """The arguments moved by +eps and by -eps along `directions` (one per index)."""
    plus, minus = list(args), list(args)
    for i, v in zip(indices, directions):
        plus[i], minus[i] = args[i] + eps * v, args[i] - eps * v
    return plus, minus


def _compare(got, expected, what, name, rtol, atol):
    got, expected = numpy.asarray(got, dtype=float), numpy.asarray(expected, dtype=float)
    if got.shape != expected.shape:
        raise AssertionError(f"{what} with respect to {name}: shape {got.shape}, expected "
                             f"{expected.shape}")
    error = numpy.abs(got - expected) - (atol + rtol * numpy.abs(expected))
    if numpy.all(error <= 0) and numpy.all(numpy.isfinite(got) == numpy.isfinite(expected)):
        return
    worst = numpy.unravel_index(numpy.nanargmax(numpy.where(numpy.isnan(error), numpy.inf,
                                                            error)), error.shape)
    where = f"{name}[{', '.join(map(str, worst))}]" if got.ndim else name
    raise AssertionError(
        f"{what} with respect to {where}: s2s gives {got[worst]!r}, central differences "
        f"give {expected[worst]!r} (rtol={rtol}, atol={atol}; "
        f"{int(numpy.sum(error > 0))} of {error.size} elements differ)"
    )


def _compare_value(got, expected, what):
    """The value a generated function returns is the function's own: the same
    operations in the same order, so equal but for the last bits where s2s folded
    numbers."""
    if not numpy.allclose(got, expected, rtol=1e-12, atol=0.0, equal_nan=True):
        raise AssertionError(f"the value {what} returns: s2s gives {got!r}, the function "
                             f"itself {expected!r}")


def check_grads(f, args, wrt=0, order=1, rtol=1e-5, atol=1e-7, eps=1e-6, seed=0):
    """Check s2s's derivatives of the scalar function `f` at `args` against central
    finite differences in float64 (float32 arguments are checked in float64).

    `wrt`: a parameter name or index, or a tuple of them.  The values the generated
    functions return must be `f`'s own.  `order=1` checks the gradient (reverse mode)
    and directional derivatives along a random direction (forward mode); `order=2`
    also checks Hessian-vector products (forward over the generated gradient) against
    differences of gradients.  Raises AssertionError naming the parameter and element
    that disagree.
    """
    if order not in (1, 2):
        raise ValueError(f"order must be 1 or 2, not {order!r}")
    indices, params = _indices(f, wrt)
    args = list(args)
    for i in indices:
        args[i] = _as_float64(args[i])
    names = [params[i] for i in indices]
    expected_value = f(*args)
    value, grads = api.value_and_grad(f, wrt=tuple(indices))(*args)
    _compare_value(value, expected_value, "value_and_grad")
    for i, name, g in zip(indices, names, grads):
        _compare(g, finite_differences(f, args, i, eps), "the gradient (reverse mode)", name, rtol,
                 atol)
    rng = numpy.random.default_rng(seed)
    directions = [rng.normal(size=numpy.shape(args[i])) if numpy.ndim(args[i])
                  else float(rng.normal()) for i in indices]
    value, tangent = api.jvp(f, wrt=tuple(indices))(*args, *directions)
    _compare_value(value, expected_value, "jvp")
    plus, minus = moved_along(args, indices, directions, eps)
    _compare(tangent, (f(*plus) - f(*minus)) / (2 * eps),
             "the directional derivative (forward mode)", ", ".join(names), rtol, atol)
    if order == 2:
        products = api.hvp(f, wrt=tuple(indices))(*args, tuple(directions))
        grad = api.grad(f, wrt=tuple(indices))
        for name, product, p, m in zip(names, products, grad(*plus), grad(*minus)):
            expected = (numpy.asarray(p) - numpy.asarray(m)) / (2 * eps)
            _compare(product, expected, "the Hessian-vector product", name, rtol * 10,
                     atol * 10)
    return grads
