"""Tidy tables behind the reports: verdicts, figures, trends, conflicts, figures needed.

Every function returns a DataFrame with a stable row order, for code, tests, the CSV outputs
and :mod:`ipanalysis.render` (which turns them into HTML).
"""

from __future__ import annotations

import math
import os
import weakref
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ipanalysis import paths
from ipanalysis.formatting import (
    AT_RISK_STATUSES,
    CONFIDENCE_LABELS,
    KIND_LABELS,
    MIN_POINTS_INTERVAL,
    STATUS_ORDER,
    _missing,
    fmt_number,
    fmt_pct,
    fmt_year,
    likelihood_text,
    status_label,
)

# --------------------------------------------------------------------------------------------
# Lookups
# --------------------------------------------------------------------------------------------


def indicator_names(dataset: Any) -> pd.DataFrame:
    """Return ``indicator_id → name_zh, name_en, unit, kind, better`` (ids as fallback names).

    Parameters
    ----------
    dataset : ipanalysis.dataset.Dataset
        The dataset.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``indicator_id``.
    """
    cols = ["name_zh", "name_en", "unit", "kind", "better"]
    return dataset.indicators.set_index("indicator_id")[cols]


def with_indicator_names(frame: pd.DataFrame, dataset: Any) -> pd.DataFrame:
    """Add ``name_zh, name_en, unit`` for the frame's ``indicator`` column (ids as fallback)."""
    names = indicator_names(dataset)[["name_zh", "name_en", "unit"]]
    out = frame.merge(names, left_on="indicator", right_index=True, how="left")
    for col in ("name_zh", "name_en"):
        out[col] = out[col].fillna(out["indicator"])
    out["unit"] = out["unit"].fillna("")
    return out


def _indicator(dataset: Any, indicator_id: str) -> dict[str, str]:
    names = indicator_names(dataset)
    if indicator_id in names.index:
        row = names.loc[indicator_id]
        return {c: ("" if _missing(row[c]) else str(row[c])) for c in names.columns}
    return {"name_zh": indicator_id, "name_en": indicator_id, "unit": "", "kind": "", "better": ""}


def region_names(dataset: Any, region: str) -> tuple[str, str]:
    """Return the Chinese and English names of a region (the id when unknown).

    Parameters
    ----------
    dataset : ipanalysis.dataset.Dataset
        The dataset.
    region : str
        Region id.

    Returns
    -------
    tuple of str
        ``(name_zh, name_en)``.
    """
    regions = dataset.regions.set_index("region_id")
    if region not in regions.index:
        return region, region
    return str(regions.at[region, "name_zh"]), str(regions.at[region, "name_en"])


def reportable_regions(dataset: Any) -> list[str]:
    """Return the ids of the regions reports are made for (city and districts), sorted."""
    regions = dataset.regions
    return sorted(regions.loc[regions["level"].isin(["city", "district"]), "region_id"])


def check_regions(dataset: Any, regions: Sequence[str] | str | None) -> list[str]:
    """Check the regions a notebook was asked for, with the runner's rule and message.

    Called by the notebooks right after loading the dataset, so that a plain
    ``papermill … -p region nosuch`` fails the way ``ipanalysis run --region nosuch`` is
    refused, instead of rendering an empty report.

    Parameters
    ----------
    dataset : ipanalysis.dataset.Dataset
        The dataset (its city and district ids are the valid regions).
    regions : sequence of str, str or None
        One region id, several, or None for every reportable region.

    Returns
    -------
    list of str
        The region ids, checked and de-duplicated.

    Raises
    ------
    ipanalysis.regions.RegionError
        For an id that is not a plain slug or not a reportable region (the one rule,
        :func:`ipanalysis.regions.check_region_ids`, that ``assess`` and ``run`` apply too).
    """
    from ipanalysis.regions import check_region_ids

    if regions is None:
        return reportable_regions(dataset)
    return check_region_ids([regions] if isinstance(regions, str) else regions, dataset.regions)


_SERIES_CACHE: dict[int, tuple[Any, dict[str, pd.DataFrame]]] = {}


def _cached_series(dataset: Any, min_reliability: str) -> pd.DataFrame:
    """Return ``dataset.series(min_reliability)``, computed once per dataset object."""
    key = id(dataset)
    entry = _SERIES_CACHE.get(key)
    if entry is None or entry[0]() is not dataset:
        try:
            ref = weakref.ref(dataset)
        except TypeError:  # an object without weak references: no cache
            return dataset.series(min_reliability=min_reliability)
        for stale in [k for k, (r, _) in _SERIES_CACHE.items() if r() is None]:
            del _SERIES_CACHE[stale]
        entry = (ref, {})
        _SERIES_CACHE[key] = entry
    cached = entry[1]
    if min_reliability not in cached:
        cached[min_reliability] = dataset.series(min_reliability=min_reliability)
    return cached[min_reliability]


