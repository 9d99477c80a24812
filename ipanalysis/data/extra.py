"""Extra observation files: filled-in "figures needed" templates dropped into ``data/``.

``ipanalysis needs`` writes, per region, a template in the observations format
(:mod:`ipanalysis.report.needs`). A researcher fills in the figures they found, saves it as
``data/observations-<anything>.csv`` (UTF-8, with or without BOM: Excel's "CSV UTF-8" and
WPS both work) and the loader reads it with ``observations.csv``:

* the template's reading aids (``name_zh``, ``unit``) are dropped;
* rows left completely unfilled (no value, scale, qualifier, source or quote) are ignored;
* every other row is checked like a row of ``observations.csv`` — schema, sources, quotes,
  duplicates — and an error names the extra file, its row (as Excel numbers it) and column.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ipanalysis.data.checks import RELATION_KEY, check_dataset
from ipanalysis.data.tables import check_schema, file_label, read_csv_text, row_of
from ipanalysis.errors import DataIssue, DataValidationError

#: File names read beside ``observations.csv`` (in sorted order).
EXTRA_PATTERN = "observations-*.csv"
#: Template columns that only help the person filling it in; dropped on reading.
READING_AID_COLUMNS = ("name_zh", "unit")
#: Columns a researcher fills in; a row with all of them empty is ignored.
FILL_COLUMNS = ("value", "scale", "qualifier", "scale_missing_in_quote", "source", "quote")


def read_extra_observations(
    data_dir: Path, label_root: Path
) -> tuple[list[tuple[str, pd.DataFrame]], list[DataIssue]]:
    """Read and schema-check every ``observations-*.csv`` in ``data_dir``.

    Parameters
    ----------
    data_dir : pathlib.Path
        The data folder.
    label_root : pathlib.Path
        Error messages name files relative to this folder.

    Returns
    -------
    files : list of (str, pandas.DataFrame)
        Each file's label and its filled rows (text cells, observations columns), indexed
        so that ``index + 2`` is the row number in the file.
    issues : list of DataIssue
        Unreadable files and schema problems, naming the file, row and column.
    """
    files, issues = [], []
    for path in sorted(data_dir.glob(EXTRA_PATTERN)):
        label = file_label(path, label_root)
        try:
            frame = read_csv_text(path, label)
        except DataValidationError as err:
            issues += err.issues
            continue
        frame = frame.drop(columns=[c for c in READING_AID_COLUMNS if c in frame.columns])
        present = [c for c in FILL_COLUMNS if c in frame.columns]
        if present:
            filled = (frame[present].apply(lambda col: col.str.strip()) != "").any(axis=1)
            frame = frame[filled]
        problems = check_schema("observations", frame, label)
        if problems:
            issues += problems
            continue
        if len(frame):
            files.append((label, frame))
    return files, issues


def check_extra_observations(
    tables: dict[str, pd.DataFrame],
    labels: dict[str, str],
    files: list[tuple[str, pd.DataFrame]],
    sources_dir: Path,
) -> list[DataIssue]:
    """Run the cross-table checks on each extra file's rows, against the other tables.

    Parameters
    ----------
    tables : dict of str to pandas.DataFrame
        The schema-checked main tables (``observations`` is ``observations.csv``).
    labels : dict of str to str
        How errors name each main table's file.
    files : list of (str, pandas.DataFrame)
        From :func:`read_extra_observations`.
    sources_dir : pathlib.Path
        The folder of the source texts.

    Returns
    -------
    list of DataIssue
        Problems in the extra files only (unknown ids, quotes not in the source, a figure
        not in its quote, a row repeating one of ``observations.csv`` or another file).
    """
    issues: list[DataIssue] = []
    seen = {
        tuple(k): labels["observations"] for k in tables["observations"][RELATION_KEY].to_numpy()
    }
    for label, frame in files:
        checked = check_dataset(
            {**tables, "observations": frame}, {**labels, "observations": label}, sources_dir
        )
        issues += [issue for issue in checked if issue.file == label]
        for index, key in zip(frame.index, frame[RELATION_KEY].to_numpy(), strict=True):
            key = tuple(key)
            if key in seen:
                found = f"the same {', '.join(RELATION_KEY)} as a row of {seen[key]}"
                issues.append(DataIssue(label, row_of(index), None, found, "one row per key"))
            else:
                seen[key] = label
    return issues


def merge_extra_observations(
    observations: pd.DataFrame, files: list[tuple[str, pd.DataFrame]]
) -> pd.DataFrame:
    """Return ``observations.csv``'s rows followed by the extra files' rows (text cells)."""
    if not files:
        return observations
    return pd.concat([observations, *(f for _, f in files)], ignore_index=True)
