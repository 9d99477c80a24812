"""Ask for the missing figures: per region, a template of the figures that would settle targets.

Most 2025/2026 targets are ``insufficient_data`` because the public sources carry no district
series. :func:`needs_template` lists, for every such target, the years whose figures would let
the assessment decide it, as rows in the observations format with the value, source and quote
left empty. A researcher fills them in Excel or WPS, saves the file as
``data/observations-<anything>.csv`` and reruns: :mod:`ipanalysis.extra_observations` reads it
with ``observations.csv`` and ``validate`` checks it like any other rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from ipanalysis import paths
from ipanalysis.display_tables import (
    assessment_table,
    indicator_names,
    latest_figure_year,
    region_series,
    reportable_regions,
    target_text,
    years_to_settle,
)
from ipanalysis.output import write_csv_atomic

#: Columns of a template: the observations columns with two reading aids (name_zh, unit).
TEMPLATE_COLUMNS = [
    "region", "indicator", "name_zh", "unit", "year", "period", "value", "scale", "qualifier",
    "scale_missing_in_quote", "source", "quote", "note",
]  # fmt: skip


def template_name(region: str) -> str:
    """Return the file name of a region's template (it keeps working once copied to data/).

    Parameters
    ----------
    region : str
        Region id.

    Returns
    -------
    str
        ``observations-<region>-needed.csv``: matches ``data/observations-*.csv``.
    """
    return f"observations-{region}-needed.csv"


def needs_template(
    dataset: Any, assessment: pd.DataFrame, region: str, *, as_of: int | None = None
) -> pd.DataFrame:
    """Return the template of figures that would settle a region's insufficient-data targets.

    Parameters
    ----------
    dataset : ipanalysis.dataset.Dataset
        The dataset.
    assessment : pandas.DataFrame
        An :func:`ipanalysis.display_tables.assessment_table` covering ``region``.
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
    series = region_series(dataset, region, as_of=as_of)
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
    """Write a template as UTF-8 with BOM (so Excel and WPS open the Chinese correctly).

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
    return write_csv_atomic(frame, path, encoding="utf-8-sig")


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
    dataset : ipanalysis.dataset.Dataset
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
    regions = list(regions) if regions is not None else reportable_regions(dataset)
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
