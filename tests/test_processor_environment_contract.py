"""The env-var contract: docs/processor-environment.md, the engine and the processor agree."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from engine.processor_env import ENVIRONMENT_VARIABLES, processor_environment
from tests.pipeline_specs import fifo_pipeline, standard_pipeline

REPO = Path(__file__).resolve().parent.parent
DOC = REPO / "docs" / "processor-environment.md"
PROCESSOR_CONFIG = REPO / "lambda" / "processor" / "config.py"


def documented_variables() -> tuple[str, ...]:
    """The first column of the table, in order."""
    rows = re.findall(r"^\| `([A-Z0-9_]+)` \|", DOC.read_text(encoding="utf-8"), flags=re.MULTILINE)
    return tuple(rows)


def processor_variables() -> tuple[str, ...]:
    """`ENVIRONMENT_VARIABLES` of lambda/processor/config.py, read without importing it."""
    tree = ast.parse(PROCESSOR_CONFIG.read_text(encoding="utf-8"))
    target: ast.expr
    for node in ast.walk(tree):
        if isinstance(node, ast.AnnAssign) and node.value is not None:
            target, value = node.target, node.value
        elif isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, value = node.targets[0], node.value
        else:
            continue
        if isinstance(target, ast.Name) and target.id == "ENVIRONMENT_VARIABLES":
            return tuple(ast.literal_eval(value))
    raise AssertionError("lambda/processor/config.py defines no ENVIRONMENT_VARIABLES")


def test_engine_sets_exactly_the_documented_variables_in_order() -> None:
    assert len(documented_variables()) == 20
    assert documented_variables() == ENVIRONMENT_VARIABLES


def test_processor_reads_exactly_the_documented_variables() -> None:
    assert set(processor_variables()) == set(documented_variables())


def test_built_environment_has_exactly_the_contract_names() -> None:
    for spec in (fifo_pipeline(), standard_pipeline()):
        environment = processor_environment(spec, "https://sqs.example/dlq")
        assert tuple(environment) == ENVIRONMENT_VARIABLES
        assert all(isinstance(value, str) and value for value in environment.values())


def test_documented_examples_match_what_the_engine_builds() -> None:
    """The doc's examples are space-race global in dev; spot-check the values the engine derives."""
    environment = processor_environment(fifo_pipeline(), "https://sqs.us-east-1.amazonaws.com/1/x")
    assert environment["LB_TABLE_NAME"] == "space-race-global-dev"
    assert environment["POWERTOOLS_SERVICE_NAME"] == "space-race-global"
    assert environment["POWERTOOLS_METRICS_NAMESPACE"] == "Leaderboard"
    assert environment["LB_DEDUP_TTL_S"] == str(4 * 86400 + 14 * 86400) == "1555200"
    assert environment["LB_TRACING"] == "true" and environment["POWERTOOLS_TRACE_DISABLED"] == "false"
    quiet = processor_environment(standard_pipeline(), "u")
    assert quiet["LB_TRACING"] == "false" and quiet["POWERTOOLS_TRACE_DISABLED"] == "true"
