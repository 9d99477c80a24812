"""Decided, lean, settled or lacking: the one rule, and the evidence stand-in it reads."""

import pandas as pd

from ipanalysis.report.categories import count_categories, verdict_groups, with_evidence


def _table(statuses, provisional, evidence=None):
    table = pd.DataFrame(
        {"region": "binhai", "indicator": "x", "target_year": 2025, "status": statuses,
         "provisional": provisional}
    )  # fmt: skip
    if evidence is not None:
        table["evidence"] = evidence
        table["evidence_reason"] = "given"
    return table


def test_stand_in_evidence_follows_status_and_provisional():
    table = with_evidence(
        _table(
            ["achieved", "on_track", "on_track", "insufficient_data", "missed"],
            [False, False, True, False, True],
        )  # fmt: skip
    )
    assert table["evidence"].tolist() == ["observed", "tested", "indicative", "none", "observed"]
    assert table["evidence_reason"].str.len().gt(0).all()


def test_the_assessments_own_evidence_is_used_when_present():
    given = _table(["on_track", "at_risk"], [True, False], evidence=["tested", "indicative"])
    assert with_evidence(given) is given
    assert count_categories(given).tolist() == ["on_track", "lean"]


def test_a_lean_is_not_counted_among_the_verdicts():
    table = _table(["on_track", "on_track", "achieved", "insufficient_data"],
                   [False, True, False, False])  # fmt: skip
    groups = verdict_groups(table)
    assert [len(g) for g in groups] == [1, 1, 1, 1]  # decided, leans, settled, lacking
    assert count_categories(table).tolist() == ["on_track", "lean", "achieved",
                                                "insufficient_data"]  # fmt: skip
