"""The example manifests load into the resolved model with every default applied."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.manifest import load_deployment
from engine.model import Deployment, PipelineSpec

ROOT = Path(__file__).resolve().parents[1]
MANIFESTS = ROOT / "manifests"


def _pipeline(deployment: Deployment, key: str) -> PipelineSpec:
    return next(p for p in deployment.pipelines if p.key == key)


@pytest.mark.parametrize("environment", ["dev", "prod"])
def test_examples_load_without_errors(environment: str) -> None:
    deployment, diagnostics = load_deployment([MANIFESTS], environment)
    assert [d.format_text() for d in diagnostics if d.is_error] == []
    assert deployment is not None
    assert deployment.environment == environment
    assert {g.game for g in deployment.games} == {"puzzle-quest", "space-race", "tower-defense"}


def test_defaults_are_resolved_in_merge_order() -> None:
    dev, _ = load_deployment([MANIFESTS], "dev")
    prod, _ = load_deployment([MANIFESTS], "prod")
    assert dev is not None and prod is not None
    ranked = _pipeline(dev, "space-race-ranked")
    assert ranked.queue.type == "fifo"  # built-in default
    assert ranked.scoring.order == "asc"  # from `defaults`
    assert ranked.processor.max_concurrency == 20  # from the pipeline
    assert ranked.alarms.notify == ("arn:aws:sns:us-east-1:123456789012:arcade-oncall",)
    assert _pipeline(dev, "space-race-global").processor.memory_mb == 512
    assert _pipeline(prod, "space-race-global").processor.memory_mb == 1024  # overlay wins
    assert _pipeline(prod, "puzzle-quest-points").table.write_capacity == 200


def test_durations_and_auto_visibility_are_seconds() -> None:
    deployment, _ = load_deployment([MANIFESTS], "dev")
    assert deployment is not None
    points = _pipeline(deployment, "puzzle-quest-points")
    assert points.queue.retention_s == 2 * 86400
    assert points.queue.visibility_timeout_auto
    assert points.queue.visibility_timeout_s == 6 * 20 + 5
    rating = _pipeline(deployment, "tower-defense-rating")
    assert (rating.queue.visibility_timeout_s, rating.queue.visibility_timeout_auto) == (600, False)
    assert rating.names.queue == "tower-defense-rating-dev.fifo"


def test_invalid_manifest_gives_no_deployment(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("version: 1\ngame: bad\npipelines:\n  - name: a\n    processor: {batch_size: 11}\n")
    deployment, diagnostics = load_deployment([bad], "dev")
    assert deployment is None
    assert [d.rule for d in diagnostics] == ["LB102"]
    assert (
        diagnostics[0]
        .format_text()
        .startswith(f"{bad}:5:29: error LB102 pipelines[0].processor.batch_size: ")
    )
