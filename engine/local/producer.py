"""Send score events like a game backend does: SendMessageBatch, FIFO group per player.

On FIFO queues every message carries MessageGroupId `{game_id}#{player_id}` (the score-event
contract) and, when content-based deduplication is off, a MessageDeduplicationId derived from
the event id, so an exact duplicate is dropped by SQS just as with content-based deduplication.
Producers pause while their queue holds many undelivered messages (moto slows down with deep
queues; real producers would not need this).
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from engine.local.traffic import OutgoingEvent, TrafficError

BATCH = 10
"""SendMessageBatch takes at most 10 entries."""
MAX_QUEUE_DEPTH = 100
DEPTH_CHECK_EVERY = 3
"""Batches between two looks at the queue depth."""
ROOM_POLL_S = 0.02
MAX_ROOM_POLL_S = 0.2
"""While the queue is full, look at its depth again after this long, backing off to the maximum:
every look is a request the emulator serves under its one GIL, the same one the handlers'
DynamoDB writes need (polling five full queues every 20 ms cost about as much CPU as the writes)."""


@dataclass(frozen=True)
class QueueTarget:
    url: str
    fifo: bool
    content_based_deduplication: bool
    game: str


def deduplication_id(event: OutgoingEvent) -> str:
    """Stable per event id (the body when an invalid event has none); always a valid SQS id."""
    return hashlib.sha256((event.event_id or event.body).encode()).hexdigest()


def _entry(index: int, event: OutgoingEvent, queue: QueueTarget) -> dict[str, Any]:
    entry: dict[str, Any] = {"Id": str(index), "MessageBody": event.body}
    if queue.fifo:
        entry["MessageGroupId"] = f"{queue.game}#{event.player_id}"
        if not queue.content_based_deduplication:
            entry["MessageDeduplicationId"] = deduplication_id(event)
    return entry


class Producer:
    """Sends the events of one pipeline, in order, and reports each accepted batch."""

    def __init__(self, sqs: Any, queue: QueueTarget, on_sent: Callable[[int], None]) -> None:
        self._sqs = sqs
        self._queue = queue
        self._on_sent = on_sent

    def send_all(self, events: Sequence[OutgoingEvent], stop: Callable[[], bool] = lambda: False) -> None:
        for number, start in enumerate(range(0, len(events), BATCH)):
            if stop():
                return
            if number % DEPTH_CHECK_EVERY == 0:
                self._wait_for_room(stop)
            self._send(events[start : start + BATCH])

    def _send(self, chunk: Sequence[OutgoingEvent]) -> None:
        entries = [_entry(i, event, self._queue) for i, event in enumerate(chunk)]
        response = self._sqs.send_message_batch(QueueUrl=self._queue.url, Entries=entries)
        failed = response.get("Failed", [])
        if failed:
            first = failed[0]
            event = chunk[int(first["Id"])]
            raise TrafficError(
                f"{event.source}: SQS rejected the event: {first.get('Code')}: {first.get('Message')}"
            )
        self._on_sent(len(response.get("Successful", [])))

    def _wait_for_room(self, stop: Callable[[], bool]) -> None:
        pause = ROOM_POLL_S
        while not stop():
            attributes = self._sqs.get_queue_attributes(
                QueueUrl=self._queue.url, AttributeNames=["ApproximateNumberOfMessages"]
            )["Attributes"]
            if int(attributes["ApproximateNumberOfMessages"]) < MAX_QUEUE_DEPTH:
                return
            time.sleep(pause)
            pause = min(MAX_ROOM_POLL_S, pause * 2)
