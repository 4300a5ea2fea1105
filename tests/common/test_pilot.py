"""The generic pilot comparison, checked against numbers worked out by hand."""

import math

import pytest

from wendbaar.common import pilot


def test_summary_has_median_mean_and_quartiles():
    summary = pilot.summarise([3, 1, None, 2, 10])
    # sorted 1, 2, 3, 10: median (2 + 3) / 2, mean 16 / 4, quartiles at rank 0.75 and 2.25
    assert summary == pilot.GroupSummary(n=4, median=2.5, mean=4.0, q1=1.75, q3=4.75)


def test_empty_group_summary_is_all_none():
    assert pilot.summarise([None]) == pilot.GroupSummary(0, None, None, None, None)


def test_mann_whitney_separated_groups():
    u, p = pilot.mann_whitney([1, 2, 3], [4, 5, 6])
    # U = 0; mean 4.5, sd sqrt(3*3*7/12) = 2.2913; z = (4.5 - 0.5) / 2.2913 = 1.7457
    assert u == 0
    assert p == pytest.approx(2 * (1 - 0.959572), abs=1e-4)


def test_mann_whitney_with_ties():
    u, p = pilot.mann_whitney([1, 2, 2], [2, 3, 4])
    # ranks 1, 3, 3 | 3, 5, 6 -> U = 7 - 6 = 1; tie term 3^3 - 3 = 24
    # variance 9/12 * (7 - 24/30) = 4.65; z = (3.5 - 0.5) / sqrt(4.65) = 1.3912
    assert u == 1
    assert p == pytest.approx(2 * (1 - 0.917920), abs=1e-4)


def test_mann_whitney_all_equal_is_no_evidence():
    assert pilot.mann_whitney([5, 5, 5], [5, 5]) == (3.0, 1.0)


def test_constant_groups_give_an_exact_interval():
    result = pilot.compare([10] * 5, [20] * 5, name="minutes")
    assert result.enough
    assert result.difference == -10
    assert result.relative_change == -0.5
    # every resample of a constant group has the same median
    assert (result.ci_low, result.ci_high) == (-10, -10)
    assert (result.relative_ci_low, result.relative_ci_high) == (-0.5, -0.5)
    assert result.verdict == pilot.BETTER
    assert result.p_value == pytest.approx(0.003977, abs=1e-5)


def test_higher_is_better_turns_the_verdict():
    result = pilot.compare([10] * 5, [20] * 5, lower_is_better=False)
    assert result.verdict == pilot.WORSE


def test_neutral_measure_says_higher_or_lower():
    result = pilot.compare([30] * 6, [20] * 6, lower_is_better=None)
    assert result.verdict == pilot.HIGHER
    assert result.relative_change == 0.5


def test_too_few_values_is_said_and_not_judged():
    result = pilot.compare([1, 2, 3, 4], [10, 20, 30, 40, 50, None])
    assert not result.enough
    assert result.verdict == pilot.TOO_FEW
    assert result.difference is None and result.ci_low is None and result.p_value is None
    assert result.pilot.n == 4 and result.baseline.n == 5
    assert result.baseline.median == 30


def test_same_distribution_shows_no_clear_difference():
    values = [12, 15, 9, 20, 11, 14, 18, 10]
    result = pilot.compare(values, list(reversed(values)))
    assert result.difference == 0
    assert result.ci_low < 0 < result.ci_high or result.ci_low == result.ci_high == 0
    assert result.verdict == pilot.NO_CLEAR_DIFFERENCE


def test_separated_groups_are_better_with_interval_around_the_change():
    pilot_minutes = [12, 15, 9, 20, 11, 14]
    baseline_minutes = [30, 25, 41, 28, 35, 22]
    result = pilot.compare(pilot_minutes, baseline_minutes)
    # medians 13 and 29: 16 minutes (55 %) less
    assert result.difference == -16
    assert result.relative_change == pytest.approx(-16 / 29)
    assert result.ci_low <= -16 <= result.ci_high < 0
    assert result.relative_ci_low <= -16 / 29 <= result.relative_ci_high < 0
    assert result.verdict == pilot.BETTER


def test_fixed_seed_gives_the_same_answer_every_time():
    a, b = [3, 8, 2, 9, 4, 7, 1], [5, 6, 9, 12, 4, 8, 10]
    assert pilot.compare(a, b) == pilot.compare(a, b)


def test_rates_compare_means_of_outcomes():
    result = pilot.compare(
        [1, 1, 1, 1, 0], [0, 0, 0, 0, 1], statistic="mean", lower_is_better=False
    )
    assert result.difference == pytest.approx(0.6)
    assert result.relative_change == pytest.approx(3.0)
    assert result.pilot.mean == 0.8


def test_zero_baseline_has_no_relative_change():
    result = pilot.compare([1, 2, 3, 4, 5], [0] * 5)
    assert result.relative_change is None
    assert result.relative_ci_low is None
    assert "baseline_zero" in result.notes
    assert result.difference == 3
    assert not math.isnan(result.ci_low)


def test_unknown_statistic_is_refused():
    with pytest.raises(ValueError):
        pilot.compare([1], [2], statistic="mode")
