"""No input breaks the checker: every mutation of the examples ends in diagnostics, never an exception."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.manifest import check_files
from engine.rules import RULES

EXAMPLES = sorted((Path(__file__).resolve().parents[1] / "manifests").glob("*.yaml"))
ODD_VALUES = ["~", "{a: [1]}", "-1e309", "*missing"]


def _mutations(text: str) -> list[str]:
    lines = text.splitlines()
    mutated = []
    for index, line in enumerate(lines):
        key = line.split(":")[0]
        for value in ODD_VALUES:
            mutated.append("\n".join([*lines[:index], f"{key}: {value}", *lines[index + 1 :]]))
        mutated.append("\n".join(lines[:index] + lines[index + 1 :]))  # the line removed
    return mutated


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_mutated_examples_give_only_registered_diagnostics(example: Path, tmp_path: Path) -> None:
    target = tmp_path / example.name
    for text in _mutations(example.read_text(encoding="utf-8")):
        target.write_text(text, encoding="utf-8")
        result = check_files([target], None)  # the base and every declared overlay
        assert all(d.rule in RULES and d.line >= 1 and d.column >= 1 for d in result.diagnostics), text
