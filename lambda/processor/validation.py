"""Turn an SQS message body into a valid score event, or say precisely why it is invalid.

An invalid event is a permanent failure: retrying cannot fix it, so the handler dead-letters
it at once. The schema is compiled once per cold start (fastjsonschema generates Python code).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Context, Decimal, DecimalException
from pathlib import Path
from typing import Any, Literal, cast

import fastjsonschema

from .config import ProcessorConfig
from .wire import ScoreEvent

SCHEMA_FILE = "score-event.schema.json"

ErrorType = Literal[
    "invalid_json",
    "schema",
    "wrong_game",
    "invalid_player_id",
    "score_out_of_range",
    "timestamp_out_of_range",
]

# DynamoDB numbers: 38 significant digits, magnitude 1E-130 .. 9.99E+125. A score outside that
# would fail every write attempt, so it is invalid rather than transient.
_DYNAMODB_NUMBER = Context(Emin=-128, Emax=126, prec=38, traps=[])
# With an N partition key the player id must survive the round trip through a DynamoDB number,
# so only canonical integers are accepted ("0042" would come back as "42").
_CANONICAL_INTEGER = re.compile(r"-?(0|[1-9][0-9]{0,37})")
# Year 9999 is the last one `datetime` (and so the window computation) can represent.
_MAX_TIMESTAMP_MS = 253_402_300_799_999


class InvalidEvent(Exception):
    """A permanent problem with one message; carries the DLQ reason attributes."""

    def __init__(self, error_type: ErrorType, reason: str) -> None:
        super().__init__(f"{error_type}: {reason}")
        self.error_type: ErrorType = error_type
        self.reason = reason


@dataclass(frozen=True)
class ValidEvent:
    """A score event that passed every check, normalised for writing."""

    event_id: str
    player_id: str
    score: Decimal
    timestamp_ms: int
    """The event's `timestamp`, or the SQS SentTimestamp when the producer omitted it."""
    metadata_json: str | None
    """`metadata` re-serialised as compact JSON (stored as a string: no float conversions)."""


def schema_path() -> Path:
    """The bundled schema next to this module, else the repository's copy (running from a checkout)."""
    bundled = Path(__file__).with_name(SCHEMA_FILE)
    if bundled.exists():
        return bundled
    return Path(__file__).resolve().parents[2] / "schemas" / SCHEMA_FILE


def compile_schema(path: Path | None = None) -> Callable[[Any], Any]:
    """Compile the score-event schema into a validator function (once per cold start)."""
    schema = json.loads((path or schema_path()).read_text(encoding="utf-8"))
    validate: Callable[[Any], Any] = fastjsonschema.compile(schema)
    return validate


def _reject_constant(name: str) -> float:
    raise ValueError(f"{name} is not a JSON number")


def _decode(body: str) -> object:
    try:
        return json.loads(body, parse_constant=_reject_constant)
    except ValueError as error:  # JSONDecodeError is a ValueError
        raise InvalidEvent("invalid_json", f"body is not valid JSON: {error}") from None


def _dynamodb_number(score: int | float) -> Decimal:
    try:
        # repr() is the shortest text that round-trips, so 61.873 stays 61.873.
        number = Decimal(repr(score)) if isinstance(score, float) else Decimal(score)
        if not number.is_finite():
            raise InvalidEvent("score_out_of_range", f"score {score!r} is not finite")
        if number.is_zero():
            return Decimal(0)
        checked = _DYNAMODB_NUMBER.create_decimal(number)
    except DecimalException as error:
        raise InvalidEvent("score_out_of_range", f"score {score!r} is not a DynamoDB number") from error
    if checked != number or not -130 <= number.adjusted() <= 125:
        raise InvalidEvent("score_out_of_range", f"score {score!r} does not fit a DynamoDB number")
    return number


class EventValidator:
    """Validates message bodies for one pipeline (its game and partition-key type)."""

    def __init__(self, config: ProcessorConfig, validate_schema: Callable[[Any], Any]) -> None:
        self._config = config
        self._validate_schema = validate_schema

    def parse(self, body: str, sent_timestamp_ms: int) -> ValidEvent:
        """The valid event in `body`; raises InvalidEvent with the reason otherwise."""
        document = _decode(body)
        try:
            self._validate_schema(document)
        except fastjsonschema.JsonSchemaValueException as error:
            raise InvalidEvent("schema", error.message.replace("data", "event", 1)) from None
        event = cast(ScoreEvent, document)  # the schema guarantees the shape from here on
        self._check_game(event["game_id"])
        self._check_player(event["player_id"])
        timestamp_ms = event.get("timestamp", sent_timestamp_ms)
        if timestamp_ms > _MAX_TIMESTAMP_MS:
            raise InvalidEvent("timestamp_out_of_range", f"timestamp {timestamp_ms} is after year 9999")
        metadata = event.get("metadata")
        return ValidEvent(
            event_id=event["event_id"],
            player_id=event["player_id"],
            score=_dynamodb_number(event["score"]),
            timestamp_ms=timestamp_ms,
            metadata_json=None if metadata is None else json.dumps(metadata, separators=(",", ":")),
        )

    def _check_game(self, game_id: str) -> None:
        if game_id != self._config.game_id:
            raise InvalidEvent(
                "wrong_game", f"game_id {game_id!r} is not this pipeline's game {self._config.game_id!r}"
            )

    def _check_player(self, player_id: str) -> None:
        if self._config.partition_key_type == "N" and not _CANONICAL_INTEGER.fullmatch(player_id):
            raise InvalidEvent(
                "invalid_player_id",
                f"player_id {player_id!r} is not a canonical integer (the table's partition key is a number)",
            )
        if not player_id.strip():
            raise InvalidEvent("invalid_player_id", "player_id is blank")
