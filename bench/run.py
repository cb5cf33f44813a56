"""Side-by-side benchmarks: `python bench/run.py [--quick] [--json] [--only NAMES]`.

synth (engine vs a hand-written pulumi_aws program, same mocks), validate (leaderboard
validate vs check-jsonschema), processor (our handler vs a naive one, same moto DynamoDB) and
cold_import (both handler modules in a fresh interpreter). The compared programs run in the
same run, alternating, several repetitions; medians are reported. See docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as `python bench/run.py`: make `bench` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import cold_import, processor, report, synth, validate

BENCHMARKS = ("synth", "validate", "processor", "cold_import")


@dataclass(frozen=True)
class Sizes:
    pipelines: int
    synth_repetitions: int
    scaling_repetitions: int
    manifests: int
    validate_repetitions: int
    messages: int
    processor_repetitions: int
    import_repetitions: int


QUICK = Sizes(5, 3, 1, 20, 5, 200, 3, 9)
FULL = Sizes(10, 7, 3, 100, 7, 1000, 5, 21)


def runners(sizes: Sizes, args: argparse.Namespace) -> dict[str, Callable[[], Any]]:
    scenario = processor.Scenario(windows=tuple(args.processor_windows.split(",")))
    return {
        "synth": lambda: synth.run(sizes.pipelines, sizes.synth_repetitions, sizes.scaling_repetitions),
        "validate": lambda: validate.run(sizes.manifests, sizes.validate_repetitions),
        "processor": lambda: processor.run(
            sizes.messages, sizes.processor_repetitions, scenario, args.processor_emulator
        ),
        "cold_import": lambda: cold_import.run(sizes.import_repetitions),
    }


WINDOWS = ("all-time", "daily", "weekly", "monthly")


def windows_list(text: str) -> str:
    chosen = [w.strip() for w in text.split(",")]
    unknown = [w for w in chosen if w not in WINDOWS]
    if unknown or len(set(chosen)) != len(chosen):
        raise argparse.ArgumentTypeError(f"expected distinct windows out of {', '.join(WINDOWS)}")
    return ",".join(chosen)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="bench/run.py",
        description="Run the side-by-side benchmarks (ours vs the baseline, alternating, medians) and "
        "print a table, or with --json one JSON object. See docs/benchmarks.md.",
    )
    parser.add_argument(
        "--quick", action="store_true", help="small sizes, finishes within 3 minutes on 2 cores"
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of the table")
    parser.add_argument(
        "--only",
        default=",".join(BENCHMARKS),
        metavar="NAMES",
        help="comma-separated subset of " + ", ".join(BENCHMARKS),
    )
    parser.add_argument(
        "--processor-emulator",
        choices=processor.PLACEMENTS,
        default="server",
        help="moto as a server process (default: DynamoDB's work off the handler's clock) or in-process",
    )
    parser.add_argument(
        "--processor-windows",
        type=windows_list,
        default="all-time",
        metavar="WINDOWS",
        help="the processor's boards (default all-time: one board per message, as the baseline"
        " writes one item); e.g. all-time,daily,weekly to see the calls per board update with several boards",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    selected = [name.strip() for name in args.only.split(",") if name.strip()]
    unknown = sorted(set(selected) - set(BENCHMARKS))
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(unknown)}")
    sizes = QUICK if args.quick else FULL
    available = runners(sizes, args)
    results: dict[str, Any] = {}
    for name in BENCHMARKS:
        if name in selected:
            started = time.perf_counter()
            try:
                results[name] = available[name]()
            except RuntimeError as failure:  # a worker failed: say which benchmark, no traceback
                print(f"bench/run.py: {name} failed: {failure}", file=sys.stderr)
                return 1
            print(f"{name}: done in {time.perf_counter() - started:.1f}s", file=sys.stderr)
    if args.json:
        print(json.dumps({name: result.as_json() for name, result in results.items()}))
    else:
        print(report.table(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
