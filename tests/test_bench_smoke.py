"""Keeps bench/ from rotting: every benchmark runs on tiny sizes. No timed assertions."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pulumi
import pytest

from bench import baseline_program, cold_import, processor, profile, report, run, synth, validate, workload
from engine.plan import PlanMocks, run_isolated, stack_config, synthesize

JSON_SHAPE = {
    "synth": {"pipelines", "engine_s", "baseline_s", "ratio", "scaling"},
    "validate": {"files", "ours_s", "check_jsonschema_s", "ratio"},
    "processor": {
        "messages",
        "ours_cpu_s_per_msg",
        "baseline_cpu_s_per_msg",
        "ratio",
        "dynamodb_calls_per_board_update",
    },
    "cold_import": {"ours_s", "baseline_s", "ratio"},
}


def _comparable(inputs: dict[str, Any]) -> dict[str, Any]:
    """Archives compare by the files they hold (the objects themselves differ)."""
    return {
        key: sorted(value.assets) if isinstance(value, pulumi.AssetArchive) else value
        for key, value in inputs.items()
    }


def test_baseline_program_registers_what_the_engine_registers(tmp_path: Path) -> None:
    pipelines = workload.generate(3)
    workload.write_manifests(tmp_path, pipelines)
    plan = synthesize(tmp_path, workload.ENVIRONMENT, workload.REGION)
    mocks = PlanMocks(region=workload.REGION)
    config = stack_config(tmp_path, workload.ENVIRONMENT, workload.REGION)
    run_isolated(lambda: baseline_program.program(pipelines), config, workload.ENVIRONMENT, mocks)

    engine = {r.name: (r.type, _comparable(r.inputs)) for r in plan.resources if not r.is_component}
    baseline = {r.name: (r.type, _comparable(r.inputs)) for r in mocks.resources}
    assert set(engine) == set(baseline)
    for name, registered in engine.items():
        assert baseline[name] == registered, name


def test_generated_manifests_are_valid_without_warnings(tmp_path: Path) -> None:
    from engine.manifest import load_deployment

    paths = workload.write_manifests(tmp_path, workload.generate(7))
    deployment, diagnostics = load_deployment(paths, workload.ENVIRONMENT)
    assert list(diagnostics) == []
    assert deployment is not None
    assert len(deployment.pipelines) == 7


@pytest.mark.slow
def test_synth_runs_both_sides_in_fresh_interpreters() -> None:
    result = synth.run(pipelines=1, repetitions=1, scaling_repetitions=1)
    assert result.resources_per_pipeline == 12
    assert result.engine_s > 0 and result.baseline_s > 0
    assert set(result.as_json()) == JSON_SHAPE["synth"]


def test_validate_runs_both_validators_on_the_same_files() -> None:
    result = validate.run(files=2, repetitions=1)
    assert result.files == 2
    assert set(result.as_json()) == JSON_SHAPE["validate"]


@pytest.mark.parametrize("emulator", ["in-process", "server"])
def test_processor_counts_one_dynamodb_call_per_board_update_at_most(emulator: str) -> None:
    result = processor.run(messages=20, repetitions=1, emulator=emulator)
    assert sum(result.ours_calls.values()) > 0, "the botocore hook saw none of the handler's calls"
    assert result.baseline_calls == {"PutItem": 20}
    assert 0 < result.dynamodb_calls_per_board_update <= 1
    assert math.isfinite(result.ratio)
    assert set(result.as_json()) == JSON_SHAPE["processor"]


def test_cold_import_imports_both_handlers() -> None:
    result = cold_import.run(repetitions=1)
    assert result.ours_s > 0 and result.baseline_s > 0
    assert set(result.as_json()) == JSON_SHAPE["cold_import"]


def test_run_prints_the_json_object_of_the_issue(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(run, "QUICK", run.Sizes(1, 1, 1, 1, 1, 10, 1, 1))
    assert run.main(["--quick", "--json", "--only", "cold_import"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert set(printed) == {"cold_import"}
    assert set(printed["cold_import"]) == JSON_SHAPE["cold_import"]


@pytest.mark.parametrize(
    "arguments",
    [["--only", "nonsense"], ["--processor-windows", "hourly"], ["--processor-windows", "daily,daily"]],
)
def test_run_rejects_bad_arguments_as_usage_errors(arguments: list[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        run.main(arguments)
    assert exit_info.value.code == 2


def test_report_marks_missed_goals() -> None:
    results = {"cold_import": cold_import.ColdImportResult(ours_s=0.3, baseline_s=0.2, ratio=1.5)}
    text = report.table(results)
    assert "cold_import.ratio" in text and "MISSED" in text


def test_profile_prints_the_synthesis_profile(capsys: pytest.CaptureFixture[str]) -> None:
    assert profile.main(["synth", "baseline", "1", "--top", "5"]) == 0
    assert "baseline_program.py" in capsys.readouterr().out


def test_profile_of_the_processor_runs_without_aws_settings_in_the_environment() -> None:
    # In a fresh interpreter: the profile imports the handler with the benchmark's environment.
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    completed = subprocess.run(
        [sys.executable, "-m", "bench.profile", "processor", "ours", "10", "--top", "5"],
        cwd=Path(__file__).resolve().parent.parent,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-2000:]
    assert "function calls" in completed.stdout


def test_run_reports_a_failed_benchmark_without_a_traceback(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken() -> None:
        raise RuntimeError("worker exited 1")

    monkeypatch.setattr(run, "runners", lambda sizes, args: {"cold_import": broken})
    assert run.main(["--only", "cold_import"]) == 1
    assert "cold_import failed: worker exited 1" in capsys.readouterr().err
