"""`LeaderboardPipeline`: every AWS resource of one pipeline, as one Pulumi component.

The resource graph is decided here from the resolved model in plain Python; `apply` is used
only for values AWS decides at deploy time (ARNs, URLs). Physical names come from
`spec.names` (the contract in DESIGN.md), logical names are `{game}-{pipeline}-<part>`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from engine.assets import HANDLER
from engine.layers import PYTHON_RUNTIME
from engine.model import (
    MANAGED_BY,
    SCORE_ATTRIBUTE,
    SCORE_INDEX_NAME,
    SCORE_INDEX_PARTITION_ATTRIBUTE,
    PipelineSpec,
)
from engine.processor_env import processor_environment
from engine.processor_policy import ProcessorArns, assume_role_policy, processor_policy

COMPONENT_TYPE = "leaderboard:index:Pipeline"

STREAM_VIEW_TYPES = {
    "keys-only": "KEYS_ONLY",
    "new-image": "NEW_IMAGE",
    "old-image": "OLD_IMAGE",
    "new-and-old-images": "NEW_AND_OLD_IMAGES",
}


@dataclass(frozen=True)
class PipelineArgs:
    """What one pipeline is built from: the resolved spec plus stack-wide deployment inputs."""

    spec: PipelineSpec
    code: pulumi.Archive
    powertools_layer_arn: str
    architecture: str


def pipeline_tags(spec: PipelineSpec) -> dict[str, str]:
    """The manifest's tags plus the ones that say what a resource belongs to."""
    tags = dict(spec.tags)
    if spec.owner:
        tags["owner"] = spec.owner
    tags.update(
        {
            "game": spec.game,
            "pipeline": spec.name,
            "environment": spec.environment,
            "managed-by": MANAGED_BY,
        }
    )
    return tags


@dataclass(frozen=True)
class AlarmDefinition:
    namespace: str
    metric: str
    dimensions: Mapping[str, str]
    statistic: str
    threshold: int
    comparison: str
    description: str


def alarm_definitions(spec: PipelineSpec) -> dict[str, AlarmDefinition]:
    """The four alarms of a pipeline, keyed by the suffix of their name."""
    names, alarms = spec.names, spec.alarms
    at_least = "GreaterThanOrEqualToThreshold"
    queue = {"QueueName": names.queue}
    function = {"FunctionName": names.function}
    return {
        "dlq-depth": AlarmDefinition(
            "AWS/SQS", "ApproximateNumberOfMessagesVisible", {"QueueName": names.dead_letter_queue},
            "Maximum", alarms.dlq_depth, at_least, "events are in the dead-letter queue",
        ),
        "oldest-message-age": AlarmDefinition(
            "AWS/SQS", "ApproximateAgeOfOldestMessage", queue,
            "Maximum", alarms.oldest_message_age_s, "GreaterThanThreshold", "the processor is falling behind",
        ),
        "errors": AlarmDefinition(
            "AWS/Lambda", "Errors", function, "Sum", alarms.errors, at_least, "processor invocations failed",
        ),
        "throttles": AlarmDefinition(
            "AWS/Lambda", "Throttles", function, "Sum", alarms.throttles, at_least, "processor throttled",
        ),
    }  # fmt: skip


