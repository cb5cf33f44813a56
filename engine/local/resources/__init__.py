"""Create Pulumi resources in the emulator: one module per AWS service, one function per type.

`create(type, name, inputs, context)` is the single entry point. A type without a handler is a
`DeployError`: local mode never silently skips something the program declared.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from engine.local.resources import cloudwatch, dynamodb, iam, lambda_, logs, sqs
from engine.local.resources.base import Created, DeployContext, DeployError, Inputs

Handler = Callable[[Inputs, DeployContext], Created]

HANDLERS: Mapping[str, Handler] = {
    "aws:sqs/queue:Queue": sqs.create_queue,
    "aws:dynamodb/table:Table": dynamodb.create_table,
    "aws:iam/role:Role": iam.create_role,
    "aws:iam/rolePolicy:RolePolicy": iam.create_role_policy,
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": iam.attach_role_policy,
    "aws:cloudwatch/logGroup:LogGroup": logs.create_log_group,
    "aws:lambda/function:Function": lambda_.create_function,
    "aws:lambda/eventSourceMapping:EventSourceMapping": lambda_.create_event_source_mapping,
    "aws:cloudwatch/metricAlarm:MetricAlarm": cloudwatch.create_metric_alarm,
}

__all__ = ["HANDLERS", "Created", "DeployContext", "DeployError", "create", "supported_types"]


def supported_types() -> tuple[str, ...]:
    return tuple(sorted(HANDLERS))


def create(type_: str, name: str, inputs: Mapping[str, Any], context: DeployContext) -> Created:
    """Create one resource in the emulator with exactly these (camelCase) inputs."""
    handler = HANDLERS.get(type_)
    if handler is None:
        raise DeployError(
            f"resource {name!r}: type {type_} is not supported by local mode "
            f"(supported: {', '.join(supported_types())})"
        )
    take = Inputs(type_, name, inputs)
    created = handler(take, context)
    take.done()
    context.record(type_, name, created)
    return created
