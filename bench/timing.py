"""Alternating repetitions and medians, so a noisy machine slows both sides alike."""

from __future__ import annotations

import statistics
from collections.abc import Callable, Mapping

Measurement = Callable[[], float]
"""Runs the measured thing once and returns its cost (seconds of wall or CPU time)."""


def alternate(measurements: Mapping[str, Measurement], repetitions: int) -> dict[str, list[float]]:
    """Run every measurement once per repetition, reversing the order on odd repetitions.

    Reversing (A B, B A, A B ...) cancels a steady drift (warming caches, a neighbour
    process starting) that would otherwise always favour whoever runs second.
    """
    names = list(measurements)
    samples: dict[str, list[float]] = {name: [] for name in names}
    for repetition in range(repetitions):
        order = names if repetition % 2 == 0 else list(reversed(names))
        for name in order:
            samples[name].append(measurements[name]())
    return samples


def median(samples: list[float]) -> float:
    return statistics.median(samples)


def ratio(numerator: float, denominator: float) -> float:
    """`numerator / denominator`, rounded for reports; infinite when the baseline took no time."""
    if denominator <= 0:
        return float("inf")
    return round(numerator / denominator, 3)
