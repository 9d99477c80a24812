"""Test-only helpers: comparing assessment tables, reading what a notebook ran with."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ipanalysis.formats import is_missing
from ipanalysis.runner.plan import declared_parameters

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
            if is_missing(e) and is_missing(a):
                continue
            if (
                is_missing(e)
                or is_missing(a)
                or not math.isclose(float(e), float(a), rel_tol=rtol, abs_tol=1e-12)
            ):
                rows.append({"target_id": target, "column": col, "expected": e, "actual": a})
    return pd.DataFrame(rows, columns=["target_id", "column", "expected", "actual"])


def _comparable(value: Any) -> Any:
    """Normalise a cell read from CSV or computed (1.0 == 1 == "1"; NaN == None)."""
    if is_missing(value):
        return None
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, float, np.integer, np.floating)):
        return float(value)
    try:
        return float(value)
    except (TypeError, ValueError):
        return str(value)


def executed_parameters(notebook: str | Path) -> dict[str, Any]:
    """Return the parameters an executed notebook ran with (defaults, then injected values).

    Parameters
    ----------
    notebook : path
        A notebook executed by papermill (e.g. ``outputs/binhai/forecast.ipynb``).

    Returns
    -------
    dict of str to object
        The parameters cell's defaults overridden by ``metadata.papermill.parameters``.
    """
    import nbformat

    path = Path(notebook)
    values = declared_parameters(path)
    nb = nbformat.read(path, as_version=4)
    values.update(nb.metadata.get("papermill", {}).get("parameters", {}))
    return values
