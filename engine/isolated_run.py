"""Run a Pulumi program under mocks in isolation, any number of times in one process.

Pulumi keeps its runtime state (settings, root stack, config) in context variables and in the
thread's event loop. `run_isolated` gives every run a thread of its own (a new thread starts
with none of that state), a private event loop with one RPC worker, a fresh set of tracked
outputs, and an `asyncio.run`-style cleanup, so runs cannot leak into each other.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import gc
import secrets
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pulumi
from pulumi.runtime.settings import SETTINGS
from pulumi.runtime.stack import run_pulumi_func
from pulumi.runtime.sync_await import _sync_await

from engine.plan_mocks import PlanMocks, PlanMonitor

PROJECT = "leaderboard"
"""The Pulumi project name (Pulumi.yaml), also the namespace of the stack config keys."""


def _close_thread_event_loop() -> None:
    try:
        loop = asyncio.get_event_loop_policy().get_event_loop()
    except RuntimeError:
        return
    loop.close()
    asyncio.set_event_loop(None)


@contextmanager
def _private_event_loop() -> Iterator[asyncio.AbstractEventLoop]:
    """A fresh loop whose single RPC worker thread is cleaned up too (no leaked loops)."""
    loop = asyncio.new_event_loop()
    rpc_worker = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="plan-rpc")
    loop.set_default_executor(rpc_worker)
    asyncio.set_event_loop(loop)
    failed = False
    try:
        yield loop
    except BaseException:
        failed = True
        raise
    finally:
        _finish_pending_work(loop)
        if failed:
            _retrieve_orphaned_failures(loop)
        rpc_worker.submit(_close_thread_event_loop).result()
        rpc_worker.shutdown(wait=True)
        loop.close()
        asyncio.set_event_loop(None)


def _finish_pending_work(loop: asyncio.AbstractEventLoop) -> None:
    """What `asyncio.run` does before closing its loop.

    After a failed run Pulumi can leave tasks pending (outputs of resources never created).
    Cancelled here, they unwind now; left alone, they would be finalized by some later garbage
    collection and try to schedule callbacks on a closed loop.
    """
    pending = [task for task in asyncio.all_tasks(loop) if not task.done()]
    for task in pending:
        task.cancel()
    if pending:
        loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
    loop.run_until_complete(loop.shutdown_asyncgens())


def _retrieve_orphaned_failures(loop: asyncio.AbstractEventLoop) -> None:
    """Mark the failure Pulumi copied into every output future of a failed run as retrieved.

    The run raises that failure once, to its caller. Left unretrieved, each of those futures
    would report it again ("Future exception was never retrieved") from its finalizer, at
    whatever moment the garbage collector frees it: at exit, or in the middle of unrelated
    code (on CPython 3.11.7, a finalizer running inside `compile()` broke pytest with
    "AST constructor recursion depth mismatch"). Only after a failure, so the heap walk costs
    nothing on the normal path.
    """
    for candidate in gc.get_objects():
        if (
            isinstance(candidate, asyncio.Future)
            and candidate.get_loop() is loop
            and candidate.done()
            and not candidate.cancelled()
        ):
            candidate.exception()


class _CollectorPauses:
    """Let the cyclic garbage collector run far less often while a program runs.

    Pulumi allocates dozens of objects (outputs, futures, tasks) per resource property, so with
    the default thresholds the collector runs thousands of times over a heap that is mostly
    pulumi_aws's own classes. Measured on 200 pipelines (2,600 resources): 11.9 s -> 7.0 s of
    CPU, same peak memory. The setting is process-wide, so the first run in saves it and the
    last one out restores it. (No `gc.freeze()`: it would also freeze other code's garbage and
    release it at some unrelated later moment.)
    """

    THRESHOLDS = (50_000, 20, 100)

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._runs = 0
        self._saved = gc.get_threshold()

    @contextmanager
    def fewer(self) -> Iterator[None]:
        with self._lock:
            if self._runs == 0:
                self._saved = gc.get_threshold()
                gc.set_threshold(*self.THRESHOLDS)
            self._runs += 1
        try:
            yield
        finally:
            with self._lock:
                self._runs -= 1
                if self._runs == 0:
                    gc.set_threshold(*self._saved)


_COLLECTOR = _CollectorPauses()


def _discard(_: object) -> None:
    """The program's return value (if any) is not a Pulumi output: drop it."""


def _resolve(value: Any) -> Any:
    if isinstance(value, pulumi.Output):
        return _resolve(_sync_await(value.future()))
    if isinstance(value, dict):
        return {k: _resolve(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_resolve(v) for v in value]
    return value


def _run_program(
    program: Callable[[], object], config: dict[str, str], stack: str, mocks: PlanMocks
) -> dict[str, Any]:
    with _private_event_loop():
        pulumi.runtime.set_mocks(
            mocks, project=PROJECT, stack=stack, preview=False, monitor=PlanMonitor(mocks)
        )
        # Pulumi keeps the outputs it tracks in a set that `set_mocks` does not replace and that
        # a failed run leaves tasks in (tasks of a loop that is closed by now): start afresh.
        SETTINGS.outputs = set()
        pulumi.runtime.set_all_config(config)
        root = pulumi.runtime.get_root_resource()
        _sync_await(run_pulumi_func(lambda: _discard(program())))
        exported = dict(getattr(root, "outputs", {}))
        return {name: _resolve(value) for name, value in exported.items()}


def run_isolated(
    program: Callable[[], object], config: dict[str, str], stack: str, mocks: PlanMocks
) -> dict[str, Any]:
    """Run `program` under `mocks` in a thread of its own and return its stack outputs.

    Pulumi keeps its runtime state (settings, root stack, config) in context variables and
    the thread's event loop; a new thread starts with none of it, so every run is independent
    and `synthesize` can be called any number of times in one process.
    """
    result: dict[str, Any] = {}
    failure: list[BaseException] = []

    def target() -> None:
        try:
            result.update(_run_program(program, config, stack, mocks))
        except BaseException as error:
            failure.append(error)

    thread = threading.Thread(target=target, name=f"plan-{secrets.token_hex(3)}")
    with _COLLECTOR.fewer():
        thread.start()
        thread.join()
    if failure:
        raise failure[0]
    return result
