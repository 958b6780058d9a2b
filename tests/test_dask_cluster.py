"""The logistic example's generated gradient on a `dask.distributed` cluster.

generated/grad_logistic_dask.py runs unchanged on a LocalCluster of two workers: its
value and gradient equal NumPy's (which central differences confirm), and its graph
is one a cluster runs well: the work on the data goes chunk by chunk, each task
reading one row chunk of `x`, and only small per-chunk results (a partial sum, the
50 numbers of a chunk's share of `dw`) meet, in tree reductions.  Nothing turns a
chunked array into one chunk, rechunks it, or gathers it onto one worker.  (Issue 20:
the gradient on 2 workers was slower than on 1.)
"""

import os
import sys

import numpy as np
import pytest

da = pytest.importorskip("dask.array")
distributed = pytest.importorskip("distributed")
import dask  # noqa: E402
import dask.local  # noqa: E402
from dask.callbacks import Callback  # noqa: E402
from dask.core import get_dependencies  # noqa: E402

import s2s  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from examples import logistic_dask  # noqa: E402
from generated.grad_logistic_dask import value_and_grad_loss  # noqa: E402

ROWS, FEATURES, CHUNK = 32_000, 6, 2_000  # 16 row chunks: a flat reduction would read 16


@pytest.fixture(scope="module")
def client():
    # threads in one process start in well under a second; the scheduler, the two
    # workers and the transfers between them are distributed's own
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                  dashboard_address=None) as cluster:
        with distributed.Client(cluster) as c:
            yield c


def _workers(client):
    return sorted(client.scheduler_info()["workers"])


def _home(row_chunk, workers):
    return workers[row_chunk % 2]


@pytest.fixture(scope="module")
def data(client):
    # row chunk i of x and of y, and the tasks that make them, on worker i % 2, as a
    # loader reading row blocks would place them (left to itself, the scheduler put
    # 2 to 5 of y's 16 chunks apart from x's)
    workers = _workers(client)

    def row_chunks_alternate(key):
        return [_home(key[1], workers)] if isinstance(key, tuple) else workers

    x, y = logistic_dask.data(rows=ROWS, features=FEATURES, chunk=CHUNK, seed=3)
    with dask.annotate(workers=row_chunks_alternate, allow_other_workers=False):
        x, y = client.persist([x, y], optimize_graph=False)  # kept on the workers
    distributed.wait([x, y])
    return x, y


W = np.linspace(-0.4, 0.3, FEATURES)
B = 0.2


