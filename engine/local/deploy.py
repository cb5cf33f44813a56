"""Deploy the plan into the emulator: the real Pulumi program, with mocks that create for real.

`DeployingMocks` is `engine.plan.PlanMocks` whose `create()` hook creates each resource in moto
through boto3 (engine.local.resources) and answers Pulumi with moto's real ids, ARNs and URLs,
so every later resource receives exactly the values it would in AWS. Component resources
(`leaderboard:index:Pipeline`) are not AWS resources and never reach `create()`.
The first failure stops the deploy: nothing more is created in the emulator, and `deploy()`
raises that failure once the program has finished. (The mocks answer the remaining
registrations with the plan's placeholder values instead of raising into Pulumi, whose
runtime does not recover cleanly from exceptions in a mock monitor.)
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pulumi.runtime.mocks import MockResourceArgs

from engine.local import resources
from engine.local.emulator import ACCOUNT_ID, Emulator
from engine.local.resources.base import DeployContext, DeployError
from engine.plan import Plan, PlanMocks, synthesize

__all__ = ["DeployError", "Deployed", "DeployingMocks", "deploy"]


class DeployingMocks(PlanMocks):
    """PlanMocks that create every resource in the emulator (see module docstring)."""

    def __init__(self, context: DeployContext) -> None:
        super().__init__(region=context.region, account=context.account_id)
        self.context = context
        self.errors: list[DeployError] = []

    def create(self, args: MockResourceArgs) -> tuple[str, dict[str, Any]]:
        if self.errors:
            return super().create(args)  # the deploy has failed: create nothing more
        try:
            created = resources.create(args.typ, args.name, args.inputs, self.context)
        except DeployError as error:
            self.errors.append(error)
            return super().create(args)
        return created.id, created.outputs


@dataclass(frozen=True)
class Deployed:
    plan: Plan
    context: DeployContext


def deploy(emulator: Emulator, manifests: Path, environment: str) -> Deployed:
    """Run the program against the emulator; raise DeployError naming the first failure."""
    context = DeployContext(client=emulator.client, region=emulator.region, account_id=ACCOUNT_ID)
    mocks = DeployingMocks(context)
    plan = synthesize(manifests, environment, emulator.region, mocks)
    if mocks.errors:
        raise mocks.errors[0]
    return Deployed(plan=plan, context=context)
