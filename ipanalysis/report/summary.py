"""What a run concluded, in a few lines: verdict counts, decided targets, what changed.

``ipanalysis run`` reads the assessment committed in ``outputs/assessment.csv`` before it
runs and prints, after it, a compact summary and every verdict that moved
(``滨海新区 知识产权质押融资金额: on_track → achieved``).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ipanalysis import paths
from ipanalysis.assess.evidence import is_decided
from ipanalysis.data.dataset import Dataset
from ipanalysis.report.labels import likelihood_text
from ipanalysis.report.lookups import region_names
from ipanalysis.report.tables import read_assessment_csv
from ipanalysis.report.text import verdict_counts

#: The combined assessment a run writes.
ASSESSMENT_FILE = "assessment.csv"


def read_previous_assessment(outputs_dir: Path | None = None) -> pd.DataFrame | None:
    """Return the assessment in the outputs folder before a run (None if missing or unreadable)."""
    path = (Path(outputs_dir) if outputs_dir else paths.outputs_dir()) / ASSESSMENT_FILE
    try:
        return read_assessment_csv(path)
    except (OSError, ValueError, pd.errors.ParserError):
        return None


def verdict_changes(before: pd.DataFrame | None, after: pd.DataFrame) -> pd.DataFrame:
    """List the targets whose status differs between two assessments.

    Parameters
    ----------
    before : pandas.DataFrame or None
        The earlier assessment (None: nothing to compare, no rows).
    after : pandas.DataFrame
        The new assessment.

    Returns
    -------
    pandas.DataFrame
        ``target_id, region, indicator, target_year, status_before, status_after``; a new
        target has ``status_before`` ``"(new)"``, a removed one ``status_after``
        ``"(removed)"``. Sorted by region, indicator, target year.
    """
    cols = ["target_id", "region", "indicator", "target_year", "status_before", "status_after"]
    if before is None:
        return pd.DataFrame(columns=cols)
    keys = ["target_id", "region", "indicator", "target_year"]
    merged = before[[*keys, "status"]].merge(
        after[[*keys, "status"]], on=keys, how="outer", suffixes=("_before", "_after")
    )
    merged["status_before"] = merged["status_before"].fillna("(new)")
    merged["status_after"] = merged["status_after"].fillna("(removed)")
    changed = merged[merged["status_before"] != merged["status_after"]]
    return changed.sort_values(["region", "indicator", "target_year"], kind="stable")[
        cols
    ].reset_index(drop=True)


def summary_lines(
    assessment: pd.DataFrame, dataset: Dataset, before: pd.DataFrame | None = None
) -> list[str]:
    """Return the run's verdicts as short lines (under 100 columns each).

    Parameters
    ----------
    assessment : pandas.DataFrame
        The run's assessment.
    dataset : Dataset
        For region and indicator names.
    before : pandas.DataFrame, optional
        The assessment before the run, to list what changed.

    Returns
    -------
    list of str
        One line per region with counts by status, one per decided target, then the changes.
    """
    names = dataset.indicators.set_index("indicator_id")["name_zh"]
    lines = ["Verdicts 结论:"]
    for region, group in assessment.groupby("region", sort=True):
        parts = [f"{label_zh} {n}" for label_zh, _, n in verdict_counts(group)]
        lines.append(f"  {region_names(dataset, region)[0]}: {len(group)}项 — {'，'.join(parts)}")
    decided = assessment[is_decided(assessment)]
    for rec in decided.sort_values(["region", "status", "indicator"]).to_dict("records"):
        p = likelihood_text(rec.get("p_meet"), rec.get("likelihood_zh"))
        where = region_names(dataset, rec["region"])[0]
        what = names.get(rec["indicator"], rec["indicator"])
        p_text = "" if p == "–" else f" (p {p})"
        lines.append(f"  {where} {what} {int(rec['target_year'])}: {rec['status']}{p_text}")
    changes = verdict_changes(before, assessment)
    if before is not None:
        lines.append(f"Changed since the previous outputs 与上次结果相比: {len(changes)}")
        for rec in changes.to_dict("records"):
            lines.append(
                f"  {region_names(dataset, rec['region'])[0]} "
                f"{names.get(rec['indicator'], rec['indicator'])}: "
                f"{rec['status_before']} → {rec['status_after']}"
            )
    return lines
