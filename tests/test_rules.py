"""The rule registry, and the rules the golden corpus cannot reach."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from engine.loader import load_bytes
from engine.manifest import check_paths, load_deployment
from engine.resolve import build_pipeline, merge_pipeline
from engine.rules import RULES, PipelineContext, physical_name_lengths

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT / "docs" / "manifest-reference.md"


def test_rule_ids_are_unique_well_formed_and_documented() -> None:
    reference = REFERENCE.read_text(encoding="utf-8")
    for rule_id, rule in RULES.items():
        assert rule.id == rule_id
        assert re.fullmatch(r"LB[01][0-9]{2}", rule_id)
        assert rule.description and "\n" not in rule.description
        assert rule.doc_url.startswith("https://") or (ROOT / rule.doc_url).exists()
        assert f"| {rule_id} |" in reference
        assert (rule.check is None) == (rule.scope == "loader")


def test_semantic_rules_are_lb1xx_and_loader_rules_lb00x() -> None:
    for rule in RULES.values():
        assert rule.id.startswith("LB1") == (rule.scope != "loader")


def _context(game: str, pipeline: str, environment: str | None) -> PipelineContext:
    text = f"version: 1\ngame: {game}\npipelines:\n  - name: {pipeline}\n".encode()
    document, _ = load_bytes(text, "long.yaml")
    assert document is not None
    merged = merge_pipeline(document.data, 0, None)
    spec = build_pipeline(document.data, merged, environment or "x", document.file)
    return PipelineContext(document, merged, spec, environment)


def test_physical_names_within_limits_pass() -> None:
    assert list(physical_name_lengths(_context("a" * 24, "b" * 16, None))) == []


def test_physical_name_over_the_limit_is_reported_at_the_pipeline_name() -> None:
    # The schema keeps names short enough today; the rule guards against relaxing it.
    context = _context("a" * 24, "b" * 16, None)
    too_long = dataclasses.replace(context, spec=dataclasses.replace(context.spec, game="g" * 40))
    findings = list(physical_name_lengths(too_long))
    assert {f.path for f in findings} == {("pipelines", 0, "name")}
    messages = " ".join(f.message for f in findings)
    assert "function name" in messages and "role name" in messages and "AWS allows 1..64" in messages
    assert "{env}" in messages and "10-character environment" in messages


def test_physical_name_uses_the_given_environment() -> None:
    context = _context("a" * 24, "b" * 16, "prod")
    long_game = dataclasses.replace(context, spec=dataclasses.replace(context.spec, game="g" * 45))
    messages = [f.message for f in physical_name_lengths(long_game)]
    assert any("-prod-processor" in m for m in messages)


@pytest.mark.parametrize("environment", ["Prod", "1dev", "averyverylongname", "dev-1", ""])
def test_environment_name_rule(environment: str) -> None:
    deployment, diagnostics = load_deployment([ROOT / "manifests"], environment)
    assert deployment is None
    assert [(d.file, d.rule) for d in diagnostics] == [("<environment>", "LB121")]


def test_overlay_problem_is_reported_only_for_that_environment(tmp_path: Path) -> None:
    manifest = tmp_path / "game.yaml"
    manifest.write_text(
        "version: 1\ngame: game\npipelines:\n  - name: main\n"
        "environments:\n  prod:\n    pipelines:\n      main:\n        processor: {batch_size: 20}\n"
    )
    assert load_deployment([manifest], "dev")[0] is not None
    deployment, diagnostics = load_deployment([manifest], "prod")
    assert deployment is None
    assert [(d.rule, d.line) for d in diagnostics] == [("LB102", 9)]
    everything = check_paths([manifest], None)
    assert [(d.rule, d.line) for d in everything.diagnostics] == [("LB102", 9)]


def test_warnings_do_not_prevent_a_deployment(tmp_path: Path) -> None:
    manifest = tmp_path / "game.yaml"
    manifest.write_text(
        "version: 1\ngame: game\npipelines:\n  - name: main\n    queue: {dlq_retention: 1d}\n"
    )
    deployment, diagnostics = load_deployment([manifest], "dev")
    assert deployment is not None
    assert [p.key for p in deployment.pipelines] == ["game-main"]
    assert [(d.rule, d.severity) for d in diagnostics] == [("LB107", "warning")]


def test_same_game_across_files_is_reported_once_at_the_second_file(tmp_path: Path) -> None:
    text = "version: 1\ngame: twin\npipelines:\n  - name: main\n"
    (tmp_path / "a.yaml").write_text(text)
    (tmp_path / "b.yaml").write_text(text)
    deployment, diagnostics = load_deployment([tmp_path], "dev")
    assert deployment is None
    assert [(Path(d.file).name, d.rule, d.line) for d in diagnostics] == [("b.yaml", "LB140", 2)]
