"""Hand-built resolved specs for the engine tests (independent of the manifest loader)."""

from __future__ import annotations

from dataclasses import replace

from engine.model import (
    AlarmSpec,
    Deployment,
    GameSpec,
    KeyAttribute,
    PipelineSpec,
    ProcessorSpec,
    QueueSpec,
    ScoringSpec,
    TableSpec,
    frozen_mapping,
)


def fifo_pipeline(game: str = "space-race", name: str = "global", environment: str = "dev") -> PipelineSpec:
    return PipelineSpec(
        game=game,
        name=name,
        environment=environment,
        owner="arcade-team",
        tags=frozen_mapping({"CostCenter": "games"}),
        queue=QueueSpec(
            type="fifo",
            content_based_deduplication=True,
            retention_s=4 * 86400,
            visibility_timeout_s=180,
            visibility_timeout_auto=True,
            max_receive_count=5,
            dlq_retention_s=14 * 86400,
        ),
        table=TableSpec(
            partition_key=KeyAttribute("player_id", "S"),
            sort_key="board",
            billing="on-demand",
            read_capacity=None,
            write_capacity=None,
            point_in_time_recovery=True,
            stream="none",
            ttl_attribute="expires_at",
        ),
        scoring=ScoringSpec(
            mode="best", order="asc", windows=("all-time", "daily"), window_retention_s=30 * 86400, shards=1
        ),
        processor=ProcessorSpec(
            memory_mb=512, timeout_s=30, batch_size=10, batching_window_s=0, max_concurrency=10,
            log_retention_days=14, tracing=True,
        ),
        alarms=AlarmSpec(
            dlq_depth=1, oldest_message_age_s=300, errors=1, throttles=1, period_s=300,
            notify=("arn:aws:sns:us-east-1:123456789012:arcade-oncall",),
        ),
    )  # fmt: skip


def standard_pipeline(
    game: str = "puzzle-quest", name: str = "points", environment: str = "dev"
) -> PipelineSpec:
    base = fifo_pipeline(game, name, environment)
    return replace(
        base,
        owner=None,
        queue=replace(
            base.queue, type="standard", content_based_deduplication=False, visibility_timeout_s=125
        ),
        table=replace(
            base.table, billing="provisioned", read_capacity=10, write_capacity=25, stream="new-image"
        ),
        processor=replace(base.processor, timeout_s=20, batch_size=100, batching_window_s=5, tracing=False),
        alarms=replace(base.alarms, notify=()),
    )


def deployment(*pipelines: PipelineSpec, environment: str = "dev") -> Deployment:
    games: dict[str, list[PipelineSpec]] = {}
    for spec in pipelines:
        games.setdefault(spec.game, []).append(spec)
    return Deployment(
        environment=environment,
        games=tuple(
            GameSpec(game=game, owner=None, tags=frozen_mapping({}), pipelines=tuple(specs))
            for game, specs in games.items()
        ),
    )
