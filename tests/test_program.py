"""The Pulumi program itself: stack config, fail-before-anything on bad input, outputs, entry point."""

from __future__ import annotations

import runpy
import shutil
from pathlib import Path

import pytest
import yaml

from engine.plan import PlanMocks, run_isolated, stack_config, synthesize
from engine.program import (
    ManifestError,
    StackConfigError,
    StackSettings,
    define_pipelines,
    read_stack_settings,
)
from tests.pipeline_specs import deployment, fifo_pipeline, standard_pipeline

REPO = Path(__file__).resolve().parent.parent
MANIFESTS = REPO / "manifests"

INVALID_MANIFEST = """\
version: 1
game: space-race
pipelines:
  - name: global
    queue: {type: fifo}
    processor: {batching_window: 5s}
"""


@pytest.fixture
def one_invalid_among_valid(tmp_path: Path) -> Path:
    for manifest in MANIFESTS.glob("*.yaml"):
        if manifest.name != "space-race.yaml":
            shutil.copy(manifest, tmp_path / manifest.name)
    (tmp_path / "space-race.yaml").write_text(INVALID_MANIFEST, encoding="utf-8")
    return tmp_path


def test_invalid_manifest_stops_the_program_before_any_resource(one_invalid_among_valid: Path) -> None:
    mocks = PlanMocks()
    with pytest.raises(ManifestError) as raised:
        synthesize(one_invalid_among_valid, "dev", "us-east-1", mocks)
    assert mocks.resources == [], "not a single resource may be registered"
    [diagnostic] = raised.value.diagnostics
    assert diagnostic.rule.startswith("LB1") and diagnostic.file.endswith("space-race.yaml")
    assert diagnostic.format_text() in str(raised.value)


def test_bad_environment_name_stops_the_program_before_any_resource() -> None:
    mocks = PlanMocks()
    with pytest.raises(StackConfigError, match="leaderboard:environment"):
        synthesize(MANIFESTS, "Prod-EU", "us-east-1", mocks)
    assert mocks.resources == []


def test_empty_manifest_directory_is_refused_not_an_empty_deployment(tmp_path: Path) -> None:
    mocks = PlanMocks()
    with pytest.raises(StackConfigError, match="refusing to deploy nothing"):
        synthesize(tmp_path, "dev", "us-east-1", mocks)
    assert mocks.resources == []


def test_environment_defaults_to_the_stack_name() -> None:
    config = stack_config(MANIFESTS, "prod", "us-east-1")
    del config["leaderboard:environment"]
    settings: list[StackSettings] = []
    run_isolated(lambda: settings.append(read_stack_settings()), config, "prod", PlanMocks())
    [only] = settings
    assert only.environment == "prod"
    assert only.manifests == MANIFESTS


def test_stack_config_defaults() -> None:
    settings: list[StackSettings] = []
    run_isolated(
        lambda: settings.append(read_stack_settings()), {"aws:region": "us-west-2"}, "dev", PlanMocks()
    )
    [only] = settings
    assert only.manifests == Path("manifests")
    assert only.environment == "dev"
    assert only.powertools_layer_arn == (
        "arn:aws:lambda:us-west-2:017000801446:layer:AWSLambdaPowertoolsPythonV3-python313-x86_64:27"
    )


def test_layer_version_and_architecture_from_stack_config() -> None:
    config = {
        "aws:region": "us-east-1",
        "leaderboard:architecture": "arm64",
        "leaderboard:powertoolsLayerVersion": "31",
    }
    mocks = PlanMocks()

    def program() -> None:
        define_pipelines(deployment(fifo_pipeline()), read_stack_settings())

    run_isolated(program, config, "dev", mocks)
    function = next(r for r in mocks.resources if r.type == "aws:lambda/function:Function")
    assert function.inputs["architectures"] == ["arm64"]
    assert function.inputs["layers"] == [
        "arn:aws:lambda:us-east-1:017000801446:layer:AWSLambdaPowertoolsPythonV3-python313-arm64:31"
    ]


