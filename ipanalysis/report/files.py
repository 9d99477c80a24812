"""Files for people and for git: deterministic CSV tables, written atomically.

Readers see the old file or the complete new one, never a part; the same table gives the same
bytes on every machine (floats rounded to :data:`CSV_SIGNIFICANT_DIGITS` significant digits).
"""

from __future__ import annotations

import math
import os
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd

from ipanalysis import paths

#: Significant digits kept in the CSV outputs (stable across platforms' last-bit noise).
CSV_SIGNIFICANT_DIGITS = 10
#: The track record's tables in an outputs folder: the forecast scores by situation, the past
#: targets, and their Brier scores and reliability by p band.
BACKTEST_FILES = ("backtest.csv", "backtest_targets.csv", "backtest_reliability.csv")


def write_csv_atomic(df: pd.DataFrame, path: Path, *, encoding: str = "utf-8") -> Path:
    r"""Write a CSV so that readers see the old file or the complete new one, never a part.

    Parameters
    ----------
    df
        The table; written without the index, UTF-8, ``\\n`` line ends, floats as repr.
    path
        Destination; its folder is created if needed.
    encoding
        ``"utf-8"``; ``"utf-8-sig"`` adds a BOM for files meant for Excel/WPS.

    Returns
    -------
    pathlib.Path
        ``path``.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding=encoding, newline="") as f:
            df.to_csv(f, index=False, lineterminator="\n")
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; give the usual permissions
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _round_significant(value: Any, digits: int) -> Any:
    if isinstance(value, float) and math.isfinite(value) and value != 0:
        return float(f"{value:.{digits}g}")
    return value


def write_csv(table: pd.DataFrame, path: str | os.PathLike[str]) -> Path:
    r"""Write a table as a deterministic CSV, atomically.

    UTF-8 without BOM, ``\n`` line ends, no index, floats rounded to
    :data:`CSV_SIGNIFICANT_DIGITS` significant digits and written in Python's shortest repr,
    missing values as empty cells. Readers see the old file or the complete new one.

    Parameters
    ----------
    table : pandas.DataFrame
        The table.
    path : path
        Destination; its folder is created.

    Returns
    -------
    pathlib.Path
        The path written.
    """
    out = table.copy()
    for col in out.columns:
        if pd.api.types.is_float_dtype(out[col]):
            out[col] = out[col].map(lambda v: _round_significant(v, CSV_SIGNIFICANT_DIGITS))
    return write_csv_atomic(out, Path(path))


def write_assessment_csv(table: pd.DataFrame, path: str | os.PathLike[str]) -> Path:
    """Write an assessment from the command line (``ipanalysis assess --out``) to ``path``.

    The command line never writes into ``outputs/`` on its own: that folder is the runner's
    (``ipanalysis run``), whose assessment CSVs cover the reports' target years; ``assess``
    covers every target year.

    Parameters
    ----------
    table : pandas.DataFrame
        The assessment (:func:`ipanalysis.assess.assess`).
    path : path
        The CSV file to write (its folder is created).

    Returns
    -------
    pathlib.Path
        ``path``.
    """
    return write_csv(table, Path(path))  # the runner's writer: same rounding, same bytes


def write_backtest(*tables: pd.DataFrame, folder: Path | None = None) -> list[Path]:
    """Write the track record (:data:`BACKTEST_FILES`, in that order).

    Parameters
    ----------
    *tables : pandas.DataFrame
        From :func:`ipanalysis.assess.track_record.run_backtest`.
    folder : pathlib.Path, optional
        Default :func:`ipanalysis.paths.outputs_dir`.

    Returns
    -------
    list of pathlib.Path
        The files written.
    """
    out = paths.outputs_dir() if folder is None else Path(folder)
    pairs = zip(tables, BACKTEST_FILES, strict=True)
    return [write_csv(table, out / name) for table, name in pairs]
