"""aws:cloudwatch/metricAlarm:MetricAlarm -> PutMetricAlarm."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from engine.local.resources.base import Created, DeployContext, Inputs, drop_none, tag_list

_SCALARS = {
    "comparisonOperator": "ComparisonOperator",
    "evaluationPeriods": "EvaluationPeriods",
    "datapointsToAlarm": "DatapointsToAlarm",
    "metricName": "MetricName",
    "namespace": "Namespace",
    "period": "Period",
    "statistic": "Statistic",
    "extendedStatistic": "ExtendedStatistic",
    "threshold": "Threshold",
    "thresholdMetricId": "ThresholdMetricId",
    "treatMissingData": "TreatMissingData",
    "unit": "Unit",
    "alarmDescription": "AlarmDescription",
    "actionsEnabled": "ActionsEnabled",
    "evaluateLowSampleCountPercentiles": "EvaluateLowSampleCountPercentile",
    "alarmActions": "AlarmActions",
    "okActions": "OKActions",
    "insufficientDataActions": "InsufficientDataActions",
}


def _dimensions(values: Mapping[str, str] | None) -> list[dict[str, str]] | None:
    return tag_list(values, "Name", "Value") or None


def _query(query: Mapping[str, Any]) -> dict[str, Any]:
    metric = query.get("metric")
    stat = None
    if metric:
        stat = drop_none(
            {
                "Metric": drop_none(
                    {
                        "MetricName": metric["metricName"],
                        "Namespace": metric.get("namespace"),
                        "Dimensions": _dimensions(metric.get("dimensions")),
                    }
                ),
                "Period": metric["period"],
                "Stat": metric["stat"],
                "Unit": metric.get("unit"),
            }
        )
    return drop_none(
        {
            "Id": query["id"],
            "Expression": query.get("expression"),
            "Label": query.get("label"),
            "ReturnData": query.get("returnData"),
            "Period": query.get("period"),
            "MetricStat": stat,
        }
    )


def create_metric_alarm(inputs: Inputs, context: DeployContext) -> Created:
    name = inputs.required("name")
    request: dict[str, Any] = {"AlarmName": name}
    for key, parameter in _SCALARS.items():
        value = inputs.optional(key)
        if value is not None:
            request[parameter] = float(value) if key == "threshold" else value
    dimensions = _dimensions(inputs.optional("dimensions"))
    if dimensions:
        request["Dimensions"] = dimensions
    queries = inputs.optional("metricQueries")
    if queries:
        request["Metrics"] = [_query(q) for q in queries]
    tags = tag_list(inputs.optional("tags"))
    if tags:
        request["Tags"] = tags
    client = context.client("cloudwatch")
    with inputs.aws_call("PutMetricAlarm"):
        client.put_metric_alarm(**request)
        alarm = client.describe_alarms(AlarmNames=[name])["MetricAlarms"][0]
    return Created(id=name, outputs={"arn": alarm["AlarmArn"], "name": name})
