"""After a run: verdict counts, decided targets with p and likelihood, what changed."""

import pandas as pd
import pytest
from rich.cells import cell_len

from ipanalysis.data.dataset import read_dataset
from ipanalysis.report.summary import (
    POOL_MOVED_LINES,
    read_previous_assessment,
    summary_lines,
    verdict_changes,
)


@pytest.fixture(scope="module")
def dataset():
    return read_dataset()


def _table(rows):
    cols = ["target_id", "region", "indicator", "target_year", "status", "p_meet"]
    table = pd.DataFrame(rows, columns=cols)
    settled = table["status"].isin(["achieved", "missed"])
    forecast = table["p_meet"].notna() & ~settled
    return table.assign(evidence=settled.map({True: "observed", False: "none"}).where(
        ~forecast, "tested"))  # fmt: skip


def test_leans_are_counted_apart_from_decided_verdicts(dataset):
    after = _table([("a", "binhai", "patent_pledge_loans", 2025, "on_track", 0.7),
                    ("b", "binhai", "valid_patents", 2025, "on_track", 0.9)])  # fmt: skip
    after.loc[1, "evidence"] = "indicative"
    lines = summary_lines(after, dataset, None)
    assert any(line.startswith("  滨海新区: 2项 — 进展顺利 1，倾向 1") for line in lines)
    (lean,) = [line for line in lines if "有效专利 2025" in line]
    assert lean.endswith("倾向 lean")  # listed, and marked as not counted


def test_changes_list_moved_new_and_removed_targets():
    before = _table([("a", "binhai", "patent_pledge_loans", 2025, "on_track", 0.7),
                     ("b", "binhai", "valid_patents", 2025, "achieved", None)])  # fmt: skip
    after = _table([("a", "binhai", "patent_pledge_loans", 2025, "achieved", None),
                    ("c", "nankai", "valid_patents", 2026, "insufficient_data", 0.1)])  # fmt: skip
    changes = verdict_changes(before, after)
    moved = {r.target_id: (r.status_before, r.status_after) for r in changes.itertuples()}
    assert moved == {"a": ("on_track", "achieved"), "b": ("achieved", "(removed)"),
                     "c": ("(new)", "insufficient_data")}  # fmt: skip
    assert verdict_changes(None, after).empty


def test_summary_names_region_and_indicator_and_fits_100_columns(dataset):
    before = _table([("a", "binhai", "patent_pledge_loans", 2025, "on_track", 0.7)])
    after = _table([("a", "binhai", "patent_pledge_loans", 2025, "achieved", None)])
    lines = summary_lines(after, dataset, before)
    assert "  滨海新区 专利权质押贷款总额 2025: on_track → achieved (p 70% → –)" in lines
    assert any(line.startswith("  滨海新区: 1项") for line in lines)
    assert max(cell_len(line) for line in lines) <= 100


def test_the_committed_assessment_is_read_and_a_missing_one_is_none(tmp_path):
    assert read_previous_assessment(tmp_path) is None
    committed = read_previous_assessment()
    assert committed is not None and {"target_id", "status"} <= set(committed.columns)


def test_a_verdict_moved_by_the_pool_says_so(dataset):
    # issue 19: new figures for one district moved another district's p, with no word of why
    cols = ["target_id", "region", "indicator", "target_year", "status", "p_meet", "n_points",
            "latest_year", "latest_value"]  # fmt: skip
    before = pd.DataFrame(
        [("a", "nankai", "valid_invention_patents", 2026, "at_risk", 0.60, 1, 2020, 9000.0),
         ("b", "binhai", "valid_patents", 2025, "on_track", 0.70, 3, 2023, 100.0)],
        columns=cols,
    )  # fmt: skip
    before = before.assign(evidence="tested")
    after = before.assign(
        status=["on_track", "on_track"], p_meet=[0.70, 0.90], n_points=[1, 4],
        latest_year=[2020, 2024], latest_value=[9000.0, 115.0],
    )  # fmt: skip
    changes = verdict_changes(before, after)
    assert changes["own_figures_unchanged"].tolist() == [False, True]  # binhai sorts first
    lines = summary_lines(after, dataset, before)
    moved = lines.index("  南开区 有效发明专利 2026: at_risk → on_track (p 60% → 70%)")
    assert lines[moved + 1 : moved + 3] == POOL_MOVED_LINES
    binhai = lines.index("  滨海新区 有效专利 2025: on_track → on_track (p 70% → 90%)")
    assert lines[binhai + 1] not in POOL_MOVED_LINES  # its own figures changed
    assert max(cell_len(line) for line in lines) <= 100
