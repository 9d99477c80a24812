"""Decided, lean, settled, the office's or lacking: the one rule every display follows."""

import pandas as pd

from ipanalysis.report.categories import count_categories, verdict_groups


def _table(statuses, evidence):
    return pd.DataFrame(
        {"region": "binhai", "indicator": "x", "target_year": 2025, "status": statuses,
         "evidence": evidence}
    )  # fmt: skip


def test_a_lean_is_not_counted_among_the_verdicts():
    table = _table(
        ["on_track", "on_track", "achieved", "depends_on_office", "insufficient_data"],
        ["tested", "indicative", "observed", "designation", "none"],
    )
    groups = verdict_groups(table)
    # decided, leans, settled, the office's, lacking
    assert [len(g) for g in groups] == [1, 1, 1, 1, 1]
    assert count_categories(table).tolist() == [
        "on_track", "lean", "achieved", "depends_on_office", "insufficient_data",
    ]  # fmt: skip


def test_a_tie_or_fragile_lean_at_risk_is_a_lean_too():
    table = _table(["at_risk", "off_track"], ["indicative", "tested"])
    assert count_categories(table).tolist() == ["lean", "off_track"]
    assert len(verdict_groups(table).decided) == 1
