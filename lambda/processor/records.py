"""One SQS record -> exactly one bucket (applied, ignored, dead_lettered) or an exception.

An exception means "transient: retry me": the batch processor reports the record in
`batchItemFailures` and SQS redelivers it (and, after max_receive_count, redrives it to the
DLQ). Invalid events never raise: they are dead-lettered and count as handled.
"""

from __future__ import annotations

import time
from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from .dead_letter import DeadLetterSender
from .scoring import ScoreWriter
from .validation import EventValidator, InvalidEvent
from .wire import Outcome

TRANSIENT_FAILURES = "transient_failures"


class RecordHandler:
    """The Powertools record handler: validate, then write or dead-letter, then count."""

    def __init__(
        self,
        validator: EventValidator,
        writer: ScoreWriter,
        dead_letters: DeadLetterSender,
        metrics: Metrics,
        logger: Logger,
    ) -> None:
        self._validator = validator
        self._writer = writer
        self._dead_letters = dead_letters
        self._metrics = metrics
        self._logger = logger

    def __call__(self, record: SQSRecord) -> Outcome:
        try:
            outcome = self._handle(record.raw_event)
        except Exception:
            self._metrics.add_metric(name=TRANSIENT_FAILURES, unit=MetricUnit.Count, value=1)
            raise
        self._metrics.add_metric(name=outcome, unit=MetricUnit.Count, value=1)
        return outcome

    def _handle(self, record: dict[str, Any]) -> Outcome:
        sent_timestamp = record.get("attributes", {}).get("SentTimestamp")
        sent_ms = int(sent_timestamp) if sent_timestamp else int(time.time() * 1000)
        try:
            event = self._validator.parse(record["body"], sent_ms)
        except InvalidEvent as invalid:
            self._dead_letters.send(record, invalid)
            self._logger.warning(
                "invalid event dead-lettered",
                extra={
                    "message_id": record["messageId"],
                    "error_type": invalid.error_type,
                    "reason": invalid.reason,
                },
            )
            return "dead_lettered"
        outcome = self._writer.apply(event)
        self._logger.debug(
            "event scored",
            extra={"event_id": event.event_id, "player_id": event.player_id, "outcome": outcome},
        )
        return outcome
