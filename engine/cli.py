"""`leaderboard validate | plan | schema | local`: argument parsing and dispatch only.

Each subcommand lives in `engine.commands.<name>` and is imported only when chosen, so
start-up stays light (validation must not import Pulumi).
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from engine import __version__

EXIT_OK = 0
EXIT_INVALID = 1
EXIT_USAGE = 2

_MANIFESTS_HELP = "directory of game manifests (default: %(default)s)"
_ENVIRONMENT_HELP = "environment: overlays and physical names (default: %(default)s)"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="leaderboard",
        description="Generate, preview and run AWS leaderboard pipelines from YAML manifests.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    _add_validate(commands)
    _add_plan(commands)
    _add_schema(commands)
    _add_local(commands)
    return parser


def _add_validate(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = commands.add_parser(
        "validate",
        help="check manifests against the schema and the semantic rules",
        description="Check manifests (files or directories; default manifests/) and report every "
        "problem as file:line:col diagnostics. Exit 0 valid, 1 invalid, 2 usage error.",
    )
    p.add_argument("paths", nargs="*", metavar="PATH", help="manifest files or directories")
    p.add_argument("--format", choices=("text", "json", "github"), default="text")
    p.add_argument("--strict", action="store_true", help="warnings also make the exit status 1")
    p.add_argument(
        "--environment",
        default=None,
        help="check only this environment (the base with its overlay merged in); "
        "default: the base and every overlay the file declares",
    )


def _add_plan(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = commands.add_parser(
        "plan",
        help="show every resource the Pulumi program would create (offline, no account)",
        description="Run the real Pulumi program under mocks and print the resources it registers.",
    )
    p.add_argument("--manifests", default="manifests", metavar="DIR", help=_MANIFESTS_HELP)
    p.add_argument("--environment", default="dev", metavar="ENV", help=_ENVIRONMENT_HELP)
    p.add_argument(
        "--region",
        default="us-east-1",
        metavar="REGION",
        help="AWS region of the ARNs (default: %(default)s)",
    )
    p.add_argument(
        "--format",
        choices=("table", "json", "mermaid"),
        default="table",
        help="table for people, json per the plan contract, mermaid per pipeline (default: %(default)s)",
    )


def _add_schema(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = commands.add_parser("schema", help="print the manifest JSON Schema (or the score event's)")
    p.add_argument("--event", action="store_true", help="print the score-event schema instead")


def _add_local(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = commands.add_parser(
        "local",
        help="deploy into an embedded AWS emulator and run traffic through every pipeline",
        description="Start moto on 127.0.0.1, deploy the plan into it, send score events, poll "
        "each queue like Lambda's event source mapping and report what happened to every event.",
    )
    p.add_argument("--manifests", default="manifests", metavar="DIR", help=_MANIFESTS_HELP)
    p.add_argument("--environment", default="dev", metavar="ENV", help=_ENVIRONMENT_HELP)
    source = p.add_mutually_exclusive_group()
    source.add_argument(
        "--events",
        type=int,
        default=1000,
        metavar="N",
        help="generated events in all, split evenly across the pipelines (default: %(default)s)",
    )
    source.add_argument(
        "--events-file",
        default=None,
        metavar="F.jsonl",
        help='replay these score events, one per line; an optional "pipeline" field routes one',
    )
    p.add_argument(
        "--poison-rate",
        type=float,
        default=0.01,
        metavar="R",
        help="share of generated events that are invalid (default: %(default)s)",
    )
    p.add_argument(
        "--seed",
        type=int,
        default=7,
        metavar="S",
        help="seed of the generated traffic (default: %(default)s)",
    )
    p.add_argument("--json", action="store_true", help="print the report as JSON")


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    command = importlib.import_module(f"engine.commands.{args.command}")
    status: int = command.run(args)
    return status


if __name__ == "__main__":
    sys.exit(main())
