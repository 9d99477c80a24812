"""Loading: derivation, conflicts and the selection rule, on a tiny dataset and the real one."""

import math

import pytest

from ipanalysis.dataset import load_dataset


def _figure(ds, region, indicator, year, *, derived):
    obs = ds.observations
    rows = obs[
        (obs["region"] == region)
        & (obs["indicator"] == indicator)
        & (obs["year"] == year)
        & (obs["derived"] == derived)
    ]
    assert len(rows) == 1, rows
    return rows.iloc[0]


def test_units_are_converted_by_code(mini_data):
    ds = load_dataset(mini_data)
    fig = _figure(ds, "tianjin", "valid_invention_patents", 2024, derived=False)
    # 7.29万 = 72900; written to two decimals of 万, so anything in [72850, 72950] rounds to it.
    assert fig["value"] == pytest.approx(72900)
    assert (fig["value_lo"], fig["value_hi"]) == pytest.approx((72850, 72950))


def test_previous_year_derived_from_yoy_growth_agrees_with_reported(mini_data):
    ds = load_dataset(mini_data)
    derived = _figure(ds, "tianjin", "valid_invention_patents", 2023, derived=True)
    # 72900 / 1.143 = 63779.5; interval [72850/1.1435, 72950/1.1425] = [63708.3, 63851.2]
    assert derived["value"] == pytest.approx(72900 / 1.143)
    assert derived["value_lo"] == pytest.approx(72850 / 1.1435)
    assert derived["value_hi"] == pytest.approx(72950 / 1.1425)
    assert derived["formula"] == "72900 / (1 + 14.3%)"
    assert derived["value_lo"] <= 63761 <= derived["value_hi"]  # the reported 2023 figure
    assert ds.conflicts.empty


def test_city_total_derived_from_share(mini_data):
    ds = load_dataset(mini_data)
    city = _figure(ds, "tianjin", "valid_invention_patents", 2024, derived=True)
    # 26513 / 36.4% = 72838.0, interval [26512.5/0.3645, 26513.5/0.3635] = [72736, 72939]
    assert city["value"] == pytest.approx(26513 / 0.364)
    assert city["value_lo"] == pytest.approx(26512.5 / 0.3645)
    # agrees with the stated 7.29万 (intervals overlap), so no conflict
    assert ds.conflicts.empty


def test_stated_figure_is_selected_over_derived(mini_data):
    ds = load_dataset(mini_data)
    series = ds.series()
    row = series[
        (series["region"] == "tianjin")
        & (series["year"] == 2024)
        & (series["indicator"] == "valid_invention_patents")
    ]
    assert len(row) == 1 and not row.iloc[0]["derived"]
    # every key appears once in a series
    assert not series.duplicated(["region", "indicator", "year"]).any()


def test_conflict_is_reported_not_dropped_and_grade_decides(mini_data):
    import hashlib

    from tests.conftest import read_rows, write_table

    # A grade-C mirror says 6.1万 for 2023: outside [63708, 63851] and [63760.5, 63761.5].
    mirror = mini_data / "sources" / "mirror.txt"
    mirror.write_text("2023年全市有效發明專利6.1萬件。", encoding="utf-8")
    sources = read_rows(mini_data / "sources.csv")
    sources.append(
        {
            **sources[0],
            "source_id": "mirror",
            "file": "mirror.txt",
            "reliability": "C",
            "sha256": hashlib.sha256(mirror.read_bytes()).hexdigest(),
        }
    )
    write_table(mini_data / "sources.csv", sources)
    obs = read_rows(mini_data / "observations.csv")
    obs.append(
        {
            **obs[2],
            "value": "6.1",
            "scale": "万",
            "source": "mirror",
            "quote": "2023年全市有效發明專利6.1萬件",
        }
    )
    write_table(mini_data / "observations.csv", obs)

    ds = load_dataset(mini_data)
    group = ds.conflicts.query("year == 2023 and indicator == 'valid_invention_patents'")
    assert sorted(group["value"].round(1)) == sorted([61000.0, 63761.0, round(72900 / 1.143, 1)])
    used = group[group["selected"]]
    assert list(used["source"]) == ["doc"] and not used.iloc[0]["derived"]
    assert (
        ds.series(min_reliability="A")
        .query("year == 2023 and indicator == 'valid_invention_patents'")
        .iloc[0]["value"]
        == 63761
    )


