"""The manifest JSON Schema: where it lives, and schema errors as located diagnostics."""

from __future__ import annotations

import copy
import difflib
import json
from collections.abc import Iterator, Mapping
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, ValidationError, validators

import engine
from engine.diagnostics import Diagnostic, DocPath
from engine.durations import format_duration, parse_duration
from engine.loader import LoadedDocument

RULE_SCHEMA = "LB000"
SCHEMA_DIR = Path(engine.__file__).resolve().parents[1] / "schemas"
MANIFEST_SCHEMA = SCHEMA_DIR / "manifest.schema.json"
EVENT_SCHEMA = SCHEMA_DIR / "score-event.schema.json"


@cache
def manifest_schema() -> Mapping[str, Any]:
    schema: Mapping[str, Any] = json.loads(MANIFEST_SCHEMA.read_text(encoding="utf-8"))
    return schema


def _seconds_or_none(value: object) -> int | None:
    try:
        return parse_duration(value)
    except ValueError:
        return None


def _minimum_seconds(validator: Any, bound: int, instance: object, schema: Any) -> Iterator[ValidationError]:
    seconds = _seconds_or_none(instance)
    if seconds is not None and seconds < bound:
        yield ValidationError(f"{instance!r} is shorter than the minimum {format_duration(bound)}")


def _maximum_seconds(validator: Any, bound: int, instance: object, schema: Any) -> Iterator[ValidationError]:
    seconds = _seconds_or_none(instance)
    if seconds is not None and seconds > bound:
        yield ValidationError(f"{instance!r} is longer than the maximum {format_duration(bound)}")


# Duration bounds are custom keywords: editors treat them as annotations, we enforce them.
_ManifestValidator = validators.extend(
    Draft202012Validator, {"minimumSeconds": _minimum_seconds, "maximumSeconds": _maximum_seconds}
)


@cache
def manifest_validator() -> Any:
    return _ManifestValidator(manifest_schema())


def _show(value: object) -> str:
    text = json.dumps(value) if not isinstance(value, str) else repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _unknown_keys(error: ValidationError) -> list[str]:
    instance = error.instance if isinstance(error.instance, dict) else {}
    known = error.schema.get("properties", {}) if isinstance(error.schema, dict) else {}
    return [key for key in instance if key not in known]


def _suggest(key: str, known: list[str]) -> str:
    close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
    if close:
        return f"; did you mean {close[0]!r}?"
    return f"; known keys: {', '.join(known)}" if known else ""


def _message(error: ValidationError) -> str:
    kind = error.validator
    value: Any = error.instance
    schema: Any = error.schema
    expected: Any = error.validator_value
    if kind == "required":
        missing = [key for key in expected if key not in value]
        return f"missing required key {missing[0]!r}" if missing else error.message
    if kind == "enum":
        return f"must be one of {', '.join(map(str, expected))} (got {_show(value)})"
    if kind == "const":
        return f"must be {_show(expected)} (got {_show(value)})"
    if kind == "type":
        return f"must be of type {expected} (got {_show(value)})"
    if kind in ("minimum", "maximum"):
        relation = ">=" if kind == "minimum" else "<="
        return f"must be {relation} {expected} (got {_show(value)})"
    if kind in ("minItems", "maxItems", "minLength", "maxLength"):
        return f"{kind} is {expected} (got {_show(value)})"
    if kind == "anyOf" and isinstance(schema, dict) and schema.get("title") == "Duration":
        return (
            f"{_show(value)} is not a duration: use <int><s|m|h|d> (e.g. 30s, 5m, 12h, 4d) or integer seconds"
        )
    if kind == "anyOf":
        options = "; or ".join(_describe(branch) for branch in expected)
        return f"{_show(value)} is not valid here: expected {options}"
    if kind == "pattern" and isinstance(schema, dict):
        what = str(schema.get("title", "value")).lower()
        return f"{_show(value)} is not a valid {what}: it must match {expected}"
    return error.message


def _describe(branch: Mapping[str, Any]) -> str:
    if "$ref" in branch and branch["$ref"].endswith("/duration"):
        return "a duration like 30s, 5m, 12h, 4d or integer seconds"
    title = branch.get("title")
    description = branch.get("description")
    if title and description:
        return f"{title} ({description})"
    if "const" in branch:
        return repr(branch["const"])
    return title or description or "another shape"


