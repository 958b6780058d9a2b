"""SciPy's linear algebra (templates/scipy_linalg.py): every rule against central
finite differences in float64 on two or more shapes (vector and matrix right-hand
sides), forward mode against reverse mode (with all inputs active, and one at a time),
float32 in and out, and Hessian-vector products against differences of gradients;
each case written as a user writes it, symmetric positive definite matrices made
inside it from the input.  Then what is refused, a Gaussian process's likelihood as a
program, and NumPy's rules where they use SciPy's triangular solves (and where not)."""

import inspect
import os
import subprocess
import sys

import numpy as np
import pytest

scipy = pytest.importorskip("scipy")
import scipy.linalg  # noqa: E402

import s2s  # noqa: E402
import s2s.runtime.linalg  # noqa: E402
from benchmarks.gp import nlml  # noqa: E402
from gradcheck import check_gradient, check_hvp  # noqa: E402
from rule_table import Case, rule_checks  # noqa: E402
from s2s.runtime.scipy_linalg import require_supported  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def spd(m):
    """A symmetric positive definite matrix made from any square `m`, as a user does."""
    return m @ m.T + len(m) * np.eye(len(m), dtype=m.dtype)


# -- the cases: each `f(*inputs, w)`, `w` a weight of the shape of what it multiplies ----


def solve_triangular_lower(a, b, w):
    return np.sum(scipy.linalg.solve_triangular(a, b, lower=True) * w)


def solve_triangular_transposed(a, b, w):
    return np.sum(scipy.linalg.solve_triangular(a, b, trans="T") * w)


def solve_triangular_unit(a, b, w):
    x = scipy.linalg.solve_triangular(a, b, trans=2, lower=True, unit_diagonal=True)
    return np.sum(x * w)


def solve_triangular_of_cholesky(m, b, w):
    chol = scipy.linalg.cholesky(spd(m), lower=True)
    return np.sum(scipy.linalg.solve_triangular(chol, b, lower=True) * w)


def cholesky_upper(m, w):
    return np.sum(scipy.linalg.cholesky(spd(m)) * w)


def cholesky_lower(m, w):
    return np.sum(scipy.linalg.cholesky(spd(m), lower=True) * w)


def cho_factor_log_det(m, b, w):
    c, lower = scipy.linalg.cho_factor(spd(m))
    alpha = scipy.linalg.cho_solve((c, lower), b)
    return np.sum(alpha * w) + 2.0 * np.sum(np.log(np.diag(c)))


def cho_factor_triangle(m, w):
    c, lower = scipy.linalg.cho_factor(spd(m), lower=True)
    return np.sum(np.tril(c) * w)  # the factor's triangle (the other holds garbage)


def cho_solve_lower(m, b, w):
    factor = scipy.linalg.cho_factor(spd(m), lower=True)
    return np.sum(scipy.linalg.cho_solve(factor, b) * w)


def lu_factor_packed(a, w):
    lu, piv = scipy.linalg.lu_factor(a)
    return np.sum(lu * w)


def lu_solve_plain(a, b, w):
    lu, piv = scipy.linalg.lu_factor(a)
    return np.sum(scipy.linalg.lu_solve((lu, piv), b) * w)


def lu_solve_transposed(a, b, w):
    factors = scipy.linalg.lu_factor(a)
    return np.sum(scipy.linalg.lu_solve(factors, b, trans=1) * w)


def solve_general(a, b, w):
    return np.sum(scipy.linalg.solve(a, b) * w)


def solve_general_transposed(a, b, w):
    return np.sum(scipy.linalg.solve(a, b, assume_a="gen", transposed=True) * w)


def solve_positive_definite(m, b, w):
    return np.sum(scipy.linalg.solve(spd(m), b, assume_a="pos") * w)


def solve_symmetric_lower(m, b, w):
    return np.sum(scipy.linalg.solve(spd(m), b, lower=True, assume_a="sym") * w)


def solve_hermitian(m, b, w):
    return np.sum(scipy.linalg.solve(spd(m), b, assume_a="her") * w)


def solve_upper_triangular(a, b, w):
    return np.sum(scipy.linalg.solve(a, b, assume_a="upper triangular") * w)


