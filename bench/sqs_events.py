"""Deterministic SQS batches of valid score events, shaped like Lambda's SQS event."""

from __future__ import annotations

import hashlib
import json
import random
from dataclasses import dataclass
from typing import Any

BASE_TIMESTAMP_MS = 1_796_000_000_000  # 2026-11-29, inside every window the processor computes


@dataclass(frozen=True)
class BenchContext:
    """The attributes Powertools reads from Lambda's context object."""

    function_name: str = "bench-processor"
    function_version: str = "$LATEST"
    memory_limit_in_mb: int = 512
    invoked_function_arn: str = "arn:aws:lambda:us-east-1:123456789012:function:bench-processor"
    aws_request_id: str = "00000000-0000-0000-0000-000000000000"
    log_group_name: str = "/aws/lambda/bench-processor"
    log_stream_name: str = "bench"

    def get_remaining_time_in_millis(self) -> int:
        return 30_000


def score_events(
    game: str, count: int, players: int, prefix: str = "", seed: int = 7
) -> list[dict[str, Any]]:
    """`count` events of `players` players (about count/players each), random scores.

    Every call with the same seed yields the same events; `prefix` renames the players and event
    ids, so repeated runs write new items of the same shape (no state left from an earlier run,
    and nothing a handler may have cached about it applies).
    """
    rng = random.Random(seed)
    return [
        {
            "event_id": f"{prefix}evt-{index:08d}",
            "game_id": game,
            "player_id": f"{prefix}player-{rng.randrange(players):05d}",
            "score": rng.randrange(100_000),
            "timestamp": BASE_TIMESTAMP_MS + index * 1000,
        }
        for index in range(count)
    ]


def sqs_record(event: dict[str, Any], queue_arn: str, index: int) -> dict[str, Any]:
    body = json.dumps(event)
    sent = str(BASE_TIMESTAMP_MS + index * 1000)
    return {
        "messageId": f"00000000-0000-4000-8000-{index:012d}",
        "receiptHandle": f"receipt-{index}",
        "body": body,
        "attributes": {
            "ApproximateReceiveCount": "1",
            "SentTimestamp": sent,
            "SenderId": "AIDAIENQZJOLO23YVJ4VO",
            "ApproximateFirstReceiveTimestamp": sent,
            "MessageGroupId": f"{event['game_id']}#{event['player_id']}",
            "MessageDeduplicationId": hashlib.sha256(body.encode()).hexdigest(),
            "SequenceNumber": str(18_849_496_460_467_696_128 + index),
        },
        "messageAttributes": {},
        "md5OfBody": hashlib.md5(body.encode()).hexdigest(),
        "eventSource": "aws:sqs",
        "eventSourceARN": queue_arn,
        "awsRegion": "us-east-1",
    }


def batches(events: list[dict[str, Any]], batch_size: int, queue_arn: str) -> list[dict[str, Any]]:
    records = [sqs_record(event, queue_arn, index) for index, event in enumerate(events)]
    return [{"Records": records[start : start + batch_size]} for start in range(0, len(records), batch_size)]
