"""Semantic rules beyond the JSON Schema: one function per rule, each with a stable id.

A rule yields `Finding`s (where and what); the runner turns them into diagnostics with the
rule's id and severity. Rules only ever see schema-valid documents. Ids:
LB000-LB006 are the loader's and the schema's (registered here so they are documented too),
LB1xx the semantic rules below.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from engine.diagnostics import Diagnostic, DocPath, Severity, format_path
from engine.durations import format_duration
from engine.loader import LoadedDocument
from engine.model import ENVIRONMENT_NAME, RESERVED_ATTRIBUTES, PhysicalNames, PipelineSpec
from engine.resolve import VISIBILITY_FACTOR, MergedPipeline

Scope = Literal["loader", "document", "pipeline", "deployment", "environment"]
WORST_CASE_ENVIRONMENT = "~" * 10
"""Stands in for the environment name when none is given: the longest one allowed."""
RULE_ID = re.compile(r"^LB[0-9]{3}$")

LAMBDA_SQS = "https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html"
LAMBDA_NAMES = "https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunction.html"
LAMBDA_ESM_API = "https://docs.aws.amazon.com/lambda/latest/api/API_CreateEventSourceMapping.html"
SQS_DLQ = (
    "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-dead-letter-queues.html"
)
SQS_FIFO_DEDUP = (
    "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/"
    "FIFO-queues-exactly-once-processing.html"
)
SQS_METRICS = "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-available-cloudwatch-metrics.html"
DDB_KEYS = (
    "https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/HowItWorks.CoreComponents.html"
    "#HowItWorks.CoreComponents.PrimaryKey"
)
DDB_GSI = "https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/GSI.html"
LOGS_RETENTION = (
    "https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutRetentionPolicy.html"
)
CW_ALARM = "https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html"
TAGGING = "https://docs.aws.amazon.com/tag-editor/latest/userguide/tagging.html"
YAML_SPEC = "https://yaml.org/spec/1.2.2/"
JSON_SCHEMA = "https://json-schema.org/draft/2020-12/json-schema-validation"
PULUMI_NAMES = "https://www.pulumi.com/docs/iac/concepts/resources/names/"
MANIFEST_REFERENCE = "docs/manifest-reference.md"

LOG_RETENTION_DAYS = frozenset(
    {1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653}
)
MAX_USER_TAGS = 40
ALARM_KINDS = ("dlq-depth", "oldest-message-age", "errors", "throttles")


@dataclass(frozen=True)
class Finding:
    """What a rule found: a document path and a message (the rule supplies id and severity)."""

    path: DocPath
    message: str
    at_key: bool = False
    document: LoadedDocument | None = None
    """Only deployment rules set it: which of the run's documents the path is in."""


@dataclass(frozen=True)
class PipelineContext:
    """One merged, resolved pipeline as a rule sees it."""

    document: LoadedDocument
    merged: MergedPipeline
    spec: PipelineSpec
    names_environment: str | None
    """The environment used for physical names; None: assume the longest allowed name."""

    def where(self, *settings_path: str) -> DocPath:
        return self.merged.where(*settings_path)


@dataclass(frozen=True)
class Rule:
    id: str
    description: str
    doc_url: str
    severity: Severity
    scope: Scope
    check: Callable[[Any], Iterable[Finding]] | None = None


RULES: dict[str, Rule] = {}


def _register(rule: Rule) -> None:
    if not RULE_ID.match(rule.id) or rule.id in RULES:
        raise ValueError(f"bad or duplicate rule id {rule.id}")
    RULES[rule.id] = rule


def rule(
    rule_id: str, description: str, doc_url: str, *, scope: Scope = "pipeline", severity: Severity = "error"
) -> Callable[[Callable[[Any], Iterable[Finding]]], Callable[[Any], Iterable[Finding]]]:
    """Register a rule function under a stable id."""

    def register(check: Callable[[Any], Iterable[Finding]]) -> Callable[[Any], Iterable[Finding]]:
        _register(Rule(rule_id, description, doc_url, severity, scope, check))
        return check

    return register


