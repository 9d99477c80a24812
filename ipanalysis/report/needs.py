"""Ask for the missing figures: which figures would settle each target, and a template per region.

Most 2025/2026 targets are ``insufficient_data`` because the public sources carry no district
series. :func:`figures_needed` says, for every such target, which years' figures would let the
assessment decide it (and the values the target requires); :func:`needs_template` lists them
as rows in the observations format with the value, source and quote left empty. A researcher
fills them in Excel or WPS, saves the file as ``data/observations-<anything>.csv`` and reruns:
:mod:`ipanalysis.data.extra` reads it with ``observations.csv`` and ``validate`` checks it
like any other rows.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from ipanalysis import paths
from ipanalysis.assess.required import required_path
from ipanalysis.data.dataset import Dataset
from ipanalysis.data.regions import reportable_region_ids
from ipanalysis.formats import fmt_number, is_missing
from ipanalysis.report.files import write_csv
from ipanalysis.report.lookups import indicator_names, indicator_row
from ipanalysis.report.tables import assessment_table
from ipanalysis.report.text import target_text
from ipanalysis.scope import Scope

#: Yearly figures to ask for: from three figures up the backtest has tested most situations
#: (one or two give only a lean in most of them).
MIN_POINTS_INTERVAL = 3


def required_paths(dataset: Dataset, assessment: pd.DataFrame, scope: Scope) -> pd.DataFrame:
    """Return the yearly path each assessed target requires, one row per target and year.

    Columns ``target_id, region, indicator, year, required_value``, from
    :func:`ipanalysis.assess.required.required_path` on the figures ``scope`` admits (as in the
    assessment); sorted by target, then year.
    """
    series = dataset.scoped_series(scope)
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
    level targets the three latest years (where most forecasts become tested), plus
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


def latest_figure_year(dataset: Dataset, as_of: int | None = None) -> int:
    """Return the latest year a figure can be asked for: ``as_of``, else the newest figure's.

    Parameters
    ----------
    dataset : Dataset
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
    dataset: Dataset,
    assessment: pd.DataFrame,
    *,
    as_of: int | None = None,
    min_reliability: str = "C",
) -> pd.DataFrame:
    """Say, for each target without enough figures, which figures would settle it.

    Three yearly figures make most forecasts tested (one or two give a lean). The table lists
    what is there, what to collect, and the values the target requires (its required path:
    per year for every-year, annual-average and cumulative targets, the target level for a
    level target when there is no figure to draw a path from).

    Parameters
    ----------
    dataset : Dataset
        The dataset.
    assessment : pandas.DataFrame
        An assessment table.
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
    scope = Scope(as_of, min_reliability)
    latest = latest_figure_year(dataset, as_of)
    paths = required_paths(dataset, lacking, scope)
    series = dataset.scoped_series(scope)
    rows = []
    for rec in lacking.to_dict("records"):
        ind = indicator_row(dataset, rec["indicator"])
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
                "note": "" if is_missing(rec["note"]) else str(rec["note"]),
            }
        )
    cols = [
        "target_id", "region", "indicator", "name_zh", "name_en", "unit", "target_year",
        "target", "n_points", "years_held", "collect", "required", "note",
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=cols)


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
        As :func:`ipanalysis.report.labels.fmt_number`.
    """
    if indicator_kind == "count" and not is_missing(value) and math.isfinite(float(value)):
        value = math.floor(value) if comparator == "<=" else math.ceil(float(value) - 1e-9)
    return fmt_number(value)


#: Columns of a template: the observations columns with two reading aids (name_zh, unit).
TEMPLATE_COLUMNS = [
    "region", "indicator", "name_zh", "unit", "year", "period", "value", "scale", "qualifier",
    "scale_missing_in_quote", "source", "quote", "note",
]  # fmt: skip


def template_name(region: str) -> str:
    """Return the file name of a region's template: ``observations-<region>-needed.csv``.

    It matches ``data/observations-*.csv``, so it keeps working once copied to ``data/``.
    """
    return f"observations-{region}-needed.csv"


