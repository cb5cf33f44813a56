"""Where every event of one pipeline went, counted as the run goes (thread-safe).

`applied` and `ignored` come from the handler's own EMF metrics (the CloudWatch metrics named
after the outcome buckets), counted only for invocations that returned a response; which
messages were delivered and deleted comes from the poller; dead-lettered events are counted
in the DLQ at the end (invalid events the handler sent plus messages SQS redrove).
"""

from __future__ import annotations

import json
import threading
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

OUTCOME_METRICS = ("applied", "ignored", "dead_lettered", "transient_failures")


def emf_counts(log_lines: Iterable[str]) -> Counter[str]:
    """Sum the outcome metrics in the Embedded Metric Format lines among `log_lines`."""
    counts: Counter[str] = Counter()
    for line in log_lines:
        if not line.startswith("{") or '"_aws"' not in line:
            continue
        try:
            blob = json.loads(line)
        except ValueError:
            continue
        for name in OUTCOME_METRICS:
            value = blob.get(name)
            if value is None:
                continue
            values = value if isinstance(value, list) else [value]
            counts[name] += int(sum(values))
    return counts


@dataclass(frozen=True)
class Snapshot:
    sent: int
    delivered: int
    completed: int
    applied: int
    ignored: int
    handler_dead_lettered: int
    transient_failures: int
    invocations: int
    invocation_errors: int
    completed_twice: int
    errors: tuple[str, ...]


class Ledger:
    """Counters of one pipeline; every method may be called from any thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._sent = 0
        self._delivered: set[str] = set()
        self._completed: set[str] = set()
        self._completed_twice = 0
        self._metrics: Counter[str] = Counter()
        self._invocations = 0
        self._invocation_errors = 0
        self._errors: list[str] = []

    def sent(self, count: int) -> None:
        with self._lock:
            self._sent += count

    def delivered(self, message_ids: Iterable[str]) -> None:
        with self._lock:
            self._delivered.update(message_ids)

    def invoked(self, metrics: Mapping[str, int], error: str | None) -> None:
        with self._lock:
            self._invocations += 1
            if error is None:
                self._metrics.update(metrics)
            else:
                self._invocation_errors += 1
                if len(self._errors) < 5:
                    self._errors.append(error)

    def completed(self, message_ids: Iterable[str]) -> None:
        with self._lock:
            for message_id in message_ids:
                if message_id in self._completed:
                    self._completed_twice += 1
                self._completed.add(message_id)

    @property
    def progress(self) -> int:
        with self._lock:
            return len(self._completed)

    def snapshot(self) -> Snapshot:
        with self._lock:
            return Snapshot(
                sent=self._sent,
                delivered=len(self._delivered),
                completed=len(self._completed),
                applied=self._metrics["applied"],
                ignored=self._metrics["ignored"],
                handler_dead_lettered=self._metrics["dead_lettered"],
                transient_failures=self._metrics["transient_failures"],
                invocations=self._invocations,
                invocation_errors=self._invocation_errors,
                completed_twice=self._completed_twice,
                errors=tuple(self._errors),
            )
