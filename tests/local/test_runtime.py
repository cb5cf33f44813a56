"""Execution environments: the function's own process, environment, timeout and init errors."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from engine.local.runtime import ExecutionEnvironment, FunctionConfig, FunctionInitError

HANDLER = """
import os, sys, time
GREETING = os.environ["GREETING"]  # read at init, like the processor's configuration

def handler(event, context):
    print('{"_aws": {}, "applied": [1.0]}')
    if event.get("sleep"):
        time.sleep(event["sleep"])
    return {"greeting": GREETING, "pid": os.getpid(), "remaining": context.get_remaining_time_in_millis() > 0}
"""


def _function(tmp_path: Path, source: str = HANDLER, timeout_s: int = 1) -> tuple[FunctionConfig, Path]:
    (tmp_path / "app.py").write_text(source)
    config = FunctionConfig(
        "f",
        "arn:aws:lambda:us-east-1:123456789012:function:f",
        "app.handler",
        timeout_s,
        128,
        {},
        "/aws/lambda/f",
        "",
    )
    return config, tmp_path


def test_invocations_run_in_a_warm_process_with_the_functions_environment(tmp_path: Path) -> None:
    config, code = _function(tmp_path)
    environment = ExecutionEnvironment(config, code, {"PATH": os.environ["PATH"], "GREETING": "hi"})
    environment.start()
    try:
        first, second = environment.invoke({}), environment.invoke({})
    finally:
        environment.close()

    assert first.response["greeting"] == "hi" and first.response["remaining"] is True
    assert first.response["pid"] == second.response["pid"] != os.getpid()
    assert first.logs == ['{"_aws": {}, "applied": [1.0]}']


def test_a_timed_out_invocation_is_an_error_and_the_next_one_starts_cold(tmp_path: Path) -> None:
    config, code = _function(tmp_path)
    environment = ExecutionEnvironment(
        config, code, {"PATH": os.environ["PATH"], "GREETING": "hi"}, timeout_factor=1
    )
    environment.start()
    try:
        timed_out = environment.invoke({"sleep": 5})
        after = environment.invoke({})
    finally:
        environment.close()

    assert timed_out.error == "Task timed out after 1 seconds"
    assert after.error is None and after.response["greeting"] == "hi"  # a fresh process answered


def test_an_init_failure_names_the_function_and_the_error(tmp_path: Path) -> None:
    config, code = _function(tmp_path)
    environment = ExecutionEnvironment(config, code, {"PATH": os.environ["PATH"]})  # GREETING missing

    with pytest.raises(FunctionInitError, match=r"function f: init failed: KeyError: 'GREETING'"):
        environment.start()


def test_the_timeout_factor_gives_a_slow_emulator_room(tmp_path: Path) -> None:
    config, code = _function(tmp_path)
    variables = {"PATH": os.environ["PATH"], "GREETING": "hi"}
    environment = ExecutionEnvironment(config, code, variables, timeout_factor=4)
    environment.start()
    try:
        slow = environment.invoke({"sleep": 1.5})
    finally:
        environment.close()

    assert slow.error is None and environment.timeout_s == 4
