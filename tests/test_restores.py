"""Writes whose overwritten part the adjoint sweep never needs back (analysis/
restores.py) are neither saved nor put back; every other write still is.  Gradients
are right either way (finite differences)."""

import numpy as np
import pytest

import s2s
from gradcheck import check_gradient


def time_steps(x, w):
    y = np.zeros((6, 3))
    y[0] = x
    for t in range(5):
        y[t + 1] = np.tanh(y[t] * w)
    return np.sum(y[1:] ** 2)


def two_back(x, w):
    y = np.zeros((7, 3))
    y[0] = x
    y[1] = x * 0.5
    for t in range(5):
        y[t + 2] = np.sin(y[t + 1] * w) + y[t]
    return np.sum(y ** 2)


def reads_what_it_overwrites(x, w):
    y = np.zeros((5, 3))
    y[0] = x
    for t in range(4):
        y[t + 1] = y[t] * w
        y[t] = y[t + 1] * 0.5  # an earlier row, written again
    return np.sum(y ** 2)


def reads_ahead(x, w):
    y = np.ones((6, 3)) * x
    for t in range(5):
        y[t] = np.sin(y[t + 1] * w)  # reads a row before the loop writes it
    return np.sum(y ** 2)


def a_view_in_the_loop(x, w):
    y = np.zeros((5, 3))
    y[0] = x
    total = 0.0
    for t in range(4):
        y[t + 1] = y[t] * w
        total = total + np.sum(y[: t + 1] ** 2)
    return total


def read_before_the_loop(x, w):
    y = np.zeros((5, 3))
    y[0] = x
    y[1] = x * 2.0
    first = np.sin(y[1])  # its adjoint reads y[1] as it was here
    for t in range(4):
        y[t + 1] = np.tanh(y[t] * w)
    return np.sum(first * y[4])


def wraps_around(x, w):
    y = np.zeros((3, 3))
    for t in range(3):
        y[t] = np.tanh(x * w + y[t - 1] * x)  # at t = 0, the last row: written at t = 2
    return np.sum(y ** 2)


def inner_rewrites(x, w):
    y = np.zeros((4, 3))
    y[0] = x
    for t in range(3):
        for k in range(2):  # writes row t + 1 twice
            y[t + 1] = np.tanh(y[t] * w + k * x)
    return np.sum(y ** 2)


def inside_another_loop(x, w):
    total = 0.0
    y = np.zeros((4, 3))
    for k in range(2):
        y[0] = x * (k + 1)
        for t in range(3):
            y[t + 1] = np.tanh(y[t] * w)
        total = total + np.sum(y ** 2)
    return total


def into_a_copy(y0, w):
    y = y0.copy()
    for t in range(3):
        y[t + 1] = np.tanh(y[t] * w)
    return np.sum(y ** 2)


@pytest.mark.parametrize("f, restored", [
    (time_steps, False),
    (two_back, False),
    (reads_what_it_overwrites, True),
    (reads_ahead, True),
    (a_view_in_the_loop, True),
    (read_before_the_loop, True),
    (wraps_around, True),
    (inner_rewrites, True),
    (inside_another_loop, True),
])
def test_only_needless_restores_are_left_out(f, restored):
    rng = np.random.default_rng(3)
    x, w = rng.normal(size=3), rng.normal(size=3)
    check_gradient(f, (x, w), wrt=(0, 1))
    source = s2s.source(f, wrt=(0, 1))
    assert ("snapshot(y[t" in source) == restored, source


def test_writes_before_any_read_are_not_saved():
    source = s2s.source(time_steps, wrt=(0, 1))
    assert "snapshot(y[" not in source and "overwritten" not in source, source


def test_a_copy_of_a_parameter_is_an_array_made_here():
    rng = np.random.default_rng(4)
    assert "snapshot(y[" not in s2s.source(into_a_copy, wrt=(0, 1))
    check_gradient(into_a_copy, (rng.normal(size=(4, 3)), rng.normal(size=3)), wrt=(0, 1))
