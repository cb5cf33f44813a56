"""Fixtures for the processor tests: moto-backed AWS, and the handler loaded as Lambda would.

`lambda/` goes on sys.path here (the Lambda archive has `processor/` at its root), and only for
this directory's tests. The handler reads its environment at import (cold start), so each
`processor_under_test(...)` call sets the environment and imports `processor.handler` afresh.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws

REPO = Path(__file__).resolve().parents[2]
for _path in (REPO / "lambda", REPO):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

from processor_helpers import (  # noqa: E402
    ProcessorUnderTest,
    create_dead_letter_queue,
    create_table,
    import_handler,
    processor_environment,
)


@pytest.fixture(autouse=True)
def _production_powertools(monkeypatch: pytest.MonkeyPatch) -> None:
    # Fake AWS credentials and region come from tests/conftest.py for the whole suite; here
    # only Powertools' developer switches are cleared, so metrics and logs behave as in Lambda.
    monkeypatch.delenv("POWERTOOLS_DEV", raising=False)
    monkeypatch.delenv("POWERTOOLS_METRICS_DISABLED", raising=False)


@pytest.fixture
def aws() -> Iterator[None]:
    with mock_aws():
        yield


@pytest.fixture
def dynamodb(aws: None) -> Any:
    return boto3.client("dynamodb", region_name="us-east-1")


@pytest.fixture
def sqs(aws: None) -> Any:
    return boto3.client("sqs", region_name="us-east-1")


@pytest.fixture
def processor_under_test(
    dynamodb: Any, sqs: Any, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Callable[..., ProcessorUnderTest]:
    """Factory: creates the table (N or S key) and the DLQ, then loads the handler for them."""

    def load(**overrides: str) -> ProcessorUnderTest:
        fifo = overrides.get("LB_QUEUE_TYPE", "fifo") == "fifo"
        create_table(dynamodb, key_type=overrides.get("LB_PARTITION_KEY_TYPE", "S"))
        dlq_url = create_dead_letter_queue(sqs, fifo)
        module = import_handler(processor_environment(dlq_url, **overrides), monkeypatch)
        capsys.readouterr()
        return ProcessorUnderTest(module, module.dynamodb, sqs, dlq_url, capsys)

    return load