def solve_tridiagonal(a, b, w):
    return np.sum(scipy.linalg.solve(a, b, assume_a="tridiagonal", transposed=True) * w)


def solve_diagonal(a, b, w):
    return np.sum(scipy.linalg.solve(a, b, assume_a="diagonal") * w)


def inv_general(a, w):
    return np.sum(scipy.linalg.inv(a) * w)


def inv_positive_definite(m, w):
    return np.sum(scipy.linalg.inv(spd(m), assume_a="pos", lower=True) * w)


def det_plain(a, w):
    return scipy.linalg.det(a) * w


def expm_plain(a, w):
    return np.sum(scipy.linalg.expm(a) * w)


def sqrtm_plain(a, w):
    return np.sum(scipy.linalg.sqrtm(a) * w)


def sqrtm_of_spd(m, w):
    return np.sum(scipy.linalg.sqrtm(spd(m)) * w)


def solve_sylvester_plain(a, b, q, w):
    return np.sum(scipy.linalg.solve_sylvester(a, b, q) * w)


def eigh_vectors(a, w):
    values, vectors = scipy.linalg.eigh((a + a.T) / 2)
    # (each eigenvector's sign is arbitrary: read what does not depend on it)
    return np.sum(values * w[0]) + np.sum((vectors * vectors) * w)


def eigh_values_upper(a, w):
    return np.sum(scipy.linalg.eigh((a + a.T) / 2, lower=False, eigvals_only=True) * w)


def eigh_values_subset(a, w):
    values = scipy.linalg.eigh((a + a.T) / 2, eigvals_only=True, subset_by_index=[1, 2])
    return np.sum(values * w)


def eigh_values_by_value(a, w):
    values = scipy.linalg.eigh((a + a.T) / 2, eigvals_only=True, subset_by_value=(2.0, 100.0))
    return np.sum(values * w[: len(values)])


# -- inputs ------------------------------------------------------------------------------


def well_conditioned(rng, shape, position=0):
    n = shape[-1]
    return rng.normal(size=shape) * 0.3 + 2.0 * np.eye(n)


def permuted(rng, shape, position):
    """Well conditioned, its rows shuffled: lu_factor pivots, and its pivots are far
    from ties (so they do not change under finite differences)."""
    return well_conditioned(rng, shape)[rng.permutation(shape[0])]


def separated_spd(rng, shape, position):
    """Symmetric positive definite with eigenvalues 1.5 apart (before symmetrizing)."""
    q, _ = np.linalg.qr(rng.normal(size=shape))
    return (q * np.arange(1.5, 1.5 * shape[-1] + 1.0, 1.5)) @ q.T + 0.01 * rng.normal(size=shape)


DOMAINS = {
    "any": lambda rng, shape, position: rng.uniform(-1.0, 1.0, size=shape),
    "matrix": well_conditioned,
    "permuted": permuted,
    "spd": separated_spd,
    "small": lambda rng, shape, position: rng.normal(size=shape) * 0.4,
}


MATRIX_RHS = [((3, 3), (3,)), ((4, 4), (4, 2))]  # a, and b a vector or a matrix
FACTOR_RHS = MATRIX_RHS  # m of spd(m), and b
MATRICES = [((3, 3),), ((4, 4),)]


def _new_structures():
    """Whether this SciPy's solve knows assume_a='diagonal', 'tridiagonal' and the
    triangular ones (SciPy 1.15 and later), and its inv `assume_a`."""
    try:
        scipy.linalg.solve(np.eye(2), np.ones(2), assume_a="diagonal")
        scipy.linalg.inv(np.eye(2), assume_a="pos")
    except (ValueError, TypeError):
        return False
    return True


NEW_STRUCTURES = _new_structures()

