"""What a call through the Python API costs beyond calling the function it generated:
`s2s.value_and_grad(f)(...)` against the generated `value_and_grad_f(...)`, on a small
objective differentiated once per observation (a bundle adjustment's reprojection
error of one point in one camera), where that cost shows.  The goal: at most 5% or
20 µs more, whichever is larger.  `grad`, `jvp` and `hvp` are reported beside it."""

import gc
import statistics
import time

import numpy as np

import s2s
from s2s import api
from s2s.runtime import notes

from .common import S2S, Result

CALLS = 500  # per timed run: one call takes some 100 µs


def reprojection_error(camera, point, observed):
    """The squared distance between where a pinhole camera (an axis-angle rotation,
    a translation, a focal length) sees `point` and where it was observed."""
    angle = camera[:3]
    theta = np.sqrt(np.sum(angle * angle)) + 1e-12
    axis = angle / theta
    cos, sin = np.cos(theta), np.sin(theta)
    rotated = (point * cos + np.cross(axis, point) * sin
               + axis * np.dot(axis, point) * (1.0 - cos))
    seen = rotated + camera[3:6]
    projected = camera[6] * seen[:2] / seen[2]
    residual = projected - observed
    return np.sum(residual * residual)


def inputs():
    rng = np.random.default_rng(20)
    camera = np.concatenate([rng.normal(size=3) * 0.1, [0.1, -0.2, 5.0], [800.0]])
    return camera, rng.normal(size=3), rng.normal(size=2) * 10.0


def _paired(pairs, repeats):
    """For each label, (the generated function's median seconds a call, the API's extra
    seconds a call: the median over rounds of the difference of the two, timed back to
    back, so that the machine's drift cancels)."""
    out = {}
    for label, (generated, through_api) in pairs.items():
        for run in (generated, through_api):  # (the API compiles on its first call)
            run()
        times, extra = [], []
        for _ in range(repeats):
            gc.collect()
            gc.disable()
            try:
                start = time.perf_counter()
                for _ in range(CALLS):
                    generated()
                middle = time.perf_counter()
                for _ in range(CALLS):
                    through_api()
                end = time.perf_counter()
            finally:
                gc.enable()
            times.append((middle - start) / CALLS)
            extra.append((end - middle - (middle - start)) / CALLS)
        out[label] = statistics.median(times), statistics.median(extra)
    return out


def main(repeats=15, quick=False):
    camera, point, observed = inputs()
    v = np.ones_like(camera)
    value_and_grad = s2s.value_and_grad(reprojection_error)
    grad, jvp, hvp = (s2s.grad(reprojection_error), s2s.jvp(reprojection_error),
                      s2s.hvp(reprojection_error))
    generated = notes.unwrapped(value_and_grad.s2s_generated_function())
    generated_grad = notes.unwrapped(grad.s2s_generated_function())
    generated_jvp = notes.unwrapped(jvp.s2s_generated_function())
    hvp(camera, point, observed, v)
    jvp_of_grad = api._jvp_of_gradient(generated_grad, ("camera",))
    tangent = jvp_of_grad.s2s_generated.tangents[0]
    measured = _paired({
        "value_and_grad": (lambda: generated(camera, point, observed),
                           lambda: value_and_grad(camera, point, observed)),
        "grad": (lambda: generated_grad(camera, point, observed),
                 lambda: grad(camera, point, observed)),
        "jvp": (lambda: generated_jvp(camera, point, observed, camera_dot=v),
                lambda: jvp(camera, point, observed, v)),
        "hvp": (lambda: jvp_of_grad(camera, point, observed, **{tangent: v}),
                lambda: hvp(camera, point, observed, v)),
    }, 5 if quick else repeats)
    base, extra = measured["value_and_grad"]
    medians = {"generated value_and_grad": base, S2S: base + extra}
    return Result(
        "One call through the Python API against the generated function, a "
        "reprojection error (9 camera parameters)",
        medians,
        notes={f"s2s.{label}: extra per call (µs), over {seconds * 1e6:.1f}":
               round(more * 1e6, 1) for label, (seconds, more) in measured.items()},
        goal_seconds=max(1.05 * base, base + 20e-6),
    )
