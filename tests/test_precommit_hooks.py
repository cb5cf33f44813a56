"""The published pre-commit hook runs, matches the manifests, and this repository uses it."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
INVALID = ROOT / "tests" / "manifests" / "invalid" / "lb102-fifo-batch-size.yaml"


def _hooks(name: str) -> list[dict[str, Any]]:
    loaded = yaml.safe_load((ROOT / name).read_text(encoding="utf-8"))
    if name == ".pre-commit-hooks.yaml":
        return list(loaded)
    return [hook for repo in loaded["repos"] for hook in repo["hooks"]]


def _published() -> dict[str, Any]:
    [hook] = [h for h in _hooks(".pre-commit-hooks.yaml") if h["id"] == "leaderboard-validate"]
    return hook


def _command(entry: str) -> list[str]:
    """The hook's entry as a command: the installed console script, else the same module."""
    program, *args = shlex.split(entry)
    if shutil.which(program):
        return [program, *args]
    assert program == "leaderboard"
    return [sys.executable, "-m", "engine.cli", *args]


def test_published_hook_definition() -> None:
    hook = _published()
    assert hook["language"] == "python"
    assert hook["entry"] == "leaderboard validate"


@pytest.mark.parametrize(
    ("path", "matches"),
    [
        ("manifests/space-race.yaml", True),
        ("manifests/new-game.yml", True),
        ("engine/cli.py", False),
        ("tests/manifests/invalid/empty-file.yaml", False),
        ("manifests/nested/game.yaml", False),
    ],
)
def test_files_pattern_selects_manifests(path: str, matches: bool) -> None:
    assert bool(re.search(_published()["files"], path)) is matches


def test_files_pattern_matches_every_example() -> None:
    examples = sorted((ROOT / "manifests").glob("*.yaml"))
    assert examples
    assert all(re.search(_published()["files"], f"manifests/{p.name}") for p in examples)


def test_entry_passes_on_this_repository() -> None:
    hook = _published()
    command = _command(hook["entry"]) + ([] if hook.get("pass_filenames") is False else ["manifests"])
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_entry_fails_on_a_bad_manifest(tmp_path: Path) -> None:
    (tmp_path / "manifests").mkdir()
    (tmp_path / "manifests" / "bad.yaml").write_bytes(INVALID.read_bytes())
    command = _command(_published()["entry"])
    environment = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        command, cwd=tmp_path, capture_output=True, text=True, check=False, env=environment
    )
    assert result.returncode == 1
    assert "manifests/bad.yaml:6:19: error LB102 " in result.stdout


def test_repository_dogfoods_the_hook_and_ruff() -> None:
    hooks = {hook["id"]: hook for hook in _hooks(".pre-commit-config.yaml")}
    assert hooks["leaderboard-validate"]["entry"] == _published()["entry"]
    assert hooks["leaderboard-validate"]["files"] == _published()["files"]
    assert {"ruff", "ruff-format"} <= set(hooks)


@pytest.mark.skipif(shutil.which("pre-commit") is None, reason="pre-commit is not installed")
def test_pre_commit_accepts_both_files() -> None:
    checks = (["validate-manifest", ".pre-commit-hooks.yaml"], ["validate-config", ".pre-commit-config.yaml"])
    for command in checks:
        result = subprocess.run(
            ["pre-commit", *command], cwd=ROOT, capture_output=True, text=True, check=False
        )
        assert result.returncode == 0, result.stdout + result.stderr