for _id, _description, _url in (
    (
        "LB000",
        "the manifest must match the JSON Schema (types, ranges, required and unknown keys)",
        JSON_SCHEMA,
    ),
    ("LB001", "the file must be readable, valid UTF-8 and valid YAML (no tabs for indentation)", YAML_SPEC),
    ("LB002", "a mapping must not repeat a key", YAML_SPEC),
    ("LB003", "only plain data tags: no !!python/... or other custom tags", YAML_SPEC),
    ("LB004", "anchors and aliases are bounded (no YAML bombs, no recursive aliases)", YAML_SPEC),
    ("LB005", "the document must be one non-empty mapping", YAML_SPEC),
    ("LB006", "numbers must be finite and of sane size (no 1e309, .inf, .nan)", YAML_SPEC),
):
    _register(Rule(_id, _description, _url, "error", "loader"))


# --- queue and event source mapping -------------------------------------------------------


@rule("LB101", "no batching window on a FIFO queue's event source mapping", LAMBDA_ESM_API)
def fifo_batching_window(ctx: PipelineContext) -> Iterator[Finding]:
    if ctx.spec.queue.is_fifo and ctx.spec.processor.batching_window_s > 0:
        yield Finding(
            ctx.where("processor", "batching_window"),
            "batching window is not supported for FIFO queues; set 0s or use a standard queue",
        )


@rule("LB102", "a FIFO queue's batch size is at most 10", LAMBDA_SQS)
def fifo_batch_size(ctx: PipelineContext) -> Iterator[Finding]:
    if ctx.spec.queue.is_fifo and ctx.spec.processor.batch_size > 10:
        yield Finding(
            ctx.where("processor", "batch_size"),
            f"batch size {ctx.spec.processor.batch_size} is over 10, the maximum for FIFO queues",
        )


@rule(
    "LB103", "a standard queue's batch size above 10 needs a batching window of at least 1s", LAMBDA_ESM_API
)
def large_batch_needs_window(ctx: PipelineContext) -> Iterator[Finding]:
    processor = ctx.spec.processor
    if not ctx.spec.queue.is_fifo and processor.batch_size > 10 and processor.batching_window_s < 1:
        yield Finding(
            ctx.where("processor", "batch_size"),
            f"batch size {processor.batch_size} needs processor.batching_window of at least 1s",
        )


@rule("LB104", "content-based deduplication exists only on FIFO queues", SQS_FIFO_DEDUP)
def deduplication_fifo_only(ctx: PipelineContext) -> Iterator[Finding]:
    explicit = ctx.merged.is_set("queue", "content_based_deduplication")
    if explicit and not ctx.spec.queue.is_fifo and ctx.merged.value("queue", "content_based_deduplication"):
        yield Finding(
            ctx.where("queue", "content_based_deduplication"),
            "content_based_deduplication applies to FIFO queues only; remove it or use type: fifo",
        )


@rule("LB105", "an explicit visibility timeout must not be below the processor timeout", LAMBDA_SQS)
def visibility_below_timeout(ctx: PipelineContext) -> Iterator[Finding]:
    queue, processor = ctx.spec.queue, ctx.spec.processor
    if not queue.visibility_timeout_auto and queue.visibility_timeout_s < processor.timeout_s:
        yield Finding(
            ctx.where("queue", "visibility_timeout"),
            f"visibility timeout {format_duration(queue.visibility_timeout_s)} is below the processor "
            f"timeout {format_duration(processor.timeout_s)}; Lambda rejects this mapping (use auto)",
        )


@rule(
    "LB106",
    "an explicit visibility timeout should be at least 6 x processor timeout + batching window",
    LAMBDA_SQS,
    severity="warning",
)
def visibility_below_recommended(ctx: PipelineContext) -> Iterator[Finding]:
    queue, processor = ctx.spec.queue, ctx.spec.processor
    recommended = VISIBILITY_FACTOR * processor.timeout_s + processor.batching_window_s
    if not queue.visibility_timeout_auto and processor.timeout_s <= queue.visibility_timeout_s < recommended:
        yield Finding(
            ctx.where("queue", "visibility_timeout"),
            f"visibility timeout {format_duration(queue.visibility_timeout_s)} is below the recommended "
            f"{format_duration(recommended)} (6 x timeout + batching window); retried batches may overlap",
        )


