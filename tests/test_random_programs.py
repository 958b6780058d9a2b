"""Random programs: straight-line code, branches and loops over scalars and vectors,
drawn by hypothesis, written to a module and differentiated.  Each is checked three
ways: the gradient against central finite differences, forward mode against reverse
mode (`<jvp(v), w> = <v, vjp(w)>`), and Hessian-vector products against differences
of gradients.  A failing program is printed by hypothesis: keep it as a test."""

import importlib.util
import itertools

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import s2s
from gradcheck import check_gradient

# smooth, bounded building blocks: every program is defined and differentiable
# everywhere on the inputs drawn below
UNARY = ["np.sin({0})", "np.tanh({0})", "np.cos({0}) * 0.5", "np.log1p({0} * {0})",
         "np.sqrt(1.0 + {0} * {0})", "np.exp(np.tanh({0}))", "{0} ** 2", "-{0}"]
BINARY = ["{0} + {1}", "{0} - {1}", "{0} * {1}", "{0} / (1.5 + {1} * {1})",
          "np.hypot({0}, {1}) * 0.5", "np.arctan2({0}, 2.0 + {1} * {1})"]
REDUCE = ["np.sum({0})", "np.mean({0})", "np.max({0})", "np.prod(np.tanh({0}))"]

_counter = itertools.count()


@st.composite
def expressions(draw, names, depth=2):
    if depth == 0 or draw(st.integers(0, 2)) == 0:
        return draw(st.sampled_from(names))
    if draw(st.booleans()):
        inner = draw(expressions(names, depth - 1))
        return draw(st.sampled_from(UNARY)).format(f"({inner})")
    left = draw(expressions(names, depth - 1))
    right = draw(expressions(names, depth - 1))
    return draw(st.sampled_from(BINARY)).format(f"({left})", f"({right})")


@st.composite
def programs(draw):
    """The source of `def f(x, y, s)`: x and y vectors of 3, s a float."""
    names = ["x", "y", "s"]
    lines = []
    for k in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["assign", "branch", "loop", "write"]))
        name = f"v{k}"
        if kind == "assign":
            lines.append(f"    {name} = {draw(expressions(names))}")
        elif kind == "branch":
            test = draw(st.sampled_from(names))
            lines += [f"    if np.sum({test}) > 0.0:",
                      f"        {name} = {draw(expressions(names))}",
                      "    else:",
                      f"        {name} = {draw(expressions(names))}"]
        elif kind == "loop":
            lines += [f"    {name} = {draw(st.sampled_from(names))}",
                      f"    for i in range({draw(st.integers(1, 3))}):",
                      f"        {name} = {name} * 0.5 + {draw(expressions(names + [name], 1))}"]
        else:  # a buffer written element by element
            source = draw(st.sampled_from(names))
            lines += [f"    {name} = np.zeros(3)",
                      "    for i in range(3):",
                      f"        {name}[i] = np.sum({source}) * 0.1 + x[i] * {name}[i - 1]"]
        names.append(name)
    result = draw(st.sampled_from(REDUCE)).format(draw(expressions(names, 1)))
    return "import numpy as np\n\n\ndef f(x, y, s):\n" + "\n".join(lines) + (
        f"\n    return {result}\n"
    )


def load(source, directory):
    """The function `f` of `source`, from a module of its own (s2s reads its file)."""
    path = directory / f"random_program_{next(_counter)}.py"
    path.write_text(source)
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.f


@settings(max_examples=40, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture,
                                 HealthCheck.too_slow])
@given(source=programs(), seed=st.integers(0, 2**16))
def test_random_programs(source, seed, tmp_path):
    f = load(source, tmp_path)
    rng = np.random.default_rng(seed)
    x, y = rng.uniform(-1.5, 1.5, 3), rng.uniform(-1.5, 1.5, 3)
    s = float(rng.uniform(-1.5, 1.5))
    args = (x, y, s)
    try:
        value = f(*args)
    except FloatingPointError:
        return
    if not np.isfinite(value):
        return
    # gradient against finite differences, and forward mode against reverse mode
    check_gradient(f, args, wrt=(0, 1, 2), rtol=1e-4, atol=1e-6)
    # Hessian-vector products against differences of gradients
    vs = (rng.normal(size=3), rng.normal(size=3), float(rng.normal()))
    got = s2s.hvp(f, wrt=(0, 1, 2))(*args, vs)
    grad = s2s.grad(f, wrt=(0, 1, 2))
    eps = 1e-6
    plus = grad(*(a + eps * v for a, v in zip(args, vs)))
    minus = grad(*(a - eps * v for a, v in zip(args, vs)))
    for g, p, m in zip(got, plus, minus):
        np.testing.assert_allclose(g, (np.asarray(p) - m) / (2 * eps), rtol=1e-4, atol=1e-5,
                                   err_msg=source)
