"""Items of arrays made with a shape, `c = np.zeros((n, m))` then `c[i, j]` (as many
integer indices as axes), are numbers (analysis/scalars.py): nothing of their
broadcasting is undone, and a loop that accumulates into them keeps no shapes of
them.  Where the items may be more than numbers (fewer indices than axes, an object
array, a boolean index, a parameter), nothing is assumed.  Values and gradients
against the functions themselves and central differences either way."""

import inspect
import re

import numpy as np
import pytest

import s2s
from golden import optimizations as opt  # (`rereads`: items of a vector, `c = np.zeros(3)`)
from gradcheck import check_gradient
from s2s.cli import main


def into_a_matrix(x, w):
    c = np.full((2, 3), 0.5)
    for i in range(2):
        for j in range(3):
            c[i, j] = c[i, j] * np.cos(x[j]) + w[i]
    return np.sum(c ** 2)


def rows_of_a_matrix(x, w):
    c = np.zeros((2, 3))
    for i in range(2):
        c[i] = c[i] + x * w[i]  # a row: not a number
    return np.sum(c ** 2)


def items_of_a_copy(x, w):
    c = np.ones(3)
    d = c.copy()
    for j in range(3):
        d[j] = d[j] * x[j] + w[j]
    return np.sum(d ** 2)


def objects(x, w):
    c = np.empty(3, dtype=object)  # (items may be anything: not taken as numbers)
    for j in range(3):
        c[j] = x * w[j]
    return np.sum(c[0] ** 2) + np.sum(c[2])


CASES = [
    (opt.rereads, (np.linspace(-1.0, 1.0, 4), np.array([0.5, -0.2, 0.3])), True),
    (into_a_matrix, (np.array([0.1, 0.7, -0.4]), np.array([0.3, -0.5])), True),
    (rows_of_a_matrix, (np.array([0.1, 0.7, -0.4]), np.array([0.3, -0.5])), False),
    (items_of_a_copy, (np.array([0.1, 0.7, -0.4]), np.array([0.3, -0.5, 0.2])), True),
]


@pytest.mark.parametrize("f, args, items_are_numbers", CASES, ids=[c[0].__name__ for c in CASES])
def test_items_of_arrays_made_with_a_shape(f, args, items_are_numbers, tmp_path):
    value, _ = s2s.value_and_grad(f, wrt=(0, 1))(*args)
    np.testing.assert_allclose(value, f(*args), rtol=1e-13)
    check_gradient(f, args, wrt=(0, 1))
    out = tmp_path / "grad.py"
    target = f"{inspect.getsourcefile(f)}:{f.__name__}"
    assert main(["differentiate", target, "--wrt", "x,w", "-o", str(out)]) == 0
    source = out.read_text()
    read = {line.split("=")[0].strip() for line in source.splitlines()
            if line.strip().startswith("t") and ("= c[" in line or "= d[" in line)}
    assert read, source
    if items_are_numbers:  # given numbers, the version made for them keeps the shape
        # of what is written into the array only (its adjoint reads `dc[j]` back)
        numbers = source[source.index("_on_numbers("):]
        numbers = numbers[numbers.index("def "):]
        written = set(re.findall(r"\b[cd]\[[^]]*\] = (t\d+)", numbers))
        kept = set(re.findall(r"shape_of\((\w+)\)", numbers))
        assert written and kept <= written, numbers
    else:  # (a row's broadcasting against what is added to it is undone)
        assert any(f", {name})" in line and "unbroadcast(" in line
                   for line in source.splitlines() for name in read), source


def test_an_object_arrays_items_are_not_numbers():
    args = (np.array([0.1, 0.7]), np.array([0.3, -0.5, 0.2]))
    value, _ = s2s.value_and_grad(objects, wrt=(0, 1))(*args)
    np.testing.assert_allclose(value, objects(*args), rtol=1e-13)
    check_gradient(objects, args, wrt=(0, 1))


def test_what_counts_as_a_number_here():
    from s2s.analysis.scalars import _integers, _ranks

    import gast

    def parsed(text):
        return gast.parse(text).body[0].value

    assignments = {"i": ["range counter"], "k": [parsed("k = i - 1")],
                   "b": [parsed("b = i > 2")], "n": [parsed("n = len(xs)")]}
    integers = _integers(assignments)
    assert integers == {"i", "k", "n"}  # (a comparison's boolean would index as a mask)

    class Operations:
        def resolve(self, node):
            return {"zeros": np.zeros, "full": np.full, "zeros_like": np.zeros_like}.get(
                getattr(node, "attr", None))

    made = {"a": [parsed("a = np.zeros(n)")], "m": [parsed("m = np.zeros((n, 3))")],
            "o": [parsed("o = np.zeros(n, dtype=object)")],
            "l": [parsed("l = np.zeros_like(x, shape=(n,))")],
            "f": [parsed("f = np.full((n, i), 1.5)")],
            "c": [parsed("c = m.copy()")], "e": [parsed("e = a"), parsed("e = np.zeros((2, 2))")]}
    ranks = _ranks(made, {"n", "i"}, Operations(), integers, excluded=set())
    assert ranks == {"a": 1, "m": 2, "f": 2, "c": 2}
