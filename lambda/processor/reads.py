"""Leaderboard reads over the sharded score index: top-N, a player's rank, and the players around them.

The score index (GSI, partition `board_shard` = `{board}#{shard}`, sort `score`) is written in
LB_SHARDS shards per board. Every read here queries each shard and merges, and returns exactly
what a single shard would return:

- Order: by score, best first (`desc`: highest first; `asc`: lowest first).
- Ties (equal scores) are broken by the player id, ascending (numerically for N partition
  keys, by code point for S keys), so every player has a distinct, stable rank: top(n)[i] has
  rank i + 1, and rank() and around() agree with top().

Because DynamoDB leaves the order of equal index keys unspecified, each per-shard query reads on
past its limit until the score changes, so a tie group at the cut is always complete.
Functions take the DynamoDB client and the table layout as arguments (no globals), so the
handler's tests, local mode and benchmarks all call the same code.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Protocol

from .shards import board_shard

Item = dict[str, Any]
# Reading a few more rows than asked costs little (DynamoDB bills by size, rounded up to 4 KB)
# and usually saves a round trip when a tie group straddles the cut.
_MIN_PAGE = 25


class LeaderboardLayout(Protocol):
    """The table layout the reads need; `processor.config.ProcessorConfig` satisfies it."""

    @property
    def table_name(self) -> str: ...
    @property
    def partition_key(self) -> str: ...
    @property
    def partition_key_type(self) -> str: ...
    @property
    def sort_key(self) -> str: ...
    @property
    def score_index(self) -> str: ...
    @property
    def scoring_order(self) -> str: ...
    @property
    def shards(self) -> int: ...


@dataclass(frozen=True)
class Entry:
    """One line of a leaderboard."""

    rank: int
    player_id: str
    score: int | float

    def as_dict(self) -> dict[str, Any]:
        return {"rank": self.rank, "player_id": self.player_id, "score": self.score}


@dataclass(frozen=True)
class _Row:
    player_id: str
    score: Decimal


class _Board:
    """One board of one table: queries its shards and orders rows."""

    def __init__(self, dynamodb: Any, layout: LeaderboardLayout, board_id: str) -> None:
        self.dynamodb = dynamodb
        self.layout = layout
        self.board_id = board_id
        self.descending = layout.scoring_order == "desc"

    def order_key(self, row: _Row) -> tuple[Decimal, tuple[Decimal, str]]:
        score = -row.score if self.descending else row.score
        return score, self.player_order(row.player_id)

    def player_order(self, player_id: str) -> tuple[Decimal, str]:
        """Tie-break key: numeric for N partition keys, code points for S keys."""
        if self.layout.partition_key_type == "N":
            return Decimal(player_id), ""
        return Decimal(0), player_id

    def row(self, item: Item) -> _Row:
        key = item[self.layout.partition_key]
        return _Row(player_id=next(iter(key.values())), score=Decimal(item["score"]["N"]))

    def score_of(self, player_id: str) -> Decimal | None:
        response = self.dynamodb.get_item(
            TableName=self.layout.table_name,
            Key={
                self.layout.partition_key: {self.layout.partition_key_type: player_id},
                self.layout.sort_key: {"S": self.board_id},
            },
            ProjectionExpression="#score",
            ExpressionAttributeNames={"#score": "score"},
        )
        item = response.get("Item")
        return None if item is None or "score" not in item else Decimal(item["score"]["N"])

    def _pages(
        self, shard: int, score_op: str | None, score: Decimal | None, forward: bool, **extra: Any
    ) -> Iterator[dict[str, Any]]:
        condition = "#bs = :bs" + (f" AND #score {score_op} :score" if score_op else "")
        names = {"#bs": "board_shard"}
        values: dict[str, Any] = {":bs": {"S": board_shard(self.board_id, shard)}}
        if score_op:
            names["#score"] = "score"
            values[":score"] = {"N": str(score)}
        request: dict[str, Any] = {
            "TableName": self.layout.table_name,
            "IndexName": self.layout.score_index,
            "KeyConditionExpression": condition,
            "ExpressionAttributeNames": names,
            "ExpressionAttributeValues": values,
            "ScanIndexForward": forward,
            **extra,
        }
        while True:
            page = self.dynamodb.query(**request)
            yield page
            if "LastEvaluatedKey" not in page:
                return
            request["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    def first_rows(
        self, shard: int, want: int, forward: bool, score_op: str | None = None, score: Decimal | None = None
    ) -> list[_Row]:
        """The first `want` rows of a shard in index order, plus the rest of the tie group at the cut."""
        if want <= 0:
            return []
        rows: list[_Row] = []
        for page in self._pages(shard, score_op, score, forward, Limit=max(want + 1, _MIN_PAGE)):
            rows.extend(self.row(item) for item in page["Items"])
            if len(rows) > want and rows[-1].score != rows[want - 1].score:
                break
        cutoff = rows[want - 1].score if len(rows) >= want else None
        return rows[:want] + [row for row in rows[want:] if row.score == cutoff]

    def count(self, shard: int, score_op: str, score: Decimal) -> int:
        return sum(page["Count"] for page in self._pages(shard, score_op, score, True, Select="COUNT"))

    def all_rows(self, shard: int, score_op: str, score: Decimal) -> list[_Row]:
        return [
            self.row(item) for page in self._pages(shard, score_op, score, True) for item in page["Items"]
        ]

    def shards(self) -> range:
        return range(self.layout.shards)

    @property
    def better_op(self) -> str:
        return ">" if self.descending else "<"

    @property
    def worse_op(self) -> str:
        return "<" if self.descending else ">"


def _number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def _entries(rows: list[_Row], first_rank: int) -> list[Entry]:
    return [Entry(first_rank + offset, row.player_id, _number(row.score)) for offset, row in enumerate(rows)]


def top(dynamodb: Any, layout: LeaderboardLayout, board_id: str, n: int) -> list[Entry]:
    """The best `n` entries of `board_id`, ranks 1..n."""
    board = _Board(dynamodb, layout, board_id)
    forward = not board.descending
    candidates = [row for shard in board.shards() for row in board.first_rows(shard, n, forward)]
    return _entries(sorted(candidates, key=board.order_key)[:n], 1)


def _position(board: _Board, player_id: str, score: Decimal) -> tuple[int, list[_Row]]:
    """(number of rows ahead of the player, the rows tied with the player's score)."""
    ahead = sum(board.count(shard, board.better_op, score) for shard in board.shards())
    tied = [row for shard in board.shards() for row in board.all_rows(shard, "=", score)]
    mine = board.player_order(player_id)
    return ahead + sum(1 for row in tied if board.player_order(row.player_id) < mine), tied


def rank(dynamodb: Any, layout: LeaderboardLayout, player_id: str, board_id: str) -> Entry | None:
    """The player's entry (rank and score) on `board_id`, or None when they have no score there."""
    board = _Board(dynamodb, layout, board_id)
    score = board.score_of(player_id)
    if score is None:
        return None
    ahead, _ = _position(board, player_id, score)
    return Entry(ahead + 1, player_id, _number(score))


def around(dynamodb: Any, layout: LeaderboardLayout, player_id: str, board_id: str, k: int) -> list[Entry]:
    """Up to `k` entries ahead of the player, the player, and up to `k` behind ([] without a score)."""
    board = _Board(dynamodb, layout, board_id)
    score = board.score_of(player_id)
    if score is None:
        return []
    ahead, tied = _position(board, player_id, score)
    me = _Row(player_id, score)
    # Nearest rows first: ahead of the player the index is read towards better scores.
    better = [
        row
        for s in board.shards()
        for row in board.first_rows(s, k, board.descending, board.better_op, score)
    ]
    worse = [
        row
        for s in board.shards()
        for row in board.first_rows(s, k, not board.descending, board.worse_op, score)
    ]
    ordered_ahead = sorted(
        [*better, *(r for r in tied if board.order_key(r) < board.order_key(me))], key=board.order_key
    )
    ordered_behind = sorted(
        [*worse, *(r for r in tied if board.order_key(r) > board.order_key(me))], key=board.order_key
    )
    before = ordered_ahead[-k:] if k > 0 else []
    return [
        *_entries(before, ahead + 1 - len(before)),
        Entry(ahead + 1, player_id, _number(score)),
        *_entries(ordered_behind[:k], ahead + 2),
    ]
