"""Add a source: copy its text into ``data/sources/``, checksum it, append its ``sources.csv`` row.

What ``ipanalysis add-source`` does, so that no step needs ``sha256sum`` (which Windows lacks).
The text is stored byte for byte (``.gitattributes`` keeps ``data/sources/**`` out of line-end
conversion) and ``sha256`` is taken over exactly those bytes. The new row is checked with the
schema and the date rule that ``ipanalysis validate`` applies, on ``sources.csv`` with the row
appended, so a duplicate id or a bad value is refused with the same message ``validate``
would give, before anything is written.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Mapping
from pathlib import Path, PurePosixPath

import pandas as pd

from ipanalysis import paths
from ipanalysis.data.checks import check_source_dates
from ipanalysis.data.tables import SCHEMAS, check_schema, file_label, read_csv_text, row_of
from ipanalysis.errors import DataIssue, DataValidationError
from ipanalysis.writes import write_bytes_atomic

#: The table the row goes to, in the data folder.
SOURCES_FILE = "sources.csv"
#: The columns of ``sources.csv``, in order.
COLUMNS = list(SCHEMAS["sources"].columns)
#: Folder under ``data/sources/`` for texts added with the command, unless told another.
DEFAULT_FOLDER = "added"


def add_source(
    text_file: Path,
    fields: Mapping[str, str],
    *,
    folder: str = DEFAULT_FOLDER,
    data_dir: Path | None = None,
) -> tuple[Path, dict[str, str]]:
    """Store a source text and append its row to ``sources.csv``.

    Parameters
    ----------
    text_file : pathlib.Path
        The source text as saved (UTF-8). A file already under ``data/sources/`` is used where
        it is (two documents in one file); any other is copied to
        ``data/sources/<folder>/<source_id><suffix>``.
    fields : mapping of str to str
        The row's columns except ``file`` and ``sha256`` (``source_id``, ``title_zh``,
        ``title_en``, ``issuer``, ``date``, ``date_basis``, ``date_note``, ``url``,
        ``reliability``, ``note``); missing ones are empty.
    folder : str
        Sub-folder of ``data/sources/`` for a copied text: a plain relative path.
    data_dir : pathlib.Path, optional
        Default :func:`ipanalysis.paths.data_dir`.

    Returns
    -------
    pathlib.Path
        Where the text is stored.
    dict of str to str
        The row appended.

    Raises
    ------
    DataValidationError
        The text is missing or not UTF-8, the folder is not a plain relative path, the
        destination holds another file, or the row breaks a rule of ``sources.csv``
        (duplicate id, bad date, grade, date basis …); nothing was written.
    ipanalysis.writes.WriteError
        ``data/`` could not be written (``sources.csv`` open in Excel …); nothing was kept.
    """
    data = Path(data_dir) if data_dir is not None else paths.data_dir()
    table_path = data / SOURCES_FILE
    label = file_label(table_path, paths.REPO_ROOT)
    raw = _read_text(Path(text_file), label)
    stored = _destination(Path(text_file), data / "sources", folder, fields, label)
    if stored.exists() and stored.read_bytes() != raw:
        found = f"{file_label(stored, paths.REPO_ROOT)}, a file that exists with other contents"
        raise DataValidationError([DataIssue(label, None, "file", found, "a new file name")])
    row = {
        **{c: "" for c in COLUMNS},
        **{k: str(v) for k, v in fields.items() if v is not None},
        "file": (stored.relative_to(data / "sources")).as_posix(),
        "sha256": hashlib.sha256(raw).hexdigest(),
    }
    existing = read_csv_text(table_path, label)
    _check_row(existing, row, label)
    copied = not stored.exists()
    if copied:
        write_bytes_atomic(stored, raw)
    try:
        write_bytes_atomic(table_path, _appended(table_path.read_bytes(), row))
    except BaseException:
        if copied:
            stored.unlink(missing_ok=True)
        raise
    return stored, row


def _read_text(path: Path, label: str) -> bytes:
    """Return the text's bytes; refuse a missing file or one that is not UTF-8."""
    try:
        raw = path.read_bytes()
    except OSError as err:
        found = f"{path}, which cannot be read ({err.strerror})"
        raise DataValidationError([DataIssue(label, None, "file", found, "a text file")]) from None
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as err:
        found = f"{path}, a text that is not UTF-8 (bad bytes at byte {err.start})"
        expected = "a source text saved as UTF-8 (its quotes cannot be checked otherwise)"
        raise DataValidationError([DataIssue(label, None, "file", found, expected)]) from None
    return raw


def _destination(
    text_file: Path, sources: Path, folder: str, fields: Mapping[str, str], label: str
) -> Path:
    """Return where the text is stored: where it is if under ``sources``, else a copy's path."""
    if text_file.resolve().is_relative_to(sources.resolve()):
        return sources / text_file.resolve().relative_to(sources.resolve())
    sub = PurePosixPath(folder.replace("\\", "/"))
    if sub.is_absolute() or ".." in sub.parts or not sub.parts or ":" in folder:
        found = f"folder {folder!r}"
        expected = "a folder name under data/sources/ such as added or round4"
        raise DataValidationError([DataIssue(label, None, "file", found, expected)])
    name = f"{fields.get('source_id', '')}{text_file.suffix or '.txt'}"
    return sources.joinpath(*sub.parts, name)


def _check_row(existing: pd.DataFrame, row: dict[str, str], label: str) -> None:
    """Raise the problems ``validate`` would report on the new row (schema, dates, duplicates)."""
    index = int(existing.index.max()) + 1 if len(existing) else 0
    table = pd.concat([existing, pd.DataFrame([row], index=[index])])
    issues = check_schema("sources", table, label)
    issues += check_source_dates({"sources": table}, {"sources": label})
    mine = [issue for issue in issues if issue.row in (1, row_of(index))]  # header, new row
    if mine:
        raise DataValidationError(mine)


def _appended(table: bytes, row: Mapping[str, str]) -> bytes:
    """Return ``sources.csv``'s bytes with the row added, in the file's own line ends."""
    line_end = "\r\n" if b"\r\n" in table else "\n"
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator=line_end).writerow([row[c] for c in COLUMNS])
    if table and not table.endswith(b"\n"):
        table += line_end.encode()
    return table + buffer.getvalue().encode("utf-8")
