"""Local mode's pure parts: the Lambda event shape, outcome counting, traffic, routing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from engine.local.ledger import emf_counts
from engine.local.poller import _failed_ids
from engine.local.producer import QueueTarget, _entry, deduplication_id
from engine.local.sqs_event import sqs_event
from engine.local.traffic import Target, TrafficError, generate, read_events_file

QUEUE_ARN = "arn:aws:sqs:us-east-1:123456789012:g-p-dev.fifo"
MESSAGE = {
    "MessageId": "m-1",
    "ReceiptHandle": "rh-1",
    "MD5OfBody": "abc",
    "Body": '{"event_id": "e"}',
    "Attributes": {
        "SenderId": "AIDA",
        "SentTimestamp": "1796342400000",
        "ApproximateReceiveCount": "2",
        "ApproximateFirstReceiveTimestamp": "1796342400001",
        "MessageGroupId": "g#p1",
        "MessageDeduplicationId": "d1",
        "SequenceNumber": "10000000000000000001",
    },
    "MD5OfMessageAttributes": "def",
    "MessageAttributes": {"kind": {"DataType": "String", "StringValue": "score"}},
}
TARGETS = [
    Target("space-race-global", "space-race", "global", False, "best", "asc"),
    Target("space-race-ranked", "space-race", "ranked", False, "best", "asc"),
    Target("tower-defense-rating", "tower-defense", "rating", True, "latest", "desc"),
]


def test_records_are_shaped_like_lambdas_sqs_event() -> None:
    [record] = sqs_event([MESSAGE], QUEUE_ARN, "us-east-1")["Records"]

    assert record == {
        "messageId": "m-1",
        "receiptHandle": "rh-1",
        "body": '{"event_id": "e"}',
        "attributes": {
            "ApproximateReceiveCount": "2",
            "SentTimestamp": "1796342400000",
            "SenderId": "AIDA",
            "ApproximateFirstReceiveTimestamp": "1796342400001",
            "SequenceNumber": "10000000000000000001",
            "MessageGroupId": "g#p1",
            "MessageDeduplicationId": "d1",
        },
        "messageAttributes": {
            "kind": {
                "stringValue": "score",
                "stringListValues": [],
                "binaryListValues": [],
                "dataType": "String",
            }
        },
        "md5OfBody": "abc",
        "md5OfMessageAttributes": "def",
        "eventSource": "aws:sqs",
        "eventSourceARN": QUEUE_ARN,
        "awsRegion": "us-east-1",
    }


def test_outcomes_are_read_from_emf_metric_lines() -> None:
    emf = {
        "_aws": {"CloudWatchMetrics": []},
        "applied": [1.0, 1.0, 1.0],
        "ignored": 1.0,
        "dead_lettered": [1.0],
    }
    lines = ["not json", '{"level": "INFO", "message": "x"}', json.dumps(emf)]

    assert emf_counts(lines) == {"applied": 3, "ignored": 1, "dead_lettered": 1}


def test_partial_batch_response_decides_what_returns_to_the_queue() -> None:
    messages = [{"MessageId": "a"}, {"MessageId": "b"}]

    assert _failed_ids({"batchItemFailures": []}, None, messages) == (set(), None)
    assert _failed_ids({"batchItemFailures": [{"itemIdentifier": "b"}]}, None, messages) == ({"b"}, None)
    assert _failed_ids(None, "Boom: x", messages) == ({"a", "b"}, "Boom: x")
    assert _failed_ids({"nope": 1}, None, messages)[0] == {"a", "b"}
    assert _failed_ids({"batchItemFailures": [{"itemIdentifier": "zzz"}]}, None, messages)[0] == {"a", "b"}


def test_fifo_producers_group_by_player_and_dedupe_by_event_id(tmp_path: Path) -> None:
    path = tmp_path / "events.jsonl"
    path.write_text('{"event_id": "e1", "game_id": "space-race", "player_id": "ada", "score": 1}\n')
    [event] = read_events_file(path, TARGETS)
    fifo = QueueTarget("url", fifo=True, content_based_deduplication=False, game="space-race")

    entry = _entry(0, event, fifo)

    assert entry["MessageGroupId"] == "space-race#ada"
    assert entry["MessageDeduplicationId"] == deduplication_id(event) == deduplication_id(event)
    assert "MessageDeduplicationId" not in _entry(0, event, QueueTarget("url", True, True, "space-race"))
    assert "MessageGroupId" not in _entry(0, event, QueueTarget("url", False, False, "space-race"))


def test_generated_traffic_is_seeded_and_realistic() -> None:
    first = generate(TARGETS, 600, 0.05, seed=3, now_ms=1_796_342_400_000)
    again = generate(TARGETS, 600, 0.05, seed=3, now_ms=1_796_342_400_000)

    assert first == again
    assert [sum(e.target == t.key for e in first) for t in TARGETS] == [200, 200, 200]
    bodies = [e.body for e in first]
    assert len(set(bodies)) < len(bodies)  # exact duplicates
    events = [_parsed(e.body) for e in first]
    valid = [d for d in events if d and "cheat" not in d and isinstance(d.get("score"), int | float)]
    assert any(d["player_id"].isdigit() for d in valid if d["game_id"] == "tower-defense")
    timestamps = [d["timestamp"] for d in valid if d["game_id"] == "space-race" and d["timestamp"] > 0]
    assert timestamps != sorted(timestamps)  # some arrive out of order
    players = [d["player_id"] for d in valid if d["game_id"] == "space-race"]
    assert players.count("player-0001") > 5 * max(1, players.count("player-0020"))  # Zipf


def _parsed(body: str) -> dict | None:  # type: ignore[type-arg]
    try:
        document = json.loads(body)
    except ValueError:
        return None
    return document if isinstance(document, dict) else None


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("{not json", r"events\.jsonl:2: not a JSON object"),
        ("[1, 2]", r"events\.jsonl:2: not a JSON object"),
        ('{"game_id": "chess", "event_id": "x"}', r"events\.jsonl:2: game_id 'chess' matches no manifest"),
        (
            '{"game_id": "space-race", "pipeline": "nope"}',
            r"events\.jsonl:2: game 'space-race' has no pipeline 'nope'",
        ),
    ],
)
def test_bad_events_file_lines_are_located(tmp_path: Path, line: str, message: str) -> None:
    path = tmp_path / "events.jsonl"
    path.write_text(
        '{"event_id": "ok", "game_id": "space-race", "player_id": "a", "score": 1}\n' + line + "\n"
    )

    with pytest.raises(TrafficError, match=message):
        read_events_file(path, TARGETS)


def test_events_file_routing_defaults_to_the_games_first_pipeline(tmp_path: Path) -> None:
    path = tmp_path / "events.jsonl"
    path.write_text(
        '{"event_id": "a", "game_id": "space-race", "player_id": "p", "score": 1}\n'
        "\n"
        '{"event_id": "b", "game_id": "space-race", "player_id": "p", "score": 2, "pipeline": "ranked"}\n'
    )

    events = read_events_file(path, TARGETS)

    assert [(e.target, e.source.rsplit(":", 1)[1]) for e in events] == [
        ("space-race-global", "1"),
        ("space-race-ranked", "3"),
    ]
    assert json.loads(events[1].body) == {
        "event_id": "b",
        "game_id": "space-race",
        "player_id": "p",
        "score": 2,
    }
