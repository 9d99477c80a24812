"""Tidy tables behind the reports: verdicts, figures, trends, conflicts, sources.

Every function returns a DataFrame with a stable row order, for code, tests, the CSV outputs
and :mod:`ipanalysis.report.html` (which turns them into HTML). The notebooks gather their
parameters into one :class:`~ipanalysis.scope.Scope` and pass it to these functions.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from pathlib import Path

import pandas as pd

from ipanalysis import paths
from ipanalysis.assess import assess
from ipanalysis.data.dataset import Dataset
from ipanalysis.data.regions import requested_regions
from ipanalysis.formats import fmt_number, fmt_pct, fmt_year, is_missing
from ipanalysis.model.growth import TREND_COLUMNS, compute_trends, yoy_growth
from ipanalysis.report.categories import COUNT_ORDER, count_categories
from ipanalysis.report.files import BACKTEST_FILES, unprefixed_text
from ipanalysis.report.labels import CONFIDENCE_LABELS, likelihood_text, status_label
from ipanalysis.report.lookups import indicator_row, with_indicator_names
from ipanalysis.report.text import plain_note, target_text
from ipanalysis.scope import DEFAULT_INTERVAL_LEVEL, Scope

#: Columns of :func:`figures_table`, in order.
FIGURES_TABLE_COLUMNS = [
    "indicator", "name_zh", "name_en", "unit", "year", "value", "value_lo", "value_hi",
    "yoy_growth", "derived", "formula", "source", "title_zh", "title_en", "reliability",
    "conflict",
]  # fmt: skip


def check_regions(dataset: Dataset, regions: Sequence[str] | str | None) -> list[str]:
    """Check the regions a notebook was asked for, with the runner's rule and message.

    Called by the notebooks right after loading the dataset, so that a plain
    ``papermill … -p region nosuch`` fails the way ``ipanalysis run --region nosuch`` is
    refused, instead of rendering an empty report.

    Parameters
    ----------
    dataset : Dataset
        The dataset (its city and district ids are the valid regions).
    regions : sequence of str, str or None
        One region id, several, or None for every reportable region.

    Returns
    -------
    list of str
        The region ids, checked and de-duplicated.

    Raises
    ------
    ipanalysis.errors.RegionError
        For an id that is not a plain slug or not a reportable region (the one rule,
        :func:`ipanalysis.data.regions.check_region_ids`, that ``assess`` and ``run`` apply too).
    """
    return requested_regions(dataset.regions, regions)


def assessment_table(
    dataset: Dataset,
    scope: Scope | None = None,
    *,
    regions: Sequence[str] | str | None = None,
    target_years: Iterable[int] | None = None,
    as_of: int | None = None,
    min_reliability: str = "C",
    interval_level: float = DEFAULT_INTERVAL_LEVEL,
) -> pd.DataFrame:
    """Return the verdicts for the targets of ``regions``, in a scope.

    This is what ``outputs/<region>/assessment.csv`` holds and what the notebooks show.

    Parameters
    ----------
    dataset : Dataset
        The dataset.
    scope : Scope, optional
        The notebook's parameters in one value (the notebooks pass it); without it the
        keywords below make one (callers that have no Scope).
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
        :func:`ipanalysis.assess.assess` columns with ``evidence`` and ``evidence_reason``,
        sorted by region, target year, indicator, target id.
    """
    if scope is None:
        scope = Scope(as_of, min_reliability, interval_level, target_years)
    table = assess(dataset, scope, regions=requested_regions(dataset.regions, regions))
    return table


def read_assessment_csv(path: str | os.PathLike[str]) -> pd.DataFrame:
    """Read an assessment CSV (:func:`ipanalysis.report.files.write_csv`: with or without a BOM).

    Parameters
    ----------
    path : path
        The CSV.

    Returns
    -------
    pandas.DataFrame
        The table with text cells as strings (as they were before
        :func:`~ipanalysis.report.files.spreadsheet_text`) and numbers as floats/ints.
    """
    table = pd.read_csv(path, encoding="utf-8-sig", keep_default_na=False, na_values=[""])
    text = [c for c in table.columns if not pd.api.types.is_numeric_dtype(table[c])]
    table[text] = table[text].map(unprefixed_text)
    return table


def status_counts(
    assessment: pd.DataFrame,
    *,
    by_region: bool = False,
    regions: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Count targets by status, leans apart (every category listed, zeros included).

    Parameters
    ----------
    assessment : pandas.DataFrame
        An assessment table.
    by_region : bool
        One row per region (columns = :data:`COUNT_ORDER`, plus ``total``) instead of one per
        category.
    regions : sequence of str, optional
        With ``by_region``: list these regions too, with zeros when they have no target.

    Returns
    -------
    pandas.DataFrame
        ``status, label, count`` rows in :data:`COUNT_ORDER`; or regions × categories with a
        ``total`` column.
    """
    categories = count_categories(assessment) if len(assessment) else assessment["status"]
    if by_region:
        index = sorted(set(assessment["region"]) | set(regions or ()))
        counts = (
            pd.crosstab(assessment["region"], categories)
            .reindex(index=index, columns=list(COUNT_ORDER), fill_value=0)
            .astype(int)
        )
        counts["total"] = counts.sum(axis=1)
        counts.columns.name = None
        counts.index.name = "region"
        return counts
    counts = categories.value_counts().reindex(list(COUNT_ORDER), fill_value=0)
    return pd.DataFrame(
        {
            "status": list(COUNT_ORDER),
            "label": [status_label(s) for s in COUNT_ORDER],
            "count": counts.astype(int).to_list(),
        }
    )


