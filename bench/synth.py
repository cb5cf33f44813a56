"""synth: the engine synthesizing N pipelines vs the hand-written baseline program, same mocks.

Every measurement runs in a fresh interpreter (`python -m bench.synth <side> ...`): Pulumi
keeps runtime state and garbage across runs in one process, which slowed a second run in the
same process by 2x in our trials and would have favoured whichever side ran first. Inside the
worker only the synthesis is timed; the imports of pulumi and the pulumi_aws modules used
(common to both) and of the engine's own modules happen before the clock starts (`import_s`
reports the latter).
The clock is the process's CPU time (all threads): synthesis under mocks is CPU-bound, so on
an idle machine it equals wall-clock, and on a busy one it does not count the neighbours.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench import timing, workload
from bench.subprocess_json import run_worker

SIDES = ("engine", "baseline")
COMMON_MODULES = (
    "pulumi",
    "pulumi_aws",
    "pulumi_aws.cloudwatch",
    "pulumi_aws.dynamodb",
    "pulumi_aws.iam",
    "pulumi_aws.lambda_",
    "pulumi_aws.sqs",
)
# What `engine.program.main` imports lazily: one-off costs, imported before the clock starts.
ENGINE_LAZY_MODULES = ("engine.assets", "engine.manifest", "engine.pipeline", "engine.program")


@dataclass(frozen=True)
class SynthSample:
    seconds: float
    import_s: float
    resource_types: dict[str, int]


@dataclass(frozen=True)
class SynthResult:
    pipelines: int
    engine_s: float
    baseline_s: float
    ratio: float
    scaling: float
    engine_10n_s: float
    baseline_10n_s: float
    baseline_scaling: float
    engine_import_s: float
    resources_per_pipeline: float

    def as_json(self) -> dict[str, Any]:
        return {
            "pipelines": self.pipelines,
            "engine_s": round(self.engine_s, 4),
            "baseline_s": round(self.baseline_s, 4),
            "ratio": self.ratio,
            "scaling": self.scaling,
        }


def measure(side: str, pipelines: int, manifests: Path) -> SynthSample:
    """One synthesis of `pipelines` pipelines by `side`, in a fresh interpreter."""
    data = run_worker("bench.synth", [side, str(pipelines), str(manifests)])
    return SynthSample(data["seconds"], data["import_s"], data["resource_types"])


def aws_resource_types(sample: SynthSample) -> dict[str, int]:
    """The sample's AWS resources by type (the engine's own components left out)."""
    return {t: n for t, n in sample.resource_types.items() if t.startswith("aws:")}


def run(pipelines: int, repetitions: int, scaling_repetitions: int) -> SynthResult:
    with tempfile.TemporaryDirectory(prefix="bench-synth-") as temp:
        small, large = Path(temp) / "n", Path(temp) / "10n"
        workload.write_manifests(small, workload.generate(pipelines))
        workload.write_manifests(large, workload.generate(10 * pipelines))
        samples: dict[str, list[SynthSample]] = {}

        def measurement(side: str, count: int, directory: Path) -> Callable[[], float]:
            def once() -> float:
                sample = measure(side, count, directory)
                samples.setdefault(f"{side}-{count}", []).append(sample)
                return sample.seconds

            return once

        n = timing.alternate({s: measurement(s, pipelines, small) for s in SIDES}, repetitions)
        big = timing.alternate({s: measurement(s, 10 * pipelines, large) for s in SIDES}, scaling_repetitions)
    _check_same_resources(samples[f"engine-{pipelines}"][0], samples[f"baseline-{pipelines}"][0])
    engine_s, baseline_s = timing.median(n["engine"]), timing.median(n["baseline"])
    engine_10n, baseline_10n = timing.median(big["engine"]), timing.median(big["baseline"])
    engine_samples = samples[f"engine-{pipelines}"]
    return SynthResult(
        pipelines=pipelines,
        engine_s=engine_s,
        baseline_s=baseline_s,
        ratio=timing.ratio(engine_s, baseline_s),
        scaling=timing.ratio(engine_10n, engine_s),
        engine_10n_s=engine_10n,
        baseline_10n_s=baseline_10n,
        baseline_scaling=timing.ratio(baseline_10n, baseline_s),
        engine_import_s=timing.median([s.import_s for s in engine_samples]),
        resources_per_pipeline=sum(aws_resource_types(engine_samples[0]).values()) / pipelines,
    )


def _check_same_resources(engine: SynthSample, baseline: SynthSample) -> None:
    """The comparison is only fair if both register the same AWS resources."""
    ours, theirs = aws_resource_types(engine), aws_resource_types(baseline)
    if ours != theirs:
        raise RuntimeError(f"baseline program is out of date: engine registers {ours}, baseline {theirs}")


# -- the worker (runs in a fresh interpreter) ---------------------------------------------------


def _worker(side: str, pipelines: int, manifests: Path) -> dict[str, Any]:
    # Common to both sides, so imported before the clock: pulumi, and the pulumi_aws modules of
    # the 12 resource types (pulumi_aws loads them lazily, on first use, ~0.2 s).
    for module in COMMON_MODULES:
        importlib.import_module(module)

    started = time.process_time()
    from engine.plan import PlanMocks, run_isolated, stack_config, synthesize

    if side == "engine":
        for module in ENGINE_LAZY_MODULES:
            importlib.import_module(module)
    else:
        from bench import baseline_program
    import_s = time.process_time() - started
    mocks = PlanMocks(region=workload.REGION)
    if side == "engine":
        started = time.process_time()
        synthesize(manifests, workload.ENVIRONMENT, workload.REGION, mocks)
        seconds = time.process_time() - started
    else:
        config = stack_config(manifests, workload.ENVIRONMENT, workload.REGION)
        started = time.process_time()
        specs = workload.generate(pipelines)
        run_isolated(lambda: baseline_program.program(specs), config, workload.ENVIRONMENT, mocks)
        seconds = time.process_time() - started
    types = Counter(r.type for r in mocks.resources)
    return {"seconds": seconds, "import_s": import_s, "resource_types": dict(sorted(types.items()))}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.synth", description="one synth measurement")
    parser.add_argument("side", choices=SIDES)
    parser.add_argument("pipelines", type=int)
    parser.add_argument("manifests", type=Path)
    args = parser.parse_args(argv)
    print(json.dumps(_worker(args.side, args.pipelines, args.manifests)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