def test_targets_scaled_and_typed(mini_data):
    ds = load_dataset(mini_data)
    t = ds.targets.iloc[0]
    assert t["value"] == 22.5 and math.isnan(t["value_max"])
    assert t["target_year"] == 2025


def test_min_reliability_filters_before_selection(mini_data):
    ds = load_dataset(mini_data)
    assert len(ds.series(min_reliability="A")) == len(ds.series())
    with pytest.raises(ValueError, match="min_reliability"):
        ds.series(min_reliability="D")


def test_corroborated_figure_beats_a_precise_looking_outlier():
    import pandas as pd

    from ipanalysis.dataset import select_figures

    # Tianjin valid trademarks 2022 (data/sources/extra): 39.96万 in two mirrors (grade C),
    # 39965 in a third (a dropped digit). All grade C; 39965 is more precise but unconfirmed.
    figures = pd.DataFrame(
        {
            "region": "tianjin",
            "indicator": "valid_trademarks",
            "year": 2022,
            "period": "",
            "value": [399600.0, 399600.0, 39965.0],
            "value_lo": [399550.0, 399550.0, 39964.5],
            "value_hi": [399650.0, 399650.0, 39965.5],
            "derived": False,
            "source": ["17car", "rexun", "mwsmzx"],
            "reliability": "C",
        }
    )
    chosen = select_figures(figures)
    assert chosen.loc[chosen["selected"], "value"].tolist() == [399600.0]
    assert chosen.loc[chosen["selected"], "source"].tolist() == ["17car"]  # then alphabetical


# --- The shipped dataset -------------------------------------------------------------------


@pytest.fixture(scope="module")
def shipped():
    return load_dataset()


def _figures(ds, region, indicator, year, source=None):
    obs = ds.observations
    sel = (obs["region"] == region) & (obs["indicator"] == indicator) & (obs["year"] == year)
    sel &= obs["period"] == ""
    if source:
        sel &= obs["source"] == source
    return obs[sel]


def test_shipped_tianjin_2023_invention_patents_derived_vs_reported(shipped):
    # Seed 001: 2024 有效发明专利72904件, 同比增长14.3% → 2023 = 72904 / 1.143 = 63783.0,
    # within rounding [72903.5/1.1435, 72904.5/1.1425] = [63754.7, 63811.4].
    # hschangjiang (2023 press conference): 有效發明專利63761件 — inside that interval.
    figs = _figures(shipped, "tianjin", "valid_invention_patents", 2023)
    derived = figs[figs["derived"] & (figs["source"] == "tjipa-2024-summary-2025-plan")].iloc[0]
    assert derived["value"] == pytest.approx(72904 / 1.143)
    reported = figs[~figs["derived"]].iloc[0]
    assert reported["value"] == 63761
    assert derived["value_lo"] <= reported["value"] <= derived["value_hi"]


def test_shipped_high_value_per_10k_2023_derived_vs_reported(shipped):
    # Seed 000: 2024 21.8件, 同比增长15.3% → 2023 = 21.8 / 1.153 = 18.91; reported 18.9.
    figs = _figures(shipped, "tianjin", "high_value_invention_patents_per_10k", 2023)
    derived = figs[figs["derived"]].iloc[0]
    assert derived["value"] == pytest.approx(21.8 / 1.153)
    assert derived["value_lo"] <= 18.95 and derived["value_hi"] >= 18.85  # 18.9 as written


def test_shipped_known_conflicts_are_reported(shipped):
    # Listed in data/sources/extra/README.md as conflicts a check should surface.
    keys = set(
        shipped.conflicts[["region", "indicator", "year"]].itertuples(index=False, name=None)
    )
    assert ("tianjin", "invention_patents_per_10k", 2015) in keys  # 12.2 vs 12.5
    assert ("tianjin", "valid_trademarks", 2022) in keys  # 39.96万 vs 39965


def test_shipped_nankai_has_targets_and_no_figures(shipped):
    assert (shipped.targets["region"] == "nankai").sum() > 10
    assert not (shipped.observations["region"] == "nankai").any()


def test_shipped_series_uses_the_confirmed_trademark_figure(shipped):
    series = shipped.series()
    row = series.query("region == 'tianjin' and indicator == 'valid_trademarks' and year == 2022")
    assert row["value"].tolist() == [399600.0]