def verdict_table(assessment: pd.DataFrame, dataset: Dataset) -> pd.DataFrame:
    """Return the assessment as display strings, one row per target (Chinese, then English).

    Parameters
    ----------
    assessment : pandas.DataFrame
        An assessment table.
    dataset : Dataset
        For indicator names and units.

    Returns
    -------
    pandas.DataFrame
        Text columns; ``status`` keeps the status code (for colouring).
    """
    table = assessment
    leans = count_categories(table) == "lean"
    rows = []
    for rec, lean in zip(table.to_dict("records"), leans, strict=True):
        ind = indicator_row(dataset, rec["indicator"])
        level = rec.get("interval_level")
        forecast = "–"
        if not is_missing(rec["forecast"]):
            forecast = fmt_number(rec["forecast"])
            if not is_missing(rec["forecast_lower"]):
                forecast += (
                    f" [{fmt_number(rec['forecast_lower'])}, {fmt_number(rec['forecast_upper'])}]"
                )
        latest = "–"
        if not is_missing(rec["latest_value"]):
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
                "interval_level": "" if is_missing(level) else f"{float(level):.0%}",
                "p_meet": likelihood_text(rec["p_meet"], rec.get("likelihood_zh")),
                "growth": f"{fmt_pct(rec['observed_growth'])} / {fmt_pct(rec['required_growth'])}",
                "status": rec["status"],
                "confidence": CONFIDENCE_LABELS.get(rec["confidence"], str(rec["confidence"])),
                "method": str(rec["method"]).replace("_", "-"),
                "note": "" if is_missing(rec["note"]) else str(rec["note"]),
                "plain_zh": plain[0],
                "plain_en": plain[1],
                "df": "" if is_missing(rec.get("df")) else str(int(rec["df"])),
                # columns the assessment gains in issue 8; empty when absent
                "provisional": bool(rec.get("provisional")) and not is_missing(rec["provisional"]),
                "citations": "" if is_missing(rec.get("citations")) else str(rec["citations"]),
                "revised_from": ""
                if is_missing(rec.get("revised_from"))
                else str(rec["revised_from"]),
                "growth_ratio_latest": ""
                if is_missing(rec.get("growth_ratio_latest"))
                else f"{float(rec['growth_ratio_latest']):.2f}",
                "target_id": rec["target_id"],
                "evidence": str(rec["evidence"]),
                "evidence_reason": ""
                if is_missing(rec["evidence_reason"])
                else str(rec["evidence_reason"]),
                "lean": bool(lean),
            }
        )
    return pd.DataFrame(rows)


def _source_titles(dataset: Dataset) -> pd.DataFrame:
    return dataset.sources.set_index("source_id")[["title_zh", "title_en", "reliability"]]


def figures_table(dataset: Dataset, region: str, scope: Scope = Scope()) -> pd.DataFrame:
    """Return every figure of a region used in analysis, with growth, source and derivation.

    Figures in ``scope`` (up to its as-of year, of its minimum grade or better); columns
    :data:`FIGURES_TABLE_COLUMNS`, sorted by indicator and year; ``conflict`` is True where
    sources disagree about that year.
    """
    series = dataset.scoped_series(scope, region)
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


def trend_table(dataset: Dataset, region: str, scope: Scope = Scope()) -> pd.DataFrame:
    """Return one row per indicator of a region: span, latest figure and growth rates.

    Figures in ``scope`` (up to its as-of year, of its minimum grade or better); columns of
    :func:`ipanalysis.model.growth.compute_trends` plus ``name_zh, name_en, unit`` and
    ``n_derived`` (figures computed from a relative statement), sorted by indicator.
    """
    series = dataset.scoped_series(scope, region)
    if series.empty:
        return pd.DataFrame(columns=[*TREND_COLUMNS, "name_zh", "name_en", "unit", "n_derived"])
    trends = compute_trends(series)
    derived = series.groupby("indicator")["derived"].sum().astype(int).rename("n_derived")
    out = with_indicator_names(trends, dataset)
    out = out.merge(derived, left_on="indicator", right_index=True, how="left")
    return out.sort_values("indicator", kind="stable").reset_index(drop=True)


def conflict_table(dataset: Dataset, region: str) -> pd.DataFrame:
    """Return a region's conflicting figures (sources that disagree beyond rounding).

    The ``dataset.conflicts`` rows of the region with source titles and indicator names, sorted
    by indicator, year, period, then the selected figure first.
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


def sources_table(dataset: Dataset, source_ids: Iterable[str]) -> pd.DataFrame:
    """Return the sources with the given ids: titles, issuer, date, grade, address.

    Sorted by reliability grade, then id.
    """
    wanted = set(source_ids)
    sources = dataset.sources[dataset.sources["source_id"].isin(wanted)]
    cols = ["source_id", "title_zh", "title_en", "issuer", "date", "reliability", "url"]
    return (
        sources[cols]
        .sort_values(["reliability", "source_id"], kind="stable")
        .reset_index(drop=True)
    )


def track_record(outputs_dir: Path | None = None) -> dict[str, pd.DataFrame]:
    """Return the backtest tables (the method's track record) a run has written.

    ``{"backtest.csv": …, "backtest_targets.csv": …}`` for the files present and readable in
    ``outputs_dir`` (default :func:`ipanalysis.paths.outputs_dir`).
    """
    folder = Path(outputs_dir) if outputs_dir is not None else paths.outputs_dir()
    found = {}
    for name in BACKTEST_FILES:
        try:
            found[name] = pd.read_csv(
                folder / name, encoding="utf-8-sig", keep_default_na=False, na_values=[""]
            )
        except (OSError, ValueError, pd.errors.ParserError):
            continue
    return found