@rule(
    "LB107",
    "the dead-letter queue should keep messages at least as long as the queue",
    SQS_DLQ,
    severity="warning",
)
def dlq_retention_below_retention(ctx: PipelineContext) -> Iterator[Finding]:
    queue = ctx.spec.queue
    if queue.dlq_retention_s < queue.retention_s:
        yield Finding(
            ctx.where("queue", "dlq_retention"),
            f"dlq_retention {format_duration(queue.dlq_retention_s)} is below retention "
            f"{format_duration(queue.retention_s)}: a redriven message keeps its original enqueue time "
            "and may expire in the dead-letter queue at once",
        )


# --- table -----------------------------------------------------------------------------------


@rule("LB108", "partition key, sort key and TTL attribute are three different attributes", DDB_KEYS)
def distinct_key_attributes(ctx: PipelineContext) -> Iterator[Finding]:
    table = ctx.spec.table
    if table.sort_key == table.partition_key.name:
        yield Finding(
            ctx.where("table", "sort_key"), f"sort_key {table.sort_key!r} equals the partition key name"
        )
    if table.ttl_attribute in (table.sort_key, table.partition_key.name):
        yield Finding(
            ctx.where("table", "ttl_attribute"),
            f"ttl_attribute {table.ttl_attribute!r} is also a key attribute; "
            "TTL needs its own number attribute",
        )


@rule("LB109", "key and TTL attribute names must not use the processor's own attributes", DDB_KEYS)
def reserved_attributes(ctx: PipelineContext) -> Iterator[Finding]:
    table = ctx.spec.table
    named = (
        (("table", "partition_key", "name"), table.partition_key.name),
        (("table", "sort_key"), table.sort_key),
        (("table", "ttl_attribute"), table.ttl_attribute),
    )
    reserved = ", ".join(sorted(RESERVED_ATTRIBUTES))
    for settings_path, name in named:
        if name in RESERVED_ATTRIBUTES:
            yield Finding(
                ctx.where(*settings_path),
                f"{name!r} is an attribute the processor owns ({reserved}); pick another",
            )


# --- processor, scoring, alarms ----------------------------------------------------------------


@rule("LB110", "log_retention_days is one of the values CloudWatch Logs accepts", LOGS_RETENTION)
def log_retention_value(ctx: PipelineContext) -> Iterator[Finding]:
    days = ctx.spec.processor.log_retention_days
    if days not in LOG_RETENTION_DAYS:
        allowed = sorted(LOG_RETENTION_DAYS)
        nearest = min(allowed, key=lambda value: (abs(value - days), value))
        yield Finding(
            ctx.where("processor", "log_retention_days"),
            f"{days} is not a CloudWatch Logs retention; nearest allowed value is {nearest} "
            f"(allowed: {', '.join(map(str, allowed))})",
        )


@rule("LB111", "scoring.windows lists each window once", MANIFEST_REFERENCE)
def windows_unique(ctx: PipelineContext) -> Iterator[Finding]:
    windows = ctx.merged.value("scoring", "windows")
    repeated = sorted({window for window in windows if windows.count(window) > 1})
    if repeated:
        yield Finding(
            ctx.where("scoring", "windows"), f"window {', '.join(repeated)} is listed more than once"
        )


@rule(
    "LB112",
    "window_retention only matters with a daily, weekly or monthly window",
    MANIFEST_REFERENCE,
    severity="warning",
)
def window_retention_unused(ctx: PipelineContext) -> Iterator[Finding]:
    if ctx.merged.is_set("scoring", "window_retention") and ctx.spec.scoring.windows == ("all-time",):
        yield Finding(
            ctx.where("scoring", "window_retention"),
            "window_retention has no effect: the only board is all-time (add daily, weekly or monthly)",
        )


@rule(
    "LB113",
    "with provisioned billing, write capacity must cover one write per score-index shard",
    DDB_GSI,
)
def shards_within_capacity(ctx: PipelineContext) -> Iterator[Finding]:
    table, shards = ctx.spec.table, ctx.spec.scoring.shards
    if table.write_capacity is not None and table.write_capacity < shards:
        yield Finding(
            ctx.where("scoring", "shards"),
            f"{shards} shards with {table.write_capacity} provisioned write units: the score index "
            "cannot take one write per shard per second; lower shards or raise write capacity",
        )


