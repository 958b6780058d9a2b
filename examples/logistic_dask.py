"""Logistic regression over a data set in chunks, with Dask.

The loss is ordinary NumPy code.  Its generated gradient (generated/
grad_logistic_dask.py) runs on Dask arrays unchanged: the gradient is a lazy Dask
array, computed chunk by chunk, in parallel, on whatever Dask scheduler runs it (the
local threads here; a `dask.distributed` cluster in real use), and it equals the
NumPy result.

    python -m examples.logistic_dask
"""

import numpy as np


def loss(w, b, x, y):
    """Mean log-loss of labels y in {-1, +1}: log(1 + exp(-y (x w + b)))."""
    margin = y * (x @ w + b)
    return np.mean(np.logaddexp(0.0, -margin))


def data(rows=200_000, features=20, chunk=20_000, seed=0):
    """A chunked data set: features and labels as Dask arrays."""
    import dask.array as da

    state = da.random.RandomState(seed)
    x = state.normal(size=(rows, features), chunks=(chunk, features))
    truth = np.linspace(-1.0, 1.0, features)
    y = da.sign(x @ truth + 0.3 * state.normal(size=rows, chunks=chunk))
    return x, y


def main():
    import dask

    from generated.grad_logistic_dask import value_and_grad_loss

    x, y = data()
    w, b = np.zeros(x.shape[1]), 0.0
    value, (dw, db) = value_and_grad_loss(w, b, x, y)  # lazy: nothing computed yet
    value, dw, db = dask.compute(value, dw, db)
    expected, (dw_numpy, db_numpy) = value_and_grad_loss(w, b, x.compute(), y.compute())
    print(f"loss {value:.6f}, |dw| {np.linalg.norm(dw):.6f}, db {float(db):.6f}")
    print(f"largest difference from NumPy: {np.max(np.abs(dw - dw_numpy)):.2e}")


if __name__ == "__main__":
    main()
