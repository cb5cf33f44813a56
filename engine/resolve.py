"""Merge a manifest's layers and build the resolved model (engine.model).

Merge order, lowest first: built-in defaults < `defaults` < the pipeline <
`environments.<env>.defaults` < `environments.<env>.pipelines.<name>`. Mappings merge
deeply; anything else (strings, numbers, lists) is replaced. Every value remembers the
document path it came from, so a rule can point at the line that set it.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from engine.diagnostics import DocPath
from engine.durations import parse_duration
from engine.model import (
    AlarmSpec,
    GameSpec,
    KeyAttribute,
    PipelineSpec,
    ProcessorSpec,
    QueueSpec,
    ScoringSpec,
    TableSpec,
    frozen_mapping,
)

SettingsPath = tuple[str, ...]
"""A path inside one pipeline's settings, e.g. ("processor", "batch_size")."""

BUILTIN_DEFAULTS: Mapping[str, Mapping[str, Any]] = {
    "queue": {
        "type": "fifo",
        "content_based_deduplication": True,
        "retention": "4d",
        "visibility_timeout": "auto",
        "max_receive_count": 5,
        "dlq_retention": "14d",
    },
    "table": {
        "partition_key": {"name": "player_id", "type": "S"},
        "sort_key": "board",
        "billing": "on-demand",
        "point_in_time_recovery": True,
        "stream": "none",
        "ttl_attribute": "expires_at",
    },
    "scoring": {
        "mode": "best",
        "order": "desc",
        "windows": ["all-time"],
        "window_retention": "30d",
        "shards": 1,
    },
    "processor": {
        "memory_mb": 512,
        "timeout": "30s",
        "batch_size": 10,
        "batching_window": "0s",
        "max_concurrency": 10,
        "log_retention_days": 14,
        "tracing": True,
    },
    "alarms": {
        "dlq_depth": 1,
        "oldest_message_age": "5m",
        "errors": 1,
        "throttles": 1,
        "period": "5m",
        "notify": [],
    },
}
VISIBILITY_FACTOR = 6
"""AWS: set the source queue's visibility timeout to at least six times the function timeout."""


@dataclass
class MergedPipeline:
    """One pipeline's settings after merging, with the origin of every value."""

    name: str
    document_path: DocPath
    """Where the pipeline itself is (`pipelines[i]`): the location of built-in defaults."""
    settings: dict[str, Any] = field(default_factory=dict)
    origins: dict[SettingsPath, DocPath] = field(default_factory=dict)

    def value(self, *path: str) -> Any:
        node: Any = self.settings
        for key in path:
            node = node[key]
        return node

    def is_set(self, *path: str) -> bool:
        """True when a manifest layer (not a built-in default) set this value."""
        return path in self.origins

    def where(self, *path: str) -> DocPath:
        """The document path that set this value, else the nearest that set a parent, else the pipeline."""
        for end in range(len(path), 0, -1):
            origin = self.origins.get(path[:end])
            if origin is not None:
                return origin
        return self.document_path


def _merge(
    target: dict[str, Any],
    layer: Mapping[str, Any],
    pipeline: MergedPipeline,
    base: DocPath | None,
    at: SettingsPath,
) -> None:
    for key, value in layer.items():
        here = (*at, key)
        if base is not None:
            pipeline.origins[here] = (*base, *here)
        if isinstance(value, Mapping) and isinstance(target.get(key), dict):
            _merge(target[key], value, pipeline, base, here)
        else:
            target[key] = copy.deepcopy(value)
            if isinstance(value, Mapping) and base is not None:
                _record(value, pipeline, base, here)


def _record(value: Mapping[str, Any], pipeline: MergedPipeline, base: DocPath, at: SettingsPath) -> None:
    for key, inner in value.items():
        pipeline.origins[(*at, key)] = (*base, *at, key)
        if isinstance(inner, Mapping):
            _record(inner, pipeline, base, (*at, key))


