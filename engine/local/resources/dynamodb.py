"""aws:dynamodb/table:Table -> CreateTable, then TTL and point-in-time recovery like the provider."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from engine.local.resources.base import Created, DeployContext, DeployError, Inputs, drop_none, tag_list

_VIEW_TYPES = {"KEYS_ONLY", "NEW_IMAGE", "OLD_IMAGE", "NEW_AND_OLD_IMAGES"}


def _key_schema(hash_key: str, range_key: str | None) -> list[dict[str, str]]:
    schema = [{"AttributeName": hash_key, "KeyType": "HASH"}]
    if range_key:
        schema.append({"AttributeName": range_key, "KeyType": "RANGE"})
    return schema


def _throughput(read: int | None, write: int | None, provisioned: bool) -> dict[str, int] | None:
    if not provisioned:
        return None
    if read is None or write is None:
        raise DeployError("PROVISIONED billing needs readCapacity and writeCapacity")
    return {"ReadCapacityUnits": int(read), "WriteCapacityUnits": int(write)}


_INDEX_INPUTS = {
    "name", "hashKey", "rangeKey", "keySchemas", "projectionType", "nonKeyAttributes", "readCapacity",
    "writeCapacity",
}  # fmt: skip


def _index_key_schema(index: Mapping[str, Any]) -> list[dict[str, str]]:
    """`keySchemas` (pulumi-aws 7) or the older hashKey/rangeKey pair."""
    if index.get("keySchemas"):
        return [{"AttributeName": k["attributeName"], "KeyType": k["keyType"]} for k in index["keySchemas"]]
    return _key_schema(index["hashKey"], index.get("rangeKey"))


def _index(index: Mapping[str, Any], provisioned: bool) -> dict[str, Any]:
    unknown = set(index) - _INDEX_INPUTS
    if unknown:
        raise DeployError(f"global secondary index input(s) not supported: {', '.join(sorted(unknown))}")
    projection = drop_none(
        {"ProjectionType": index["projectionType"], "NonKeyAttributes": index.get("nonKeyAttributes")}
    )
    return drop_none(
        {
            "IndexName": index["name"],
            "KeySchema": _index_key_schema(index),
            "Projection": projection,
            "ProvisionedThroughput": _throughput(
                index.get("readCapacity"), index.get("writeCapacity"), provisioned
            ),
        }
    )


def _stream(inputs: Inputs) -> dict[str, Any] | None:
    enabled = bool(inputs.optional("streamEnabled", False))
    view = inputs.optional("streamViewType") or None
    if not enabled:
        return None
    if view not in _VIEW_TYPES:
        raise DeployError(f"resource {inputs.name!r}: streamEnabled needs a valid streamViewType")
    return {"StreamEnabled": True, "StreamViewType": view}


def _create_request(inputs: Inputs, name: str) -> dict[str, Any]:
    billing = inputs.optional("billingMode", "PROVISIONED")
    provisioned = billing == "PROVISIONED"
    attributes = inputs.required("attributes")
    indexes = inputs.optional("globalSecondaryIndexes") or []
    sse = inputs.optional("serverSideEncryption") or {}
    return drop_none(
        {
            "TableName": name,
            "BillingMode": billing,
            "KeySchema": _key_schema(inputs.required("hashKey"), inputs.optional("rangeKey")),
            "AttributeDefinitions": [
                {"AttributeName": a["name"], "AttributeType": a["type"]} for a in attributes
            ],
            "GlobalSecondaryIndexes": [_index(i, provisioned) for i in indexes] or None,
            "ProvisionedThroughput": _throughput(
                inputs.optional("readCapacity"), inputs.optional("writeCapacity"), provisioned
            ),
            "StreamSpecification": _stream(inputs),
            "SSESpecification": drop_none(
                {"Enabled": True, "SSEType": "KMS", "KMSMasterKeyId": sse.get("kmsKeyArn")}
            )
            if sse.get("enabled")
            else None,
            "TableClass": inputs.optional("tableClass"),
            "DeletionProtectionEnabled": inputs.optional("deletionProtectionEnabled"),
            "Tags": tag_list(inputs.optional("tags")) or None,
        }
    )


def create_table(inputs: Inputs, context: DeployContext) -> Created:
    name = inputs.required("name")
    request = _create_request(inputs, name)
    ttl = inputs.optional("ttl") or {}
    pitr = inputs.optional("pointInTimeRecovery") or {}
    client = context.client("dynamodb")
    with inputs.aws_call("CreateTable"):
        table = client.create_table(**request)["TableDescription"]
    if ttl.get("enabled"):
        with inputs.aws_call("UpdateTimeToLive"):
            client.update_time_to_live(
                TableName=name,
                TimeToLiveSpecification={"Enabled": True, "AttributeName": ttl["attributeName"]},
            )
    if pitr.get("enabled"):
        with inputs.aws_call("UpdateContinuousBackups"):
            client.update_continuous_backups(
                TableName=name, PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True}
            )
    outputs = {"arn": table["TableArn"], "name": name}
    if "LatestStreamArn" in table:
        outputs.update(streamArn=table["LatestStreamArn"], streamLabel=table["LatestStreamLabel"])
    return Created(id=name, outputs=outputs)