def region_series(
    dataset: Any,
    region: str | None = None,
    *,
    as_of: int | None = None,
    min_reliability: str = "C",
) -> pd.DataFrame:
    """Return the figures analyses use (``dataset.series``) for a region, up to ``as_of``.

    Parameters
    ----------
    dataset : ipanalysis.dataset.Dataset
        The dataset.
    region : str, optional
        Region id; all regions when None.
    as_of : int, optional
        Keep figures with ``year <= as_of``.
    min_reliability : {"A", "B", "C"}
        Lowest source grade admitted.

    Returns
    -------
    pandas.DataFrame
        Tidy series sorted by region, indicator, year.
    """
    series = _cached_series(dataset, min_reliability)
    if region is not None:
        series = series[series["region"] == region]
    if as_of is not None:
        series = series[series["year"] <= as_of]
    return series.sort_values(["region", "indicator", "year"], kind="stable").reset_index(
        drop=True
    )


# --------------------------------------------------------------------------------------------
# Assessment tables and CSV
# --------------------------------------------------------------------------------------------


def assessment_table(
    dataset: Any,
    *,
    regions: Sequence[str] | str | None = None,
    target_years: Iterable[int] | None = (2025, 2026),
    as_of: int | None = None,
    min_reliability: str = "C",
    interval_level: float = 0.8,
) -> pd.DataFrame:
    """Return the verdicts for the targets of ``regions`` due in ``target_years``.

    This is what ``outputs/<region>/assessment.csv`` holds and what the notebooks show.

    Parameters
    ----------
    dataset : ipanalysis.dataset.Dataset
        The dataset.
    regions : sequence of str, str or None
        Region ids; None: every reportable region (city and districts).
    target_years : iterable of int or None
        Keep targets due in these years; None keeps all.
    as_of : int, optional
        Assess with figures up to this year only.
    min_reliability : {"A", "B", "C"}
        Lowest source grade admitted.
    interval_level : float
        Coverage of the prediction intervals.

    Returns
    -------
    pandas.DataFrame
        :func:`ipanalysis.assess.assess` columns, sorted by region, target year, indicator,
        target id.
    """
    from ipanalysis.assess import assess

    if regions is None:
        regions = reportable_regions(dataset)
    elif isinstance(regions, str):
        regions = [regions]
    table = assess(
        dataset,
        regions=list(regions),
        as_of=as_of,
        min_reliability=min_reliability,
        level=interval_level,
    )
    if target_years is not None:
        table = table[table["target_year"].isin([int(y) for y in target_years])]
    return table.sort_values(
        ["region", "target_year", "indicator", "target_id"], kind="stable"
    ).reset_index(drop=True)


def read_assessment_csv(path: str | os.PathLike[str]) -> pd.DataFrame:
    """Read an assessment CSV written by :func:`write_csv` (empty cells as missing values).

    Parameters
    ----------
    path : path
        The CSV.

    Returns
    -------
    pandas.DataFrame
        The table with text cells as strings and numbers as floats/ints.
    """
    return pd.read_csv(path, encoding="utf-8", keep_default_na=False, na_values=[""])


#: Columns compared exactly by :func:`assessment_differences` (the verdict and what it rests on).
VERDICT_COLUMNS: tuple[str, ...] = (
    "region",
    "indicator",
    "target_year",
    "target_kind",
    "latest_year",
    "n_points",
    "method",
    "status",
    "confidence",
    "progress_category",
)
#: Columns of :func:`figures_table`, in order.
FIGURES_TABLE_COLUMNS = [
    "indicator", "name_zh", "name_en", "unit", "year", "value", "value_lo", "value_hi",
    "yoy_growth", "derived", "formula", "source", "title_zh", "title_en", "reliability",
    "conflict",
]  # fmt: skip
#: Numeric columns compared within a relative tolerance.
NUMERIC_COLUMNS: tuple[str, ...] = (
    "target_value",
    "latest_value",
    "forecast",
    "forecast_lower",
    "forecast_upper",
    "p_meet",
    "observed_growth",
    "required_growth",
    "growth_ratio",
)


