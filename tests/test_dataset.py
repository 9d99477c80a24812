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
