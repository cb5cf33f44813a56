"""`leaderboard local` end to end: deploy into moto, real handler, every event accounted for."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from engine.cli import main
from engine.local.faults import Throttling, dynamodb_throttling
from engine.local.session import LocalOptions, RunResult, run_local
from tests.local.conftest import MANIFESTS, pipeline_specs
from tests.local.expected import actual_top, expected_top

pytestmark = pytest.mark.slow


def _bodies(result: RunResult, key: str) -> list[str]:
    return [event.body for event in result.events if event.target == key]


def _assert_exact(result: RunResult, manifests: Path) -> None:
    specs = pipeline_specs(manifests)
    for pipeline in result.pipelines:
        spec = specs[(pipeline.game, pipeline.pipeline)]
        accounted = pipeline.applied + pipeline.ignored + pipeline.dead_lettered + pipeline.deduplicated
        assert accounted == pipeline.sent, pipeline
        assert pipeline.details.completed_twice == 0
        expected = expected_top(_bodies(result, spec.key), spec, pipeline.board)
        assert actual_top(pipeline.top) == expected, spec.key


def test_generated_traffic_on_the_example_manifests_is_exact() -> None:
    result = run_local(
        LocalOptions(manifests=MANIFESTS, environment="dev", events=250, poison_rate=0.06, seed=11)
    )

    assert result.ok
    assert {(p.game, p.pipeline) for p in result.pipelines} == set(pipeline_specs(MANIFESTS))
    assert sum(p.sent for p in result.pipelines) == 250
    _assert_exact(result, MANIFESTS)
    by_key = {f"{p.game}-{p.pipeline}": p for p in result.pipelines}
    # Poison was dead-lettered by the handler; exact duplicates were dropped by FIFO
    # deduplication (content-based and event-id based) or ignored on the standard queue.
    assert all(p.dead_lettered > 0 for p in result.pipelines)
    assert all(p.redriven == 0 for p in result.pipelines)
    assert by_key["space-race-global"].deduplicated > 0
    assert by_key["tower-defense-rating"].deduplicated > 0  # MessageDeduplicationId from event_id
    assert by_key["puzzle-quest-points"].deduplicated == 0  # standard queue: delivered twice...
    assert by_key["puzzle-quest-points"].ignored > 0  # ...and the sum applied once
    assert by_key["tower-defense-waves"].board.startswith("weekly#")
    assert all(len(p.top) >= 5 for p in result.pipelines)


def test_events_file_replay_through_the_cli(
    two_games: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    t0 = 1796342400000
    lines = [
        {"event_id": "e1", "game_id": "space-race", "player_id": "ada", "score": 61.5, "timestamp": t0},
        {"event_id": "e2", "game_id": "space-race", "player_id": "bob", "score": 59.25, "timestamp": t0 + 1},
        {"event_id": "e3", "game_id": "space-race", "player_id": "ada", "score": 58.0, "timestamp": t0 + 2},
        {"event_id": "e1", "game_id": "space-race", "player_id": "ada", "score": 61.5, "timestamp": t0},
        {"event_id": "r1", "game_id": "space-race", "player_id": "cy", "score": 70, "pipeline": "ranked"},
        {"event_id": "p1", "game_id": "puzzle-quest", "player_id": "dee", "score": 10},
        {"event_id": "p1", "game_id": "puzzle-quest", "player_id": "dee", "score": 10},
        {"event_id": "p2", "game_id": "puzzle-quest", "player_id": "dee", "score": 5},
        {"event_id": "bad", "game_id": "puzzle-quest", "player_id": "eve"},
    ]
    events_file = tmp_path / "events.jsonl"
    events_file.write_text("\n".join(json.dumps(line) for line in lines) + "\n\n")

    status = main(["local", "--manifests", str(two_games), "--events-file", str(events_file), "--json"])

    assert status == 0
    report = json.loads(capsys.readouterr().out)
    pipelines = {p["pipeline"]: p for p in report["pipelines"]}
    buckets = ("sent", "applied", "ignored", "dead_lettered", "deduplicated")
    assert {name: tuple(p[b] for b in buckets) for name, p in pipelines.items()} == {
        "global": (4, 3, 0, 0, 1),  # the exact duplicate of e1 is dropped by content-based dedup
        "ranked": (1, 1, 0, 0, 0),
        "points": (4, 2, 1, 1, 0),  # p1 twice on a standard queue: applied once, then ignored
    }
    assert pipelines["global"]["top"] == [
        {"player_id": "ada", "score": 58},
        {"player_id": "bob", "score": 59.25},
    ]
    assert pipelines["ranked"]["top"] == [{"player_id": "cy", "score": 70}]
    assert pipelines["points"]["top"] == [{"player_id": "dee", "score": 15}]
    specs = pipeline_specs(two_games)
    for name, pipeline in pipelines.items():
        spec = specs[(pipeline["game"], name)]
        first = "global" if spec.game == "space-race" else "points"  # each game's first pipeline
        routed = [
            line for line in lines if line["game_id"] == spec.game and line.get("pipeline", first) == name
        ]
        bodies = [json.dumps({k: v for k, v in line.items() if k != "pipeline"}) for line in routed]
        assert actual_top(pipeline["top"]) == expected_top(bodies, spec, pipeline["board"])


def test_transient_dynamodb_throttling_loses_nothing(two_games: Path) -> None:
    states: list[Throttling] = []

    @contextmanager
    def throttled() -> Iterator[None]:
        # 30 consecutive write requests fail once 20 have gone through: more than the SDK's
        # own retries absorb, so records fail, come back from SQS and are applied later.
        with dynamodb_throttling(failures=30, after=20) as state:
            states.append(state)
            yield

    result = run_local(
        LocalOptions(
            manifests=two_games, environment="dev", events=300, poison_rate=0.02, seed=5, fault=throttled
        )
    )

    assert states[0].throttled == 30  # the fault really happened...
    assert sum(p.details.transient_failures for p in result.pipelines) > 0  # ...and reached SQS retries
    assert result.ok
    assert all(p.redriven == 0 for p in result.pipelines)  # no event exhausted its receives
    _assert_exact(result, two_games)
