"""The CLI shell: usage errors exit 2, every subcommand is reachable and documented."""

from __future__ import annotations

import pytest

from engine.cli import EXIT_USAGE, build_parser, main

SUBCOMMANDS = ("validate", "plan", "schema", "local")


def test_no_command_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        main([])
    assert stopped.value.code == EXIT_USAGE
    assert "usage: leaderboard" in capsys.readouterr().err


def test_unknown_option_is_a_usage_error() -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["validate", "--no-such-option"])
    assert stopped.value.code == EXIT_USAGE


@pytest.mark.parametrize("command", SUBCOMMANDS)
def test_every_subcommand_has_help(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        main([command, "--help"])
    assert stopped.value.code == 0
    assert f"usage: leaderboard {command}" in capsys.readouterr().out


def test_top_level_help_lists_every_subcommand() -> None:
    text = build_parser().format_help()
    for command in SUBCOMMANDS:
        assert command in text
