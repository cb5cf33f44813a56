"""Durations in manifests: `<int><s|m|h|d>` strings or integer seconds."""

from __future__ import annotations

import re

_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
DURATION_PATTERN = r"^[0-9]{1,9}[smhd]$"
_DURATION = re.compile(DURATION_PATTERN)


def parse_duration(value: object) -> int:
    """Seconds of a manifest duration (`30s`, `5m`, `12h`, `14d` or an integer).

    Raises ValueError for anything else, so callers can turn it into a diagnostic.
    """
    if isinstance(value, bool):
        raise ValueError(f"not a duration: {value!r}")
    if isinstance(value, int):
        if value < 0:
            raise ValueError(f"a duration cannot be negative: {value}")
        return value
    if isinstance(value, str) and _DURATION.match(value):
        return int(value[:-1]) * _UNIT_SECONDS[value[-1]]
    raise ValueError(f"not a duration: {value!r} (use <int><s|m|h|d>, e.g. 30s, 5m, 4d)")


def is_duration(value: object) -> bool:
    try:
        parse_duration(value)
    except ValueError:
        return False
    return True


def format_duration(seconds: int) -> str:
    """The shortest exact `<int><unit>` spelling of a number of seconds (for messages)."""
    for unit in ("d", "h", "m"):
        size = _UNIT_SECONDS[unit]
        if seconds and seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"
