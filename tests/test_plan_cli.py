"""`leaderboard plan`: the JSON contract, the table, the mermaid picture, and bad input."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from engine.cli import main

REPO = Path(__file__).resolve().parent.parent
MANIFESTS = str(REPO / "manifests")


def plan_output(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    status = main(["plan", "--manifests", MANIFESTS, *args])
    captured = capsys.readouterr()
    assert status == 0, captured.err
    return captured.out


def test_json_follows_the_plan_contract(capsys: pytest.CaptureFixture[str]) -> None:
    document = json.loads(
        plan_output(capsys, "--format", "json", "--environment", "prod", "--region", "eu-west-1")
    )
    assert set(document) == {"environment", "resources", "outputs"}
    assert document["environment"] == "prod"
    resources = document["resources"]
    assert len(resources) == 65
    for resource in resources:
        assert set(resource) == {"type", "name", "parent", "inputs"}
    by_name = {r["name"]: r for r in resources}
    queue = by_name["space-race-global-queue"]
    assert queue["type"] == "aws:sqs/queue:Queue" and queue["parent"] == "space-race-global"
    assert queue["inputs"]["fifoQueue"] is True and queue["inputs"]["visibilityTimeoutSeconds"] == 180
    assert by_name["space-race-global"]["parent"] is None
    redrive = json.loads(queue["inputs"]["redrivePolicy"])
    assert (
        redrive["deadLetterTargetArn"] == "arn:aws:sqs:eu-west-1:123456789012:space-race-global-prod-dlq.fifo"
    )
    outputs = document["outputs"]["space-race-global"]
    assert (
        outputs["queueUrl"] == "https://sqs.eu-west-1.amazonaws.com/123456789012/space-race-global-prod.fifo"
    )


def test_json_shows_the_code_archive_as_files(capsys: pytest.CaptureFixture[str]) -> None:
    document = json.loads(plan_output(capsys, "--format", "json"))
    function = next(r for r in document["resources"] if r["type"] == "aws:lambda/function:Function")
    archive = function["inputs"]["code"]["archive"]
    assert archive["processor/handler.py"] == {"file": "lambda/processor/handler.py"}
    assert archive["processor/score-event.schema.json"] == {"file": "schemas/score-event.schema.json"}


def test_json_is_stable(capsys: pytest.CaptureFixture[str]) -> None:
    assert plan_output(capsys, "--format", "json") == plan_output(capsys, "--format", "json")


def test_table_groups_resources_per_pipeline(capsys: pytest.CaptureFixture[str]) -> None:
    out = plan_output(capsys)
    assert out.startswith("environment dev (us-east-1): 5 pipelines, 60 resources\n")
    sections = out.split("\n\n")[1:]
    assert [s.splitlines()[0] for s in sections] == [
        "puzzle-quest-points  (12 resources)",
        "space-race-global  (12 resources)",
        "space-race-ranked  (12 resources)",
        "tower-defense-rating  (12 resources)",
        "tower-defense-waves  (12 resources)",
    ]
    ranked = sections[2]
    assert "space-race-ranked-dev.fifo" in ranked and "space-race-global" not in ranked
    assert "lambda:EventSourceMapping  space-race-ranked-mapping" in ranked


def test_mermaid_draws_each_pipeline(capsys: pytest.CaptureFixture[str]) -> None:
    out = plan_output(capsys, "--format", "mermaid")
    assert out.count("```mermaid\nflowchart LR\n") == 5
    block = out.split("### space-race-global (dev)")[1].split("###")[0]
    assert (
        'producer([producer]) -->|SendMessage| queue["SQS FIFO queue<br/>space-race-global-dev.fifo"]'
        in block
    )
    assert (
        "queue -->|" in block
        and '| function["Lambda processor<br/>space-race-global-dev-processor"]' in block
    )
    assert 'table[("DynamoDB<br/>space-race-global-dev")]' in block
    assert 'dlq["SQS FIFO DLQ<br/>space-race-global-dev-dlq.fifo"]' in block
    assert block.count('{{"alarm ') == 4
    assert 'topic0[/"SNS arcade-oncall"/]' in block and block.count("-->|alarm / OK| topic0") == 4
    assert "window" not in block  # FIFO: no batching window


def test_invalid_manifest_exits_1_with_the_validate_diagnostics(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copy(REPO / "manifests" / "space-race.yaml", tmp_path / "space-race.yaml")
    text = (tmp_path / "space-race.yaml").read_text(encoding="utf-8")
    (tmp_path / "space-race.yaml").write_text(text.replace("max_receive_count: 5", "max_receive_count: 0"))
    status = main(["plan", "--manifests", str(tmp_path)])
    plan = capsys.readouterr()
    assert status == 1
    assert plan.out == ""
    assert "Traceback" not in plan.err
    assert main(["validate", str(tmp_path)]) == 1
    validate = capsys.readouterr()
    diagnostics = [line for line in validate.out.splitlines() if " error " in line]
    assert diagnostics and all(line in plan.err.splitlines() for line in diagnostics)
    assert "space-race.yaml:" in diagnostics[0] and "max_receive_count" in diagnostics[0]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--manifests", "no/such/dir"], "no such file or directory"),
        (["--manifests", MANIFESTS, "--environment", "Prod"], "--environment"),
    ],
)
def test_usage_errors_exit_2(args: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plan", *args]) == 2
    captured = capsys.readouterr()
    assert message in captured.err and captured.out == "" and "Traceback" not in captured.err


@pytest.mark.parametrize("document", ["docs/deploying.md", "README.md"])
def test_deploying_doc_shows_the_generated_picture(document: str, capsys: pytest.CaptureFixture[str]) -> None:
    generated = plan_output(capsys, "--format", "mermaid")
    block = generated.split("### space-race-global (dev)\n\n")[1].split("\n\n###")[0].rstrip("\n")
    doc = (REPO / document).read_text(encoding="utf-8")
    assert block in doc, f"regenerate the picture in {document} with `leaderboard plan --format mermaid`"
    for command in (
        "pulumi login",
        "pulumi stack init",
        "pulumi config set",
        "pulumi preview",
        "pulumi up",
        "pulumi destroy",
    ):
        assert command in doc
