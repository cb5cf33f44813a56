"""Diagnostics: one located problem, and its text / JSON / GitHub renderings.

Every user-facing problem (YAML, schema, rule) becomes a `Diagnostic`; the commands collect
them all and decide the exit status once at the end.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Literal

Severity = Literal["error", "warning"]
DocPath = tuple[str | int, ...]
"""A path into a manifest document: mapping keys and sequence indexes."""

_PLAIN_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


def format_path(path: Sequence[str | int]) -> str:
    """`pipelines[0].processor.batching_window`; odd keys are quoted: `tags["a b"]`."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        elif _PLAIN_KEY.match(part):
            text += f".{part}" if text else part
        else:
            text += f"[{json.dumps(part)}]"
    return text or "<root>"


@dataclass(frozen=True)
class Diagnostic:
    """One problem, located at a YAML node (1-based line and column)."""

    file: str
    line: int
    column: int
    path: str
    rule: str
    severity: Severity
    message: str

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def format_text(self) -> str:
        """`file:line:col: error LB101 path: message` (the DESIGN.md contract)."""
        return (
            f"{self.file}:{self.line}:{self.column}: {self.severity} {self.rule} {self.path}: {self.message}"
        )

    def format_github(self) -> str:
        """A GitHub Actions workflow command, so the problem shows on the PR's diff."""
        level = "error" if self.is_error else "warning"
        message = _escape_github(f"{self.rule} {self.path}: {self.message}")
        file = _escape_github_property(self.file)
        title = _escape_github_property(self.rule)
        return f"::{level} file={file},line={self.line},col={self.column},title={title}::{message}"

    def to_json(self) -> dict[str, object]:
        return asdict(self)


def _escape_github(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_github_property(text: str) -> str:
    return _escape_github(text).replace(":", "%3A").replace(",", "%2C")


def sort_key(diagnostic: Diagnostic) -> tuple[str, int, int, str, str]:
    return (diagnostic.file, diagnostic.line, diagnostic.column, diagnostic.rule, diagnostic.message)


def unique_sorted(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    """Sorted by position, exact duplicates dropped (checking several environments repeats some)."""
    return sorted(set(diagnostics), key=sort_key)


def has_errors(diagnostics: Iterable[Diagnostic]) -> bool:
    return any(d.is_error for d in diagnostics)
