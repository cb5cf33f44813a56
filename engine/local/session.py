"""One local-mode run: emulator up, deploy, wire, traffic through, count, read the boards.

`run_local(options)` returns a `RunResult`; it raises `LocalModeError` (with a message meant
for the user) for bad input or a failed deploy, and never leaves a thread or child process
behind.
"""

from __future__ import annotations

import json
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager, ExitStack, nullcontext, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from engine.local.boards import BoardReader
from engine.local.deploy import deploy
from engine.local.emulator import Emulator, start_emulator
from engine.local.ledger import Ledger, Snapshot
from engine.local.poller import MappingPoller, PollerSettings
from engine.local.producer import Producer
from engine.local.resources.base import DeployError
from engine.local.runtime import FunctionInitError, start_all
from engine.local.traffic import OutgoingEvent, Target, TrafficError, generate, read_events_file
from engine.local.wiring import WiredPipeline, wire_pipeline
from engine.model import Deployment

STALL_TIMEOUT_S = 120.0
"""Give up when no message was completed for this long (reported as unaccounted events)."""


DLQ_SOURCE_ATTRIBUTE = "lb-source-message-id"
"""Message attribute the processor puts on every event it dead-letters: the source message id."""
SHUTDOWN_GRACE_S = 10.0
"""At shutdown, running invocations get this long (in total) before their environments are killed."""


class LocalModeError(Exception):
    """Bad input or a failed deploy; `str()` is the message for the user."""


@dataclass(frozen=True)
class LocalOptions:
    manifests: Path
    environment: str
    events: int = 1000
    events_file: Path | None = None
    poison_rate: float = 0.01
    seed: int = 7
    region: str = "us-east-1"
    poller: PollerSettings = field(default_factory=PollerSettings)
    fault: Callable[[], AbstractContextManager[Any]] | None = None
    """Entered while traffic flows (fault injection, e.g. engine.local.faults)."""
    progress: Callable[[int, int], None] | None = None
    """Called with (completed, sent) about twice a second."""


@dataclass(frozen=True)
class PipelineResult:
    game: str
    pipeline: str
    sent: int
    applied: int
    ignored: int
    dead_lettered: int
    deduplicated: int
    board: str
    top: list[dict[str, Any]]
    details: Snapshot
    redriven: int
    """Dead-lettered by SQS redrive (retries exhausted), not by the handler."""

    @property
    def unaccounted(self) -> int:
        return self.sent - (self.applied + self.ignored + self.dead_lettered + self.deduplicated)


@dataclass(frozen=True)
class RunResult:
    pipelines: list[PipelineResult]
    elapsed_s: float
    """Traffic phase: first send until every queue is drained."""
    setup_s: float
    """Emulator start, deploy and execution-environment start."""
    notes: list[str]
    events: list[OutgoingEvent]

    @property
    def sent(self) -> int:
        return sum(p.sent for p in self.pipelines)

    @property
    def events_per_s(self) -> float:
        return self.sent / self.elapsed_s if self.elapsed_s > 0 else 0.0

    @property
    def ok(self) -> bool:
        return all(p.unaccounted == 0 and p.details.completed_twice == 0 for p in self.pipelines)


def load_deployment(manifests: Path, environment: str) -> Deployment:
    from engine.manifest import load_deployment as load
    from engine.model import ENVIRONMENT_NAME

    if not ENVIRONMENT_NAME.match(environment):
        raise LocalModeError(f"--environment {environment!r} must match {ENVIRONMENT_NAME.pattern}")
    deployment, diagnostics = load([manifests], environment)
    errors = [d.format_text() for d in diagnostics if d.is_error]
    if errors or deployment is None:
        raise LocalModeError("\n".join(errors) or f"{manifests}: no valid manifests")
    if not deployment.pipelines:
        raise LocalModeError(f"{manifests}: no manifests found")
    return deployment


def plan_traffic(options: LocalOptions, targets: Sequence[Target]) -> list[OutgoingEvent]:
    if options.events_file is not None:
        return read_events_file(options.events_file, targets)
    if options.events < 0:
        raise LocalModeError("--events must be 0 or more")
    if not 0.0 <= options.poison_rate <= 0.5:
        raise LocalModeError("--poison-rate must be between 0 and 0.5")
    return generate(targets, options.events, options.poison_rate, options.seed, int(time.time() * 1000))


