"""The resolved model: frozen dataclasses with every default applied.

`engine.manifest` turns YAML into these objects; `engine.pipeline` turns them into AWS
resources. Nothing here parses, validates or imports Pulumi: every value is final
(durations in seconds, `auto` visibility resolved, physical names computed).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Literal

QueueType = Literal["fifo", "standard"]
KeyType = Literal["S", "N"]
BillingMode = Literal["on-demand", "provisioned"]
StreamView = Literal["none", "keys-only", "new-image", "old-image", "new-and-old-images"]
ScoringMode = Literal["best", "latest", "sum"]
ScoringOrder = Literal["desc", "asc"]
Window = Literal["all-time", "daily", "weekly", "monthly"]

# Attribute names the processor owns on every board item (and the score index uses).
# Manifest key names must not collide with them (rule LB1xx in engine.rules).
SCORE_ATTRIBUTE = "score"
SCORE_INDEX_PARTITION_ATTRIBUTE = "board_shard"
SCORE_INDEX_NAME = "score-index"
RESERVED_ATTRIBUTES = frozenset(
    {SCORE_ATTRIBUTE, SCORE_INDEX_PARTITION_ATTRIBUTE, "event_id", "event_ts", "updated_at", "metadata"}
)

ENVIRONMENT_NAME = re.compile(r"^[a-z][a-z0-9]{0,9}$")
"""The stack's environment name, the last part of every physical name (DESIGN.md)."""

FIFO_SUFFIX = ".fifo"
MANAGED_BY = "leaderboard-pipelines"


@dataclass(frozen=True)
class QueueSpec:
    type: QueueType
    content_based_deduplication: bool
    retention_s: int
    visibility_timeout_s: int
    """Resolved: `auto` is 6 x processor.timeout + batching_window (AWS's guidance for SQS mappings)."""
    visibility_timeout_auto: bool
    max_receive_count: int
    dlq_retention_s: int

    @property
    def is_fifo(self) -> bool:
        return self.type == "fifo"


@dataclass(frozen=True)
class KeyAttribute:
    name: str
    type: KeyType


@dataclass(frozen=True)
class TableSpec:
    partition_key: KeyAttribute
    sort_key: str
    billing: BillingMode
    read_capacity: int | None
    write_capacity: int | None
    point_in_time_recovery: bool
    stream: StreamView
    ttl_attribute: str


@dataclass(frozen=True)
class ScoringSpec:
    mode: ScoringMode
    order: ScoringOrder
    windows: tuple[Window, ...]
    window_retention_s: int
    shards: int


@dataclass(frozen=True)
class ProcessorSpec:
    memory_mb: int
    timeout_s: int
    batch_size: int
    batching_window_s: int
    max_concurrency: int
    log_retention_days: int
    tracing: bool


@dataclass(frozen=True)
class AlarmSpec:
    dlq_depth: int
    oldest_message_age_s: int
    errors: int
    throttles: int
    period_s: int
    notify: tuple[str, ...]


@dataclass(frozen=True)
class PhysicalNames:
    """Deterministic AWS names per the contract in DESIGN.md ("Physical names")."""

    stem: str
    fifo: bool

    @classmethod
    def of(cls, game: str, pipeline: str, environment: str, fifo: bool) -> PhysicalNames:
        return cls(stem=f"{game}-{pipeline}-{environment}", fifo=fifo)

    @property
    def queue(self) -> str:
        return self.stem + (FIFO_SUFFIX if self.fifo else "")

    @property
    def dead_letter_queue(self) -> str:
        return f"{self.stem}-dlq" + (FIFO_SUFFIX if self.fifo else "")

    @property
    def table(self) -> str:
        return self.stem

    @property
    def function(self) -> str:
        return f"{self.stem}-processor"

    @property
    def role(self) -> str:
        return f"{self.stem}-processor"

    @property
    def log_group(self) -> str:
        return f"/aws/lambda/{self.function}"

    def alarm(self, alarm: str) -> str:
        return f"{self.stem}-{alarm}"


@dataclass(frozen=True)
class PipelineSpec:
    """One pipeline of one game in one environment, fully resolved."""

    game: str
    name: str
    environment: str
    owner: str | None
    tags: Mapping[str, str]
    queue: QueueSpec
    table: TableSpec
    scoring: ScoringSpec
    processor: ProcessorSpec
    alarms: AlarmSpec
    source: str = ""
    """The manifest file this pipeline came from (for messages)."""

    @property
    def names(self) -> PhysicalNames:
        return PhysicalNames.of(self.game, self.name, self.environment, self.queue.is_fifo)

    @property
    def key(self) -> str:
        """`{game}-{pipeline}`: unique within one run, used as the component's logical name."""
        return f"{self.game}-{self.name}"


@dataclass(frozen=True)
class GameSpec:
    """One manifest resolved for one environment."""

    game: str
    owner: str | None
    tags: Mapping[str, str]
    pipelines: tuple[PipelineSpec, ...]
    source: str = ""


@dataclass(frozen=True)
class Deployment:
    """Every game of one run (one stack)."""

    environment: str
    games: tuple[GameSpec, ...] = field(default_factory=tuple)

    @property
    def pipelines(self) -> tuple[PipelineSpec, ...]:
        return tuple(p for g in self.games for p in g.pipelines)


def frozen_mapping(values: Mapping[str, str]) -> Mapping[str, str]:
    """A read-only copy, so a frozen dataclass really is immutable."""
    return MappingProxyType(dict(values))
