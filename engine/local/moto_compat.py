"""Small, reversible adjustments to moto 5.x's SQS model so it behaves like AWS for local mode.

moto runs in this process (ThreadedMotoServer), so its models can be adjusted directly. Each
adjustment below replaces a few of moto's methods or module functions for as long as the
emulator runs (`engine.local.emulator` enters them all), and puts the originals back after:

- **No push to Lambda.** moto's `add_message` invokes the function of every enabled event source
  mapping synchronously, through Docker, on every SendMessage. Local mode has no Docker and its
  own poller (`engine.local.poller`) is the only thing that invokes the processor, so the
  replacement never calls Lambda. The mapping itself stays exactly as deployed (`State: Enabled`).
- **FIFO deduplication history.** moto deduplicates only against messages still in the queue;
  SQS remembers every deduplication id for 5 minutes, even after the message was deleted.
- **FIFO sequence numbers.** SQS gives every FIFO message a `SequenceNumber`; moto only does
  when an explicit deduplication id was sent.
- **DynamoDB thread safety.** moto's item operations are not thread-safe (TransactWriteItems
  deep-copies a table another server thread may be writing: "dictionary changed size during
  iteration"). Item reads and writes are serialized with one lock; DynamoDB itself is
  concurrent, but moto runs under one GIL anyway, so nothing is lost in speed.
- **Transactions in linear time.** moto's TransactWriteItems deep-copies every table it touches
  (once per item) to be able to roll back, which makes a `sum` pipeline quadratic in its table
  size (and, in a 10 000-event run, grew the process to gigabytes). Local mode snapshots only the
  items the transaction touches and restores those on failure; same all-or-nothing result.
- **SQS thread safety.** moto's `Queue.delete_message` rebuilds the message list without a lock, so
  a SendMessage served concurrently on another server thread can be lost; ReceiveMessage marks
  messages in flight without a lock, so two concurrent receives can get the same message. Both
  now hold the queue's own message lock (a re-entrant lock moto already uses for appends).
- **Request routing speed.** For every request moto's server checks the host against
  `moto.backends.list_of_moto_modules()`, which lists moto's package directory and stats every
  entry, under a global lock; the list cannot change while the server runs, so it is computed
  once.
- **SQS bookkeeping speed.** moto's SQS reads the clock through `datetime` arithmetic, once per
  message per check (is it visible? delayed?), and every queue-depth attribute walks all
  messages; `GetQueueAttributes` for named attributes recomputed the whole attribute set up to
  three times per name, and ReceiveMessage did so for every message it returned (to read the
  retention period). Local mode reads the same clock with `time.time()`, computes the attribute
  set once per GetQueueAttributes, and reads the retention period from the queue itself; the
  answers are the same, only cheaper (profiled: SQS bookkeeping was over half of the server's
  CPU time in a 1000-event run). Likewise the list of a response class's methods, which moto
  computed with `inspect.getmembers` on every request, is computed once per class.
"""

from __future__ import annotations

import copy
import functools
import itertools
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any

import moto.dynamodb.models as dynamodb_models
from moto import backends as moto_backends
from moto.core import responses as moto_responses
from moto.dynamodb.models import DynamoDBBackend
from moto.dynamodb.models.dynamo_type import DynamoType
from moto.dynamodb.models.table import Table
from moto.sqs import models as sqs_models
from moto.sqs.exceptions import InvalidAttributeName

DEDUPLICATION_INTERVAL_MS = sqs_models.DEDUPLICATION_TIME_IN_SECONDS * 1000
_HISTORY_ATTRIBUTE = "_local_mode_dedup_history"
_sequence = itertools.count(10**19)
_sequence_lock = threading.Lock()


@contextmanager
def _replaced(owner: Any, **replacements: Any) -> Iterator[None]:
    """Set attributes of a class or module while the block runs, then put the originals back."""
    originals = {name: getattr(owner, name) for name in replacements}
    for name, value in replacements.items():
        setattr(owner, name, value)
    try:
        yield
    finally:
        for name, value in originals.items():
            setattr(owner, name, value)


