"""Test helpers for the processor: tables, queues, SQS records built like Lambda's, fault injection.

Named `processor_helpers` (not `helpers`) so it cannot collide with another test directory's module.
"""

from __future__ import annotations

import hashlib
import importlib
import itertools
import json
import sys
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import pytest
from processor.config import ProcessorConfig
from processor.lambda_context import LocalLambdaContext

from tests.events import load_event

GAME = "space-race"
TABLE = "space-race-global-dev"
SCORE_INDEX = "score-index"


def create_table(
    dynamodb: Any,
    name: str = TABLE,
    partition_key: str = "player_id",
    key_type: str = "S",
    sort_key: str = "board",
    score_index: str = SCORE_INDEX,
    ttl_attribute: str = "expires_at",
    projection: str = "KEYS_ONLY",
) -> None:
    """The leaderboard table layout the engine creates (keys, score index, TTL)."""
    dynamodb.create_table(
        TableName=name,
        BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[
            {"AttributeName": partition_key, "AttributeType": key_type},
            {"AttributeName": sort_key, "AttributeType": "S"},
            {"AttributeName": "board_shard", "AttributeType": "S"},
            {"AttributeName": "score", "AttributeType": "N"},
        ],
        KeySchema=[
            {"AttributeName": partition_key, "KeyType": "HASH"},
            {"AttributeName": sort_key, "KeyType": "RANGE"},
        ],
        GlobalSecondaryIndexes=[
            {
                "IndexName": score_index,
                "KeySchema": [
                    {"AttributeName": "board_shard", "KeyType": "HASH"},
                    {"AttributeName": "score", "KeyType": "RANGE"},
                ],
                "Projection": {"ProjectionType": projection},
            }
        ],
    )
    dynamodb.update_time_to_live(
        TableName=name, TimeToLiveSpecification={"Enabled": True, "AttributeName": ttl_attribute}
    )


def create_dead_letter_queue(sqs: Any, fifo: bool, stem: str = TABLE) -> str:
    if fifo:
        return str(
            sqs.create_queue(
                QueueName=f"{stem}-dlq.fifo",
                Attributes={"FifoQueue": "true", "ContentBasedDeduplication": "false"},
            )["QueueUrl"]
        )
    return str(sqs.create_queue(QueueName=f"{stem}-dlq")["QueueUrl"])


def score_body(
    event_id: str, player_id: str, score: Any, timestamp_ms: int | None = None, game_id: str = GAME
) -> str:
    event: dict[str, Any] = {"event_id": event_id, "game_id": game_id, "player_id": player_id, "score": score}
    if timestamp_ms is not None:
        event["timestamp"] = timestamp_ms
    return json.dumps(event, separators=(",", ":"))


def make_record(
    body: str,
    fifo: bool = True,
    group: str | None = None,
    message_id: str | None = None,
    sent_ms: int = 1_796_378_400_000,
    receive_count: int = 1,
) -> dict[str, Any]:
    """An SQS record in Lambda's shape, cloned from the sample batches in tests/events."""
    template_name = "sqs_fifo_batch" if fifo else "sqs_standard_batch"
    record: dict[str, Any] = load_event(template_name)["Records"][0]
    record["messageId"] = message_id or str(uuid.uuid4())
    record["receiptHandle"] = "AQEB" + uuid.uuid4().hex
    record["body"] = body
    record["md5OfBody"] = hashlib.md5(body.encode()).hexdigest()
    record["messageAttributes"] = {}
    attributes = record["attributes"]
    attributes["SentTimestamp"] = str(sent_ms)
    attributes["ApproximateFirstReceiveTimestamp"] = str(sent_ms + 15)
    attributes["ApproximateReceiveCount"] = str(receive_count)
    if fifo:
        event = _maybe_json(body)
        attributes["MessageGroupId"] = group or f"{GAME}#{event.get('player_id', 'unknown')}"
        attributes["MessageDeduplicationId"] = hashlib.sha256(body.encode()).hexdigest()
    return record


def _maybe_json(body: str) -> dict[str, Any]:
    try:
        parsed = json.loads(body)
    except ValueError:
        return {}
    return parsed if isinstance(parsed, dict) else {}


def batch(*records: dict[str, Any]) -> dict[str, Any]:
    return {"Records": list(records)}


def redelivered(record: dict[str, Any]) -> dict[str, Any]:
    """The same message delivered again (same id and body; receive count + 1)."""
    again = json.loads(json.dumps(record))
    again["receiptHandle"] = "AQEB" + uuid.uuid4().hex
    count = int(again["attributes"]["ApproximateReceiveCount"]) + 1
    again["attributes"]["ApproximateReceiveCount"] = str(count)
    return again


def failed_ids(response: dict[str, Any]) -> list[str]:
    return [item["itemIdentifier"] for item in response["batchItemFailures"]]


def metric_counts(stdout: str) -> Counter[str]:
    """Sum of every EMF metric printed by Powertools Metrics in `stdout`."""
    counts: Counter[str] = Counter()
    for line in stdout.splitlines():
        if not line.startswith("{") or '"_aws"' not in line:
            continue
        document = json.loads(line)
        for directive in document["_aws"]["CloudWatchMetrics"]:
            for metric in directive["Metrics"]:
                value = document[metric["Name"]]
                counts[metric["Name"]] += int(sum(value) if isinstance(value, list) else value)
    return counts