def run_local(options: LocalOptions) -> RunResult:
    deployment = load_deployment(options.manifests, options.environment)
    targets = [Target.of(spec) for spec in deployment.pipelines]
    try:
        events = plan_traffic(options, targets)
    except TrafficError as error:
        raise LocalModeError(str(error)) from error
    started = time.monotonic()
    with start_emulator(options.region) as emulator, tempfile.TemporaryDirectory(prefix="lb-local-") as tmp:
        pipelines = _deploy_and_wire(emulator, options, deployment, Path(tmp))
        return _Run(emulator, options, pipelines, events, started).execute()


def _deploy_and_wire(
    emulator: Emulator, options: LocalOptions, deployment: Deployment, code_root: Path
) -> list[WiredPipeline]:
    try:
        deployed = deploy(emulator, options.manifests, options.environment)
        return [wire_pipeline(spec, emulator, deployed.context, code_root) for spec in deployment.pipelines]
    except DeployError as error:
        raise LocalModeError(f"deploy into the emulator failed: {error}") from error


class _Run:
    """The traffic phase and the report of one run."""

    def __init__(
        self,
        emulator: Emulator,
        options: LocalOptions,
        pipelines: list[WiredPipeline],
        events: list[OutgoingEvent],
        started: float,
    ) -> None:
        self.emulator = emulator
        self.options = options
        self.pipelines = pipelines
        self.events = events
        self.started = started
        self.sqs = emulator.client("sqs")
        self.ledgers = {p.spec.key: Ledger() for p in pipelines}
        self.producers_done = threading.Event()
        self.stop = threading.Event()
        self.failures: list[BaseException] = []
        self.pollers = [
            MappingPoller(
                p.mapping,
                p.runtime,
                self.sqs,
                emulator.region,
                self.ledgers[p.spec.key],
                options.poller,
                self.producers_done,
            )
            for p in pipelines
            if p.mapping.enabled
        ]

    def execute(self) -> RunResult:
        with ExitStack() as stack:
            stack.callback(self._shutdown)
            environments = [e for poller in self.pollers for e in poller.prepare()]
            try:
                start_all(environments)
            except FunctionInitError as error:
                raise LocalModeError(str(error)) from error
            for poller in self.pollers:
                poller.start()
            setup_s = time.monotonic() - self.started
            traffic_started = time.monotonic()
            with self.options.fault() if self.options.fault else nullcontext():
                self._send_and_drain()
            elapsed = time.monotonic() - traffic_started
        self._raise_failures()
        results = [self._result(p) for p in self.pipelines]
        return RunResult(results, elapsed, setup_s, self._notes(), self.events)

    # -- traffic ------------------------------------------------------------------------
    def _send_and_drain(self) -> None:
        producers = [self._producer_thread(p) for p in self.pipelines]
        for thread in producers:
            thread.start()
        last_progress, last_change = -1, time.monotonic()
        while not self.stop.is_set():
            for thread in producers:
                thread.join(timeout=0.0)
            if not any(t.is_alive() for t in producers):
                self.producers_done.set()
            if (
                all(not t.is_alive() for p in self.pollers for t in p._threads)
                and self.producers_done.is_set()
            ):
                break
            done = sum(ledger.progress for ledger in self.ledgers.values())
            if done != last_progress:
                last_progress, last_change = done, time.monotonic()
            elif time.monotonic() - last_change > STALL_TIMEOUT_S:
                break
            self._report_progress(done)
            self._collect_failures()
            time.sleep(0.1)
        self._report_progress(sum(ledger.progress for ledger in self.ledgers.values()))

    def _producer_thread(self, pipeline: WiredPipeline) -> threading.Thread:
        events = [e for e in self.events if e.target == pipeline.spec.key]
        producer = Producer(self.sqs, pipeline.queue, self.ledgers[pipeline.spec.key].sent)

        def send() -> None:
            try:
                producer.send_all(events, stop=self.stop.is_set)
            except BaseException as error:
                self.failures.append(error)
                self.stop.set()

        return threading.Thread(target=send, name=f"producer-{pipeline.spec.key}", daemon=True)

    def _report_progress(self, done: int) -> None:
        if self.options.progress is not None:
            sent = sum(ledger.snapshot().sent for ledger in self.ledgers.values())
            self.options.progress(done, max(sent, len(self.events)))

    def _collect_failures(self) -> None:
        for poller in self.pollers:
            if poller.failures:
                self.failures.extend(poller.failures)
                poller.failures.clear()
                self.stop.set()

    def _shutdown(self) -> None:
        self.stop.set()
        self.producers_done.set()
        for poller in self.pollers:
            poller.stop()
        deadline = time.monotonic() + SHUTDOWN_GRACE_S
        for poller in self.pollers:
            if not poller.join(timeout_s=max(0.0, deadline - time.monotonic())):
                poller.kill()
        self._collect_failures()

    def _raise_failures(self) -> None:
        if not self.failures:
            return
        error = self.failures[0]
        if isinstance(error, TrafficError | FunctionInitError):
            raise LocalModeError(str(error)) from error
        raise error

    # -- report -------------------------------------------------------------------------
    def _dead_letter_count(self, pipeline: WiredPipeline) -> int:
        """Distinct source messages in the DLQ.

        A FIFO DLQ deduplicates by itself (the processor's deduplication id is the source
        message id). A standard one can hold the same invalid event twice when an invocation
        that had already dead-lettered it timed out and the event was retried, so its messages
        are read and counted by source message id (`lb-source-message-id`, set by the
        processor; a redriven message keeps its own id).
        """
        url = pipeline.dead_letter_queue_url
        if pipeline.queue.fifo:
            attributes = self.sqs.get_queue_attributes(
                QueueUrl=url,
                AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
            )["Attributes"]
            return sum(int(value) for value in attributes.values())
        sources: set[str] = set()
        while True:
            messages = self.sqs.receive_message(
                QueueUrl=url, MaxNumberOfMessages=10, MessageAttributeNames=["All"], VisibilityTimeout=600
            ).get("Messages", [])
            if not messages:
                return len(sources)
            for message in messages:
                source = message.get("MessageAttributes", {}).get(DLQ_SOURCE_ATTRIBUTE, {})
                sources.add(source.get("StringValue") or message["MessageId"])

    def _latest_timestamp(self, pipeline: WiredPipeline) -> int:
        latest = 0
        for event in self.events:
            if event.target != pipeline.spec.key:
                continue
            with suppress(ValueError, AttributeError):
                timestamp = json.loads(event.body).get("timestamp")
                if isinstance(timestamp, int) and 0 <= timestamp < 253_402_300_800_000:
                    latest = max(latest, timestamp)
        return latest or int(time.time() * 1000)

    def _top(self, pipeline: WiredPipeline) -> tuple[str, list[dict[str, Any]]]:
        reader = BoardReader(
            pipeline.runtime.code_dir, pipeline.function.variables, self.emulator.client("dynamodb")
        )
        try:
            board = reader.report_board(self._latest_timestamp(pipeline))
            return board, reader.top(board, 10)
        finally:
            reader.close()

    def _result(self, pipeline: WiredPipeline) -> PipelineResult:
        snapshot = self.ledgers[pipeline.spec.key].snapshot()
        dead_lettered = self._dead_letter_count(pipeline)
        board, top = self._top(pipeline)
        return PipelineResult(
            game=pipeline.spec.game,
            pipeline=pipeline.spec.name,
            sent=snapshot.sent,
            applied=snapshot.applied,
            ignored=snapshot.ignored,
            dead_lettered=dead_lettered,
            deduplicated=snapshot.sent - snapshot.delivered,
            board=board,
            top=top,
            details=snapshot,
            redriven=dead_lettered - snapshot.handler_dead_lettered,
        )

    def _notes(self) -> list[str]:
        settings = self.options.poller
        notes = [
            f"failed records become visible again after {settings.retry_visibility_s}s "
            "(AWS: the queue's visibility timeout, "
            + ", ".join(f"{p.spec.key} {p.visibility_timeout_s}s" for p in self.pipelines)
            + ")",
            f"up to {settings.max_workers} execution environments per mapping (mappings allow "
            + ", ".join(f"{p.spec.key} {p.mapping.max_concurrency}" for p in self.pipelines)
            + ")",
        ]
        notes.append(
            f"function timeouts are enforced {settings.timeout_factor:g}x longer "
            "(the emulator is much slower than AWS)"
        )
        if any(p.mapping.batching_window_s and not p.mapping.fifo for p in self.pipelines):
            notes.append("batching windows end early once every producer is done and the queue is empty")
        disabled = [p.spec.key for p in self.pipelines if not p.mapping.enabled]
        if disabled:
            notes.append(f"mapping disabled, not polled: {', '.join(disabled)}")
        return notes
