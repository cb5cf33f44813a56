"""top / rank / around merge the shards into exactly the single-shard answer, in either order."""

from __future__ import annotations

import random
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import boto3
import pytest
from moto import mock_aws
from processor.config import ProcessorConfig, load_config
from processor.reads import Entry, around, rank, top
from processor.scoring import ScoreWriter
from processor.validation import ValidEvent
from processor_helpers import all_items, create_table, processor_environment

T0 = 1_796_378_400_000
SHARD_COUNTS = (1, 4, 16)


def _scores() -> dict[str, Decimal]:
    generator = random.Random(20261204)
    # Few distinct values: plenty of ties, including tie groups larger than a query page.
    scores = {f"player-{n:03d}": Decimal(generator.randint(0, 6)) for n in range(48)}
    scores["player-frac"] = Decimal("3.5")
    return scores


SCORES = _scores()


def _load(
    dynamodb: Any, order: str, shards: int, key_type: str = "S", scores: dict[str, Decimal] = SCORES
) -> ProcessorConfig:
    table = f"reads-{order}-{shards}-{key_type}"
    create_table(dynamodb, name=table, key_type=key_type)
    environment = processor_environment(
        "https://sqs.us-east-1.amazonaws.com/123456789012/dlq.fifo",
        LB_TABLE_NAME=table,
        LB_SHARDS=str(shards),
        LB_SCORING_ORDER=order,
        LB_PARTITION_KEY_TYPE=key_type,
    )
    config = load_config(environment)
    writer = ScoreWriter(dynamodb, config)
    for number, (player, score) in enumerate(scores.items()):
        writer.apply(ValidEvent(f"e{number}", player, score, T0, None))
    return config


def _expected(order: str, scores: dict[str, Decimal] = SCORES) -> list[Entry]:
    """The documented order, computed without DynamoDB: best score first, then player id."""
    sign = -1 if order == "desc" else 1
    ordered = sorted(scores.items(), key=lambda pair: (sign * pair[1], pair[0]))
    return [
        Entry(position + 1, player, int(s) if s == s.to_integral_value() else float(s))
        for position, (player, s) in enumerate(ordered)
    ]


@pytest.fixture(scope="module")
def dynamodb() -> Iterator[Any]:
    """One moto account for the whole module: the tables are loaded once (moto queries are slow)."""
    with mock_aws():
        yield boto3.client("dynamodb", region_name="us-east-1")


@pytest.fixture(scope="module")
def loaded(dynamodb: Any) -> dict[str, dict[int, ProcessorConfig]]:
    return {
        order: {shards: _load(dynamodb, order, shards) for shards in SHARD_COUNTS}
        for order in ("desc", "asc")
    }


@pytest.fixture(params=["desc", "asc"])
def boards(
    request: pytest.FixtureRequest, loaded: dict[str, dict[int, ProcessorConfig]]
) -> tuple[str, dict[int, ProcessorConfig]]:
    order: str = request.param
    return order, loaded[order]


def _sample_positions(count: int, step: int) -> list[int]:
    """Both ends, their neighbours, and a spread in between (a full sweep is slow on moto)."""
    return sorted({0, 1, 2, count - 2, count - 1, *range(3, count, step)})


def test_writes_are_spread_over_the_shards(
    dynamodb: Any, boards: tuple[str, dict[int, ProcessorConfig]]
) -> None:
    _, configs = boards
    used = {item["board_shard"]["S"] for item in all_items(dynamodb, configs[16].table_name)}
    assert len(used) > 8
    assert all(value.startswith("all-time#") for value in used)


@pytest.mark.parametrize("n", [0, 1, 5, 12, 49, 60])
def test_top_is_the_same_for_every_shard_count(
    dynamodb: Any, boards: tuple[str, dict[int, ProcessorConfig]], n: int
) -> None:
    order, configs = boards
    for config in configs.values():
        assert top(dynamodb, config, "all-time", n) == _expected(order)[:n]


def test_rank_is_the_same_for_every_shard_count(
    dynamodb: Any, boards: tuple[str, dict[int, ProcessorConfig]]
) -> None:
    order, configs = boards
    expected = _expected(order)
    for config in configs.values():
        for position in _sample_positions(len(expected), 3):
            entry = expected[position]
            assert rank(dynamodb, config, entry.player_id, "all-time") == entry
        assert rank(dynamodb, config, "nobody", "all-time") is None
        assert rank(dynamodb, config, "player-000", "daily#2026-12-04") is None


@pytest.mark.parametrize("k", [0, 2])
def test_around_is_the_same_for_every_shard_count(
    dynamodb: Any, boards: tuple[str, dict[int, ProcessorConfig]], k: int
) -> None:
    order, configs = boards
    expected = _expected(order)
    for config in configs.values():
        for position in _sample_positions(len(expected), 7):
            entry = expected[position]
            window = expected[max(0, position - k) : position + k + 1]
            assert around(dynamodb, config, entry.player_id, "all-time", k) == window
        assert around(dynamodb, config, "nobody", "all-time", k) == []


def test_number_partition_keys_break_ties_numerically(dynamodb: Any) -> None:
    scores = {"10": Decimal(5), "2": Decimal(5), "-3": Decimal(5), "7": Decimal(9)}
    config = _load(dynamodb, "desc", 4, key_type="N", scores=scores)

    assert [entry.player_id for entry in top(dynamodb, config, "all-time", 10)] == ["7", "-3", "2", "10"]
    assert rank(dynamodb, config, "10", "all-time") == Entry(4, "10", 5)
    assert top(dynamodb, config, "all-time", 1)[0].as_dict() == {"rank": 1, "player_id": "7", "score": 9}