def board_scores(
    dynamodb: Any, board: str, table: str = TABLE, partition_key: str = "player_id", sort_key: str = "board"
) -> dict[str, float]:
    """{player_id: score} of every item on `board` (a full scan: tests only)."""
    return {
        next(iter(item[partition_key].values())): float(item["score"]["N"])
        for item in all_items(dynamodb, table)
        if item[sort_key]["S"] == board
    }


def all_items(dynamodb: Any, table: str = TABLE) -> list[dict[str, Any]]:
    return [
        item for page in dynamodb.get_paginator("scan").paginate(TableName=table) for item in page["Items"]
    ]


def receive_all(sqs: Any, queue_url: str) -> list[dict[str, Any]]:
    """Every message now visible in the queue, with all attributes (consumed: tests only)."""
    messages: list[dict[str, Any]] = []
    while True:
        page = sqs.receive_message(
            QueueUrl=queue_url,
            MaxNumberOfMessages=10,
            AttributeNames=["All"],
            MessageAttributeNames=["All"],
            WaitTimeSeconds=0,
        ).get("Messages", [])
        if not page:
            return messages
        messages.extend(page)
        for message in page:
            sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])


class _FakeHttpResponse:
    status_code = 400
    headers: dict[str, str] = {}


@contextmanager
def throttle(
    client: Any, operation: str, when: Callable[[dict[str, Any]], bool] = lambda params: True, times: int = 1
) -> Iterator[list[dict[str, Any]]]:
    """Make `operation` fail with ProvisionedThroughputExceededException for the first `times`
    calls whose parameters satisfy `when`, as DynamoDB does under throttling; yields the
    parameters of the throttled calls. Injected on the client's botocore event hook, so
    the code under test sees exactly the ClientError a real throttle raises.
    """
    throttled: list[dict[str, Any]] = []

    def before_call(params: dict[str, Any], **_: Any) -> tuple[_FakeHttpResponse, dict[str, Any]] | None:
        body = params["body"]
        request = json.loads(body) if isinstance(body, (str, bytes)) and body else {}
        if len(throttled) >= times or not when(request):
            return None
        throttled.append(request)
        error = {
            "Code": "ProvisionedThroughputExceededException",
            "Message": "Rate of requests exceeds capacity",
        }
        return _FakeHttpResponse(), {"Error": error, "ResponseMetadata": {"HTTPStatusCode": 400}}

    event_name = f"before-call.dynamodb.{operation}"
    client.meta.events.register(event_name, before_call, unique_id="lb-test-throttle")
    try:
        yield throttled
    finally:
        client.meta.events.unregister(event_name, unique_id="lb-test-throttle")


_service_numbers = itertools.count()


def processor_environment(dlq_url: str, **overrides: str) -> dict[str, str]:
    """A complete, valid processor environment (docs/processor-environment.md); override per test."""
    environment = {
        "LB_GAME_ID": GAME,
        "LB_PIPELINE": "global",
        "LB_QUEUE_TYPE": "fifo",
        "LB_TABLE_NAME": TABLE,
        "LB_DLQ_URL": dlq_url,
        "LB_PARTITION_KEY": "player_id",
        "LB_PARTITION_KEY_TYPE": "S",
        "LB_SORT_KEY": "board",
        "LB_TTL_ATTRIBUTE": "expires_at",
        "LB_SCORE_INDEX": SCORE_INDEX,
        "LB_SCORING_MODE": "best",
        "LB_SCORING_ORDER": "desc",
        "LB_WINDOWS": "all-time",
        "LB_WINDOW_RETENTION_S": "2592000",
        "LB_SHARDS": "1",
        "LB_DEDUP_TTL_S": "1555200",
        "LB_TRACING": "false",
        # Unique per load: Powertools keeps one stdlib logger per service name, bound to the
        # stdout of the test that created it.
        "POWERTOOLS_SERVICE_NAME": f"{GAME}-global-test{next(_service_numbers)}",
        "POWERTOOLS_METRICS_NAMESPACE": "Leaderboard",
        "POWERTOOLS_TRACE_DISABLED": "true",
    }
    environment.update(overrides)
    return environment


@dataclass
class ProcessorUnderTest:
    """The freshly imported handler module plus the AWS resources it uses."""

    module: ModuleType
    dynamodb: Any
    sqs: Any
    dlq_url: str
    capsys: pytest.CaptureFixture[str]

    @property
    def config(self) -> ProcessorConfig:
        config: ProcessorConfig = self.module.CONFIG
        return config

    def invoke(self, event: dict[str, Any]) -> dict[str, Any]:
        response: dict[str, Any] = self.module.lambda_handler(event, LocalLambdaContext())
        return response

    def metrics(self) -> dict[str, int]:
        """Metrics emitted since the last call (reads and clears captured stdout)."""
        return dict(metric_counts(self.capsys.readouterr().out))


def import_handler(environment: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    """Cold-start `processor.handler` with exactly `environment` for the processor variables."""
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    sys.modules.pop("processor.handler", None)
    return importlib.import_module("processor.handler")
