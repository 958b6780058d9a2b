"""s2s: source-to-source automatic differentiation for Python and NumPy.

`import s2s` is cheap: the compiler (and gast and Black with it) loads when a
function that needs it is first used, so a generated module, and a user's module
that writes `s2s.checkpoint()`, import the runtime alone.
"""

__version__ = "0.1.0"

import importlib  # noqa: E402

from .errors import S2SError, Unsupported  # noqa: E402
from .markers import checkpoint, grad_of  # noqa: E402
from .runtime import array_namespace, stop_gradient  # noqa: E402

# name -> the module that defines it, imported on first use (PEP 562)
_LAZY = {
    **dict.fromkeys(
        ["grad", "hessian", "hvp", "jacobian", "jvp", "source", "value_and_grad", "vjp"],
        "api"),
    **dict.fromkeys(["adjoint", "bilinear", "d", "derivatives_of", "elementwise", "follow", "linear",
                     "no_derivative", "nondifferentiable", "real_only", "refuse", "tangent"],
                    "templating"),
}


def __getattr__(name):
    if name in _LAZY:
        value = getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
        globals()[name] = value  # (found directly from now on)
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_LAZY))


__all__ = [
    "S2SError",
    "Unsupported",
    "adjoint",
    "array_namespace",
    "bilinear",
    "checkpoint",
    "d",
    "derivatives_of",
    "elementwise",
    "follow",
    "grad",
    "grad_of",
    "hessian",
    "hvp",
    "jacobian",
    "jvp",
    "linear",
    "no_derivative",
    "nondifferentiable",
    "real_only",
    "refuse",
    "source",
    "stop_gradient",
    "tangent",
    "value_and_grad",
    "vjp",
]
