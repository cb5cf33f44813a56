"""cold_import: a fresh interpreter importing each handler module (a Lambda cold start's init).

Each sample is a new `python -c` process that times only the import, in CPU seconds (start-up
of the interpreter itself is the same for both and left out). Both see the same environment
variables, which both handlers read at import; bytecode caches are warm (one unmeasured run
first), as they are for the installed Powertools and boto3.
"""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from functools import partial
from typing import Any

from bench import timing
from bench.processor import Scenario
from bench.subprocess_json import REPO, worker_environment

MODULES = {"ours": ("lambda", "processor.handler"), "baseline": ("bench", "baseline_handler")}
DUMMY_DLQ_URL = "https://sqs.us-east-1.amazonaws.com/123456789012/bench-game-main-dev-dlq.fifo"


@dataclass(frozen=True)
class ColdImportResult:
    ours_s: float
    baseline_s: float
    ratio: float

    def as_json(self) -> dict[str, Any]:
        return {"ours_s": round(self.ours_s, 4), "baseline_s": round(self.baseline_s, 4), "ratio": self.ratio}


def _script(path_entry: str, module: str) -> str:
    return (
        "import sys, time\n"
        f"sys.path.insert(0, {str(REPO / path_entry)!r})\n"
        "started = time.process_time()\n"
        f"import {module}\n"
        "print(time.process_time() - started)\n"
    )


def import_seconds(side: str) -> float:
    path_entry, module = MODULES[side]
    completed = subprocess.run(
        [sys.executable, "-c", _script(path_entry, module)],
        cwd=REPO,
        env=worker_environment(Scenario().environment(DUMMY_DLQ_URL)),
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode != 0:
        raise RuntimeError(f"importing {module} failed:\n{completed.stderr[-3000:]}")
    return float(completed.stdout.strip().splitlines()[-1])


def run(repetitions: int) -> ColdImportResult:
    for side in MODULES:  # write bytecode caches; not measured
        import_seconds(side)
    samples = timing.alternate({side: partial(import_seconds, side) for side in MODULES}, repetitions)
    ours, baseline = timing.median(samples["ours"]), timing.median(samples["baseline"])
    return ColdImportResult(ours_s=ours, baseline_s=baseline, ratio=timing.ratio(ours, baseline))
