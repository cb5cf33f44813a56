"""`leaderboard schema [--event]`: print the manifest JSON Schema (or the score event's)."""

from __future__ import annotations

import argparse
import sys

from engine.schema import EVENT_SCHEMA, MANIFEST_SCHEMA


def run(args: argparse.Namespace) -> int:
    path = EVENT_SCHEMA if args.event else MANIFEST_SCHEMA
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        print(f"leaderboard schema: error: cannot read {path}: {error.strerror}", file=sys.stderr)
        return 1
    sys.stdout.write(text if text.endswith("\n") else text + "\n")
    return 0
