"""The logistic example's generated gradient (generated/grad_logistic_dask.py) on a
`dask.distributed` LocalCluster of 1 and of 2 worker processes (one thread each),
against Dask's threaded scheduler and NumPy in memory (issue 20).

The data, 2,000,000 x 50 as examples/logistic_dask.py's `data()` makes it (rows in
chunks), is made on each cluster and persisted there before timing: the times are the
gradient's, not the data's.  Rows in chunks of 20,000 (the example's: 8 MB, 100
chunks) and of 200,000 (80 MB, 10 chunks).  Needs `dask[array,distributed]`.

    python -c "from benchmarks import dask_cluster; from benchmarks.common import report; print(report(dask_cluster.main()))"

On this project's 2-core machine the scheduler, the client and the workers share
the two cores, so 2 workers can at best be 2x as fast as 1.
"""

import logging
import math

import numpy as np

from .common import Result, interleaved, load_generated

FEATURES = 50


def _cluster(workers):
    from distributed import Client, LocalCluster

    logging.getLogger("distributed").setLevel(logging.ERROR)
    cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                           dashboard_address=":0", silence_logs=logging.ERROR)
    return cluster, Client(cluster, set_as_default=False)


def _data(rows, chunk):
    from examples.logistic_dask import data

    return data(rows=rows, features=FEATURES, chunk=chunk)


def _moved(client, run):
    """Bytes sent between the cluster's workers while `run()` runs."""
    client.run(lambda dask_worker: dask_worker.transfer_outgoing_log.clear())
    run()
    sent = client.run(lambda dask_worker: sum(
        t.get("total", 0) for t in dask_worker.transfer_outgoing_log))
    return sum(sent.values())


def main(repeats=5, quick=False, chunks=None):
    try:
        import dask
        import distributed
    except ImportError:
        return Result("Dask cluster benchmark: skipped (needs dask[array,distributed])", {})
    del distributed
    rows = 200_000 if quick else 2_000_000
    chunks = chunks or ((20_000,) if quick else (20_000, 200_000))
    generated = load_generated("grad_logistic_dask")
    w, b = np.linspace(-0.5, 0.5, FEATURES), 0.1

    def gradient(x, y):
        value, (dw, db) = generated.value_and_grad_loss(w, b, x, y)
        return value, dw, db

    clusters = {n: _cluster(n) for n in (1, 2)}
    runs, notes = {}, {}
    try:
        for chunk in chunks:
            label = f"{chunk:,}-row chunks"
            for n, (_, client) in clusters.items():
                x, y = client.persist(list(_data(rows, chunk)))
                client.compute([x.sum(), y.sum()], sync=True)  # (made and kept there)
                runs[f"{n} worker{'s' if n > 1 else ''}, {label}"] = (
                    lambda client=client, x=x, y=y: client.compute(list(gradient(x, y)), sync=True))
            x, y = dask.persist(*_data(rows, chunk), scheduler="threads")
            runs[f"threaded scheduler, {label}"] = (
                lambda x=x, y=y: dask.compute(*gradient(x, y), scheduler="threads"))
            tasks = len(dask.base.collections_to_expr(list(gradient(x, y))).optimize()
                        .__dask_graph__()) if hasattr(dask.base, "collections_to_expr") else None
            if tasks:
                notes[f"tasks in the gradient's graph, {label}"] = tasks
        xn, yn = dask.compute(x, y, scheduler="threads")
        runs["NumPy in memory"] = lambda: generated.value_and_grad_loss(w, b, xn, yn)

        medians = interleaved(runs, repeats, slow=math.inf)
        for chunk in chunks:
            label = f"{chunk:,}-row chunks"
            one, two = medians[f"1 worker, {label}"], medians[f"2 workers, {label}"]
            notes[f"scaling 1 -> 2 workers, {label}"] = f"{one / two:.2f}x"
            run = runs[f"2 workers, {label}"]
            notes[f"bytes moved between the 2 workers for one gradient, {label}"] = (
                f"{_moved(clusters[2][1], run) / 1e6:.2f} MB "
                f"(x: {rows * FEATURES * 8 / 1e6:.0f} MB)")
    finally:
        for cluster, client in clusters.values():
            client.close()
            cluster.close()
    title = (f"Logistic gradient on Dask ({rows:,} x {FEATURES}, data persisted): "
             "a LocalCluster of 1 and 2 worker processes (1 thread each), the threaded "
             "scheduler, NumPy")
    return Result(title, medians, notes)


if __name__ == "__main__":
    from .common import report

    print(report(main()))
