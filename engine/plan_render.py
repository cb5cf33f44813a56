"""Render a `Plan` for machines (JSON, the DESIGN.md contract), people (table) and docs (mermaid)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pulumi

from engine.assets import PROJECT_ROOT
from engine.plan import Plan, PlannedResource

QUEUE = "aws:sqs/queue:Queue"
TABLE = "aws:dynamodb/table:Table"
FUNCTION = "aws:lambda/function:Function"
MAPPING = "aws:lambda/eventSourceMapping:EventSourceMapping"
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"


# -- JSON ---------------------------------------------------------------------------------
def _display_path(path: str) -> str:
    resolved = Path(path).resolve()
    return resolved.relative_to(PROJECT_ROOT).as_posix() if resolved.is_relative_to(PROJECT_ROOT) else path


def jsonable(value: Any) -> Any:
    """Inputs as plain JSON: assets and archives become `{"file": ...}` / `{"archive": {...}}`."""
    if isinstance(value, pulumi.FileAsset | pulumi.FileArchive):
        return {"file": _display_path(str(value.path))}
    if isinstance(value, pulumi.StringAsset):
        return {"text": value.text}
    if isinstance(value, pulumi.AssetArchive):
        return {"archive": {name: jsonable(asset) for name, asset in sorted(value.assets.items())}}
    if isinstance(value, dict):
        return {key: jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(item) for item in value]
    return value


def plan_document(plan: Plan) -> dict[str, Any]:
    """`{"environment", "resources": [{"type", "name", "parent", "inputs"}], "outputs"}`."""
    return {
        "environment": plan.environment,
        "resources": [
            {"type": r.type, "name": r.name, "parent": r.parent, "inputs": jsonable(r.inputs)}
            for r in plan.resources
        ],
        "outputs": jsonable(plan.outputs),
    }


def render_json(plan: Plan) -> str:
    return json.dumps(plan_document(plan), indent=2, sort_keys=True)


# -- table --------------------------------------------------------------------------------
def _short_type(type_: str) -> str:
    """`aws:sqs/queue:Queue` -> `sqs:Queue`."""
    package, module, kind = type_.split(":")
    return f"{module.split('/')[0]}:{kind}" if package == "aws" else type_


def _physical_name(resource: PlannedResource) -> str:
    if resource.type == MAPPING:
        return (
            f"{_arn_name(resource.inputs['eventSourceArn'])} -> {_arn_name(resource.inputs['functionName'])}"
        )
    return str(resource.inputs.get("name", "-"))


def _arn_name(arn: str) -> str:
    return re.split(r"[:/]", arn)[-1]


def _rows(resources: list[PlannedResource]) -> list[tuple[str, str, str]]:
    return [(_short_type(r.type), r.name, _physical_name(r)) for r in resources]


def _format_rows(rows: list[tuple[str, str, str]]) -> Iterator[str]:
    header = ("TYPE", "LOGICAL NAME", "PHYSICAL NAME")
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(3)]
    for row in [header, *rows]:
        yield "  " + "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()


def components(plan: Plan) -> list[PlannedResource]:
    return [r for r in plan.resources if r.is_component]


def render_table(plan: Plan) -> str:
    pipelines = components(plan)
    lines = [
        f"environment {plan.environment} ({plan.region}): {len(pipelines)} pipelines, "
        f"{len(plan.resources) - len(pipelines)} resources"
    ]
    for pipeline in pipelines:
        children = plan.children(pipeline.name)
        lines += ["", f"{pipeline.name}  ({len(children)} resources)", *_format_rows(_rows(children))]
    return "\n".join(lines) + "\n"


# -- mermaid ------------------------------------------------------------------------------
def _label(*lines: str) -> str:
    return '"' + "<br/>".join(line.replace('"', "'") for line in lines) + '"'


def _one(children: list[PlannedResource], type_: str, suffix: str = "") -> PlannedResource:
    return next(r for r in children if r.type == type_ and r.name.endswith(suffix))


def _pipeline_mermaid(plan: Plan, pipeline: PlannedResource) -> list[str]:
    children = plan.children(pipeline.name)
    queue, dlq = _one(children, QUEUE, "-queue"), _one(children, QUEUE, "-dlq")
    table, function = _one(children, TABLE), _one(children, FUNCTION)
    mapping, logs = _one(children, MAPPING), _one(children, LOG_GROUP)
    kind = "FIFO" if queue.inputs.get("fifoQueue") else "standard"
    redrive = json.loads(queue.inputs["redrivePolicy"])
    env = function.inputs["environment"]["variables"]
    batching = mapping.inputs.get("maximumBatchingWindowInSeconds")
    mapping_text = [f"batch {mapping.inputs['batchSize']}", "ReportBatchItemFailures"]
    if batching is not None:
        mapping_text.append(f"window {batching}s")
    mapping_text.append(f"max concurrency {mapping.inputs['scalingConfig']['maximumConcurrency']}")
    receives = redrive["maxReceiveCount"]
    retention = logs.inputs["retentionInDays"]
    scoring = f"{env['LB_SCORING_MODE']} {env['LB_SCORING_ORDER']}"
    queue_node = f"queue[{_label(f'SQS {kind} queue', queue.inputs['name'])}]"
    function_node = f"function[{_label('Lambda processor', function.inputs['name'])}]"
    table_node = f"table[({_label('DynamoDB', table.inputs['name'])})]"
    dlq_node = f"dlq[{_label(f'SQS {kind} DLQ', dlq.inputs['name'])}]"
    logs_node = f"logs[{_label('log group', logs.inputs['name'], f'{retention} days')}]"
    lines = [
        "flowchart LR",
        f"  producer([producer]) -->|SendMessage| {queue_node}",
        f"  queue -->|{_label(*mapping_text)}| {function_node}",
        f"  function -->|{_label(scoring)}| {table_node}",
        f"  queue -->|{_label(f'after {receives} receives')}| {dlq_node}",
        f"  function -->|{_label('invalid events')}| dlq",
        f"  function -.-> {logs_node}",
    ]
    lines += _alarm_lines([r for r in children if r.type == ALARM])
    return lines


def _alarm_lines(alarms: list[PlannedResource]) -> list[str]:
    watched = {"QueueName": "queue", "FunctionName": "function"}
    topics: dict[str, str] = {}
    lines: list[str] = []
    for index, alarm in enumerate(alarms):
        node = f"alarm{index}"
        inputs = alarm.inputs
        dimension, value = next(iter(inputs["dimensions"].items()))
        source = "dlq" if value.endswith(("-dlq", "-dlq.fifo")) else watched[dimension]
        text = f"{inputs['metricName']} {_comparison(inputs['comparisonOperator'])} {inputs['threshold']}"
        lines.append(f"  {source} -.- {node}{{{{{_label('alarm ' + inputs['name'], text)}}}}}")
        for arn in inputs.get("alarmActions", []):
            if arn not in topics:
                topics[arn] = f"topic{len(topics)}"
                lines.append(f"  {topics[arn]}[/{_label('SNS ' + _arn_name(arn))}/]")
            lines.append(f"  {node} -->|alarm / OK| {topics[arn]}")
    return lines


def _comparison(operator: str) -> str:
    return {"GreaterThanOrEqualToThreshold": ">=", "GreaterThanThreshold": ">"}.get(operator, operator)


def render_mermaid(plan: Plan) -> str:
    """One fenced mermaid flowchart per pipeline (Markdown, renders on GitHub)."""
    blocks = [
        "\n".join(
            [f"### {p.name} ({plan.environment})", "", "```mermaid", *_pipeline_mermaid(plan, p), "```"]
        )
        for p in components(plan)
    ]
    return "\n\n".join(blocks) + "\n"
