"""The one column specification: every column a table of this project shows or writes.

``columns.csv`` (beside this module, editable in Excel or WPS) gives each column its type, a
short bilingual label (table headers), a bilingual description (the Excel export's column
sheet) and a display format. The assessment (:mod:`ipanalysis.assess`) types its table from
it; the CSV writer, the Excel export, the terminal and the HTML reports take names, order,
labels and descriptions from here (PUDL keeps one such field table for the same reason).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from importlib import resources

import pandas as pd

#: Display formats: how a value is shown to a person (``growth``, ``fraction`` and
#: ``probability`` are fractions shown as percent; ``ratio`` a plain multiple).
FORMATS = ("text", "number", "year", "count", "fraction", "growth", "probability", "ratio", "flag")
DTYPES = ("str", "int", "Int64", "float", "bool")


@dataclass(frozen=True)
class Column:
    """One column: its type, label and meaning (one row of ``columns.csv``).

    Attributes
    ----------
    name : str
        The column's name in every file (snake_case, fixed).
    dtype : str
        One of :data:`DTYPES` (``Int64``: a year or count that may be missing).
    label_zh, label_en : str
        Short header labels.
    description_zh, description_en : str
        What the column holds, for the column sheet of the export.
    format : str
        One of :data:`FORMATS`.
    """

    name: str
    dtype: str
    label_zh: str
    label_en: str
    description_zh: str
    description_en: str
    format: str


def _read_spec() -> dict[str, Column]:
    text = resources.files("ipanalysis").joinpath("columns.csv").read_text(encoding="utf-8")
    spec = {row["name"]: Column(**row) for row in csv.DictReader(text.splitlines())}
    bad = [c.name for c in spec.values() if c.dtype not in DTYPES or c.format not in FORMATS]
    if bad:
        raise ValueError(f"columns.csv: unknown dtype or format for {bad}")
    return spec


#: Every column, by name.
SPEC: dict[str, Column] = _read_spec()

#: The assessment table, in its fixed order (``assessment.csv``, ``ipanalysis assess --out``).
ASSESSMENT_COLUMNS = [
    "region", "indicator", "target_year", "target_kind", "comparator", "target_value",
    "base_year", "latest_year", "latest_value", "n_points", "method", "forecast",
    "forecast_lower", "forecast_upper", "p_meet", "observed_growth", "required_growth",
    "growth_ratio", "status", "confidence", "note", "target_id", "progress_category",
    "target_value_max", "as_of", "interval_level", "df", "method_reason", "likelihood",
    "likelihood_zh", "growth_ratio_latest", "citations", "revised_from", "provisional",
    "evidence", "evidence_reason", "fragile", "tie_verdicts", "restated_as",
]  # fmt: skip


def assessment_frame(rows: list[dict]) -> pd.DataFrame:
    """Return assessment rows as a table with the columns and types of the specification.

    Parameters
    ----------
    rows : list of dict
        One dict per target (keys: :data:`ASSESSMENT_COLUMNS`).

    Returns
    -------
    pandas.DataFrame
        Floats as float64, years as nullable ``Int64``, counts and target years as int,
        flags as bool; text as given.
    """
    frame = pd.DataFrame(rows, columns=ASSESSMENT_COLUMNS)
    for name in ASSESSMENT_COLUMNS:
        dtype, values = SPEC[name].dtype, frame[name]
        if dtype == "float":
            frame[name] = pd.to_numeric(values, errors="coerce").astype(float)
        elif dtype == "Int64":
            frame[name] = pd.array(
                [None if v is None or pd.isna(v) else int(v) for v in values], dtype="Int64"
            )
        elif dtype in ("int", "bool"):
            frame[name] = values.astype(dtype)
    return frame
