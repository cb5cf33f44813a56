"""Send an invalid event to the dead-letter queue at once, with the reason attached.

The original body is forwarded unchanged so it can be inspected or redriven after a fix.
A failed send raises: the record is then reported as a batch item failure and retried, so an
invalid event is never dropped silently. On a FIFO DLQ the deduplication id is the original
message id, so a retried send inside SQS's 5-minute window is not stored twice.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .config import ProcessorConfig
from .validation import InvalidEvent

FALLBACK_GROUP_ID = "lb-invalid-events"
# SQS message attribute values are part of the 256 KiB budget; keep the reason short.
MAX_REASON_CHARS = 1024


def _string(value: str) -> dict[str, str]:
    return {"DataType": "String", "StringValue": value}


class DeadLetterSender:
    """Dead-letters invalid events of one pipeline."""

    def __init__(self, create_sqs_client: Callable[[], Any], config: ProcessorConfig) -> None:
        """`create_sqs_client` is called once, on the first send (most containers never need it)."""
        self._create_sqs_client = create_sqs_client
        self._sqs: Any = None
        self._config = config
        self._fifo = config.dlq_url.endswith(".fifo")

    @property
    def sqs(self) -> Any:
        """The SQS client, created on first use."""
        if self._sqs is None:
            self._sqs = self._create_sqs_client()
        return self._sqs

    def send(self, record: dict[str, Any], invalid: InvalidEvent) -> None:
        """SendMessage the record's body to the DLQ with `lb-error-*` attributes; raises on failure."""
        attributes = record.get("attributes", {})
        request: dict[str, Any] = {
            "QueueUrl": self._config.dlq_url,
            "MessageBody": record["body"],
            "MessageAttributes": {
                "lb-error-type": _string(invalid.error_type),
                "lb-error-reason": _string(invalid.reason[:MAX_REASON_CHARS]),
                "lb-source-message-id": _string(record["messageId"]),
                "lb-source-queue-arn": _string(record.get("eventSourceARN") or "unknown"),
                "lb-pipeline": _string(f"{self._config.game_id}/{self._config.pipeline}"),
                "lb-receive-count": _string(str(attributes.get("ApproximateReceiveCount", "1"))),
            },
        }
        if self._fifo:
            request["MessageGroupId"] = attributes.get("MessageGroupId") or FALLBACK_GROUP_ID
            request["MessageDeduplicationId"] = record["messageId"]
        self.sqs.send_message(**request)
