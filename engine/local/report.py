"""Local mode's report: text for people, JSON per the DESIGN.md contract; and a progress bar."""

from __future__ import annotations

import json
import sys
import time
from typing import Any, TextIO

from engine.local.session import PipelineResult, RunResult


def pipeline_json(result: PipelineResult) -> dict[str, Any]:
    return {
        "game": result.game,
        "pipeline": result.pipeline,
        "sent": result.sent,
        "applied": result.applied,
        "ignored": result.ignored,
        "dead_lettered": result.dead_lettered,
        "deduplicated": result.deduplicated,
        "top": result.top,
        # Extensions of the contract (additive):
        "board": result.board,
        "redriven": result.redriven,
        "unaccounted": result.unaccounted,
        "invocations": result.details.invocations,
        "invocation_errors": result.details.invocation_errors,
        "transient_failures": result.details.transient_failures,
    }


def to_json(result: RunResult) -> str:
    document = {
        "pipelines": [pipeline_json(p) for p in result.pipelines],
        "elapsed_s": round(result.elapsed_s, 3),
        "events_per_s": round(result.events_per_s, 1),
        "setup_s": round(result.setup_s, 3),
        "ok": result.ok,
        "notes": result.notes,
    }
    return json.dumps(document, indent=2)


def _pipeline_text(result: PipelineResult) -> list[str]:
    status = "ok" if result.unaccounted == 0 else f"UNACCOUNTED {result.unaccounted}"
    lines = [
        f"{result.game}/{result.pipeline}: sent {result.sent}, applied {result.applied}, "
        f"ignored {result.ignored}, dead_lettered {result.dead_lettered} "
        f"(redriven {result.redriven}), deduplicated {result.deduplicated}: {status}",
        f"  top {len(result.top)} of {result.board}:",
    ]
    width = max((len(str(entry["player_id"])) for entry in result.top), default=0)
    for rank, entry in enumerate(result.top, start=1):
        lines.append(f"  {rank:>4}  {entry['player_id']!s:<{width}}  {entry['score']}")
    if not result.top:
        lines.append("     (empty)")
    if result.details.errors:
        lines.append(
            f"  invocation errors: {result.details.invocation_errors}; first: {result.details.errors[0]}"
        )
    return lines


def to_text(result: RunResult) -> str:
    lines: list[str] = []
    for pipeline in result.pipelines:
        lines.extend(_pipeline_text(pipeline))
        lines.append("")
    lines.append(
        f"{result.sent} events in {result.elapsed_s:.1f} s ({result.events_per_s:.1f} events/s); "
        f"emulator, deploy and function start took {result.setup_s:.1f} s"
    )
    lines.extend(f"note: {note}" for note in result.notes)
    return "\n".join(lines)


class ProgressBar:
    """`done/total` on stderr: redrawn in place on a terminal, else a line every few seconds.

    Nothing is shown during the first `quiet_s` seconds, so short runs stay silent.
    """

    def __init__(self, stream: TextIO | None = None, quiet_s: float = 2.0, every_s: float = 5.0) -> None:
        self._stream = stream or sys.stderr
        self._tty = self._stream.isatty()
        self._started: float | None = None
        self._quiet_s = quiet_s
        self._every_s = every_s
        self._last_line = 0.0
        self._drawn = False

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if self._started is None:
            self._started = now  # count from the first report: traffic, not setup
        if now - self._started < self._quiet_s:
            return
        if self._tty:
            filled = int(30 * done / total) if total else 30
            self._stream.write(f"\r[{'#' * filled}{'.' * (30 - filled)}] {done}/{total} events")
            self._drawn = True
        elif now - self._last_line >= self._every_s:
            self._stream.write(f"processed {done}/{total} events\n")
            self._last_line = now
        self._stream.flush()

    def finish(self) -> None:
        if self._drawn:
            self._stream.write("\n")
            self._stream.flush()
