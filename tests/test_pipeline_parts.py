"""The pure parts the component is built from: code asset, layer ARN, IAM documents, mocks."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from pulumi.runtime.mocks import MockResourceArgs

from engine.assets import processor_archive, processor_files
from engine.layers import powertools_layer_arn
from engine.plan import PlanMocks, synthesize
from engine.processor_policy import ProcessorArns, assume_role_policy, processor_policy

REPO = Path(__file__).resolve().parent.parent


def test_asset_picks_up_every_python_file_and_the_schema(tmp_path: Path) -> None:
    source = tmp_path / "processor"
    (source / "__pycache__").mkdir(parents=True)
    (source / "sub").mkdir()
    for name in (
        "__init__.py",
        "handler.py",
        "new_module.py",
        "sub/__init__.py",
        "__pycache__/handler.cpython-311.pyc",
    ):
        (source / name).write_text("#", encoding="utf-8")
    (source / "__pycache__" / "stale.py").write_text("#", encoding="utf-8")
    (source / "notes.txt").write_text("not code", encoding="utf-8")
    schema = tmp_path / "score-event.schema.json"
    schema.write_text("{}", encoding="utf-8")
    files = processor_files(source, schema)
    assert list(files) == [
        "processor/__init__.py",
        "processor/handler.py",
        "processor/new_module.py",
        "processor/score-event.schema.json",
        "processor/sub/__init__.py",
    ]
    assert files["processor/score-event.schema.json"] == schema
    assert set(processor_archive(source, schema).assets) == set(files)


def test_repository_asset_bundles_the_real_processor() -> None:
    files = processor_files()
    assert "processor/handler.py" in files and "processor/config.py" in files
    assert files["processor/score-event.schema.json"] == REPO / "schemas" / "score-event.schema.json"


def test_layer_arn_format() -> None:
    assert powertools_layer_arn("ap-south-1", "arm64", 5) == (
        "arn:aws:lambda:ap-south-1:017000801446:layer:AWSLambdaPowertoolsPythonV3-python313-arm64:5"
    )
    assert powertools_layer_arn("us-east-1", "x86_64", 27, runtime="python3.12").endswith(
        ":layer:AWSLambdaPowertoolsPythonV3-python312-x86_64:27"
    )
    with pytest.raises(ValueError, match="architecture"):
        powertools_layer_arn("us-east-1", "x86", 1)
    with pytest.raises(ValueError, match="positive"):
        powertools_layer_arn("us-east-1", "arm64", 0)


ARNS = ProcessorArns(
    queue="arn:aws:sqs:r:1:q", dead_letter_queue="arn:aws:sqs:r:1:d", table="arn:aws:dynamodb:r:1:table/t",
    log_group="arn:aws:logs:r:1:log-group:/aws/lambda/f",
)  # fmt: skip


def test_policy_without_tracing_has_no_wildcard_at_all() -> None:
    document = processor_policy(ARNS, tracing=False)
    text = json.dumps(document)
    assert "xray" not in text
    resources = [r for s in document["Statement"] for r in s["Resource"]]
    assert all(r.startswith("arn:aws:") for r in resources)
    assert "arn:aws:logs:r:1:log-group:/aws/lambda/f:*" in resources


def test_policy_with_tracing_adds_only_xray_on_star() -> None:
    with_tracing = processor_policy(ARNS, tracing=True)["Statement"]
    without = processor_policy(ARNS, tracing=False)["Statement"]
    [extra] = [s for s in with_tracing if s not in without]
    assert extra["Resource"] == ["*"]
    assert sorted(extra["Action"]) == ["xray:PutTelemetryRecords", "xray:PutTraceSegments"]


def test_trust_policy() -> None:
    [statement] = json.loads(assume_role_policy())["Statement"]
    assert statement == {
        "Effect": "Allow",
        "Principal": {"Service": "lambda.amazonaws.com"},
        "Action": "sts:AssumeRole",
    }


def _create(mocks: PlanMocks, typ: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    return mocks.create(MockResourceArgs(typ=typ, name="logical", inputs=inputs))


def test_mocks_answer_like_aws() -> None:
    mocks = PlanMocks(region="eu-central-1", account="210987654321")
    queue_id, queue = _create(mocks, "aws:sqs/queue:Queue", {"name": "a.fifo"})
    assert queue_id == queue["url"] == "https://sqs.eu-central-1.amazonaws.com/210987654321/a.fifo"
    assert queue["arn"] == "arn:aws:sqs:eu-central-1:210987654321:a.fifo"
    assert _create(mocks, "aws:dynamodb/table:Table", {"name": "t"})[1]["arn"] == (
        "arn:aws:dynamodb:eu-central-1:210987654321:table/t"
    )
    assert "streamArn" in _create(mocks, "aws:dynamodb/table:Table", {"name": "t", "streamEnabled": True})[1]
    assert _create(mocks, "aws:iam/role:Role", {"name": "r"})[1]["arn"] == "arn:aws:iam::210987654321:role/r"
    assert _create(mocks, "aws:cloudwatch/logGroup:LogGroup", {"name": "/aws/lambda/f"})[1]["arn"] == (
        "arn:aws:logs:eu-central-1:210987654321:log-group:/aws/lambda/f"
    )
    assert _create(mocks, "aws:lambda/function:Function", {"name": "f"})[1]["arn"] == (
        "arn:aws:lambda:eu-central-1:210987654321:function:f"
    )
    assert _create(mocks, "aws:cloudwatch/metricAlarm:MetricAlarm", {"name": "al"})[1]["arn"] == (
        "arn:aws:cloudwatch:eu-central-1:210987654321:alarm:al"
    )


def test_subclass_create_hook_sees_every_aws_resource_with_resolved_inputs() -> None:
    class Recording(PlanMocks):
        def __init__(self) -> None:
            super().__init__(region="us-east-1")
            self.created: list[str] = []

        def create(self, args: MockResourceArgs) -> tuple[str, dict[str, Any]]:
            self.created.append(args.typ)
            if args.typ == "aws:sqs/queue:Queue" and "redrivePolicy" in args.inputs:
                assert json.loads(args.inputs["redrivePolicy"])["deadLetterTargetArn"].startswith(
                    "arn:aws:sqs:"
                )
            return super().create(args)

    mocks = Recording()
    plan = synthesize(REPO / "manifests", "dev", "us-east-1", mocks)
    assert len(mocks.created) == 60 and "leaderboard:index:Pipeline" not in mocks.created
    assert len(plan.resources) == len(mocks.resources) == 65
    registered = [r.name for r in mocks.resources]
    for resource in mocks.resources:  # registration order respects dependencies
        assert all(registered.index(d) < registered.index(resource.name) for d in resource.dependencies)


def test_bundle_imports_the_handler_and_finds_the_bundled_schema(tmp_path: Path) -> None:
    """Lay the archive out as Lambda would unpack it and import the handler from there alone."""
    import os
    import shutil
    import subprocess
    import sys

    from engine.processor_env import processor_environment
    from tests.pipeline_specs import fifo_pipeline

    for name, path in processor_files().items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, tmp_path / name)
    environment = {
        **os.environ,
        **processor_environment(fifo_pipeline(), "https://sqs.us-east-1.amazonaws.com/123456789012/d.fifo"),
        "PYTHONPATH": str(tmp_path),
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    probe = (
        "import importlib, processor.validation as v;"
        "module, _, function = 'processor.handler.lambda_handler'.rpartition('.');"
        "assert callable(getattr(importlib.import_module(module), function));"
        "print(v.schema_path())"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=tmp_path,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert Path(result.stdout.strip()) == tmp_path / "processor" / "score-event.schema.json"


def test_a_failed_run_leaves_nothing_behind(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """After a mock refuses a resource, no task stays pending, no later garbage collection
    finalizes Pulumi objects against the run's closed event loop, and the futures the failure
    orphaned do not each log it again ("Future exception was never retrieved")."""
    import asyncio
    import gc
    import sys

    unraisable: list[str] = []
    monkeypatch.setattr(sys, "unraisablehook", lambda u: unraisable.append(repr(u.exc_value)))

    class Refusing(PlanMocks):
        def create(self, args: MockResourceArgs) -> tuple[str, dict[str, Any]]:
            if args.typ == "aws:lambda/function:Function":
                raise RuntimeError("refused")
            return super().create(args)

    for _ in range(2):
        with pytest.raises(Exception, match="refused"):
            synthesize(REPO / "manifests", "dev", "us-east-1", Refusing())
        gc.collect()
    assert unraisable == []
    assert not [r for r in caplog.records if "never retrieved" in r.getMessage()]
    orphaned = [
        future
        for future in gc.get_objects()
        if isinstance(future, asyncio.Future) and future.done() and future._log_traceback
    ]
    assert orphaned == []
    assert synthesize(REPO / "manifests", "dev", "us-east-1").outputs  # the process is still fine
