"""A stand-in for the Lambda context object, for callers outside Lambda (local mode, tests)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field


@dataclass(frozen=True)
class LocalLambdaContext:
    """Carries the attributes Powertools reads from the real context."""

    function_name: str = "leaderboard-processor-local"
    function_version: str = "$LATEST"
    memory_limit_in_mb: int = 512
    invoked_function_arn: str = "arn:aws:lambda:us-east-1:123456789012:function:leaderboard-processor-local"
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    log_group_name: str = "/aws/lambda/leaderboard-processor-local"
    log_stream_name: str = "local"
    remaining_time_ms: int = 30_000

    def get_remaining_time_in_millis(self) -> int:
        return self.remaining_time_ms
