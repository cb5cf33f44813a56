"""Fault injection for local mode: make the emulator fail the way AWS does, for a while.

`dynamodb_throttling` makes DynamoDB answer write requests with
ProvisionedThroughputExceededException (HTTP 400, what a throttled table returns), so the
processor sees real throttling through its real client: SDK retries, then batch item
failures, then SQS redelivery.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from moto.dynamodb.exceptions import ERROR_TYPE_PREFIX, DynamodbException
from moto.dynamodb.models import DynamoDBBackend

WRITE_OPERATIONS = ("put_item", "update_item", "delete_item", "transact_write_items", "batch_write_item")


class ProvisionedThroughputExceeded(DynamodbException):
    def __init__(self) -> None:
        super().__init__(
            ERROR_TYPE_PREFIX + "ProvisionedThroughputExceededException",
            message="The level of configured provisioned throughput for the table was exceeded. "
            "Consider increasing your provisioning level with the UpdateTable API.",
        )


@dataclass
class Throttling:
    """Fail `failures` consecutive write requests once `after` requests have gone through."""

    failures: int
    after: int = 0
    seen: int = 0
    throttled: int = 0

    def __post_init__(self) -> None:
        self._lock = threading.Lock()

    def should_throttle(self) -> bool:
        with self._lock:
            self.seen += 1
            if self.after < self.seen <= self.after + self.failures:
                self.throttled += 1
                return True
            return False


def _throttled(original: Callable[..., Any], state: Throttling) -> Callable[..., Any]:
    @functools.wraps(original)
    def operation(self: Any, *args: Any, **kwargs: Any) -> Any:
        if state.should_throttle():
            raise ProvisionedThroughputExceeded()
        return original(self, *args, **kwargs)

    return operation


@contextmanager
def dynamodb_throttling(failures: int, after: int = 0) -> Iterator[Throttling]:
    """Throttle DynamoDB writes in the emulator while the block runs (see `Throttling`)."""
    state = Throttling(failures=failures, after=after)
    originals = {name: getattr(DynamoDBBackend, name) for name in WRITE_OPERATIONS}
    for name, original in originals.items():
        setattr(DynamoDBBackend, name, _throttled(original, state))
    try:
        yield state
    finally:
        for name, original in originals.items():
            setattr(DynamoDBBackend, name, original)
