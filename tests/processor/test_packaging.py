"""The Lambda archive layout: `processor/` at the root with the schema bundled, nothing from `engine`."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from processor_helpers import processor_environment

REPO = Path(__file__).resolve().parents[2]

# Imports the handler the way Lambda does (handler string processor.handler.lambda_handler) and
# reports what it found; sys.path holds the archive root and site-packages only (no repo).
PROBE = """
import json, sys
sys.path = [p for p in sys.path if not p.startswith(sys.argv[2])]
sys.path.insert(0, sys.argv[1])
import processor.handler as handler
from processor.validation import schema_path
print(json.dumps({
    "handler": callable(handler.lambda_handler),
    "schema": str(schema_path()),
    "engine_imported": any(name == "engine" or name.startswith("engine.") for name in sys.modules),
    "xray_imported": "aws_xray_sdk" in sys.modules,
}))
"""


def _probe(archive_root: Path, **overrides: str) -> dict[str, object]:
    environment = {
        **os.environ,
        **processor_environment("https://sqs.us-east-1.amazonaws.com/123456789012/dlq.fifo", **overrides),
    }
    environment.pop("PYTHONPATH", None)
    completed = subprocess.run(
        [sys.executable, "-c", PROBE, str(archive_root), str(REPO)],
        env=environment,
        cwd=archive_root,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    result: dict[str, object] = json.loads(completed.stdout.strip().splitlines()[-1])
    return result


def _build_archive(root: Path) -> Path:
    """What the engine's asset builder produces (the build contract in docs/processor.md)."""
    package = root / "processor"
    shutil.copytree(REPO / "lambda" / "processor", package, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(REPO / "schemas" / "score-event.schema.json", package / "score-event.schema.json")
    return root


def test_the_archive_imports_on_its_own_with_the_bundled_schema(tmp_path: Path) -> None:
    archive = _build_archive(tmp_path)

    result = _probe(archive)

    assert result == {
        "handler": True,
        "schema": str(archive / "processor" / "score-event.schema.json"),
        "engine_imported": False,
        "xray_imported": False,  # tracing off: the X-Ray SDK is not even imported
    }


def test_tracing_loads_the_tracer_only_when_enabled(tmp_path: Path) -> None:
    result = _probe(_build_archive(tmp_path), LB_TRACING="true", POWERTOOLS_TRACE_DISABLED="false")

    assert result["xray_imported"] is True


def test_a_checkout_falls_back_to_the_repository_schema() -> None:
    from processor.validation import schema_path

    assert schema_path() == REPO / "schemas" / "score-event.schema.json"