CASES = {
    "scipy.linalg.solve_triangular": [
        Case(solve_triangular_lower, MATRIX_RHS, ("matrix", "any")),
        Case(solve_triangular_transposed, MATRIX_RHS, ("matrix", "any")),
        Case(solve_triangular_unit, MATRIX_RHS, ("matrix", "any")),
        Case(solve_triangular_of_cholesky, FACTOR_RHS),
    ],
    "scipy.linalg.cholesky": [Case(cholesky_upper, MATRICES), Case(cholesky_lower, MATRICES)],
    "scipy.linalg.cho_factor": [
        Case(cho_factor_log_det, FACTOR_RHS), Case(cho_factor_triangle, MATRICES),
    ],
    "scipy.linalg.cho_solve": [Case(cho_solve_lower, FACTOR_RHS)],
    "scipy.linalg.lu_factor": [Case(lu_factor_packed, MATRICES, "permuted")],
    "scipy.linalg.lu_solve": [
        Case(lu_solve_plain, MATRIX_RHS, ("permuted", "any")),
        Case(lu_solve_transposed, MATRIX_RHS, ("permuted", "any")),
    ],
    "scipy.linalg.solve": [
        Case(solve_general, MATRIX_RHS, ("matrix", "any")),
        Case(solve_general_transposed, MATRIX_RHS, ("matrix", "any")),
        Case(solve_positive_definite, FACTOR_RHS),
        Case(solve_symmetric_lower, FACTOR_RHS),
        Case(solve_hermitian, FACTOR_RHS),
        *([Case(solve_upper_triangular, MATRIX_RHS, ("matrix", "any")),
           Case(solve_tridiagonal, MATRIX_RHS, ("matrix", "any")),
           Case(solve_diagonal, MATRIX_RHS, ("matrix", "any"))] if NEW_STRUCTURES else []),
    ],
    "scipy.linalg.inv": [
        Case(inv_general, MATRICES, "matrix"),
        *([Case(inv_positive_definite, MATRICES)] if NEW_STRUCTURES else []),
    ],
    "scipy.linalg.det": [Case(det_plain, MATRICES, "matrix", float64_inside=True)],
    "scipy.linalg.expm": [Case(expm_plain, MATRICES, "small")],
    "scipy.linalg.sqrtm": [Case(sqrtm_plain, MATRICES, "spd"), Case(sqrtm_of_spd, MATRICES)],
    "scipy.linalg.solve_sylvester": [
        Case(solve_sylvester_plain, [((3, 3), (2, 2), (3, 2)), ((2, 2), (4, 4), (2, 4))],
             ("matrix", "matrix", "any")),
    ],
    "scipy.linalg.eigh": [
        Case(eigh_vectors, MATRICES, "spd"),
        Case(eigh_values_upper, MATRICES, "spd"),
        Case(eigh_values_subset, [((4, 4),), ((5, 5),)], "spd"),
        Case(eigh_values_by_value, [((4, 4),), ((5, 5),)], "spd"),
    ],
}


# one id per case (a rule may have several), the checks every rule gets (rule_table.py)
globals().update(rule_checks({c.fn.__name__: c for cases in CASES.values() for c in cases},
                             DOMAINS))


# -- every rule has an entry -----------------------------------------------------------

LABELS = """
from s2s import templating
templating.load_builtin_templates(everything=True)
for key, template in templating._ADJOINTS.items():
    if template.fn.__module__ == "s2s.templates.scipy_linalg":
        print(f"scipy.linalg.{key.__name__}")
"""


def test_every_rule_has_an_entry():
    # a process of its own: rules other tests register must not show up, nor hide one
    labels = set(subprocess.run([sys.executable, "-c", LABELS], cwd=ROOT, capture_output=True,
                                text=True, check=True).stdout.split())
    assert len(labels) >= 13  # the subprocess saw the rules
    missing, stale = sorted(labels - set(CASES)), sorted(set(CASES) - labels)
    assert not missing, f"rules without an entry in CASES: {missing}"
    assert not stale, f"entries for rules that no longer exist: {stale}"


@pytest.mark.parametrize("label", list(CASES))
def test_entry_calls_its_function(label):
    for case in CASES[label]:
        assert f"scipy.linalg.{label.rsplit('.', 1)[1]}(" in inspect.getsource(case.fn)


# -- what is refused -----------------------------------------------------------------------


def inv_of_a_stack(a, w):
    return np.sum(scipy.linalg.inv(a) * w)


def cholesky_overwriting(m, w):
    return np.sum(scipy.linalg.cholesky(spd(m), overwrite_a=True) * w)


