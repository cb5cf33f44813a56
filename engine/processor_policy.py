"""The processor's IAM documents: exact actions on exact ARNs, nothing else.

Plain Python over already-resolved ARNs, so the documents can be unit-tested and the
component only has to wait for the ARNs (`Output.all(...).apply(...)`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from engine.model import SCORE_INDEX_NAME

PolicyDocument = dict[str, Any]

# What the SQS event source mapping needs on the source queue (the same actions as the
# AWSLambdaSQSQueueExecutionRole managed policy, scoped to one queue).
QUEUE_CONSUMER_ACTIONS = ("sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes")
# Invalid events are sent straight to the dead-letter queue by the processor.
DEAD_LETTER_ACTIONS = ("sqs:SendMessage",)
# UpdateItem for the conditional score writes; ConditionCheckItem, PutItem and UpdateItem are
# the item actions a TransactWriteItems call is authorised against; GetItem for reads.
TABLE_ITEM_ACTIONS = (
    "dynamodb:ConditionCheckItem",
    "dynamodb:GetItem",
    "dynamodb:PutItem",
    "dynamodb:UpdateItem",
)
TABLE_QUERY_ACTIONS = ("dynamodb:Query",)
LOG_ACTIONS = ("logs:CreateLogStream", "logs:PutLogEvents")
# X-Ray has no resource-level permissions: these two actions only accept "*".
TRACING_ACTIONS = ("xray:PutTelemetryRecords", "xray:PutTraceSegments")


def assume_role_policy() -> str:
    """Trust policy: only the Lambda service may assume the processor role."""
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Service": "lambda.amazonaws.com"},
                    "Action": "sts:AssumeRole",
                }
            ],
        }
    )


@dataclass(frozen=True)
class ProcessorArns:
    queue: str
    dead_letter_queue: str
    table: str
    log_group: str
    """The log group ARN as `aws.cloudwatch.LogGroup.arn` reports it (without `:*`)."""


def _statement(sid: str, actions: tuple[str, ...], resources: list[str]) -> dict[str, Any]:
    return {"Sid": sid, "Effect": "Allow", "Action": list(actions), "Resource": resources}


def processor_policy(arns: ProcessorArns, tracing: bool) -> PolicyDocument:
    """The inline policy of one processor role."""
    statements = [
        _statement("ConsumeQueue", QUEUE_CONSUMER_ACTIONS, [arns.queue]),
        _statement("DeadLetterInvalidEvents", DEAD_LETTER_ACTIONS, [arns.dead_letter_queue]),
        _statement("WriteBoards", TABLE_ITEM_ACTIONS, [arns.table]),
        _statement("ReadBoards", TABLE_QUERY_ACTIONS, [arns.table, f"{arns.table}/index/{SCORE_INDEX_NAME}"]),
        _statement("WriteOwnLogs", LOG_ACTIONS, [f"{arns.log_group}:*"]),
    ]
    if tracing:
        statements.append(_statement("Tracing", TRACING_ACTIONS, ["*"]))
    return {"Version": "2012-10-17", "Statement": statements}
