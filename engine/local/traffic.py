"""Score events to send: generated (realistic, seeded) or replayed from a JSONL file.

Generated traffic, per pipeline: Zipf-distributed players (a few very active, a long tail),
scores shaped by the scoring mode, timestamps mostly in order with some out of order, exact
duplicates (the same message body sent again) and, at `poison_rate`, invalid events of every
kind the processor must dead-letter. Numeric player ids on pipelines whose partition key is N.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from engine.model import PipelineSpec

DUPLICATE_RATE = 0.05
OUT_OF_ORDER_RATE = 0.1
ZIPF_EXPONENT = 1.1
SPAN_MS = 2 * 3600 * 1000
"""Generated timestamps cover the two hours before the run."""


class TrafficError(ValueError):
    """Bad input traffic (events file); the message says where."""


@dataclass(frozen=True)
class Target:
    """What traffic needs to know about one pipeline."""

    key: str
    game: str
    pipeline: str
    numeric_players: bool
    mode: str
    order: str

    @classmethod
    def of(cls, spec: PipelineSpec) -> Target:
        return cls(
            key=spec.key,
            game=spec.game,
            pipeline=spec.name,
            numeric_players=spec.table.partition_key.type == "N",
            mode=spec.scoring.mode,
            order=spec.scoring.order,
        )


@dataclass(frozen=True)
class OutgoingEvent:
    """One message to send: its pipeline, body, and the ids the producer derives from it."""

    target: str
    body: str
    player_id: str
    """For the FIFO MessageGroupId `{game_id}#{player_id}`."""
    event_id: str
    """For the MessageDeduplicationId when content-based deduplication is off."""
    source: str
    """Where it came from, for messages: `events.jsonl:12` or `generated`."""


def _compact(document: Mapping[str, Any]) -> str:
    return json.dumps(document, separators=(",", ":"))


class _Generator:
    def __init__(self, target: Target, count: int, rng: random.Random, now_ms: int) -> None:
        self.target = target
        self.count = count
        self.rng = rng
        self.start_ms = now_ms - SPAN_MS
        players = max(10, count // 8)
        self.players = [self._player_id(rank) for rank in range(1, players + 1)]
        self.weights = [1 / rank**ZIPF_EXPONENT for rank in range(1, players + 1)]

    def _player_id(self, rank: int) -> str:
        return str(100_000 + rank) if self.target.numeric_players else f"player-{rank:04d}"

    def score(self) -> int | float:
        if self.target.mode == "sum":
            return self.rng.randint(1, 50)
        if self.target.mode == "latest":
            return self.rng.randint(800, 2400)
        if self.target.order == "asc":
            return round(self.rng.uniform(55.0, 120.0), 3)
        return self.rng.randint(0, 100_000)

    def timestamp(self, index: int) -> int:
        timestamp = self.start_ms + index * SPAN_MS // max(1, self.count)
        if self.rng.random() < OUT_OF_ORDER_RATE:
            timestamp -= self.rng.randint(1, 30 * 60 * 1000)
        return timestamp

    def valid(self, index: int) -> dict[str, Any]:
        event: dict[str, Any] = {
            "event_id": f"{self.target.key}-{index:07d}-{self.rng.getrandbits(32):08x}",
            "game_id": self.target.game,
            "player_id": self.rng.choices(self.players, self.weights)[0],
            "score": self.score(),
            "timestamp": self.timestamp(index),
        }
        if self.rng.random() < 0.2:
            event["metadata"] = {"level": self.rng.randint(1, 30), "source": "local-mode"}
        return event

    def poison(self, index: int) -> tuple[str, str]:
        """An invalid message body (and a player id for its group), of a rotating kind."""
        event = self.valid(index)
        kind = index % 7
        if kind == 0:
            return '{"event_id": "broken', event["player_id"]
        if kind == 1:
            del event["score"]
        elif kind == 2:
            event["game_id"] = "no-such-game"
        elif kind == 3:
            event["score"] = "1000"
        elif kind == 4:
            event["timestamp"] = -5
        elif kind == 5:
            event["cheat"] = True
        elif self.target.numeric_players:
            event["player_id"] = "not-a-number"
        else:
            event["player_id"] = "   "
            return _compact(event), "blank"
        return _compact(event), str(event["player_id"])

    def events(self, poison_rate: float) -> Iterator[OutgoingEvent]:
        recent: list[OutgoingEvent] = []
        for index in range(self.count):
            roll = self.rng.random()
            if recent and roll < DUPLICATE_RATE:
                yield self.rng.choice(recent)
                continue
            if roll < DUPLICATE_RATE + poison_rate:
                body, player = self.poison(index)
                outgoing = OutgoingEvent(self.target.key, body, player, f"poison-{index}", "generated")
            else:
                event = self.valid(index)
                outgoing = OutgoingEvent(
                    self.target.key, _compact(event), event["player_id"], event["event_id"], "generated"
                )
            recent = [*recent[-49:], outgoing]
            yield outgoing


def generate(
    targets: Sequence[Target], total: int, poison_rate: float, seed: int, now_ms: int
) -> list[OutgoingEvent]:
    """`total` events spread evenly over `targets` (earlier pipelines get the remainder)."""
    rng = random.Random(seed)
    events: list[OutgoingEvent] = []
    for position, target in enumerate(targets):
        count = total // len(targets) + (1 if position < total % len(targets) else 0)
        events.extend(_Generator(target, count, rng, now_ms).events(poison_rate))
    return events


def _route(document: dict[str, Any], location: str, games: Mapping[str, Sequence[Target]]) -> Target:
    pipeline = document.pop("pipeline", None)
    game = document.get("game_id")
    if not isinstance(game, str) or game not in games:
        known = ", ".join(sorted(games))
        raise TrafficError(f"{location}: game_id {game!r} matches no manifest (games: {known})")
    if pipeline is None:
        return games[game][0]
    for target in games[game]:
        if target.pipeline == pipeline:
            return target
    names = ", ".join(t.pipeline for t in games[game])
    raise TrafficError(f"{location}: game {game!r} has no pipeline {pipeline!r} (pipelines: {names})")


def read_events_file(path: Path, targets: Sequence[Target]) -> list[OutgoingEvent]:
    """One score event per line (blank lines skipped); `pipeline` routes and is removed."""
    games: dict[str, list[Target]] = {}
    for target in targets:
        games.setdefault(target.game, []).append(target)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise TrafficError(f"{path}: cannot read events file: {error}") from error
    events = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        location = f"{path}:{number}"
        try:
            document = json.loads(line)
        except ValueError as error:
            raise TrafficError(f"{location}: not a JSON object: {error}") from None
        if not isinstance(document, dict):
            raise TrafficError(f"{location}: not a JSON object")
        target = _route(document, location, games)
        events.append(
            OutgoingEvent(
                target=target.key,
                body=_compact(document),
                player_id=str(document.get("player_id", "")),
                event_id=str(document.get("event_id", "")),
                source=location,
            )
        )
    return events