def test_bad_architecture_is_a_config_error() -> None:
    config = {"aws:region": "us-east-1", "leaderboard:architecture": "sparc"}
    with pytest.raises(StackConfigError, match="architecture"):
        run_isolated(read_stack_settings, config, "dev", PlanMocks())


def test_outputs_per_pipeline() -> None:
    plan = synthesize(MANIFESTS, "dev", "us-east-1")
    assert sorted(plan.outputs) == sorted(r.name for r in plan.resources if r.is_component)
    assert plan.outputs["space-race-global"] == {
        "queueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/space-race-global-dev.fifo",
        "queueArn": "arn:aws:sqs:us-east-1:123456789012:space-race-global-dev.fifo",
        "deadLetterQueueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/space-race-global-dev-dlq.fifo",
        "tableName": "space-race-global-dev",
        "functionName": "space-race-global-dev-processor",
    }


def test_synthesize_is_repeatable_in_one_process() -> None:
    first = synthesize(MANIFESTS, "dev", "us-east-1")
    second = synthesize(MANIFESTS, "prod", "us-east-1")
    third = synthesize(MANIFESTS, "dev", "us-east-1")
    assert [(r.type, r.name, r.parent) for r in first.resources] == [
        (r.type, r.name, r.parent) for r in third.resources
    ]
    assert [r.inputs for r in first.resources if r.type != "aws:lambda/function:Function"] == [
        r.inputs for r in third.resources if r.type != "aws:lambda/function:Function"
    ]
    assert first.outputs == third.outputs != second.outputs


def test_hand_built_deployment_gets_standard_and_fifo_right() -> None:
    mocks = PlanMocks()

    def program() -> None:
        define_pipelines(deployment(fifo_pipeline(), standard_pipeline()), read_stack_settings())

    run_isolated(program, {"aws:region": "us-east-1"}, "dev", mocks)
    mapping = {r.name: r.inputs for r in mocks.resources}
    assert "maximumBatchingWindowInSeconds" not in mapping["space-race-global-mapping"]
    assert mapping["puzzle-quest-points-mapping"]["maximumBatchingWindowInSeconds"] == 5
    assert mapping["puzzle-quest-points-table"]["streamViewType"] == "NEW_IMAGE"


def test_main_module_is_the_program() -> None:
    """`__main__.py` (what `pulumi up` runs) registers the same resources as `synthesize`."""
    mocks = PlanMocks()
    run_isolated(
        lambda: runpy.run_path(str(REPO / "__main__.py")),
        stack_config(MANIFESTS, "dev", "us-east-1"),
        "dev",
        mocks,
    )
    expected = synthesize(MANIFESTS, "dev", "us-east-1")
    assert sorted(r.name for r in mocks.resources) == sorted(r.name for r in expected.resources)
    assert len(mocks.resources) == 65


# -- Pulumi project and stack files -------------------------------------------------------
def _project() -> dict[str, object]:
    loaded = yaml.safe_load((REPO / "Pulumi.yaml").read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def test_pulumi_project_config_is_valid_for_the_cli() -> None:
    """Pulumi's own rules: typed keys must be namespaced by the project, have a default of the
    declared type (a typed key without a default is required), and the program's keys exist."""
    project = _project()
    assert project["runtime"] == {"name": "python", "options": {"toolchain": "pip", "virtualenv": ".venv"}}
    config = project["config"]
    assert isinstance(config, dict)
    python_types = {"string": str, "integer": int, "boolean": bool}
    for key, declaration in config.items():
        namespace = key.split(":")[0] if ":" in key else project["name"]
        assert namespace == project["name"], f"{key} is not namespaced by the project"
        assert "default" in declaration, f"{key} would be required"
        assert isinstance(declaration["default"], python_types[declaration["type"]])
    assert set(config) == {
        "leaderboard:manifests",
        "leaderboard:architecture",
        "leaderboard:powertoolsLayerVersion",
    }
    assert config["leaderboard:powertoolsLayerVersion"]["default"] == 27


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_stack_files_set_the_region(stack: str) -> None:
    settings = yaml.safe_load((REPO / f"Pulumi.{stack}.yaml").read_text(encoding="utf-8"))
    assert settings["config"]["aws:region"] == "us-east-1"
