"""The newcomer corpus (tests/newcomer/): programs written the way researchers,
scientists and students write them, each differentiated the four ways s2s offers
and checked against the function itself and central finite differences in float64.

One test per check, so a report names what failed:
- value:       value_and_grad's value equals f(*args) (rtol 1e-12);
- gradient:    value_and_grad's gradient against central differences, every element
               of every wrt parameter;
- jvp_value:   jvp's value equals f(*args) (rtol 1e-12);
- jvp_tangent: jvp's tangent along a random direction against central differences
               of f along that direction;
- jvp_reverse: jvp's tangent against the inner product of that direction with the
               reverse-mode gradient;
- hvp:         hvp along the same direction against central differences of the
               reverse-mode gradient along it.

test_value and test_jvp_value also get conftest.py's check that the value is the
function's own bit for bit; the derivative tests are marked `value_unchecked` so that
they fail on their own derivative only.

A corpus module that cannot be imported becomes one failing test (`<module>-import`).
A case that s2s refuses names the message it expects (`refused=`); test_refused checks
that reverse mode, forward mode and Hessian-vector products each refuse it with that
message, so a refusal is never mistaken for support, nor support left unchecked.  A
case refused in some modes only says which (`refused_in=("hvp",)`): the other modes'
tests check it as any other, and those modes' tests check the refusal.
Parameters may be floats, float arrays, or dicts/lists/tuples of them; gradients and
tangents must have the parameter's structure.
"""

import copy
import importlib
import re
import pathlib
import zlib

import numpy as np
import pytest

import s2s

CORPUS = pathlib.Path(__file__).parent / "newcomer"

RTOL, EPS = 1e-5, 1e-6  # first derivatives
HVP_RTOL, HVP_EPS = 1e-4, 1e-5  # Hessian-vector products
DERIVATIVE_ONLY = pytest.mark.value_unchecked("the value is test_value's and test_jvp_value's")


def _load():
    params = []
    for path in sorted(CORPUS.glob("*.py")):
        if path.name.startswith("_"):
            continue
        try:
            module = importlib.import_module(f"newcomer.{path.stem}")
        except Exception as error:  # reported by a failing test, not hidden
            params.append(pytest.param({"import_error": error}, id=f"{path.stem}-import"))
            continue
        seen = set()
        for case in module.CASES:
            name = f"{path.stem}.{case['f'].__qualname__}"
            while name in seen:
                name += "'"
            seen.add(name)
            params.append(pytest.param(dict(case, name=name), id=name))
    return params


ALL = _load()
# a case s2s refuses says so (`refused`: a pattern of the located message): it is
# checked to be refused, the same way, by every mode; when s2s learns to differentiate
# it, that check fails, and the case joins the others
CASES = [p for p in ALL if "refused" not in p.values[0] or "refused_in" in p.values[0]]
REFUSED = [p for p in ALL if "refused" in p.values[0] and "refused_in" not in p.values[0]]


def _refused_in(raw, *modes):
    """Whether the case is refused in one of `modes` ("reverse", "forward", "hvp") while
    the others work (`refused_in=`): then that refusal, with the case's `refused`
    message, is what the test checks."""
    refused = [m for m in modes if m in raw.get("refused_in", ())]
    if not refused:
        return False
    case = Case(raw)
    v = case.direction()
    runs = {
        "reverse": lambda: s2s.value_and_grad(case.f, wrt=case.wrt)(*case.fresh()),
        "forward": lambda: _jvp(case, v),
        "hvp": lambda: s2s.hvp(case.f, wrt=case.wrt)(*case.fresh(), case.split(v)),
    }
    for mode in refused:
        with pytest.raises((s2s.S2SError, TypeError)) as error:
            runs[mode]()
        assert re.search(raw["refused"], str(error.value)), (
            f"{case.name}, {mode}: {error.value}, expected a refusal matching "
            f"{raw['refused']!r}")
    return True


# -- parameters as flat vectors ------------------------------------------------


def _is_object(x):
    """An object of a test program's own class (its fields are its parameters)."""
    return hasattr(x, "__dict__") and not isinstance(x, (np.ndarray, type))


def _leaves(tree):
    if isinstance(tree, dict):
        return [leaf for key in tree for leaf in _leaves(tree[key])]
    if isinstance(tree, (list, tuple)):
        return [leaf for item in tree for leaf in _leaves(item)]
    if _is_object(tree):
        return _leaves(vars(tree))
    return [tree]


def _flatten(tree):
    return np.concatenate([np.ravel(np.asarray(leaf, dtype=float)) for leaf in _leaves(tree)]
                          or [np.zeros(0)])


def _unflatten(template, vector):
    """`vector` in the structure of `template` (floats stay Python floats)."""
    out, _ = _rebuild(template, np.asarray(vector, dtype=float), 0)
    return out


