"""best (asc and desc), latest (out of order) and sum (exactly once per event id)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from processor_helpers import (
    ProcessorUnderTest,
    all_items,
    batch,
    board_scores,
    failed_ids,
    make_record,
    redelivered,
    score_body,
    throttle,
)

T0 = 1_796_378_400_000  # 2026-12-04T10:00:00Z


def _scores(under_test: ProcessorUnderTest, board: str = "all-time") -> dict[str, float]:
    return board_scores(under_test.dynamodb, board)


@pytest.mark.parametrize(("order", "expected"), [("desc", 90), ("asc", 40)])
def test_best_keeps_the_best_score_for_the_order(
    processor_under_test: Callable[..., ProcessorUnderTest], order: str, expected: int
) -> None:
    under_test = processor_under_test(LB_SCORING_MODE="best", LB_SCORING_ORDER=order)
    scores = [70, 90, 40, 80]

    under_test.invoke(batch(*(make_record(score_body(f"b{i}", "p1", s)) for i, s in enumerate(scores))))

    assert _scores(under_test) == {"p1": expected}
    # First score applies; then desc: 90 applies, 40 and 80 not; asc: 40 applies, 90 and 80 not.
    assert under_test.metrics() == {"applied": 2, "ignored": 2}


def test_best_treats_an_equal_score_as_ignored_and_keeps_the_first_holder(
    processor_under_test: Callable[..., ProcessorUnderTest],
) -> None:
    under_test = processor_under_test(LB_SCORING_MODE="best")

    under_test.invoke(
        batch(make_record(score_body("t1", "p1", 50)), make_record(score_body("t2", "p1", 50.0)))
    )

    [item] = all_items(under_test.dynamodb)
    assert item["event_id"] == {"S": "t1"}
    assert under_test.metrics() == {"applied": 1, "ignored": 1}


def test_best_keeps_the_metadata_of_the_winning_event(
    processor_under_test: Callable[..., ProcessorUnderTest],
) -> None:
    under_test = processor_under_test(LB_SCORING_MODE="best")
    with_metadata = (
        '{"event_id":"m1","game_id":"space-race","player_id":"p1","score":5,"metadata":{"car":"comet"}}'
    )

    under_test.invoke(batch(make_record(with_metadata)))
    [item] = all_items(under_test.dynamodb)
    assert item["metadata"] == {"S": '{"car":"comet"}'}

    under_test.invoke(batch(make_record(score_body("m2", "p1", 6))))
    [item] = all_items(under_test.dynamodb)
    assert "metadata" not in item


def test_latest_applies_the_newest_timestamp_whatever_the_delivery_order(
    processor_under_test: Callable[..., ProcessorUnderTest],
) -> None:
    under_test = processor_under_test(LB_SCORING_MODE="latest", LB_QUEUE_TYPE="standard")
    newest = make_record(score_body("l3", "p1", 10, timestamp_ms=T0 + 3000), fifo=False)
    older = make_record(score_body("l1", "p1", 99, timestamp_ms=T0 + 1000), fifo=False)
    middle = make_record(score_body("l2", "p1", 50, timestamp_ms=T0 + 2000), fifo=False)

    under_test.invoke(batch(newest, older))
    under_test.invoke(batch(middle, redelivered(newest)))

    assert _scores(under_test) == {"p1": 10}
    [item] = all_items(under_test.dynamodb)
    assert item["event_ts"] == {"N": str(T0 + 3000)}
    assert under_test.metrics() == {"applied": 1, "ignored": 3}


def test_latest_breaks_a_timestamp_tie_by_event_id(
    processor_under_test: Callable[..., ProcessorUnderTest],
) -> None:
    under_test = processor_under_test(LB_SCORING_MODE="latest")

    under_test.invoke(
        batch(
            make_record(score_body("evt-b", "p1", 2, timestamp_ms=T0)),
            make_record(score_body("evt-a", "p1", 1, timestamp_ms=T0)),
        )
    )

    assert _scores(under_test) == {"p1": 2}


SUM = {"LB_SCORING_MODE": "sum", "LB_WINDOWS": "all-time,monthly"}


def test_sum_adds_each_event_once_across_duplicates_and_batch_retries(
    processor_under_test: Callable[..., ProcessorUnderTest],
) -> None:
    under_test = processor_under_test(**SUM, LB_QUEUE_TYPE="standard")
    first = make_record(score_body("s1", "p1", 10), fifo=False)
    second = make_record(score_body("s2", "p1", 5), fifo=False)
    # The producer re-sent s1 as a new message (new message id, same event id).
    resent = make_record(score_body("s1", "p1", 10), fifo=False)

    under_test.invoke(batch(first, second, redelivered(first), resent))
    # The whole batch delivered again (e.g. the function timed out before answering).
    under_test.invoke(batch(redelivered(first), redelivered(second), resent))

    assert _scores(under_test) == {"p1": 15}
    assert _scores(under_test, "monthly#2026-12") == {"p1": 15}
    assert under_test.metrics() == {"applied": 2, "ignored": 5}


def test_sum_keeps_a_ttl_marker_per_applied_event(
    processor_under_test: Callable[..., ProcessorUnderTest],
) -> None:
    under_test = processor_under_test(**SUM, LB_DEDUP_TTL_S="600")

    under_test.invoke(batch(make_record(score_body("s1", "p1", 10))))

    markers = [item for item in all_items(under_test.dynamodb) if item["board"]["S"].startswith("event#")]
    assert [marker["board"]["S"] for marker in markers] == ["event#s1"]
    assert "board_shard" not in markers[0]  # not on the score index
    assert "score" not in markers[0]
    assert int(markers[0]["expires_at"]["N"]) == pytest.approx(
        int(markers[0]["updated_at"]["N"]) // 1000 + 600, abs=2
    )


def test_a_throttled_sum_is_not_half_applied_and_its_retry_applies_it_exactly_once(
    processor_under_test: Callable[..., ProcessorUnderTest],
) -> None:
    under_test = processor_under_test(**SUM)
    record = make_record(score_body("s1", "p1", 10))

    with throttle(under_test.dynamodb, "TransactWriteItems") as throttled:
        response = under_test.invoke(batch(record))

    assert len(throttled) == 1
    assert failed_ids(response) == [record["messageId"]]
    assert all_items(under_test.dynamodb) == []  # neither the marker nor any board

    under_test.invoke(batch(redelivered(record)))
    under_test.invoke(batch(redelivered(record)))

    assert _scores(under_test) == {"p1": 10}
    assert _scores(under_test, "monthly#2026-12") == {"p1": 10}
    assert under_test.metrics() == {"transient_failures": 1, "applied": 1, "ignored": 1}


def test_a_sum_whose_response_was_lost_is_ignored_on_retry_not_added_twice(
    processor_under_test: Callable[..., ProcessorUnderTest],
) -> None:
    """The transaction commits but the client never hears back (timeout after commit)."""
    under_test = processor_under_test(**SUM)
    record = make_record(score_body("s1", "p1", 10))
    lost: list[str] = []

    def lose_response(**_: object) -> None:
        if not lost:
            lost.append("lost")
            raise TimeoutError("response lost after the write committed")

    under_test.dynamodb.meta.events.register("after-call.dynamodb.TransactWriteItems", lose_response)
    first = under_test.invoke(batch(record))
    retry = under_test.invoke(batch(redelivered(record)))

    assert failed_ids(first) == [record["messageId"]]
    assert retry == {"batchItemFailures": []}
    assert _scores(under_test) == {"p1": 10}
    assert under_test.metrics() == {"transient_failures": 1, "ignored": 1}


def test_a_throttled_best_board_is_completed_by_the_retry(
    processor_under_test: Callable[..., ProcessorUnderTest],
) -> None:
    under_test = processor_under_test(LB_SCORING_MODE="best", LB_WINDOWS="all-time,daily")
    record = make_record(score_body("b1", "p1", 10, timestamp_ms=T0))

    def daily_board(params: dict[str, object]) -> bool:
        return "daily#" in str(params.get("Key"))

    with throttle(under_test.dynamodb, "UpdateItem", daily_board):
        response = under_test.invoke(batch(record))

    assert failed_ids(response) == [record["messageId"]]
    assert _scores(under_test, "daily#2026-12-04") == {}

    assert under_test.invoke(batch(redelivered(record))) == {"batchItemFailures": []}
    under_test.invoke(batch(redelivered(record)))

    assert _scores(under_test) == {"p1": 10}
    assert _scores(under_test, "daily#2026-12-04") == {"p1": 10}
    # The retry completed the daily board (applied); a further replay changes nothing (ignored).
    assert under_test.metrics() == {"transient_failures": 1, "applied": 1, "ignored": 1}
