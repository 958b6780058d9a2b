"""Checkpointed loops (s2s.checkpoint, --checkpoint): the same gradients, bit for bit,
as without checkpoints, for any iteration count; clear errors where a segment could
not be run again faithfully."""

import os
import re
import subprocess
import sys

import numpy as np
import pytest

import s2s
from gradcheck import check_gradient

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def scalar_steps(theta, k, steps):
    omega = 0.0
    with s2s.checkpoint():
        for i in range(steps):
            acc = -k * np.sin(theta) - 0.1 * omega
            theta = theta + 0.01 * omega
            omega = omega + 0.01 * acc
    return theta * theta + omega


def scalar_steps_plain(theta, k, steps):
    omega = 0.0
    for i in range(steps):
        acc = -k * np.sin(theta) - 0.1 * omega
        theta = theta + 0.01 * omega
        omega = omega + 0.01 * acc
    return theta * theta + omega


def helper(h, w):
    return np.tanh(h * w)


def calls_and_offsets(x, w, start, stop):
    h = x
    total = 0.0
    with s2s.checkpoint(every=3):
        for t in range(start, stop):
            h = helper(h, w) + 0.1 * t
            total = total + np.sum(h ** 2)
    return total


def calls_and_offsets_plain(x, w, start, stop):
    h = x
    total = 0.0
    for t in range(start, stop):
        h = helper(h, w) + 0.1 * t
        total = total + np.sum(h ** 2)
    return total


def buffer(x, w):
    y = np.zeros((8, 3))
    y[0] = x
    with s2s.checkpoint():
        for t in range(7):
            y[t + 1] = np.tanh(y[t] * w)
    return np.sum(y ** 2)


def buffer_plain(x, w):
    y = np.zeros((8, 3))
    y[0] = x
    for t in range(7):
        y[t + 1] = np.tanh(y[t] * w)
    return np.sum(y ** 2)


@pytest.mark.parametrize("steps", [0, 1, 2, 7, 16, 50])
def test_any_iteration_count_gives_the_same_gradient_bit_for_bit(steps):
    got = s2s.value_and_grad(scalar_steps, wrt=(0, 1))(0.7, 2.5, steps)
    expected = s2s.value_and_grad(scalar_steps_plain, wrt=(0, 1))(0.7, 2.5, steps)
    assert got == expected


@pytest.mark.parametrize("start, stop", [(0, 10), (2, 9), (4, 5), (5, 5)])
def test_calls_offsets_and_segment_lengths(start, stop):
    rng = np.random.default_rng(0)
    x, w = rng.normal(size=3), rng.normal(size=3)
    got = s2s.value_and_grad(calls_and_offsets, wrt=(0, 1))(x, w, start, stop)
    expected = s2s.value_and_grad(calls_and_offsets_plain, wrt=(0, 1))(x, w, start, stop)
    assert got[0] == expected[0]
    for g, e in zip(got[1], expected[1]):
        np.testing.assert_array_equal(g, e)
    check_gradient(calls_and_offsets, (x, w, start, stop), wrt=(0, 1))


def test_a_buffer_written_row_by_row():
    rng = np.random.default_rng(1)
    x, w = rng.normal(size=3), rng.normal(size=3)
    got = s2s.grad(buffer, wrt=(0, 1))(x, w)
    expected = s2s.grad(buffer_plain, wrt=(0, 1))(x, w)
    for g, e in zip(got, expected):
        np.testing.assert_array_equal(g, e)
    check_gradient(buffer, (x, w), wrt=(0, 1))
    assert "segment_length(" in s2s.source(buffer, wrt=(0, 1))


def test_a_loop_over_a_list():
    check_gradient(over_a_list, (0.3, [0.5, 2.0, 1.5, 0.7, 1.1]), wrt=0)


def test_the_function_runs_as_written_and_forward_mode_ignores_the_mark():
    assert scalar_steps(0.7, 2.5, 9) == scalar_steps_plain(0.7, 2.5, 9)
    _, tangent = s2s.jvp(scalar_steps, wrt=0)(0.7, 2.5, 9, 1.0)
    assert tangent == pytest.approx(s2s.grad(scalar_steps_plain)(0.7, 2.5, 9), rel=1e-12)
    hessian = s2s.hvp(scalar_steps, wrt=0)(0.7, 2.5, 9, 1.0)
    assert hessian == pytest.approx(s2s.hvp(scalar_steps_plain, wrt=0)(0.7, 2.5, 9, 1.0),
                                    rel=1e-12)


def test_the_cli_flag_checkpoints_every_loop(tmp_path):
    out = tmp_path / "grad_rnn.py"
    run = subprocess.run(
        [sys.executable, "-m", "s2s", "differentiate", "examples.rnn.loss", "--wrt",
         "Wx,Wh,b,Wy", "--checkpoint", "-o", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    assert run.returncode == 0, run.stderr
    text = out.read_text()
    assert "--checkpoint" in text.splitlines()[2] and "segment_length(steps)" in text


def breaks(x, n):
    with s2s.checkpoint():
        for i in range(n):
            x = x * 0.5
            if x < 0.1:
                break
    return x


def appends(x, n):
    xs = []
    with s2s.checkpoint():
        for i in range(n):
            x = x * 0.5
            xs.append(x)
    return sum(xs)


def rewrites(x, n):
    y = np.zeros(3) + x
    with s2s.checkpoint():
        for i in range(n):
            y[0] = y[0] * 0.5 + y[1]
    return np.sum(y)


def nested(x, n):
    for j in range(2):
        with s2s.checkpoint():
            for i in range(n):
                x = x * 0.5
    return x


def over_a_list(x, xs):
    with s2s.checkpoint():
        for v in xs:  # (indexed: `for i in range(len(xs))`)
            x = np.sin(x * v)
    return x


def a_while_loop(x, n):
    i = 0
    with s2s.checkpoint():
        while i < n:
            x = x * 0.5
            i = i + 1
    return x


def more_than_a_loop(x, n):
    with s2s.checkpoint():
        x = x + 1.0
        for i in range(n):
            x = x * 0.5
    return x


def calls_a_checkpointed(x, n):
    return scalar_steps(x, 1.0, n)


@pytest.mark.parametrize("f, args, message", [
    (breaks, (1.0, 5), "`break` can leave early"),
    (appends, (1.0, 5), "appending to or popping from a list"),
    (rewrites, (1.0, 5), "only `y[t + 1] = f(y[t])`"),
    (nested, (1.0, 5), "put the loop alone"),
    (a_while_loop, (1.0, 5), "marks one `for` loop"),
    (more_than_a_loop, (1.0, 5), "put the loop alone"),
    (calls_a_checkpointed, (1.0, 5), "in a function that the differentiated one calls"),
])
def test_what_cannot_be_run_again_faithfully_is_refused(f, args, message):
    with pytest.raises(s2s.Unsupported, match=re.escape(message)):
        s2s.grad(f)(*args)