def test_gradient_on_the_cluster_equals_numpys(client, data):
    x, y = data
    value, (dw, db) = value_and_grad_loss(W, B, x, y)
    assert all(isinstance(a, da.Array) for a in (value, dw, db))
    value, dw, db = client.compute([value, dw, db], sync=True)

    xn, yn = client.compute([x, y], sync=True)
    expected, (dw_numpy, db_numpy) = value_and_grad_loss(W, B, xn, yn)
    np.testing.assert_allclose(value, expected, rtol=1e-12)
    np.testing.assert_allclose(dw, dw_numpy, rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(db, db_numpy, rtol=1e-10, atol=1e-14)

    # NumPy's gradient against central differences
    h = 1e-6
    loss = logistic_dask.loss
    for i in range(FEATURES):
        step = np.zeros(FEATURES)
        step[i] = h
        fd = (loss(W + step, B, xn, yn) - loss(W - step, B, xn, yn)) / (2 * h)
        assert abs(fd - dw_numpy[i]) < 1e-7 * max(1.0, abs(fd)), (i, fd, dw_numpy[i])
    fd = (loss(W, B + h, xn, yn) - loss(W, B - h, xn, yn)) / (2 * h)
    assert abs(fd - db_numpy) < 1e-7


def _optimized_graph(*arrays):
    """`arrays` optimized as computing them optimizes them, and the graph of all."""
    optimized = dask.optimize(*arrays)
    graph = {}
    for a in optimized:
        graph.update(dict(a.__dask_graph__()))
    return optimized, graph


def _graph_and_sizes(*arrays):
    """The graph that computing `arrays` runs (optimized), and the bytes of each of
    its tasks' results (from running it on the synchronous scheduler)."""
    optimized, graph = _optimized_graph(*arrays)
    sizes = {}

    def posttask(key, result, dsk, state, worker_id):
        sizes[key] = getattr(result, "nbytes", 8)

    with Callback(posttask=posttask):
        dask.local.get_sync(graph, [a.__dask_keys__() for a in optimized])
    return graph, sizes


def _chunks_read(graph, x_keys):
    """For each task, the row chunks of `x` that it reads, directly or through others.
    (`x`'s chunks may be outside the graph: data held on a cluster.)"""
    reads = {}

    def visit(key):
        if key not in reads:
            reads[key] = set()  # (a graph has no cycles)
            found = {x_keys[key]} if key in x_keys else set()
            for d in graph[key].dependencies if key in graph else ():
                found |= visit(d)
            reads[key] = found
        return reads[key]

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    for key in graph:
        visit(key)
    return reads


def test_the_gradients_graph_goes_chunk_by_chunk():
    # the cluster runs this graph (the tests above); it is read here with its data
    # in this process, to run it task by task and measure what each task makes
    x, y = dask.persist(*logistic_dask.data(rows=ROWS, features=FEATURES, chunk=CHUNK,
                                            seed=3), scheduler="sync")
    value, (dw, db) = value_and_grad_loss(W, B, x, y)
    assert dw.shape == (FEATURES,) and dw.numblocks == (1,) and db.shape == ()
    with dask.config.set(scheduler="sync"):
        graph, sizes = _graph_and_sizes(value, dw, db)

    chunks = x.numblocks[0]
    x_keys = {k: k[1] for k in dask.core.flatten(x.__dask_keys__())}
    y_keys = {k: k[1] for k in dask.core.flatten(y.__dask_keys__())}
    chunk_bytes = x.nbytes // chunks
    reads = _chunks_read(graph, x_keys)
    computed = [k for k in graph if k not in x_keys and k not in y_keys]
    assert set(computed) <= set(sizes)
    names = {(k[0] if isinstance(k, tuple) else k).rsplit("-", 1)[0] for k in computed}
    assert not any("rechunk" in n or "concatenate" in n or "from-delayed" in n for n in names)

    per_chunk = [k for k in computed if len(reads[k]) == 1]
    meeting = [k for k in computed if len(reads[k]) > 1]
    # the work on the data: a few tasks a chunk, each reading one chunk of x and y
    # (the same row chunk: row chunks stay aligned)
    for k in per_chunk:
        (i,) = reads[k]
        for d in get_dependencies(graph, k):
            assert d not in x_keys or x_keys[d] == i
            assert d not in y_keys or y_keys[d] == i, (k, d)
    # (5 a chunk with Dask 2026.8; 7 before `x.T @ dt1`'s adjoint went chunk by chunk
    # as one task: its `dt1[..., None]` was one more a chunk, fused with nothing)
    assert len(per_chunk) <= 6 * chunks, len(per_chunk) / chunks
    # where chunks meet, small results meet (partial sums, a chunk's share of dw), a
    # few at a time: tree reductions, no task holding whole chunked arrays
    assert meeting, "the reductions read every chunk"
    small = 64 * FEATURES
    for k in meeting:
        deps = get_dependencies(graph, k)
        assert len(deps) <= 8, (k, len(deps))  # (16 chunks: a flat sum would read 16)
        assert sizes[k] <= small, (k, sizes[k])
        for d in deps:
            assert d not in x_keys and d not in y_keys, (k, d)
            assert sizes[d] <= small, (k, d, sizes[d])
    assert small < chunk_bytes / 10
    # the results: three small arrays at the roots of the trees
    roots = {k for k in computed if not any(k in get_dependencies(graph, o) for o in computed)}
    assert all(len(reads[k]) == chunks for k in roots)


def test_little_moves_between_the_workers(client, data):
    """With each task that reads one row chunk run on the worker holding that chunk,
    what moves between the two workers is the reductions' small partial results: far
    less than one chunk.  (Left to itself, the scheduler also moves some chunks' work
    to the less busy worker: 0.1 to 0.66 MB of x's 1.5 MB over 20 runs, which says
    nothing about the graph, so the test places those tasks.)"""
    x, y = data
    workers = _workers(client)
    for a in (x, y):  # (an earlier test's computation may have copied some)
        assert all(_home(k[1], workers) in at for k, at in client.who_has(a).items())

    value, (dw, db) = value_and_grad_loss(W, B, x, y)
    optimized, graph = _optimized_graph(value, dw, db)
    x_keys = {k: k[1] for k in dask.core.flatten(x.__dask_keys__())}
    reads = _chunks_read(graph, x_keys)
    at_home = {k: [_home(next(iter(r)), workers)] for k, r in reads.items()
               if len(r) == 1 and k not in x_keys}
    assert len(at_home) >= 2 * x.numblocks[0], len(at_home)  # the work on the data

    client.run(lambda dask_worker: dask_worker.transfer_outgoing_log.clear())
    with dask.annotate(workers=lambda key: at_home.get(key, workers),
                       allow_other_workers=False):
        client.compute(list(optimized), optimize_graph=False, sync=True)
    moved = client.run(lambda dask_worker: sum(
        t.get("total", 0) for t in dask_worker.transfer_outgoing_log))
    chunk_bytes = x.nbytes // x.numblocks[0]
    assert sum(moved.values()) < chunk_bytes / 4, moved


def gather(x, w, index):
    return np.sum(x[index] * w) + np.sum(np.take(x, index[::-1], axis=0) ** 2)


def test_scatter_adjoints_go_block_by_block(client):
    """`x[index]`'s adjoint (positions added at, repeats included) on a chunked `x`:
    each block of the result is made from the values that land in it, not from one
    task holding the whole array."""
    rng = np.random.default_rng(5)
    xn, wn = rng.normal(size=(40, 3)), rng.normal(size=(12, 3))
    index = np.array([0, 39, 5, 5, 17, -1, 22, 23, 5, 31, 8, 0])
    expected = s2s.grad(gather)(xn, wn, index)
    x = da.from_array(xn, chunks=(10, 3))
    got = s2s.grad(gather)(x, wn, index)
    assert isinstance(got, da.Array) and got.chunks == x.chunks
    np.testing.assert_allclose(client.compute(got, sync=True), expected, rtol=1e-12)
    with dask.config.set(scheduler="sync"):
        graph, sizes = _graph_and_sizes(got)
    whole = [k for k in graph if sizes.get(k, 0) >= xn.nbytes]  # (one-task scatters did)
    assert not whole, whole


def vector_on_the_left(v, y):
    return np.sum(np.tanh(v @ y))


def vector_on_the_right(x, w):
    return np.sum(np.tanh(x @ w) ** 2)


@pytest.mark.parametrize("f, shapes, chunks", [
    (vector_on_the_left, [(6,), (6, 40)], [2, (2, 10)]),
    (vector_on_the_left, [(6,), (6, 40)], [None, (6, 7)]),
    (vector_on_the_right, [(30, 5), (5,)], [(7, 5), None]),
    (vector_on_the_right, [(3, 20, 5), (5,)], [(1, 7, 2), 2]),
])
def test_products_with_a_vector_go_chunk_by_chunk(f, shapes, chunks):
    """`x @ w`'s adjoints where one side is a vector: one product a chunk, summed in a
    tree (the matrix's chunks are never joined), equal to NumPy's."""
    rng = np.random.default_rng(8)
    args = [rng.normal(size=s) for s in shapes]
    expected = s2s.grad(f, wrt=(0, 1))(*args)
    lazy = [a if c is None else da.from_array(a, chunks=c) for a, c in zip(args, chunks)]
    got = s2s.grad(f, wrt=(0, 1))(*lazy)
    for g, e in zip(dask.compute(*got, scheduler="sync"), expected):
        np.testing.assert_allclose(g, e, rtol=1e-12)
    graph, sizes = _graph_and_sizes(*got)
    biggest = max(a.nbytes for a in args)
    assert max(sizes.values()) < biggest, "a task made an array the size of the data"
