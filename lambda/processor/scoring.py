"""Conditional score writes: every write is safe to retry, duplicate or reorder.

- best / latest: one conditional UpdateItem per board. A board changes only when the event
  beats what it holds (a strictly better score; a strictly newer (timestamp, event_id)), so a
  replay of an event that already landed is a no-op, and a partly applied event (a transient
  error between two boards) is completed by its retry.
- sum: one TransactWriteItems per event: a marker item `event#<event_id>` under the player
  (Put, condition attribute_not_exists) plus an ADD to every board. The marker and the adds
  commit together or not at all, so an event id is added exactly once while its marker lives
  (LB_DEDUP_TTL_S, longer than a message can be retried).

best / latest skip the UpdateItem of an event that cannot beat what the board is known to hold
(`known_boards.KnownBoards`, filled from this process's own successful writes and from the item
DynamoDB returns with a failed condition). That is exact because those boards only move
forward; windowed boards whose TTL has passed (the item may be gone) are always written.

The outcome is "applied" when at least one board changed, else "ignored". Any other error
propagates: the handler reports the record as a batch item failure and SQS retries it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from decimal import Decimal
from typing import Any, Literal

from botocore.exceptions import ClientError

from .config import ProcessorConfig
from .known_boards import KnownBoards, KnownValue
from .shards import board_shard, shard_of
from .validation import ValidEvent
from .windows import Board, boards_for

WriteOutcome = Literal["applied", "ignored"]
AttributeValue = dict[str, Any]

SCORE = "score"
BOARD_SHARD = "board_shard"
EVENT_ID = "event_id"
EVENT_TS = "event_ts"
UPDATED_AT = "updated_at"
METADATA = "metadata"
MARKER_PREFIX = "event#"

# latest: the stored event is replaced only by a strictly newer (timestamp, event_id); an equal
# pair is the same event replayed. best: strictly better only, so a tie keeps the first holder.
_NEWER = "attribute_not_exists(#score) OR #ets < :ets OR (#ets = :ets AND #eid < :eid)"
_REPLACE_CONDITIONS = {
    ("best", "desc"): "attribute_not_exists(#score) OR #score < :score",
    ("best", "asc"): "attribute_not_exists(#score) OR #score > :score",
    ("latest", "desc"): _NEWER,
    ("latest", "asc"): _NEWER,
}


# DynamoDB deletes an expired item some time after its TTL, never before. The margin covers
# clock skew between this host and DynamoDB's.
_TTL_SAFETY_MARGIN_S = 300


def _beats_higher(offered: Any, held: Any) -> bool:
    return bool(offered > held)


def _beats_lower(offered: Any, held: Any) -> bool:
    return bool(offered < held)


def _error_code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))


class ScoreWriter:
    """Applies valid events to the leaderboard table of one pipeline."""

    def __init__(
        self,
        dynamodb: Any,
        config: ProcessorConfig,
        clock: Callable[[], float] = time.time,
        known_boards: KnownBoards | None = None,
    ) -> None:
        """`known_boards`: what this process knows the boards hold (None: always write)."""
        self._dynamodb = dynamodb
        self._config = config
        self._clock = clock
        # `sum` adds: there is no value an event could fail to beat.
        self._known = None if config.scoring_mode == "sum" else known_boards
        # best desc and latest: a higher value (or a later (event_ts, event_id)) wins.
        ascending = config.scoring_mode == "best" and config.scoring_order == "asc"
        self._beats = _beats_lower if ascending else _beats_higher

    def apply(self, event: ValidEvent) -> WriteOutcome:
        """Write `event` to each of its boards; "applied" if any board changed."""
        boards = boards_for(event.timestamp_ms, self._config.windows)
        if self._config.scoring_mode == "sum":
            return self._add_once(event, boards)
        changed = [self._replace_if_better(event, board) for board in boards]
        return "applied" if any(changed) else "ignored"

    def player_key(self, player_id: str) -> AttributeValue:
        return {self._config.partition_key_type: player_id}

    def _key(self, player_id: str, sort_value: str) -> dict[str, AttributeValue]:
        return {
            self._config.partition_key: self.player_key(player_id),
            self._config.sort_key: {"S": sort_value},
        }

    def _board_values(
        self, event: ValidEvent, board: Board
    ) -> tuple[list[str], dict[str, str], dict[str, Any]]:
        """SET clauses, names and values shared by every mode."""
        shard = shard_of(event.player_id, self._config.shards)
        names = {"#score": SCORE, "#bs": BOARD_SHARD, "#eid": EVENT_ID, "#ets": EVENT_TS, "#upd": UPDATED_AT}
        values: dict[str, Any] = {
            ":score": {"N": str(event.score)},
            ":bs": {"S": board_shard(board.board_id, shard)},
            ":eid": {"S": event.event_id},
            ":ets": {"N": str(event.timestamp_ms)},
            ":upd": {"N": str(int(self._clock() * 1000))},
        }
        sets = ["#bs = :bs", "#eid = :eid", "#ets = :ets", "#upd = :upd"]
        expires_at = board.expires_at(self._config.window_retention_s)
        if expires_at is not None:
            names["#ttl"] = self._config.ttl_attribute
            values[":ttl"] = {"N": str(expires_at)}
            sets.append("#ttl = :ttl")
        return sets, names, values

    def _replace_if_better(self, event: ValidEvent, board: Board) -> bool:
        known = self._known_for(board)
        offered: KnownValue = (
            event.score if self._config.scoring_mode == "best" else (event.timestamp_ms, event.event_id)
        )
        if known is not None:
            held = known.get(event.player_id, board.board_id)
            if held is not None and not self._beats(offered, held):
                return False  # the conditional write would fail: the board holds at least `held`
        sets, names, values = self._board_values(event, board)
        sets.append("#score = :score")
        names["#meta"] = METADATA
        update = "SET " + ", ".join(sets)
        if event.metadata_json is None:
            update += " REMOVE #meta"
        else:
            values[":meta"] = {"S": event.metadata_json}
            update = update + ", #meta = :meta"
        request: dict[str, Any] = {
            "TableName": self._config.table_name,
            "Key": self._key(event.player_id, board.board_id),
            "UpdateExpression": update,
            "ConditionExpression": _REPLACE_CONDITIONS[
                (self._config.scoring_mode, self._config.scoring_order)
            ],
            "ExpressionAttributeNames": names,
            "ExpressionAttributeValues": values,
        }
        if known is not None:
            request["ReturnValuesOnConditionCheckFailure"] = "ALL_OLD"
        try:
            self._dynamodb.update_item(**request)
        except ClientError as error:
            if _error_code(error) == "ConditionalCheckFailedException":
                # Stale, a tie, or a replay: the board already holds something at least as good.
                returned: Any = error.response.get("Item")  # with ReturnValuesOnConditionCheckFailure
                held = self._held_value(returned)
                if known is not None and held is not None:
                    known.remember(event.player_id, board.board_id, held)
                return False
            raise
        if known is not None:
            known.remember(event.player_id, board.board_id, offered)  # committed: the board holds it now
        return True

    def _known_for(self, board: Board) -> KnownBoards | None:
        """The cache, unless the board's TTL has passed (DynamoDB may delete the item any time)."""
        if self._known is None:
            return None
        expires_at = board.expires_at(self._config.window_retention_s)
        if expires_at is not None and self._clock() >= expires_at - _TTL_SAFETY_MARGIN_S:
            return None
        return self._known

    def _held_value(self, item: dict[str, AttributeValue] | None) -> KnownValue | None:
        """The comparable value of a board item DynamoDB returned (None if it lacks one)."""
        if not item:
            return None
        try:
            if self._config.scoring_mode == "best":
                return Decimal(item[SCORE]["N"])
            return (Decimal(item[EVENT_TS]["N"]), item[EVENT_ID]["S"])
        except (KeyError, TypeError, ArithmeticError):
            return None  # not a board this processor wrote: learn nothing

    def _add_once(self, event: ValidEvent, boards: list[Board]) -> WriteOutcome:
        items = [self._marker_put(event)] + [self._board_add(event, board) for board in boards]
        try:
            self._dynamodb.transact_write_items(TransactItems=items)
        except ClientError as error:
            if _error_code(error) == "TransactionCanceledException" and _marker_already_exists(error):
                return "ignored"  # this event id was applied before (duplicate delivery or retry)
            raise
        return "applied"

    def _marker_put(self, event: ValidEvent) -> dict[str, Any]:
        now = self._clock()
        item = self._key(event.player_id, MARKER_PREFIX + event.event_id)
        item[self._config.ttl_attribute] = {"N": str(int(now) + self._config.dedup_ttl_s)}
        item[EVENT_ID] = {"S": event.event_id}
        item[EVENT_TS] = {"N": str(event.timestamp_ms)}
        item[UPDATED_AT] = {"N": str(int(now * 1000))}
        return {
            "Put": {
                "TableName": self._config.table_name,
                "Item": item,
                "ConditionExpression": "attribute_not_exists(#pk)",
                "ExpressionAttributeNames": {"#pk": self._config.partition_key},
                "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
            }
        }

    def _board_add(self, event: ValidEvent, board: Board) -> dict[str, Any]:
        sets, names, values = self._board_values(event, board)
        return {
            "Update": {
                "TableName": self._config.table_name,
                "Key": self._key(event.player_id, board.board_id),
                "UpdateExpression": "SET " + ", ".join(sets) + " ADD #score :score",
                "ExpressionAttributeNames": names,
                "ExpressionAttributeValues": values,
            }
        }


def _marker_already_exists(error: ClientError) -> bool:
    """True when the transaction failed only because the event's marker is already there."""
    reasons = error.response.get("CancellationReasons") or []
    return bool(reasons) and reasons[0].get("Code") == "ConditionalCheckFailed"
