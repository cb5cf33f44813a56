"""FIFO queues: SqsFifoPartialProcessor(skip_group_on_error=True) through process_partial_response."""

from __future__ import annotations

from collections.abc import Callable

from processor_helpers import (
    ProcessorUnderTest,
    batch,
    board_scores,
    failed_ids,
    redelivered,
    throttle,
)

from tests.events import load_event


def _player(params: dict[str, object], player: str) -> bool:
    key = params.get("Key", {})
    return isinstance(key, dict) and key.get("player_id") == {"S": player}


def test_sample_fifo_batch_is_applied_and_counted(
    processor_under_test: Callable[..., ProcessorUnderTest],
) -> None:
    under_test = processor_under_test(LB_SCORING_ORDER="asc")

    response = under_test.invoke(load_event("sqs_fifo_batch"))

    assert response == {"batchItemFailures": []}
    assert board_scores(under_test.dynamodb, "all-time") == {
        "player-ada": 60.25,
        "player-bob": 64.5,
        "player-cy": 59.9,
    }
    assert under_test.metrics() == {"applied": 4}


def test_a_failure_stops_only_its_message_group(
    processor_under_test: Callable[..., ProcessorUnderTest],
) -> None:
    under_test = processor_under_test(LB_SCORING_ORDER="asc")
    event = load_event("sqs_fifo_batch")
    ada_first, _bob, ada_second, _cy = event["Records"]

    with throttle(under_test.dynamodb, "UpdateItem", lambda params: _player(params, "player-ada")):
        response = under_test.invoke(event)

    # ada's first record failed, so her later record is not attempted (order within the group);
    # bob and cy, in other groups, are applied even though cy comes after the failure.
    assert failed_ids(response) == [ada_first["messageId"], ada_second["messageId"]]
    assert board_scores(under_test.dynamodb, "all-time") == {"player-bob": 64.5, "player-cy": 59.9}
    assert under_test.metrics() == {"applied": 2, "transient_failures": 1}

    # SQS redelivers the failed group in order; nothing was lost.
    retry = under_test.invoke(batch(redelivered(ada_first), redelivered(ada_second)))

    assert retry == {"batchItemFailures": []}
    assert board_scores(under_test.dynamodb, "all-time")["player-ada"] == 60.25
    assert under_test.metrics() == {"applied": 2}


def test_a_whole_batch_failure_is_reported_not_raised(
    processor_under_test: Callable[..., ProcessorUnderTest],
) -> None:
    under_test = processor_under_test()
    event = load_event("sqs_fifo_batch")

    with throttle(under_test.dynamodb, "UpdateItem", times=100):
        response = under_test.invoke(event)

    assert failed_ids(response) == [record["messageId"] for record in event["Records"]]
    assert board_scores(under_test.dynamodb, "all-time") == {}


def test_tracing_wraps_the_handler_without_changing_results(
    processor_under_test: Callable[..., ProcessorUnderTest],
) -> None:
    under_test = processor_under_test(LB_TRACING="true", POWERTOOLS_TRACE_DISABLED="false")

    response = under_test.invoke(load_event("sqs_fifo_batch"))

    assert hasattr(under_test.module, "tracer")
    assert response == {"batchItemFailures": []}
    # Order desc: ada's second score (60.25) is below her first (61.873).
    assert under_test.metrics() == {"applied": 3, "ignored": 1}