def assessment_differences(
    expected: pd.DataFrame, actual: pd.DataFrame, *, rtol: float = 1e-6
) -> pd.DataFrame:
    """List where two assessment tables disagree, target by target.

    Used to check committed outputs against a fresh assessment: verdict columns
    (:data:`VERDICT_COLUMNS`) must match exactly, numbers (:data:`NUMERIC_COLUMNS`) within
    ``rtol`` (the CSV keeps ten significant digits), and both must list the same targets.

    Parameters
    ----------
    expected, actual : pandas.DataFrame
        Assessment tables (e.g. a committed ``assessment.csv`` read with
        :func:`read_assessment_csv`, and :func:`assessment_table`).
    rtol : float
        Relative tolerance for numbers.

    Returns
    -------
    pandas.DataFrame
        ``target_id, column, expected, actual``; empty when the tables agree.
    """
    rows: list[dict[str, Any]] = []
    exp = expected.set_index("target_id")
    act = actual.set_index("target_id")
    for target in sorted(set(exp.index) ^ set(act.index)):
        rows.append(
            {
                "target_id": target,
                "column": "(target)",
                "expected": "present" if target in exp.index else "absent",
                "actual": "present" if target in act.index else "absent",
            }
        )
    common = [t for t in exp.index if t in act.index]
    for target in common:
        e_row, a_row = exp.loc[target], act.loc[target]
        if isinstance(e_row, pd.DataFrame) or isinstance(a_row, pd.DataFrame):
            rows.append({"target_id": target, "column": "(target)", "expected": "unique",
                         "actual": "repeated"})  # fmt: skip
            continue
        for col in VERDICT_COLUMNS:
            if col not in exp.columns and col not in act.columns:
                continue
            e, a = _comparable(e_row.get(col)), _comparable(a_row.get(col))
            if e != a:
                rows.append({"target_id": target, "column": col, "expected": e, "actual": a})
        for col in NUMERIC_COLUMNS:
            e, a = e_row.get(col), a_row.get(col)
            if _missing(e) and _missing(a):
                continue
            if (
                _missing(e)
                or _missing(a)
                or not math.isclose(float(e), float(a), rel_tol=rtol, abs_tol=1e-12)
            ):
                rows.append({"target_id": target, "column": col, "expected": e, "actual": a})
    return pd.DataFrame(rows, columns=["target_id", "column", "expected", "actual"])


def _comparable(value: Any) -> Any:
    """Normalise a cell read from CSV or computed (1.0 == 1 == "1"; NaN == None)."""
    if _missing(value):
        return None
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, float, np.integer, np.floating)):
        return float(value)
    try:
        return float(value)
    except (TypeError, ValueError):
        return str(value)