class LeaderboardPipeline(pulumi.ComponentResource):
    """Queue + DLQ -> processor function -> DynamoDB board table, with logs, IAM and alarms."""

    queue: aws.sqs.Queue
    dead_letter_queue: aws.sqs.Queue
    table: aws.dynamodb.Table
    role: aws.iam.Role
    log_group: aws.cloudwatch.LogGroup
    function: aws.lambda_.Function
    event_source_mapping: aws.lambda_.EventSourceMapping
    alarms: dict[str, aws.cloudwatch.MetricAlarm]

    def __init__(self, name: str, args: PipelineArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(COMPONENT_TYPE, name, None, opts)
        self._spec = args.spec
        self._tags = pipeline_tags(args.spec)
        self._child = pulumi.ResourceOptions(parent=self)
        self.dead_letter_queue = self._dead_letter_queue()
        self.queue = self._queue()
        self.table = self._table()
        self.log_group = self._log_group()
        self.role = self._role()
        policy = self._role_policy()
        self.function = self._function(args, depends_on=[self.log_group, policy])
        self.event_source_mapping = self._event_source_mapping(depends_on=[policy])
        # A plain loop here, not a helper with a comprehension: Pulumi records every caller
        # frame of every resource as a source position, so each extra frame costs per alarm.
        self.alarms = {}
        notify = list(args.spec.alarms.notify)
        for alarm, definition in alarm_definitions(args.spec).items():
            self.alarms[alarm] = self._alarm(alarm, definition, notify)
        self.register_outputs(self.outputs())

    def outputs(self) -> dict[str, pulumi.Input[str]]:
        """What operators and producers need: the stack exports these per pipeline."""
        return {
            "queueUrl": self.queue.url,
            "queueArn": self.queue.arn,
            "deadLetterQueueUrl": self.dead_letter_queue.url,
            "tableName": self.table.name,
            "functionName": self.function.name,
        }

    def _logical(self, part: str) -> str:
        return f"{self._spec.key}-{part}"

    def _dead_letter_queue(self) -> aws.sqs.Queue:
        spec = self._spec
        fifo = spec.queue.is_fifo
        return aws.sqs.Queue(
            self._logical("dlq"),
            name=spec.names.dead_letter_queue,
            fifo_queue=True if fifo else None,
            # The processor sends invalid events here itself; content-based deduplication
            # spares it a deduplication id (redriven messages keep their own).
            content_based_deduplication=True if fifo else None,
            message_retention_seconds=spec.queue.dlq_retention_s,
            sqs_managed_sse_enabled=True,
            tags=self._tags,
            opts=self._child,
        )

    def _queue(self) -> aws.sqs.Queue:
        queue = self._spec.queue
        redrive_policy = self.dead_letter_queue.arn.apply(
            lambda arn: json.dumps({"deadLetterTargetArn": arn, "maxReceiveCount": queue.max_receive_count})
        )
        return aws.sqs.Queue(
            self._logical("queue"),
            name=self._spec.names.queue,
            fifo_queue=True if queue.is_fifo else None,
            content_based_deduplication=queue.content_based_deduplication if queue.is_fifo else None,
            message_retention_seconds=queue.retention_s,
            visibility_timeout_seconds=queue.visibility_timeout_s,
            redrive_policy=redrive_policy,
            sqs_managed_sse_enabled=True,
            tags=self._tags,
            opts=self._child,
        )

    def _table(self) -> aws.dynamodb.Table:
        spec = self._spec
        table = spec.table
        provisioned = table.billing == "provisioned"
        read_capacity = table.read_capacity if provisioned else None
        write_capacity = table.write_capacity if provisioned else None
        score_index = aws.dynamodb.TableGlobalSecondaryIndexArgs(
            name=SCORE_INDEX_NAME,
            key_schemas=[
                aws.dynamodb.TableGlobalSecondaryIndexKeySchemaArgs(
                    attribute_name=SCORE_INDEX_PARTITION_ATTRIBUTE, key_type="HASH"
                ),
                aws.dynamodb.TableGlobalSecondaryIndexKeySchemaArgs(
                    attribute_name=SCORE_ATTRIBUTE, key_type="RANGE"
                ),
            ],
            projection_type="ALL",
            read_capacity=read_capacity,
            write_capacity=write_capacity,
        )
        return aws.dynamodb.Table(
            self._logical("table"),
            name=spec.names.table,
            billing_mode="PROVISIONED" if provisioned else "PAY_PER_REQUEST",
            read_capacity=read_capacity,
            write_capacity=write_capacity,
            hash_key=table.partition_key.name,
            range_key=table.sort_key,
            attributes=[
                aws.dynamodb.TableAttributeArgs(name=table.partition_key.name, type=table.partition_key.type),
                aws.dynamodb.TableAttributeArgs(name=table.sort_key, type="S"),
                aws.dynamodb.TableAttributeArgs(name=SCORE_INDEX_PARTITION_ATTRIBUTE, type="S"),
                aws.dynamodb.TableAttributeArgs(name=SCORE_ATTRIBUTE, type="N"),
            ],
            global_secondary_indexes=[score_index],
            point_in_time_recovery=aws.dynamodb.TablePointInTimeRecoveryArgs(
                enabled=table.point_in_time_recovery
            ),
            stream_enabled=table.stream != "none",
            stream_view_type=STREAM_VIEW_TYPES.get(table.stream),
            ttl=aws.dynamodb.TableTtlArgs(attribute_name=table.ttl_attribute, enabled=True),
            server_side_encryption=aws.dynamodb.TableServerSideEncryptionArgs(enabled=True),
            tags=self._tags,
            opts=self._child,
        )

    def _log_group(self) -> aws.cloudwatch.LogGroup:
        # Created by us (not by Lambda on first invocation) so it has a retention and is
        # deleted with the stack; the name is the one Lambda writes to.
        return aws.cloudwatch.LogGroup(
            self._logical("logs"),
            name=self._spec.names.log_group,
            retention_in_days=self._spec.processor.log_retention_days,
            tags=self._tags,
            opts=self._child,
        )

    def _role(self) -> aws.iam.Role:
        return aws.iam.Role(
            self._logical("role"),
            name=self._spec.names.role,
            assume_role_policy=assume_role_policy(),
            tags=self._tags,
            opts=self._child,
        )

    def _role_policy(self) -> aws.iam.RolePolicy:
        tracing = self._spec.processor.tracing
        document = pulumi.Output.all(
            self.queue.arn, self.dead_letter_queue.arn, self.table.arn, self.log_group.arn
        ).apply(
            lambda arns: json.dumps(
                processor_policy(
                    ProcessorArns(queue=arns[0], dead_letter_queue=arns[1], table=arns[2], log_group=arns[3]),
                    tracing=tracing,
                )
            )
        )
        return aws.iam.RolePolicy(
            self._logical("policy"),
            name=self._spec.names.role,
            role=self.role.name,
            policy=document,
            opts=self._child,
        )

    def _function(self, args: PipelineArgs, depends_on: list[pulumi.Resource]) -> aws.lambda_.Function:
        spec = self._spec
        return aws.lambda_.Function(
            self._logical("function"),
            name=spec.names.function,
            role=self.role.arn,
            runtime=PYTHON_RUNTIME,
            handler=HANDLER,
            code=args.code,
            architectures=[args.architecture],
            memory_size=spec.processor.memory_mb,
            timeout=spec.processor.timeout_s,
            layers=[args.powertools_layer_arn],
            environment=aws.lambda_.FunctionEnvironmentArgs(
                variables=processor_environment(spec, self.dead_letter_queue.url)
            ),
            tracing_config=aws.lambda_.FunctionTracingConfigArgs(
                mode="Active" if spec.processor.tracing else "PassThrough"
            ),
            logging_config=aws.lambda_.FunctionLoggingConfigArgs(
                log_format="JSON", log_group=self.log_group.name
            ),
            tags=self._tags,
            opts=pulumi.ResourceOptions(parent=self, depends_on=depends_on),
        )

    def _event_source_mapping(self, depends_on: list[pulumi.Resource]) -> aws.lambda_.EventSourceMapping:
        processor = self._spec.processor
        return aws.lambda_.EventSourceMapping(
            self._logical("mapping"),
            event_source_arn=self.queue.arn,
            function_name=self.function.arn,
            batch_size=processor.batch_size,
            # AWS rejects a batching window on FIFO sources: standard queues only.
            maximum_batching_window_in_seconds=None
            if self._spec.queue.is_fifo
            else processor.batching_window_s,
            # Without it, Lambda deletes a whole batch whose handler returned item failures.
            function_response_types=["ReportBatchItemFailures"],
            # Concurrency is capped on the mapping, not by reserving function concurrency.
            scaling_config=aws.lambda_.EventSourceMappingScalingConfigArgs(
                maximum_concurrency=processor.max_concurrency
            ),
            tags=self._tags,
            opts=pulumi.ResourceOptions(parent=self, depends_on=depends_on),
        )

    def _alarm(
        self, alarm: str, definition: AlarmDefinition, notify: list[str]
    ) -> aws.cloudwatch.MetricAlarm:
        spec = self._spec
        return aws.cloudwatch.MetricAlarm(
            self._logical(alarm),
            name=spec.names.alarm(alarm),
            alarm_description=f"{spec.key} ({spec.environment}): {definition.description}",
            namespace=definition.namespace,
            metric_name=definition.metric,
            dimensions=dict(definition.dimensions),
            statistic=definition.statistic,
            period=spec.alarms.period_s,
            evaluation_periods=1,
            threshold=definition.threshold,
            comparison_operator=definition.comparison,
            treat_missing_data="notBreaching",
            alarm_actions=notify,
            ok_actions=notify,
            tags=self._tags,
            opts=self._child,
        )