def merge_pipeline(data: Mapping[str, Any], index: int, environment: str | None) -> MergedPipeline:
    """Merge the layers of `pipelines[index]` for `environment` (None: no overlay)."""
    raw = data["pipelines"][index]
    merged = MergedPipeline(name=raw["name"], document_path=("pipelines", index))
    layers: list[tuple[Mapping[str, Any], DocPath | None]] = [
        (BUILTIN_DEFAULTS, None),
        (data.get("defaults") or {}, ("defaults",)),
        ({k: v for k, v in raw.items() if k != "name"}, ("pipelines", index)),
    ]
    overlay = (data.get("environments") or {}).get(environment) if environment else None
    if overlay:
        env_path: DocPath = ("environments", environment or "")
        layers.append((overlay.get("defaults") or {}, (*env_path, "defaults")))
        own = (overlay.get("pipelines") or {}).get(merged.name) or {}
        layers.append((own, (*env_path, "pipelines", merged.name)))
    for layer, base in layers:
        _merge(merged.settings, layer, merged, base, ())
    return merged


def _queue(s: Mapping[str, Any], processor: ProcessorSpec) -> QueueSpec:
    fifo = s["type"] == "fifo"
    auto = s["visibility_timeout"] == "auto"
    visibility = (
        VISIBILITY_FACTOR * processor.timeout_s + processor.batching_window_s
        if auto
        else parse_duration(s["visibility_timeout"])
    )
    return QueueSpec(
        type=s["type"],
        content_based_deduplication=bool(s["content_based_deduplication"]) and fifo,
        retention_s=parse_duration(s["retention"]),
        visibility_timeout_s=visibility,
        visibility_timeout_auto=auto,
        max_receive_count=int(s["max_receive_count"]),
        dlq_retention_s=parse_duration(s["dlq_retention"]),
    )


def _table(s: Mapping[str, Any]) -> TableSpec:
    billing = s["billing"]
    provisioned = billing.get("provisioned") if isinstance(billing, Mapping) else None
    return TableSpec(
        partition_key=KeyAttribute(name=s["partition_key"]["name"], type=s["partition_key"]["type"]),
        sort_key=s["sort_key"],
        billing="provisioned" if provisioned else "on-demand",
        read_capacity=int(provisioned["read"]) if provisioned else None,
        write_capacity=int(provisioned["write"]) if provisioned else None,
        point_in_time_recovery=bool(s["point_in_time_recovery"]),
        stream=s["stream"],
        ttl_attribute=s["ttl_attribute"],
    )


def _scoring(s: Mapping[str, Any]) -> ScoringSpec:
    return ScoringSpec(
        mode=s["mode"],
        order=s["order"],
        windows=tuple(dict.fromkeys(s["windows"])),
        window_retention_s=parse_duration(s["window_retention"]),
        shards=int(s["shards"]),
    )


def _processor(s: Mapping[str, Any]) -> ProcessorSpec:
    return ProcessorSpec(
        memory_mb=int(s["memory_mb"]),
        timeout_s=parse_duration(s["timeout"]),
        batch_size=int(s["batch_size"]),
        batching_window_s=parse_duration(s["batching_window"]),
        max_concurrency=int(s["max_concurrency"]),
        log_retention_days=int(s["log_retention_days"]),
        tracing=bool(s["tracing"]),
    )


def _alarms(s: Mapping[str, Any]) -> AlarmSpec:
    return AlarmSpec(
        dlq_depth=int(s["dlq_depth"]),
        oldest_message_age_s=parse_duration(s["oldest_message_age"]),
        errors=int(s["errors"]),
        throttles=int(s["throttles"]),
        period_s=parse_duration(s["period"]),
        notify=tuple(s["notify"]),
    )


def build_pipeline(
    data: Mapping[str, Any], merged: MergedPipeline, environment: str, source: str
) -> PipelineSpec:
    """The resolved model of one merged pipeline (the data must be schema-valid)."""
    s = merged.settings
    processor = _processor(s["processor"])
    return PipelineSpec(
        game=data["game"],
        name=merged.name,
        environment=environment,
        owner=data.get("owner"),
        tags=frozen_mapping(data.get("tags") or {}),
        queue=_queue(s["queue"], processor),
        table=_table(s["table"]),
        scoring=_scoring(s["scoring"]),
        processor=processor,
        alarms=_alarms(s["alarms"]),
        source=source,
    )


def build_game(data: Mapping[str, Any], pipelines: tuple[PipelineSpec, ...], source: str) -> GameSpec:
    return GameSpec(
        game=data["game"],
        owner=data.get("owner"),
        tags=frozen_mapping(data.get("tags") or {}),
        pipelines=pipelines,
        source=source,
    )
