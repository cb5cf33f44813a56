"""Sample SQS batches, shaped exactly as Lambda delivers them, and the helper that loads them.

- `sqs_fifo_batch`: a FIFO batch (MessageGroupId `{game_id}#{player_id}`, SequenceNumber,
  MessageDeduplicationId) of valid `space-race` score events, two of them for the same player.
- `sqs_standard_batch`: a standard-queue batch of valid `puzzle-quest` events (no timestamps:
  the SQS SentTimestamp applies); one record carries a message attribute.
- `sqs_fifo_invalid_events`: one FIFO record per kind of invalid body (bad JSON, missing,
  non-numeric and null score, empty player, missing event id, wrong game).
"""

from __future__ import annotations

import copy
import json
from functools import cache
from pathlib import Path
from typing import Any

EVENTS_DIR = Path(__file__).parent


@cache
def _read(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((EVENTS_DIR / f"{name}.json").read_text(encoding="utf-8"))
    return loaded


def load_event(name: str) -> dict[str, Any]:
    """A fresh copy of `tests/events/<name>.json` (callers may mutate it)."""
    return copy.deepcopy(_read(name))


def event_names() -> list[str]:
    """Every sample event file, without the `.json` suffix."""
    return sorted(path.stem for path in EVENTS_DIR.glob("*.json"))