def _next_sequence_number() -> str:
    with _sequence_lock:
        return str(next(_sequence))


def _is_duplicate(queue: Any, message: Any) -> bool:
    """True when the deduplication id was first seen less than 5 minutes ago (AWS semantics)."""
    history: dict[str, int] = queue.__dict__.setdefault(_HISTORY_ATTRIBUTE, {})
    first_sent = history.get(message.deduplication_id)
    if first_sent is not None and message.sent_timestamp - first_sent < DEDUPLICATION_INTERVAL_MS:
        return True
    history[message.deduplication_id] = message.sent_timestamp
    return False


def add_message(self: Any, message: Any) -> None:
    """Replacement for `Queue.add_message`: AWS's FIFO rules, and no Lambda push."""
    if self.fifo_queue:
        if message.deduplication_id and _is_duplicate(self, message):
            return
        if message.sequence_number is None:
            message.sequence_number = _next_sequence_number()
    with self._messages_lock:
        self._messages.append(message)
        self._messages_lock.notify_all()


def _locked_delete(original: Callable[..., None]) -> Callable[..., None]:
    def delete_message(self: Any, receipt_handle: str) -> None:
        with self._messages_lock:
            original(self, receipt_handle)

    return delete_message


def _locked_receive(original: Callable[..., Any]) -> Callable[..., Any]:
    def receive_message(self: Any, queue_name: str, *args: Any, **kwargs: Any) -> Any:
        with self.get_queue(queue_name)._messages_lock:
            return original(self, queue_name, *args, **kwargs)

    return receive_message


DYNAMODB_ITEM_OPERATIONS = (
    "put_item", "get_item", "update_item", "delete_item", "query", "scan", "transact_write_items",
    "transact_get_items", "batch_write_item", "batch_get_item",
)  # fmt: skip
_dynamodb_lock = threading.RLock()


def _serialized(original: Callable[..., Any]) -> Callable[..., Any]:
    def operation(self: Any, *args: Any, **kwargs: Any) -> Any:
        with _dynamodb_lock:
            return original(self, *args, **kwargs)

    return operation


def serialized_dynamodb() -> AbstractContextManager[None]:
    """Run moto's DynamoDB item operations one at a time while the block runs."""
    return _replaced(
        DynamoDBBackend,
        **{name: _serialized(getattr(DynamoDBBackend, name)) for name in DYNAMODB_ITEM_OPERATIONS},
    )


class _CopyWithoutTables:
    """moto's `copy` module inside moto.dynamodb.models, minus its whole-table backups."""

    @staticmethod
    def deepcopy(value: Any, memo: Any = None) -> Any:
        return value if isinstance(value, Table) else copy.deepcopy(value, memo)


Snapshot = tuple[Table, DynamoType, DynamoType | None, Any]


def _touched_items(backend: Any, transact_items: list[dict[str, Any]]) -> list[Snapshot]:
    snapshots: list[Snapshot] = []
    for entry in transact_items:
        kind, operation = next(iter(entry.items()))
        table = backend.tables.get(operation.get("TableName"))
        source = operation.get("Item" if kind == "Put" else "Key") or {}
        if table is None or table.hash_key_attr not in source:
            continue  # moto rejects it before changing anything
        hash_key = DynamoType(source[table.hash_key_attr])
        range_attr = table.range_key_attr
        range_key = DynamoType(source[range_attr]) if range_attr and range_attr in source else None
        if range_attr and range_key is None:
            continue
        existing = table.get_item(hash_key, range_key)
        snapshots.append((table, hash_key, range_key, copy.deepcopy(existing)))
    return snapshots


def _restore(snapshots: list[Snapshot]) -> None:
    for table, hash_key, range_key, item in reversed(snapshots):
        if range_key is not None:
            if item is None:
                table.items.get(hash_key, {}).pop(range_key, None)
            else:
                table.items[hash_key][range_key] = item
        elif item is None:
            table.items.pop(hash_key, None)
        else:
            table.items[hash_key] = item


