"""Read the dataset's CSV tables and check each one against its schema (pandera).

Every cell is read as text first, so that a figure keeps the digits it was written with
(``36.0`` stays ``36.0``: the quote check and the rounding interval need them) and so that a bad
cell is reported as found, not as pandas guessed it. Cross-table rules (foreign keys, quotes,
target sanity) live in :mod:`ipanalysis.data.checks`.
"""

import io
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from ipanalysis.errors import DataIssue, DataValidationError
from ipanalysis.vocab import (
    BETTER_DIRECTIONS,
    COMPARATORS,
    DATE_BASES,
    INDICATOR_BASES,
    INDICATOR_KINDS,
    QUALIFIERS,
    REGION_ID,
    REGION_LEVELS,
    RELATIONS,
    RELIABILITY_GRADES,
    SCALES,
    TARGET_KINDS,
)

SLUG = r"[a-z0-9][a-z0-9_-]*"
#: ASCII digits only: ``\d`` would also accept full-width digits (２０２４), which float() reads.
NUMBER = r"-?[0-9]+(\.[0-9]+)?"
YEAR = r"(19|20)[0-9]{2}"


def _matches(pattern: str, expected: str, *, optional: bool = False) -> pa.Check:
    full = f"^(?:{pattern})$" if not optional else f"^(?:{pattern})?$"
    return pa.Check.str_matches(full, error=expected)


def _one_of(values: tuple[str, ...], what: str = "") -> pa.Check:
    shown = ", ".join(repr(v) if v else "empty" for v in values)
    return pa.Check.isin(list(values), error=f"{what}one of {shown}")


_REQUIRED = pa.Check.str_length(min_value=1, error="a non-empty value")


def _text(*checks: pa.Check, required: bool = False) -> pa.Column:
    return pa.Column(str, checks=[*([_REQUIRED] if required else []), *checks])


def _slug(required: bool = True) -> pa.Column:
    return _text(_matches(SLUG, "an id: lowercase letters, digits, _ or -", optional=not required))


def _region(required: bool = True) -> pa.Column:
    expected = "a region id: lowercase letters, digits or _, starting with a letter"
    return _text(_matches(REGION_ID, expected, optional=not required))


def _year(required: bool = True) -> pa.Column:
    return _text(_matches(YEAR, "a four-digit year such as 2024", optional=not required))


def _number(required: bool = True, signed: bool = True) -> pa.Column:
    pattern = NUMBER if signed else NUMBER.removeprefix("-?")
    kind = "a plain number" if signed else "a plain non-negative number"
    expected = f"{kind} such as 7.29 (unit words like 万 go in column scale)"
    return _text(_matches(pattern, expected, optional=not required))


