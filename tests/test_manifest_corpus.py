"""The golden corpus: tests/manifests/{valid,invalid}/, parametrized from the directory listing.

Each invalid case (a .yaml file, or a directory of them for cross-file rules) has a
`<case>.expected` file beside it: one `[file:]LBxxx:line:column` per expected diagnostic.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.commands.validate import exit_status
from engine.manifest import check_paths
from engine.rules import RULES

CORPUS = Path(__file__).resolve().parent / "manifests"
# Rules that schema-valid YAML cannot trigger are unit-tested in tests/test_rules.py instead:
# LB120 (the schema's length bounds keep every name short enough) and LB121 (not a file).
NOT_IN_CORPUS = {"LB120", "LB121"}


def _cases(kind: str) -> list[Path]:
    return sorted(p for p in (CORPUS / kind).iterdir() if p.suffix != ".expected")


def _expected(case: Path) -> list[str]:
    lines = case.with_name(case.stem + ".expected" if case.is_file() else case.name + ".expected")
    text = lines.read_text(encoding="utf-8")
    return sorted(line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#"))


def _actual(case: Path) -> list[str]:
    result = check_paths([case], None)
    prefix = (lambda d: Path(d.file).name + ":") if case.is_dir() else (lambda d: "")
    return sorted(f"{prefix(d)}{d.rule}:{d.line}:{d.column}" for d in result.diagnostics)


@pytest.mark.parametrize("case", _cases("invalid"), ids=lambda p: p.name)
def test_invalid_case_reports_exactly_the_expected_diagnostics(case: Path) -> None:
    assert _actual(case) == _expected(case)


@pytest.mark.parametrize("case", _cases("invalid"), ids=lambda p: p.name)
def test_invalid_case_fails_strict_validation_with_registered_rules(case: Path) -> None:
    result = check_paths([case], None)
    assert exit_status(result, strict=True) == 1
    for diagnostic in result.diagnostics:
        assert diagnostic.severity == RULES[diagnostic.rule].severity
        assert diagnostic.message


@pytest.mark.parametrize("case", _cases("valid"), ids=lambda p: p.name)
def test_valid_case_has_no_diagnostics(case: Path) -> None:
    result = check_paths([case], None)
    assert [d.format_text() for d in result.diagnostics] == []


def test_corpus_is_large_and_covers_every_rule() -> None:
    invalid = _cases("invalid")
    assert len(invalid) >= 30
    covered = {line.split(":")[-3] for case in invalid for line in _expected(case)}
    assert covered >= set(RULES) - NOT_IN_CORPUS
    assert not covered & NOT_IN_CORPUS


def test_one_run_reports_every_file() -> None:
    files = sorted((CORPUS / "invalid").glob("*.yaml"))
    result = check_paths([CORPUS / "invalid"], None)
    assert {Path(d.file) for d in result.diagnostics} == set(files)
