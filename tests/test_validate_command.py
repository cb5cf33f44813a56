"""`leaderboard validate`: output formats, exit codes, no tracebacks, no Pulumi import."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from engine.cli import main

ROOT = Path(__file__).resolve().parents[1]
INVALID = ROOT / "tests" / "manifests" / "invalid"
FIFO_WINDOW = INVALID / "lb101-fifo-batching-window.yaml"
WARNING_ONLY = INVALID / "lb107-dlq-retention-below-retention.yaml"


def _validate(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(["validate", *args])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_examples_are_valid(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = _validate(capsys, str(ROOT / "manifests"))
    assert (status, out) == (0, "")
    assert "3 manifests valid" in err


def test_default_path_is_manifests(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    assert _validate(capsys)[0] == 0


def test_text_diagnostic_is_the_contract_line(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = _validate(capsys, str(FIFO_WINDOW))
    assert status == 1
    assert out == (
        f"{FIFO_WINDOW}:6:24: error LB101 pipelines[0].processor.batching_window: "
        "batching window is not supported for FIFO queues; set 0s or use a standard queue\n"
    )


def test_json_format(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    other_game = tmp_path / "other.yaml"
    other_game.write_text(WARNING_ONLY.read_text().replace("corpus-game", "other-game"))
    status, out, _ = _validate(capsys, "--format", "json", str(FIFO_WINDOW), str(other_game))
    report = json.loads(out)
    assert status == 1
    assert (report["valid"], report["errors"], report["warnings"]) == (False, 1, 1)
    assert [d for d in report["diagnostics"] if d["rule"] == "LB101"] == [
        {
            "file": str(FIFO_WINDOW),
            "line": 6,
            "column": 24,
            "path": "pipelines[0].processor.batching_window",
            "rule": "LB101",
            "severity": "error",
            "message": "batching window is not supported for FIFO queues; set 0s or use a standard queue",
        }
    ]


def test_github_format(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = _validate(capsys, "--format", "github", str(FIFO_WINDOW))
    assert status == 1
    assert out.startswith(f"::error file={FIFO_WINDOW},line=6,col=24,title=LB101::LB101 pipelines[0]")


def test_warnings_pass_unless_strict(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = _validate(capsys, str(WARNING_ONLY))
    assert status == 0 and " warning LB107 " in out
    assert _validate(capsys, "--strict", str(WARNING_ONLY))[0] == 1


@pytest.mark.parametrize("args", [["does-not-exist.yaml"], ["--environment", "Prod", "manifests"]])
def test_usage_errors_exit_2(args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = _validate(capsys, *args)
    assert (status, out) == (2, "")
    assert err.startswith("leaderboard validate: error: ")


def test_unknown_format_is_an_argparse_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["validate", "--format", "xml"])
    assert exit_info.value.code == 2


def test_empty_directory_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = _validate(capsys, str(tmp_path))
    assert status == 2 and "no manifests" in err


def _run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "engine.cli", *args], capture_output=True, text=True, check=False, cwd=ROOT
    )


def test_whole_invalid_corpus_in_one_run_without_traceback() -> None:
    files = sorted(str(p) for p in INVALID.glob("*.yaml"))
    result = _run_cli("validate", *files, str(INVALID / "lb140-same-game-twice"))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr + result.stdout
    reported = {line.split(":")[0] for line in result.stdout.splitlines()}
    assert set(files) <= reported


def test_validate_does_not_import_pulumi() -> None:
    probe = (
        "import sys; from engine.cli import main; status = main(['validate', 'manifests']); "
        "heavy = ('pulumi', 'pulumi_aws', 'boto3', 'moto'); "
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in heavy); "
        "print(bad); sys.exit(status)"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=False, cwd=ROOT
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
