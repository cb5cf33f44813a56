"""Processor configuration: read once from the environment at cold start.

The variables and their meaning are the contract in docs/processor-environment.md; the engine
sets them on every function. Anything missing or invalid fails the cold start with one error
naming every offending variable, so a misconfigured function never processes a message.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Literal, TypeVar, cast

QueueType = Literal["fifo", "standard"]
KeyType = Literal["S", "N"]
ScoringMode = Literal["best", "latest", "sum"]
ScoringOrder = Literal["desc", "asc"]
Window = Literal["all-time", "daily", "weekly", "monthly"]

ALL_WINDOWS: tuple[Window, ...] = ("all-time", "daily", "weekly", "monthly")
MAX_SHARDS = 64

# Every variable the processor reads, in the order of the table in docs/processor-environment.md.
ENVIRONMENT_VARIABLES: tuple[str, ...] = (
    "LB_GAME_ID",
    "LB_PIPELINE",
    "LB_QUEUE_TYPE",
    "LB_TABLE_NAME",
    "LB_DLQ_URL",
    "LB_PARTITION_KEY",
    "LB_PARTITION_KEY_TYPE",
    "LB_SORT_KEY",
    "LB_TTL_ATTRIBUTE",
    "LB_SCORE_INDEX",
    "LB_SCORING_MODE",
    "LB_SCORING_ORDER",
    "LB_WINDOWS",
    "LB_WINDOW_RETENTION_S",
    "LB_SHARDS",
    "LB_DEDUP_TTL_S",
    "LB_TRACING",
    "POWERTOOLS_SERVICE_NAME",
    "POWERTOOLS_METRICS_NAMESPACE",
    "POWERTOOLS_TRACE_DISABLED",
)


class ConfigError(ValueError):
    """The function's environment does not satisfy the processor contract."""


@dataclass(frozen=True)
class ProcessorConfig:
    """Everything the processor needs, validated; one instance per cold start."""

    game_id: str
    pipeline: str
    queue_type: QueueType
    table_name: str
    dlq_url: str
    partition_key: str
    partition_key_type: KeyType
    sort_key: str
    ttl_attribute: str
    score_index: str
    scoring_mode: ScoringMode
    scoring_order: ScoringOrder
    windows: tuple[Window, ...]
    window_retention_s: int
    shards: int
    dedup_ttl_s: int
    tracing: bool
    service_name: str
    metrics_namespace: str
    trace_disabled: bool

    @property
    def is_fifo(self) -> bool:
        return self.queue_type == "fifo"


T = TypeVar("T")


class _Reader:
    """Reads variables, collecting every problem instead of stopping at the first."""

    def __init__(self, environ: Mapping[str, str]) -> None:
        self._environ = environ
        self.problems: list[str] = []

    def get(self, name: str, parse: Callable[[str], T], fallback: T) -> T:
        raw = self._environ.get(name)
        if raw is None or raw.strip() == "":
            self.problems.append(f"{name} is not set")
            return fallback
        try:
            return parse(raw.strip())
        except ValueError as error:
            self.problems.append(f"{name}={raw!r}: {error}")
            return fallback


def _text(value: str) -> str:
    return value


def _choice(*allowed: str) -> Callable[[str], str]:
    def parse(value: str) -> str:
        if value not in allowed:
            raise ValueError(f"must be one of {', '.join(allowed)}")
        return value

    return parse


def _int_between(low: int, high: int) -> Callable[[str], int]:
    def parse(value: str) -> int:
        try:
            number = int(value)
        except ValueError:
            raise ValueError("must be an integer") from None
        if not low <= number <= high:
            raise ValueError(f"must be between {low} and {high}")
        return number

    return parse


def _boolean(value: str) -> bool:
    lowered = value.lower()
    if lowered not in ("true", "false"):
        raise ValueError("must be true or false")
    return lowered == "true"


def _windows(value: str) -> tuple[str, ...]:
    names = tuple(part.strip() for part in value.split(","))
    unknown = [name for name in names if name not in ALL_WINDOWS]
    if unknown:
        raise ValueError(f"unknown window {unknown[0]!r}; allowed: {', '.join(ALL_WINDOWS)}")
    if len(set(names)) != len(names):
        raise ValueError("lists a window twice")
    return names


_TEN_YEARS_S = 10 * 366 * 86400
_DEFAULT_WINDOWS: tuple[str, ...] = ("all-time",)


def load_config(environ: Mapping[str, str]) -> ProcessorConfig:
    """Build the configuration from `environ`; raise ConfigError naming every bad variable."""
    read = _Reader(environ)
    config = ProcessorConfig(
        game_id=read.get("LB_GAME_ID", _text, ""),
        pipeline=read.get("LB_PIPELINE", _text, ""),
        queue_type=cast(QueueType, read.get("LB_QUEUE_TYPE", _choice("fifo", "standard"), "fifo")),
        table_name=read.get("LB_TABLE_NAME", _text, ""),
        dlq_url=read.get("LB_DLQ_URL", _text, ""),
        partition_key=read.get("LB_PARTITION_KEY", _text, ""),
        partition_key_type=cast(KeyType, read.get("LB_PARTITION_KEY_TYPE", _choice("S", "N"), "S")),
        sort_key=read.get("LB_SORT_KEY", _text, ""),
        ttl_attribute=read.get("LB_TTL_ATTRIBUTE", _text, ""),
        score_index=read.get("LB_SCORE_INDEX", _text, ""),
        scoring_mode=cast(ScoringMode, read.get("LB_SCORING_MODE", _choice("best", "latest", "sum"), "best")),
        scoring_order=cast(ScoringOrder, read.get("LB_SCORING_ORDER", _choice("desc", "asc"), "desc")),
        windows=cast(tuple[Window, ...], read.get("LB_WINDOWS", _windows, _DEFAULT_WINDOWS)),
        window_retention_s=read.get("LB_WINDOW_RETENTION_S", _int_between(0, _TEN_YEARS_S), 0),
        shards=read.get("LB_SHARDS", _int_between(1, MAX_SHARDS), 1),
        dedup_ttl_s=read.get("LB_DEDUP_TTL_S", _int_between(1, _TEN_YEARS_S), 1),
        tracing=read.get("LB_TRACING", _boolean, False),
        service_name=read.get("POWERTOOLS_SERVICE_NAME", _text, ""),
        metrics_namespace=read.get("POWERTOOLS_METRICS_NAMESPACE", _text, ""),
        trace_disabled=read.get("POWERTOOLS_TRACE_DISABLED", _boolean, True),
    )
    if read.problems:
        raise ConfigError("invalid processor environment: " + "; ".join(read.problems))
    return config
