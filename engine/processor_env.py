"""The processor's environment variables, built from one resolved pipeline.

This is the engine's half of the contract in docs/processor-environment.md (the processor's
half is `lambda/processor/config.py`; a test checks both against the table). Plain Python, no
Pulumi: the dead-letter queue URL is only known at deploy time, so the caller passes it in
(a string, or a Pulumi Output).
"""

from __future__ import annotations

from typing import TypeVar

from engine.model import SCORE_INDEX_NAME, PipelineSpec

METRICS_NAMESPACE = "Leaderboard"

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
"""Every variable the engine sets, in the order of the table in docs/processor-environment.md."""

UrlT = TypeVar("UrlT")


def _flag(value: bool) -> str:
    return "true" if value else "false"


def processor_environment(spec: PipelineSpec, dead_letter_queue_url: UrlT) -> dict[str, str | UrlT]:
    """The function's environment variables for `spec` (exactly `ENVIRONMENT_VARIABLES`)."""
    names = spec.names
    return {
        "LB_GAME_ID": spec.game,
        "LB_PIPELINE": spec.name,
        "LB_QUEUE_TYPE": spec.queue.type,
        "LB_TABLE_NAME": names.table,
        "LB_DLQ_URL": dead_letter_queue_url,
        "LB_PARTITION_KEY": spec.table.partition_key.name,
        "LB_PARTITION_KEY_TYPE": spec.table.partition_key.type,
        "LB_SORT_KEY": spec.table.sort_key,
        "LB_TTL_ATTRIBUTE": spec.table.ttl_attribute,
        "LB_SCORE_INDEX": SCORE_INDEX_NAME,
        "LB_SCORING_MODE": spec.scoring.mode,
        "LB_SCORING_ORDER": spec.scoring.order,
        "LB_WINDOWS": ",".join(spec.scoring.windows),
        "LB_WINDOW_RETENTION_S": str(spec.scoring.window_retention_s),
        "LB_SHARDS": str(spec.scoring.shards),
        # An event can be redelivered for as long as it can live in the queue and then the DLQ
        # (from where operators redrive it), so `sum` must remember applied events that long.
        "LB_DEDUP_TTL_S": str(spec.queue.retention_s + spec.queue.dlq_retention_s),
        "LB_TRACING": _flag(spec.processor.tracing),
        "POWERTOOLS_SERVICE_NAME": spec.key,
        "POWERTOOLS_METRICS_NAMESPACE": METRICS_NAMESPACE,
        "POWERTOOLS_TRACE_DISABLED": _flag(not spec.processor.tracing),
    }
