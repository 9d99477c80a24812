"""Per-capita consistency: the population a pair of absolute and per-10k numbers implies."""

import pytest

from ipanalysis.data.dataset import read_dataset
from ipanalysis.data.populations import MAX_POPULATION_GAP, baseline_checks, implied_populations


@pytest.fixture(scope="module")
def shipped():
    return read_dataset()


def _nankai(table):
    return table[(table["region"] == "nankai") & (table["indicator"] == "valid_invention_patents")]


def test_nankai_figures_and_targets_imply_two_populations(shipped):
    # Issue 15: 9269件 at 81件/万人 in 2020 (about 114万 people); 1.4万件 at 142件/万人 for
    # 2026 (about 98.6万).
    implied = _nankai(implied_populations(shipped)).set_index("basis")
    assert implied.loc["figures", "year"] == 2020
    assert implied.loc["figures", "population_10k"] == pytest.approx(9269 / 81)
    assert implied.loc["targets", "year"] == 2026
    assert implied.loc["targets", "population_10k"] == pytest.approx(14000 / 142)


def test_a_baseline_over_the_gap_is_flagged_not_comparable(shipped):
    checks = _nankai(baseline_checks(shipped))
    assert len(checks) == 1
    check = checks.iloc[0]
    assert check["baseline_year"] == 2020
    gap = abs(9269 / 81 - 14000 / 142) / (14000 / 142)
    assert gap > MAX_POPULATION_GAP and not check["comparable"]


def test_without_pairs_nothing_is_implied(mini_data):
    ds = read_dataset(mini_data)
    assert implied_populations(ds).empty and baseline_checks(ds).empty
