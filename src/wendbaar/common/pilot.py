"""Judge a pilot honestly: compare one measurement between items made with AI (pilot) and without
(baseline).

Generic and free of Django so every capability can use it (quotes, meeting minutes, service replies):
give it the per-item values of both groups and it returns the size, median and mean of each, the
difference and the relative change, a bootstrap confidence interval (fixed seed, so the same data
always gives the same answer), a Mann-Whitney p-value, and a verdict that says "too few to judge"
when either group is smaller than `min_n` instead of pretending.
"""

import math
import random
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

MIN_N = 5
RESAMPLES = 2000
SEED = 20260101
CONFIDENCE = 0.95

# Verdicts, from the pilot's point of view.
TOO_FEW = "too_few"
BETTER = "better"
WORSE = "worse"
NO_CLEAR_DIFFERENCE = "no_clear_difference"
HIGHER = "higher"  # for a measure without a better direction (e.g. quote value)
LOWER = "lower"


@dataclass(frozen=True)
class GroupSummary:
    """Size, median, mean and spread (quartiles) of one group's values."""

    n: int
    median: float | None
    mean: float | None
    q1: float | None
    q3: float | None


@dataclass(frozen=True)
class Comparison:
    """Pilot against baseline for one measurement.

    `difference` is pilot minus baseline of the chosen statistic, `relative_change` that difference
    as a share of the baseline (-0.4 means 40 % less); `ci_low`/`ci_high` bound the difference and
    `relative_ci_low`/`relative_ci_high` the relative change. The intervals and p-value are None
    when there are too few values."""

    name: str
    statistic: str
    pilot: GroupSummary
    baseline: GroupSummary
    lower_is_better: bool | None
    min_n: int
    enough: bool
    difference: float | None = None
    relative_change: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    relative_ci_low: float | None = None
    relative_ci_high: float | None = None
    p_value: float | None = None
    confidence: float = CONFIDENCE
    verdict: str = TOO_FEW
    notes: list[str] = field(default_factory=list)


def _clean(values: Sequence[float | int | None]) -> list[float]:
    return [float(v) for v in values if v is not None and not math.isnan(float(v))]


def _quantile(ordered: list[float], q: float) -> float:
    """Linear interpolation between closest ranks (the 'inclusive' method of most spreadsheets)."""
    if len(ordered) == 1:
        return ordered[0]
    position = (len(ordered) - 1) * q
    low = math.floor(position)
    high = math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def summarise(values: Sequence[float | int | None]) -> GroupSummary:
    """Summary of one group; None values (not measured) are left out."""
    data = sorted(_clean(values))
    if not data:
        return GroupSummary(n=0, median=None, mean=None, q1=None, q3=None)
    return GroupSummary(
        n=len(data),
        median=statistics.median(data),
        mean=statistics.fmean(data),
        q1=_quantile(data, 0.25),
        q3=_quantile(data, 0.75),
    )


def _normal_cdf(z: float) -> float:
    return 0.5 * math.erfc(-z / math.sqrt(2))


def mann_whitney(a: Sequence[float], b: Sequence[float]) -> tuple[float, float]:
    """U statistic of `a` and the two-sided p-value (normal approximation with tie and continuity
    correction). Fine from about five values per group; below that the verdict is 'too few'."""
    a, b = _clean(a), _clean(b)
    n1, n2 = len(a), len(b)
    if not n1 or not n2:
        raise ValueError("Both groups need at least one value.")
    pooled = sorted([(v, 0) for v in a] + [(v, 1) for v in b])
    ranks = [0.0] * len(pooled)
    ties = 0.0
    i = 0
    while i < len(pooled):
        j = i
        while j + 1 < len(pooled) and pooled[j + 1][0] == pooled[i][0]:
            j += 1
        rank = (i + j) / 2 + 1
        for k in range(i, j + 1):
            ranks[k] = rank
        t = j - i + 1
        ties += t**3 - t
        i = j + 1
    rank_sum_a = sum(r for r, (_v, g) in zip(ranks, pooled, strict=True) if g == 0)
    u = rank_sum_a - n1 * (n1 + 1) / 2
    n = n1 + n2
    mean_u = n1 * n2 / 2
    variance = n1 * n2 / 12 * ((n + 1) - ties / (n * (n - 1))) if n > 1 else 0.0
    if variance <= 0:
        return u, 1.0
    z = (abs(u - mean_u) - 0.5) / math.sqrt(variance)
    return u, min(1.0, 2 * (1 - _normal_cdf(max(z, 0.0))))


STATISTICS: dict[str, Callable[[list[float]], float]] = {
    "median": statistics.median,
    "mean": statistics.fmean,
}


def compare(
    pilot: Sequence[float | int | None],
    baseline: Sequence[float | int | None],
    *,
    name: str = "",
    statistic: str = "median",
    lower_is_better: bool | None = True,
    min_n: int = MIN_N,
    resamples: int = RESAMPLES,
    seed: int = SEED,
    confidence: float = CONFIDENCE,
) -> Comparison:
    """Compare pilot with baseline on `statistic` ("median" for durations, "mean" for rates of
    0/1 outcomes). The verdict is better/worse only when the bootstrap interval of the difference
    excludes zero; with `lower_is_better=None` it says higher/lower."""
    if statistic not in STATISTICS:
        raise ValueError(f"Unknown statistic {statistic!r}.")
    stat = STATISTICS[statistic]
    p, b = _clean(pilot), _clean(baseline)
    result = {
        "name": name,
        "statistic": statistic,
        "pilot": summarise(p),
        "baseline": summarise(b),
        "lower_is_better": lower_is_better,
        "min_n": min_n,
        "confidence": confidence,
    }
    if len(p) < min_n or len(b) < min_n:
        return Comparison(enough=False, verdict=TOO_FEW, **result)
    pilot_stat, baseline_stat = stat(p), stat(b)
    difference = pilot_stat - baseline_stat
    relative = difference / baseline_stat if baseline_stat else None

    rng = random.Random(seed)  # noqa: S311 -- reproducible statistics, not secrets
    differences, ratios = [], []
    for _ in range(resamples):
        sp = stat(rng.choices(p, k=len(p)))
        sb = stat(rng.choices(b, k=len(b)))
        differences.append(sp - sb)
        ratios.append((sp - sb) / sb if sb else None)
    differences.sort()
    tail = (1 - confidence) / 2
    ci_low, ci_high = _quantile(differences, tail), _quantile(differences, 1 - tail)
    notes = []
    if relative is not None and all(r is not None for r in ratios):
        ratios.sort()
        rel_low, rel_high = _quantile(ratios, tail), _quantile(ratios, 1 - tail)
    else:
        rel_low = rel_high = None
        notes.append("baseline_zero")
    _u, p_value = mann_whitney(p, b)

    if ci_low <= 0 <= ci_high:
        verdict = NO_CLEAR_DIFFERENCE
    elif lower_is_better is None:
        verdict = HIGHER if ci_low > 0 else LOWER
    else:
        verdict = BETTER if (ci_high < 0) == lower_is_better else WORSE
    return Comparison(
        enough=True,
        difference=difference,
        relative_change=relative,
        ci_low=ci_low,
        ci_high=ci_high,
        relative_ci_low=rel_low,
        relative_ci_high=rel_high,
        p_value=p_value,
        verdict=verdict,
        notes=notes,
        **result,
    )
