"""Windows roll over exactly at UTC day, ISO week and month boundaries; windowed items expire."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from processor.config import Window
from processor.windows import boards_for
from processor_helpers import ProcessorUnderTest, all_items, batch, make_record, score_body

ALL: tuple[Window, ...] = ("all-time", "daily", "weekly", "monthly")


def ms(text: str) -> int:
    return int(datetime.fromisoformat(text).replace(tzinfo=UTC).timestamp() * 1000)


def board_ids(timestamp: str) -> list[str]:
    return [board.board_id for board in boards_for(ms(timestamp), ALL)]


@pytest.mark.parametrize(
    ("before", "after", "expected_before", "expected_after"),
    [
        # Day boundary (same week and month).
        (
            "2026-12-04T23:59:59.999",
            "2026-12-05T00:00:00.000",
            ["all-time", "daily#2026-12-04", "weekly#2026-W49", "monthly#2026-12"],
            ["all-time", "daily#2026-12-05", "weekly#2026-W49", "monthly#2026-12"],
        ),
        # ISO week boundary: Sunday -> Monday.
        (
            "2026-12-06T23:59:59.999",
            "2026-12-07T00:00:00.000",
            ["all-time", "daily#2026-12-06", "weekly#2026-W49", "monthly#2026-12"],
            ["all-time", "daily#2026-12-07", "weekly#2026-W50", "monthly#2026-12"],
        ),
        # Month and calendar-year boundary inside ISO week 2026-W53 (2027-01-01 is a Friday).
        (
            "2026-12-31T23:59:59.999",
            "2027-01-01T00:00:00.000",
            ["all-time", "daily#2026-12-31", "weekly#2026-W53", "monthly#2026-12"],
            ["all-time", "daily#2027-01-01", "weekly#2026-W53", "monthly#2027-01"],
        ),
        # ISO year boundary: 2027-W01 starts on Monday 2027-01-04.
        (
            "2027-01-03T23:59:59.999",
            "2027-01-04T00:00:00.000",
            ["all-time", "daily#2027-01-03", "weekly#2026-W53", "monthly#2027-01"],
            ["all-time", "daily#2027-01-04", "weekly#2027-W01", "monthly#2027-01"],
        ),
        # Month boundary of a leap February.
        (
            "2028-02-29T23:59:59.999",
            "2028-03-01T00:00:00.000",
            ["all-time", "daily#2028-02-29", "weekly#2028-W09", "monthly#2028-02"],
            ["all-time", "daily#2028-03-01", "weekly#2028-W09", "monthly#2028-03"],
        ),
    ],
)
def test_boards_roll_over_exactly_at_the_boundary(
    before: str, after: str, expected_before: list[str], expected_after: list[str]
) -> None:
    assert board_ids(before) == expected_before
    assert board_ids(after) == expected_after


def test_period_end_is_the_next_boundary() -> None:
    daily, weekly, monthly = boards_for(ms("2026-12-31T12:00:00"), ("daily", "weekly", "monthly"))

    assert daily.period_end_s == ms("2027-01-01T00:00:00") // 1000
    assert weekly.period_end_s == ms("2027-01-04T00:00:00") // 1000
    assert monthly.period_end_s == ms("2027-01-01T00:00:00") // 1000
    assert weekly.expires_at(3600) == ms("2027-01-04T01:00:00") // 1000
    assert boards_for(0, ("all-time",))[0].expires_at(3600) is None


def test_events_either_side_of_midnight_land_on_their_own_boards_with_ttl(
    processor_under_test: Callable[..., ProcessorUnderTest],
) -> None:
    retention = 86_400
    under_test = processor_under_test(
        LB_SCORING_MODE="sum",
        LB_WINDOWS="all-time,daily,weekly,monthly",
        LB_WINDOW_RETENTION_S=str(retention),
    )

    under_test.invoke(
        batch(
            make_record(score_body("y1", "p1", 1, timestamp_ms=ms("2026-12-31T23:59:59.999"))),
            make_record(score_body("y2", "p1", 2, timestamp_ms=ms("2027-01-01T00:00:00.000"))),
            # No timestamp: the SQS SentTimestamp places it.
            make_record(score_body("y3", "p1", 4), sent_ms=ms("2027-01-04T00:00:00.000")),
        )
    )

    boards = {
        item["board"]["S"]: (float(item["score"]["N"]), item.get("expires_at", {}).get("N"))
        for item in all_items(under_test.dynamodb)
        if "score" in item
    }

    def expiry(end: str) -> str:
        return str(ms(end) // 1000 + retention)

    assert boards == {
        "all-time": (7, None),
        "daily#2026-12-31": (1, expiry("2027-01-01T00:00:00")),
        "daily#2027-01-01": (2, expiry("2027-01-02T00:00:00")),
        "daily#2027-01-04": (4, expiry("2027-01-05T00:00:00")),
        "weekly#2026-W53": (3, expiry("2027-01-04T00:00:00")),
        "weekly#2027-W01": (4, expiry("2027-01-11T00:00:00")),
        "monthly#2026-12": (1, expiry("2027-01-01T00:00:00")),
        "monthly#2027-01": (6, expiry("2027-02-01T00:00:00")),
    }
