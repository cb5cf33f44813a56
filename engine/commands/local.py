"""`leaderboard local`: the whole pipeline on an embedded AWS emulator (see docs/local-mode.md)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2


def _usage_error(args: argparse.Namespace) -> str | None:
    if args.events_file is None and args.events < 0:
        return "--events must be 0 or more"
    if not 0.0 <= args.poison_rate <= 0.5:
        return "--poison-rate must be between 0 and 0.5"
    if args.events_file is not None and not Path(args.events_file).is_file():
        return f"--events-file {args.events_file}: no such file"
    return None


def run(args: argparse.Namespace) -> int:
    problem = _usage_error(args)
    if problem:
        print(f"leaderboard local: error: {problem}", file=sys.stderr)
        return EXIT_USAGE
    # Imported here: moto, boto3 and Pulumi are heavy, and only this command needs them.
    from engine.local.report import ProgressBar, to_json, to_text
    from engine.local.session import LocalModeError, LocalOptions, run_local

    progress = ProgressBar()
    options = LocalOptions(
        manifests=Path(args.manifests),
        environment=args.environment,
        events=args.events,
        events_file=Path(args.events_file) if args.events_file else None,
        poison_rate=args.poison_rate,
        seed=args.seed,
        progress=progress,
    )
    try:
        result = run_local(options)
    except LocalModeError as error:
        progress.finish()
        print(f"leaderboard local: error: {error}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        progress.finish()
        print("leaderboard local: interrupted", file=sys.stderr)
        return 130
    progress.finish()
    print(to_json(result) if args.json else to_text(result))
    if not result.ok:
        unaccounted = sum(p.unaccounted for p in result.pipelines)
        print(f"leaderboard local: error: {unaccounted} event(s) unaccounted for", file=sys.stderr)
        return EXIT_FAILED
    return EXIT_OK
