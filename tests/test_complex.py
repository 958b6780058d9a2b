"""Complex numbers: parameters, intermediate values and data, under autograd's
convention (templates/complex.py): the gradient of a real result f with respect to
z = x + iy is df/dx - i df/dy.  Checked against central differences along the real
and the imaginary directions, against autograd's numbers on the same function, and
forward mode against reverse (a tangent t changes f by Re(sum(grad * t)))."""

import types

import numpy as np
import pytest

import s2s
from gradcheck import check_hvp

autograd = pytest.importorskip("autograd")
anp = pytest.importorskip("autograd.numpy")

rng = np.random.default_rng(190)


def complex_numerical_gradient(f, args, index, eps=1e-6):
    """df/dx - i df/dy of the real f at args[index] = x + iy, by central differences."""
    args = list(args)
    z = args[index]
    if isinstance(z, complex):
        parts = []
        for step in (eps, 1j * eps):
            args[index] = z + step
            plus = f(*args)
            args[index] = z - step
            parts.append((plus - f(*args)) / (2 * eps))
        return complex(parts[0] - 1j * parts[1])
    z = np.array(z, dtype=np.complex128)
    grad = np.zeros_like(z)
    for i in np.ndindex(z.shape):
        for step, unit in ((eps, 1.0), (1j * eps, -1j)):
            shifted = z.copy()
            shifted[i] += step
            args[index] = shifted
            plus = f(*args)
            shifted[i] -= 2 * step
            args[index] = shifted
            grad[i] += unit * (plus - f(*args)) / (2 * eps)
    return grad


def with_autograd(f):
    """`f` with `np` meaning autograd.numpy: autograd's reading of the same source."""
    return types.FunctionType(f.__code__, {**f.__globals__, "np": anp}, f.__name__)


def random_like(x):
    if np.iscomplexobj(x):
        return rng.normal(size=np.shape(x)) + 1j * rng.normal(size=np.shape(x))
    return rng.normal(size=np.shape(x))


def check_complex(f, args, wrt=0, autograd_too=True):
    """The value, the gradient (against differences, and autograd's where it reads the
    function), and forward mode against the gradient."""
    value, grad = s2s.value_and_grad(f, wrt=wrt)(*args)
    assert value == pytest.approx(f(*args), rel=1e-12, abs=1e-12)
    z = args[wrt]
    assert np.shape(grad) == np.shape(z)
    assert np.iscomplexobj(grad) == np.iscomplexobj(z), "a real parameter's gradient is real"
    expected = (complex_numerical_gradient if np.iscomplexobj(z) else _real_gradient)(
        f, args, wrt)
    np.testing.assert_allclose(grad, expected, rtol=1e-6, atol=1e-7)
    if autograd_too:
        np.testing.assert_allclose(grad, autograd.grad(with_autograd(f), wrt)(*args),
                                   rtol=1e-12, atol=1e-12)
    t = random_like(z)
    tangent_value, tangent = s2s.jvp(f, wrt=wrt)(*args, t)
    assert tangent_value == pytest.approx(value)
    assert np.isrealobj(tangent)
    assert tangent == pytest.approx(np.real(np.sum(grad * t)), rel=1e-9, abs=1e-10)
    return grad


def _real_gradient(f, args, index, eps=1e-6):
    from gradcheck import numerical_gradient

    return numerical_gradient(f, args, index, eps)


# -- complex parameters ----------------------------------------------------------------


def energy(z):
    return np.sum(np.abs(z) ** 2)


def phase_aligned(z):
    w = np.exp(1j * np.angle(z)) * np.abs(z) + 0.5 * z
    return np.real(np.sum(w * np.conj(z))) + np.sum(np.imag(z * z))


def quadratic_form(v, h):
    return np.real(np.conj(v) @ h @ v)


def escape(c):
    z = 0j
    for _ in range(5):
        z = z * z + c
    return abs(z)


def holomorphic_chain(z):
    w = np.sin(z) * np.exp(z) / (1.0 + z * z) + np.sqrt(z) ** 3 - np.log(z)
    return np.sum(np.real(w) ** 2 + np.imag(w))


def test_gradients_with_respect_to_complex_arrays():
    z = rng.normal(size=4) + 1j * rng.normal(size=4)
    g = check_complex(energy, (z,))
    np.testing.assert_allclose(g, 2 * np.conj(z))  # d|z|^2: 2 conj(z), autograd's
    check_complex(phase_aligned, (z,))
    check_complex(holomorphic_chain, (z + 2.0,))
    a = rng.normal(size=(3, 3)) + 1j * rng.normal(size=(3, 3))
    check_complex(quadratic_form, (z[:3], a + np.conj(a.T)))


def test_a_complex_number_parameter_in_a_loop():
    g = check_complex(escape, (0.3 + 0.2j,))
    assert isinstance(g, complex)


def spectral_distance(x, target):
    return np.sum(np.abs(np.fft.fft(x) - target) ** 2)


def modulated(x, carrier):
    return np.sum(np.real(x * carrier) ** 2) + np.sum(np.abs(x * carrier + 1.0))


def test_real_parameters_through_complex_values_and_complex_data():
    x = rng.normal(size=6)
    target = rng.normal(size=6) + 1j * rng.normal(size=6)
    check_complex(spectral_distance, (x, target))
    check_complex(modulated, (x, np.exp(1j * np.arange(6.0))))
    # the data: a gradient with respect to the complex target as well
    check_complex(spectral_distance, (x, target), wrt=1)