def status_counts(
    assessment: pd.DataFrame,
    *,
    by_region: bool = False,
    regions: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Count targets by status (every status listed, zeros included, in :data:`STATUS_ORDER`).

    Parameters
    ----------
    assessment : pandas.DataFrame
        An :func:`assessment_table`.
    by_region : bool
        One row per region (columns = statuses, plus ``total``) instead of one per status.
    regions : sequence of str, optional
        With ``by_region``: list these regions too, with zeros when they have no target.

    Returns
    -------
    pandas.DataFrame
        ``status, label, count`` rows; or regions × statuses with a ``total`` column.
    """
    if by_region:
        index = sorted(set(assessment["region"]) | set(regions or ()))
        counts = (
            pd.crosstab(assessment["region"], assessment["status"])
            .reindex(index=index, columns=list(STATUS_ORDER), fill_value=0)
            .astype(int)
        )
        counts["total"] = counts.sum(axis=1)
        counts.columns.name = None
        counts.index.name = "region"
        return counts
    counts = assessment["status"].value_counts().reindex(list(STATUS_ORDER), fill_value=0)
    return pd.DataFrame(
        {
            "status": list(STATUS_ORDER),
            "label": [status_label(s) for s in STATUS_ORDER],
            "count": counts.astype(int).to_list(),
        }
    )


def most_at_risk(assessment: pd.DataFrame, n: int = 10) -> pd.DataFrame:
    """Return the targets in the worst state, worst first.

    Missed, then off track, then at risk; within a status, the lowest probability of meeting
    the target, then the lowest growth ratio, then region and target id (a stable order).

    Parameters
    ----------
    assessment : pandas.DataFrame
        An :func:`assessment_table`.
    n : int
        How many to return at most.

    Returns
    -------
    pandas.DataFrame
        Rows of ``assessment``.
    """
    rank = {status: i for i, status in enumerate(AT_RISK_STATUSES)}
    risky = assessment[assessment["status"].isin(AT_RISK_STATUSES)].copy()
    risky["_rank"] = risky["status"].map(rank)
    risky["_p"] = risky["p_meet"].fillna(np.inf)
    risky["_ratio"] = risky["growth_ratio"].fillna(np.inf)
    risky = risky.sort_values(
        ["_rank", "_p", "_ratio", "region", "target_year", "target_id"], kind="stable"
    )
    return risky.drop(columns=["_rank", "_p", "_ratio"]).head(n).reset_index(drop=True)


def target_text(row: Mapping[str, Any], unit: str = "") -> str:
    """Describe a target in a few characters: ``≥ 24 件/万人``, ``年均增长 ≥ 15%``.

    Parameters
    ----------
    row : mapping
        A row of :func:`assessment_table`.
    unit : str
        The indicator's unit.

    Returns
    -------
    str
        The comparator and level (or growth rate), with the kind when it is not a level.
    """
    comparator = {">=": "≥", "<=": "≤", "~": "≈"}.get(str(row.get("comparator")), "")
    comparator = comparator or str(row.get("comparator") or "")
    kind = str(row.get("target_kind"))
    value = row.get("target_value")
    unit_text = f" {unit}" if unit else ""
    kind_zh = KIND_LABELS.get(kind, (kind, kind))[0]
    if kind == "keep_improving":
        return kind_zh
    if kind == "avg_growth":
        if _missing(value):
            return f"{kind_zh}（无基年数据）"
        return f"{kind_zh}，{comparator} {fmt_number(value)}{unit_text}"
    if kind == "range":
        top = row.get("target_value_max")
        return f"{fmt_number(value)}–{fmt_number(top)}{unit_text}"
    prefix = "" if kind == "level" else f"{kind_zh} "
    return f"{prefix}{comparator} {fmt_number(value)}{unit_text}".strip()


def verdict_table(assessment: pd.DataFrame, dataset: Any) -> pd.DataFrame:
    """Return the assessment as display strings, one row per target (Chinese, then English).

    Parameters
    ----------
    assessment : pandas.DataFrame
        An :func:`assessment_table`.
    dataset : ipanalysis.dataset.Dataset
        For indicator names and units.

    Returns
    -------
    pandas.DataFrame
        Text columns; ``status`` keeps the status code (for colouring).
    """
    rows = []
    for rec in assessment.to_dict("records"):
        ind = _indicator(dataset, rec["indicator"])
        level = rec.get("interval_level")
        forecast = "–"
        if not _missing(rec["forecast"]):
            forecast = fmt_number(rec["forecast"])
            if not _missing(rec["forecast_lower"]):
                forecast += (
                    f" [{fmt_number(rec['forecast_lower'])}, {fmt_number(rec['forecast_upper'])}]"
                )
        latest = "–"
        if not _missing(rec["latest_value"]):
            latest = f"{fmt_number(rec['latest_value'])} ({fmt_year(rec['latest_year'])})"
        plain = plain_note(rec, ind["unit"])
        rows.append(
            {
                "region": rec["region"],
                "indicator_zh": ind["name_zh"],
                "indicator_en": ind["name_en"],
                "target_year": int(rec["target_year"]),
                "target": target_text(rec, ind["unit"]),
                "latest": latest,
                "n_points": int(rec["n_points"]),
                "forecast": forecast,
                "interval_level": "" if _missing(level) else f"{float(level):.0%}",
                "p_meet": likelihood_text(rec["p_meet"], rec.get("likelihood_zh")),
                "growth": f"{fmt_pct(rec['observed_growth'])} / {fmt_pct(rec['required_growth'])}",
                "status": rec["status"],
                "confidence": CONFIDENCE_LABELS.get(rec["confidence"], str(rec["confidence"])),
                "method": str(rec["method"]).replace("_", "-"),
                "note": "" if _missing(rec["note"]) else str(rec["note"]),
                "plain_zh": plain[0],
                "plain_en": plain[1],
                "df": "" if _missing(rec.get("df")) else str(int(rec["df"])),
                # columns the assessment gains in issue 8; empty when absent
                "provisional": bool(rec.get("provisional")) and not _missing(rec["provisional"]),
                "citations": "" if _missing(rec.get("citations")) else str(rec["citations"]),
                "revised_from": ""
                if _missing(rec.get("revised_from"))
                else str(rec["revised_from"]),
                "growth_ratio_latest": ""
                if _missing(rec.get("growth_ratio_latest"))
                else f"{float(rec['growth_ratio_latest']):.2f}",
                "target_id": rec["target_id"],
            }
        )
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------------------------
# Trends tables
# --------------------------------------------------------------------------------------------


def _source_titles(dataset: Any) -> pd.DataFrame:
    return dataset.sources.set_index("source_id")[["title_zh", "title_en", "reliability"]]


def figures_table(
    dataset: Any,
    region: str,
    *,
    as_of: int | None = None,
    min_reliability: str = "C",
) -> pd.DataFrame:
    """Return every figure of a region used in analysis, with growth, source and derivation.

    Parameters
    ----------
    dataset : ipanalysis.dataset.Dataset
        The dataset.
    region : str
        Region id.
    as_of : int, optional
        Keep figures up to this year.
    min_reliability : {"A", "B", "C"}
        Lowest source grade admitted.

    Returns
    -------
    pandas.DataFrame
        ``indicator, name_zh, name_en, unit, year, value, value_lo, value_hi, yoy_growth,
        derived, formula, source, title_zh, title_en, reliability, conflict`` sorted by
        indicator and year. ``conflict`` is True where sources disagree about that year.
    """
    from ipanalysis.trends import yoy_growth

    series = region_series(dataset, region, as_of=as_of, min_reliability=min_reliability)
    if series.empty:
        return pd.DataFrame(columns=FIGURES_TABLE_COLUMNS)
    table = yoy_growth(series)
    obs = dataset.observations
    formulas = obs[(obs["region"] == region) & (obs["period"] == "")][
        ["indicator", "year", "source", "derived", "formula"]
    ].drop_duplicates(["indicator", "year", "source", "derived"])
    table = table.merge(formulas, on=["indicator", "year", "source", "derived"], how="left")
    titles = _source_titles(dataset)[["title_zh", "title_en"]]
    table = table.merge(titles, left_on="source", right_index=True, how="left")
    table = with_indicator_names(table, dataset)
    conflicts = conflict_table(dataset, region)
    keys = set(zip(conflicts["indicator"], conflicts["year"], strict=True))
    table["conflict"] = [
        (i, y) in keys for i, y in zip(table["indicator"], table["year"], strict=True)
    ]
    table["formula"] = table["formula"].fillna("")
    return (
        table[FIGURES_TABLE_COLUMNS]
        .sort_values(["indicator", "year"], kind="stable")
        .reset_index(drop=True)
    )


def trend_table(
    dataset: Any,
    region: str,
    *,
    as_of: int | None = None,
    min_reliability: str = "C",
) -> pd.DataFrame:
    """Return one row per indicator of a region: span, latest figure and growth rates.

    Parameters
    ----------
    dataset : ipanalysis.dataset.Dataset
        The dataset.
    region : str
        Region id.
    as_of : int, optional
        Keep figures up to this year.
    min_reliability : {"A", "B", "C"}
        Lowest source grade admitted.

    Returns
    -------
    pandas.DataFrame
        :func:`ipanalysis.trends.compute_trends` columns plus ``name_zh, name_en, unit`` and
        ``n_derived`` (figures computed from a relative statement), sorted by indicator.
    """
    from ipanalysis.trends import TREND_COLUMNS, compute_trends

    series = region_series(dataset, region, as_of=as_of, min_reliability=min_reliability)
    if series.empty:
        return pd.DataFrame(columns=[*TREND_COLUMNS, "name_zh", "name_en", "unit", "n_derived"])
    trends = compute_trends(series)
    derived = series.groupby("indicator")["derived"].sum().astype(int).rename("n_derived")
    out = with_indicator_names(trends, dataset)
    out = out.merge(derived, left_on="indicator", right_index=True, how="left")
    return out.sort_values("indicator", kind="stable").reset_index(drop=True)


def conflict_table(dataset: Any, region: str) -> pd.DataFrame:
    """Return the region's conflicting figures (sources that disagree beyond rounding).

    Parameters
    ----------
    dataset : ipanalysis.dataset.Dataset
        The dataset.
    region : str
        Region id.

    Returns
    -------
    pandas.DataFrame
        ``dataset.conflicts`` rows of the region with source titles and indicator names,
        sorted by indicator, year, period, then the selected figure first.
    """
    conflicts = dataset.conflicts
    conflicts = conflicts[conflicts["region"] == region].copy()
    titles = _source_titles(dataset)[["title_zh", "title_en"]]
    conflicts = conflicts.merge(titles, left_on="source", right_index=True, how="left")
    conflicts = with_indicator_names(conflicts, dataset)
    conflicts["_not_selected"] = ~conflicts["selected"].astype(bool)
    conflicts = conflicts.sort_values(
        ["indicator", "year", "period", "_not_selected", "reliability", "source"], kind="stable"
    )
    return conflicts.drop(columns="_not_selected").reset_index(drop=True)


def sources_table(dataset: Any, source_ids: Iterable[str]) -> pd.DataFrame:
    """Return the sources with the given ids: titles, issuer, date, grade, address.

    Parameters
    ----------
    dataset : ipanalysis.dataset.Dataset
        The dataset.
    source_ids : iterable of str
        Source ids.

    Returns
    -------
    pandas.DataFrame
        Rows of ``dataset.sources`` sorted by reliability, then id.
    """
    wanted = set(source_ids)
    sources = dataset.sources[dataset.sources["source_id"].isin(wanted)]
    cols = ["source_id", "title_zh", "title_en", "issuer", "date", "reliability", "url"]
    return (
        sources[cols]
        .sort_values(["reliability", "source_id"], kind="stable")
        .reset_index(drop=True)
    )


# --------------------------------------------------------------------------------------------
# Forecast helpers
# --------------------------------------------------------------------------------------------


def required_paths(
    dataset: Any,
    assessment: pd.DataFrame,
    *,
    as_of: int | None = None,
    min_reliability: str = "C",
) -> pd.DataFrame:
    """Return the yearly path each assessed target requires (``assess.required_path``).

    Parameters
    ----------
    dataset : ipanalysis.dataset.Dataset
        The dataset.
    assessment : pandas.DataFrame
        An :func:`assessment_table`.
    as_of : int, optional
        Figures up to this year (as in the assessment).
    min_reliability : {"A", "B", "C"}
        Lowest source grade admitted.

    Returns
    -------
    pandas.DataFrame
        ``target_id, region, indicator, year, required_value``, sorted by target then year.
    """
    from ipanalysis.assess import required_path

    series = region_series(dataset, None, as_of=as_of, min_reliability=min_reliability)
    targets = dataset.targets.set_index("target_id")
    names = indicator_names(dataset)
    parts = []
    for rec in assessment.to_dict("records"):
        if rec["target_id"] not in targets.index:
            continue
        target = targets.loc[rec["target_id"]]
        obs = series[
            (series["region"] == rec["region"]) & (series["indicator"] == rec["indicator"])
        ]
        kind = names.at[rec["indicator"], "kind"] if rec["indicator"] in names.index else None
        better = names.at[rec["indicator"], "better"] if rec["indicator"] in names.index else None
        path = required_path(
            {**target.to_dict(), "target_id": rec["target_id"]},
            obs,
            indicator_kind=kind if isinstance(kind, str) else None,
            better=better if better == "lower" else "higher",
        )
        if len(path):
            parts.append(
                path.assign(
                    target_id=rec["target_id"], region=rec["region"], indicator=rec["indicator"]
                )
            )
    cols = ["target_id", "region", "indicator", "year", "required_value"]
    if not parts:
        return pd.DataFrame(columns=cols)
    out = pd.concat(parts, ignore_index=True)[cols]
    out["year"] = out["year"].astype(int)
    out["required_value"] = out["required_value"].astype(float)
    return out


def years_to_settle(target: dict[str, Any], held: Sequence[int], latest_year: int) -> list[int]:
    """Return the years whose figures would let the assessment decide a target.

    Targets over a period (every year, cumulative, annual average, keep improving) need each
    year from the period's start; average-growth targets the base year and the latest years;
    level targets the three latest years (two give a growth ratio, three an interval), plus
    the target year itself once it is past. Years already held are left out.

    Parameters
    ----------
    target : dict
        A row of ``targets.csv`` (``kind``, ``target_year``, ``base_year``, ``start_year``).
    held : sequence of int
        Years with a figure already.
    latest_year : int
        The latest year any figure in the dataset is for (figures after it are not out yet).

    Returns
    -------
    list of int
        Sorted years.
    """
    last = min(int(target["target_year"]), int(latest_year))
    years = set(range(last - MIN_POINTS_INTERVAL + 1, last + 1))
    start = target.get("start_year")
    base = target.get("base_year")
    if target["kind"] in ("every_year", "cumulative", "annual_average", "keep_improving"):
        if not pd.isna(start):
            years = set(range(int(start), last + 1)) or {last}
        elif not pd.isna(base):
            years = set(range(int(base), last + 1))
    elif not pd.isna(base):
        years.add(int(base))
    return sorted(y for y in years if y not in set(held) and y <= last)


def latest_figure_year(dataset: Any, as_of: int | None = None) -> int:
    """Return the latest year a figure can be asked for: ``as_of``, else the newest figure's.

    Parameters
    ----------
    dataset : ipanalysis.dataset.Dataset
        The dataset.
    as_of : int, optional
        The assessment's cut-off year.

    Returns
    -------
    int
        The year (figures for later years are not published yet).
    """
    return int(as_of) if as_of is not None else int(dataset.observations["year"].max())


def figures_needed(
    dataset: Any,
    assessment: pd.DataFrame,
    *,
    as_of: int | None = None,
    min_reliability: str = "C",
) -> pd.DataFrame:
    """Say, for each target without enough figures, which figures would settle it.

    A growth ratio needs figures for two years, a forecast interval three. The table lists
    what is there, what to collect, and the values the target requires (its required path:
    per year for every-year, annual-average and cumulative targets, the target level for a
    level target when there is no figure to draw a path from).

    Parameters
    ----------
    dataset : ipanalysis.dataset.Dataset
        The dataset.
    assessment : pandas.DataFrame
        An :func:`assessment_table`.
    as_of : int, optional
        Figures up to this year (as in the assessment).
    min_reliability : {"A", "B", "C"}
        Lowest source grade admitted.

    Returns
    -------
    pandas.DataFrame
        ``target_id, region, indicator, name_zh, name_en, unit, target_year, target,
        n_points, years_held, collect, required`` for targets with status
        ``insufficient_data``; ``required`` lists ``year: value`` pairs.
    """
    lacking = assessment[assessment["status"] == "insufficient_data"]
    targets = dataset.targets.set_index("target_id")
    latest = latest_figure_year(dataset, as_of)
    paths = required_paths(dataset, lacking, as_of=as_of, min_reliability=min_reliability)
    series = region_series(dataset, None, as_of=as_of, min_reliability=min_reliability)
    rows = []
    for rec in lacking.to_dict("records"):
        ind = _indicator(dataset, rec["indicator"])
        held = sorted(
            series.loc[
                (series["region"] == rec["region"]) & (series["indicator"] == rec["indicator"]),
                "year",
            ].astype(int)
        )
        n = len(held)
        target = (
            targets.loc[rec["target_id"]].to_dict() if rec["target_id"] in targets.index else {}
        )
        years = years_to_settle({**target, "kind": rec["target_kind"],
                                 "target_year": rec["target_year"]}, held, latest)  # fmt: skip
        if years:
            listed = "、".join(str(y) for y in years)
            collect = f"{listed} 年数据 / figures for {', '.join(str(y) for y in years)}"
        else:
            collect = "见说明 see note"
        path = paths[paths["target_id"] == rec["target_id"]]
        required = "; ".join(
            f"{int(y)}: {fmt_required(v, ind['kind'], rec.get('comparator'))}"
            for y, v in zip(path["year"], path["required_value"], strict=True)
        )
        rows.append(
            {
                "target_id": rec["target_id"],
                "region": rec["region"],
                "indicator": rec["indicator"],
                "name_zh": ind["name_zh"],
                "name_en": ind["name_en"],
                "unit": ind["unit"],
                "target_year": int(rec["target_year"]),
                "target": target_text(rec, ind["unit"]),
                "n_points": n,
                "years_held": ", ".join(str(y) for y in held) if held else "–",
                "collect": collect,
                "required": required or "–",
                "note": "" if _missing(rec["note"]) else str(rec["note"]),
            }
        )
    cols = [
        "target_id", "region", "indicator", "name_zh", "name_en", "unit", "target_year",
        "target", "n_points", "years_held", "collect", "required", "note",
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=cols)


# --------------------------------------------------------------------------------------------
# Plain-language summaries (answer first)
# --------------------------------------------------------------------------------------------

#: Statuses that are a decision (everything but insufficient_data), best first.
DECIDED_STATUSES: tuple[str, ...] = ("achieved", "on_track", "at_risk", "off_track", "missed")
#: The backtest tables another step writes to the outputs folder (read when present).
BACKTEST_FILES: tuple[str, ...] = ("backtest.csv", "backtest_targets.csv")


def split_decided(assessment: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split an assessment into decided targets and those lacking figures (answer first).

    Parameters
    ----------
    assessment : pandas.DataFrame
        An :func:`assessment_table`.

    Returns
    -------
    tuple of pandas.DataFrame
        ``(decided, insufficient)``: the rows with a verdict, in :data:`DECIDED_STATUSES`
        order, then the ``insufficient_data`` rows, each in their original order.
    """
    order = {s: i for i, s in enumerate(DECIDED_STATUSES)}
    decided = assessment[assessment["status"].isin(DECIDED_STATUSES)]
    decided = decided.iloc[decided["status"].map(order).argsort(kind="stable")]
    lacking = assessment[assessment["status"] == "insufficient_data"]
    return decided.reset_index(drop=True), lacking.reset_index(drop=True)


def fmt_required(value: Any, indicator_kind: str | None, comparator: Any = ">=") -> str:
    """Format a required value: whole numbers for counts (rounded up for "at least").

    Parameters
    ----------
    value : float
        The value a target requires in a year.
    indicator_kind : str or None
        The indicator's kind; ``"count"`` (items, cases, firms) gives a whole number.
    comparator : str
        ``">="`` rounds a count up (3.33 单 means at least 4), ``"<="`` down.

    Returns
    -------
    str
        As :func:`ipanalysis.formatting.fmt_number`.
    """
    if indicator_kind == "count" and not _missing(value) and math.isfinite(float(value)):
        value = math.floor(value) if comparator == "<=" else math.ceil(float(value) - 1e-9)
    return fmt_number(value)


def region_summary(assessment: pd.DataFrame, dataset: Any, region: str) -> tuple[str, str]:
    """Say in two sentences what a region's report concludes (Chinese, English).

    Parameters
    ----------
    assessment : pandas.DataFrame
        An :func:`assessment_table` (rows of other regions are ignored).
    dataset : ipanalysis.dataset.Dataset
        For the region's names.
    region : str
        Region id.

    Returns
    -------
    tuple of str
        ``("滨海新区：27项目标，3项已实现，3项进展顺利，21项数据不足。…", "Binhai New Area: …")``.
    """
    from ipanalysis.formatting import STATUS_LABELS

    rows = assessment[assessment["region"] == region]
    zh_name, en_name = region_names(dataset, region)
    counts = rows["status"].value_counts()
    order = [*DECIDED_STATUSES, "insufficient_data"]
    zh_parts = [f"{counts[s]}项{STATUS_LABELS[s][0]}" for s in order if s in counts]
    en_parts = [f"{counts[s]} {STATUS_LABELS[s][1]}" for s in order if s in counts]
    zh = f"{zh_name}：{len(rows)}项目标" + ("，" + "，".join(zh_parts) if zh_parts else "") + "。"
    en = f"{en_name}: {len(rows)} targets" + (", " + ", ".join(en_parts) if en_parts else "") + "."
    risky = rows[rows["status"].isin(AT_RISK_STATUSES)]
    lacking = int(counts.get("insufficient_data", 0))
    if len(risky):
        names = indicator_names(dataset)["name_zh"]
        listed = "、".join(str(names.get(i, i)) for i in risky["indicator"])
        zh += f"需要关注：{listed}。"
        en += f" Needing attention: {len(risky)} target(s) at risk, off track or missed."
    elif lacking:
        zh += "没有目标存在风险；缺少数据的目标见“需要补充的数据”。"
        en += " No target is at risk; for the targets lacking figures see 'Figures needed'."
    else:
        zh += "没有目标存在风险。"
        en += " No target is at risk."
    return zh, en


def plain_note(rec: Mapping[str, Any], unit: str = "") -> tuple[str, str]:
    """Explain a verdict without jargon, in Chinese and English.

    Parameters
    ----------
    rec : mapping
        A row of :func:`assessment_table`.
    unit : str
        The indicator's unit.

    Returns
    -------
    tuple of str
        E.g. ``("最新数据 61.6 件/万人（2024年）已达到目标。", "The latest figure … meets the
        target.")``.
    """
    status = rec["status"]
    unit_text = f" {unit}" if unit else ""
    latest = ""
    if not _missing(rec.get("latest_value")):
        latest = f"{fmt_number(rec['latest_value'])}{unit_text}"
    year = fmt_year(rec.get("latest_year"))
    target_year = fmt_year(rec.get("target_year"))
    p = rec.get("p_meet")
    forecast = rec.get("forecast")
    if status == "achieved":
        return (
            f"最新数据 {latest}（{year}年）已达到目标。",
            f"The latest figure, {latest} ({year}), already meets the target.",
        )
    if status == "missed":
        return (
            f"目标年份已过，数据 {latest}（{year}年）未达到目标。",
            f"The target year has passed and the figure, {latest} ({year}), falls short.",
        )
    if status == "insufficient_data":
        n = int(rec.get("n_points") or 0)
        held = f"只有{n}个年份的数据" if n else "没有数据"
        held_en = f"only {n} year(s) of figures" if n else "no figures"
        return (
            f"{held}，无法判断；补充的数据见下表。",
            f"{held_en[0].upper()}{held_en[1:]}: cannot judge yet; see the figures needed below.",
        )
    if not _missing(p) and not _missing(forecast):
        chance = likelihood_text(p, rec.get("likelihood_zh"))
        return (
            f"按目前趋势，{target_year}年预计约 {fmt_number(forecast)}{unit_text}；"
            f"达标概率 {chance}。",
            f"On the current trend, about {fmt_number(forecast)}{unit_text} in {target_year}; "
            f"chance of meeting the target {float(p):.0%}.",
        )
    ratio = rec.get("growth_ratio")
    if not _missing(ratio):
        return (
            f"近年增长速度是达标所需速度的 {float(ratio):.1f} 倍（数据点少，结论较粗）。",
            f"Recent growth is {float(ratio):.1f} times the growth the target needs "
            "(few figures: a rough verdict).",
        )
    return ("", "")


def track_record(outputs_dir: Path | None = None) -> dict[str, pd.DataFrame]:
    """Read the backtest tables (the method's track record) when a run has written them.

    Parameters
    ----------
    outputs_dir : pathlib.Path, optional
        Default :func:`ipanalysis.paths.outputs_dir`.

    Returns
    -------
    dict of str to pandas.DataFrame
        ``{"backtest.csv": …, "backtest_targets.csv": …}`` for the files present and readable.
    """
    folder = Path(outputs_dir) if outputs_dir is not None else paths.outputs_dir()
    found = {}
    for name in BACKTEST_FILES:
        try:
            found[name] = pd.read_csv(folder / name, keep_default_na=False, na_values=[""])
        except (OSError, ValueError, pd.errors.ParserError):
            continue
    return found