@rule("LB114", "alarm period is 10s, 20s, 30s or a multiple of 60s", CW_ALARM)
def alarm_period(ctx: PipelineContext) -> Iterator[Finding]:
    period = ctx.spec.alarms.period_s
    if period not in (10, 20, 30) and period % 60:
        yield Finding(
            ctx.where("alarms", "period"),
            f"alarm period {period}s is not 10s, 20s, 30s or a multiple of 60s",
        )


@rule(
    "LB115",
    "the oldest-message-age alarm must fire before messages expire",
    SQS_METRICS,
    severity="warning",
)
def oldest_message_alarm_reachable(ctx: PipelineContext) -> Iterator[Finding]:
    age, retention = ctx.spec.alarms.oldest_message_age_s, ctx.spec.queue.retention_s
    if age >= retention:
        yield Finding(
            ctx.where("alarms", "oldest_message_age"),
            f"oldest_message_age {format_duration(age)} is not below queue retention "
            f"{format_duration(retention)}: messages expire before the alarm fires",
        )


# --- physical names ----------------------------------------------------------------------------


def _name_limits(names: PhysicalNames) -> Iterator[tuple[str, str, int, int]]:
    """(what, name, minimum, maximum) for every physical name of a pipeline."""
    yield "queue", names.queue, 1, 80
    yield "dead-letter queue", names.dead_letter_queue, 1, 80
    yield "function", names.function, 1, 64
    yield "role", names.role, 1, 64
    yield "table", names.table, 3, 255
    yield "log group", names.log_group, 1, 512
    for alarm in ALARM_KINDS:
        yield "alarm", names.alarm(alarm), 1, 255


@rule("LB120", "every physical name fits AWS's length limits (function and role 64, queue 80)", LAMBDA_NAMES)
def physical_name_lengths(ctx: PipelineContext) -> Iterator[Finding]:
    environment = ctx.names_environment or WORST_CASE_ENVIRONMENT
    names = PhysicalNames.of(ctx.spec.game, ctx.spec.name, environment, ctx.spec.queue.is_fifo)
    assumed = "" if ctx.names_environment else " (assuming a 10-character environment name)"
    for what, name, minimum, maximum in _name_limits(names):
        if not minimum <= len(name) <= maximum:
            shown = name.replace(WORST_CASE_ENVIRONMENT, "{env}")
            yield Finding(
                (*ctx.merged.document_path, "name"),
                f"{what} name {shown!r} would be {len(name)} characters{assumed}; "
                f"AWS allows {minimum}..{maximum}",
            )


@rule("LB121", "the environment name matches ^[a-z][a-z0-9]{0,9}$", MANIFEST_REFERENCE, scope="environment")
def environment_name(environment: str) -> Iterator[Finding]:
    if not ENVIRONMENT_NAME.match(environment):
        yield Finding((), f"environment {environment!r} must match {ENVIRONMENT_NAME.pattern}")


# --- whole document ------------------------------------------------------------------------------


@rule("LB130", "pipeline names are unique within a manifest", PULUMI_NAMES, scope="document")
def unique_pipeline_names(document: LoadedDocument) -> Iterator[Finding]:
    seen: dict[str, int] = {}
    for index, pipeline in enumerate(document.data["pipelines"]):
        name = pipeline["name"]
        if name in seen:
            first = document.locate(("pipelines", seen[name], "name"))
            yield Finding(
                ("pipelines", index, "name"), f"pipeline {name!r} is already defined at line {first.line}"
            )
        seen.setdefault(name, index)


