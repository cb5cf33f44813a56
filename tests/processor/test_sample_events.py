"""The sample batches in tests/events are shaped exactly as Lambda delivers SQS records."""

from __future__ import annotations

import hashlib
import json

import pytest
from processor.wire import SQSRecord, SQSRecordAttributes

from tests.events import event_names, load_event

FIFO_ATTRIBUTES = {"MessageGroupId", "MessageDeduplicationId", "SequenceNumber"}


def test_the_expected_samples_exist() -> None:
    assert {"sqs_fifo_batch", "sqs_standard_batch", "sqs_fifo_invalid_events"} <= set(event_names())


@pytest.mark.parametrize("name", event_names())
def test_records_have_lambdas_sqs_shape(name: str) -> None:
    records = load_event(name)["Records"]
    assert records
    for record in records:
        assert (
            SQSRecord.__required_keys__
            <= set(record)
            <= SQSRecord.__required_keys__ | SQSRecord.__optional_keys__
        )
        attributes = record["attributes"]
        assert SQSRecordAttributes.__required_keys__ <= set(attributes)
        assert record["eventSource"] == "aws:sqs"
        assert record["md5OfBody"] == hashlib.md5(record["body"].encode()).hexdigest()
        assert int(attributes["ApproximateReceiveCount"]) >= 1
        assert int(attributes["SentTimestamp"]) > 0
        fifo = record["eventSourceARN"].endswith(".fifo")
        assert (set(attributes) >= FIFO_ATTRIBUTES) is fifo
        assert record["eventSourceARN"].startswith(f"arn:aws:sqs:{record['awsRegion']}:")


def test_fifo_groups_follow_the_producer_convention() -> None:
    for record in load_event("sqs_fifo_batch")["Records"]:
        event = json.loads(record["body"])
        assert record["attributes"]["MessageGroupId"] == f"{event['game_id']}#{event['player_id']}"


def test_load_event_returns_an_independent_copy() -> None:
    first = load_event("sqs_fifo_batch")
    first["Records"].clear()
    assert load_event("sqs_fifo_batch")["Records"]
