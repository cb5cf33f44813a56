"""The processor's code asset: `lambda/processor` plus the score-event schema.

The archive root holds the package `processor/` (every `*.py` file, no caches) and
`processor/score-event.schema.json`, copied at build time from `schemas/` so the schema has
one source of truth. Handler: `processor.handler.lambda_handler`.
"""

from __future__ import annotations

from pathlib import Path

import pulumi

PROJECT_ROOT = Path(__file__).resolve().parent.parent
PROCESSOR_SOURCE = PROJECT_ROOT / "lambda" / "processor"
SCORE_EVENT_SCHEMA = PROJECT_ROOT / "schemas" / "score-event.schema.json"
PACKAGE = "processor"
HANDLER = f"{PACKAGE}.handler.lambda_handler"
SCHEMA_NAME_IN_ARCHIVE = f"{PACKAGE}/score-event.schema.json"


def processor_files(source: Path = PROCESSOR_SOURCE, schema: Path = SCORE_EVENT_SCHEMA) -> dict[str, Path]:
    """Archive path -> file on disk, sorted, for every file the function needs."""
    files = {
        f"{PACKAGE}/{path.relative_to(source).as_posix()}": path
        for path in source.rglob("*.py")
        if "__pycache__" not in path.relative_to(source).parts
    }
    files[SCHEMA_NAME_IN_ARCHIVE] = schema
    return dict(sorted(files.items()))


def processor_archive(
    source: Path = PROCESSOR_SOURCE, schema: Path = SCORE_EVENT_SCHEMA
) -> pulumi.AssetArchive:
    """The Lambda code as a Pulumi archive (zipped by the engine at deploy time)."""
    assets: dict[str, pulumi.Asset | pulumi.Archive] = {
        name: pulumi.FileAsset(str(path)) for name, path in processor_files(source, schema).items()
    }
    return pulumi.AssetArchive(assets)
