"""An independent, deliberately simple model of what the leaderboards must hold.

It re-derives everything from the message bodies that were sent (validity per the score-event
schema and the pipeline's rules, board ids from timestamps, the scoring mode) without using
the processor's code, so a test comparing it with the deployed pipeline's board can fail.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import jsonschema

from engine.model import PipelineSpec

SCHEMA = json.loads((Path(__file__).parents[2] / "schemas" / "score-event.schema.json").read_text())
CANONICAL_INTEGER = re.compile(r"-?(0|[1-9][0-9]{0,37})")


def valid_event(body: str, spec: PipelineSpec) -> dict[str, Any] | None:
    try:
        event = json.loads(body)
        jsonschema.validate(event, SCHEMA)
    except (ValueError, jsonschema.ValidationError):
        return None
    if event["game_id"] != spec.game or not event["player_id"].strip():
        return None
    if spec.table.partition_key.type == "N" and not CANONICAL_INTEGER.fullmatch(event["player_id"]):
        return None
    return dict(event)


def board_of(timestamp_ms: int | None, window: str) -> str:
    if window == "all-time":
        return "all-time"
    # Without a timestamp the processor uses the SQS SentTimestamp, which a test cannot know.
    assert timestamp_ms is not None, "windowed boards need events with timestamps"
    day = datetime.fromtimestamp(timestamp_ms // 1000, tz=UTC).date()
    if window == "daily":
        return f"daily#{day.isoformat()}"
    if window == "monthly":
        return f"monthly#{day.year:04d}-{day.month:02d}"
    year, week, _ = day.isocalendar()
    return f"weekly#{year:04d}-W{week:02d}"


def _final_scores(events: list[dict[str, Any]], mode: str, order: str) -> dict[str, Decimal]:
    scores: dict[str, Decimal] = {}
    if mode == "sum":
        unique = {e["event_id"]: e for e in events}
        for event in unique.values():
            scores[event["player_id"]] = scores.get(event["player_id"], Decimal(0)) + Decimal(
                str(event["score"])
            )
        return scores
    if mode == "latest":
        latest: dict[str, tuple[int, str, Decimal]] = {}
        for e in events:
            candidate = (e["timestamp"], e["event_id"], Decimal(str(e["score"])))
            if e["player_id"] not in latest or candidate[:2] > latest[e["player_id"]][:2]:
                latest[e["player_id"]] = candidate
        return {player: value[2] for player, value in latest.items()}
    pick = max if order == "desc" else min
    for e in events:
        score = Decimal(str(e["score"]))
        scores[e["player_id"]] = pick(scores.get(e["player_id"], score), score)
    return scores


def expected_top(
    bodies: Iterable[str], spec: PipelineSpec, board: str, n: int = 10
) -> list[tuple[str, Decimal]]:
    """The top `n` (player_id, score) of `board`, best first, ties by player id."""
    window = board.split("#", 1)[0]
    events = []
    for body in bodies:
        event = valid_event(body, spec)
        if event is not None and board_of(event.get("timestamp"), window) == board:
            events.append(event)
    scores = _final_scores(events, spec.scoring.mode, spec.scoring.order)
    numeric = spec.table.partition_key.type == "N"
    sign = -1 if spec.scoring.order == "desc" else 1

    def rank_key(item: tuple[str, Decimal]) -> tuple[Decimal, Decimal | str]:
        player, score = item
        return sign * score, Decimal(player) if numeric else player

    return sorted(scores.items(), key=rank_key)[:n]


def actual_top(top: list[dict[str, Any]]) -> list[tuple[str, Decimal]]:
    return [(str(entry["player_id"]), Decimal(str(entry["score"]))) for entry in top]
