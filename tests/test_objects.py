"""Objects of the user's classes from the command line, where no argument shows their
class: a parameter's class read from the source (the one class with the methods
called, an annotation), checked where the generated code runs; the refusals where it
cannot be read; the caller's object changed as the function changes it."""

import copy
import os
import subprocess
import sys
import textwrap
from types import SimpleNamespace

import numpy as np
import pytest

import s2s

from gradcheck import numerical_gradient


def _module(tmp_path, name, source):
    (tmp_path / f"{name}.py").write_text(textwrap.dedent(source))
    return tmp_path


def _generate(folder, target, wrt, *extra):
    result = subprocess.run(
        [sys.executable, "-m", "s2s", "differentiate", target, "--wrt", wrt, *extra],
        cwd=folder, capture_output=True, text=True,
        env={**os.environ, "PYTHONPATH": str(folder)},
    )
    return result


def _load(folder, name, text):
    path = folder / f"{name}.py"
    path.write_text(text)
    sys.path.insert(0, str(folder))
    try:
        for module in [m for m in sys.modules if m in (name, "layers")]:
            del sys.modules[module]
        return __import__(name)
    finally:
        sys.path.remove(str(folder))


LAYERS = """
    import numpy as np


    class Dense:
        def __init__(self, w):
            self.w = w

        def forward(self, x):
            return np.tanh(x @ self.w)


    class Other:
        def __init__(self, w):
            self.w = w

        def predict(self, x):
            return x @ self.w


    class Counted:
        def __init__(self, w):
            self.w = w
            self.calls = 0

        def __call__(self, x):
            self.calls += 1
            return x @ self.w


    def loss(layer, x):
        return np.sum(layer.forward(x) ** 2)


    def counted_loss(layer, x):
        y = layer(x)
        return np.sum(layer(y) ** 2)


    def annotated(layer: Other, x):
        return np.sum(layer.predict(x))


    def written_elsewhere(layers, x):
        first = layers[0]
        first.w = x
        return np.sum(x)
"""


