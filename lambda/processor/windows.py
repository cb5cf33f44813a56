"""Leaderboard windows: which boards an event lands on, and when a closed board expires.

All windows are UTC. Weekly boards use ISO weeks (Monday start; the ISO year can differ from
the calendar year around New Year: 2027-01-01 is in 2026-W53).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from .config import Window

ALL_TIME = "all-time"


@dataclass(frozen=True)
class Board:
    """One leaderboard an event is written to."""

    board_id: str
    """Value of the sort-key attribute, e.g. `all-time`, `daily#2026-12-04`, `weekly#2026-W49`."""
    period_end_s: int | None
    """Epoch seconds when the window closes; None for all-time."""

    def expires_at(self, retention_s: int) -> int | None:
        """TTL value: the end of the period plus the retention (None: never expires)."""
        return None if self.period_end_s is None else self.period_end_s + retention_s


def _epoch_s(day: date) -> int:
    return int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp())


def _daily(day: date) -> Board:
    return Board(f"daily#{day.isoformat()}", _epoch_s(day + timedelta(days=1)))


def _weekly(day: date) -> Board:
    iso = day.isocalendar()
    next_monday = day + timedelta(days=8 - iso.weekday)
    return Board(f"weekly#{iso.year:04d}-W{iso.week:02d}", _epoch_s(next_monday))


def _monthly(day: date) -> Board:
    first_of_next = date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return Board(f"monthly#{day.year:04d}-{day.month:02d}", _epoch_s(first_of_next))


def boards_for(timestamp_ms: int, windows: Iterable[Window]) -> list[Board]:
    """The boards an event at `timestamp_ms` (UTC epoch milliseconds) belongs to."""
    day = datetime.fromtimestamp(timestamp_ms // 1000, tz=UTC).date()
    builders = {"daily": _daily, "weekly": _weekly, "monthly": _monthly}
    return [Board(ALL_TIME, None) if window == ALL_TIME else builders[window](day) for window in windows]
