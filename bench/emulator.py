"""Where the handlers' DynamoDB lives: moto in this process, or a moto server process on loopback.

In-process (`mock_aws`) the emulator's own work (parsing expressions, copying items) runs on
the caller's clock, so it is charged to whichever handler sends the heavier request. A server
process keeps it off the handler's CPU time, as in AWS, where DynamoDB's work is not the
function's; the handler then also pays for real HTTP over loopback, as a function does.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager

LOOPBACK = "127.0.0.1"
PLACEMENTS = ("server", "in-process")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((LOOPBACK, 0))
        port: int = probe.getsockname()[1]
        return port


def _wait_until_up(url: str, process: subprocess.Popen[bytes], timeout_s: float = 30.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"moto server exited with {process.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/moto-api/", timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"moto server did not answer on {url} within {timeout_s:.0f}s")


@contextmanager
def moto_server() -> Iterator[str]:
    """A moto server on a free loopback port for the duration; yields its endpoint URL."""
    port = _free_port()
    url = f"http://{LOOPBACK}:{port}"
    process = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", LOOPBACK, "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_until_up(url, process)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextmanager
def in_process() -> Iterator[None]:
    from moto import mock_aws

    with mock_aws():
        yield


@contextmanager
def emulator(placement: str) -> Iterator[None]:
    """Run the block against moto placed `in-process` or in a `server` process (via AWS_ENDPOINT_URL)."""
    if placement == "in-process":
        with in_process():
            yield
        return
    with moto_server() as url:
        previous = os.environ.get("AWS_ENDPOINT_URL")
        os.environ["AWS_ENDPOINT_URL"] = url
        try:
            yield
        finally:
            if previous is None:
                os.environ.pop("AWS_ENDPOINT_URL", None)
            else:
                os.environ["AWS_ENDPOINT_URL"] = previous
