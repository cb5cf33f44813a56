"""`leaderboard plan`: what the Pulumi program would create, computed offline under mocks.

Exit 0 with the plan on stdout; 1 when a manifest is invalid (the same diagnostics as
`leaderboard validate`, on stderr, and nothing on stdout); 2 for usage errors.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

EXIT_OK = 0
EXIT_INVALID = 1
EXIT_USAGE = 2


def _usage_error(message: str) -> int:
    print(f"leaderboard plan: error: {message}", file=sys.stderr)
    return EXIT_USAGE


def run(args: argparse.Namespace) -> int:
    from engine.model import ENVIRONMENT_NAME
    from engine.plan import Plan, synthesize
    from engine.plan_render import render_json, render_mermaid, render_table
    from engine.program import ManifestError, StackConfigError

    renderers: dict[str, Callable[[Plan], str]] = {
        "json": render_json,
        "table": render_table,
        "mermaid": render_mermaid,
    }
    manifests = Path(args.manifests)
    if not manifests.exists():
        return _usage_error(f"no such file or directory: {manifests}")
    if not ENVIRONMENT_NAME.match(args.environment):
        return _usage_error(f"--environment {args.environment!r} must match {ENVIRONMENT_NAME.pattern}")
    try:
        plan = synthesize(manifests, args.environment, args.region)
    except ManifestError as error:
        for diagnostic in error.diagnostics:
            print(diagnostic.format_text(), file=sys.stderr)
        print(f"leaderboard plan: {len(error.diagnostics)} error(s), nothing planned", file=sys.stderr)
        return EXIT_INVALID
    except StackConfigError as error:
        return _usage_error(str(error))
    sys.stdout.write(renderers[args.format](plan))
    return EXIT_OK
