"""The embedded AWS emulator: moto's ThreadedMotoServer on 127.0.0.1, on a free port.

Everything local mode talks to goes through `Emulator.client()`, which points boto3 at the
emulator with fake credentials; nothing can reach a real AWS endpoint. `fake_aws_environment`
sets the same fake credentials in `os.environ` for code that builds its own clients (the
processor), together with `AWS_ENDPOINT_URL` so those clients also land on the emulator.
"""

from __future__ import annotations

import logging
import os
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from typing import Any

import boto3
from botocore.config import Config
from moto.server import ThreadedMotoServer

from engine.local.moto_compat import (
    cached_module_list,
    cached_response_method_names,
    fast_sqs_bookkeeping,
    linear_transactions,
    patched_sqs,
    serialized_dynamodb,
)

ACCOUNT_ID = "123456789012"
"""moto's default account: every ARN the emulator hands out uses it."""

FAKE_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "local-mode",
    "AWS_SECRET_ACCESS_KEY": "local-mode",
    "AWS_SESSION_TOKEN": "local-mode",
}


def fake_aws_environment(endpoint: str, region: str) -> dict[str, str]:
    """Environment variables that make any boto3 client in this process use the emulator."""
    return {
        **FAKE_CREDENTIALS,
        "AWS_DEFAULT_REGION": region,
        "AWS_REGION": region,
        "AWS_ENDPOINT_URL": endpoint,
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        "AWS_EC2_METADATA_DISABLED": "true",
    }


@contextmanager
def environment(values: Mapping[str, str]) -> Iterator[None]:
    """Set `values` in os.environ for the block and restore exactly what was there before."""
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@dataclass
class Emulator:
    """A running moto server; use `start_emulator()` to get one."""

    endpoint: str
    region: str
    _session: boto3.session.Session = field(repr=False)
    _config: Config = field(repr=False)

    def client(self, service: str) -> Any:
        """A boto3 client for `service` bound to the emulator (never a real endpoint)."""
        session: Any = self._session  # boto3's overloads want a literal service name
        return session.client(service, endpoint_url=self.endpoint, config=self._config)


def _reset(endpoint: str) -> None:
    request = urllib.request.Request(f"{endpoint}/moto-api/reset", method="POST")
    with urllib.request.urlopen(request, timeout=30):
        pass


@contextmanager
def start_emulator(region: str = "us-east-1") -> Iterator[Emulator]:
    """Run moto on 127.0.0.1 (free port) with local mode's SQS adjustments, for the block."""
    # werkzeug logs one line per request to stderr; local mode has its own progress output.
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    with ExitStack() as stack:
        stack.enter_context(patched_sqs())
        stack.enter_context(linear_transactions())
        stack.enter_context(serialized_dynamodb())
        stack.enter_context(cached_module_list())
        stack.enter_context(fast_sqs_bookkeeping())
        stack.enter_context(cached_response_method_names())
        server.start()
        stack.callback(server.stop)
        host, port = server.get_host_and_port()
        endpoint = f"http://{host}:{port}"
        # moto's backends are process-wide: start from an empty account, leave one behind.
        _reset(endpoint)
        stack.callback(_reset, endpoint)
        stack.enter_context(environment(fake_aws_environment(endpoint, region)))
        session = boto3.session.Session(
            aws_access_key_id=FAKE_CREDENTIALS["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=FAKE_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
            aws_session_token=FAKE_CREDENTIALS["AWS_SESSION_TOKEN"],
            region_name=region,
        )
        # Generous pool: every poller thread and producer shares these clients.
        config = Config(max_pool_connections=64, retries={"mode": "standard", "max_attempts": 3})
        yield Emulator(endpoint=endpoint, region=region, _session=session, _config=config)
