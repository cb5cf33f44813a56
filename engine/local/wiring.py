"""Read back from the emulator what was deployed for each pipeline, ready to run.

Everything the poller and producers use comes from the emulator (queue URLs and attributes,
the mapping, the function configuration and environment), not from the model, so local mode
runs what was deployed, not what was intended.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from engine.local.emulator import Emulator, fake_aws_environment
from engine.local.poller import MappingConfig
from engine.local.producer import QueueTarget
from engine.local.resources.base import DeployContext, DeployError
from engine.local.runtime import (
    FunctionConfig,
    FunctionRuntime,
    extract_code,
    read_function,
    runtime_environment,
)
from engine.model import PipelineSpec


@dataclass(frozen=True)
class WiredPipeline:
    spec: PipelineSpec
    queue: QueueTarget
    dead_letter_queue_url: str
    max_receive_count: int
    visibility_timeout_s: int
    mapping: MappingConfig
    function: FunctionConfig
    runtime: FunctionRuntime


def _queue_attributes(sqs: Any, name: str) -> tuple[str, dict[str, str]]:
    url = sqs.get_queue_url(QueueName=name)["QueueUrl"]
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    return url, attributes


def _mapping(lambda_client: Any, queue_arn: str, queue_url: str, fifo: bool) -> MappingConfig:
    mappings = lambda_client.list_event_source_mappings(EventSourceArn=queue_arn)["EventSourceMappings"]
    if len(mappings) != 1:
        raise DeployError(f"expected one event source mapping on {queue_arn}, found {len(mappings)}")
    mapping = mappings[0]
    return MappingConfig(
        uuid=mapping["UUID"],
        function_name=mapping["FunctionArn"].rsplit(":", 1)[-1],
        queue_arn=queue_arn,
        queue_url=queue_url,
        fifo=fifo,
        batch_size=int(mapping["BatchSize"]),
        batching_window_s=int(mapping.get("MaximumBatchingWindowInSeconds") or 0),
        # Lambda's default without a ScalingConfig: up to 1000 concurrent invocations.
        max_concurrency=int(mapping.get("ScalingConfig", {}).get("MaximumConcurrency", 1000)),
        enabled=mapping["State"] == "Enabled",
    )


def wire_pipeline(
    spec: PipelineSpec, emulator: Emulator, context: DeployContext, code_root: Path
) -> WiredPipeline:
    sqs, lambda_client = emulator.client("sqs"), emulator.client("lambda")
    queue_url, attributes = _queue_attributes(sqs, spec.names.queue)
    dlq_url, _ = _queue_attributes(sqs, spec.names.dead_letter_queue)
    fifo = attributes.get("FifoQueue") == "true"
    mapping = _mapping(lambda_client, attributes["QueueArn"], queue_url, fifo)
    function = read_function(lambda_client, mapping.function_name)
    code_dir = extract_code(
        context.code_archives[function.name], function.code_sha256, code_root / function.name
    )
    environment = runtime_environment(
        function, fake_aws_environment(emulator.endpoint, emulator.region), context.account_id
    )
    redrive = json.loads(attributes.get("RedrivePolicy", "{}"))
    return WiredPipeline(
        spec=spec,
        queue=QueueTarget(
            url=queue_url,
            fifo=fifo,
            content_based_deduplication=attributes.get("ContentBasedDeduplication") == "true",
            game=spec.game,
        ),
        dead_letter_queue_url=dlq_url,
        max_receive_count=int(redrive.get("maxReceiveCount", 0)),
        visibility_timeout_s=int(attributes["VisibilityTimeout"]),
        mapping=mapping,
        function=function,
        runtime=FunctionRuntime(function, code_dir, environment),
    )
