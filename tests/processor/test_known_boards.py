"""The known-boards cache: best/latest skip the UpdateItem of an event that cannot win, exactly.

"Exactly" is checked by running the same events with and without the cache (and with two
containers, each with its own cache, sharing one table) and comparing every outcome and every
item. DynamoDB calls are counted with a botocore `before-call` hook on the client.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from processor.config import ProcessorConfig, load_config
from processor.known_boards import KnownBoards
from processor.scoring import ScoreWriter
from processor.validation import ValidEvent
from processor.windows import boards_for
from processor_helpers import (
    ProcessorUnderTest,
    all_items,
    batch,
    board_scores,
    create_table,
    import_handler,
    make_record,
    processor_environment,
    redelivered,
    score_body,
    throttle,
)

T0 = 1_796_378_400_000  # 2026-12-04T10:00:00Z
DAY_MS = 86_400_000
DLQ = "https://sqs.us-east-1.amazonaws.com/123456789012/dlq.fifo"
MODES = [("best", "desc"), ("best", "asc"), ("latest", "desc")]


def _during_the_events() -> float:
    """A fixed clock an hour after T0: the daily boards of the events are still live."""
    return T0 / 1000 + 3600


class CallCounter:
    """Counts DynamoDB operations a client sends (botocore `before-call` hook)."""

    def __init__(self, client: Any) -> None:
        self.calls: Counter[str] = Counter()
        client.meta.events.register("before-call.dynamodb", self)

    def __call__(self, model: Any, **_: Any) -> None:
        self.calls[model.name] += 1

    @property
    def total(self) -> int:
        return sum(self.calls.values())


def _config(
    dynamodb: Any, table: str, mode: str = "best", order: str = "desc", **overrides: str
) -> ProcessorConfig:
    create_table(dynamodb, name=table)
    environment = processor_environment(
        DLQ, LB_TABLE_NAME=table, LB_SCORING_MODE=mode, LB_SCORING_ORDER=order, **overrides
    )
    return load_config(environment)


def _writer(
    dynamodb: Any,
    config: ProcessorConfig,
    known: KnownBoards | None,
    clock: Callable[[], float] = _during_the_events,
) -> ScoreWriter:
    return ScoreWriter(dynamodb, config, clock=clock, known_boards=known)


def _event(event_id: str, player: str, score: int | str, timestamp_ms: int = T0) -> ValidEvent:
    return ValidEvent(event_id, player, Decimal(score), timestamp_ms, None)


def _items_without_write_times(dynamodb: Any, table: str) -> list[dict[str, Any]]:
    """Every item, minus `updated_at` (the write's own clock), in key order."""
    items = [{k: v for k, v in item.items() if k != "updated_at"} for item in all_items(dynamodb, table)]
    return sorted(items, key=lambda item: (item["player_id"]["S"], item["board"]["S"]))


def test_an_event_that_cannot_beat_the_known_score_is_ignored_without_a_dynamodb_call(
    processor_under_test: Callable[..., ProcessorUnderTest],
) -> None:
    under_test = processor_under_test(LB_SCORING_MODE="best", LB_WINDOWS="all-time,daily")
    counter = CallCounter(under_test.dynamodb)

    under_test.invoke(batch(make_record(score_body("k1", "p1", 90, timestamp_ms=T0))))
    assert counter.calls == {"UpdateItem": 2}  # both boards written

    under_test.invoke(
        batch(
            make_record(score_body("k2", "p1", 80, timestamp_ms=T0)),  # lower: cannot win
            make_record(score_body("k3", "p1", 90, timestamp_ms=T0)),  # a tie: cannot win
            redelivered(make_record(score_body("k1", "p1", 90, timestamp_ms=T0))),  # a replay
        )
    )
    assert counter.calls == {"UpdateItem": 2}, "the cache should have answered all three events"
    assert under_test.metrics() == {"applied": 1, "ignored": 3}

    under_test.invoke(batch(make_record(score_body("k4", "p1", 95, timestamp_ms=T0))))
    assert counter.calls == {"UpdateItem": 4}  # a better score is written to both boards
    assert board_scores(under_test.dynamodb, "all-time") == {"p1": 95}
    assert board_scores(under_test.dynamodb, "daily#2026-12-04") == {"p1": 95}


def test_the_handler_owns_one_cache_per_cold_start(
    processor_under_test: Callable[..., ProcessorUnderTest], monkeypatch: pytest.MonkeyPatch
) -> None:
    under_test = processor_under_test(LB_SCORING_MODE="best")
    under_test.invoke(batch(make_record(score_body("c1", "p1", 5))))
    assert under_test.module.known_boards.get("p1", "all-time") == Decimal(5)

    new_container = import_handler(processor_environment(under_test.dlq_url), monkeypatch)
    assert len(new_container.known_boards) == 0


def test_a_failed_condition_teaches_the_value_another_container_wrote(dynamodb: Any) -> None:
    config = _config(dynamodb, "learn")
    other_container = _writer(dynamodb, config, KnownBoards())
    known = KnownBoards()
    this_container = _writer(dynamodb, config, known)
    counter = CallCounter(dynamodb)

    assert other_container.apply(_event("o1", "p1", 100)) == "applied"
    assert this_container.apply(_event("t1", "p1", 50)) == "ignored"  # refused by DynamoDB
    assert known.get("p1", "all-time") == Decimal(100)  # learned from the returned item
    assert this_container.apply(_event("t2", "p1", 70)) == "ignored"  # refused by the cache
    assert this_container.apply(_event("t3", "p1", 101)) == "applied"

    assert counter.calls == {"UpdateItem": 3}


def test_latest_learns_the_timestamp_and_event_id_pair(dynamodb: Any) -> None:
    config = _config(dynamodb, "latest-pair", mode="latest")
    known = KnownBoards()
    other_container = _writer(dynamodb, config, KnownBoards())
    this_container = _writer(dynamodb, config, known)

    other_container.apply(_event("e-b", "p1", 1, timestamp_ms=T0 + 10))
    assert this_container.apply(_event("e-a", "p1", 2, timestamp_ms=T0 + 10)) == "ignored"
    assert known.get("p1", "all-time") == (Decimal(T0 + 10), "e-b")

    counter = CallCounter(dynamodb)
    assert this_container.apply(_event("e-a", "p1", 3, timestamp_ms=T0 + 9)) == "ignored"
    assert this_container.apply(_event("e-b", "p1", 1, timestamp_ms=T0 + 10)) == "ignored"  # replay
    assert counter.total == 0
    assert (
        this_container.apply(_event("e-c", "p1", 4, timestamp_ms=T0 + 10)) == "applied"
    )  # same ms, later id
    assert counter.total == 1
    assert known.get("p1", "all-time") == (T0 + 10, "e-c")


def _random_events(generator: random.Random, count: int) -> list[ValidEvent]:
    """Few players, few distinct scores and timestamps: ties, reorderings and replays galore."""
    events: list[ValidEvent] = []
    for number in range(count):
        if events and generator.random() < 0.15:
            events.append(generator.choice(events))  # a duplicate delivery
            continue
        events.append(
            ValidEvent(
                event_id=f"e{generator.randrange(40):02d}-{number}",
                player_id=f"p{generator.randrange(5)}",
                score=Decimal(generator.randrange(-5, 25)) / generator.choice([1, 1, 4]),
                # Two days, so each event lands on one of two daily boards as well as all-time.
                timestamp_ms=T0 + generator.randrange(2) * DAY_MS + generator.randrange(6),
                metadata_json=generator.choice([None, '{"lap":1}', '{"lap":2}']),
            )
        )
    return events


@pytest.mark.parametrize(("mode", "order"), MODES)
@pytest.mark.parametrize("seed", [1, 2])
def test_results_are_identical_with_and_without_the_cache(
    dynamodb: Any, mode: str, order: str, seed: int
) -> None:
    """Same events; table A: two containers with their own caches; table B: no cache at all."""
    windows = {"LB_WINDOWS": "all-time,daily"}
    cached_config = _config(dynamodb, "cached", mode, order, **windows)
    plain_config = _config(dynamodb, "plain", mode, order, **windows)
    containers = [_writer(dynamodb, cached_config, KnownBoards()) for _ in range(2)]
    plain = _writer(dynamodb, plain_config, None)
    generator = random.Random(f"{mode}-{order}-{seed}")
    events = _random_events(generator, 150)
    calls = CallCounter(dynamodb)

    cached_outcomes = []
    plain_outcomes = []
    cached_calls = 0
    for event in events:
        before = calls.total
        cached_outcomes.append(generator.choice(containers).apply(event))
        cached_calls += calls.total - before
        plain_outcomes.append(plain.apply(event))

    assert cached_outcomes == plain_outcomes
    cached_items = _items_without_write_times(dynamodb, "cached")
    assert cached_items == _items_without_write_times(dynamodb, "plain")
    assert len(cached_items) > 5
    uncached_calls = 2 * len(events)  # one UpdateItem per board, two boards per event
    assert cached_calls < uncached_calls * 0.7, "the cache should save a good share of the calls"


def test_the_cache_never_holds_more_than_its_bound() -> None:
    known = KnownBoards(max_entries=3)
    for number in range(3):
        known.remember(f"p{number}", "all-time", Decimal(number))
    assert known.get("p0", "all-time") == Decimal(0)  # p0 becomes the most recently used

    known.remember("p3", "all-time", Decimal(3))
    known.remember("p4", "all-time", Decimal(4))

    assert len(known) == 3
    assert known.get("p1", "all-time") is None  # the two least recently used went first
    assert known.get("p2", "all-time") is None
    assert [known.get(p, "all-time") for p in ("p0", "p3", "p4")] == [Decimal(0), Decimal(3), Decimal(4)]
    with pytest.raises(ValueError, match="at least 1"):
        KnownBoards(max_entries=0)


def test_an_evicted_board_is_written_again_and_stays_exact(dynamodb: Any) -> None:
    config = _config(dynamodb, "evict")
    known = KnownBoards(max_entries=2)
    writer = _writer(dynamodb, config, known)
    for number in range(5):
        writer.apply(_event(f"e{number}", f"p{number}", 10))
    assert len(known) == 2

    counter = CallCounter(dynamodb)
    assert writer.apply(_event("low", "p0", 5)) == "ignored"  # p0 was evicted: DynamoDB refuses it
    assert counter.calls == {"UpdateItem": 1}
    assert writer.apply(_event("low2", "p0", 6)) == "ignored"  # learned again from the refusal
    assert counter.calls == {"UpdateItem": 1}
    assert len(known) == 2
    assert board_scores(dynamodb, "all-time", table="evict")["p0"] == 10


def test_sum_is_never_cached(dynamodb: Any) -> None:
    config = _config(dynamodb, "sum", mode="sum", LB_WINDOWS="all-time,daily")
    known = KnownBoards()
    writer = _writer(dynamodb, config, known)
    counter = CallCounter(dynamodb)

    outcomes = [writer.apply(_event(f"s{n}", "p1", 1)) for n in range(3)]
    outcomes.append(writer.apply(_event("s0", "p1", 1)))  # a duplicate: DynamoDB's marker says so

    assert outcomes == ["applied", "applied", "applied", "ignored"]
    assert counter.calls == {"TransactWriteItems": 4}
    assert len(known) == 0
    assert board_scores(dynamodb, "all-time", table="sum") == {"p1": 3}


def test_a_windowed_board_past_its_ttl_is_always_written(dynamodb: Any) -> None:
    config = _config(dynamodb, "ttl", LB_WINDOWS="all-time,daily", LB_WINDOW_RETENTION_S="3600")
    [_, daily] = boards_for(T0, config.windows)
    expires_at = daily.expires_at(config.window_retention_s)
    assert expires_at is not None
    now = [float(expires_at - 4000)]
    known = KnownBoards()
    writer = _writer(dynamodb, config, known, clock=lambda: now[0])

    writer.apply(_event("t1", "p1", 50))
    assert known.get("p1", daily.board_id) == Decimal(50)

    now[0] = float(expires_at)  # DynamoDB may now delete the daily item at any time
    counter = CallCounter(dynamodb)
    assert writer.apply(_event("t2", "p1", 40)) == "ignored"
    # The daily board went to DynamoDB (the item may be gone); the all-time board did not.
    assert counter.calls == {"UpdateItem": 1}


def test_a_throttled_write_teaches_nothing_and_the_retry_is_exact(dynamodb: Any) -> None:
    config = _config(dynamodb, "throttled")
    known = KnownBoards()
    writer = _writer(dynamodb, config, known)
    writer.apply(_event("t1", "p1", 90))

    with (
        throttle(dynamodb, "UpdateItem") as throttled,
        pytest.raises(Exception, match="ProvisionedThroughput"),
    ):
        writer.apply(_event("t2", "p1", 95))
    assert len(throttled) == 1
    assert known.get("p1", "all-time") == Decimal(90)  # not 95: that write never happened

    assert writer.apply(_event("t3", "p1", 92)) == "applied"  # must not be refused by the cache
    assert writer.apply(_event("t2", "p1", 95)) == "applied"  # the retry of the throttled event
    assert writer.apply(_event("t2", "p1", 95)) == "ignored"
    assert board_scores(dynamodb, "all-time", table="throttled") == {"p1": 95}


def test_a_write_whose_response_was_lost_is_learned_from_its_retry(dynamodb: Any) -> None:
    """The update commits but the client never hears back: the retry is refused and learns."""
    config = _config(dynamodb, "lost")
    known = KnownBoards()
    writer = _writer(dynamodb, config, known)
    lost: list[str] = []

    def lose_response(**_: object) -> None:
        if not lost:
            lost.append("lost")
            raise TimeoutError("response lost after the write committed")

    dynamodb.meta.events.register("after-call.dynamodb.UpdateItem", lose_response)
    with pytest.raises(TimeoutError):
        writer.apply(_event("l1", "p1", 10))
    assert len(known) == 0

    assert writer.apply(_event("l1", "p1", 10)) == "ignored"  # DynamoDB already holds it
    assert known.get("p1", "all-time") == Decimal(10)
    assert board_scores(dynamodb, "all-time", table="lost") == {"p1": 10}
