"""Export the resolved dataset and the assessment as one Excel workbook and tidy CSVs.

For researchers who work in Excel or WPS: ``ipanalysis export`` writes

* ``figures.csv`` — every figure, stated and derived, with its grade, whether analyses use it
  (``selected``) and whether sources disagree about it (``conflict``);
* ``assessment.csv`` — the verdict on every target;
* ``columns.csv`` — what every column of the two means (Chinese and English);
* ``ipanalysis-export.xlsx`` — the three as sheets (:mod:`ipanalysis.report.workbook`: Chinese
  and English headers, number formats, frozen header, filters).

Both tables carry the Chinese and English names of the region and the indicator beside the
ids. The CSVs are UTF-8 with a BOM, so Excel on a Chinese Windows opens them correctly
(:func:`ipanalysis.report.files.write_csv`). The files go to ``outputs/export/`` (ignored by
git) or the folder given, never into the tracked outputs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ipanalysis import paths
from ipanalysis.columns import SPEC
from ipanalysis.data.dataset import Dataset
from ipanalysis.report.files import write_csv
from ipanalysis.report.lookups import with_indicator_names
from ipanalysis.report.tables import assessment_table
from ipanalysis.report.workbook import CutCell, workbook_bytes
from ipanalysis.writes import write_bytes_atomic

#: Workbook file name.
WORKBOOK_NAME = "ipanalysis-export.xlsx"
#: The description of a column the specification lacks (the tests require none to).
_UNDESCRIBED = ("（无说明）", "(no description)")
#: Names put after an id column: the region's, then the indicator's.
_NAMES = ["region_name_zh", "region_name_en", "name_zh", "name_en", "unit"]
#: Columns of the column sheet (each described in the specification too).
COLUMN_SHEET_COLUMNS = [
    "sheet", "column", "label_zh", "label_en", "format", "description_zh", "description_en",
]  # fmt: skip


@dataclass
class Export:
    """What :func:`export_all` wrote: the files, and the workbook cells cut to Excel's limit."""

    files: list[Path]
    cut: list[CutCell] = field(default_factory=list)


def with_names(frame: pd.DataFrame, dataset: Dataset) -> pd.DataFrame:
    """Return ``frame`` with the region's and the indicator's names beside the two ids.

    Parameters
    ----------
    frame : pandas.DataFrame
        A table with ``region`` and ``indicator`` columns.
    dataset : Dataset
        For the names.

    Returns
    -------
    pandas.DataFrame
        ``region, region_name_zh, region_name_en, indicator, name_zh, name_en, unit``, then
        the other columns in their order; unknown ids are their own names.
    """
    regions = dataset.regions.set_index("region_id")[["name_zh", "name_en"]]
    regions.columns = ["region_name_zh", "region_name_en"]
    out = with_indicator_names(frame.drop(columns=_NAMES, errors="ignore"), dataset)
    out = out.merge(regions, left_on="region", right_index=True, how="left")
    for col in regions.columns:
        out[col] = out[col].fillna(out["region"])
    first = ["region", *_NAMES[:2], "indicator", *_NAMES[2:]]
    return out[first + [c for c in out.columns if c not in first]]


def figures_export(dataset: Dataset) -> pd.DataFrame:
    """Return every figure, stated and derived, with names, grade, selection and conflicts.

    Parameters
    ----------
    dataset : Dataset
        The dataset.

    Returns
    -------
    pandas.DataFrame
        ``dataset.observations`` with the names (:func:`with_names`) and a ``conflict``
        column; sorted by region, indicator, year, period, source.
    """
    obs = dataset.observations.copy()
    keys = ["region", "indicator", "year", "period"]
    clashing = set(map(tuple, dataset.conflicts[keys].to_numpy()))
    obs["conflict"] = [tuple(k) in clashing for k in obs[keys].to_numpy()]
    obs = obs.sort_values([*keys, "source"], kind="stable")
    return with_names(obs, dataset).reset_index(drop=True)


def columns_export(*tables: tuple[str, pd.DataFrame]) -> pd.DataFrame:
    """Return one row per column of each exported table, from the column specification.

    Parameters
    ----------
    *tables : (str, pandas.DataFrame)
        Sheet name and table.

    Returns
    -------
    pandas.DataFrame
        :data:`COLUMN_SHEET_COLUMNS`; a column without a description says so (the test
        suite requires none of the shipped ones to).
    """
    rows = []
    for sheet, table in tables:
        for col in table.columns:
            spec = SPEC.get(col)
            labels = (spec.label_zh, spec.label_en, spec.format) if spec else ("", "", "")
            zh, en = (spec.description_zh, spec.description_en) if spec else _UNDESCRIBED
            rows.append(
                dict(zip(COLUMN_SHEET_COLUMNS, (sheet, col, *labels, zh, en), strict=True))
            )
    return pd.DataFrame(rows, columns=COLUMN_SHEET_COLUMNS)


def export_all(dataset: Dataset, out_dir: Path | None = None) -> Export:
    """Write the figures, the assessment and the column notes as CSVs and one workbook.

    Parameters
    ----------
    dataset : Dataset
        The validated dataset.
    out_dir : pathlib.Path, optional
        Destination folder; default ``outputs/export/`` (git-ignored).

    Returns
    -------
    Export
        The files written (three CSVs and the ``.xlsx``), and the workbook cells cut to
        Excel's limit (the CSVs keep the whole text).

    Raises
    ------
    ipanalysis.writes.WriteError
        A file is open in another program or the folder cannot be written; each file is
        either the previous one or the complete new one.
    """
    out = Path(out_dir) if out_dir is not None else paths.outputs_dir() / paths.EXPORT_DIRNAME
    figures = figures_export(dataset)
    assessment = with_names(assessment_table(dataset, target_years=None), dataset)
    sheets = {"figures": figures, "assessment": assessment}
    sheets["columns"] = columns_export(*sheets.items())
    written = [write_csv(table, out / f"{name}.csv") for name, table in sheets.items()]
    workbook, cut = workbook_bytes(sheets)
    return Export([*written, write_bytes_atomic(out / WORKBOOK_NAME, workbook)], cut)
