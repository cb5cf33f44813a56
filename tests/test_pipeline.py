"""Every example manifest, in dev and prod, run through the real program under mocks.

Each test checks the inputs one kind of resource receives, for every pipeline of every example
manifest, against the resolved model (and, for the overlays, against literal values).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from engine.assets import HANDLER, SCHEMA_NAME_IN_ARCHIVE
from engine.manifest import load_deployment
from engine.model import SCORE_INDEX_NAME, PipelineSpec
from engine.plan import Plan, PlannedResource, synthesize
from engine.processor_env import ENVIRONMENT_VARIABLES

REPO = Path(__file__).resolve().parent.parent
MANIFESTS = REPO / "manifests"
ENVIRONMENTS = ("dev", "prod")
REGION = "eu-west-1"
ACCOUNT = "123456789012"
TAGGABLE = {
    "aws:sqs/queue:Queue",
    "aws:dynamodb/table:Table",
    "aws:iam/role:Role",
    "aws:cloudwatch/logGroup:LogGroup",
    "aws:lambda/function:Function",
    "aws:lambda/eventSourceMapping:EventSourceMapping",
    "aws:cloudwatch/metricAlarm:MetricAlarm",
}


@pytest.fixture(scope="module")
def plans() -> dict[str, Plan]:
    return {env: synthesize(MANIFESTS, env, REGION) for env in ENVIRONMENTS}


@pytest.fixture(scope="module")
def specs() -> dict[str, list[PipelineSpec]]:
    result = {}
    for env in ENVIRONMENTS:
        deployment, diagnostics = load_deployment([MANIFESTS], env)
        assert deployment is not None, [d.format_text() for d in diagnostics]
        result[env] = list(deployment.pipelines)
    return result


def every_pipeline(
    plans: dict[str, Plan], specs: dict[str, list[PipelineSpec]]
) -> list[tuple[Plan, PipelineSpec]]:
    pairs = [(plans[env], spec) for env in ENVIRONMENTS for spec in specs[env]]
    assert len(pairs) == 2 * 5, "the examples have 5 pipelines in 3 manifests"
    return pairs


def child(plan: Plan, spec: PipelineSpec, part: str) -> PlannedResource:
    resource = plan.named(f"{spec.key}-{part}")
    assert resource.parent == spec.key
    return resource


def test_one_component_per_pipeline_with_twelve_children(
    plans: dict[str, Plan], specs: dict[str, Any]
) -> None:
    for plan, spec in every_pipeline(plans, specs):
        component = plan.named(spec.key)
        assert component.type == "leaderboard:index:Pipeline"
        assert component.parent is None
        assert len(plan.children(spec.key)) == 12
    for plan in plans.values():
        assert all(r.parent is not None for r in plan.resources if not r.is_component)


def test_queue_and_dead_letter_queue(plans: dict[str, Plan], specs: dict[str, Any]) -> None:
    for plan, spec in every_pipeline(plans, specs):
        queue = child(plan, spec, "queue").inputs
        dlq = child(plan, spec, "dlq").inputs
        fifo = spec.queue.is_fifo
        assert queue.get("fifoQueue", False) == dlq.get("fifoQueue", False) == fifo, "DLQ type = source type"
        assert queue["name"] == spec.names.queue and dlq["name"] == spec.names.dead_letter_queue
        assert queue["name"].endswith(".fifo") == dlq["name"].endswith(".fifo") == fifo
        assert queue.get("contentBasedDeduplication", False) == (
            fifo and spec.queue.content_based_deduplication
        )
        assert queue["sqsManagedSseEnabled"] is True and dlq["sqsManagedSseEnabled"] is True
        assert queue["messageRetentionSeconds"] == spec.queue.retention_s
        assert dlq["messageRetentionSeconds"] == spec.queue.dlq_retention_s
        dlq_arn = f"arn:aws:sqs:{REGION}:{ACCOUNT}:{spec.names.dead_letter_queue}"
        assert json.loads(queue["redrivePolicy"]) == {
            "deadLetterTargetArn": dlq_arn,
            "maxReceiveCount": spec.queue.max_receive_count,
        }


def test_visibility_is_six_timeouts_plus_window_when_auto(
    plans: dict[str, Plan], specs: dict[str, Any]
) -> None:
    explicit = {"tower-defense-rating": 600}  # `visibility_timeout: 10m` in the manifest
    for plan, spec in every_pipeline(plans, specs):
        visibility = child(plan, spec, "queue").inputs["visibilityTimeoutSeconds"]
        if spec.key in explicit:
            assert not spec.queue.visibility_timeout_auto
            assert visibility == explicit[spec.key]
        else:
            assert spec.queue.visibility_timeout_auto
            assert visibility == 6 * spec.processor.timeout_s + spec.processor.batching_window_s


def test_table_keys_index_and_settings(plans: dict[str, Plan], specs: dict[str, Any]) -> None:
    for plan, spec in every_pipeline(plans, specs):
        table = child(plan, spec, "table").inputs
        key = spec.table.partition_key
        assert table["name"] == spec.names.table
        assert (table["hashKey"], table["rangeKey"]) == (key.name, spec.table.sort_key)
        assert sorted(table["attributes"], key=lambda a: a["name"]) == sorted(
            [
                {"name": key.name, "type": key.type},
                {"name": spec.table.sort_key, "type": "S"},
                {"name": "board_shard", "type": "S"},
                {"name": "score", "type": "N"},
            ],
            key=lambda a: a["name"],
        )
        [index] = table["globalSecondaryIndexes"]
        assert index["name"] == SCORE_INDEX_NAME and index["projectionType"] == "ALL"
        assert index["keySchemas"] == [
            {"attributeName": "board_shard", "keyType": "HASH"},
            {"attributeName": "score", "keyType": "RANGE"},
        ]
        assert table["pointInTimeRecovery"] == {"enabled": spec.table.point_in_time_recovery}
        assert table["ttl"] == {"attributeName": spec.table.ttl_attribute, "enabled": True}
        assert table["serverSideEncryption"] == {"enabled": True}
        assert table["streamEnabled"] == (spec.table.stream != "none")
        assert table.get("streamViewType") == {"none": None, "new-image": "NEW_IMAGE"}[spec.table.stream]


def test_billing(plans: dict[str, Plan], specs: dict[str, Any]) -> None:
    for plan, spec in every_pipeline(plans, specs):
        table = child(plan, spec, "table").inputs
        [index] = table["globalSecondaryIndexes"]
        if spec.table.billing == "on-demand":
            assert table["billingMode"] == "PAY_PER_REQUEST"
            assert "readCapacity" not in table and "readCapacity" not in index
        else:
            capacity = {"readCapacity": spec.table.read_capacity, "writeCapacity": spec.table.write_capacity}
            assert table["billingMode"] == "PROVISIONED"
            assert {k: table[k] for k in capacity} == capacity == {k: index[k] for k in capacity}


def policy_statements(plan: Plan, spec: PipelineSpec) -> dict[str, dict[str, Any]]:
    policy = child(plan, spec, "policy").inputs
    assert policy["role"] == spec.names.role
    return {s["Sid"]: s for s in json.loads(policy["policy"])["Statement"]}


def test_role_trusts_only_lambda(plans: dict[str, Plan], specs: dict[str, Any]) -> None:
    for plan, spec in every_pipeline(plans, specs):
        role = child(plan, spec, "role").inputs
        assert role["name"] == spec.names.role
        [statement] = json.loads(role["assumeRolePolicy"])["Statement"]
        assert statement["Principal"] == {"Service": "lambda.amazonaws.com"}
        assert statement["Action"] == "sts:AssumeRole"


def test_policy_grants_exact_actions_on_exact_arns(plans: dict[str, Plan], specs: dict[str, Any]) -> None:
    for plan, spec in every_pipeline(plans, specs):
        names = spec.names
        table_arn = f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/{names.table}"
        expected = {
            "ConsumeQueue": (
                {"sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"},
                [f"arn:aws:sqs:{REGION}:{ACCOUNT}:{names.queue}"],
            ),
            "DeadLetterInvalidEvents": (
                {"sqs:SendMessage"},
                [f"arn:aws:sqs:{REGION}:{ACCOUNT}:{names.dead_letter_queue}"],
            ),
            "WriteBoards": (
                {
                    "dynamodb:GetItem",
                    "dynamodb:PutItem",
                    "dynamodb:UpdateItem",
                    "dynamodb:ConditionCheckItem",
                },
                [table_arn],
            ),
            "ReadBoards": ({"dynamodb:Query"}, [table_arn, f"{table_arn}/index/{SCORE_INDEX_NAME}"]),
            "WriteOwnLogs": (
                {"logs:CreateLogStream", "logs:PutLogEvents"},
                [f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:{names.log_group}:*"],
            ),
        }
        if spec.processor.tracing:
            expected["Tracing"] = ({"xray:PutTraceSegments", "xray:PutTelemetryRecords"}, ["*"])
        statements = policy_statements(plan, spec)
        assert set(statements) == set(expected)
        for sid, (actions, resources) in expected.items():
            assert statements[sid]["Effect"] == "Allow"
            assert set(statements[sid]["Action"]) == actions, sid
            assert statements[sid]["Resource"] == resources, sid


def test_no_wildcard_action_and_wildcard_resource_only_for_xray(
    plans: dict[str, Plan], specs: dict[str, Any]
) -> None:
    tracing_seen = {True: 0, False: 0}
    for plan, spec in every_pipeline(plans, specs):
        tracing_seen[spec.processor.tracing] += 1
        for statement in policy_statements(plan, spec).values():
            assert all("*" not in action for action in statement["Action"])
            if "*" in "".join(statement["Resource"]).replace(":*", ""):
                assert statement["Resource"] == ["*"]
                assert all(action.startswith("xray:") for action in statement["Action"])
    assert tracing_seen[True] and tracing_seen[False], "the examples cover tracing on and off"


def test_log_group_is_the_functions_and_created_before_it(
    plans: dict[str, Plan], specs: dict[str, Any]
) -> None:
    for plan, spec in every_pipeline(plans, specs):
        logs = child(plan, spec, "logs")
        function = child(plan, spec, "function")
        assert logs.inputs["name"] == "/aws/lambda/" + function.inputs["name"]
        assert logs.inputs["retentionInDays"] == spec.processor.log_retention_days
        assert function.inputs["loggingConfig"]["logGroup"] == logs.inputs["name"]
        assert logs.name in function.dependencies
        assert plan.resources.index(logs) < plan.resources.index(function)


def test_function(plans: dict[str, Plan], specs: dict[str, Any]) -> None:
    for plan, spec in every_pipeline(plans, specs):
        function = child(plan, spec, "function").inputs
        runtime = re.fullmatch(r"python3\.(\d+)", function["runtime"])
        assert runtime and int(runtime.group(1)) >= 12
        assert function["name"] == spec.names.function
        assert function["role"] == f"arn:aws:iam::{ACCOUNT}:role/{spec.names.role}"
        assert function["handler"] == HANDLER == "processor.handler.lambda_handler"
        assert function["memorySize"] == spec.processor.memory_mb
        assert function["timeout"] == spec.processor.timeout_s
        assert function["tracingConfig"] == {"mode": "Active" if spec.processor.tracing else "PassThrough"}
        assert function["architectures"] == ["x86_64"]
        assert "reservedConcurrentExecutions" not in function


def test_function_code_bundles_the_processor_and_the_event_schema(
    plans: dict[str, Plan], specs: dict[str, Any]
) -> None:
    for plan, spec in every_pipeline(plans, specs):
        archive = child(plan, spec, "function").inputs["code"]
        files = {name: Path(asset.path) for name, asset in archive.assets.items()}
        assert "processor/handler.py" in files and "processor/__init__.py" in files
        assert files[SCHEMA_NAME_IN_ARCHIVE] == REPO / "schemas" / "score-event.schema.json"
        expected_sources = {p.name for p in (REPO / "lambda" / "processor").glob("*.py")}
        assert {n.removeprefix("processor/") for n in files if n.endswith(".py")} == expected_sources


def test_powertools_layer_for_region_python_and_architecture(
    plans: dict[str, Plan], specs: dict[str, Any]
) -> None:
    for plan, spec in every_pipeline(plans, specs):
        function = child(plan, spec, "function").inputs
        python = function["runtime"].replace(".", "")
        [layer] = function["layers"]
        assert re.fullmatch(
            rf"arn:aws:lambda:{REGION}:017000801446:layer:AWSLambdaPowertoolsPythonV3-{python}-x86_64:\d+",
            layer,
        )


def test_function_environment(plans: dict[str, Plan], specs: dict[str, Any]) -> None:
    for plan, spec in every_pipeline(plans, specs):
        variables = child(plan, spec, "function").inputs["environment"]["variables"]
        assert set(variables) == set(ENVIRONMENT_VARIABLES)
        assert variables["LB_TABLE_NAME"] == spec.names.table
        assert (
            variables["LB_DLQ_URL"]
            == f"https://sqs.{REGION}.amazonaws.com/{ACCOUNT}/{spec.names.dead_letter_queue}"
        )
        assert variables["LB_GAME_ID"] == spec.game and variables["LB_PIPELINE"] == spec.name
        assert variables["LB_QUEUE_TYPE"] == spec.queue.type
        assert variables["LB_PARTITION_KEY"] == spec.table.partition_key.name
        assert variables["LB_SORT_KEY"] == spec.table.sort_key
        assert variables["LB_SCORING_MODE"] == spec.scoring.mode
        assert variables["LB_WINDOWS"] == ",".join(spec.scoring.windows)
        assert variables["LB_SHARDS"] == str(spec.scoring.shards)
        assert variables["LB_DEDUP_TTL_S"] == str(spec.queue.retention_s + spec.queue.dlq_retention_s)
        assert variables["POWERTOOLS_SERVICE_NAME"] == f"{spec.game}-{spec.name}"
        assert variables["POWERTOOLS_METRICS_NAMESPACE"] == "Leaderboard"
        assert all(isinstance(value, str) for value in variables.values())


def test_event_source_mapping(plans: dict[str, Plan], specs: dict[str, Any]) -> None:
    for plan, spec in every_pipeline(plans, specs):
        mapping = child(plan, spec, "mapping").inputs
        assert mapping["eventSourceArn"] == f"arn:aws:sqs:{REGION}:{ACCOUNT}:{spec.names.queue}"
        assert mapping["functionName"] == f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{spec.names.function}"
        assert mapping["batchSize"] == spec.processor.batch_size
        assert mapping["functionResponseTypes"] == ["ReportBatchItemFailures"]
        assert mapping["scalingConfig"] == {"maximumConcurrency": spec.processor.max_concurrency}
        if spec.queue.is_fifo:
            assert "maximumBatchingWindowInSeconds" not in mapping
        else:
            assert mapping["maximumBatchingWindowInSeconds"] == spec.processor.batching_window_s
        assert f"{spec.key}-policy" in plan.named(f"{spec.key}-mapping").dependencies


def test_alarms(plans: dict[str, Plan], specs: dict[str, Any]) -> None:
    for plan, spec in every_pipeline(plans, specs):
        names, alarms = spec.names, spec.alarms
        at_least = "GreaterThanOrEqualToThreshold"
        dlq = {"QueueName": names.dead_letter_queue}
        expected = {
            "dlq-depth": ("AWS/SQS", "ApproximateNumberOfMessagesVisible", dlq, alarms.dlq_depth, at_least),
            "oldest-message-age": ("AWS/SQS", "ApproximateAgeOfOldestMessage", {"QueueName": names.queue},
                                   alarms.oldest_message_age_s, "GreaterThanThreshold"),
            "errors": ("AWS/Lambda", "Errors", {"FunctionName": names.function},
                       alarms.errors, at_least),
            "throttles": ("AWS/Lambda", "Throttles", {"FunctionName": names.function},
                          alarms.throttles, at_least),
        }  # fmt: skip
        found = [r for r in plan.children(spec.key) if r.type == "aws:cloudwatch/metricAlarm:MetricAlarm"]
        assert len(found) == 4
        for alarm, (namespace, metric, dimensions, threshold, comparison) in expected.items():
            inputs = child(plan, spec, alarm).inputs
            assert inputs["name"] == names.alarm(alarm)
            assert (inputs["namespace"], inputs["metricName"]) == (namespace, metric)
            assert inputs["dimensions"] == dimensions
            assert (inputs["threshold"], inputs["comparisonOperator"]) == (threshold, comparison)
            assert inputs["period"] == alarms.period_s
            assert inputs["treatMissingData"] == "notBreaching"
            assert inputs.get("alarmActions", []) == list(alarms.notify)
            assert inputs.get("okActions", []) == list(alarms.notify)


def test_examples_notify_sns_topics(plans: dict[str, Plan]) -> None:
    actions = plans["dev"].named("space-race-global-dlq-depth").inputs["alarmActions"]
    assert actions == ["arn:aws:sns:us-east-1:123456789012:arcade-oncall"]


def test_tags_on_everything_taggable(plans: dict[str, Plan], specs: dict[str, Any]) -> None:
    for plan, spec in every_pipeline(plans, specs):
        for resource in plan.children(spec.key):
            if resource.type not in TAGGABLE:
                assert resource.type == "aws:iam/rolePolicy:RolePolicy"  # inline policies have no tags
                continue
            tags = resource.inputs["tags"]
            assert {k: tags[k] for k in spec.tags} == dict(spec.tags), resource.name
            assert tags["game"] == spec.game and tags["pipeline"] == spec.name
            assert tags["environment"] == spec.environment and tags["managed-by"] == "leaderboard-pipelines"


def test_manifest_tags_reach_the_resources(plans: dict[str, Plan]) -> None:
    tags = plans["prod"].named("space-race-ranked-table").inputs["tags"]
    assert tags["CostCenter"] == "games" and tags["Team"] == "arcade" and tags["environment"] == "prod"


def test_physical_names_follow_the_contract(plans: dict[str, Plan]) -> None:
    prod = plans["prod"]
    assert prod.named("space-race-global-queue").inputs["name"] == "space-race-global-prod.fifo"
    assert prod.named("space-race-global-dlq").inputs["name"] == "space-race-global-prod-dlq.fifo"
    assert prod.named("puzzle-quest-points-queue").inputs["name"] == "puzzle-quest-points-prod"
    assert prod.named("puzzle-quest-points-dlq").inputs["name"] == "puzzle-quest-points-prod-dlq"
    assert prod.named("space-race-global-function").inputs["name"] == "space-race-global-prod-processor"
    assert (
        prod.named("space-race-global-logs").inputs["name"] == "/aws/lambda/space-race-global-prod-processor"
    )
    assert prod.named("space-race-global-errors").inputs["name"] == "space-race-global-prod-errors"


def test_prod_overlay_applied(plans: dict[str, Plan]) -> None:
    dev, prod = plans["dev"], plans["prod"]
    assert dev.named("space-race-global-function").inputs["memorySize"] == 512
    assert prod.named("space-race-global-function").inputs["memorySize"] == 1024
    assert prod.named("space-race-global-mapping").inputs["scalingConfig"] == {"maximumConcurrency": 50}
    assert dev.named("puzzle-quest-points-table").inputs["readCapacity"] == 10
    prod_table = prod.named("puzzle-quest-points-table").inputs
    assert (prod_table["readCapacity"], prod_table["writeCapacity"]) == (50, 200)
    assert prod.named("space-race-ranked-errors").inputs["threshold"] == 5
    assert dev.named("space-race-ranked-errors").inputs["threshold"] != 5
    assert prod.named("tower-defense-waves-function").inputs["memorySize"] == 256  # no overlay: unchanged