def solve_overwriting_b(a, b, w):
    return np.sum(scipy.linalg.solve(a, b * 2.0, overwrite_b=True) * w)


def eigh_generalized(a, w):
    return np.sum(scipy.linalg.eigh(spd(a), spd(a.T), eigvals_only=True) * w)


def eigh_vectors_of_a_subset(a, w):
    values, vectors = scipy.linalg.eigh(spd(a), subset_by_index=[0, 1])
    return np.sum(values * w[0, :2]) + np.sum(vectors**2 * w[:, :2])


def lu_factor_wide(a, w):
    lu, piv = scipy.linalg.lu_factor(a)
    return np.sum(lu * w)


def sqrtm_complex(a, w):
    return np.sum(np.real(scipy.linalg.sqrtm(a)) * w)


REFUSED = [
    (inv_of_a_stack, (2, 3, 3), "of one matrix \\(2-D\\), not of a stack"),
    (cholesky_overwriting, (3, 3), "overwrite_a=False only"),
    (solve_overwriting_b, (3, 3), "overwrite_b=False only"),
    (eigh_generalized, (3, 3), "not the generalized problem"),
    (eigh_vectors_of_a_subset, (3, 3), "only eigvals_only=True"),
    (lu_factor_wide, (3, 4), "a square matrix only"),
    (sqrtm_complex, (3, 3), "real arrays only"),
]


@pytest.mark.parametrize("f, shape, message", REFUSED, ids=lambda x: getattr(x, "__name__", ""))
@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_refused(f, shape, message, mode):
    """Each refusal is a NotImplementedError naming the function and what is refused,
    in both modes, not a wrong derivative."""
    rng = np.random.default_rng(3)
    a = rng.normal(size=shape) * 0.3 + np.eye(*shape[-2:])
    if f is sqrtm_complex:
        a = np.diag([-1.0, 2.0, 3.0]) + 0.1 * rng.normal(size=shape)  # a negative eigenvalue
    args = [a, *([rng.normal(size=3)] if f is solve_overwriting_b else [])]
    probe_w = np.ones(shape[-2:]) if f is not solve_overwriting_b else np.ones(3)
    with pytest.raises(NotImplementedError, match=message):
        if mode == "reverse":
            s2s.grad(f)(*args, probe_w)
        else:
            s2s.jvp(f)(*args, probe_w, np.ones_like(a))


def test_sqrtm_disp_is_refused_where_the_call_is():
    """disp=False makes sqrtm return a pair; the rule does not take `disp`, so the
    derivative is refused when it is made, at the user's line."""

    def f(a):
        return np.sum(scipy.linalg.sqrtm(a, False)[0])

    with pytest.raises(s2s.S2SError, match="not supported by the derivative rule"):
        s2s.grad(f)(np.eye(2) * 4.0)


def test_complex_arrays_are_refused():
    with pytest.raises(NotImplementedError, match="scipy.linalg.inv of real arrays only"):
        require_supported("scipy.linalg.inv", (np.eye(2) * (1 + 1j),))
    with pytest.raises(NotImplementedError, match="real arrays only"):
        require_supported("scipy.linalg.cho_solve", ((np.eye(2), True), np.ones(2) * 1j))
    require_supported("scipy.linalg.cho_solve", ((np.eye(2), True), np.ones(2)))  # accepted


# -- a program: a Gaussian process's negative log marginal likelihood ----------------------


# (the NumPy user's is benchmarks/gp.py's `nlml`, which `python -m benchmarks gp` times)


def gp_nlml_scipy(log_lengthscale, log_variance, log_noise, x, y):
    sq = np.sum(x**2, axis=1)
    d2 = sq[:, None] + sq[None, :] - 2.0 * x @ x.T
    k = np.exp(log_variance) * np.exp(-0.5 * d2 / np.exp(2.0 * log_lengthscale))
    k = k + np.exp(log_noise) * np.eye(len(y))
    c, lower = scipy.linalg.cho_factor(k, lower=True)
    alpha = scipy.linalg.cho_solve((c, lower), y)
    return 0.5 * y @ alpha + np.sum(np.log(np.diag(c))) + 0.5 * len(y) * np.log(2 * np.pi)


