"""CPU-bound stages of a load on worker processes: ordered, with bounded work in flight.

Feed loads and EHR imports keep everything that touches the database in their own process;
workers get chunks of input and return plain data. At most ``in_flight`` chunks are
submitted and not yet consumed, so memory does not grow with the input, and results come
back in input order.
"""

from __future__ import annotations

import multiprocessing
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any, Literal, TypeVar

In = TypeVar("In")
Out = TypeVar("Out")


def ordered_map(
    fn: Callable[[In], Out],
    chunks: Iterable[In],
    workers: int,
    in_flight: int | None = None,
    *,
    start: Literal["fork", "forkserver"] = "forkserver",
    preload: Sequence[str] = (),
    initializer: Callable[..., object] | None = None,
    initargs: tuple[Any, ...] = (),
) -> Iterator[tuple[In, Out]]:
    """``(chunk, fn(chunk))`` in input order; ``workers == 0`` runs ``fn`` in this process.

    So does a daemonic process (a Celery prefork worker, say): it may not start children.
    ``start``: ``forkserver`` (the default; ``preload`` names the modules the server imports
    once for every worker) is safe in a process that runs threads; ``fork`` lets the workers
    inherit this process's warm caches, for a process that runs none (a command-line load).
    """
    if workers <= 0 or multiprocessing.current_process().daemon:
        for chunk in chunks:
            yield chunk, fn(chunk)
        return
    context = multiprocessing.get_context(start)
    if start == "forkserver" and preload:
        context.set_forkserver_preload(list(preload))
    limit = in_flight or 2 * workers
    pending: deque[tuple[In, Future[Out]]] = deque()
    pool = ProcessPoolExecutor(
        workers, mp_context=context, initializer=initializer, initargs=initargs
    )
    try:
        for chunk in chunks:
            pending.append((chunk, pool.submit(fn, chunk)))
            if len(pending) >= limit:
                done, future = pending.popleft()
                yield done, future.result()
        while pending:
            done, future = pending.popleft()
            yield done, future.result()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
