"""Small statistics the models share: fading by a half-life, capped running means.

Each was written out by hand in several models before; here once, so that a
half-life means the same thing everywhere.
"""

from __future__ import annotations

from collections.abc import Iterable

# Fading is capped at this many half-lives' worth of days: beyond it all is zero to
# the precision kept, and the power stays cheap.
MAX_FADE_DAYS = 366


def fade(elapsed: float, half_life: float) -> float:
    """Return the weight left after `elapsed` of a quantity halving every half_life."""
    return float(0.5 ** (elapsed / half_life))


def fade_days(
    totals: list[float],
    today: Iterable[tuple[int, float]],
    days: int,
    half_life_days: float,
) -> None:
    """Fade per-cell totals in place by the days passed, adding today's counts.

    Today's counts are one day younger than the totals: they fade by days - 1.
    """
    days = min(days, MAX_FADE_DAYS)
    older = fade(days, half_life_days)
    younger = fade(days - 1, half_life_days)
    for cell in range(len(totals)):
        totals[cell] *= older
    for cell, count in today:
        totals[cell] += count * younger


def capped_mean(mean: float, value: float, count: int, memory: int) -> float:
    """Return a running mean moved towards value, as the mean of the last `memory`.

    Exact for the first `memory` values (count is how many, this one included);
    after that an exponentially fading mean that weighs value 1 / memory.
    """
    return mean + (value - mean) / min(count, memory)
