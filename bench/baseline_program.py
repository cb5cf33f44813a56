"""The hand-written baseline: the same AWS resources as `engine.pipeline`, by direct pulumi_aws calls.

What a team would write without the generator: no manifests, no schema, no rules, no model, no
component; literal values (here from `bench.workload`) passed straight to the provider's
resources. Per pipeline it registers the same 12 AWS resources with the same inputs as
`engine.pipeline.LeaderboardPipeline` (2 queues, table, log group, role, role policy, function,
event source mapping, 4 alarms), so the synth benchmark measures only the generator's overhead.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pulumi
import pulumi_aws as aws

from bench.workload import ALERT_TOPIC, ENVIRONMENT, REGION, BenchPipeline

REPO = Path(__file__).resolve().parent.parent
LAYER = f"arn:aws:lambda:{REGION}:017000801446:layer:AWSLambdaPowertoolsPythonV3-python313-x86_64:27"
ASSUME_LAMBDA = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}
        ],
    }
)


def program(pipelines: list[BenchPipeline]) -> None:
    """Register every pipeline's resources (the body of a hand-written `__main__.py`)."""
    code = _code()
    for pipeline in pipelines:
        _pipeline(pipeline, code)


def _code() -> pulumi.AssetArchive:
    source = REPO / "lambda" / "processor"
    assets: dict[str, pulumi.Asset | pulumi.Archive] = {
        f"processor/{path.relative_to(source).as_posix()}": pulumi.FileAsset(str(path))
        for path in sorted(source.rglob("*.py"))
        if "__pycache__" not in path.parts
    }
    assets["processor/score-event.schema.json"] = pulumi.FileAsset(
        str(REPO / "schemas/score-event.schema.json")
    )
    return pulumi.AssetArchive(assets)


def _pipeline(p: BenchPipeline, code: pulumi.AssetArchive) -> None:
    tags = {
        "CostCenter": "bench",
        "owner": "bench-team",
        "game": p.game,
        "pipeline": p.name,
        "environment": ENVIRONMENT,
        "managed-by": "leaderboard-pipelines",
    }
    key, suffix = f"{p.game}-{p.name}", ".fifo" if p.fifo else ""
    fifo: dict[str, Any] = {"fifo_queue": True, "content_based_deduplication": True} if p.fifo else {}
    dlq = aws.sqs.Queue(
        f"{key}-dlq",
        name=f"{p.stem}-dlq{suffix}",
        message_retention_seconds=p.dlq_retention_s,
        sqs_managed_sse_enabled=True,
        tags=tags,
        **fifo,
    )
    queue = aws.sqs.Queue(
        f"{key}-queue",
        name=f"{p.stem}{suffix}",
        message_retention_seconds=p.retention_s,
        visibility_timeout_seconds=p.visibility_timeout_s,
        redrive_policy=dlq.arn.apply(
            lambda arn: json.dumps({"deadLetterTargetArn": arn, "maxReceiveCount": p.max_receive_count})
        ),
        sqs_managed_sse_enabled=True,
        tags=tags,
        **fifo,
    )
    table = aws.dynamodb.Table(
        f"{key}-table",
        name=p.stem,
        billing_mode="PAY_PER_REQUEST",
        hash_key="player_id",
        range_key="board",
        attributes=[
            aws.dynamodb.TableAttributeArgs(name="player_id", type="S"),
            aws.dynamodb.TableAttributeArgs(name="board", type="S"),
            aws.dynamodb.TableAttributeArgs(name="board_shard", type="S"),
            aws.dynamodb.TableAttributeArgs(name="score", type="N"),
        ],
        global_secondary_indexes=[
            aws.dynamodb.TableGlobalSecondaryIndexArgs(
                name="score-index",
                key_schemas=[
                    aws.dynamodb.TableGlobalSecondaryIndexKeySchemaArgs(
                        attribute_name="board_shard", key_type="HASH"
                    ),
                    aws.dynamodb.TableGlobalSecondaryIndexKeySchemaArgs(
                        attribute_name="score", key_type="RANGE"
                    ),
                ],
                projection_type="ALL",
            )
        ],
        point_in_time_recovery=aws.dynamodb.TablePointInTimeRecoveryArgs(enabled=True),
        ttl=aws.dynamodb.TableTtlArgs(attribute_name="expires_at", enabled=True),
        server_side_encryption=aws.dynamodb.TableServerSideEncryptionArgs(enabled=True),
        stream_enabled=False,
        tags=tags,
    )
    log_group = aws.cloudwatch.LogGroup(
        f"{key}-logs",
        name=f"/aws/lambda/{p.stem}-processor",
        retention_in_days=p.log_retention_days,
        tags=tags,
    )
    role = aws.iam.Role(
        f"{key}-role", name=f"{p.stem}-processor", assume_role_policy=ASSUME_LAMBDA, tags=tags
    )
    policy = aws.iam.RolePolicy(
        f"{key}-policy",
        name=f"{p.stem}-processor",
        role=role.name,
        policy=pulumi.Output.all(queue.arn, dlq.arn, table.arn, log_group.arn).apply(
            lambda arns: json.dumps(_policy(*arns))
        ),
    )
    function = aws.lambda_.Function(
        f"{key}-function",
        name=f"{p.stem}-processor",
        role=role.arn,
        runtime="python3.13",
        handler="processor.handler.lambda_handler",
        code=code,
        architectures=["x86_64"],
        memory_size=p.memory_mb,
        timeout=p.timeout_s,
        layers=[LAYER],
        environment=aws.lambda_.FunctionEnvironmentArgs(variables=_environment(p, dlq.url)),
        tracing_config=aws.lambda_.FunctionTracingConfigArgs(mode="Active"),
        logging_config=aws.lambda_.FunctionLoggingConfigArgs(log_format="JSON", log_group=log_group.name),
        tags=tags,
        opts=pulumi.ResourceOptions(depends_on=[log_group, policy]),
    )
    window: dict[str, Any] = {} if p.fifo else {"maximum_batching_window_in_seconds": p.batching_window_s}
    aws.lambda_.EventSourceMapping(
        f"{key}-mapping",
        event_source_arn=queue.arn,
        function_name=function.arn,
        batch_size=p.batch_size,
        function_response_types=["ReportBatchItemFailures"],
        scaling_config=aws.lambda_.EventSourceMappingScalingConfigArgs(maximum_concurrency=p.max_concurrency),
        tags=tags,
        opts=pulumi.ResourceOptions(depends_on=[policy]),
        **window,
    )
    _alarms(p, tags)


