"""Run a deployed function the way Lambda does: its code archive, its environment, a process each.

Every execution environment is a child process (`lambda_worker.py`) started with exactly the
function's environment variables (read back from the emulator) plus what the Lambda runtime
adds (AWS_LAMBDA_FUNCTION_NAME, AWS_REGION, credentials, ...) and `AWS_ENDPOINT_URL` pointing
at the emulator. It imports the handler from the zip that was deployed (extracted once per
function) and serves one invocation at a time, so several pipelines, and several concurrent
invocations of one pipeline, never share module state, as in Lambda. What a handler prints
(log lines, EMF metrics) comes back with each invocation.

Not emulated: the Python version (the local interpreter runs the code, whatever `runtime`
says), memory limits, and X-Ray (LAMBDA_TASK_ROOT is not set, so Powertools' Tracer stays off,
as it does under `sam local`).
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import io
import json
import os
import queue
import subprocess
import sys
import threading
import time
import uuid
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

WORKER = Path(__file__).with_name("lambda_worker.py")
INIT_TIMEOUT_S = 60.0
"""Lambda allows 10 s of init; a loaded 2-core machine importing boto3 + Powertools needs more."""


class FunctionInitError(RuntimeError):
    """The function failed its init phase (import error, bad environment)."""


@dataclass(frozen=True)
class FunctionConfig:
    """A function as the emulator holds it (GetFunctionConfiguration)."""

    name: str
    arn: str
    handler: str
    timeout_s: int
    memory_mb: int
    variables: Mapping[str, str]
    log_group: str
    code_sha256: str


def read_function(lambda_client: Any, name: str) -> FunctionConfig:
    config = lambda_client.get_function_configuration(FunctionName=name)
    return FunctionConfig(
        name=config["FunctionName"],
        arn=config["FunctionArn"],
        handler=config["Handler"],
        timeout_s=int(config["Timeout"]),
        memory_mb=int(config["MemorySize"]),
        variables=dict(config.get("Environment", {}).get("Variables", {})),
        log_group=config.get("LoggingConfig", {}).get("LogGroup") or f"/aws/lambda/{name}",
        code_sha256=config["CodeSha256"],
    )


@dataclass
class Invocation:
    """The outcome of one invocation: a response, or a function error; plus its log lines."""

    response: Any = None
    error: str | None = None
    logs: list[str] = field(default_factory=list)


def extract_code(zip_bytes: bytes, expected_sha256: str, target: Path) -> Path:
    """Unzip the deployed archive after checking it is the one the emulator holds."""
    actual = base64.b64encode(hashlib.sha256(zip_bytes).digest()).decode()
    if actual != expected_sha256:
        raise FunctionInitError(f"code archive hash {actual} differs from the deployed {expected_sha256}")
    with zipfile.ZipFile(io.BytesIO(zip_bytes)) as archive:
        archive.extractall(target)
    return target


def runtime_environment(
    function: FunctionConfig, aws_environment: Mapping[str, str], account_id: str
) -> dict[str, str]:
    """What Lambda puts in a function's environment, then the function's own variables."""
    inherited = {name: os.environ[name] for name in ("PATH", "HOME", "LANG", "TMPDIR") if name in os.environ}
    return {
        **inherited,
        **aws_environment,
        "PYTHONDONTWRITEBYTECODE": "1",
        "AWS_LAMBDA_FUNCTION_NAME": function.name,
        "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(function.memory_mb),
        "AWS_LAMBDA_LOG_GROUP_NAME": function.log_group,
        "AWS_LAMBDA_LOG_STREAM_NAME": f"local/{uuid.uuid4().hex}",
        "_HANDLER": function.handler,
        "LOCAL_MODE_ACCOUNT_ID": account_id,
        **function.variables,
    }


class ExecutionEnvironment:
    """One warm process of one function; `invoke` is not re-entrant (one caller at a time)."""

    def __init__(
        self,
        function: FunctionConfig,
        code_dir: Path,
        environment: Mapping[str, str],
        timeout_factor: float = 1.0,
    ) -> None:
        self.function = function
        self._code_dir = code_dir
        self._environment = dict(environment)
        self.timeout_s = function.timeout_s * timeout_factor
        self._lines: queue.Queue[str | None] = queue.Queue()
        self._process: subprocess.Popen[str] | None = None

    def start(self) -> None:
        self._lines = queue.Queue()  # a fresh channel: the previous process's reader may still post
        process = subprocess.Popen(
            [sys.executable, str(WORKER), str(self._code_dir), self.function.handler],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=self._environment,
            text=True,
            cwd=self._code_dir,
        )
        self._process = process
        assert process.stdout is not None
        threading.Thread(target=self._read, args=(process.stdout, self._lines), daemon=True).start()
        ready = self._next_message(INIT_TIMEOUT_S)
        if ready is None or "init_error" in ready:
            self.close()
            detail = "no answer" if ready is None else ready["init_error"]
            logs = "" if ready is None else "\n".join(ready.get("logs", [])[-5:])
            raise FunctionInitError(f"function {self.function.name}: init failed: {detail}\n{logs}".rstrip())

    @staticmethod
    def _read(stream: IO[str], lines: queue.Queue[str | None]) -> None:
        for line in stream:
            lines.put(line)
        lines.put(None)

    def _next_message(self, timeout_s: float) -> dict[str, Any] | None:
        try:
            line = self._lines.get(timeout=timeout_s)
        except queue.Empty:
            return None
        return None if line is None else dict(json.loads(line))

    @property
    def alive(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def invoke(self, event: Mapping[str, Any]) -> Invocation:
        """Run the handler on `event` within the function's timeout (as Lambda would)."""
        if not self.alive:
            try:
                self.start()  # a cold start: the first invocation, or after a crash or timeout
            except FunctionInitError as error:
                return Invocation(error=str(error))  # Lambda fails the invocation; SQS retries
        process = self._process
        assert process is not None and process.stdin is not None
        deadline_ms = int((time.time() + self.timeout_s) * 1000)
        request = {"event": event, "request_id": str(uuid.uuid4()), "deadline_ms": deadline_ms}
        try:
            process.stdin.write(json.dumps(request) + "\n")
            process.stdin.flush()
        except OSError:
            self.close()
            return Invocation(error="Runtime.ExitError: the execution environment exited")
        reply = self._next_message(self.timeout_s + 1)
        if reply is None:
            self.close(kill=True)  # Lambda discards an environment that timed out or crashed
            return Invocation(error=f"Task timed out after {self.timeout_s:g} seconds")
        return Invocation(
            response=reply.get("response"), error=reply.get("error"), logs=reply.get("logs", [])
        )

    def close(self, kill: bool = False) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        if kill:
            process.kill()
        if process.stdin is not None:
            with contextlib.suppress(OSError):  # the process may already be gone
                process.stdin.close()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stdout is not None:
            process.stdout.close()


class FunctionRuntime:
    """A deployed function ready to run: its extracted code and how to start environments."""

    def __init__(self, function: FunctionConfig, code_dir: Path, environment: Mapping[str, str]) -> None:
        self.function = function
        self.code_dir = code_dir
        self._environment = environment

    def new_environment(self, timeout_factor: float = 1.0) -> ExecutionEnvironment:
        return ExecutionEnvironment(self.function, self.code_dir, self._environment, timeout_factor)


def start_all(environments: list[ExecutionEnvironment]) -> None:
    """Start environments in parallel (init phases overlap, as Lambda's do); raise the first error."""
    errors: list[BaseException] = []

    def start(environment: ExecutionEnvironment) -> None:
        try:
            environment.start()
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=start, args=(e,), daemon=True) for e in environments]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        for environment in environments:
            environment.close(kill=True)
        raise errors[0]