def needs_template(
    dataset: Any, assessment: pd.DataFrame, region: str, *, as_of: int | None = None
) -> pd.DataFrame:
    """Return the template of figures that would settle a region's insufficient-data targets.

    Parameters
    ----------
    dataset : ipanalysis.data.dataset.Dataset
        The dataset.
    assessment : pandas.DataFrame
        An :func:`ipanalysis.report.tables.assessment_table` covering ``region``.
    region : str
        Region id.
    as_of : int, optional
        The assessment's cut-off year (default: the latest year with any figure).

    Returns
    -------
    pandas.DataFrame
        :data:`TEMPLATE_COLUMNS`; one row per indicator and year, value/scale/qualifier/
        source/quote empty, ``note`` naming the targets the row serves. Sorted by indicator
        and year.
    """
    lacking = assessment[
        (assessment["region"] == region) & (assessment["status"] == "insufficient_data")
    ]
    names = indicator_names(dataset)
    series = dataset.scoped_series(Scope(as_of), region)
    latest = latest_figure_year(dataset, as_of)
    targets = dataset.targets.set_index("target_id")
    rows: dict[tuple[str, int], dict[str, Any]] = {}
    for rec in lacking.to_dict("records"):
        if rec["target_id"] not in targets.index:
            continue
        target = {**targets.loc[rec["target_id"]].to_dict(), "target_id": rec["target_id"]}
        held = series.loc[series["indicator"] == rec["indicator"], "year"].astype(int).tolist()
        known = rec["indicator"] in names.index
        unit = str(names.at[rec["indicator"], "unit"]) if known else ""
        serves = f"{rec['target_id']}: {target_text(rec, unit)} ({int(rec['target_year'])})"
        for year in years_to_settle(target, held, latest):
            key = (rec["indicator"], year)
            if key in rows:
                rows[key]["note"] += f"; {serves}"
                continue
            rows[key] = {
                "region": region,
                "indicator": rec["indicator"],
                "name_zh": names.at[rec["indicator"], "name_zh"] if known else "",
                "unit": unit,
                "year": year,
                "note": f"用于目标 for target {serves}",
            }
    blank = dict.fromkeys(TEMPLATE_COLUMNS, "")
    frame = pd.DataFrame([{**blank, **row} for row in rows.values()], columns=TEMPLATE_COLUMNS)
    return frame.sort_values(["indicator", "year"], kind="stable").reset_index(drop=True)


def write_needs_template(frame: pd.DataFrame, path: Path) -> Path:
    """Write a template with :func:`~ipanalysis.report.files.write_csv` (BOM: Excel reads it).

    Parameters
    ----------
    frame : pandas.DataFrame
        A :func:`needs_template`.
    path : pathlib.Path
        Destination; its folder is created.

    Returns
    -------
    pathlib.Path
        ``path``.
    """
    return write_csv(frame, path)


def write_needs_templates(
    dataset: Any,
    assessment: pd.DataFrame | None = None,
    *,
    regions: Sequence[str] | None = None,
    outputs_dir: Path | None = None,
    out_dir: Path | None = None,
    as_of: int | None = None,
) -> list[Path]:
    """Write each region's template to ``<outputs>/<region>/observations-<region>-needed.csv``.

    The runner calls this once per run (the region reports link to the file); the
    ``ipanalysis needs`` command calls it too.

    Parameters
    ----------
    dataset : ipanalysis.data.dataset.Dataset
        The dataset.
    assessment : pandas.DataFrame, optional
        The run's assessment; computed for ``regions`` when None.
    regions : sequence of str, optional
        Regions; default every reportable region.
    outputs_dir : pathlib.Path, optional
        Default :func:`ipanalysis.paths.outputs_dir`.
    out_dir : pathlib.Path, optional
        Write every template straight into this folder instead (``needs --out``).
    as_of : int, optional
        The assessment's cut-off year.

    Returns
    -------
    list of pathlib.Path
        The files written, one per region (a region with nothing missing gets a header-only
        file, so links never break).
    """
    regions = list(regions) if regions is not None else reportable_region_ids(dataset.regions)
    if assessment is None:
        assessment = assessment_table(dataset, regions=regions, as_of=as_of)
    out = Path(outputs_dir) if outputs_dir is not None else paths.outputs_dir()
    return [
        write_needs_template(
            needs_template(dataset, assessment, region, as_of=as_of),
            (Path(out_dir) if out_dir is not None else out / region) / template_name(region),
        )
        for region in regions
    ]
