"""Read the dataset's CSV tables and check each one against its schema (pandera).

Every cell is read as text first, so that a figure keeps the digits it was written with
(``36.0`` stays ``36.0``: the quote check and the rounding interval need them) and so that a bad
cell is reported as found, not as pandas guessed it. Every cell of every table goes through one
normalisation (:func:`normalise_cells`) and every number cell through one reading
(:func:`read_number`), which the schema and the cross-table checks share. Cross-table rules
(foreign keys, quotes, target sanity) live in :mod:`ipanalysis.data.checks`.
"""

import csv
import datetime
import io
import re
from collections.abc import Callable
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
NUMBER = r"-?[0-9]+(?:\.[0-9]+)?"
YEAR = r"(19|20)[0-9]{2}"
#: Invisible characters a paste can carry (zero-width spaces and joiners, word joiner, BOM).
INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff"
#: What a spreadsheet or a paste leaves around a cell without meaning anything: spaces, tabs,
#: line breaks (Alt+Enter), non-breaking and full-width spaces, and :data:`INVISIBLE`.
#: Dropped from both ends of every cell; inside a number they are refused.
CELL_EDGE = "".join(c for c in map(chr, range(0x3001)) if c.isspace()) + INVISIBLE


def normalise_cells(df: pd.DataFrame) -> pd.DataFrame:
    """Return the table with :data:`CELL_EDGE` characters dropped from both ends of every cell.

    The one normalisation every table goes through, before any check: ``99.9`` followed by
    a line break (what Alt+Enter or a paste leaves) is read as ``99.9`` and checked as such,
    quote included.
    """
    return df.apply(lambda column: column.str.strip(CELL_EDGE))


def read_number(text: str) -> float | None:
    """Return a number cell's value, or None when it is not a plain number.

    The one reading of a number for every table, in the schema and in the cross-table checks:
    ASCII digits, an optional decimal point and a leading ``-`` (:data:`NUMBER`), nothing
    else: not 全角 (full-width) digits, thousands separators, spaces, line breaks or unit
    words (:func:`describe_cell` says which).
    """
    return float(text) if re.fullmatch(NUMBER, text) else None


#: What :func:`describe_cell` names, each as (a test on the text, its description).
CELL_FEATURES = (
    (re.compile("[\uff10-\uff19\uff0e\uff0d\uff0c]"), "全角 (full-width) digits or signs"),
    (re.compile("[\n\r\v\f\u2028\u2029]"), "a line break inside the cell"),
    (re.compile(f"[{INVISIBLE}]"), "an invisible zero-width character"),
    (re.compile("[\u00a0\u2007\u2009\u202f\u3000]"), "a non-breaking, thin or full-width space"),
    (re.compile("[0-9][,，][0-9]"), "a thousands separator"),
    (re.compile("[0-9] [0-9]"), "a space between digits"),
    (re.compile("[\u2212\u2013\u2014]"), "a minus sign other than '-'"),
    (re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f]"), "a control character"),
)


def describe_cell(text: str) -> str:
    """Name what is hidden or unusual in a refused cell, as a note after its ``repr``.

    Returns
    -------
    str
        ``""`` when there is nothing to say, otherwise e.g. ``" (全角 (full-width) digits or
        signs)"``.
    """
    notes = [note for pattern, note in CELL_FEATURES if pattern.search(text)]
    return f" ({'; '.join(notes)})" if notes else ""


def _matches(pattern: str, expected: str, *, optional: bool = False) -> pa.Check:
    # \Z, not $: $ also matches before a final line break ("99.9\n")
    full = rf"^(?:{pattern})\Z" if not optional else rf"^(?:{pattern})?\Z"
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
    kind = "a plain number" if signed else "a plain non-negative number"
    expected = (
        f"{kind} such as 7.29, in half-width (半角) digits without separators (unit words like "
        "万 go in column scale)"
    )

    def is_number(text: str) -> bool:
        if not text:
            return not required
        number = read_number(text)
        return number is not None and (signed or not text.startswith("-"))

    return _text(pa.Check(is_number, element_wise=True, error=expected))