@rule("LB131", "an environment overlay names only pipelines that exist", MANIFEST_REFERENCE, scope="document")
def overlay_names_existing_pipelines(document: LoadedDocument) -> Iterator[Finding]:
    names = [pipeline["name"] for pipeline in document.data["pipelines"]]
    for environment, overlay in (document.data.get("environments") or {}).items():
        for name in (overlay or {}).get("pipelines") or {}:
            if name not in names:
                close = difflib.get_close_matches(name, names, n=1)
                hint = f"; did you mean {close[0]!r}?" if close else f"; pipelines: {', '.join(names)}"
                yield Finding(
                    ("environments", environment, "pipelines", name),
                    f"overlay for pipeline {name!r}, which does not exist{hint}",
                    at_key=True,
                )


@rule("LB132", "tag keys must not start with the reserved prefix aws:", TAGGING, scope="document")
def tag_prefix(document: LoadedDocument) -> Iterator[Finding]:
    for key in document.data.get("tags") or {}:
        if key.lower().startswith("aws:"):
            yield Finding(("tags", key), f"tag key {key!r} uses the reserved prefix aws:", at_key=True)


_TAG_PUNCTUATION = frozenset(" _.:/=+-@")


def _bad_tag_text(text: str) -> bool:
    return any(not (char.isalnum() or char.isspace() or char in _TAG_PUNCTUATION) for char in text)


@rule(
    "LB133",
    "tag keys are 1..128 and values 0..256 characters of letters, digits, spaces and _.:/=+-@",
    TAGGING,
    scope="document",
)
def tag_text(document: LoadedDocument) -> Iterator[Finding]:
    for key, value in (document.data.get("tags") or {}).items():
        if not 1 <= len(key) <= 128 or _bad_tag_text(key):
            yield Finding(("tags", key), f"tag key {key!r} must be 1..128 allowed characters", at_key=True)
        if len(value) > 256 or _bad_tag_text(value):
            yield Finding(("tags", key), f"tag value of {key!r} must be 0..256 allowed characters")


@rule(
    "LB134",
    f"at most {MAX_USER_TAGS} user tags (AWS allows 50; the engine adds its own)",
    TAGGING,
    scope="document",
)
def tag_count(document: LoadedDocument) -> Iterator[Finding]:
    tags = document.data.get("tags") or {}
    if len(tags) > MAX_USER_TAGS:
        yield Finding(("tags",), f"{len(tags)} tags; at most {MAX_USER_TAGS} are allowed")


# --- whole run ------------------------------------------------------------------------------------


@rule("LB140", "a game appears in only one manifest of a run", PULUMI_NAMES, scope="deployment")
def unique_games(documents: Sequence[LoadedDocument]) -> Iterator[Finding]:
    first_file: dict[str, str] = {}
    for document in documents:
        game = document.data.get("game")
        if not isinstance(game, str):
            continue
        if game in first_file:
            yield Finding(
                ("game",), f"game {game!r} is already defined in {first_file[game]}", document=document
            )
        first_file.setdefault(game, document.file)


# --- runners ----------------------------------------------------------------------------------------


def _of_scope(scope: Scope) -> list[tuple[Rule, Callable[[Any], Iterable[Finding]]]]:
    return [(r, r.check) for r in RULES.values() if r.scope == scope and r.check is not None]


def _diagnostic(found: Finding, document: LoadedDocument, rule: Rule) -> Diagnostic:
    return document.diagnostic(
        found.path, rule.id, found.message, severity=rule.severity, at_key=found.at_key
    )


def check_pipeline(ctx: PipelineContext) -> list[Diagnostic]:
    return [_diagnostic(found, ctx.document, r) for r, check in _of_scope("pipeline") for found in check(ctx)]


def check_document(document: LoadedDocument) -> list[Diagnostic]:
    return [
        _diagnostic(found, document, r) for r, check in _of_scope("document") for found in check(document)
    ]


def check_deployment(documents: Sequence[LoadedDocument]) -> list[Diagnostic]:
    return [
        _diagnostic(found, found.document, r)
        for r, check in _of_scope("deployment")
        for found in check(documents)
        if found.document is not None
    ]


def check_environment_name(environment: str) -> list[Diagnostic]:
    """The run's environment (not a file): reported against the pseudo-file `<environment>`."""
    return [
        Diagnostic("<environment>", 1, 1, format_path(found.path), r.id, r.severity, found.message)
        for r, check in _of_scope("environment")
        for found in check(environment)
    ]