def _item_level_transactions(original: Callable[..., Any]) -> Callable[..., Any]:
    def transact_write_items(self: Any, transact_items: list[dict[str, Any]]) -> Any:
        snapshots = _touched_items(self, transact_items)
        try:
            return original(self, transact_items)
        except Exception:
            _restore(snapshots)  # moto's own rollback restored its (uncopied) tables: a no-op
            raise

    return transact_write_items


@contextmanager
def linear_transactions() -> Iterator[None]:
    """TransactWriteItems that back up the touched items, not whole tables (see module doc)."""
    transact = _item_level_transactions(DynamoDBBackend.transact_write_items)
    with (
        _replaced(dynamodb_models, copy=_CopyWithoutTables),
        _replaced(DynamoDBBackend, transact_write_items=transact),
    ):
        yield


def cached_module_list() -> AbstractContextManager[None]:
    """Compute moto's list of service modules once instead of on every request."""
    modules = tuple(moto_backends.list_of_moto_modules())
    return _replaced(moto_backends, list_of_moto_modules=lambda: modules)


@contextmanager
def patched_sqs() -> Iterator[None]:
    """Apply the replacements while the block runs, then restore moto's own methods."""
    queue, backend = sqs_models.Queue, sqs_models.SQSBackend
    with (
        _replaced(queue, add_message=add_message, delete_message=_locked_delete(queue.delete_message)),
        _replaced(backend, receive_message=_locked_receive(backend.receive_message)),
    ):
        yield


def _fast_unix_time(original: Callable[..., float]) -> Callable[..., float]:
    """moto's `unix_time(dt=None)`: seconds since the epoch, without building datetimes for now."""

    def unix_time(dt: Any = None) -> float:
        return time.time() if dt is None else original(dt)

    return unix_time


def _fast_unix_time_millis(original: Callable[..., float]) -> Callable[..., float]:
    def unix_time_millis(dt: Any = None) -> float:
        return time.time() * 1000.0 if dt is None else original(dt)

    return unix_time_millis


def get_queue_attributes(self: Any, queue_name: str, attribute_names: list[str]) -> dict[str, Any]:
    """moto's `SQSBackend.get_queue_attributes`, computing the queue's attribute set only once."""
    queue = self.get_queue(queue_name)
    if not attribute_names:
        return {}
    valid_names = ["All", *queue.BASE_ATTRIBUTES, *queue.FIFO_ATTRIBUTES, *queue.KMS_ATTRIBUTES]
    invalid_name = next((name for name in attribute_names if name not in valid_names), None)
    if invalid_name or invalid_name == "":
        raise InvalidAttributeName(invalid_name)
    attributes: dict[str, Any] = queue.attributes
    if "All" in attribute_names:
        return attributes
    return {name: attributes[name] for name in attribute_names if attributes.get(name) is not None}


def is_message_valid_based_on_retention_period(self: Any, queue_name: str, message: Any) -> bool:
    """moto's check, reading the retention period from the queue instead of all its attributes."""
    retention_period = self.get_queue(queue_name).message_retention_period
    return bool(retention_period + message.sent_timestamp / 1000 > time.time())


@contextmanager
def fast_sqs_bookkeeping() -> Iterator[None]:
    """Cheaper clock reads and attribute lookups in moto's SQS, same answers (see module doc)."""
    with (
        _replaced(
            sqs_models,
            unix_time=_fast_unix_time(sqs_models.unix_time),
            unix_time_millis=_fast_unix_time_millis(sqs_models.unix_time_millis),
            camelcase_to_underscores=functools.lru_cache(maxsize=256)(sqs_models.camelcase_to_underscores),
        ),
        _replaced(
            sqs_models.SQSBackend,
            get_queue_attributes=get_queue_attributes,
            is_message_valid_based_on_retention_period=is_message_valid_based_on_retention_period,
        ),
    ):
        yield


def cached_response_method_names() -> AbstractContextManager[None]:
    """moto lists a response class's methods (`inspect.getmembers`) on every request; once is enough."""
    return _replaced(
        moto_responses,
        method_names_from_class=functools.lru_cache(maxsize=None)(moto_responses.method_names_from_class),
    )
