"""The embedded emulator and local mode's moto adjustments behave like AWS where it matters."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterator
from typing import Any

import pytest

from engine.local import resources
from engine.local.deploy import deploy
from engine.local.emulator import Emulator, start_emulator
from engine.local.resources.base import DeployContext, DeployError
from tests.local.conftest import MANIFESTS


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    with start_emulator() as running:
        yield running


def _fifo_queue(sqs: Any, name: str = "q.fifo") -> str:
    url: str = sqs.create_queue(
        QueueName=name, Attributes={"FifoQueue": "true", "ContentBasedDeduplication": "true"}
    )["QueueUrl"]
    return url


def _receive(sqs: Any, url: str) -> list[dict[str, Any]]:
    messages: list[dict[str, Any]] = sqs.receive_message(
        QueueUrl=url, MaxNumberOfMessages=10, MessageSystemAttributeNames=["All"]
    ).get("Messages", [])
    return messages


def test_the_emulator_listens_on_loopback_only(emulator: Emulator) -> None:
    assert emulator.endpoint.startswith("http://127.0.0.1:")


def test_fifo_deduplication_remembers_deleted_messages(emulator: Emulator) -> None:
    sqs = emulator.client("sqs")
    url = _fifo_queue(sqs)
    sqs.send_message(QueueUrl=url, MessageBody="same", MessageGroupId="g")
    [first] = _receive(sqs, url)
    sqs.delete_message(QueueUrl=url, ReceiptHandle=first["ReceiptHandle"])

    sqs.send_message(QueueUrl=url, MessageBody="same", MessageGroupId="g")  # within 5 minutes

    assert _receive(sqs, url) == []
    assert first["Attributes"]["SequenceNumber"]  # every FIFO message gets one, as in SQS


def test_an_enabled_mapping_does_not_make_moto_invoke_the_function(emulator: Emulator) -> None:
    sqs, iam, lambda_client = emulator.client("sqs"), emulator.client("iam"), emulator.client("lambda")
    url = _fifo_queue(sqs)
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    trust = {
        "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}
        ]
    }
    role = iam.create_role(RoleName="r", AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
    code = io.BytesIO()
    with zipfile.ZipFile(code, "w") as archive:
        archive.writestr("handler.py", "def handler(event, context):\n    raise RuntimeError('called')\n")
    lambda_client.create_function(
        FunctionName="f",
        Runtime="python3.12",
        Role=role,
        Handler="handler.handler",
        Code={"ZipFile": code.getvalue()},
    )
    mapping = lambda_client.create_event_source_mapping(EventSourceArn=arn, FunctionName="f", BatchSize=10)
    assert mapping["State"] == "Enabled"

    sqs.send_message(QueueUrl=url, MessageBody="hello", MessageGroupId="g")

    assert [m["Body"] for m in _receive(sqs, url)] == ["hello"]  # still there for the poller


def test_an_unknown_resource_type_is_an_error(emulator: Emulator) -> None:
    context = DeployContext(client=emulator.client, region=emulator.region, account_id="123456789012")
    with pytest.raises(DeployError, match=r"aws:sns/topic:Topic is not supported"):
        resources.create("aws:sns/topic:Topic", "alerts", {"name": "alerts"}, context)


def test_an_input_local_mode_cannot_apply_is_an_error(emulator: Emulator) -> None:
    context = DeployContext(client=emulator.client, region=emulator.region, account_id="123456789012")
    with pytest.raises(DeployError, match=r"'q' \(aws:sqs/queue:Queue\).*namePrefix"):
        resources.create("aws:sqs/queue:Queue", "q", {"name": "q", "namePrefix": "x"}, context)


def test_aws_rules_apply_to_the_inputs(emulator: Emulator) -> None:
    context = DeployContext(client=emulator.client, region=emulator.region, account_id="123456789012")
    with pytest.raises(DeployError, match=r"CreateQueue failed"):
        resources.create("aws:sqs/queue:Queue", "q", {"name": "no-suffix", "fifoQueue": True}, context)


@pytest.mark.slow
def test_an_unknown_resource_type_stops_the_deploy(
    emulator: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delitem(resources.HANDLERS, "aws:cloudwatch/metricAlarm:MetricAlarm")  # type: ignore[arg-type]

    with pytest.raises(DeployError, match=r"aws:cloudwatch/metricAlarm:MetricAlarm is not supported"):
        deploy(emulator, MANIFESTS, "dev")

    # Nothing downstream of the failure was created: no function is wired to a queue.
    assert emulator.client("lambda").list_event_source_mappings()["EventSourceMappings"] == []


@pytest.mark.slow
def test_the_deploy_creates_every_planned_resource_with_real_ids(emulator: Emulator) -> None:
    deployed = deploy(emulator, MANIFESTS, "dev")

    planned = [r for r in deployed.plan.resources if not r.is_component]
    assert len(deployed.context.resources) == len(planned)
    table = emulator.client("dynamodb").describe_table(TableName="tower-defense-rating-dev")["Table"]
    assert table["GlobalSecondaryIndexes"][0]["IndexName"] == "score-index"
    assert table["StreamSpecification"] == {"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"}
    queues = emulator.client("sqs").list_queues()["QueueUrls"]
    assert all(url.startswith(emulator.endpoint) for url in queues)
    lambda_client = emulator.client("lambda")
    function = lambda_client.get_function_configuration(FunctionName="space-race-global-dev-processor")
    assert function["Environment"]["Variables"]["LB_DLQ_URL"].startswith(emulator.endpoint)
    dynamodb, sqs, logs = emulator.client("dynamodb"), emulator.client("sqs"), emulator.client("logs")
    ttl = dynamodb.describe_time_to_live(TableName="space-race-global-dev")["TimeToLiveDescription"]
    assert ttl == {"TimeToLiveStatus": "ENABLED", "AttributeName": "expires_at"}
    backups = dynamodb.describe_continuous_backups(TableName="space-race-global-dev")
    pitr = backups["ContinuousBackupsDescription"]["PointInTimeRecoveryDescription"]
    assert pitr["PointInTimeRecoveryStatus"] == "ENABLED"
    url = sqs.get_queue_url(QueueName="space-race-global-dev.fifo")["QueueUrl"]
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert attributes["FifoQueue"] == "true" and attributes["SqsManagedSseEnabled"] == "true"
    assert json.loads(attributes["RedrivePolicy"]) == {
        "deadLetterTargetArn": "arn:aws:sqs:us-east-1:123456789012:space-race-global-dev-dlq.fifo",
        "maxReceiveCount": 5,
    }
    [group] = logs.describe_log_groups(logGroupNamePrefix="/aws/lambda/puzzle-quest-points-dev")["logGroups"]
    assert group["retentionInDays"] == 30
    queue_arn = "arn:aws:sqs:us-east-1:123456789012:space-race-ranked-dev.fifo"
    [mapping] = lambda_client.list_event_source_mappings(EventSourceArn=queue_arn)["EventSourceMappings"]
    assert mapping["ScalingConfig"] == {"MaximumConcurrency": 20}
    assert mapping["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert len(emulator.client("cloudwatch").describe_alarms()["MetricAlarms"]) == 20
    policies = emulator.client("iam").list_role_policies(RoleName="space-race-global-dev-processor")
    assert policies["PolicyNames"] == ["space-race-global-dev-processor"]
    archive = zipfile.ZipFile(io.BytesIO(deployed.context.code_archives["space-race-global-dev-processor"]))
    assert {"processor/handler.py", "processor/score-event.schema.json"} <= set(archive.namelist())


def _board_table(dynamodb: Any) -> None:
    dynamodb.create_table(
        TableName="boards",
        KeySchema=[
            {"AttributeName": "player", "KeyType": "HASH"},
            {"AttributeName": "board", "KeyType": "RANGE"},
        ],
        AttributeDefinitions=[
            {"AttributeName": "player", "AttributeType": "S"},
            {"AttributeName": "board", "AttributeType": "S"},
        ],
        BillingMode="PAY_PER_REQUEST",
    )


def _add(board_score: int, marker_condition: str) -> list[dict[str, Any]]:
    return [
        {
            "Update": {
                "TableName": "boards",
                "Key": {"player": {"S": "ada"}, "board": {"S": "all-time"}},
                "UpdateExpression": "ADD score :s",
                "ExpressionAttributeValues": {":s": {"N": str(board_score)}},
            }
        },
        {
            "Put": {
                "TableName": "boards",
                "Item": {"player": {"S": "ada"}, "board": {"S": "event#1"}},
                "ConditionExpression": marker_condition,
            }
        },
    ]


def test_a_failed_transaction_changes_nothing(emulator: Emulator) -> None:
    dynamodb = emulator.client("dynamodb")
    _board_table(dynamodb)
    dynamodb.transact_write_items(TransactItems=_add(5, "attribute_not_exists(player)"))

    # The board update comes first and succeeds; the marker's condition then fails.
    with pytest.raises(dynamodb.exceptions.TransactionCanceledException):
        dynamodb.transact_write_items(TransactItems=_add(7, "attribute_not_exists(player)"))

    key = {"player": {"S": "ada"}, "board": {"S": "all-time"}}
    assert dynamodb.get_item(TableName="boards", Key=key)["Item"]["score"] == {"N": "5"}
    assert dynamodb.scan(TableName="boards")["Count"] == 2


def test_a_failed_transaction_removes_items_it_created(emulator: Emulator) -> None:
    dynamodb = emulator.client("dynamodb")
    _board_table(dynamodb)
    created = {"Put": {"TableName": "boards", "Item": {"player": {"S": "bob"}, "board": {"S": "event#9"}}}}
    failing = {
        "ConditionCheck": {
            "TableName": "boards",
            "Key": {"player": {"S": "bob"}, "board": {"S": "all-time"}},
            "ConditionExpression": "attribute_exists(player)",
        }
    }

    with pytest.raises(dynamodb.exceptions.TransactionCanceledException):
        dynamodb.transact_write_items(TransactItems=[created, failing])

    assert dynamodb.scan(TableName="boards")["Count"] == 0


def test_queue_depth_attributes_count_visible_in_flight_and_delayed(emulator: Emulator) -> None:
    sqs = emulator.client("sqs")
    url = sqs.create_queue(QueueName="depth")["QueueUrl"]
    for body in ("a", "b", "c"):
        sqs.send_message(QueueUrl=url, MessageBody=body)
    sqs.send_message(QueueUrl=url, MessageBody="later", DelaySeconds=60)
    sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=1)
    names = [
        "ApproximateNumberOfMessages",
        "ApproximateNumberOfMessagesNotVisible",
        "ApproximateNumberOfMessagesDelayed",
    ]

    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=names)["Attributes"]

    # exactly the attributes asked for, counted as moto's own GetQueueAttributes counts them
    assert attributes == {
        "ApproximateNumberOfMessages": "2",
        "ApproximateNumberOfMessagesNotVisible": "1",
        "ApproximateNumberOfMessagesDelayed": "1",
    }
    with pytest.raises(sqs.exceptions.ClientError, match="InvalidAttributeName"):
        sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["NoSuchAttribute"])


def test_motos_own_methods_are_back_after_the_emulator_stops() -> None:
    import moto.dynamodb.models as dynamodb_models
    from moto import backends as moto_backends
    from moto.core import responses as moto_responses
    from moto.dynamodb.models import DynamoDBBackend
    from moto.sqs import models as sqs_models

    def current() -> tuple[object, ...]:
        return (
            sqs_models.unix_time,
            sqs_models.unix_time_millis,
            sqs_models.camelcase_to_underscores,
            sqs_models.SQSBackend.get_queue_attributes,
            sqs_models.SQSBackend.is_message_valid_based_on_retention_period,
            sqs_models.SQSBackend.receive_message,
            sqs_models.Queue.add_message,
            sqs_models.Queue.delete_message,
            moto_responses.method_names_from_class,
            moto_backends.list_of_moto_modules,
            dynamodb_models.copy,
            DynamoDBBackend.transact_write_items,
            DynamoDBBackend.update_item,
        )

    before = current()
    with start_emulator():
        during = current()
    assert all(replaced is not original for replaced, original in zip(during, before, strict=True))
    assert current() == before
