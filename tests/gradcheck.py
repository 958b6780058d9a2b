"""The oracle: central finite differences in float64."""

import numpy as np

import s2s
import s2s.runtime


def numerical_gradient(f, args, index, eps=1e-6):
    """d f(*args) / d args[index] by central differences, element by element."""
    args = list(args)
    x = args[index]
    if isinstance(x, float):
        plus = f(*args[:index], x + eps, *args[index + 1 :])
        minus = f(*args[:index], x - eps, *args[index + 1 :])
        return float((plus - minus) / (2 * eps))
    x = np.array(x, dtype=np.float64)
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        step = np.zeros_like(x)
        step[i] = eps
        args[index] = x + step
        plus = f(*args)
        args[index] = x - step
        minus = f(*args)
        grad[i] = (plus - minus) / (2 * eps)
    return grad


def check_hvp(f, args, wrt, rng, eps=1e-6, rtol=1e-5, atol=1e-7):
    """s2s's Hessian-vector product of `f` in the parameters `wrt` (a tuple of the
    first indices) along random vectors, against central differences of s2s's
    gradient along them."""
    n = len(wrt)
    vs = tuple(rng.normal(size=np.shape(a)) for a in args[:n])
    product = s2s.hvp(f, wrt=wrt)(*args, vs)
    grad = s2s.grad(f, wrt=wrt)
    plus = grad(*[a + eps * v for a, v in zip(args, vs)], *args[n:])
    minus = grad(*[a - eps * v for a, v in zip(args, vs)], *args[n:])
    for got, p, m in zip(product, plus, minus):
        np.testing.assert_allclose(got, (p - m) / (2 * eps), rtol=rtol, atol=atol)


def check_gradient(f, args, wrt=0, rtol=1e-5, atol=1e-7, forward=True):
    """Assert that s2s's gradient of `f` matches finite differences at `args`, and
    (`forward`) that its forward mode agrees: the jvp along random tangents v is
    the sum of <gradient, v>.

    `wrt` is an index or a tuple of indices; returns s2s's gradients."""
    indices = wrt if isinstance(wrt, tuple) else (wrt,)
    grads = s2s.grad(f, wrt=indices)(*args)
    if forward:
        check_forward(f, args, indices, grads, rtol, atol)
    for index, got in zip(indices, grads):
        expected = numerical_gradient(f, args, index)
        x = args[index]
        assert np.shape(got) == np.shape(x), f"gradient shape {np.shape(got)} != {np.shape(x)}"
        assert type(got) is type(x) or isinstance(x, np.ndarray), (
            f"gradient type {type(got).__name__} for a {type(x).__name__} parameter"
        )
        np.testing.assert_allclose(
            got, expected, rtol=rtol, atol=atol,
            err_msg=f"gradient of {f.__name__} with respect to argument {index}",
        )
    return grads


def strict_gradients(f, args, wrt=0):
    """s2s's gradients of `f`, computed by its generated source with a `cast_like`
    that fails when a gradient arrives in another dtype than its parameter's: so a
    float32 computation that silently ran in float64 is caught, not cast away."""
    indices = wrt if isinstance(wrt, tuple) else (wrt,)
    source = s2s.source(f, wrt=indices)
    namespace = dict(f.__globals__)
    exec(compile(source, f"<strict {f.__name__}>", "exec"), namespace)

    def cast_like(g, x, copy=False):
        dtype = getattr(x, "dtype", None)
        if dtype is not None and hasattr(g, "dtype"):
            # (a real parameter's gradient through complex values is the real part of
            # complex ones: complex64 for float32)
            computed = np.real(g).dtype if dtype.kind == "f" else g.dtype
            assert computed == dtype, f"gradient computed in {g.dtype} for a {dtype} parameter"
        return s2s.runtime.cast_like(g, x, copy)

    namespace["cast_like"] = cast_like
    grads = namespace[f"grad_{f.__name__}"](*args)
    return grads if isinstance(grads, tuple) else (grads,)


def strict_jvp(f, args, tangents, wrt=0):
    """s2s's forward mode of `f`, run from its generated source with a `cast_like`
    that fails when the tangent arrives in another dtype than the value's: so a
    float32 computation that silently ran in float64 is caught."""
    indices = wrt if isinstance(wrt, tuple) else (wrt,)
    source = s2s.source(f, wrt=indices, mode="forward")
    namespace = dict(f.__globals__)
    exec(compile(source, f"<strict jvp {f.__name__}>", "exec"), namespace)

    def tangent_like(t, z):
        dtype = getattr(z, "dtype", None)
        if dtype is not None and hasattr(t, "dtype"):
            assert t.dtype == dtype, f"tangent computed in {t.dtype} for a {dtype} value"
        return s2s.runtime.tangent_like(t, z)

    namespace["tangent_like"] = tangent_like
    return namespace[f"jvp_{f.__name__}"](*args, *tangents)


_rng = np.random.default_rng(5)


def random_like(x):
    """A random tangent with the structure, shape and dtype of `x` (None for the
    integers and booleans in it, which have none)."""
    if isinstance(x, (bool, int, np.integer)) or (
        isinstance(x, np.ndarray) and x.dtype.kind in "biu"
    ):
        return None
    if isinstance(x, float):
        return float(_rng.normal())
    if isinstance(x, np.ndarray):
        return _rng.normal(size=x.shape).astype(x.dtype)
    if isinstance(x, tuple) and hasattr(x, "_fields"):
        return type(x)(*(random_like(v) for v in x))
    if isinstance(x, (list, tuple)):
        return type(x)(random_like(v) for v in x)
    if isinstance(x, dict):
        return {k: random_like(v) for k, v in x.items()}
    raise TypeError(f"no random tangent for a {type(x).__name__}")


def inner(g, v):
    """The sum of g * v over the leaves of two like structures (None: no part)."""
    if g is None or v is None:
        return 0.0
    if isinstance(v, dict):
        return sum(inner(g[k], v[k]) for k in v)
    if isinstance(v, (list, tuple)):
        return sum(inner(a, b) for a, b in zip(g, v))
    return float(np.sum(np.asarray(g, dtype=float) * np.asarray(v, dtype=float)))


def check_forward(f, args, indices, grads, rtol=1e-5, atol=1e-7):
    """Forward mode against reverse mode: jvp(f)(*args, *v) has the value f(*args)
    and the tangent sum_i <grad_i, v_i>."""
    tangents = [random_like(args[i]) for i in indices]
    value, tangent = s2s.jvp(f, wrt=indices)(*args, *tangents)
    np.testing.assert_allclose(value, f(*args), rtol=1e-12, atol=1e-12,
                               err_msg=f"forward mode's value of {f.__name__}")
    expected = sum(inner(g, v) for g, v in zip(grads, tangents))
    np.testing.assert_allclose(
        tangent, expected, rtol=rtol, atol=atol * max(1, len(indices)),
        err_msg=f"forward mode of {f.__name__} against reverse mode",
    )
