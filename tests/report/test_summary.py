"""After a run: verdict counts, decided targets with p and likelihood, what changed."""

import pandas as pd
import pytest
from rich.cells import cell_len

from ipanalysis.data.dataset import read_dataset
from ipanalysis.report.summary import read_previous_assessment, summary_lines, verdict_changes


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
    assert any(
        line.startswith("  滨海新区: 2项 — 进展顺利 1，倾向（未经检验） 1") for line in lines
    )
    assert not any("valid_patents" in line or "有效专利 2025" in line for line in lines)


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
    assert "  滨海新区 专利权质押贷款总额: on_track → achieved" in lines
    assert any(line.startswith("  滨海新区: 1项") for line in lines)
    assert max(cell_len(line) for line in lines) <= 100


def test_the_committed_assessment_is_read_and_a_missing_one_is_none(tmp_path):
    assert read_previous_assessment(tmp_path) is None
    committed = read_previous_assessment()
    assert committed is not None and {"target_id", "status"} <= set(committed.columns)
