"""Tianjin beside the country: ratios to the national figure, per-capita indicators first."""

import pytest
from matplotlib.figure import Figure

from ipanalysis import report
from ipanalysis.data.dataset import read_dataset
from ipanalysis.report.benchmark import benchmark_region, is_per_capita, national_comparison
from ipanalysis.report.html_series import show_national_comparison
from ipanalysis.report.text import ratio_text
from ipanalysis.scope import Scope


@pytest.fixture(scope="module")
def shipped():
    return read_dataset()


@pytest.fixture(scope="module")
def tianjin(shipped):
    return national_comparison(shipped, Scope(), "tianjin")


def test_every_indicator_both_have_is_compared_per_capita_first(shipped, tianjin):
    series = shipped.series()
    both = set(series.loc[series["region"] == "tianjin", "indicator"]) & set(
        series.loc[series["region"] == benchmark_region(shipped), "indicator"]
    )
    years = series.groupby(["region", "indicator"])["year"].apply(set)
    common = {i for i in both if years["tianjin", i] & years["china", i]}
    assert set(tianjin["indicator"]) == common
    flags = tianjin.drop_duplicates("indicator")["per_capita"].tolist()
    assert flags == sorted(flags, reverse=True) and flags[0]  # per-capita ones first
    assert (tianjin["ratio_to_benchmark"] == tianjin["value"] / tianjin["benchmark_value"]).all()


def test_per_capita_and_totals_are_said_as_white_papers_do():
    assert ratio_text(1.532, True) == (
        "1.53倍，高出全国53%",
        "1.53× the national level, 53% above",
    )
    assert ratio_text(0.8, True)[0] == "0.80倍，低于全国20%"
    assert ratio_text(0.0213, False) == ("占全国2.1%", "2.1% of the national total")
    assert is_per_capita("high_value_invention_patents_per_10k", "件/万人")
    assert not is_per_capita("valid_patents", "件")


def test_the_report_shows_a_table_and_a_panel_per_indicator(shipped, tianjin):
    shown = show_national_comparison(tianjin).data
    assert shown.count("<tr>") - 1 == tianjin["indicator"].nunique()
    assert "高出全国" in shown and "占全国" in shown
    fig = report.plot_national_comparison(tianjin, shipped)
    assert isinstance(fig, Figure) and len(fig.axes) == tianjin["indicator"].nunique()
    assert national_comparison(shipped, Scope(), "beichen").empty  # nothing in common
    assert report.plot_national_comparison(tianjin.iloc[0:0], shipped) is None
