"""s2s: source-to-source automatic differentiation for Python and NumPy."""

__version__ = "0.1.0"

from .api import grad, hessian, hvp, jacobian, jvp, source, value_and_grad  # noqa: E402
from .checkpoint import checkpoint  # noqa: E402
from .errors import S2SError, Unsupported  # noqa: E402
from .hooks import grad_of  # noqa: E402
from .runtime import array_namespace, stop_gradient  # noqa: E402
from .templating import adjoint, d, nondifferentiable, tangent  # noqa: E402

__all__ = [
    "S2SError",
    "Unsupported",
    "adjoint",
    "array_namespace",
    "checkpoint",
    "d",
    "grad",
    "grad_of",
    "hessian",
    "hvp",
    "jacobian",
    "jvp",
    "nondifferentiable",
    "source",
    "stop_gradient",
    "tangent",
    "value_and_grad",
]
