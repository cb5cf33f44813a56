"""The naive handler the processor replaces: what the old system did, written plainly.

Powertools Logger and Metrics, parse each body, check the required fields, one PutItem per
message (last write wins, no boards, no windows, no conditional writes), and a hand-rolled
partial batch response. It uses the low-level client (cheaper than `boto3.resource`), so the
comparison is against a lean baseline, not a straw man. Config from the same environment
variables as the real processor, read at cold start.
"""

from __future__ import annotations

import json
import os
from typing import Any

import boto3
from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit

REQUIRED_FIELDS = ("event_id", "game_id", "player_id", "score")

TABLE_NAME = os.environ["LB_TABLE_NAME"]
PARTITION_KEY = os.environ.get("LB_PARTITION_KEY", "player_id")
SORT_KEY = os.environ.get("LB_SORT_KEY", "board")

logger = Logger()
metrics = Metrics()
dynamodb = boto3.client("dynamodb")


def _item(event: dict[str, Any]) -> dict[str, Any]:
    return {
        PARTITION_KEY: {"S": str(event["player_id"])},
        SORT_KEY: {"S": "all-time"},
        "score": {"N": str(event["score"])},
        "event_id": {"S": str(event["event_id"])},
        "game_id": {"S": str(event["game_id"])},
    }


def _save(body: str) -> None:
    event = json.loads(body)
    missing = [name for name in REQUIRED_FIELDS if name not in event]
    if missing:
        raise ValueError(f"missing fields: {', '.join(missing)}")
    dynamodb.put_item(TableName=TABLE_NAME, Item=_item(event))


@logger.inject_lambda_context
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    failures = []
    for record in event["Records"]:
        try:
            _save(record["body"])
            metrics.add_metric(name="ScoresSaved", unit=MetricUnit.Count, value=1)
        except Exception:
            logger.exception("could not save score", extra={"message_id": record["messageId"]})
            metrics.add_metric(name="ScoresFailed", unit=MetricUnit.Count, value=1)
            failures.append({"itemIdentifier": record["messageId"]})
    logger.info("batch processed", extra={"records": len(event["Records"]), "failed": len(failures)})
    return {"batchItemFailures": failures}
