"""Invalid events go to the DLQ at once, with their reason, and are not retried."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from processor_helpers import (
    ProcessorUnderTest,
    all_items,
    batch,
    board_scores,
    failed_ids,
    make_record,
    receive_all,
    redelivered,
    score_body,
)

from tests.events import load_event

# messageId suffix order of tests/events/sqs_fifo_invalid_events.json -> expected error type.
EXPECTED_SAMPLE_REASONS = [
    ("invalid_json", "body is not valid JSON"),
    ("schema", "event must contain ['score'] properties"),
    ("schema", "event.score must be number"),
    ("schema", "event.score must be number"),
    ("schema", "event.player_id must be longer than or equal to 1 characters"),
    ("schema", "event must contain ['event_id'] properties"),
    ("wrong_game", "game_id 'tower-defense' is not this pipeline's game 'space-race'"),
]


def _attributes(message: dict[str, Any]) -> dict[str, str]:
    return {name: value["StringValue"] for name, value in message["MessageAttributes"].items()}


def test_every_sample_invalid_event_is_dead_lettered_with_its_reason(
    processor_under_test: Callable[..., ProcessorUnderTest],
) -> None:
    under_test = processor_under_test()
    event = load_event("sqs_fifo_invalid_events")

    response = under_test.invoke(event)

    assert response == {"batchItemFailures": []}  # handled: SQS deletes them, no retries
    assert under_test.metrics() == {"dead_lettered": len(event["Records"])}
    assert all_items(under_test.dynamodb) == []
    messages = {
        message["Attributes"]["MessageDeduplicationId"]: message
        for message in receive_all(under_test.sqs, under_test.dlq_url)
    }
    assert len(messages) == len(EXPECTED_SAMPLE_REASONS)
    for record, (error_type, reason) in zip(event["Records"], EXPECTED_SAMPLE_REASONS, strict=True):
        message = messages[record["messageId"]]  # FIFO DLQ: deduplication id = original message id
        attributes = _attributes(message)
        assert attributes["lb-error-type"] == error_type
        assert attributes["lb-error-reason"].startswith(reason)
        assert attributes["lb-source-message-id"] == record["messageId"]
        assert attributes["lb-source-queue-arn"] == record["eventSourceARN"]
        assert attributes["lb-pipeline"] == "space-race/global"
        assert message["Body"] == record["body"]
        assert message["Attributes"]["MessageGroupId"] == record["attributes"]["MessageGroupId"]


@pytest.mark.parametrize(
    ("body", "error_type"),
    [
        ('{"event_id":"n1","game_id":"space-race","player_id":"p","score":NaN}', "invalid_json"),
        ('{"event_id":"n2","game_id":"space-race","player_id":"p","score":1e400}', "score_out_of_range"),
        (score_body("n3", "p", 1e126), "score_out_of_range"),
        (score_body("n4", "p", True), "schema"),
        (score_body("n5", "   ", 5), "invalid_player_id"),
        ('["not", "an", "object"]', "schema"),
        (score_body("n6", "p", 5, timestamp_ms=-1), "schema"),
        (score_body("n7", "p", 5, timestamp_ms=10**17), "timestamp_out_of_range"),
        ('{"event_id":"n8","game_id":"space-race","player_id":"p","score":1,"extra":true}', "schema"),
    ],
)
def test_other_invalid_bodies_are_dead_lettered(
    processor_under_test: Callable[..., ProcessorUnderTest], body: str, error_type: str
) -> None:
    under_test = processor_under_test()

    response = under_test.invoke(batch(make_record(body)))

    assert response == {"batchItemFailures": []}
    [message] = receive_all(under_test.sqs, under_test.dlq_url)
    assert _attributes(message)["lb-error-type"] == error_type
    assert all_items(under_test.dynamodb) == []


def test_non_numeric_player_is_invalid_with_a_number_partition_key(
    processor_under_test: Callable[..., ProcessorUnderTest],
) -> None:
    under_test = processor_under_test(LB_PARTITION_KEY_TYPE="N")

    response = under_test.invoke(
        batch(
            make_record(score_body("k1", "player-ada", 10)),
            make_record(score_body("k2", "0042", 10)),
            make_record(score_body("k3", "42", 10)),
        )
    )

    assert response == {"batchItemFailures": []}
    reasons = sorted(_attributes(m)["lb-error-type"] for m in receive_all(under_test.sqs, under_test.dlq_url))
    assert reasons == ["invalid_player_id", "invalid_player_id"]
    assert board_scores(under_test.dynamodb, "all-time") == {"42": 10}
    assert under_test.metrics() == {"dead_lettered": 2, "applied": 1}


def test_an_invalid_event_does_not_block_its_message_group(
    processor_under_test: Callable[..., ProcessorUnderTest],
) -> None:
    under_test = processor_under_test()
    group = "space-race#player-ada"

    response = under_test.invoke(
        batch(
            make_record(score_body("g1", "player-ada", "oops"), group=group),
            make_record(score_body("g2", "player-ada", 7), group=group),
        )
    )

    assert response == {"batchItemFailures": []}
    assert board_scores(under_test.dynamodb, "all-time") == {"player-ada": 7}


def test_a_redelivered_invalid_event_is_not_dead_lettered_twice(
    processor_under_test: Callable[..., ProcessorUnderTest],
) -> None:
    under_test = processor_under_test()
    record = make_record("not json")

    under_test.invoke(batch(record))
    under_test.invoke(batch(redelivered(record)))

    assert len(receive_all(under_test.sqs, under_test.dlq_url)) == 1


def test_standard_dead_letter_queue_gets_no_group_id(
    processor_under_test: Callable[..., ProcessorUnderTest],
) -> None:
    under_test = processor_under_test(LB_QUEUE_TYPE="standard")

    response = under_test.invoke(batch(make_record("{}", fifo=False)))

    assert response == {"batchItemFailures": []}
    [message] = receive_all(under_test.sqs, under_test.dlq_url)
    assert "MessageGroupId" not in message["Attributes"]
    assert _attributes(message)["lb-error-type"] == "schema"


def test_a_failed_dead_letter_send_is_retried_not_lost(
    processor_under_test: Callable[..., ProcessorUnderTest],
) -> None:
    under_test = processor_under_test()
    record = make_record("not json")
    under_test.sqs.delete_queue(QueueUrl=under_test.dlq_url)

    response = under_test.invoke(batch(record))

    assert failed_ids(response) == [record["messageId"]]
    assert under_test.metrics() == {"transient_failures": 1}
