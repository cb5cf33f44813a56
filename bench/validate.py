"""validate: `leaderboard validate` vs `check-jsonschema` on the same generated manifests.

Both run as processes of the same interpreter (`python -m ...`), start-up included, as a
pre-commit hook would run them. check-jsonschema does only the schema check; ours also runs the
semantic rules and keeps line/column positions.
"""

from __future__ import annotations

import resource
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from bench import timing, workload
from bench.subprocess_json import REPO, worker_environment

SCHEMA = REPO / "schemas" / "manifest.schema.json"


@dataclass(frozen=True)
class ValidateResult:
    files: int
    pipelines_per_file: int
    ours_s: float
    check_jsonschema_s: float
    ratio: float

    def as_json(self) -> dict[str, Any]:
        return {
            "files": self.files,
            "ours_s": round(self.ours_s, 4),
            "check_jsonschema_s": round(self.check_jsonschema_s, 4),
            "ratio": self.ratio,
        }


def commands(files: list[Path]) -> dict[str, list[str]]:
    names = [str(f) for f in files]
    return {
        "ours": [sys.executable, "-m", "engine.cli", "validate", *names],
        "check_jsonschema": [sys.executable, "-m", "check_jsonschema", "--schemafile", str(SCHEMA), *names],
    }


def _children_cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed_run(command: list[str]) -> float:
    """CPU seconds (user + system) of one run, start-up included.

    CPU time rather than wall-clock: on a shared 2-core machine a neighbour's burst would
    otherwise land on whichever side happened to run then; on an idle machine the two agree
    (both validators are single-threaded and barely wait on I/O).
    A failing run is a broken benchmark, not a slow one.
    """
    started = _children_cpu_s()
    completed = subprocess.run(command, cwd=REPO, env=worker_environment(), capture_output=True, text=True)
    elapsed = _children_cpu_s() - started
    if completed.returncode != 0:
        raise RuntimeError(
            f"{' '.join(command[:5])} ... exited {completed.returncode}:\n{completed.stdout[-2000:]}"
            f"{completed.stderr[-2000:]}"
        )
    return elapsed


def run(files: int, repetitions: int) -> ValidateResult:
    with tempfile.TemporaryDirectory(prefix="bench-validate-") as temp:
        paths = workload.write_manifests(Path(temp), workload.generate(files * workload.PIPELINES_PER_GAME))
        runs = commands(paths)
        for command in runs.values():  # warm the OS file cache and .pyc files; not measured
            timed_run(command)
        samples = timing.alternate(
            {side: partial(timed_run, command) for side, command in runs.items()}, repetitions
        )
    ours, theirs = timing.median(samples["ours"]), timing.median(samples["check_jsonschema"])
    return ValidateResult(
        files=files,
        pipelines_per_file=workload.PIPELINES_PER_GAME,
        ours_s=ours,
        check_jsonschema_s=theirs,
        ratio=timing.ratio(ours, theirs),
    )
