"""FIFO queues: Powertools' SqsFifoPartialProcessor with skip_group_on_error."""

from __future__ import annotations

from collections.abc import Callable

from processor_helpers import (
    ProcessorUnderTest,
    board_scores,
)

from tests.events import load_event


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
