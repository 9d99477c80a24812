"""What a run concluded, in a few lines: verdict counts, decided targets, what changed.

``ipanalysis run`` reads the assessment and the forecasts committed in ``outputs/`` before it
runs and prints, after it, a compact summary, every verdict that moved
(``滨海新区 知识产权质押融资金额 2025: on_track → achieved``; a verdict whose own figures did not
change is said to have moved with the pool of similar series), and every new figure that fell
outside the interval the previous forecasts gave it (a surprise).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ipanalysis import paths
from ipanalysis.data.dataset import Dataset
from ipanalysis.formats import fmt_number
from ipanalysis.report.categories import SUMMARY_ORDER, count_categories
from ipanalysis.report.forecasts import FORECASTS_CSV, SURPRISES, read_forecasts
from ipanalysis.report.labels import COUNT_LABELS, likelihood_text
from ipanalysis.report.lookups import region_names
from ipanalysis.report.tables import read_assessment_csv
from ipanalysis.report.text import interval_text
from ipanalysis.vocab import DECIDED_STATUSES

#: The combined assessment a run writes.
ASSESSMENT_FILE = "assessment.csv"


def read_previous_assessment(outputs_dir: Path | None = None) -> pd.DataFrame | None:
    """Return the assessment in the outputs folder before a run (None if missing or unreadable)."""
    path = (Path(outputs_dir) if outputs_dir else paths.outputs_dir()) / ASSESSMENT_FILE
    try:
        return read_assessment_csv(path)
    except (OSError, ValueError, pd.errors.ParserError):
        return None


#: A change of p_meet this large is listed even when the status stays the same.
P_CHANGE = 0.05
#: Columns that say whether a target's own figures changed between two assessments.
OWN_FIGURES = ("n_points", "latest_year", "latest_value")


def verdict_changes(before: pd.DataFrame | None, after: pd.DataFrame) -> pd.DataFrame:
    """List the targets whose status (or p_meet, by :data:`P_CHANGE` or more) moved.

    Parameters
    ----------
    before : pandas.DataFrame or None
        The earlier assessment (None: nothing to compare, no rows).
    after : pandas.DataFrame
        The new assessment.

    Returns
    -------
    pandas.DataFrame
        ``target_id, region, indicator, target_year, status_before, status_after, p_before,
        p_after, own_figures_unchanged``; a new target has ``status_before`` ``"(new)"``, a
        removed one ``status_after`` ``"(removed)"``. ``own_figures_unchanged`` is True when
        the target's figures (count, latest year and value) are the same in both: the move then
        came from the growth pool, which other series' figures estimate, or from the method.
        Sorted by region, indicator, target year.
    """
    cols = ["target_id", "region", "indicator", "target_year", "status_before", "status_after",
            "p_before", "p_after", "own_figures_unchanged"]  # fmt: skip
    if before is None:
        return pd.DataFrame(columns=cols)
    keys = ["target_id", "region", "indicator", "target_year"]
    own = [c for c in OWN_FIGURES if c in before.columns and c in after.columns]
    extra = ["status", *(["p_meet"] if "p_meet" in before and "p_meet" in after else []), *own]
    merged = before[[*keys, *extra]].merge(
        after[[*keys, *extra]], on=keys, how="outer", suffixes=("_before", "_after")
    )
    merged["status_before"] = merged["status_before"].fillna("(new)")
    merged["status_after"] = merged["status_after"].fillna("(removed)")
    merged["p_before"] = merged.get("p_meet_before", pd.Series(float("nan"), merged.index))
    merged["p_after"] = merged.get("p_meet_after", pd.Series(float("nan"), merged.index))
    same = pd.Series(bool(own), index=merged.index)
    for column in own:
        same &= _same(merged[f"{column}_before"], merged[f"{column}_after"])
    merged["own_figures_unchanged"] = same
    moved_p = (merged["p_after"] - merged["p_before"]).abs() >= P_CHANGE
    changed = merged[(merged["status_before"] != merged["status_after"]) | moved_p]
    return changed.sort_values(["region", "indicator", "target_year"], kind="stable")[
        cols
    ].reset_index(drop=True)


def _same(first: pd.Series, second: pd.Series) -> pd.Series:
    """Compare two columns cell by cell, two missing cells counting as the same."""
    both_missing = first.isna() & second.isna()
    numbers = pd.to_numeric(first, errors="coerce"), pd.to_numeric(second, errors="coerce")
    close = (numbers[0] - numbers[1]).abs() <= 1e-9 * numbers[1].abs().clip(lower=1)
    return both_missing | close.fillna(False) | (first.astype(str) == second.astype(str))


#: Said under a verdict that moved although its own figures did not.
POOL_MOVED_LINES = [
    "    自身数据未变：由同类指标合并估计（其他指标的新数据）或方法的变化引起。",
    "    Own figures unchanged: moved by the pool (other series' figures) or the method.",
]


def change_lines(changes: pd.DataFrame, dataset: Dataset) -> list[str]:
    """Return one line per moved verdict, and why when its own figures did not change."""
    names = dataset.indicators.set_index("indicator_id")["name_zh"]
    lines = []
    for rec in changes.to_dict("records"):
        what = f"{names.get(rec['indicator'], rec['indicator'])} {int(rec['target_year'])}"
        line = (f"  {region_names(dataset, rec['region'])[0]} {what}: "
                f"{rec['status_before']} → {rec['status_after']}")  # fmt: skip
        p_before, p_after = (likelihood_text(rec[k]).split()[0] for k in ("p_before", "p_after"))
        if p_before != p_after:
            line += f" (p {p_after})" if p_before == "–" else f" (p {p_before} → {p_after})"
        lines.append(line)
        if bool(rec["own_figures_unchanged"]):
            lines += POOL_MOVED_LINES
    return lines


def read_previous_forecasts(outputs_dir: Path | None = None) -> pd.DataFrame | None:
    """Return the forecasts of every region in the outputs folder before a run (None if none)."""
    path = (Path(outputs_dir) if outputs_dir else paths.outputs_dir()) / FORECASTS_CSV
    return read_forecasts(path)


def new_figure_checks(previous: pd.DataFrame | None, dataset: Dataset) -> pd.DataFrame:
    """Hold every figure that is new since the previous forecasts against their interval.

    Parameters
    ----------
    previous : pandas.DataFrame or None
        The ``forecasts.csv`` the previous run wrote (its years are after each series' latest
        figure then).
    dataset : Dataset
        The data now.

    Returns
    -------
    pandas.DataFrame
        One row per forecast year that now has a figure: the previous forecast's columns with
        ``value`` and ``check`` (``inside``, ``below``, ``above`` or ``no_interval``), sorted by
        region, indicator, year.
    """
    if previous is None or previous.empty:
        return pd.DataFrame(columns=["region", "indicator", "forecast_year", "value", "check"])
    series = dataset.series()[["region", "indicator", "year", "value"]]
    found = previous.merge(series, left_on=["region", "indicator", "forecast_year"],
                           right_on=["region", "indicator", "year"])  # fmt: skip
    lower, upper, value = found["forecast_lower"], found["forecast_upper"], found["value"]
    found["check"] = "inside"
    found.loc[value < lower, "check"] = "below"
    found.loc[value > upper, "check"] = "above"
    found.loc[lower.isna() | upper.isna(), "check"] = "no_interval"
    return found.sort_values(["region", "indicator", "forecast_year"], kind="stable").reset_index(
        drop=True
    )


def surprise_lines(checks: pd.DataFrame, dataset: Dataset) -> list[str]:
    """Return how the new figures compare with the previous forecasts: counts, then surprises."""
    if checks.empty:
        return []
    names = dataset.indicators.set_index("indicator_id")["name_zh"]
    surprises = checks[checks["check"].isin(SURPRISES)]
    lines = [f"New figures against the previous forecasts 新数据与上次预测: {len(checks)}, "
             f"{len(surprises)} outside the interval 超出区间"]  # fmt: skip
    for rec in surprises.to_dict("records"):
        level = f"{float(rec['interval_level']):.0%}"
        interval = interval_text(rec["forecast"], rec["forecast_lower"], rec["forecast_upper"])
        what = names.get(rec["indicator"], rec["indicator"])
        lines.append(f"  {region_names(dataset, rec['region'])[0]} {what} "
                     f"{int(rec['forecast_year'])}: {fmt_number(rec['value'])}")  # fmt: skip
        lines.append(
            f"    意外 surprise: outside the {level} interval {interval} ({rec['check']})"
        )
    return lines


def summary_lines(
    assessment: pd.DataFrame,
    dataset: Dataset,
    before: pd.DataFrame | None = None,
    previous_forecasts: pd.DataFrame | None = None,
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
    previous_forecasts : pandas.DataFrame, optional
        The forecasts before the run (``forecasts.csv``), to hold the new figures against.

    Returns
    -------
    list of str
        One line per region with counts by status (leans apart), one per decided target and
        lean, the changes (and why, when a target's own figures did not change), then the new
        figures that fell outside the interval forecast for them.
    """
    names = dataset.indicators.set_index("indicator_id")["name_zh"]
    table = assessment.assign(_category=count_categories(assessment).to_numpy())
    lines = ["Verdicts 结论 (倾向 = a lean, not counted):"]
    order = SUMMARY_ORDER
    for region, group in table.groupby("region", sort=True):
        counts = group["_category"].value_counts()
        parts = [f"{COUNT_LABELS[s][0]} {counts[s]}" for s in order if s in counts]
        lines.append(f"  {region_names(dataset, region)[0]}: {len(group)}项 — {'，'.join(parts)}")
    judged = table[table["status"].isin(DECIDED_STATUSES)]
    for rec in judged.sort_values(["region", "status", "indicator"]).to_dict("records"):
        p = likelihood_text(rec.get("p_meet"), rec.get("likelihood_zh"))
        where = region_names(dataset, rec["region"])[0]
        what = names.get(rec["indicator"], rec["indicator"])
        p_text = "" if p == "–" else f" (p {p})"
        lean = " 倾向 lean" if rec["_category"] == "lean" else ""
        lines.append(f"  {where} {what} {int(rec['target_year'])}: {rec['status']}{p_text}{lean}")
    changes = verdict_changes(before, assessment)
    if before is not None:
        lines.append(f"Changed since the previous outputs 与上次结果相比: {len(changes)}")
        lines += change_lines(changes, dataset)
    return lines + surprise_lines(new_figure_checks(previous_forecasts, dataset), dataset)
