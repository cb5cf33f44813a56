"""Shared helpers for local-mode tests: the example manifests and their resolved pipelines."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from engine.manifest import load_deployment
from engine.model import PipelineSpec

MANIFESTS = Path(__file__).parents[2] / "manifests"


def pipeline_specs(manifests: Path, environment: str = "dev") -> dict[tuple[str, str], PipelineSpec]:
    deployment, diagnostics = load_deployment([manifests], environment)
    assert deployment is not None, [d.format_text() for d in diagnostics]
    return {(spec.game, spec.name): spec for spec in deployment.pipelines}


@pytest.fixture
def two_games(tmp_path: Path) -> Path:
    """A manifests directory with one FIFO game (best/asc) and one standard game (sum)."""
    for name in ("space-race.yaml", "puzzle-quest.yaml"):
        shutil.copy(MANIFESTS / name, tmp_path / name)
    return tmp_path
