"""The human-readable table: every figure, the goal it is held to, and whether it is met."""

from __future__ import annotations

import os
import platform
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

Results = dict[str, Any]


@dataclass(frozen=True)
class Goal:
    benchmark: str
    figure: str
    limit: float

    def met(self, results: Results) -> bool | None:
        section = results.get(self.benchmark)
        if section is None:
            return None
        return bool(section.as_json()[self.figure] <= self.limit)


GOALS = (
    Goal("synth", "ratio", 1.10),
    Goal("synth", "scaling", 11.0),
    Goal("validate", "ratio", 1.0),
    Goal("processor", "ratio", 1.0),
    Goal("processor", "dynamodb_calls_per_board_update", 1.0),
    Goal("cold_import", "ratio", 1.2),
)


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def _us(seconds: float) -> str:
    return f"{seconds * 1e6:.0f} us"


def _synth(r: Any) -> list[str]:
    return [
        f"synth        {r.pipelines} pipelines ({r.resources_per_pipeline:.0f} AWS resources each),"
        " same PlanMocks, CPU of the synthesis",
        f"  engine {_ms(r.engine_s)}  baseline {_ms(r.baseline_s)}  ratio {r.ratio:.3f}",
        f"  {10 * r.pipelines} pipelines: engine {_ms(r.engine_10n_s)} (scaling {r.scaling:.2f}),"
        f" baseline {_ms(r.baseline_10n_s)} (scaling {r.baseline_scaling:.2f}),"
        f" ratio {r.engine_10n_s / r.baseline_10n_s:.3f}",
        f"  engine module imports before synthesis (one-off, not in engine_s): {_ms(r.engine_import_s)}",
    ]


def _validate(r: Any) -> list[str]:
    return [
        f"validate     {r.files} manifests ({r.pipelines_per_file} pipelines each),"
        " CPU of the processes incl. start-up",
        f"  leaderboard validate {_ms(r.ours_s)}  check-jsonschema {_ms(r.check_jsonschema_s)}"
        f"  ratio {r.ratio:.3f}",
    ]


def _processor(r: Any) -> list[str]:
    return [
        f"processor    {r.messages} messages in batches of 10, moto DynamoDB ({r.emulator}),"
        " handler CPU per message",
        f"  ours {_us(r.ours_cpu_s_per_msg)}  baseline {_us(r.baseline_cpu_s_per_msg)}  ratio {r.ratio:.3f}",
        f"  DynamoDB calls per board update {r.dynamodb_calls_per_board_update:.3f}"
        f"  (ours {r.ours_calls}, baseline {r.baseline_calls})",
    ]


def _cold_import(r: Any) -> list[str]:
    return [
        "cold_import  fresh interpreter, CPU of the import only",
        f"  processor.handler {_ms(r.ours_s)}  baseline_handler {_ms(r.baseline_s)}  ratio {r.ratio:.3f}",
    ]


SECTIONS: dict[str, Callable[[Any], list[str]]] = {
    "synth": _synth,
    "validate": _validate,
    "processor": _processor,
    "cold_import": _cold_import,
}


def cpu_model(cpuinfo: Path = Path("/proc/cpuinfo")) -> str:
    try:
        for line in cpuinfo.read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def machine() -> str:
    """What the figures were measured on (they mean little without it)."""
    return (
        f"machine: {os.cpu_count()} CPUs ({cpu_model()}), Python {platform.python_version()},"
        f" {platform.system()} {platform.release()}"
    )


def table(results: Results, notes: tuple[str, ...] = ()) -> str:
    lines: list[str] = [machine(), *notes, ""]
    for name, render in SECTIONS.items():
        if name in results:
            lines.extend(render(results[name]))
    lines.append("")
    lines.append("goal                                           value    limit  status")
    for goal in GOALS:
        met = goal.met(results)
        if met is None:
            continue
        value = results[goal.benchmark].as_json()[goal.figure]
        status = "met" if met else "MISSED"
        lines.append(f"{goal.benchmark + '.' + goal.figure:<45} {value:>7.3f} {goal.limit:>7.2f}  {status}")
    return "\n".join(lines)
