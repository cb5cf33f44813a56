"""The generated workload: N pipelines as manifests on disk and as plain values for the baselines.

Every setting is written out explicitly, so the hand-written baseline program can use the very
same literal values without re-implementing the engine's defaults.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

PIPELINES_PER_GAME = 5
ENVIRONMENT = "dev"
REGION = "us-east-1"
ACCOUNT = "123456789012"
ALERT_TOPIC = f"arn:aws:sns:{REGION}:{ACCOUNT}:bench-alerts"
DAY_S = 86_400


@dataclass(frozen=True)
class BenchPipeline:
    """One generated pipeline, in resolved units (seconds)."""

    game: str
    name: str
    fifo: bool
    windows: tuple[str, ...]
    mode: str
    shards: int
    batch_size: int
    batching_window_s: int
    memory_mb: int
    timeout_s: int = 30
    retention_s: int = 4 * DAY_S
    dlq_retention_s: int = 14 * DAY_S
    max_receive_count: int = 5
    window_retention_s: int = 30 * DAY_S
    """The engine's default too, so pipelines that leave it out resolve to the same value."""
    max_concurrency: int = 10
    log_retention_days: int = 14
    alarm_period_s: int = 300
    oldest_message_age_s: int = 300

    @property
    def visibility_timeout_s(self) -> int:
        return 6 * self.timeout_s + self.batching_window_s

    @property
    def stem(self) -> str:
        return f"{self.game}-{self.name}-{ENVIRONMENT}"


def generate(pipelines: int) -> list[BenchPipeline]:
    """`pipelines` varied pipelines, `PIPELINES_PER_GAME` per game."""
    return [_pipeline(index) for index in range(pipelines)]


def _pipeline(index: int) -> BenchPipeline:
    fifo = index % 3 != 2
    windows = (("all-time",), ("all-time", "daily"), ("all-time", "weekly", "monthly"))[index % 3]
    return BenchPipeline(
        game=f"bench-g{index // PIPELINES_PER_GAME:04d}",
        name=f"p{index % PIPELINES_PER_GAME:02d}",
        fifo=fifo,
        windows=windows,
        mode=("best", "latest", "sum")[index % 3],
        shards=1 if index % 4 else 4,
        batch_size=10 if fifo else 100,
        batching_window_s=0 if fifo else 5,
        memory_mb=512 if index % 2 else 1024,
    )


def write_manifests(directory: Path, pipelines: list[BenchPipeline]) -> list[Path]:
    """One manifest file per game; returns the files written, sorted."""
    directory.mkdir(parents=True, exist_ok=True)
    by_game: dict[str, list[BenchPipeline]] = {}
    for pipeline in pipelines:
        by_game.setdefault(pipeline.game, []).append(pipeline)
    paths = []
    for game, members in by_game.items():
        path = directory / f"{game}.yaml"
        path.write_text(render_manifest(game, members), encoding="utf-8")
        paths.append(path)
    return sorted(paths)


def render_manifest(game: str, pipelines: list[BenchPipeline]) -> str:
    lines = [
        "version: 1",
        f"game: {game}",
        "owner: bench-team",
        "tags: {CostCenter: bench}",
        "pipelines:",
    ]
    for pipeline in pipelines:
        lines.extend(_render_pipeline(pipeline))
    return "\n".join(lines) + "\n"


def _window_retention(p: BenchPipeline) -> str:
    # Only windowed boards expire; the engine warns (LB112) when it is set without one.
    return "" if p.windows == ("all-time",) else f" window_retention: {p.window_retention_s}s,"


def _render_pipeline(p: BenchPipeline) -> list[str]:
    queue_type = "fifo" if p.fifo else "standard"
    dedup = "content_based_deduplication: true, " if p.fifo else ""
    return [
        f"  - name: {p.name}",
        f"    queue: {{type: {queue_type}, {dedup}retention: {p.retention_s}s, visibility_timeout: auto,"
        f" max_receive_count: {p.max_receive_count}, dlq_retention: {p.dlq_retention_s}s}}",
        "    table:",
        "      partition_key: {name: player_id, type: S}",
        "      sort_key: board",
        "      billing: on-demand",
        "      point_in_time_recovery: true",
        "      stream: none",
        "      ttl_attribute: expires_at",
        f"    scoring: {{mode: {p.mode}, order: desc, windows: {json.dumps(list(p.windows))},"
        f"{_window_retention(p)} shards: {p.shards}}}",
        f"    processor: {{memory_mb: {p.memory_mb}, timeout: {p.timeout_s}s, batch_size: {p.batch_size},"
        f" batching_window: {p.batching_window_s}s, max_concurrency: {p.max_concurrency},"
        f" log_retention_days: {p.log_retention_days}, tracing: true}}",
        f"    alarms: {{dlq_depth: 1, oldest_message_age: {p.oldest_message_age_s}s, errors: 1,"
        f" throttles: 1, period: {p.alarm_period_s}s, notify: [{ALERT_TOPIC}]}}",
    ]
