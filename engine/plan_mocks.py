"""Mocks for the Pulumi runtime that answer like AWS and record every resource.

`PlanMocks` answers every registration with AWS-shaped ids, ARNs and URLs
(`arn:aws:sqs:{region}:{account}:{name}`, `https://sqs.{region}.amazonaws.com/{account}/{name}`,
...) and records the resource: type, logical name, parent, dependencies and the camelCase
inputs as the provider would receive them, in registration order. Registration order respects
dependencies: a resource registers only once every input it depends on is known.

Subclass it and override `create()` to do something real with each AWS resource (local mode
creates them in moto); recording, parents and outputs stay the same.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pulumi
from pulumi.runtime.mocks import MockCallArgs, MockMonitor, MockResourceArgs

MOCK_ACCOUNT = "123456789012"
COMPONENT_PREFIX = "leaderboard:"


@dataclass(frozen=True)
class PlannedResource:
    """One registered resource, as the provider would have received it."""

    type: str
    name: str
    parent: str | None
    inputs: dict[str, Any]
    id: str = ""
    outputs: dict[str, Any] = field(default_factory=dict)
    dependencies: tuple[str, ...] = ()
    """Logical names of the resources this one explicitly or implicitly depends on."""

    @property
    def is_component(self) -> bool:
        return self.type.startswith(COMPONENT_PREFIX)


def as_provider_json(value: Any) -> Any:
    """Pulumi's wire format carries every number as a double: give integers back their type."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {key: as_provider_json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [as_provider_json(item) for item in value]
    return value


def _logical_name(urn: str) -> str:
    return urn.rsplit("::", 1)[-1]


def _resource_type(urn: str) -> str:
    return urn.split("::")[2].split("$")[-1]


class PlanMocks(pulumi.runtime.Mocks):
    """Mocks that answer like AWS would and record every resource in registration order."""

    def __init__(self, region: str = "us-east-1", account: str = MOCK_ACCOUNT) -> None:
        self.region = region
        self.account = account
        self.resources: list[PlannedResource] = []
        self._next_parent: str | None = None
        self._next_dependencies: tuple[str, ...] = ()

    # -- hooks --------------------------------------------------------------------------
    def create(self, args: MockResourceArgs) -> tuple[str, dict[str, Any]]:
        """Physical id and output properties for one resource (override to create it for real)."""
        factory = _FACTORIES.get(args.typ)
        if factory is None:
            return f"{args.name}-id", {}
        return factory(self, args.inputs)

    # -- pulumi.runtime.Mocks -----------------------------------------------------------
    def new_resource(self, args: MockResourceArgs) -> tuple[str, dict[str, Any]]:
        parent, self._next_parent = self._next_parent, None
        dependencies, self._next_dependencies = self._next_dependencies, ()
        resource_id, outputs = "", dict[str, Any]()
        if not args.typ.startswith(COMPONENT_PREFIX):
            resource_id, outputs = self.create(args)
        state = {**args.inputs, **outputs}
        self.resources.append(
            PlannedResource(
                args.typ, args.name, parent, as_provider_json(args.inputs), resource_id, state, dependencies
            )
        )
        return resource_id, state

    def call(self, args: MockCallArgs) -> tuple[dict[str, Any], list[tuple[str, str]] | None]:
        if args.token == "aws:index/getRegion:getRegion":
            return {"id": self.region, "name": self.region, "region": self.region}, None
        if args.token == "aws:index/getCallerIdentity:getCallerIdentity":
            return {"accountId": self.account, "id": self.account}, None
        return {}, None

    # -- AWS-shaped values --------------------------------------------------------------
    def arn(self, service: str, resource: str, region: bool = True) -> str:
        return f"arn:aws:{service}:{self.region if region else ''}:{self.account}:{resource}"

    def queue_url(self, name: str) -> str:
        return f"https://sqs.{self.region}.amazonaws.com/{self.account}/{name}"


def _queue(mocks: PlanMocks, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    name = inputs["name"]
    url = mocks.queue_url(name)
    return url, {"arn": mocks.arn("sqs", name), "url": url}


def _table(mocks: PlanMocks, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    name = inputs["name"]
    arn = mocks.arn("dynamodb", f"table/{name}")
    outputs: dict[str, Any] = {"arn": arn}
    if inputs.get("streamEnabled"):
        label = "2026-01-01T00:00:00.000"
        outputs |= {"streamArn": f"{arn}/stream/{label}", "streamLabel": label}
    return name, outputs


def _role(mocks: PlanMocks, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    name = inputs["name"]
    return name, {
        "arn": mocks.arn("iam", f"role/{name}", region=False),
        "uniqueId": f"AROA{name.upper()[:16]}",
    }


def _role_policy(mocks: PlanMocks, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    return f"{inputs['role']}:{inputs['name']}", {}


def _log_group(mocks: PlanMocks, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    name = inputs["name"]
    return name, {"arn": mocks.arn("logs", f"log-group:{name}")}


def _function(mocks: PlanMocks, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    name = inputs["name"]
    arn = mocks.arn("lambda", f"function:{name}")
    invoke = f"arn:aws:apigateway:{mocks.region}:lambda:path/2015-03-31/functions/{arn}/invocations"
    return name, {"arn": arn, "qualifiedArn": f"{arn}:$LATEST", "invokeArn": invoke, "version": "$LATEST"}


def _mapping(mocks: PlanMocks, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    uuid = _uuid(inputs["eventSourceArn"] + inputs["functionName"])
    return uuid, {
        "uuid": uuid,
        "arn": mocks.arn("lambda", f"event-source-mapping:{uuid}"),
        "state": "Enabled",
    }


def _alarm(mocks: PlanMocks, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    name = inputs["name"]
    return name, {"arn": mocks.arn("cloudwatch", f"alarm:{name}")}


def _uuid(seed: str) -> str:
    """A deterministic UUID-shaped id, so the plan is stable across runs."""
    digest = hashlib.sha256(seed.encode()).hexdigest()
    return f"{digest[:8]}-{digest[8:12]}-{digest[12:16]}-{digest[16:20]}-{digest[20:32]}"


_FACTORIES: dict[str, Callable[[PlanMocks, dict[str, Any]], tuple[str, dict[str, Any]]]] = {
    "aws:sqs/queue:Queue": _queue,
    "aws:dynamodb/table:Table": _table,
    "aws:iam/role:Role": _role,
    "aws:iam/rolePolicy:RolePolicy": _role_policy,
    "aws:cloudwatch/logGroup:LogGroup": _log_group,
    "aws:lambda/function:Function": _function,
    "aws:lambda/eventSourceMapping:EventSourceMapping": _mapping,
    "aws:cloudwatch/metricAlarm:MetricAlarm": _alarm,
}


class PlanMonitor(MockMonitor):
    """Tells the mocks each resource's parent and dependencies (`MockResourceArgs` lacks them)."""

    def __init__(self, mocks: PlanMocks) -> None:
        super().__init__(mocks)
        self._plan_mocks = mocks
        self._stack_urn = ""

    def RegisterResource(self, request: Any) -> Any:
        if request.type == "pulumi:pulumi:Stack":
            response = super().RegisterResource(request)
            self._stack_urn = response.urn
            return response
        parent = request.parent
        is_root = not parent or _resource_type(parent) == "pulumi:pulumi:Stack"
        self._plan_mocks._next_parent = None if is_root else _logical_name(parent)
        self._plan_mocks._next_dependencies = tuple(
            sorted({_logical_name(urn) for urn in request.dependencies})
        )
        return super().RegisterResource(request)
