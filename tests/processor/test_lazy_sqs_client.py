"""The SQS client is not part of the cold start: it is created on the first dead-lettered event."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import boto3
from processor_helpers import ProcessorUnderTest, batch, make_record, receive_all, score_body


def test_the_sqs_client_is_created_on_the_first_dead_letter_and_reused(
    processor_under_test: Callable[..., ProcessorUnderTest],
) -> None:
    created: list[str] = []

    def count(**_: Any) -> None:
        created.append("sqs")

    session = boto3._get_default_session()
    session.events.register("creating-client-class.sqs", count, unique_id="lb-test-lazy-sqs")
    try:
        under_test = processor_under_test()
        assert created == []  # the cold start made no SQS client

        under_test.invoke(batch(make_record(score_body("v1", "p1", 5))))
        assert created == []  # valid events never need one

        under_test.invoke(batch(make_record("not json"), make_record("{}")))
        under_test.invoke(batch(make_record("still not json")))
        assert created == ["sqs"]  # one client, made on the first dead letter, then reused
    finally:
        session.events.unregister("creating-client-class.sqs", unique_id="lb-test-lazy-sqs")

    assert len(receive_all(under_test.sqs, under_test.dlq_url)) == 3
    assert under_test.metrics() == {"applied": 1, "dead_lettered": 3}
