"""processor: the real handler vs the naive baseline handler, same batches, same moto DynamoDB.

One worker process (`python -m bench.processor ...`) starts moto (`bench.emulator`: a server
process by default, or `mock_aws` in-process), creates the table the engine would
(docs/processor-environment.md), imports both handlers (cold start outside the clock), then
alternates: run every batch through one handler and take the CPU seconds (`time.process_time`)
per message. Each run sends the same events under new player ids (`score_events(prefix=...)`),
so every run starts from the same state without wiping the table under a warm handler.
DynamoDB calls are counted with a botocore `before-call.dynamodb` hook on the default session
both handlers create their clients from.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from bench import sqs_events, timing
from bench.emulator import PLACEMENTS, emulator
from bench.subprocess_json import REPO, run_worker

GAME = "bench-game"
TABLE = f"{GAME}-main-dev"
ACCOUNT = "123456789012"
QUEUE_ARN = f"arn:aws:sqs:us-east-1:{ACCOUNT}:{TABLE}.fifo"
DLQ_NAME = f"{TABLE}-dlq.fifo"
BATCH_SIZE = 10
SIDES = ("ours", "baseline")
Handler = Callable[[dict[str, Any], Any], dict[str, Any]]


@dataclass(frozen=True)
class Scenario:
    """The pipeline both handlers serve: one all-time board, so both write once per message."""

    windows: tuple[str, ...] = ("all-time",)
    mode: str = "best"

    def environment(self, dlq_url: str) -> dict[str, str]:
        return {
            "LB_GAME_ID": GAME,
            "LB_PIPELINE": "main",
            "LB_QUEUE_TYPE": "fifo",
            "LB_TABLE_NAME": TABLE,
            "LB_DLQ_URL": dlq_url,
            "LB_PARTITION_KEY": "player_id",
            "LB_PARTITION_KEY_TYPE": "S",
            "LB_SORT_KEY": "board",
            "LB_TTL_ATTRIBUTE": "expires_at",
            "LB_SCORE_INDEX": "score-index",
            "LB_SCORING_MODE": self.mode,
            "LB_SCORING_ORDER": "desc",
            "LB_WINDOWS": ",".join(self.windows),
            "LB_WINDOW_RETENTION_S": "2592000",
            "LB_SHARDS": "1",
            "LB_DEDUP_TTL_S": "1555200",
            "LB_TRACING": "false",
            "POWERTOOLS_SERVICE_NAME": f"{GAME}-main",
            "POWERTOOLS_METRICS_NAMESPACE": "Leaderboard",
            "POWERTOOLS_TRACE_DISABLED": "true",
        }


@dataclass(frozen=True)
class ProcessorResult:
    messages: int
    emulator: str
    ours_cpu_s_per_msg: float
    baseline_cpu_s_per_msg: float
    ratio: float
    dynamodb_calls_per_board_update: float
    ours_calls: dict[str, int]
    baseline_calls: dict[str, int]

    def as_json(self) -> dict[str, Any]:
        return {
            "messages": self.messages,
            "ours_cpu_s_per_msg": round(self.ours_cpu_s_per_msg, 7),
            "baseline_cpu_s_per_msg": round(self.baseline_cpu_s_per_msg, 7),
            "ratio": self.ratio,
            "dynamodb_calls_per_board_update": self.dynamodb_calls_per_board_update,
        }


def run(
    messages: int,
    repetitions: int,
    scenario: Scenario | None = None,
    emulator: str = "server",
) -> ProcessorResult:
    scenario = scenario or Scenario()
    arguments = [
        str(messages),
        str(repetitions),
        "--windows",
        ",".join(scenario.windows),
        "--mode",
        scenario.mode,
    ]
    arguments += ["--emulator", emulator]
    data = run_worker("bench.processor", arguments)
    ours, baseline = timing.median(data["ours"]), timing.median(data["baseline"])
    board_updates = data["valid_messages"] * len(scenario.windows)
    ours_calls: dict[str, int] = data["calls"]["ours"]
    return ProcessorResult(
        messages=messages,
        emulator=emulator,
        ours_cpu_s_per_msg=ours,
        baseline_cpu_s_per_msg=baseline,
        ratio=timing.ratio(ours, baseline),
        dynamodb_calls_per_board_update=round(sum(ours_calls.values()) / board_updates, 3),
        ours_calls=ours_calls,
        baseline_calls=data["calls"]["baseline"],
    )


# -- the worker (runs in a fresh interpreter) ---------------------------------------------------


class CallCounter:
    """botocore `before-call` hook: counts DynamoDB operations by name."""

    def __init__(self) -> None:
        self.calls: Counter[str] = Counter()

    def __call__(self, model: Any, **_: Any) -> None:
        self.calls[model.name] += 1


def _create_table(admin: Any) -> None:
    admin.create_table(
        TableName=TABLE,
        BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[
            {"AttributeName": name, "AttributeType": kind}
            for name, kind in (("player_id", "S"), ("board", "S"), ("board_shard", "S"), ("score", "N"))
        ],
        KeySchema=[
            {"AttributeName": "player_id", "KeyType": "HASH"},
            {"AttributeName": "board", "KeyType": "RANGE"},
        ],
        GlobalSecondaryIndexes=[
            {
                "IndexName": "score-index",
                "KeySchema": [
                    {"AttributeName": "board_shard", "KeyType": "HASH"},
                    {"AttributeName": "score", "KeyType": "RANGE"},
                ],
                "Projection": {"ProjectionType": "ALL"},
            }
        ],
    )


def _silence_stdout() -> int:
    """Send fd 1 (both handlers' logs and EMF metrics) to /dev/null; return a dup of the real one."""
    sys.stdout.flush()
    real = os.dup(1)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.close(devnull)
    return real


class _Runs:
    """Both handlers, their DynamoDB call counter, and one measured run at a time."""

    def __init__(
        self,
        messages: int,
        scenario: Scenario,
        handlers: dict[str, Handler],
        counter: CallCounter,
        admin: Any,
    ) -> None:
        self.messages = messages
        # The read-back check knows what `best` (higher is better) leaves on the all-time board.
        self.check_boards = scenario.mode == "best" and "all-time" in scenario.windows
        self.handlers = handlers
        self.counter = counter
        self.admin = admin
        self.calls: dict[str, dict[str, int]] = {}
        self.context = sqs_events.BenchContext()
        self._runs: Counter[str] = Counter()

    def measurement(self, side: str) -> Callable[[], float]:
        return partial(self.once, side)

    def once(self, side: str) -> float:
        """CPU seconds per message of one run of every batch through `side`'s handler."""
        # Same events every time, under new player ids: fresh items, the same work.
        prefix = f"{side[0]}{self._runs[side]}-"
        self._runs[side] += 1
        events = sqs_events.score_events(
            GAME, self.messages, players=max(2, self.messages // 10), prefix=prefix
        )
        batches = sqs_events.batches(events, BATCH_SIZE, QUEUE_ARN)
        self.counter.calls.clear()
        started = time.process_time()
        for batch in batches:
            response = self.handlers[side](batch, self.context)
            if response["batchItemFailures"]:
                raise RuntimeError(f"{side} failed records: {response['batchItemFailures'][:3]}")
        elapsed = time.process_time() - started
        self.calls[side] = dict(self.counter.calls)
        if side == "ours" and self.check_boards:
            self._check_best_scores(events)
        return elapsed / self.messages

    def _check_best_scores(self, events: list[dict[str, Any]]) -> None:
        """A fast handler must still do the work: each player's all-time board holds their best."""
        best: dict[str, int] = {}
        for event in events:
            best[event["player_id"]] = max(best.get(event["player_id"], event["score"]), event["score"])
        players = sorted(best)
        for start in range(0, len(players), 100):
            keys = [{"player_id": {"S": p}, "board": {"S": "all-time"}} for p in players[start : start + 100]]
            found = self.admin.batch_get_item(RequestItems={TABLE: {"Keys": keys}})["Responses"][TABLE]
            stored = {item["player_id"]["S"]: int(item["score"]["N"]) for item in found}
            wrong = [p for p in players[start : start + 100] if stored.get(p) != best[p]]
            if wrong:
                raise RuntimeError(
                    f"ours left wrong boards, e.g. {wrong[0]}: {stored.get(wrong[0])} != {best[wrong[0]]}"
                )


def _worker(messages: int, repetitions: int, scenario: Scenario, placement: str) -> dict[str, Any]:
    """Both handlers over the same batches; per side, CPU seconds per message and DynamoDB calls."""
    import boto3

    with emulator(placement):
        admin_session = boto3.session.Session(region_name="us-east-1")
        admin = admin_session.client("dynamodb")
        _create_table(admin)
        dlq_url = admin_session.client("sqs").create_queue(
            QueueName=DLQ_NAME, Attributes={"FifoQueue": "true", "ContentBasedDeduplication": "true"}
        )["QueueUrl"]
        os.environ.update(scenario.environment(dlq_url))
        # Both handlers create their clients from the default session at import: hook it first.
        boto3.setup_default_session(region_name="us-east-1")
        counter = CallCounter()
        assert boto3.DEFAULT_SESSION is not None
        boto3.DEFAULT_SESSION.events.register("before-call.dynamodb", counter)
        handlers = _import_handlers()
        runs = _Runs(messages, scenario, handlers, counter, admin)
        samples = timing.alternate({side: runs.measurement(side) for side in SIDES}, repetitions)
    return {**samples, "valid_messages": messages, "calls": runs.calls}


def _import_handlers() -> dict[str, Handler]:
    sys.path.insert(0, str(REPO / "lambda"))
    ours = importlib.import_module("processor.handler")
    baseline = importlib.import_module("bench.baseline_handler")
    return {"ours": ours.lambda_handler, "baseline": baseline.lambda_handler}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.processor", description="processor measurements")
    parser.add_argument("messages", type=int)
    parser.add_argument("repetitions", type=int)
    parser.add_argument("--windows", default="all-time")
    parser.add_argument("--mode", default="best")
    parser.add_argument("--emulator", choices=PLACEMENTS, default="server")
    args = parser.parse_args(argv)
    scenario = Scenario(windows=tuple(args.windows.split(",")), mode=args.mode)
    real_stdout = _silence_stdout()
    result = _worker(args.messages, args.repetitions, scenario, args.emulator)
    os.write(real_stdout, (json.dumps(result) + "\n").encode())
    return 0


if __name__ == "__main__":
    sys.exit(main())
