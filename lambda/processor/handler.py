"""Lambda entry point: `processor.handler.lambda_handler` (SQS event source, partial batch response).

Everything expensive happens once per cold start, at import: the configuration is read and
checked (a bad environment fails here, naming the variable), the schema is compiled, the
DynamoDB client is created. The SQS client waits for the first dead-lettered event, and
tracing (with its X-Ray SDK import) is only loaded when LB_TRACING=true.
"""

from __future__ import annotations

import logging
import os
from typing import Any, cast

import boto3
from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.utilities.batch import (
    BasePartialBatchProcessor,
    BatchProcessor,
    EventType,
    SqsFifoPartialProcessor,
    process_partial_response,
)
from botocore.config import Config as BotocoreConfig

from .config import ProcessorConfig, load_config
from .dead_letter import DeadLetterSender
from .known_boards import KnownBoards
from .records import RecordHandler
from .scoring import ScoreWriter
from .validation import EventValidator, compile_schema
from .wire import PartialBatchResponse, SQSEvent

# A few quick SDK retries absorb short throttling bursts; past that the record fails and SQS
# retries it later (bounded timeouts keep a stuck call from eating the whole invocation).
_AWS_CLIENT_CONFIG = BotocoreConfig(
    retries={"mode": "standard", "max_attempts": 3}, connect_timeout=2, read_timeout=5
)


def build_batch_processor(config: ProcessorConfig, logger: Logger) -> BasePartialBatchProcessor:
    """FIFO: stop only the failing message group; standard: fail only the failing records."""
    # Powertools' Logger duck-types the logging.Logger the processors expect (warning with exc_info).
    failure_logger = cast(logging.Logger, logger)
    processor: BasePartialBatchProcessor
    if config.is_fifo:
        processor = SqsFifoPartialProcessor(skip_group_on_error=True, logger=failure_logger)
    else:
        processor = BatchProcessor(event_type=EventType.SQS, logger=failure_logger)
    # Report a batch where every record failed like any other partial failure (all listed),
    # instead of raising: same retry behaviour, and callers always get a response to act on.
    processor.raise_on_entire_batch_failure = False
    return processor


CONFIG = load_config(os.environ)
logger = Logger(service=CONFIG.service_name)
metrics = Metrics(namespace=CONFIG.metrics_namespace, service=CONFIG.service_name)
metrics.set_default_dimensions(pipeline=CONFIG.pipeline)

dynamodb = boto3.client("dynamodb", config=_AWS_CLIENT_CONFIG)
# What this container knows each board holds: lets best/latest skip writes that cannot win.
# Lives as long as the warm container (docs/processor.md: why it is exact, and its one caveat).
known_boards = KnownBoards()


def _create_sqs_client() -> Any:
    # Most invocations never dead-letter: the SQS client (~5-7 ms) is made on first use.
    return boto3.client("sqs", config=_AWS_CLIENT_CONFIG)


_record_handler = RecordHandler(
    validator=EventValidator(CONFIG, compile_schema()),
    writer=ScoreWriter(dynamodb, CONFIG, known_boards=known_boards),
    dead_letters=DeadLetterSender(_create_sqs_client, CONFIG),
    metrics=metrics,
    logger=logger,
)
_batch_processor = build_batch_processor(CONFIG, logger)


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
def lambda_handler(event: SQSEvent, context: Any) -> PartialBatchResponse:
    """Process one SQS batch; the records listed in the response are retried by SQS."""
    response = process_partial_response(
        event=cast(dict[str, Any], event),
        record_handler=_record_handler,
        processor=_batch_processor,
        context=context,
    )
    return {
        "batchItemFailures": [
            {"itemIdentifier": str(item["itemIdentifier"])} for item in response["batchItemFailures"]
        ]
    }


if CONFIG.tracing:
    from aws_lambda_powertools import Tracer

    tracer = Tracer(service=CONFIG.service_name)
    lambda_handler = tracer.capture_lambda_handler(lambda_handler)