def _environment(p: BenchPipeline, dlq_url: pulumi.Output[str]) -> dict[str, Any]:
    return {
        "LB_GAME_ID": p.game,
        "LB_PIPELINE": p.name,
        "LB_QUEUE_TYPE": "fifo" if p.fifo else "standard",
        "LB_TABLE_NAME": p.stem,
        "LB_DLQ_URL": dlq_url,
        "LB_PARTITION_KEY": "player_id",
        "LB_PARTITION_KEY_TYPE": "S",
        "LB_SORT_KEY": "board",
        "LB_TTL_ATTRIBUTE": "expires_at",
        "LB_SCORE_INDEX": "score-index",
        "LB_SCORING_MODE": p.mode,
        "LB_SCORING_ORDER": "desc",
        "LB_WINDOWS": ",".join(p.windows),
        "LB_WINDOW_RETENTION_S": str(p.window_retention_s),
        "LB_SHARDS": str(p.shards),
        "LB_DEDUP_TTL_S": str(p.retention_s + p.dlq_retention_s),
        "LB_TRACING": "true",
        "POWERTOOLS_SERVICE_NAME": f"{p.game}-{p.name}",
        "POWERTOOLS_METRICS_NAMESPACE": "Leaderboard",
        "POWERTOOLS_TRACE_DISABLED": "false",
    }


def _policy(queue_arn: str, dlq_arn: str, table_arn: str, log_group_arn: str) -> dict[str, Any]:
    def allow(sid: str, actions: list[str], resources: list[str]) -> dict[str, Any]:
        return {"Sid": sid, "Effect": "Allow", "Action": actions, "Resource": resources}

    return {
        "Version": "2012-10-17",
        "Statement": [
            allow(
                "ConsumeQueue",
                ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"],
                [queue_arn],
            ),
            allow("DeadLetterInvalidEvents", ["sqs:SendMessage"], [dlq_arn]),
            allow(
                "WriteBoards",
                [
                    "dynamodb:ConditionCheckItem",
                    "dynamodb:GetItem",
                    "dynamodb:PutItem",
                    "dynamodb:UpdateItem",
                ],
                [table_arn],
            ),
            allow("ReadBoards", ["dynamodb:Query"], [table_arn, f"{table_arn}/index/score-index"]),
            allow("WriteOwnLogs", ["logs:CreateLogStream", "logs:PutLogEvents"], [f"{log_group_arn}:*"]),
            allow("Tracing", ["xray:PutTelemetryRecords", "xray:PutTraceSegments"], ["*"]),
        ],
    }


def _alarms(p: BenchPipeline, tags: dict[str, str]) -> None:
    suffix = ".fifo" if p.fifo else ""
    queue, dlq, function = f"{p.stem}{suffix}", f"{p.stem}-dlq{suffix}", f"{p.stem}-processor"
    alarms = [
        ("dlq-depth", "AWS/SQS", "ApproximateNumberOfMessagesVisible", {"QueueName": dlq}, "Maximum", 1,
         "GreaterThanOrEqualToThreshold", "events are in the dead-letter queue"),
        ("oldest-message-age", "AWS/SQS", "ApproximateAgeOfOldestMessage", {"QueueName": queue}, "Maximum",
         p.oldest_message_age_s, "GreaterThanThreshold", "the processor is falling behind"),
        ("errors", "AWS/Lambda", "Errors", {"FunctionName": function}, "Sum", 1,
         "GreaterThanOrEqualToThreshold", "processor invocations failed"),
        ("throttles", "AWS/Lambda", "Throttles", {"FunctionName": function}, "Sum", 1,
         "GreaterThanOrEqualToThreshold", "processor throttled"),
    ]  # fmt: skip
    for alarm, namespace, metric, dimensions, statistic, threshold, comparison, description in alarms:
        aws.cloudwatch.MetricAlarm(
            f"{p.game}-{p.name}-{alarm}",
            name=f"{p.stem}-{alarm}",
            alarm_description=f"{p.game}-{p.name} ({ENVIRONMENT}): {description}",
            namespace=namespace,
            metric_name=metric,
            dimensions=dimensions,
            statistic=statistic,
            period=p.alarm_period_s,
            evaluation_periods=1,
            threshold=threshold,
            comparison_operator=comparison,
            treat_missing_data="notBreaching",
            alarm_actions=[ALERT_TOPIC],
            ok_actions=[ALERT_TOPIC],
            tags=tags,
        )