def gp_gradient_by_hand(log_lengthscale, log_variance, log_noise, x, y):
    """d nlml / d theta = tr((K^-1 - alpha alpha^T) dK/dtheta) / 2."""
    d2 = np.sum((x[:, None, :] - x[None, :, :]) ** 2, axis=-1)
    kf = np.exp(log_variance) * np.exp(-0.5 * d2 / np.exp(2.0 * log_lengthscale))
    k = kf + np.exp(log_noise) * np.eye(len(y))
    alpha = np.linalg.solve(k, y)
    w = np.linalg.inv(k) - np.outer(alpha, alpha)
    return (0.5 * np.sum(w * kf * d2) / np.exp(2.0 * log_lengthscale), 0.5 * np.sum(w * kf),
            0.5 * np.exp(log_noise) * np.trace(w))


def gp_data(n):
    rng = np.random.default_rng(11)
    x = rng.uniform(-2.0, 2.0, size=(n, 2))
    return (np.log(0.9), np.log(1.2), np.log(0.1), x, np.sin(x[:, 0]) + 0.1 * rng.normal(size=n))


@pytest.mark.parametrize("f", [nlml, gp_nlml_scipy], ids=lambda f: f.__name__)
@pytest.mark.parametrize("n", [12, 40])  # (40: SciPy's triangular solves in NumPy's rules)
def test_gaussian_process_likelihood(f, n):
    args = gp_data(n)
    grads = check_gradient(f, args, wrt=(0, 1, 2))  # and forward mode, and the value
    np.testing.assert_allclose(grads, gp_gradient_by_hand(*args), rtol=1e-9)
    check_hvp(f, args, (0, 1, 2), np.random.default_rng(2), rtol=1e-5, atol=1e-6)


# -- NumPy's cholesky and solve, with SciPy's triangular solves and without ---------------


@pytest.fixture(params=["scipy", "numpy"])
def triangular_solves(request, monkeypatch):
    """NumPy's rules on each path: SciPy's triangular solves (for any size, here) or
    NumPy's LU solves (SciPy taken as missing).  Yields the path and the list of
    SciPy's solve_triangular calls the rules make."""
    if request.param == "numpy":
        monkeypatch.setattr(s2s.runtime.linalg, "_scipy_linalg", lambda: None)
    else:
        monkeypatch.setattr(s2s.runtime.linalg, "SCIPY_FROM", 1)
    calls = []
    original = scipy.linalg.solve_triangular

    def counted(*args, **kwargs):
        calls.append(args[0].shape)
        return original(*args, **kwargs)

    monkeypatch.setattr(scipy.linalg, "solve_triangular", counted)
    return request.param, calls


def numpy_cholesky(m, w):
    return np.sum(np.linalg.cholesky(spd(m)) * w)


def numpy_cholesky_upper(m, w):
    return np.sum(np.linalg.cholesky(spd(m), upper=True) * w)


def numpy_solve_lower(m, b, w):
    chol = np.tril(m) + len(m) * np.eye(len(m))
    return np.sum(np.linalg.solve(chol, b) * w)


def numpy_solve_upper(m, b, w):
    chol = np.linalg.cholesky(spd(m))
    return np.sum(np.linalg.solve(chol.T, b) * w)


def numpy_solve_general(m, b, w):
    return np.sum(np.linalg.solve(m + len(m) * np.eye(len(m)), b) * w)


@pytest.mark.parametrize("f, shapes, scipy_calls", [
    (numpy_cholesky, [(5, 5), (5, 5)], 2),
    (numpy_cholesky_upper, [(5, 5), (5, 5)], 2),
    (numpy_solve_lower, [(5, 5), (5,), (5,)], 1),
    (numpy_solve_lower, [(5, 5), (5, 2), (5, 2)], 1),
    (numpy_solve_upper, [(5, 5), (5, 3), (5, 3)], 3),  # and cholesky's two
    (numpy_solve_general, [(5, 5), (5,), (5,)], 0),
], ids=lambda x: getattr(x, "__name__", None))
def test_numpy_rules_on_each_path(triangular_solves, f, shapes, scipy_calls):
    """The gradient's SciPy calls (the last shape is the weight's), then the gradient,
    forward mode and HVPs checked on either path."""
    path, calls = triangular_solves
    rng = np.random.default_rng(4)
    args = [rng.normal(size=s) for s in shapes]
    wrt = tuple(range(len(args) - 1))
    s2s.grad(f, wrt=wrt)(*args)
    assert len(calls) == (scipy_calls if path == "scipy" else 0)
    check_gradient(f, args, wrt=wrt)
    check_hvp(f, args, wrt, rng, rtol=1e-5, atol=1e-6)


