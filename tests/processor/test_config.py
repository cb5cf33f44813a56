"""Configuration comes only from the documented environment and fails fast when it is wrong."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from processor.config import ENVIRONMENT_VARIABLES, ConfigError, load_config
from processor_helpers import import_handler, processor_environment

DOC = Path(__file__).resolve().parents[2] / "docs" / "processor-environment.md"
DLQ = "https://sqs.us-east-1.amazonaws.com/123456789012/space-race-global-dev-dlq.fifo"


def test_the_variables_read_are_exactly_the_documented_ones() -> None:
    documented = re.findall(r"^\| `([A-Z_]+)` \|", DOC.read_text(encoding="utf-8"), flags=re.MULTILINE)
    assert list(ENVIRONMENT_VARIABLES) == documented
    assert set(processor_environment(DLQ)) == set(ENVIRONMENT_VARIABLES)


def test_a_complete_environment_loads() -> None:
    config = load_config(processor_environment(DLQ, LB_WINDOWS="all-time, daily,weekly", LB_SHARDS="16"))

    assert config.windows == ("all-time", "daily", "weekly")
    assert config.shards == 16
    assert config.is_fifo
    assert config.tracing is False


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("LB_QUEUE_TYPE", "kafka", "LB_QUEUE_TYPE='kafka': must be one of fifo, standard"),
        ("LB_PARTITION_KEY_TYPE", "B", "LB_PARTITION_KEY_TYPE='B': must be one of S, N"),
        ("LB_SCORING_MODE", "max", "LB_SCORING_MODE='max': must be one of best, latest, sum"),
        ("LB_SCORING_ORDER", "up", "LB_SCORING_ORDER='up': must be one of desc, asc"),
        ("LB_WINDOWS", "all-time,hourly", "LB_WINDOWS='all-time,hourly': unknown window 'hourly'"),
        ("LB_WINDOWS", "daily,daily", "LB_WINDOWS='daily,daily': lists a window twice"),
        ("LB_SHARDS", "0", "LB_SHARDS='0': must be between 1 and 64"),
        ("LB_SHARDS", "65", "LB_SHARDS='65': must be between 1 and 64"),
        ("LB_WINDOW_RETENTION_S", "30d", "LB_WINDOW_RETENTION_S='30d': must be an integer"),
        ("LB_DEDUP_TTL_S", "0", "LB_DEDUP_TTL_S='0': must be between 1"),
        ("LB_TRACING", "yes", "LB_TRACING='yes': must be true or false"),
        ("LB_TABLE_NAME", "", "LB_TABLE_NAME is not set"),
    ],
)
def test_an_invalid_variable_is_named(name: str, value: str, message: str) -> None:
    with pytest.raises(ConfigError, match=re.escape(message)):
        load_config(processor_environment(DLQ, **{name: value}))


def test_every_problem_is_reported_at_once() -> None:
    environment = processor_environment(DLQ, LB_SHARDS="many")
    del environment["LB_GAME_ID"]
    del environment["POWERTOOLS_METRICS_NAMESPACE"]

    with pytest.raises(ConfigError) as raised:
        load_config(environment)

    assert str(raised.value) == (
        "invalid processor environment: LB_GAME_ID is not set; LB_SHARDS='many': must be an integer; "
        "POWERTOOLS_METRICS_NAMESPACE is not set"
    )


def test_the_cold_start_fails_on_a_bad_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ConfigError, match="LB_SCORING_MODE='max'"):
        import_handler(processor_environment(DLQ, LB_SCORING_MODE="max"), monkeypatch)
