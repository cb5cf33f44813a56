"""The Pulumi program: every manifest + stack config -> every pipeline + stack outputs.

`main()` is what `__main__.py` runs under the Pulumi CLI and what `engine.plan` runs under
mocks. It validates everything first and raises before registering a single resource when
any manifest (or the stack config) is invalid.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pulumi

from engine.layers import (
    ARCHITECTURES,
    DEFAULT_ARCHITECTURE,
    DEFAULT_POWERTOOLS_LAYER_VERSION,
    powertools_layer_arn,
)
from engine.model import ENVIRONMENT_NAME, Deployment

if TYPE_CHECKING:
    from engine.diagnostics import Diagnostic
    from engine.pipeline import LeaderboardPipeline

CONFIG_NAMESPACE = "leaderboard"
DEFAULT_MANIFESTS = "manifests"


class ManifestError(pulumi.RunError):
    """The manifests are invalid: nothing was registered. `diagnostics` says what and where."""

    def __init__(self, diagnostics: Sequence[Diagnostic]) -> None:
        self.diagnostics = tuple(diagnostics)
        lines = [d.format_text() for d in self.diagnostics]
        super().__init__("invalid manifests, nothing was deployed:\n" + "\n".join(lines))


class StackConfigError(pulumi.RunError):
    """A stack config value is invalid (e.g. the environment name)."""


@dataclass(frozen=True)
class StackSettings:
    """Everything the program reads from stack config, validated."""

    manifests: Path
    environment: str
    region: str
    architecture: str
    powertools_layer_version: int

    @property
    def powertools_layer_arn(self) -> str:
        return powertools_layer_arn(self.region, self.architecture, self.powertools_layer_version)


def _aws_region() -> str:
    import pulumi_aws

    region = pulumi_aws.config.region
    if not region:
        raise StackConfigError("no AWS region: run `pulumi config set aws:region <region>`")
    return str(region)


def read_stack_settings() -> StackSettings:
    """Stack config -> settings; a clear `StackConfigError` for any bad value."""
    config = pulumi.Config(CONFIG_NAMESPACE)
    environment = config.get("environment") or pulumi.get_stack()
    if not ENVIRONMENT_NAME.match(environment):
        raise StackConfigError(
            f"leaderboard:environment {environment!r} must match {ENVIRONMENT_NAME.pattern} "
            "(set it with `pulumi config set leaderboard:environment <name>`)"
        )
    architecture = config.get("architecture") or DEFAULT_ARCHITECTURE
    if architecture not in ARCHITECTURES:
        raise StackConfigError(f"leaderboard:architecture must be one of {', '.join(ARCHITECTURES)}")
    layer_version = config.get_int("powertoolsLayerVersion") or DEFAULT_POWERTOOLS_LAYER_VERSION
    if layer_version < 1:
        raise StackConfigError("leaderboard:powertoolsLayerVersion must be a positive integer")
    return StackSettings(
        manifests=Path(config.get("manifests") or DEFAULT_MANIFESTS),
        environment=environment,
        region=_aws_region(),
        architecture=architecture,
        powertools_layer_version=layer_version,
    )


def load_valid_deployment(manifests: Path, environment: str) -> Deployment:
    """Load and validate every manifest; raise `ManifestError` on any error."""
    from engine.manifest import load_deployment

    deployment, diagnostics = load_deployment([manifests], environment)
    errors = [d for d in diagnostics if d.is_error]
    for warning in (d for d in diagnostics if not d.is_error):
        pulumi.log.warn(warning.format_text())
    if errors or deployment is None:
        raise ManifestError(errors)
    if not deployment.pipelines:
        # An empty program would make `pulumi up` delete every pipeline of the stack.
        raise StackConfigError(
            f"no manifests (*.yaml) in {manifests}: refusing to deploy nothing; "
            "check leaderboard:manifests, or use `pulumi destroy` to tear the stack down"
        )
    return deployment


def define_pipelines(deployment: Deployment, settings: StackSettings) -> dict[str, LeaderboardPipeline]:
    """Register one component per pipeline and export its outputs under `{game}-{pipeline}`."""
    from engine.assets import processor_archive
    from engine.pipeline import LeaderboardPipeline, PipelineArgs

    # Built once and shared by every function: the same archive, the same layer.
    code = processor_archive()
    layer_arn = settings.powertools_layer_arn
    pipelines: dict[str, LeaderboardPipeline] = {}
    for spec in deployment.pipelines:
        args = PipelineArgs(
            spec=spec, code=code, powertools_layer_arn=layer_arn, architecture=settings.architecture
        )
        pipeline = LeaderboardPipeline(spec.key, args)
        pulumi.export(spec.key, pipeline.outputs())
        pipelines[spec.key] = pipeline
    return pipelines


def main() -> None:
    """The whole program: settings, validation (may raise), then the resources."""
    settings = read_stack_settings()
    deployment = load_valid_deployment(settings.manifests, settings.environment)
    define_pipelines(deployment, settings)
