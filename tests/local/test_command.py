"""`leaderboard local` on the command line: exit codes, located errors, the JSON report."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from engine.cli import main


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


@pytest.mark.slow
def test_json_report_follows_the_contract(capsys: pytest.CaptureFixture[str], two_games: Path) -> None:
    status, out, _ = _run(capsys, "--manifests", str(two_games), "--events", "60", "--seed", "1", "--json")

    assert status == 0
    report = json.loads(out)
    assert set(report) >= {"pipelines", "elapsed_s", "events_per_s"}
    contract = {"game", "pipeline", "sent", "applied", "ignored", "dead_lettered", "deduplicated", "top"}
    for pipeline in report["pipelines"]:
        assert set(pipeline) >= contract
        accounted = sum(pipeline[k] for k in ("applied", "ignored", "dead_lettered", "deduplicated"))
        assert accounted == pipeline["sent"] == 20
        assert all(set(entry) == {"player_id", "score"} for entry in pipeline["top"])
    assert report["events_per_s"] > 0
