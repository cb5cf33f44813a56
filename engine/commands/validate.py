"""`leaderboard validate [PATH ...]`: report every problem of every manifest, then exit once.

Exit 0 when valid (warnings allowed unless --strict), 1 when any manifest is invalid,
2 for usage errors (a missing path, a bad --environment, no manifests found).
This module must stay free of Pulumi imports: it runs in pre-commit.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from engine.diagnostics import Diagnostic
from engine.manifest import CheckResult, check_files, discover
from engine.rules import ENVIRONMENT_NAME

EXIT_OK = 0
EXIT_INVALID = 1
EXIT_USAGE = 2
DEFAULT_PATH = Path("manifests")


def _usage_error(message: str) -> int:
    print(f"leaderboard validate: error: {message}", file=sys.stderr)
    return EXIT_USAGE


def _render_text(result: CheckResult, out: TextIO) -> None:
    for diagnostic in result.diagnostics:
        print(diagnostic.format_text(), file=out)


def _render_github(result: CheckResult, out: TextIO) -> None:
    for diagnostic in result.diagnostics:
        print(diagnostic.format_github(), file=out)


def _render_json(result: CheckResult, out: TextIO) -> None:
    errors, warnings = _counts(result.diagnostics)
    document = {
        "valid": errors == 0,
        "files": list(result.files),
        "errors": errors,
        "warnings": warnings,
        "diagnostics": [d.to_json() for d in result.diagnostics],
    }
    print(json.dumps(document, indent=2), file=out)


RENDERERS = {"text": _render_text, "json": _render_json, "github": _render_github}


def _counts(diagnostics: Sequence[Diagnostic]) -> tuple[int, int]:
    errors = sum(1 for d in diagnostics if d.is_error)
    return errors, len(diagnostics) - errors


def _summary(result: CheckResult) -> str:
    errors, warnings = _counts(result.diagnostics)
    files = len(result.files)
    noun = "manifest" if files == 1 else "manifests"
    if not errors and not warnings:
        return f"{files} {noun} valid"
    return f"{files} {noun} checked: {errors} error(s), {warnings} warning(s)"


def exit_status(result: CheckResult, *, strict: bool) -> int:
    errors, warnings = _counts(result.diagnostics)
    return EXIT_INVALID if errors or (strict and warnings) else EXIT_OK


def run(args: argparse.Namespace) -> int:
    paths = [Path(p) for p in args.paths] or [DEFAULT_PATH]
    if args.environment is not None and not ENVIRONMENT_NAME.match(args.environment):
        return _usage_error(f"--environment {args.environment!r} must match {ENVIRONMENT_NAME.pattern}")
    files, missing = discover(paths)
    if missing:
        return _usage_error("no such file or directory: " + ", ".join(str(p) for p in missing))
    if not files:
        return _usage_error("no manifests (*.yaml, *.yml) found in " + ", ".join(str(p) for p in paths))
    result = check_files(files, args.environment)
    RENDERERS[args.format](result, sys.stdout)
    if args.format == "text":
        print(_summary(result), file=sys.stderr)
    return exit_status(result, strict=args.strict)
