"""Typed wire shapes: what Lambda delivers from SQS, what it expects back, and the score event.

Key spellings follow the AWS payloads exactly (camelCase for records, PascalCase for the
system attributes), so these types document the real JSON rather than a translation of it.
"""

from typing import Any, Literal, NotRequired, TypedDict


class SQSMessageAttribute(TypedDict):
    stringValue: NotRequired[str]
    binaryValue: NotRequired[str]
    stringListValues: list[str]
    binaryListValues: list[str]
    dataType: str


class SQSRecordAttributes(TypedDict):
    ApproximateReceiveCount: str
    SentTimestamp: str
    SenderId: str
    ApproximateFirstReceiveTimestamp: str
    AWSTraceHeader: NotRequired[str]
    # FIFO queues only.
    MessageGroupId: NotRequired[str]
    MessageDeduplicationId: NotRequired[str]
    SequenceNumber: NotRequired[str]
    # Set when the message was moved from a source queue by a redrive.
    DeadLetterQueueSourceArn: NotRequired[str]


class SQSRecord(TypedDict):
    messageId: str
    receiptHandle: str
    body: str
    attributes: SQSRecordAttributes
    messageAttributes: dict[str, SQSMessageAttribute]
    md5OfBody: str
    md5OfMessageAttributes: NotRequired[str | None]
    eventSource: Literal["aws:sqs"]
    eventSourceARN: str
    awsRegion: str


class SQSEvent(TypedDict):
    Records: list[SQSRecord]


class BatchItemFailure(TypedDict):
    itemIdentifier: str


class PartialBatchResponse(TypedDict):
    """The handler's return value; Lambda deletes every record not listed here."""

    batchItemFailures: list[BatchItemFailure]


class ScoreEvent(TypedDict):
    """The SQS message body (schemas/score-event.schema.json)."""

    event_id: str
    game_id: str
    player_id: str
    score: int | float
    timestamp: NotRequired[int]
    metadata: NotRequired[dict[str, Any]]


Outcome = Literal["applied", "ignored", "dead_lettered"]
"""The bucket every event ends in; each is also the name of a CloudWatch metric."""
