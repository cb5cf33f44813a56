"""aws:lambda/function:Function (with its real code zip) and aws:lambda/eventSourceMapping."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from engine.local.archive import ArchiveError, empty_zip, zip_code
from engine.local.resources.base import Created, DeployContext, DeployError, Inputs, drop_none

# AWS-owned accounts whose public layers local mode stands in for (see `_ensure_public_layers`).
PUBLIC_LAYER_ACCOUNTS = {"017000801446": "Powertools for AWS Lambda (Python)"}

# Inputs that only steer the provider (no CreateFunction parameter).
_PROVIDER_ONLY = ("sourceCodeHash", "skipDestroy", "replaceSecurityGroupsOnDestroy")


_EMPTY_ZIP = empty_zip()


def _logging_config(config: Mapping[str, Any] | None) -> dict[str, Any] | None:
    if not config:
        return None
    return drop_none(
        {
            "LogFormat": config.get("logFormat"),
            "LogGroup": config.get("logGroup"),
            "ApplicationLogLevel": config.get("applicationLogLevel"),
            "SystemLogLevel": config.get("systemLogLevel"),
        }
    )


def _code(inputs: Inputs) -> bytes:
    try:
        return zip_code(inputs.required("code"))
    except ArchiveError as error:
        raise DeployError(f"resource {inputs.name!r}: {error}") from error


def _function_request(inputs: Inputs, name: str, code: bytes) -> dict[str, Any]:
    environment = inputs.optional("environment") or {}
    tracing = inputs.optional("tracingConfig") or {}
    dead_letter = inputs.optional("deadLetterConfig") or {}
    storage = inputs.optional("ephemeralStorage") or {}
    return drop_none(
        {
            "FunctionName": name,
            "Role": inputs.required("role"),
            "Runtime": inputs.optional("runtime"),
            "Handler": inputs.optional("handler"),
            "Code": {"ZipFile": code},
            "PackageType": inputs.optional("packageType"),
            "Description": inputs.optional("description"),
            "MemorySize": inputs.optional("memorySize"),
            "Timeout": inputs.optional("timeout"),
            "Publish": inputs.optional("publish"),
            "Architectures": inputs.optional("architectures"),
            "Layers": inputs.optional("layers"),
            "Environment": {"Variables": dict(environment["variables"])}
            if environment.get("variables")
            else None,
            "TracingConfig": {"Mode": tracing["mode"]} if tracing.get("mode") else None,
            "LoggingConfig": _logging_config(inputs.optional("loggingConfig")),
            "DeadLetterConfig": {"TargetArn": dead_letter["targetArn"]} if dead_letter else None,
            "EphemeralStorage": {"Size": storage["size"]} if storage else None,
            "Tags": dict(inputs.optional("tags") or {}) or None,
        }
    )


def _ensure_public_layers(inputs: Inputs, layers: list[str], context: DeployContext) -> None:
    """Make the public AWS layers the function names resolvable in the emulator.

    AWS publishes e.g. the Powertools layer from its own account; moto knows no such layer and
    looks layers up by name and version only. Local mode publishes an empty stand-in under the
    same name up to the referenced version (the processor then runs with the Powertools
    installed in this Python environment). A layer from any other account is an error.
    """
    client = context.client("lambda")
    for arn in layers:
        parts = arn.split(":")
        if len(parts) != 8 or parts[5] != "layer":
            raise DeployError(f"resource {inputs.name!r}: {arn!r} is not a layer version ARN")
        account, layer, version = parts[4], parts[6], int(parts[7])
        if account == context.account_id:
            continue
        if account not in PUBLIC_LAYER_ACCOUNTS:
            raise DeployError(
                f"resource {inputs.name!r}: layer {arn} belongs to account {account}, which local "
                "mode cannot reach (only public AWS layers are stood in for)"
            )
        with inputs.aws_call("PublishLayerVersion (stand-in for a public layer)"):
            published = client.list_layer_versions(LayerName=layer).get("LayerVersions", [])
            for _ in range(len(published), version):
                client.publish_layer_version(
                    LayerName=layer,
                    Description=f"local-mode stand-in for {PUBLIC_LAYER_ACCOUNTS[account]}",
                    Content={"ZipFile": _EMPTY_ZIP},
                )


def create_function(inputs: Inputs, context: DeployContext) -> Created:
    name = inputs.required("name")
    inputs.ignore(*_PROVIDER_ONLY)
    code = _code(inputs)
    request = _function_request(inputs, name, code)
    _ensure_public_layers(inputs, request.get("Layers", []), context)
    reserved = inputs.optional("reservedConcurrentExecutions")
    client = context.client("lambda")
    with inputs.aws_call("CreateFunction"):
        function = client.create_function(**request)
        if reserved is not None and reserved >= 0:
            client.put_function_concurrency(FunctionName=name, ReservedConcurrentExecutions=reserved)
    context.code_archives[name] = code
    arn = function["FunctionArn"]
    invoke_arn = f"arn:aws:apigateway:{context.region}:lambda:path/2015-03-31/functions/{arn}/invocations"
    outputs = {
        "arn": arn,
        "name": name,
        "invokeArn": invoke_arn,
        "qualifiedArn": f"{arn}:{function['Version']}",
        "version": function["Version"],
        "codeSha256": function["CodeSha256"],
        "sourceCodeSize": function["CodeSize"],
        "lastModified": function["LastModified"],
    }
    return Created(id=name, outputs=outputs)


def _filter_criteria(criteria: Mapping[str, Any] | None) -> dict[str, Any] | None:
    if not criteria:
        return None
    return {"Filters": [{"Pattern": f["pattern"]} for f in criteria.get("filters", [])]}


def create_event_source_mapping(inputs: Inputs, context: DeployContext) -> Created:
    scaling = inputs.optional("scalingConfig") or {}
    metrics = inputs.optional("metricsConfig") or {}
    request = drop_none(
        {
            "FunctionName": inputs.required("functionName"),
            "EventSourceArn": inputs.required("eventSourceArn"),
            "Enabled": inputs.optional("enabled"),
            "BatchSize": inputs.optional("batchSize"),
            "MaximumBatchingWindowInSeconds": inputs.optional("maximumBatchingWindowInSeconds"),
            "FunctionResponseTypes": inputs.optional("functionResponseTypes"),
            "ScalingConfig": {"MaximumConcurrency": scaling["maximumConcurrency"]}
            if scaling.get("maximumConcurrency")
            else None,
            "FilterCriteria": _filter_criteria(inputs.optional("filterCriteria")),
            "MetricsConfig": {"Metrics": metrics["metrics"]} if metrics.get("metrics") else None,
            "Tags": dict(inputs.optional("tags") or {}) or None,
        }
    )
    with inputs.aws_call("CreateEventSourceMapping"):
        mapping = context.client("lambda").create_event_source_mapping(**request)
    outputs = {
        "uuid": mapping["UUID"],
        "functionArn": mapping["FunctionArn"],
        "state": mapping["State"],
        "arn": mapping.get("EventSourceMappingArn", ""),
    }
    return Created(id=mapping["UUID"], outputs=outputs)
