"""The plan: what the real Pulumi program registers, computed offline under mocks.

`synthesize()` runs `engine.program.main()` with the stack config a `pulumi up` would have,
against `PlanMocks` (engine.plan_mocks) in an isolated run (engine.isolated_run), and returns
every resource in a stable, dependency-respecting order plus the stack outputs. No Pulumi
CLI, no AWS account.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from engine.isolated_run import PROJECT, run_isolated
from engine.plan_mocks import MOCK_ACCOUNT, PlanMocks, PlannedResource

__all__ = [
    "MOCK_ACCOUNT",
    "PROJECT",
    "Plan",
    "PlanMocks",
    "PlannedResource",
    "canonical_order",
    "run_isolated",
    "stack_config",
    "synthesize",
]


@dataclass(frozen=True)
class Plan:
    """Every resource one environment's program registers, and its stack outputs."""

    environment: str
    region: str
    resources: tuple[PlannedResource, ...]
    outputs: dict[str, Any]

    def of_type(self, type_: str) -> list[PlannedResource]:
        return [r for r in self.resources if r.type == type_]

    def children(self, parent: str) -> list[PlannedResource]:
        return [r for r in self.resources if r.parent == parent]

    def named(self, name: str) -> PlannedResource:
        for resource in self.resources:
            if resource.name == name:
                return resource
        raise KeyError(name)


_TYPE_RANK = (
    "aws:sqs/queue:Queue",
    "aws:dynamodb/table:Table",
    "aws:cloudwatch/logGroup:LogGroup",
    "aws:iam/role:Role",
    "aws:iam/rolePolicy:RolePolicy",
    "aws:lambda/function:Function",
    "aws:lambda/eventSourceMapping:EventSourceMapping",
    "aws:cloudwatch/metricAlarm:MetricAlarm",
)


def canonical_order(resources: list[PlannedResource], components: list[str]) -> tuple[PlannedResource, ...]:
    """A stable order that still respects dependencies: pipeline by pipeline, kind by kind.

    Pulumi registers a resource once its inputs are known, so the raw registration order
    depends on thread timing; the plan must not.
    """
    position = {name: index for index, name in enumerate(components)}

    def priority(resource: PlannedResource) -> tuple[int, int, str]:
        owner = resource.parent or resource.name
        kind = _TYPE_RANK.index(resource.type) if resource.type in _TYPE_RANK else len(_TYPE_RANK)
        return (position.get(owner, len(position)), -1 if resource.is_component else kind, resource.name)

    by_name = {r.name: r for r in resources}
    waiting = {r.name: {d for d in r.dependencies if d in by_name} for r in resources}
    dependents: dict[str, list[str]] = {}
    for name, blockers in waiting.items():
        for blocker in blockers:
            dependents.setdefault(blocker, []).append(name)
    ready = [(priority(r), r.name) for r in resources if not waiting[r.name]]
    heapq.heapify(ready)
    ordered: list[PlannedResource] = []
    while ready:
        _, name = heapq.heappop(ready)
        ordered.append(by_name[name])
        for other in dependents.get(name, ()):
            waiting[other].discard(name)
            if not waiting[other]:
                heapq.heappush(ready, (priority(by_name[other]), other))
    return tuple(ordered)


def stack_config(manifests: Path, environment: str, region: str) -> dict[str, str]:
    """The stack config a `pulumi up` of this environment would give the program."""
    return {
        "aws:region": region,
        "leaderboard:manifests": str(manifests),
        "leaderboard:environment": environment,
    }


def synthesize(manifests: Path, environment: str, region: str, mocks: PlanMocks | None = None) -> Plan:
    """Run `engine.program.main()` under mocks; raise `ManifestError` for invalid manifests."""
    from engine.program import main

    mocks = mocks or PlanMocks(region=region)
    outputs = run_isolated(main, stack_config(manifests, environment, region), environment, mocks)
    resources = canonical_order(mocks.resources, components=list(outputs))
    return Plan(environment=environment, region=region, resources=resources, outputs=outputs)
