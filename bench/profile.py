"""Where the time goes: `python -m bench.profile synth|processor SIDE SIZE [--top K]`.

cProfile with a CPU-time clock, started inside the code that does the work (the synthesis runs
in `engine.plan`'s own thread; the processor waits on the moto server), printed by cumulative
time. Diagnostic only: cProfile's overhead inflates call-heavy code, so use the benchmark
itself, not this, for figures.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bench import workload
from bench.subprocess_json import worker_environment

Profiled = Callable[..., Any]


def _profiled(function: Profiled, profile: cProfile.Profile) -> Profiled:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        profile.enable()
        try:
            return function(*args, **kwargs)
        finally:
            profile.disable()

    return wrapper


def profile_synth(side: str, pipelines: int, profile: cProfile.Profile) -> None:
    import engine.program
    from bench import baseline_program
    from engine.plan import PlanMocks, run_isolated, stack_config, synthesize

    specs = workload.generate(pipelines)
    with tempfile.TemporaryDirectory(prefix="bench-profile-") as temp:
        manifests = Path(temp)
        workload.write_manifests(manifests, specs)
        if side == "engine":
            engine.program.main = _profiled(engine.program.main, profile)
            synthesize(manifests, workload.ENVIRONMENT, workload.REGION, PlanMocks())
        else:
            config = stack_config(manifests, workload.ENVIRONMENT, workload.REGION)
            program = _profiled(lambda: baseline_program.program(specs), profile)
            run_isolated(program, config, workload.ENVIRONMENT, PlanMocks())


@contextmanager
def _fake_aws_environment() -> Iterator[None]:
    """The benchmark workers' fake AWS settings, so boto3 never looks for real credentials."""
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(worker_environment())
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def profile_processor(side: str, messages: int, profile: cProfile.Profile) -> None:
    from bench import processor

    processor.SIDES = (side,)  # type: ignore[assignment]
    processor._Runs.once = _profiled(processor._Runs.once, profile)  # type: ignore[method-assign]
    real_stdout = processor._silence_stdout()
    try:
        with _fake_aws_environment():
            processor._worker(messages, 1, processor.Scenario(), "server")
    finally:
        os.dup2(real_stdout, 1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.profile", description=__doc__.splitlines()[0])
    parser.add_argument("benchmark", choices=("synth", "processor"))
    parser.add_argument("side", choices=("engine", "ours", "baseline"))
    parser.add_argument("size", type=int, help="pipelines (synth) or messages (processor)")
    parser.add_argument("--top", type=int, default=40)
    args = parser.parse_args(argv)
    profile = cProfile.Profile(time.process_time)
    if args.benchmark == "synth":
        profile_synth("baseline" if args.side == "baseline" else "engine", args.size, profile)
    else:
        profile_processor("baseline" if args.side == "baseline" else "ours", args.size, profile)
    pstats.Stats(profile, stream=sys.stdout).sort_stats("cumulative").print_stats(args.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