def test_a_parameters_class_is_read_from_the_methods_called(tmp_path):
    folder = _module(tmp_path, "layers", LAYERS)
    result = _generate(folder, "layers.loss", "layer,x")
    assert result.returncode == 0, result.stderr
    assert "require_class(layer, Dense)" in result.stdout
    assert "from layers import Dense" in result.stdout
    generated = _load(folder, "grad_layers", result.stdout)
    layers = __import__("layers")
    rng = np.random.default_rng(0)
    layer, x = layers.Dense(rng.normal(size=(3, 2))), rng.normal(size=(4, 3))
    value, (d_layer, d_x) = generated.value_and_grad_loss(layer, x)
    assert value == layers.loss(layer, x)
    assert type(d_layer) is layers.Dense
    expected_w = numerical_gradient(lambda w: layers.loss(layers.Dense(w), x), [layer.w], 0)
    np.testing.assert_allclose(d_layer.w, expected_w, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(d_x, numerical_gradient(lambda v: layers.loss(layer, v), [x], 0),
                               rtol=1e-6, atol=1e-8)
    # an object of another class fails clearly, before any derivative is computed
    with pytest.raises(TypeError, match=r"as a method of Dense, read from the source, but "
                       r"the object is a Other; annotate the parameter"):
        generated.value_and_grad_loss(layers.Other(layer.w), x)


def test_an_annotation_names_the_class(tmp_path):
    folder = _module(tmp_path, "layers", LAYERS)
    result = _generate(folder, "layers.annotated", "layer")
    assert result.returncode == 0, result.stderr
    assert "require_class(layer, Other)" in result.stdout
    assert "def value_and_grad_annotated(layer, x" in result.stdout  # (no import for it)


def test_the_caller_sees_the_attributes_the_function_sets(tmp_path):
    folder = _module(tmp_path, "layers", LAYERS)
    result = _generate(folder, "layers.counted_loss", "layer,x")
    assert result.returncode == 0, result.stderr
    assert "layer_copy = copy_object(layer)" in result.stdout
    assert "update_object(layer, layer_copy)" in result.stdout
    generated = _load(folder, "grad_counted", result.stdout)
    layers = __import__("layers")
    rng = np.random.default_rng(1)
    layer, x = layers.Counted(rng.normal(size=(3, 3))), rng.normal(size=(2, 3))
    mine, theirs = copy.deepcopy(layer), copy.deepcopy(layer)
    value, (d_layer, d_x) = generated.value_and_grad_counted_loss(mine, x)
    assert value == layers.counted_loss(theirs, x)
    assert mine.calls == theirs.calls == 2
    expected = numerical_gradient(
        lambda w: layers.counted_loss(layers.Counted(w), x), [layer.w], 0)
    np.testing.assert_allclose(d_layer.w, expected, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("target,message", [
    # several classes have the method, and the call is in a condition: no dispatch
    ("ambiguous", r"ambig\.py:11:8: the class of 'part' is not known where ambiguous is "
     r"read: A, B each have \.run\(\); annotate it with its class \(part: A\)"),
    ("layers.written_elsewhere", r"layers\.py:46:5: assignment to an attribute is supported on "
     r"an object the function differentiated makes or is given"),
    ("layers.Dense(1.0).forward", r"is a method bound to an object; differentiate "
     r"Dense\.forward, whose first parameter is the object"),
])
def test_refused_where_the_class_or_the_object_is_not_known(tmp_path, target, message):
    folder = _module(tmp_path, "layers", LAYERS)
    _module(tmp_path, "ambig", """
        class A:
            def run(self, x):
                return 2.0 * x

        class B:
            def run(self, x):
                return 3.0 * x

        def ambiguous(part, x):
            if part.run(x) > 0.0:
                return x * x
            return x
    """)
    if target == "ambiguous":
        target = "ambig.ambiguous"
        wrt = "x"
    elif "Dense(1.0)" in target:
        (folder / "bound.py").write_text("import layers\nforward = layers.Dense(1.0).forward\n")
        target, wrt = "bound.forward", "x"
    else:
        wrt = "x"
    result = _generate(folder, target, wrt)
    assert result.returncode == 2, result.stdout
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert __import__("re").search(message, result.stderr), result.stderr


class Left:
    def __init__(self, w):
        self.w = w

    def run(self, x):
        return self.w * x


class Right:
    def __init__(self, w):
        self.w = w

    def run(self, x):
        return self.w * x * x


def either(part, x):
    if part.run(x) > 0.0:  # (in a condition: the command line would refuse it)
        return part.run(x) * 2.0
    return x


def test_the_python_api_reads_the_class_from_the_argument():
    for part, expected in ((Left(3.0), 6.0), (Right(3.0), 4.0 * 3.0 * 1.5)):
        value, grad = s2s.value_and_grad(either, wrt="x")(part, 1.5)
        assert value == either(part, 1.5)
        assert grad == pytest.approx(expected)


def test_the_golden_objects_module_computes_the_loss_and_its_gradient():
    """tests/golden/grad_objects.py: a model handed to the loss, layers of two classes
    dispatched by class, a counter the model keeps."""
    golden = os.path.join(os.path.dirname(__file__), "golden")
    sys.path.insert(0, golden)  # (as the generated module imports its source: `objects`)
    try:
        import grad_objects
        import objects
    finally:
        sys.path.remove(golden)

    rng = np.random.default_rng(7)
    w1, b1, w2, b2 = (rng.normal(size=s) for s in ((3, 4), 4, (4, 2), 2))
    x, y = rng.normal(size=(5, 3)), rng.normal(size=(5, 2))

    def model_of(w1):
        return objects.Model([objects.Dense(w1, b1), objects.Tanh(), objects.Dense(w2, b2)])

    mine, theirs = model_of(w1), model_of(w1)
    value, grad = grad_objects.value_and_grad_loss(mine, x, y)
    assert value == objects.loss(theirs, x, y)
    assert mine.calls == theirs.calls == 1
    assert type(grad) is objects.Model and grad.layers[1] is None  # (no parameters)
    expected = numerical_gradient(lambda w: objects.loss(model_of(w), x, y), [w1], 0)
    np.testing.assert_allclose(grad.layers[0].w, expected, rtol=1e-6, atol=1e-9)
    with pytest.raises(TypeError, match="as a method of Dense or Tanh"):
        grad_objects.value_and_grad_loss(objects.Model([objects.Model([])]), x, y)


def namespace_written(x):
    s = SimpleNamespace(a=1.0)  # made of constants: its tangent is an object of zeros
    s.b = x * 2.0
    s.a = s.a + s.b * x
    return s.a + s.b


def test_attribute_writes_into_a_namespace_made_of_constants():
    assert s2s.value_and_grad(namespace_written)(1.5) == (namespace_written(1.5), 8.0)
    assert s2s.jvp(namespace_written)(1.5, 1.0) == (namespace_written(1.5), 8.0)
    assert s2s.hvp(namespace_written)(1.5, 1.0) == 4.0
