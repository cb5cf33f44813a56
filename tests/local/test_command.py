"""`leaderboard local` on the command line: exit codes, located errors, the JSON report."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from engine.cli import main
from engine.local.ledger import Snapshot
from engine.local.report import to_json, to_text
from engine.local.session import PipelineResult, RunResult

TOP = {"player_id": "ada", "score": 57.5}


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(["local", *argv])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_a_missing_events_file_is_a_usage_error(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    status, out, err = _run(capsys, "--events-file", str(tmp_path / "nope.jsonl"))

    assert status == 2
    assert "nope.jsonl: no such file" in err
    assert "Traceback" not in err and out == ""


@pytest.mark.parametrize(
    ("argv", "message"), [(["--events", "-1"], "--events"), (["--poison-rate", "2"], "--poison-rate")]
)
def test_bad_numbers_are_usage_errors(
    capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    status, _, err = _run(capsys, *argv)

    assert status == 2
    assert message in err


def test_invalid_manifests_are_reported_as_diagnostics(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    (tmp_path / "bad.yaml").write_text("version: 1\ngame: Bad_Name\npipelines: []\n")

    status, out, err = _run(capsys, "--manifests", str(tmp_path))

    assert status == 1
    assert f"{tmp_path / 'bad.yaml'}:" in err and "error LB" in err
    assert "Traceback" not in err and out == ""


def test_a_bad_environment_name_is_rejected(capsys: pytest.CaptureFixture[str], two_games: Path) -> None:
    status, _, err = _run(capsys, "--manifests", str(two_games), "--environment", "Prod!")

    assert status == 1
    assert "--environment 'Prod!'" in err


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("{oops", "events.jsonl:2: not a JSON object"),
        (
            '{"game_id": "space-race", "pipeline": "nope"}',
            "events.jsonl:2: game 'space-race' has no pipeline 'nope'",
        ),
    ],
)
def test_bad_events_file_lines_fail_before_anything_starts(
    capsys: pytest.CaptureFixture[str], two_games: Path, tmp_path: Path, line: str, message: str
) -> None:
    events = tmp_path / "events.jsonl"
    events.write_text(
        '{"event_id": "a", "game_id": "space-race", "player_id": "p", "score": 1}\n' + line + "\n"
    )

    status, out, err = _run(capsys, "--manifests", str(two_games), "--events-file", str(events))

    assert status == 1
    assert message in err
    assert "Traceback" not in err and out == ""


def test_json_report_follows_the_contract() -> None:
    details = Snapshot(20, 18, 18, 12, 5, 1, 0, 3, 0, 0, ())
    pipeline = PipelineResult("space-race", "global", 20, 12, 5, 1, 2, "all-time", [TOP], details, 0)
    result = RunResult([pipeline], elapsed_s=2.0, setup_s=1.0, notes=["n"], events=[])

    report = json.loads(to_json(result))

    assert report["elapsed_s"] == 2.0 and report["events_per_s"] == 10.0
    [entry] = report["pipelines"]
    contract = {"game", "pipeline", "sent", "applied", "ignored", "dead_lettered", "deduplicated", "top"}
    assert set(entry) >= contract
    assert entry["top"] == [{"player_id": "ada", "score": 57.5}]
    assert entry["unaccounted"] == 0 and report["ok"] is True
    text = to_text(result)
    assert "space-race/global: sent 20, applied 12, ignored 5, dead_lettered 1" in text
    assert "1  ada  57.5" in text and "note: n" in text
