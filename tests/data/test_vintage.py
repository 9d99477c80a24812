"""Tests for ipanalysis.data.vintage: publication dates, cut-offs, and a planted later source."""

import dataclasses

import pandas as pd
import pytest

from ipanalysis.assess import assess
from ipanalysis.data.dataset import read_dataset
from ipanalysis.data.vintage import (
    as_of_problem,
    as_of_years,
    cutoff_date,
    parse_publication_date,
    publication_dates,
    vintage_dataset,
)
from ipanalysis.scope import Scope
from tests.conftest import read_rows, write_table


def test_publication_date_is_the_last_day_its_precision_allows():
    assert parse_publication_date("2021") == pd.Timestamp("2021-12-31")
    assert parse_publication_date("2024-02") == pd.Timestamp("2024-02-29")  # a leap year
    assert parse_publication_date("2025-04") == pd.Timestamp("2025-04-30")
    assert parse_publication_date("2023-04-25") == pd.Timestamp("2023-04-25")
    assert parse_publication_date("") is None
    with pytest.raises(ValueError, match="YYYY"):
        parse_publication_date("April 2023")


def test_default_cutoff_is_30_june_of_the_next_year():
    assert cutoff_date(2022) == pd.Timestamp("2023-06-30")


def plant_later_source(ds, *, date="2025-09", hv_2024=30.0, target_value=25.0):
    """Add a grade-A source published after the 2024 cut-off: a new figure and a revision."""
    sources = pd.concat(
        [ds.sources, ds.sources.iloc[[0]].assign(source_id="later", date=date)],
        ignore_index=True,
    )
    obs = ds.observations
    hv = obs[(obs["indicator"] == "hv_per_10k") & (obs["year"] == 2024) & ~obs["derived"]]
    figure = hv.assign(
        source="later", value=hv_2024, value_lo=hv_2024 - 0.05, value_hi=hv_2024 + 0.05
    )
    target = ds.targets.iloc[[0]].assign(
        target_id="tianjin-hv-2025-revised",
        value=target_value,
        source="later",
        supersedes="tianjin-hv-2025",
    )
    return dataclasses.replace(
        ds,
        sources=sources,
        observations=pd.concat([obs, figure], ignore_index=True),
        targets=pd.concat([ds.targets, target], ignore_index=True),
    )


def test_a_source_published_after_the_cutoff_is_ignored(mini_data):
    ds = plant_later_source(read_dataset(mini_data))
    # as of 2024 (cut-off 2025-06-30): "doc" (2025-04) is in, "later" (2025-09) is not
    vintage = vintage_dataset(ds, 2024)
    assert "later" not in set(vintage.observations["source"])
    assert list(vintage.targets["target_id"]) == ["tianjin-hv-2025"]
    then = assess(ds, Scope(as_of=2024)).set_index("target_id")
    assert list(then.index) == ["tianjin-hv-2025"]  # the revision is invisible: 22.5 current
    assert then.at["tianjin-hv-2025", "latest_value"] == pytest.approx(21.8)
    assert then.at["tianjin-hv-2025", "revised_from"] == ""
    # today the revision replaces the earlier target, which it names
    now = assess(ds).set_index("target_id")
    assert list(now.index) == ["tianjin-hv-2025-revised"]
    assert now.at["tianjin-hv-2025-revised", "revised_from"] == "22.5 (doc, 2025)"
    assert now.at["tianjin-hv-2025-revised", "target_value"] == 25.0
    # a later cut-off admits it
    later = vintage_dataset(ds, 2024, cutoff=pd.Timestamp("2025-12-31"))
    assert "later" in set(later.observations["source"])


def test_conflicts_and_choices_are_resolved_from_the_vintage_alone(mini_data):
    ds = plant_later_source(read_dataset(mini_data))
    vintage = vintage_dataset(ds, 2024, cutoff=pd.Timestamp("2025-12-31"))
    assert len(vintage.conflicts) >= 2  # 21.8 (doc) and 30 (later) disagree
    assert len(vintage_dataset(ds, 2024).conflicts) == 0


def test_figures_after_as_of_are_left_out(mini_data):
    ds = read_dataset(mini_data)
    vintage = vintage_dataset(ds, 2023, cutoff=pd.Timestamp("2030-01-01"))
    assert vintage.observations["year"].max() == 2023


def test_unknown_date_counts_from_the_latest_year_reported(mini_data):
    ds = read_dataset(mini_data)
    undated = dataclasses.replace(ds, sources=ds.sources.assign(date=""))
    dates = publication_dates(undated).set_index("source_id")
    # "doc" reports figures up to 2024: published 30 June 2025
    assert dates.at["doc", "published"] == pd.Timestamp("2025-06-30")
    assert dates.at["doc", "date_rule"] == "unknown: 30 June after 2024"


@pytest.mark.parametrize(
    ("date", "years"),
    [
        # figures for 2023 and 2024 (tests/conftest.py), from a source published …
        ("2025-04", (2024, 2024)),  # … in April 2025: first seen by the 2024 vintage
        ("2024-06-30", (2023, 2024)),  # … by the 2023 vintage's cut-off (30 June 2024)
        ("2024-07-01", (2024, 2024)),  # … a day after it
        ("2023", (2023, 2024)),  # 31 December 2023: after the 2022 cut-off, by the 2023 one
    ],
)
def test_as_of_years_run_from_the_first_vintage_with_a_figure_to_the_last_figure(
    mini_data, date, years
):
    rows = read_rows(mini_data / "sources.csv")
    rows[0]["date"] = date
    write_table(mini_data / "sources.csv", rows)
    assert as_of_years(read_dataset(mini_data)) == years


def test_as_of_outside_the_years_is_named_with_them():
    """--as-of 99999 and -5 crashed (no calendar date), 1800 wrote an empty variant, on main."""
    for year in (99999, -5, 1800, 2009, 2026):
        problem = as_of_problem(year, (2010, 2025))
        assert problem.startswith(f"--as-of {year}: the data supports the years 2010–2025")
        assert problem.endswith("expected a year from 2010 to 2025.")
    assert as_of_problem(2010, (2010, 2025)) is None and as_of_problem(None, (2010, 2025)) is None
    assert as_of_problem(1800, None) is None  # no figures: nothing to bound
