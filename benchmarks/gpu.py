"""The MLP and RNN examples' gradients on a GPU: s2s's generated modules (the same
files as on the CPU) on CuPy arrays, against the hand-written NumPy backward pass on
CuPy and PyTorch eager on the same GPU.  Needs CuPy and a GPU; says so otherwise.

    python -m benchmarks gpu
"""

from . import mlp
from .common import interleaved, load_generated, table


def _gpu():
    try:
        import cupy

        cupy.cuda.runtime.getDeviceCount()
        return cupy
    except Exception:
        return None


def _synchronized(cupy, run):
    def timed():
        out = run()
        cupy.cuda.Device().synchronize()
        return out

    return timed


def mlp_runs(cupy, n):
    args = [cupy.asarray(a) for a in mlp.inputs(n=n)]
    generated = load_generated("grad_mlp")
    runs = {
        "hand-written (CuPy)": lambda: mlp.hand_value_and_grad(*args),
        "s2s generated (CuPy)": lambda: generated.value_and_grad_loss(*args),
    }
    try:
        import torch
    except ImportError:
        return runs
    if torch.cuda.is_available():
        tx, ty = (torch.as_tensor(a, device="cuda") for a in args[4:])
        params = [torch.as_tensor(a, device="cuda").clone().requires_grad_() for a in args[:4]]

        def torch_eager():
            for p in params:
                p.grad = None
            w1, b1, w2, b2 = params
            loss = torch.mean((torch.relu(tx @ w1 + b1) @ w2 + b2 - ty) ** 2)
            loss.backward()
            torch.cuda.synchronize()
            return loss

        runs["PyTorch eager (CUDA)"] = torch_eager
    return runs


def rnn_runs(cupy, steps, batch, features, hidden):
    rng = cupy.random.default_rng(0)
    shapes = [(features, hidden), (hidden, hidden), (hidden,), (hidden, 1),
              (steps, batch, features), (steps, batch, 1)]
    args = [rng.standard_normal(s, dtype=cupy.float32) * 0.3 for s in shapes]
    generated = load_generated("grad_rnn")
    runs = {"s2s generated (CuPy)": lambda: generated.value_and_grad_loss(*args)}
    try:
        import torch
    except ImportError:
        return runs
    if torch.cuda.is_available():
        Wx, Wh, b, Wy = (torch.as_tensor(a, device="cuda").clone().requires_grad_() for a in args[:4])
        xs, ys = (torch.as_tensor(a, device="cuda") for a in args[4:])

        def torch_eager():
            for p in (Wx, Wh, b, Wy):
                p.grad = None
            h = torch.zeros(batch, hidden, device="cuda")
            hs = []
            for t in range(steps):
                h = torch.tanh(xs[t] @ Wx + h @ Wh + b)
                hs.append(h)
            loss = torch.mean((torch.stack(hs) @ Wy - ys) ** 2)
            loss.backward()
            torch.cuda.synchronize()
            return loss

        runs["PyTorch eager (CUDA)"] = torch_eager
    return runs


def main(repeats=15, quick=False):
    cupy = _gpu()
    if cupy is None:
        return "GPU benchmark: skipped (no CuPy or no GPU here)", {}
    n = 20000 if quick else 200000
    runs = {k: _synchronized(cupy, v) for k, v in mlp_runs(cupy, n).items()}
    medians = interleaved(runs, repeats)
    text = table(f"MLP gradient on the GPU ({n}x784 -> 50 -> 1, float32)", medians,
                 "hand-written (CuPy)")
    steps = 50 if quick else 200
    runs = {k: _synchronized(cupy, v) for k, v in rnn_runs(cupy, steps, 256, 64, 256).items()}
    rnn_medians = interleaved(runs, repeats)
    text += "\n" + table(f"RNN gradient on the GPU ({steps} steps, batch 256, 64 -> 256)",
                         rnn_medians, "s2s generated (CuPy)")
    return text, {"mlp": medians, "rnn": rnn_medians}