def written_phases(x):
    u = np.zeros(len(x), dtype=complex)
    for k in range(len(x)):
        u[k] = np.exp(1j * x[k]) * (k + 1)
    u[1:] += 0.5 * u[:-1]
    return np.sum(np.abs(np.cumsum(u)))


def test_writes_into_a_complex_array():
    check_complex(written_phases, (rng.normal(size=5),), autograd_too=False)


def test_complex64_and_float32_stay_single_precision():
    z = (rng.normal(size=4) + 1j * rng.normal(size=4)).astype(np.complex64)
    g = s2s.grad(energy)(z)
    assert g.dtype == np.complex64
    np.testing.assert_allclose(g, 2 * np.conj(z), rtol=1e-6)
    x = rng.normal(size=6).astype(np.float32)
    target = np.zeros(6, np.complex64)
    g = s2s.grad(spectral_distance)(x, target)
    assert g.dtype == np.float32
    np.testing.assert_allclose(g, 2 * 6 * x, rtol=1e-4)  # |fft x|^2 = 6 |x|^2 (Parseval)


def test_hessian_vector_products_through_complex_values():
    x = rng.normal(size=6)
    check_hvp(spectral_distance, (x, rng.normal(size=6) + 1j * rng.normal(size=6)), (0,), rng)
    check_hvp(modulated, (x, np.exp(1j * np.arange(6.0))), (0,), rng)


def complex_valued(z):
    return np.sum(z * z)


def test_the_gradient_of_a_complex_result_is_refused():
    z = np.array([1.0 + 1j, 2.0])
    for api in (s2s.grad, s2s.value_and_grad):
        with pytest.raises(ValueError, match=r"\(complex_valued\): its result is a complex "
                           "number; a gradient is of a real number"):
            api(complex_valued)(z)
    # with a seed, a vector-Jacobian product: d(sum z^2) = 2z times the seed (no conjugate)
    value, g = s2s.value_and_grad(complex_valued)(z, d_result=1.0 + 0j)
    np.testing.assert_allclose(g, 2 * z)


def scalar_parts(z):
    return z.real * z.imag + abs(z) + (z * z.conjugate()).real


def test_attributes_and_methods_of_complex_numbers():
    g = check_complex(scalar_parts, (0.6 - 0.8j,), autograd_too=False)
    # d(xy + |z| + |z|^2) = (y + x/|z| + 2x) - i (x + y/|z| + 2y)
    assert g == pytest.approx((-0.8 + 0.6 + 1.2) - 1j * (0.6 - 0.8 - 1.6))


def eigenvalue_spread(a):
    w, _ = np.linalg.eig(a)
    return np.sum(np.abs(w) ** 2) + np.real(np.sum(w * w))


def eigvals_spread(a):
    w = np.linalg.eigvals(a)
    return np.sum(np.abs(w) ** 2) + np.real(np.sum(w * w))


def eigenvector_weights(a, m):
    w, v = np.linalg.eig(a)
    return np.sum(np.abs(v * m) ** 2) + np.sum(np.real(v * m)) + np.sum(np.abs(w))


def test_eigendecomposition_of_complex_matrices():
    a = rng.normal(size=(3, 3)) + 1j * rng.normal(size=(3, 3))
    check_complex(eigenvalue_spread, (a,))  # (autograd's too: eigenvalues alone)
    check_complex(eigvals_spread, (a,), autograd_too=False)  # (autograd has no eigvals)
    # eigenvectors as NumPy normalizes them: autograd leaves that out, differences do not
    check_complex(eigenvector_weights, (a, rng.normal(size=(3, 3))), autograd_too=False)


def spectra(z):
    full = np.fft.fft(z * z, n=6, norm="ortho")
    back = np.fft.ifft(full * np.conj(full))
    return np.sum(np.abs(full) ** 2) + np.sum(np.real(back) * np.arange(6.0))


def spectra_2d(z):
    return np.sum(np.abs(np.fft.fft2(z)) ** 2 * np.arange(4.0)) + np.real(
        np.sum(np.fft.ifftn(z * z)))


def real_spectra(x):
    half = np.fft.rfft(x)
    return np.sum(np.abs(half) ** 2 * np.arange(1.0, 5.0)) + np.sum(np.fft.irfft(half * half) ** 2)


def test_fourier_transforms_match_autograds():
    z = rng.normal(size=5) + 1j * rng.normal(size=5)
    check_complex(spectra, (z,))
    check_complex(spectra_2d, (rng.normal(size=(3, 4)) + 1j * rng.normal(size=(3, 4)),))
    check_complex(real_spectra, (rng.normal(size=6),))  # (an even length: autograd's rfft)


def test_hessian_vector_products_of_complex_parameters():
    """Along a complex direction v: the change of the gradient (autograd's convention)
    along v, against central differences of s2s's gradient."""
    z = rng.normal(size=4) + 1j * rng.normal(size=4)
    a = rng.normal(size=(3, 3)) + 1j * rng.normal(size=(3, 3))
    for f, args in ((energy, (z,)), (phase_aligned, (z,)), (holomorphic_chain, (z + 2.0,)),
                    (quadratic_form, (z[:3], a + np.conj(a.T))), (escape, (0.3 + 0.2j,))):
        v = random_like(args[0])
        got = s2s.hvp(f)(*args, v)
        grad, eps = s2s.grad(f), 1e-6
        expected = (grad(args[0] + eps * v, *args[1:]) - grad(args[0] - eps * v, *args[1:])) / (
            2 * eps)
        np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6, err_msg=f.__name__)
