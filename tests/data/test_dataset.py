"""Loading: derivation, conflicts and the selection rule, on a tiny dataset and the real one."""

import math

import pytest

from ipanalysis.data.dataset import read_dataset
from tests.conftest import read_rows, write_table


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
    ds = read_dataset(mini_data)
    fig = _figure(ds, "tianjin", "valid_invention_patents", 2024, derived=False)
    # 7.29万 = 72900; written to two decimals of 万, so anything in [72850, 72950] rounds to it.
    assert fig["value"] == pytest.approx(72900)
    assert (fig["value_lo"], fig["value_hi"]) == pytest.approx((72850, 72950))


def test_previous_year_derived_from_yoy_growth_agrees_with_reported(mini_data):
    ds = read_dataset(mini_data)
    derived = _figure(ds, "tianjin", "valid_invention_patents", 2023, derived=True)
    # 72900 / 1.143 = 63779.5; interval [72850/1.1435, 72950/1.1425] = [63708.3, 63851.2]
    assert derived["value"] == pytest.approx(72900 / 1.143)
    assert derived["value_lo"] == pytest.approx(72850 / 1.1435)
    assert derived["value_hi"] == pytest.approx(72950 / 1.1425)
    assert derived["formula"] == "72900 / (1 + 14.3%)"
    assert derived["value_lo"] <= 63761 <= derived["value_hi"]  # the reported 2023 figure
    assert ds.conflicts.empty


def test_city_total_derived_from_share(mini_data):
    ds = read_dataset(mini_data)
    city = _figure(ds, "tianjin", "valid_invention_patents", 2024, derived=True)
    # 26513 / 36.4% = 72838.0, interval [26512.5/0.3645, 26513.5/0.3635] = [72736, 72939]
    assert city["value"] == pytest.approx(26513 / 0.364)
    assert city["value_lo"] == pytest.approx(26512.5 / 0.3645)
    # agrees with the stated 7.29万 (intervals overlap), so no conflict
    assert ds.conflicts.empty


def test_stated_figure_is_selected_over_derived(mini_data):
    ds = read_dataset(mini_data)
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

    ds = read_dataset(mini_data)
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
    ds = read_dataset(mini_data)
    t = ds.targets.iloc[0]
    assert t["value"] == 22.5 and math.isnan(t["value_max"])
    assert t["target_year"] == 2025


def test_min_reliability_filters_before_selection(mini_data):
    ds = read_dataset(mini_data)
    assert len(ds.series(min_reliability="A")) == len(ds.series())
    with pytest.raises(ValueError, match="min_reliability"):
        ds.series(min_reliability="D")


def test_corroborated_figure_beats_a_precise_looking_outlier():
    import pandas as pd

    from ipanalysis.data.dataset import select_figures

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


def _two_sources_disagree(mini_data, value: str, *, reliability: str = "A"):
    """Plant a second source giving another 2023 figure for the mini data's stated one."""
    import hashlib

    second = mini_data / "sources" / "second.txt"
    second.write_text(f"2023年全市有效发明专利{value}件。", encoding="utf-8")
    sources = read_rows(mini_data / "sources.csv")
    sources.append(
        {
            **sources[0],
            "source_id": "aaa-second",  # sorts before "doc": source-id order must not decide
            "file": "second.txt",
            "reliability": reliability,
            "sha256": hashlib.sha256(second.read_bytes()).hexdigest(),
        }
    )
    write_table(mini_data / "sources.csv", sources)
    obs = read_rows(mini_data / "observations.csv")
    obs.append(
        {**obs[2], "value": value, "source": "aaa-second", "quote": f"有效发明专利{value}件"}
    )
    write_table(mini_data / "observations.csv", obs)
    return read_dataset(mini_data)


def test_equal_grade_sources_that_disagree_are_a_tie_both_kept(mini_data):
    # Like Tianjin's 2024 推介路演 (36 and 41, both grade A): no stated rule settles it.
    ds = _two_sources_disagree(mini_data, "60000")
    group = ds.conflicts.query(
        "year == 2023 and indicator == 'valid_invention_patents' and not derived"
    )
    assert sorted(group["value"]) == [60000.0, 63761.0]
    assert group["tied"].all()
    assert (group.loc[group["selected"], "selection"] == "tie").all()
    others = ds.tie_alternatives()
    assert others[["indicator", "year"]].values.tolist() == [["valid_invention_patents", 2023]]
    used = ds.series().query("year == 2023 and indicator == 'valid_invention_patents'")
    assert {used.iloc[0]["value"], others.iloc[0]["value"]} == {60000.0, 63761.0}