def _rebuild(template, vector, at):
    if isinstance(template, dict):
        out = {}
        for key in template:
            out[key], at = _rebuild(template[key], vector, at)
        return out, at
    if isinstance(template, (list, tuple)):
        items = []
        for item in template:
            value, at = _rebuild(item, vector, at)
            items.append(value)
        return type(template)(items), at
    if _is_object(template):
        fields, at = _rebuild(vars(template), vector, at)
        out = copy.copy(template)
        vars(out).update(fields)
        return out, at
    if isinstance(template, np.ndarray):
        n = template.size
        return vector[at:at + n].reshape(template.shape).copy(), at + n
    return float(vector[at]), at + 1


def _same_structure(got, template, what):
    """`got` has `template`'s structure: containers, keys, shapes."""
    if isinstance(template, dict):
        assert isinstance(got, dict) and list(got) == list(template), (
            f"{what}: a {type(got).__name__} {list(got) if isinstance(got, dict) else ''}, "
            f"expected a dict with keys {list(template)}")
        for key in template:
            _same_structure(got[key], template[key], f"{what}[{key!r}]")
    elif isinstance(template, (list, tuple)):
        assert isinstance(got, (list, tuple)) and len(got) == len(template), (
            f"{what}: {type(got).__name__}, expected a {type(template).__name__} of "
            f"{len(template)}")
        for i, (g, t) in enumerate(zip(got, template)):
            _same_structure(g, t, f"{what}[{i}]")
    elif _is_object(template):
        assert type(got) is type(template), (
            f"{what}: a {type(got).__name__}, expected a {type(template).__name__}")
        _same_structure(vars(got), vars(template), what)
    else:
        assert np.shape(got) == np.shape(template), (
            f"{what}: shape {np.shape(got)}, expected {np.shape(template)}")


class Case:
    def __init__(self, case):
        if "import_error" in case:
            raise case["import_error"]
        self.name, self.f, self.args = case["name"], case["f"], tuple(case["args"])
        self.wrt = tuple(case["wrt"])
        names = list(__import__("inspect").signature(self.f).parameters)
        self.indices = [names.index(w) for w in self.wrt]
        self.rng = np.random.default_rng(zlib.crc32(self.name.encode()))

    def fresh(self):
        """Arguments of their own for each call: nothing one call does reaches the next."""
        return copy.deepcopy(self.args)

    def call(self, args=None):
        return self.f(*(self.fresh() if args is None else args))

    def wrt_values(self, args=None):
        args = self.args if args is None else args
        return [args[i] for i in self.indices]

    def vector(self):
        return np.concatenate([_flatten(v) for v in self.wrt_values()])

    def with_vector(self, vector):
        """The arguments with the wrt parameters set from one flat vector."""
        args = list(self.fresh())
        at = 0
        for i in self.indices:
            n = _flatten(args[i]).size
            args[i] = _unflatten(self.args[i], vector[at:at + n])
            at += n
        return args

    def split(self, vector):
        """One flat vector as one structure per wrt parameter."""
        return tuple(_unflatten(v, vector[a:b]) for v, (a, b) in
                     zip(self.wrt_values(), self.spans()))

    def spans(self):
        at, spans = 0, []
        for v in self.wrt_values():
            n = _flatten(v).size
            spans.append((at, at + n))
            at += n
        return spans

    def grads(self, args):
        """s2s's reverse-mode gradient, checked for structure, as one flat vector."""
        _, grads = s2s.value_and_grad(self.f, wrt=self.wrt)(*args)
        return self.flat_like(grads, "the gradient")

    def flat_like(self, grads, what):
        assert isinstance(grads, tuple) and len(grads) == len(self.wrt), (
            f"{what}: {type(grads).__name__}, expected a tuple of {len(self.wrt)}")
        for name, g, v in zip(self.wrt, grads, self.wrt_values()):
            _same_structure(g, v, f"{what} with respect to {name}")
        return np.concatenate([_flatten(g) for g in grads])

    def direction(self):
        return self.rng.normal(size=self.vector().size)

    def finite_differences(self):
        """d f / d (each element of each wrt parameter), central differences."""
        x = self.vector()
        out = np.zeros_like(x)
        for k in range(x.size):
            h = EPS * max(1.0, abs(x[k]))
            plus, minus = x.copy(), x.copy()
            plus[k] += h
            minus[k] -= h
            out[k] = (self.call(self.with_vector(plus))
                      - self.call(self.with_vector(minus))) / (2 * h)
        return out

    def along(self, fn, v, eps):
        x = self.vector()
        return (np.asarray(fn(self.with_vector(x + eps * v)), dtype=float)
                - np.asarray(fn(self.with_vector(x - eps * v)), dtype=float)) / (2 * eps)

    def describe(self, k):
        """Which parameter and element the flat index k is."""
        for name, v, (a, b) in zip(self.wrt, self.wrt_values(), self.spans()):
            if a <= k < b:
                return f"{name} (flat element {k - a})"
        return str(k)


