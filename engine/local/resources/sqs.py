"""aws:sqs/queue:Queue -> CreateQueue with the attributes the provider would send."""

from __future__ import annotations

from typing import Any

from engine.local.resources.base import Created, DeployContext, Inputs

# Pulumi input -> SQS queue attribute. Booleans are sent only when true and numbers only when
# set, as the provider does (SQS rejects e.g. ContentBasedDeduplication on a standard queue).
_ATTRIBUTES = {
    "fifoQueue": "FifoQueue",
    "contentBasedDeduplication": "ContentBasedDeduplication",
    "deduplicationScope": "DeduplicationScope",
    "fifoThroughputLimit": "FifoThroughputLimit",
    "delaySeconds": "DelaySeconds",
    "maxMessageSize": "MaximumMessageSize",
    "messageRetentionSeconds": "MessageRetentionPeriod",
    "receiveWaitTimeSeconds": "ReceiveMessageWaitTimeSeconds",
    "visibilityTimeoutSeconds": "VisibilityTimeout",
    "redrivePolicy": "RedrivePolicy",
    "redriveAllowPolicy": "RedriveAllowPolicy",
    "sqsManagedSseEnabled": "SqsManagedSseEnabled",
    "kmsMasterKeyId": "KmsMasterKeyId",
    "kmsDataKeyReusePeriodSeconds": "KmsDataKeyReusePeriodSeconds",
    "policy": "Policy",
}


def _attribute_value(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else None
    if value == "":
        return None
    return str(value)


def create_queue(inputs: Inputs, context: DeployContext) -> Created:
    name = inputs.required("name")
    attributes = {}
    for key, attribute in _ATTRIBUTES.items():
        value = _attribute_value(inputs.optional(key))
        if value is not None:
            attributes[attribute] = value
    tags = inputs.optional("tags") or {}
    client = context.client("sqs")
    with inputs.aws_call("CreateQueue"):
        url = client.create_queue(QueueName=name, Attributes=attributes, tags=tags)["QueueUrl"]
        arn = client.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    return Created(id=url, outputs={"arn": arn, "url": url, "name": name})
