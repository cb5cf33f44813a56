"""The event-source poller against the emulator, with a scripted function instead of the processor."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from engine.local.emulator import Emulator, start_emulator
from engine.local.ledger import Ledger
from engine.local.poller import MappingConfig, MappingPoller, PollerSettings
from engine.local.runtime import Invocation


class ScriptedEnvironment:
    def __init__(
        self, decide: Callable[[list[dict[str, Any]]], list[str]], seen: list[dict[str, Any]]
    ) -> None:
        self._decide = decide
        self._seen = seen
        self.alive = True

    def start(self) -> None:
        pass

    def close(self, kill: bool = False) -> None:
        self.alive = False

    def invoke(self, event: dict[str, Any]) -> Invocation:
        records = event["Records"]
        self._seen.extend(records)
        failed = self._decide(records)
        return Invocation(response={"batchItemFailures": [{"itemIdentifier": i} for i in failed]})


class ScriptedRuntime:
    def __init__(self, decide: Callable[[list[dict[str, Any]]], list[str]]) -> None:
        self.decide = decide
        self.seen: list[dict[str, Any]] = []
        self.lock = threading.Lock()

    def new_environment(self, timeout_factor: float = 1.0) -> ScriptedEnvironment:
        return ScriptedEnvironment(self._locked, self.seen)

    def _locked(self, records: list[dict[str, Any]]) -> list[str]:
        with self.lock:
            return self.decide(records)


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    with start_emulator() as running:
        yield running


def _queues(sqs: Any, max_receive_count: int) -> tuple[str, str, str]:
    dlq = sqs.create_queue(QueueName="p-dlq.fifo", Attributes={"FifoQueue": "true"})["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    redrive = json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": max_receive_count})
    attributes = {"FifoQueue": "true", "ContentBasedDeduplication": "true", "RedrivePolicy": redrive}
    url = sqs.create_queue(QueueName="p.fifo", Attributes=attributes)["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    return url, arn, dlq


def _run(emulator: Emulator, url: str, arn: str, runtime: ScriptedRuntime, workers: int = 2) -> Ledger:
    mapping = MappingConfig("uuid", "f", arn, url, True, 10, 0, 10, True)
    ledger, done = Ledger(), threading.Event()
    done.set()  # everything was sent before polling starts
    poller = MappingPoller(
        mapping, runtime, emulator.client("sqs"), emulator.region, ledger, PollerSettings(workers, 0), done
    )  # type: ignore[arg-type]
    poller.start()
    assert poller.join(timeout_s=60)
    assert not poller.failures
    return ledger


def _send(sqs: Any, url: str, bodies: list[tuple[str, str]]) -> None:
    entries = [{"Id": str(i), "MessageBody": b, "MessageGroupId": g} for i, (g, b) in enumerate(bodies)]
    assert not sqs.send_message_batch(QueueUrl=url, Entries=entries).get("Failed")


def test_exhausted_messages_are_redriven_to_the_dlq(emulator: Emulator) -> None:
    sqs = emulator.client("sqs")
    url, arn, dlq = _queues(sqs, max_receive_count=2)
    _send(sqs, url, [("g1", "a"), ("g2", "b"), ("g3", "c")])
    runtime = ScriptedRuntime(lambda records: [r["messageId"] for r in records])  # always fails

    ledger = _run(emulator, url, arn, runtime)

    assert ledger.snapshot().completed == 0
    counts = sorted(int(r["attributes"]["ApproximateReceiveCount"]) for r in runtime.seen)
    assert counts == [1, 1, 1, 2, 2, 2]  # each delivered maxReceiveCount times, then moved
    dead = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["ApproximateNumberOfMessages"])
    assert dead["Attributes"]["ApproximateNumberOfMessages"] == "3"


def test_fifo_order_holds_across_a_failed_record(emulator: Emulator) -> None:
    sqs = emulator.client("sqs")
    url, arn, _ = _queues(sqs, max_receive_count=5)
    _send(sqs, url, [("g1", "g1-0"), ("g2", "g2-0"), ("g1", "g1-1"), ("g1", "g1-2"), ("g2", "g2-1")])
    failed_once: set[str] = set()

    def decide(records: list[dict[str, Any]]) -> list[str]:
        # Like Powertools' FIFO processor: a failure also fails the rest of its group in the batch.
        failed_groups: set[str] = set()
        failed = []
        for record in records:
            group = record["attributes"]["MessageGroupId"]
            if record["body"] == "g1-0" and "g1-0" not in failed_once:
                failed_once.add("g1-0")
                failed_groups.add(group)
            if group in failed_groups:
                failed.append(record["messageId"])
        return failed

    runtime = ScriptedRuntime(decide)
    ledger = _run(emulator, url, arn, runtime)

    assert ledger.snapshot().completed == 5
    delivered = [r["body"] for r in runtime.seen]
    assert delivered.count("g1-0") == 2  # failed once, retried
    # The last delivery of each message is the one that succeeded: per group, in send order.
    succeeded = {body: max(i for i, b in enumerate(delivered) if b == body) for body in set(delivered)}
    assert succeeded["g1-0"] < succeeded["g1-1"] < succeeded["g1-2"]
    assert succeeded["g2-0"] < succeeded["g2-1"]
