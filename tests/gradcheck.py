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


def check_gradient(f, args, wrt=0, rtol=1e-5, atol=1e-7):
    """Assert that s2s's gradient of `f` matches finite differences at `args`.

    `wrt` is an index or a tuple of indices; returns s2s's gradients."""
    indices = wrt if isinstance(wrt, tuple) else (wrt,)
    grads = s2s.grad(f, wrt=indices)(*args)
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
            assert g.dtype == dtype, f"gradient computed in {g.dtype} for a {dtype} parameter"
        return s2s.runtime.cast_like(g, x, copy)

    namespace["cast_like"] = cast_like
    grads = namespace[f"grad_{f.__name__}"](*args)
    return grads if isinstance(grads, tuple) else (grads,)