def _specific(error: ValidationError) -> list[ValidationError]:
    """For a failed `anyOf`, the errors of the branch the value was meant for (if one is clear).

    When a branch failed only inside the value (e.g. the provisioned-billing object's `read`),
    that inner error is more useful than "not valid under any of the given schemas"; when every
    branch rejected the value as a whole, the message lists the branches instead.
    """
    if error.validator != "anyOf" or not error.context or _is_duration(error):
        return [error]
    meant = [e for e in error.context if e.relative_path]
    return [deeper for e in meant for deeper in _specific(e)] or [error]


def _is_duration(error: ValidationError) -> bool:
    return isinstance(error.schema, dict) and error.schema.get("title") == "Duration"


def _diagnostics_of(error: ValidationError, document: LoadedDocument) -> list[Diagnostic]:
    path: DocPath = tuple(error.absolute_path)
    if "propertyNames" in error.absolute_schema_path:
        name = error.instance
        message = f"invalid name {_show(name)}: {_message(error)}"
        return [document.diagnostic((*path, str(name)), RULE_SCHEMA, message, at_key=True)]
    if error.validator == "additionalProperties" and _unknown_keys(error):
        schema: Any = error.schema
        known = sorted(schema.get("properties", {}))
        return [
            document.diagnostic(
                (*path, key), RULE_SCHEMA, f"unknown key {key!r}{_suggest(key, known)}", at_key=True
            )
            for key in _unknown_keys(error)
        ]
    return [document.diagnostic(path, RULE_SCHEMA, _message(error))]


def schema_diagnostics(document: LoadedDocument) -> list[Diagnostic]:
    """Every schema violation of the document, each located at its YAML node."""
    return check_schema(document)[0]


def check_schema(document: LoadedDocument) -> tuple[list[Diagnostic], dict[str, Any] | None]:
    """Schema diagnostics, and the data the semantic rules may still check.

    The data is the document's own when it is valid; when it is not, a copy without the
    invalid values (they fall back to their defaults), so rule problems elsewhere in the file
    are reported in the same run; None when no schema-valid copy can be made that way.
    """
    top_errors = list(manifest_validator().iter_errors(document.data))
    if not top_errors:
        return [], document.data
    errors = [e for top in top_errors for e in _specific(top)]
    found: dict[tuple[str, str], Diagnostic] = {}
    for error in sorted(errors, key=_priority):
        for diagnostic in _diagnostics_of(error, document):
            # One problem per node: a null list item fails both `type` and `enum`.
            found.setdefault((diagnostic.path, diagnostic.rule), diagnostic)
    return list(found.values()), _salvage(document.data, top_errors)


# Keys the schema requires somewhere: removing one would not give valid data, so the
# salvage removes the enclosing value instead (and gives up at the root).
_REQUIRED_KEYS = frozenset({"version", "game", "pipelines", "name", "provisioned", "read", "write"})


def _salvage_targets(error: ValidationError) -> list[DocPath] | None:
    path: DocPath = tuple(error.absolute_path)
    targets = [path]
    if error.validator == "additionalProperties" and _unknown_keys(error):
        targets = [(*path, key) for key in _unknown_keys(error)]
    elif "propertyNames" in error.absolute_schema_path:
        targets = [(*path, str(error.instance))]
    removable = []
    for target in targets:
        while target and (isinstance(target[-1], int) or target[-1] in _REQUIRED_KEYS):
            target = target[:-1]
        if not target:
            return None
        removable.append(target)
    return removable


def _remove(data: dict[str, Any], path: DocPath) -> None:
    node: Any = data
    for key in path[:-1]:
        in_mapping = isinstance(node, dict) and key in node
        in_list = isinstance(node, list) and isinstance(key, int) and key < len(node)
        if not (in_mapping or in_list):
            return
        node = node[key]
    if isinstance(node, dict):
        node.pop(path[-1], None)


def _salvage(data: dict[str, Any], errors: list[ValidationError]) -> dict[str, Any] | None:
    salvaged = copy.deepcopy(data)
    for error in errors:
        targets = _salvage_targets(error)
        if targets is None:
            return None
        for target in targets:
            _remove(salvaged, target)
    if next(manifest_validator().iter_errors(salvaged), None) is not None:
        return None
    return salvaged


_PRIORITY = {"type": 0, "required": 1, "additionalProperties": 1, "const": 2, "enum": 2}


def _priority(error: ValidationError) -> int:
    return _PRIORITY.get(str(error.validator), 3)