def test_a_lower_grade_disagreement_is_no_tie_and_says_why(mini_data):
    ds = _two_sources_disagree(mini_data, "60000", reliability="B")
    group = ds.conflicts.query(
        "year == 2023 and indicator == 'valid_invention_patents' and not derived"
    )
    assert not group["tied"].any()
    # the grade-A stated figure wins; its runner-up is the grade-A derived one (agrees)
    assert group.loc[group["selected"], "selection"].tolist() == ["stated"]
    assert group.loc[group["selected"], "source"].tolist() == ["doc"]
    assert ds.tie_alternatives().empty


def test_agreeing_sources_are_no_tie(mini_data):
    ds = _two_sources_disagree(mini_data, "63761")
    assert ds.tie_alternatives().empty
    chosen = ds.conflicts.query("year == 2023 and indicator == 'valid_invention_patents'")
    assert not chosen["tied"].any()


# --- The shipped dataset -------------------------------------------------------------------


@pytest.fixture(scope="module")
def shipped():
    return read_dataset()


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


def test_shipped_nankai_figures_are_its_2020_baseline(shipped):
    assert (shipped.targets["region"] == "nankai").sum() > 10
    nankai = shipped.observations[shipped.observations["region"] == "nankai"]
    assert set(nankai["source"]) == {"tjnk-sci-14fyp"} and set(nankai["year"]) == {2020}
    # 81 is 每万人发明专利拥有量 (all valid inventions), not the high-value indicator
    per_10k = nankai.set_index("indicator")["value"]
    assert per_10k["invention_patents_per_10k"] == 81
    assert "high_value_invention_patents_per_10k" not in per_10k


def test_shipped_series_uses_the_confirmed_trademark_figure(shipped):
    series = shipped.series()
    row = series.query("region == 'tianjin' and indicator == 'valid_trademarks' and year == 2022")
    # the IP office's own 2022 summary (tjfwwb-2022-summary) gives 399652: the figure used must
    # agree with it within rounding, and mwsmzx's dropped digit (39965) must not be used
    assert len(row) == 1 and row["reliability"].item() == "A"
    assert row["value_lo"].item() <= 399652 <= row["value_hi"].item()


def test_revision_marks_the_earlier_target_and_its_restatements_not_current(mini_data):
    # The Binhai case: 超过24件 (IP plan) and 达到24件 (S&T plan) state one target; 达到55件 (2024
    # plan) revises it. Here: 22.5 stated twice, then revised to 21.8.
    rows = read_rows(mini_data / "targets.csv")
    first = rows[0]
    rows.append({**first, "target_id": "again", "comparator": ">"})
    rows.append({**first, "target_id": "revised", "value": "21.8", "quote": "拥有量达到21.8件"})
    rows[-1]["supersedes"] = first["target_id"]
    write_table(mini_data / "targets.csv", rows)
    targets = read_dataset(mini_data).targets.set_index("target_id")
    assert targets.loc[first["target_id"], "superseded_by"] == "revised"
    assert targets.loc["again", "superseded_by"] == "revised"
    assert targets["current"].to_dict() == {
        first["target_id"]: False,
        "again": False,
        "revised": True,
    }
    assert targets.loc["revised", "superseded_by"] == ""


def test_targets_without_revisions_are_all_current(mini_data):
    targets = read_dataset(mini_data).targets
    assert targets["current"].all() and (targets["superseded_by"] == "").all()


def test_shipped_binhai_high_value_target_revised_to_55(shipped):
    # tjbh-patent-conversion-2024: 到2025年,每万人口高价值发明专利拥有量达到55件
    hv = shipped.targets.query(
        "region == 'binhai' and indicator == 'high_value_invention_patents_per_10k'"
    ).set_index("target_id")
    assert hv.loc[hv["current"], "value"].tolist() == [55.0]
    assert set(hv.loc[~hv["current"], "superseded_by"]) == {"binhai-hv-per10k-2025-conv"}
    assert len(hv) == 3  # both earlier statements stay, each with its source