def _close(got, expected, rtol, what, case, atol_scale=None):
    got, expected = np.asarray(got, dtype=float), np.asarray(expected, dtype=float)
    scale = 1.0 + np.max(np.abs(expected), initial=0.0) if atol_scale is None else atol_scale
    atol = rtol * 0.1 * scale
    bad = ~(np.abs(got - expected) <= atol + rtol * np.abs(expected))
    if np.any(bad):
        lines = [f"{case.name}: {what}: {int(bad.sum())} of {bad.size} elements differ "
                 f"(rtol={rtol}, atol={atol:.2g})"]
        if got.ndim:
            for k in np.flatnonzero(bad)[:8]:
                lines.append(f"  {case.describe(k)}: s2s {got[k]!r}, expected {expected[k]!r}")
        else:
            lines.append(f"  s2s {got!r}, expected {expected!r}")
        raise AssertionError("\n".join(lines))


def _value_equal(got, expected, what, case):
    assert np.shape(got) == np.shape(expected), (
        f"{case.name}: {what}: shape {np.shape(got)}, the function gives {np.shape(expected)}")
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=0,
                               err_msg=f"{case.name}: {what} differs from f(*args)")


@pytest.mark.parametrize("case", CASES)
def test_value(case):
    if _refused_in(case, "reverse"):
        return
    case = Case(case)
    value, _ = s2s.value_and_grad(case.f, wrt=case.wrt)(*case.fresh())
    _value_equal(value, case.call(), "value_and_grad's value", case)


@DERIVATIVE_ONLY
@pytest.mark.parametrize("case", CASES)
def test_gradient(case):
    if _refused_in(case, "reverse"):
        return
    case = Case(case)
    got = case.grads(case.fresh())
    _close(got, case.finite_differences(), RTOL, "the gradient (reverse mode) against "
           "central differences", case)


def _jvp(case, v):
    tangents = case.split(v)
    value, tangent = s2s.jvp(case.f, wrt=case.wrt)(*case.fresh(), *tangents)
    assert np.shape(tangent) == np.shape(case.call()), (
        f"{case.name}: the tangent has shape {np.shape(tangent)}, the value "
        f"{np.shape(case.call())}")
    return value, tangent


@pytest.mark.parametrize("case", CASES)
def test_jvp_value(case):
    if _refused_in(case, "forward"):
        return
    case = Case(case)
    value, _ = _jvp(case, case.direction())
    _value_equal(value, case.call(), "jvp's value", case)


@DERIVATIVE_ONLY
@pytest.mark.parametrize("case", CASES)
def test_jvp_tangent(case):
    if _refused_in(case, "forward"):
        return
    case = Case(case)
    v = case.direction()
    _, tangent = _jvp(case, v)
    _close(tangent, case.along(case.call, v, EPS), RTOL,
           "the tangent (forward mode) against central differences along v", case)


@DERIVATIVE_ONLY
@pytest.mark.parametrize("case", CASES)
def test_jvp_reverse(case):
    if _refused_in(case, "forward", "reverse"):
        return
    case = Case(case)
    v = case.direction()
    _, tangent = _jvp(case, v)
    grad = case.grads(case.fresh())
    _close(tangent, grad @ v, RTOL,
           "the tangent (forward mode) against <reverse-mode gradient, v>", case,
           atol_scale=1.0 + np.abs(grad) @ np.abs(v))


@DERIVATIVE_ONLY
@pytest.mark.parametrize("case", CASES)
def test_hvp(case):
    if _refused_in(case, "hvp"):
        return
    case = Case(case)
    v = case.direction()
    product = s2s.hvp(case.f, wrt=case.wrt)(*case.fresh(), case.split(v))
    got = case.flat_like(tuple(product), "the Hessian-vector product")
    expected = case.along(case.grads, v, HVP_EPS)
    _close(got, expected, HVP_RTOL, "the Hessian-vector product against central "
           "differences of the reverse-mode gradient along v", case)


@pytest.mark.parametrize("case", REFUSED)
def test_refused(case):
    pattern = case["refused"]
    case = Case(case)
    v = case.direction()
    modes = {
        "reverse mode": lambda: s2s.value_and_grad(case.f, wrt=case.wrt)(*case.fresh()),
        "forward mode": lambda: _jvp(case, v),
        "hvp": lambda: s2s.hvp(case.f, wrt=case.wrt)(*case.fresh(), case.split(v)),
    }
    for mode, run in modes.items():
        with pytest.raises((s2s.S2SError, TypeError)) as error:
            run()
        assert re.search(pattern, str(error.value)), (
            f"{case.name}, {mode}: {error.value}, expected a refusal matching {pattern!r}")
