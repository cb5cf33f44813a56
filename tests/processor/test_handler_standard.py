"""Standard queues: BatchProcessor(EventType.SQS) reports only the records that failed."""

from __future__ import annotations

from collections.abc import Callable

from processor_helpers import ProcessorUnderTest, batch, board_scores, failed_ids, redelivered, throttle

from tests.events import load_event

STANDARD = {"LB_QUEUE_TYPE": "standard", "LB_GAME_ID": "puzzle-quest", "LB_SCORING_MODE": "sum"}


def _is_bob(params: dict[str, object]) -> bool:
    return "player-bob" in str(params)


def test_sample_standard_batch_sums_scores(processor_under_test: Callable[..., ProcessorUnderTest]) -> None:
    under_test = processor_under_test(**STANDARD)

    response = under_test.invoke(load_event("sqs_standard_batch"))

    assert response == {"batchItemFailures": []}
    assert board_scores(under_test.dynamodb, "all-time") == {"player-ada": 155, "player-bob": 80}
    assert under_test.metrics() == {"applied": 3}


def test_partial_failure_reports_only_the_failed_record(
    processor_under_test: Callable[..., ProcessorUnderTest],
) -> None:
    under_test = processor_under_test(**STANDARD)
    event = load_event("sqs_standard_batch")
    bob = event["Records"][1]

    with throttle(under_test.dynamodb, "TransactWriteItems", _is_bob):
        response = under_test.invoke(event)

    assert failed_ids(response) == [bob["messageId"]]
    assert board_scores(under_test.dynamodb, "all-time") == {"player-ada": 155}
    assert under_test.metrics() == {"applied": 2, "transient_failures": 1}

    assert under_test.invoke(batch(redelivered(bob))) == {"batchItemFailures": []}
    assert board_scores(under_test.dynamodb, "all-time") == {"player-ada": 155, "player-bob": 80}
