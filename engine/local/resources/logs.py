"""aws:cloudwatch/logGroup:LogGroup -> CreateLogGroup + PutRetentionPolicy."""

from __future__ import annotations

from engine.local.resources.base import Created, DeployContext, Inputs, drop_none


def create_log_group(inputs: Inputs, context: DeployContext) -> Created:
    name = inputs.required("name")
    retention = inputs.optional("retentionInDays")
    inputs.ignore("skipDestroy")
    client = context.client("logs")
    request = drop_none(
        {
            "logGroupName": name,
            "kmsKeyId": inputs.optional("kmsKeyId"),
            "logGroupClass": inputs.optional("logGroupClass"),
            "tags": inputs.optional("tags"),
        }
    )
    with inputs.aws_call("CreateLogGroup"):
        client.create_log_group(**request)
        if retention:
            client.put_retention_policy(logGroupName=name, retentionInDays=retention)
    arn = f"arn:aws:logs:{context.region}:{context.account_id}:log-group:{name}"
    return Created(id=name, outputs={"arn": arn, "name": name})