def is_calendar_date(text: str) -> bool:
    """Return whether ``text`` is a real ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` date.

    ``2025-13-45`` has the form but no such day: the vintages would fail on it.
    """
    if not re.fullmatch(r"[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?", text):
        return False
    year, month, day = (int(part) for part in (text + "-01-01").split("-")[:3])
    try:
        datetime.date(year, month, day)
    except ValueError:
        return False
    return True


def is_period(text: str) -> bool:
    """Return whether ``text`` is an observation's period: ``YYYY-MM``, ``YYYY-MM/YYYY-MM``."""
    months = text.split("/")
    return len(months) <= 2 and all(
        re.fullmatch(r"[0-9]{4}-[0-9]{2}", month) and is_calendar_date(month) for month in months
    )


def _calendar(check: Callable[[str], bool], expected: str) -> pa.Column:
    return _text(pa.Check(lambda text: not text or check(text), element_wise=True, error=expected))


SCHEMAS: dict[str, pa.DataFrameSchema] = {
    "sources": pa.DataFrameSchema(
        {
            "source_id": _slug(),
            "title_zh": _text(required=True),
            "title_en": _text(required=True),
            "issuer": _text(required=True),
            "date": _calendar(is_calendar_date, "a real date: YYYY, YYYY-MM or YYYY-MM-DD"),
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
            "period": _calendar(
                lambda text: text == "unknown" or is_period(text),
                "empty (full year), YYYY-MM, YYYY-MM/YYYY-MM (real months) or unknown",
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
        Every cell a ``str``, normalised (:func:`normalise_cells`); empty cells are ``""``.
        Empty lines are dropped but counted: the index is the record's position in the file
        with empty lines included, so that ``index + 2`` is the row a spreadsheet shows. A
        column with an empty header and no content (what Excel leaves right of a table) is
        dropped.

    Raises
    ------
    DataValidationError
        The file is missing, not UTF-8 (GBK and UTF-16 files get instructions to re-save
        them), separated by semicolons or tabs, not parseable as CSV (naming the row), or has a
        column without a header that holds values, or two columns with the same header.
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
    found = describe_encoding(raw)
    if found is not None:
        raise DataValidationError([DataIssue(label, None, None, found, RESAVE_AS_UTF8)])
    text = raw.decode("utf-8-sig")
    _check_delimiter(text, label)
    try:
        records = pd.read_csv(
            io.StringIO(text),
            header=None,  # the header is checked here: empty and repeated names
            dtype=str,
            keep_default_na=False,
            na_filter=False,
            skip_blank_lines=False,  # keep them so that row numbers stay right; dropped below
        )
    except pd.errors.EmptyDataError:
        found, expected = "an empty file", "a header row naming the table's columns"
        raise DataValidationError([DataIssue(label, 1, None, found, expected)]) from None
    except pd.errors.ParserError:
        raise DataValidationError([_unparseable_issue(text, label)]) from None
    # short rows (an empty line) are padded with missing values
    records = normalise_cells(records.fillna(""))
    df = records.iloc[1:].set_axis(range(len(records) - 1))
    df = _apply_header(df, list(records.iloc[0]), label)
    return df[(df != "").any(axis=1)]


#: What to do with a table that is not comma-separated UTF-8.
RESAVE_AS_UTF8 = (
    "UTF-8, comma-separated: in Excel use File > Save As > 'CSV UTF-8 (Comma delimited)'; in "
    "WPS choose encoding UTF-8 when saving as CSV"
)


def describe_encoding(raw: bytes) -> str | None:
    """Say what a file is encoded in when it is not UTF-8 (None when it is).

    Parameters
    ----------
    raw
        The file's bytes.

    Returns
    -------
    str or None
        "a UTF-16 file …" (Excel's "Unicode Text"), "a GBK/GB18030-encoded file …" (Excel's
        and WPS's default CSV on Chinese Windows), or the first byte that is not UTF-8.
    """
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in raw[:1000]:
        return (
            "a UTF-16 file (Excel's 'Unicode Text' save, or another program's 'Unicode'), "
            "not UTF-8"
        )
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as err:
        row = raw[: err.start].count(b"\n") + 1
        try:
            raw.decode("gb18030")
        except UnicodeDecodeError:
            return f"bytes that are not UTF-8 (at byte {err.start}, line {row})"
        return (
            "a GBK/GB18030-encoded file (Excel's or WPS's default 'CSV' on Chinese Windows), "
            "not UTF-8"
        )
    return None


#: Separators a spreadsheet may write instead of commas, and their names.
OTHER_DELIMITERS = {";": "semicolons (;)", "\t": "tabs"}


def _check_delimiter(text: str, label: str) -> None:
    """Refuse a file whose header is separated by semicolons or tabs rather than commas."""
    header = text.split("\n", 1)[0]
    if "," in header:
        return
    for delimiter, name in OTHER_DELIMITERS.items():
        if delimiter in header:
            found = (
                f"a header separated by {name}, not commas (Excel saves ';' where Windows' "
                "list separator is set to it)"
            )
            raise DataValidationError([DataIssue(label, 1, None, found, RESAVE_AS_UTF8)])


def _unparseable_issue(text: str, label: str) -> DataIssue:
    """Say where a file stops being CSV: the first row with more cells than the header."""
    reader = csv.reader(io.StringIO(text))
    header = next(reader, [])
    row = 1
    for row, record in enumerate(reader, start=2):
        if len(record) > len(header):
            found = f"{len(record)} cells in a row where the header has {len(header)}"
            expected = (
                "one cell per column: a cell holding a comma must be in double quotes (Excel "
                "and WPS add them when saving as CSV), and nothing right of the last column"
            )
            return DataIssue(label, row, None, found, expected)
    found = 'a double quote (") that is never closed: the rest of the file is one cell'
    expected = 'quotes in pairs; a quote inside a cell is written twice ("")'
    return DataIssue(label, row, None, found, expected)


def _apply_header(df: pd.DataFrame, header: list[str], label: str) -> pd.DataFrame:
    """Name the columns; drop empty columns without a header, refuse the other header faults."""
    issues, keep = [], []
    for position, name in enumerate(header):
        where = name or f"{column_letter(position)} (no header)"
        if name and header.index(name) != position:
            found = f"a second column named {name!r} (column {column_letter(position)})"
            issues.append(DataIssue(label, 1, where, found, "each column once"))
        elif name:
            keep.append(position)
        elif (df.iloc[:, position] != "").any():
            first = row_of(df.index[df.iloc[:, position] != ""][0])
            found = f"a column without a header holding values (first in row {first})"
            issues.append(DataIssue(label, 1, where, found, "a header cell, or no such column"))
    if issues:
        raise DataValidationError(issues)
    return df.iloc[:, keep].set_axis([header[i] for i in keep], axis=1)


def column_letter(position: int) -> str:
    """Return the spreadsheet letter of a column: 0 → ``A``, 25 → ``Z``, 26 → ``AA``."""
    letters = ""
    position += 1
    while position:
        position, rest = divmod(position - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


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
            text = case.failure_case
            found = "an empty cell" if text == "" else repr(text) + describe_cell(str(text))
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
    """Name each row that repeats an earlier row's key (one pass over the repeated rows)."""
    issues = []
    dupes = df[df.duplicated(key, keep=False)]
    values = dupes["value"] if "value" in dupes.columns else pd.Series("", index=dupes.index)
    first_of: dict[tuple, int] = {}
    for idx, cells, value in zip(
        dupes.index, dupes[key].itertuples(index=False, name=None), values, strict=True
    ):
        first = first_of.setdefault(cells, idx)
        if first == idx:
            continue
        detail = ""
        if value != values[first]:
            detail = f" with a different value ({value!r} vs {values[first]!r})"
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
