"""One Lambda execution environment: a child process that imports the function's handler once
(its init phase) and then serves invocations, like the Lambda runtime does.

Run as `python lambda_worker.py CODE_DIR HANDLER` with exactly the function's environment.
It uses the standard library only (plus whatever the function's code imports) and never
imports `engine`: the code under test sees only its own archive and its environment.

Protocol (JSON lines): the worker writes `{"ready": true}` or `{"init_error": ...}` once, then
answers every request line `{"event": ..., "request_id": ..., "deadline_ms": ...}` with
`{"response": ..., "logs": [...]}` or `{"error": ..., "logs": [...]}`. The function's own
stdout (its log lines and EMF metrics) is captured per invocation and returned as `logs`.
"""

from __future__ import annotations

import importlib
import io
import json
import os
import sys
import time
import traceback
from typing import Any, TextIO


class LambdaContext:
    """The attributes of Lambda's context object that Powertools and handlers read."""

    def __init__(self, request_id: str, deadline_ms: int) -> None:
        name = os.environ.get("AWS_LAMBDA_FUNCTION_NAME", "")
        region = os.environ.get("AWS_REGION", "")
        account = os.environ.get("LOCAL_MODE_ACCOUNT_ID", "")
        self.function_name = name
        self.function_version = os.environ.get("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
        self.invoked_function_arn = f"arn:aws:lambda:{region}:{account}:function:{name}"
        self.memory_limit_in_mb = int(os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128"))
        self.aws_request_id = request_id
        self.log_group_name = os.environ.get("AWS_LAMBDA_LOG_GROUP_NAME", "")
        self.log_stream_name = os.environ.get("AWS_LAMBDA_LOG_STREAM_NAME", "")
        self._deadline_ms = deadline_ms

    def get_remaining_time_in_millis(self) -> int:
        return max(0, self._deadline_ms - int(time.time() * 1000))


class _Capture(io.TextIOBase):
    """sys.stdout of the function: collects complete lines for the current invocation."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self._partial = ""

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        *complete, self._partial = (self._partial + text).split("\n")
        self.lines.extend(complete)
        return len(text)

    def take(self) -> list[str]:
        lines, self.lines = self.lines, []
        if self._partial:
            lines.append(self._partial)
            self._partial = ""
        return lines


def _load_handler(code_dir: str, handler: str) -> Any:
    module_name, _, function_name = handler.rpartition(".")
    sys.path.insert(0, code_dir)
    return getattr(importlib.import_module(module_name), function_name)


def _reply(channel: TextIO, message: dict[str, Any]) -> None:
    channel.write(json.dumps(message) + "\n")
    channel.flush()


def _serve(channel: TextIO, capture: _Capture, handler: Any) -> None:
    for line in sys.stdin:
        request = json.loads(line)
        context = LambdaContext(request["request_id"], request["deadline_ms"])
        try:
            response = handler(request["event"], context)
        except Exception as error:  # the function failed: Lambda reports it as a function error
            logs = capture.take() + traceback.format_exc().splitlines()
            _reply(channel, {"error": f"{type(error).__name__}: {error}", "logs": logs})
            continue
        _reply(channel, {"response": response, "logs": capture.take()})


def main(code_dir: str, handler_name: str) -> int:
    # The protocol keeps the real stdout; the function's prints go to the capture instead,
    # and anything written to file descriptor 1 directly lands on stderr.
    channel = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)
    capture = _Capture()
    sys.stdout = capture
    # Only the function's code and the installed libraries: not this script's directory.
    sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != os.path.dirname(__file__)]
    try:
        handler = _load_handler(code_dir, handler_name)
    except BaseException as error:  # init failure: report it, as Lambda does, then stop
        logs = capture.take() + traceback.format_exc().splitlines()
        _reply(channel, {"init_error": f"{type(error).__name__}: {error}", "logs": logs})
        return 1
    _reply(channel, {"ready": True, "logs": capture.take()})
    _serve(channel, capture, handler)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