SCHEMAS: dict[str, pa.DataFrameSchema] = {
    "sources": pa.DataFrameSchema(
        {
            "source_id": _slug(),
            "title_zh": _text(required=True),
            "title_en": _text(required=True),
            "issuer": _text(required=True),
            "date": _text(
                _matches(r"\d{4}(-\d{2}(-\d{2})?)?", "YYYY, YYYY-MM or YYYY-MM-DD", optional=True)
            ),
            "date_basis": _text(_one_of(DATE_BASES, "where the date comes from: ")),
            "date_note": _text(),
            "file": _text(required=True),
            "url": _text(),
            "reliability": _text(_one_of(RELIABILITY_GRADES, "a reliability grade: ")),
            "sha256": _text(_matches(r"[0-9a-f]{64}", "a sha256 hex digest of the file")),
            "note": _text(),
        },
        unique=["source_id"],
    ),
    "regions": pa.DataFrameSchema(
        {
            "region_id": _region(),
            "name_zh": _text(required=True),
            "name_en": _text(required=True),
            "level": _text(_one_of(REGION_LEVELS)),
            "parent": _region(required=False),
        },
        unique=["region_id"],
    ),
    "indicators": pa.DataFrameSchema(
        {
            "indicator_id": _slug(),
            "name_zh": _text(required=True),
            "name_en": _text(required=True),
            "unit": _text(required=True),
            "kind": _text(_one_of(INDICATOR_KINDS)),
            "better": _text(_one_of(BETTER_DIRECTIONS)),
            "basis": _text(_one_of(INDICATOR_BASES)),
            "per_10k_of": _slug(required=False),
            "note": _text(),
        },
        unique=["indicator_id"],
    ),
    "observations": pa.DataFrameSchema(
        {
            "region": _region(),
            "indicator": _slug(),
            "year": _year(),
            "period": _text(
                _matches(
                    r"\d{4}-\d{2}(/\d{4}-\d{2})?|unknown",
                    "empty (full year), YYYY-MM, YYYY-MM/YYYY-MM or unknown",
                    optional=True,
                )
            ),
            "value": _number(signed=False),
            "scale": _text(_one_of(SCALES)),
            "qualifier": _text(_one_of(QUALIFIERS)),
            "scale_missing_in_quote": _text(_one_of(("", "true"))),
            "source": _slug(),
            "quote": _text(required=True),
            "note": _text(),
        },
        unique=["region", "indicator", "year", "period", "source"],
    ),
    "relations": pa.DataFrameSchema(
        {
            "region": _region(),
            "indicator": _slug(),
            "year": _year(),
            "period": _text(),
            "source": _slug(),
            "relation": _text(_one_of(RELATIONS)),
            "value": _number(),
            "ref_year": _year(required=False),
            "ref_region": _region(required=False),
            "quote": _text(required=True),
            "note": _text(),
        },
        unique=["region", "indicator", "year", "period", "source", "relation", "ref_year"],
    ),
    "targets": pa.DataFrameSchema(
        {
            "target_id": _slug(),
            "region": _region(),
            "indicator": _slug(),
            "target_year": _year(),
            "kind": _text(_one_of(TARGET_KINDS)),
            "comparator": _text(_one_of(COMPARATORS)),
            "value": _number(required=False),
            "value_max": _number(required=False),
            "scale": _text(_one_of(SCALES)),
            "value_basis": _text(_one_of(("level", "increase"))),
            "base_year": _year(required=False),
            "start_year": _year(required=False),
            "source": _slug(),
            "quote": _text(required=True),
            "note": _text(),
            "supersedes": _slug(required=False),
        },
        unique=["target_id"],
    ),
    "completions": pa.DataFrameSchema(
        {
            "target_id": _slug(),
            "source": _slug(),
            "quote": _text(required=True),
            "note": _text(),
        },
        unique=["target_id", "source"],
    ),
}

TABLES = tuple(SCHEMAS)


def read_csv_text(path: Path, label: str) -> pd.DataFrame:
    """Read a CSV file as text cells, accepting UTF-8 with or without a BOM.

    Parameters
    ----------
    path
        The file.
    label
        How errors name the file (a path relative to the repository).

    Returns
    -------
    pandas.DataFrame
        Every cell a ``str``; empty cells are ``""``. Empty lines are dropped but counted: the
        index is the record's position in the file with empty lines included, so that
        ``index + 2`` is the row a spreadsheet shows.

    Raises
    ------
    DataValidationError
        The file is missing, not UTF-8 (a GBK file gets instructions to re-save it), or not
        parseable as CSV.
    """
    if not path.is_file():
        raise DataValidationError([DataIssue(label, None, None, "no such file", "the table")])
    try:
        raw = path.read_bytes()
    except OSError as err:
        found = f"a file that cannot be read ({err.strerror})"
        raise DataValidationError(
            [DataIssue(label, None, None, found, "a readable file")]
        ) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise DataValidationError([_encoding_issue(raw, err, label)]) from None
    try:
        df = pd.read_csv(
            io.StringIO(text),
            dtype=str,
            keep_default_na=False,
            na_filter=False,
            skip_blank_lines=False,  # keep them so that row numbers stay right; dropped below
        )
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as err:
        raise DataValidationError(
            [DataIssue(label, None, None, f"unreadable CSV ({err})", "comma-separated UTF-8")]
        ) from None
    df = df.fillna("")  # short rows (an empty line) are padded with missing values
    return df[(df != "").any(axis=1)]


