"""Zip a Pulumi code archive (the `code` input of a Lambda function) exactly as deployed.

Under mocks the function's `code` input arrives as the `pulumi.AssetArchive` the program built.
This module turns it into zip bytes the way the provider would upload it: every asset at its
archive path, directories (`FileArchive` of a folder) expanded recursively. Entries are sorted
and dated 1980-01-01 so the same sources always give the same CodeSha256.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import Any

import pulumi

_FIXED_DATE = (1980, 1, 1, 0, 0, 0)


class ArchiveError(ValueError):
    """The code input cannot be zipped (unsupported asset kind, missing file)."""


def _files(key: str, value: Any) -> Iterator[tuple[str, bytes]]:
    if isinstance(value, pulumi.StringAsset):
        yield key, value.text.encode()
    elif isinstance(value, pulumi.FileAsset):
        yield key, _read(Path(value.path))
    elif isinstance(value, pulumi.AssetArchive):
        for child_key, child in value.assets.items():
            yield from _files(str(PurePosixPath(key, child_key)) if key else child_key, child)
    elif isinstance(value, pulumi.FileArchive):
        yield from _directory_or_zip(key, Path(value.path))
    else:
        raise ArchiveError(f"unsupported code asset {type(value).__name__} at {key or '/'!r}")


def _directory_or_zip(key: str, path: Path) -> Iterator[tuple[str, bytes]]:
    if path.is_dir():
        for file in sorted(p for p in path.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
            yield str(PurePosixPath(key, file.relative_to(path).as_posix())), file.read_bytes()
    elif zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as source:
            for name in source.namelist():
                if not name.endswith("/"):
                    yield str(PurePosixPath(key, name)), source.read(name)
    else:
        raise ArchiveError(f"code archive path {path} is neither a directory nor a zip file")


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise ArchiveError(f"code asset {path}: {error.strerror}") from error


def zip_code(code: Any) -> bytes:
    """The zip file (bytes) Lambda would receive for this `code` input."""
    files = dict(_files("", code))
    if not files:
        raise ArchiveError("the code archive is empty")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, date_time=_FIXED_DATE)
            info.external_attr = 0o644 << 16
            archive.writestr(info, files[name], compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def empty_zip() -> bytes:
    """A valid zip with no entries (content of stand-in layers)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w"):
        pass
    return buffer.getvalue()
