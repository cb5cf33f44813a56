"""Manifests in, resolved model out: YAML -> JSON Schema -> semantic rules -> engine.model.

`load_deployment` is what the Pulumi program, the plan and local mode call;
`check_paths` is what `leaderboard validate` calls. Both collect every problem of every
file as diagnostics instead of raising.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from engine import rules
from engine.diagnostics import Diagnostic, has_errors, unique_sorted
from engine.loader import LoadedDocument, load_file
from engine.model import Deployment, GameSpec
from engine.resolve import build_game, build_pipeline, merge_pipeline
from engine.schema import check_schema

MANIFEST_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class CheckResult:
    """Everything one validation run found."""

    files: tuple[str, ...]
    diagnostics: tuple[Diagnostic, ...]
    games: dict[str, tuple[GameSpec, ...]] = field(default_factory=dict)
    """Per checked environment name (`""` for the base manifest), the resolved games."""

    @property
    def ok(self) -> bool:
        return not has_errors(self.diagnostics)


def discover(paths: Sequence[Path]) -> tuple[list[Path], list[Path]]:
    """Manifest files named by `paths` (directories: their *.yaml / *.yml), and missing paths."""
    files: list[Path] = []
    missing: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.iterdir() if p.suffix in MANIFEST_SUFFIXES and p.is_file()))
        elif path.exists():
            files.append(path)
        else:
            missing.append(path)
    return list(dict.fromkeys(files)), missing


def _environments_to_check(document: LoadedDocument, environment: str | None) -> list[str | None]:
    if environment is not None:
        return [environment]
    declared = document.data.get("environments") or {}
    return [None, *declared]


def check_document(
    document: LoadedDocument, environment: str | None
) -> tuple[dict[str, GameSpec], list[Diagnostic]]:
    """Rules and model of one schema-valid document.

    With `environment` None, the base manifest and each overlay it declares are checked
    (physical-name lengths assume the longest environment name); otherwise that one environment.
    """
    diagnostics = list(rules.check_document(document))
    if has_errors(diagnostics):
        return {}, diagnostics
    games: dict[str, GameSpec] = {}
    for checked in _environments_to_check(document, environment):
        specs = []
        for index in range(len(document.data["pipelines"])):
            merged = merge_pipeline(document.data, index, checked)
            model_environment = checked or environment or rules.WORST_CASE_ENVIRONMENT
            spec = build_pipeline(document.data, merged, model_environment, document.file)
            context = rules.PipelineContext(document, merged, spec, environment)
            diagnostics.extend(rules.check_pipeline(context))
            specs.append(spec)
        games[checked or ""] = build_game(document.data, tuple(specs), document.file)
    return games, diagnostics


def check_files(files: Sequence[Path], environment: str | None) -> CheckResult:
    """Validate manifest files together (cross-file rules included)."""
    diagnostics: list[Diagnostic] = []
    if environment is not None:
        diagnostics.extend(rules.check_environment_name(environment))
    documents: list[LoadedDocument] = []
    games: dict[str, list[GameSpec]] = {}
    for path in files:
        document, problems = load_file(path)
        diagnostics.extend(problems)
        if document is None:
            continue
        documents.append(document)
        problems, checkable = check_schema(document)
        diagnostics.extend(problems)
        if checkable is None:
            continue
        per_environment, problems = check_document(replace(document, data=checkable), environment)
        diagnostics.extend(problems)
        if not has_errors(problems) and checkable is document.data:
            for name, game in per_environment.items():
                games.setdefault(name, []).append(game)
    diagnostics.extend(rules.check_deployment(documents))
    return CheckResult(
        files=tuple(str(f) for f in files),
        diagnostics=tuple(unique_sorted(diagnostics)),
        games={name: tuple(found) for name, found in games.items()},
    )


def check_paths(paths: Sequence[Path], environment: str | None) -> CheckResult:
    """Like check_files, for files and directories; a missing path is reported as a diagnostic."""
    files, missing = discover(paths)
    result = check_files(files, environment)
    if not missing:
        return result
    absent = [
        Diagnostic(str(path), 1, 1, "<root>", "LB001", "error", "no such file or directory")
        for path in missing
    ]
    return CheckResult(result.files, tuple(unique_sorted([*result.diagnostics, *absent])), result.games)


def load_deployment(paths: Sequence[Path], environment: str) -> tuple[Deployment | None, list[Diagnostic]]:
    """Load, validate and resolve every manifest for one environment (stack).

    `paths` are manifest files or directories of them. Returns the deployment, or None when
    any error was found; the diagnostics (errors and warnings) are returned either way.
    """
    result = check_paths(paths, environment)
    diagnostics = list(result.diagnostics)
    if has_errors(diagnostics):
        return None, diagnostics
    games = result.games.get(environment, ())
    return Deployment(environment=environment, games=games), diagnostics