def numpy_solve(a, b, w):
    return np.sum(np.linalg.solve(a, b) * w)


def test_a_triangular_matrix_varied_off_its_triangle(triangular_solves):
    """The solve's adjoint solves with the triangle of a triangular `a`, but `a` is any
    matrix that happens to be triangular: its derivative, and the HVP along directions
    off the triangle, are those of a full matrix."""
    path, calls = triangular_solves
    rng = np.random.default_rng(8)
    a = np.triu(rng.normal(size=(5, 5))) + 5.0 * np.eye(5)
    args = (a, rng.normal(size=(5, 2)), rng.normal(size=(5, 2)))
    check_gradient(numpy_solve, args, wrt=(0, 1))
    assert bool(calls) == (path == "scipy")
    check_hvp(numpy_solve, args, (0, 1), rng, rtol=1e-5, atol=1e-6)


def test_a_stack_takes_numpys_path(monkeypatch):
    monkeypatch.setattr(s2s.runtime.linalg, "SCIPY_FROM", 1)
    rng = np.random.default_rng(5)
    m, w = rng.normal(size=(2, 4, 4)), rng.normal(size=(2, 4, 4))

    def f(m, w):
        a = m @ np.swapaxes(m, -1, -2) + 4.0 * np.eye(4)
        return np.sum(np.linalg.cholesky(a) * w)

    check_gradient(f, (m, w))


def test_the_paths_agree_where_scipy_is_used_by_default(monkeypatch):
    """At 40 rows (SCIPY_FROM is 32) the rules use SciPy: the same derivatives as
    NumPy's path, to rounding."""
    rng = np.random.default_rng(6)
    m, b, w = rng.normal(size=(40, 40)), rng.normal(size=40), rng.normal(size=40)
    on_scipy = s2s.grad(numpy_solve_upper, wrt=(0, 1))(m, b, w)
    monkeypatch.setattr(s2s.runtime.linalg, "_scipy_linalg", lambda: None)
    on_numpy = s2s.grad(numpy_solve_upper, wrt=(0, 1))(m, b, w)
    for got, expected in zip(on_scipy, on_numpy):
        np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-13)


USER_CHOLESKY = """import numpy as np


def f(m, b, w):
    chol = np.linalg.cholesky(m @ m.T + len(m) * np.eye(len(m)))
    return np.sum(np.linalg.solve(chol, b) * w) + np.sum(np.log(np.diag(chol)))
"""

WITHOUT_SCIPY = """
import sys

class NoSciPy:  # as if SciPy were not installed
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] == "scipy":
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)

sys.meta_path.insert(0, NoSciPy())
import numpy as np
import s2s
import s2s.runtime.linalg
from gradcheck import check_gradient, check_hvp
from user_cholesky import f

rng = np.random.default_rng(0)
args = (rng.normal(size=(40, 40)), rng.normal(size=40), rng.normal(size=40))
check_gradient(f, args, wrt=(0, 1))
check_hvp(f, args, (0, 1), rng, rtol=1e-5, atol=1e-6)
assert s2s.runtime.linalg._scipy_linalg() is None
assert not [m for m in sys.modules if m.split(".")[0] == "scipy"]
print("ok")
"""


def test_numpy_rules_without_scipy(tmp_path):
    """Where SciPy is missing, SciPy's rules do not load and NumPy's take NumPy's path
    (40 rows: above SCIPY_FROM), HVPs included."""
    (tmp_path / "user_cholesky.py").write_text(USER_CHOLESKY)
    paths = [str(tmp_path), os.path.join(ROOT, "tests")]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(paths)}
    done = subprocess.run([sys.executable, "-c", WITHOUT_SCIPY], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.stdout == "ok\n", done.stderr