def _encoding_issue(raw: bytes, err: UnicodeDecodeError, label: str) -> DataIssue:
    row = raw[: err.start].count(b"\n") + 1
    try:
        raw.decode("gb18030")
    except UnicodeDecodeError:
        found = f"bytes that are not UTF-8 (at byte {err.start})"
    else:
        found = "a GBK/GB18030-encoded file (Excel's or WPS's default 'CSV' on Chinese Windows)"
    expected = (
        "UTF-8: in Excel use File > Save As > 'CSV UTF-8 (Comma delimited)'; in WPS choose "
        "encoding UTF-8 when saving as CSV"
    )
    return DataIssue(label, row, None, found, expected)


def check_schema(name: str, df: pd.DataFrame, label: str) -> list[DataIssue]:
    """Check one table against its schema and translate failures into :class:`DataIssue`.

    Parameters
    ----------
    name
        The table's name, a key of :data:`SCHEMAS`.
    df
        The table as read by :func:`read_csv_text`.
    label
        How errors name the file.

    Returns
    -------
    list of DataIssue
        Empty when the table conforms.
    """
    schema = SCHEMAS[name]
    issues = _column_issues(schema, df, label)
    if issues:  # cell checks on a table with the wrong columns would only add noise
        return issues
    try:
        schema.validate(df, lazy=True)
    except pa.errors.SchemaErrors as err:
        cases = err.failure_cases
        cells = cases[cases["check"] != "multiple_fields_uniqueness"]
        for case in cells.itertuples(index=False):
            found = "an empty cell" if case.failure_case == "" else repr(case.failure_case)
            issues.append(DataIssue(label, row_of(case.index), case.column, found, case.check))
        if (cases["check"] == "multiple_fields_uniqueness").any():
            issues += _duplicate_issues(df, list(schema.unique), label)
    return issues


def _column_issues(schema: pa.DataFrameSchema, df: pd.DataFrame, label: str) -> list[DataIssue]:
    expected = list(schema.columns)
    issues = [
        DataIssue(label, 1, col, "no such column in the header", f"the columns {expected}")
        for col in expected
        if col not in df.columns
    ]
    issues += [
        DataIssue(label, 1, col, "an unknown column", f"only the columns {expected}")
        for col in df.columns
        if col not in expected
    ]
    return issues


def _duplicate_issues(df: pd.DataFrame, key: list[str], label: str) -> list[DataIssue]:
    issues = []
    dupes = df[df.duplicated(key, keep=False)]
    for _, group in dupes.groupby(key, sort=True):
        first = group.index[0]
        for idx in group.index[1:]:
            differs = [c for c in df.columns if c not in key and df.at[idx, c] != df.at[first, c]]
            detail = ""
            if "value" in differs:
                values = f"{df.at[idx, 'value']!r} vs {df.at[first, 'value']!r}"
                detail = f" with a different value ({values})"
            found = f"the same {', '.join(key)} as row {row_of(first)}{detail}"
            issues.append(DataIssue(label, row_of(idx), None, found, "one row per key"))
    return issues


def row_of(index) -> int | None:
    """Return the row a spreadsheet shows for a table index (the header is row 1)."""
    return None if index is None or pd.isna(index) else int(index) + 2


def read_checked_tables(
    data_dir: Path, label_root: Path
) -> tuple[dict[str, pd.DataFrame], list[DataIssue]]:
    """Read every table of the dataset and check each against its schema, without raising.

    Parameters
    ----------
    data_dir
        The folder holding the CSV tables.
    label_root
        Paths in error messages are relative to this folder.

    Returns
    -------
    tables : dict of str to pandas.DataFrame
        The tables with the expected columns, as text cells, keyed by table name; a table that
        is missing, unreadable or has wrong columns is left out (cross-table checks skip it).
    issues : list of DataIssue
        Every schema problem in every table.
    """
    tables, issues = {}, []
    for name in TABLES:
        path = data_dir / f"{name}.csv"
        label = file_label(path, label_root)
        try:
            df = read_csv_text(path, label)
        except DataValidationError as err:
            issues += err.issues
            continue
        table_issues = check_schema(name, df, label)
        if not any(issue.row == 1 for issue in table_issues):  # the header is right
            tables[name] = df
        issues += table_issues
    return tables, issues


def file_label(path: Path, root: Path) -> str:
    """Return how errors name a file: its path relative to ``root`` when it is inside it."""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()
