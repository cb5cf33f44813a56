"""What every resource handler shares: input bookkeeping, the deploy context, errors."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, TypeVar

from botocore.exceptions import ClientError

from engine.plan_mocks import as_provider_json

T = TypeVar("T")


class DeployError(Exception):
    """The plan cannot be deployed into the emulator; the message names the resource."""


@dataclass(frozen=True)
class Created:
    """A resource as the emulator created it: its provider id and computed outputs."""

    id: str
    outputs: dict[str, Any]


@dataclass(frozen=True)
class DeployedResource:
    type: str
    name: str
    id: str
    outputs: dict[str, Any]


@dataclass
class DeployContext:
    """Emulator clients plus what the deploy produced (read back by the session)."""

    client: Callable[[str], Any]
    region: str
    account_id: str
    resources: list[DeployedResource] = field(default_factory=list)
    code_archives: dict[str, bytes] = field(default_factory=dict)
    """Function name -> the zip uploaded as its code (the runtime loads exactly this)."""

    def record(self, type_: str, name: str, created: Created) -> None:
        self.resources.append(DeployedResource(type_, name, created.id, created.outputs))


class Inputs:
    """The inputs of one resource; every key must be consumed, so none is silently dropped."""

    def __init__(self, type_: str, name: str, values: Mapping[str, Any]) -> None:
        self.type = type_
        self.name = name
        # Pulumi leaves unset optional inputs out; None values mean the same thing.
        self._values = {k: as_provider_json(v) for k, v in values.items() if v is not None}
        self._taken: set[str] = set()

    def required(self, key: str) -> Any:
        if key not in self._values:
            raise DeployError(f"resource {self.name!r} ({self.type}): input {key!r} is required")
        return self.optional(key)

    def optional(self, key: str, default: T | None = None) -> Any:
        self._taken.add(key)
        return self._values.get(key, default)

    def ignore(self, *keys: str) -> None:
        """Inputs that only steer the provider itself (no AWS API effect), e.g. `skipDestroy`."""
        self._taken.update(keys)

    def done(self) -> None:
        left = sorted(set(self._values) - self._taken)
        if left:
            raise DeployError(
                f"resource {self.name!r} ({self.type}): local mode does not support input(s) "
                f"{', '.join(left)}"
            )

    @contextmanager
    def aws_call(self, operation: str) -> Iterator[None]:
        """Turn the emulator's refusal (AWS's validation) into a DeployError naming the resource."""
        try:
            yield
        except ClientError as error:
            detail = error.response.get("Error", {})
            raise DeployError(
                f"resource {self.name!r} ({self.type}): {operation} failed: "
                f"{detail.get('Code', 'Error')}: {detail.get('Message', error)}"
            ) from error


def tag_list(tags: Mapping[str, str] | None, key: str = "Key", value: str = "Value") -> list[dict[str, str]]:
    return [{key: k, value: v} for k, v in sorted((tags or {}).items())]


def drop_none(values: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v is not None}
