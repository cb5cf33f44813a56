"""Run a bench worker in a fresh interpreter and read the one JSON object it prints last."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent


def worker_environment(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The parent's environment with the repo importable and fake AWS settings (never a real account)."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH", "")]))
    env.update(
        {
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_SESSION_TOKEN": "testing",
            "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_REGION": "us-east-1",
            "AWS_CONFIG_FILE": os.devnull,
            "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
            "AWS_EC2_METADATA_DISABLED": "true",
            "PYTHONWARNINGS": "ignore::DeprecationWarning",
        }
    )
    # Let workers write bytecode caches, as an installed package or a developer's checkout has them.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.pop("AWS_PROFILE", None)
    env.pop("AWS_ENDPOINT_URL", None)
    env.update(extra or {})
    return env


def run_worker(module: str, arguments: list[str], extra_env: dict[str, str] | None = None) -> Any:
    """`python -m <module> <arguments>`; its stdout's last line must be JSON."""
    completed = subprocess.run(
        [sys.executable, "-m", module, *arguments],
        cwd=REPO,
        env=worker_environment(extra_env),
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode != 0:
        raise RuntimeError(
            f"{module} {' '.join(arguments)} failed ({completed.returncode}):\n{completed.stderr[-4000:]}"
        )
    lines = completed.stdout.strip().splitlines()
    if not lines:
        raise RuntimeError(f"{module} printed nothing:\n{completed.stderr[-4000:]}")
    return json.loads(lines[-1])
