"""Lambda's SQS event source mapping, for one mapping: poll, invoke, delete, retry.

Per worker thread (one execution environment each, up to the mapping's maximum concurrency,
capped locally): ReceiveMessage up to the batch size (on standard queues gathering more
receives until the batch is full or the batching window has passed), invoke the real handler
with the event Lambda would build, delete the records the handler did not report in
`batchItemFailures`, and leave the reported ones to reappear. Redrive to the DLQ is SQS's own
(moto moves a message whose receive count reached maxReceiveCount when it is next received).
FIFO order is SQS's: a group with a message in flight is not delivered again until that
message is deleted or visible again.

Two local shortcuts, reported in the output: failed records become visible again after
`retry_visibility_s` instead of the queue's visibility timeout, and once every producer is done
a batching window ends as soon as a receive comes back empty.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from engine.local.ledger import Ledger, emf_counts
from engine.local.runtime import ExecutionEnvironment, FunctionRuntime
from engine.local.sqs_event import sqs_event

MAX_RECEIVE = 10
"""SQS returns at most 10 messages per ReceiveMessage."""

IDLE_SLEEP_S = 0.02
MAX_IDLE_SLEEP_S = 0.5
"""Empty receives back off up to this (Lambda long-polls; moto answers every poll in-process)."""


@dataclass(frozen=True)
class MappingConfig:
    """An event source mapping as the emulator holds it, with its queue."""

    uuid: str
    function_name: str
    queue_arn: str
    queue_url: str
    fifo: bool
    batch_size: int
    batching_window_s: int
    max_concurrency: int
    enabled: bool


@dataclass(frozen=True)
class PollerSettings:
    max_workers: int = 2
    """Local cap on concurrent execution environments per mapping (threads on a small machine)."""
    retry_visibility_s: int = 1
    """How soon a failed record is visible again (AWS: the queue's visibility timeout)."""
    timeout_factor: float = 10.0
    """Function timeouts are enforced this many times longer: moto is far slower than AWS."""


class MappingPoller:
    """Runs the worker threads of one mapping until the queue is drained and producers are done."""

    def __init__(
        self,
        mapping: MappingConfig,
        runtime: FunctionRuntime,
        sqs: Any,
        region: str,
        ledger: Ledger,
        settings: PollerSettings,
        producers_done: threading.Event,
    ) -> None:
        self.mapping = mapping
        self._runtime = runtime
        self._sqs = sqs
        self._region = region
        self._ledger = ledger
        self._settings = settings
        self._producers_done = producers_done
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._environments: list[ExecutionEnvironment] = []
        self.failures: list[BaseException] = []

    @property
    def workers(self) -> int:
        return max(1, min(self.mapping.max_concurrency, self._settings.max_workers))

    def prepare(self) -> list[ExecutionEnvironment]:
        """Create (not yet start) one execution environment per worker."""
        factor = self._settings.timeout_factor
        self._environments = [self._runtime.new_environment(factor) for _ in range(self.workers)]
        return list(self._environments)

    def start(self) -> None:
        """Start polling; `prepare()` first (environments not started yet start on first use)."""
        if not self._environments:
            self.prepare()
        for index, environment in enumerate(self._environments):
            thread = threading.Thread(
                target=self._guarded,
                args=(environment,),
                name=f"poller-{self.mapping.function_name}-{index}",
                daemon=True,
            )
            self._threads.append(thread)
            thread.start()

    def stop(self) -> None:
        self._stop.set()

    def kill(self) -> None:
        """Last resort at shutdown: end every execution environment, even mid-invocation."""
        for environment in self._environments:
            environment.close(kill=True)

    @property
    def running(self) -> bool:
        return any(thread.is_alive() for thread in self._threads)

    def join(self, timeout_s: float | None = None) -> bool:
        deadline = None if timeout_s is None else time.monotonic() + timeout_s
        for thread in self._threads:
            thread.join(None if deadline is None else max(0.0, deadline - time.monotonic()))
        return not any(t.is_alive() for t in self._threads)

    def _guarded(self, environment: ExecutionEnvironment) -> None:
        try:
            self._work(environment)
        except BaseException as error:  # surfaced by the session, never lost in a thread
            self.failures.append(error)
            self._stop.set()

    def _work(self, environment: ExecutionEnvironment) -> None:
        idle = IDLE_SLEEP_S
        try:
            while not self._stop.is_set():
                messages = self._collect()
                if messages:
                    self._process(environment.invoke, messages)
                    idle = IDLE_SLEEP_S
                elif self._drained():
                    return
                else:
                    self._stop.wait(idle)
                    idle = min(MAX_IDLE_SLEEP_S, idle * 2)
        finally:
            environment.close()

    # -- polling ------------------------------------------------------------------------
    def _receive(self, count: int) -> list[dict[str, Any]]:
        response = self._sqs.receive_message(
            QueueUrl=self.mapping.queue_url,
            MaxNumberOfMessages=min(MAX_RECEIVE, count),
            MessageSystemAttributeNames=["All"],
            MessageAttributeNames=["All"],
            WaitTimeSeconds=0,
        )
        messages: list[dict[str, Any]] = response.get("Messages", [])
        return messages

    def _collect(self) -> list[dict[str, Any]]:
        """One batch: a single receive, or (standard queue with a window) several."""
        batch = self._receive(self.mapping.batch_size)
        window = self.mapping.batching_window_s
        if not batch or self.mapping.fifo or window == 0:
            return batch
        deadline = time.monotonic() + window
        while len(batch) < self.mapping.batch_size and time.monotonic() < deadline:
            more = self._receive(self.mapping.batch_size - len(batch))
            if more:
                batch.extend(more)
            elif self._producers_done.is_set():
                break  # local shortcut: nothing more is coming
            else:
                time.sleep(IDLE_SLEEP_S)
        return batch

    def _drained(self) -> bool:
        if not self._producers_done.is_set():
            return False
        attributes = self._sqs.get_queue_attributes(
            QueueUrl=self.mapping.queue_url,
            AttributeNames=[
                "ApproximateNumberOfMessages",
                "ApproximateNumberOfMessagesNotVisible",
                "ApproximateNumberOfMessagesDelayed",
            ],
        )["Attributes"]
        return all(int(value) == 0 for value in attributes.values())

    # -- one invocation -----------------------------------------------------------------
    def _process(self, invoke: Callable[[dict[str, Any]], Any], messages: Sequence[dict[str, Any]]) -> None:
        self._ledger.delivered(m["MessageId"] for m in messages)
        invocation = invoke(sqs_event(messages, self.mapping.queue_arn, self._region))
        failed_ids, error = _failed_ids(invocation.response, invocation.error, messages)
        self._ledger.invoked(emf_counts(invocation.logs), error)
        succeeded = [m for m in messages if m["MessageId"] not in failed_ids]
        retried = [m for m in messages if m["MessageId"] in failed_ids]
        self._delete(succeeded)
        self._retry_soon(retried)

    def _delete(self, messages: Sequence[dict[str, Any]]) -> None:
        for chunk in _chunks(messages):
            entries = [{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(chunk)]
            response = self._sqs.delete_message_batch(QueueUrl=self.mapping.queue_url, Entries=entries)
            deleted = {entry["Id"] for entry in response.get("Successful", [])}
            self._ledger.completed(m["MessageId"] for i, m in enumerate(chunk) if str(i) in deleted)

    def _retry_soon(self, messages: Sequence[dict[str, Any]]) -> None:
        for chunk in _chunks(messages):
            entries = [
                {
                    "Id": str(i),
                    "ReceiptHandle": m["ReceiptHandle"],
                    "VisibilityTimeout": self._settings.retry_visibility_s,
                }
                for i, m in enumerate(chunk)
            ]
            self._sqs.change_message_visibility_batch(QueueUrl=self.mapping.queue_url, Entries=entries)


def _chunks(items: Sequence[dict[str, Any]], size: int = MAX_RECEIVE) -> list[Sequence[dict[str, Any]]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


def _failed_ids(
    response: Any, error: str | None, messages: Sequence[dict[str, Any]]
) -> tuple[set[str], str | None]:
    """Which records Lambda would return to the queue, and the invocation error if any.

    A function error, or a response that is not a valid partial batch response, fails the
    whole batch (as Lambda does with ReportBatchItemFailures).
    """
    every_id = {m["MessageId"] for m in messages}
    if error is not None:
        return every_id, error
    failures = response.get("batchItemFailures") if isinstance(response, dict) else None
    if not isinstance(failures, list):
        return every_id, "invalid partial batch response"
    ids = {item.get("itemIdentifier") for item in failures if isinstance(item, dict)}
    if not ids <= every_id:
        return every_id, "batchItemFailures names a record that was not in the batch"
    return {str(i) for i in ids}, None
