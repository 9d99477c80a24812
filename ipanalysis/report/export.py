"""Export the resolved dataset and the assessment as one Excel workbook and tidy CSVs.

For researchers who work in Excel or WPS: ``ipanalysis export`` writes

* ``figures.csv`` — every figure, stated and derived, with its grade, whether analyses use it
  (``selected``) and whether sources disagree about it (``conflict``);
* ``assessment.csv`` — the verdict on every target;
* ``columns.csv`` — what every column of the two means (Chinese and English);
* ``ipanalysis-export.xlsx`` — the three as sheets.

The files go to ``outputs/export/`` (ignored by git) or the folder given, never over a
tracked file.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ipanalysis import paths
from ipanalysis.columns import SPEC
from ipanalysis.data.dataset import Dataset
from ipanalysis.report.files import write_csv
from ipanalysis.report.lookups import with_indicator_names
from ipanalysis.report.tables import assessment_table

#: Workbook file name.
WORKBOOK_NAME = "ipanalysis-export.xlsx"
#: Default folder under the outputs folder (git-ignored).
EXPORT_SUBDIR = "export"
#: The description of a column the specification lacks (the tests require none to).
_UNDESCRIBED = ("（无说明）", "(no description)")


def figures_export(dataset: Dataset) -> pd.DataFrame:
    """Return every figure, stated and derived, with names, grade, selection and conflicts.

    Parameters
    ----------
    dataset : Dataset
        The dataset.

    Returns
    -------
    pandas.DataFrame
        ``dataset.observations`` with ``name_zh, name_en, unit`` after ``indicator`` and a
        ``conflict`` column; sorted by region, indicator, year, period, source.
    """
    obs = with_indicator_names(dataset.observations, dataset)
    keys = ["region", "indicator", "year", "period"]
    clashing = set(map(tuple, dataset.conflicts[keys].to_numpy()))
    obs["conflict"] = [tuple(k) in clashing for k in obs[keys].to_numpy()]
    first = ["region", "indicator", "name_zh", "name_en", "unit"]
    cols = first + [c for c in obs.columns if c not in first]
    return obs[cols].sort_values([*keys, "source"], kind="stable").reset_index(drop=True)


def columns_export(*tables: tuple[str, pd.DataFrame]) -> pd.DataFrame:
    """Return one row per column of each exported table, with what it means.

    Parameters
    ----------
    *tables : (str, pandas.DataFrame)
        Sheet name and table.

    Returns
    -------
    pandas.DataFrame
        ``sheet, column, description_zh, description_en``; a column without a description
        says so (the test suite requires none of the shipped ones to).
    """
    rows = []
    for sheet, table in tables:
        for col in table.columns:
            spec = SPEC.get(col)
            zh, en = (spec.description_zh, spec.description_en) if spec else _UNDESCRIBED
            rows.append(
                {"sheet": sheet, "column": col, "description_zh": zh, "description_en": en}
            )
    return pd.DataFrame(rows, columns=["sheet", "column", "description_zh", "description_en"])


def export_all(dataset: Dataset, out_dir: Path | None = None) -> list[Path]:
    """Write the figures, the assessment and the column notes as CSVs and one workbook.

    Parameters
    ----------
    dataset : Dataset
        The validated dataset.
    out_dir : pathlib.Path, optional
        Destination folder; default ``outputs/export/`` (git-ignored).

    Returns
    -------
    list of pathlib.Path
        The files written: three CSVs and the ``.xlsx``.
    """
    out = Path(out_dir) if out_dir is not None else paths.outputs_dir() / EXPORT_SUBDIR
    figures = figures_export(dataset)
    assessment = assessment_table(dataset, target_years=None)
    sheets = {"figures": figures, "assessment": assessment}
    sheets["columns"] = columns_export(*sheets.items())
    written = [write_csv(table, out / f"{name}.csv") for name, table in sheets.items()]
    workbook = out / WORKBOOK_NAME
    tmp = out / f".{WORKBOOK_NAME}.tmp"
    try:  # readers see the old workbook or the complete new one
        with pd.ExcelWriter(tmp, engine="openpyxl") as writer:
            for name, table in sheets.items():
                table.to_excel(writer, sheet_name=name, index=False, freeze_panes=(1, 0))
        tmp.replace(workbook)
    finally:
        tmp.unlink(missing_ok=True)
    return [*written, workbook]
