"""Reading and schema checks: every failure names the file, row, column, found and expected."""

import pandas as pd
import pytest

from ipanalysis.data.dataset import read_dataset
from ipanalysis.data.tables import SCHEMAS, check_schema
from ipanalysis.errors import DataValidationError
from tests.conftest import MINI_TABLES, read_rows, write_table


def _issues(data_dir):
    with pytest.raises(DataValidationError) as err:
        read_dataset(data_dir)
    return err.value.issues


def _mutate(data_dir, table, row_index, **changes):
    rows = read_rows(data_dir / f"{table}.csv")
    rows[row_index].update(changes)
    write_table(data_dir / f"{table}.csv", rows)


def test_missing_column(mini_data):
    rows = read_rows(mini_data / "observations.csv")
    for row in rows:
        del row["scale"]
    write_table(mini_data / "observations.csv", rows)
    (issue,) = _issues(mini_data)
    assert (issue.file, issue.row, issue.column) == ("data/observations.csv", 1, "scale")
    assert "no such column" in issue.found and "'scale'" in issue.expected


def test_unit_word_in_numeric_column(mini_data):
    _mutate(mini_data, "observations", 3, value="1.5万")
    (issue,) = _issues(mini_data)
    # data row index 3 is spreadsheet row 5 (header is row 1)
    assert (issue.file, issue.row, issue.column) == ("data/observations.csv", 5, "value")
    assert "'1.5万'" in issue.found
    assert "plain" in issue.expected and "column scale" in issue.expected
    assert "data/observations.csv, row 5, column value: found '1.5万'" in str(issue)


def test_duplicate_row_with_conflicting_value(mini_data):
    rows = read_rows(mini_data / "observations.csv")
    rows.append({**rows[2], "value": "63762"})
    write_table(mini_data / "observations.csv", rows)
    issues = [i for i in _issues(mini_data) if "same" in i.found]
    assert len(issues) == 1
    issue = issues[0]
    assert (issue.file, issue.row) == ("data/observations.csv", 6)
    assert "as row 4" in issue.found and "'63762' vs '63761'" in issue.found


def test_gbk_file_gets_resave_instructions(mini_data):
    rows = read_rows(mini_data / "targets.csv")
    write_table(mini_data / "targets.csv", rows, encoding="gbk")
    (issue,) = _issues(mini_data)
    assert issue.file == "data/targets.csv"
    assert "GBK" in issue.found
    assert "CSV UTF-8" in issue.expected


def test_utf8_with_bom_loads(mini_data):
    rows = read_rows(mini_data / "targets.csv")
    write_table(mini_data / "targets.csv", rows, encoding="utf-8-sig")
    assert len(read_dataset(mini_data).targets) == 1


def test_bad_enum_and_year(mini_data):
    _mutate(mini_data, "targets", 0, comparator="≥", target_year="25")
    issues = {(i.column, i.found) for i in _issues(mini_data)}
    assert ("comparator", "'≥'") in issues
    assert ("target_year", "'25'") in issues


def test_failures_in_several_tables_are_all_reported(mini_data):
    _mutate(mini_data, "observations", 0, year="two thousand")
    _mutate(mini_data, "targets", 0, kind="levels")
    files = {i.file for i in _issues(mini_data)}
    assert files == {"data/observations.csv", "data/targets.csv"}


def test_region_id_follows_the_runners_rule(mini_data):
    """regions.csv accepted hexi-qu on main, which the runner then refused for the whole run."""
    _mutate(mini_data, "regions", 0, region_id="hexi-qu")
    issues = _issues(mini_data)
    (issue,) = [i for i in issues if i.file == "data/regions.csv"]
    assert (issue.row, issue.column, issue.found) == (2, "region_id", "'hexi-qu'")
    assert "starting with a letter" in issue.expected


def test_full_width_digits_are_not_a_plain_number(mini_data):
    """\\d accepted ２１.８ on main (float() reads it); values must be written in ASCII digits."""
    _mutate(mini_data, "observations", 3, value="２１.８")
    (issue,) = _issues(mini_data)
    assert (issue.row, issue.column) == (5, "value")
    assert issue.found == "'２１.８' (全角 (full-width) digits or signs)"  # issue 17: name 全角
    assert "半角" in issue.expected


def test_row_numbers_count_blank_lines(mini_data):
    """pandas skips blank lines: on main the row was off by one per blank line above it."""
    _mutate(mini_data, "observations", 3, value="1.5万")
    path = mini_data / "observations.csv"
    header, *lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join([header, "", lines[0], ",,,,,,,,,,", *lines[1:]]) + "\n")
    (issue,) = _issues(mini_data)
    # header row 1, blank row 2, data rows 3, blank row 4, then rows 5, 6, 7: the 4th data row
    assert (issue.row, issue.column) == (7, "value")


# --- issue 17: hostile cells and files ------------------------------------------------------

#: Where each table of the mini dataset has a number, and the row a spreadsheet shows for it.
VALUE_CELLS = [
    ("observations", 3, "value", 5),  # 21.8, tianjin hv_per_10k 2024
    ("relations", 2, "value", 4),  # 15.3, 同比增长
    ("targets", 0, "value", 2),  # 22.5
]


@pytest.mark.parametrize(("table", "index", "column", "row"), VALUE_CELLS)
@pytest.mark.parametrize("edge", ["\n", "\r\n", "\u00a0", "\u200b", "\ufeff", "\u3000", " \n"])
def test_a_value_with_a_trailing_line_break_is_read_and_its_quote_checked(
    mini_data, table, index, column, row, edge
):
    """ "99.9⏎" passed the schema ($ matches before a final newline) and skipped the quote
    check (fullmatch failed): Tianjin's 2025 target turned achieved on 99.9. Now the cell is
    read as 99.9, and its quote, which does not write 99.9, refuses it."""
    _mutate(mini_data, table, index, **{column: "99.9" + edge})
    (issue,) = _issues(mini_data)
    assert (issue.file, issue.row, issue.column) == (f"data/{table}.csv", row, "quote")
    assert "'99.9'" in issue.found


@pytest.mark.parametrize(("table", "index", "column", "row"), VALUE_CELLS)
def test_the_right_value_with_a_line_break_around_it_loads(mini_data, table, index, column, row):
    rows = read_rows(mini_data / f"{table}.csv")
    _mutate(mini_data, table, index, **{column: "\n" + rows[index][column] + "\u00a0\r\n"})
    ds = read_dataset(mini_data)
    assert len(ds.targets) == 1 and ds.targets["value"].iloc[0] == 22.5


@pytest.mark.parametrize(("table", "index", "column", "row"), VALUE_CELLS)
@pytest.mark.parametrize(
    ("value", "named"),
    [
        ("99.\n9", "a line break inside the cell"),
        ("9\u200b9.9", "an invisible zero-width character"),
        ("9\u00a0999", "a non-breaking, thin or full-width space"),
        ("9,999", "a thousands separator"),
        ("9，999", "a thousands separator"),
        ("９９.９", "全角 (full-width) digits"),
        ("99．9", "全角 (full-width) digits"),
        ("\u221299.9", "a minus sign other than '-'"),
    ],
)
def test_a_number_cell_is_refused_naming_what_is_in_it(
    mini_data, table, index, column, row, value, named
):
    _mutate(mini_data, table, index, **{column: value})
    (issue,) = _issues(mini_data)
    assert (issue.file, issue.row, issue.column) == (f"data/{table}.csv", row, column)
    assert issue.found.startswith(repr(value)) and named in issue.found
    assert "半角" in issue.expected


def test_pattern_checks_end_at_the_end_of_the_cell():
    """The schema itself refuses a final line break, normalised or not (\\Z, not $)."""
    rows = [dict(r) for r in MINI_TABLES["targets"]]
    rows[0]["target_year"] = "2025\n"
    rows[0]["value"] = "22.5\n"
    issues = check_schema(
        "targets", pd.DataFrame(rows, columns=list(SCHEMAS["targets"].columns)), "t"
    )
    assert {(i.column, i.found) for i in issues} >= {
        ("target_year", "'2025\\n' (a line break inside the cell)"),
        ("value", "'22.5\\n' (a line break inside the cell)"),
    }


@pytest.mark.parametrize(
    ("date", "ok"),
    [
        ("2025-13-45", False),
        ("2025-02-30", False),
        ("2025-00", False),
        ("２０２５", False),
        ("2024-02-29", True),
        ("2025-12", True),
        ("2025", True),
    ],
)
def test_a_source_date_must_be_on_the_calendar(mini_data, date, ok):
    """2025-13-45 passed validate on main, then assess --as-of and backtest crashed on it."""
    _mutate(mini_data, "sources", 0, date=date)
    if ok:
        assert len(read_dataset(mini_data).sources) == 1
        return
    (issue,) = _issues(mini_data)
    assert (issue.file, issue.row, issue.column) == ("data/sources.csv", 2, "date")
    assert "a real date" in issue.expected


@pytest.mark.parametrize("period", ["2024-13", "2024-06/2024-14", "2024-6", "2024-06/"])
def test_an_observation_period_must_name_real_months(mini_data, period):
    _mutate(mini_data, "observations", 3, period=period)
    issues = [i for i in _issues(mini_data) if i.column == "period"]
    assert [(i.file, i.row) for i in issues] == [("data/observations.csv", 5)]


def _write_text(path, text, encoding="utf-8"):
    path.write_bytes(text.encode(encoding))


@pytest.mark.parametrize(("delimiter", "named"), [(";", "semicolons (;)"), ("\t", "tabs")])
def test_a_file_separated_by_semicolons_or_tabs_is_named_as_such(mini_data, delimiter, named):
    """Excel with a ';' list separator: on main, "Error tokenizing data … line 194"."""
    rows = read_rows(mini_data / "targets.csv")
    lines = [delimiter.join(rows[0]), *(delimiter.join(r.values()) for r in rows)]
    _write_text(mini_data / "targets.csv", "\n".join(lines) + "\n")
    (issue,) = _issues(mini_data)
    assert (issue.file, issue.row, issue.column) == ("data/targets.csv", 1, None)
    assert named in issue.found and "CSV UTF-8 (Comma delimited)" in issue.expected


def test_a_row_with_too_many_cells_is_named_by_its_spreadsheet_row(mini_data):
    """A quoted cell over two lines and a blank line come first: the row is counted as Excel
    counts it (records, blank lines included), not as physical lines."""
    path = mini_data / "observations.csv"
    header, *lines = path.read_text(encoding="utf-8").splitlines()
    lines[0] = lines[0].replace('"全市', '"全市\n')  # a line break inside a quoted cell
    bad = lines[2] + ",extra"
    _write_text(path, "\n".join([header, lines[0], "", lines[1], bad, lines[3]]) + "\n")
    (issue,) = _issues(mini_data)
    # header 1, row 2 (two lines), blank row 3, row 4, the bad row 5
    assert (issue.file, issue.row) == ("data/observations.csv", 5)
    assert "12 cells in a row where the header has 11" in issue.found
    assert "double quotes" in issue.expected


def test_an_unclosed_quote_is_named(mini_data):
    path = mini_data / "targets.csv"
    text = path.read_text(encoding="utf-8")
    _write_text(path, text.replace('"', "", 1) if '"' in text else text + '"x,\n')
    (issue,) = _issues(mini_data)
    assert issue.file == "data/targets.csv" and "never closed" in issue.found


def test_a_trailing_empty_column_from_excel_is_ignored(mini_data):
    """On main: "column Unnamed: 16: an unknown column"."""
    path = mini_data / "targets.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    _write_text(path, "\n".join(line + ",, " for line in lines) + "\n")
    assert len(read_dataset(mini_data).targets) == 1


def test_a_column_without_a_header_but_with_values_is_named(mini_data):
    path = mini_data / "targets.csv"
    header, row = path.read_text(encoding="utf-8").splitlines()
    _write_text(path, f"{header},\n{row},remember to check\n")
    (issue,) = _issues(mini_data)
    # 16 columns A…P: the unnamed one is Q
    assert (issue.file, issue.row, issue.column) == ("data/targets.csv", 1, "Q (no header)")
    assert "without a header holding values (first in row 2)" in issue.found


def test_a_column_named_twice_is_refused(mini_data):
    path = mini_data / "regions.csv"
    header, *rows = path.read_text(encoding="utf-8").splitlines()
    _write_text(path, "\n".join([header + ",level", *(r + ",x" for r in rows)]) + "\n")
    (issue,) = _issues(mini_data)
    assert (issue.file, issue.row, issue.column) == ("data/regions.csv", 1, "level")
    assert "a second column named 'level' (column F)" in issue.found


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_a_utf16_file_is_named_as_such(mini_data, encoding):
    """Excel's "Unicode Text" save: on main, the generic "not UTF-8" wording."""
    path = mini_data / "targets.csv"
    _write_text(path, path.read_text(encoding="utf-8"), encoding=encoding)
    (issue,) = _issues(mini_data)
    assert issue.file == "data/targets.csv" and "UTF-16" in issue.found
    assert "CSV UTF-8" in issue.expected


def test_a_utf16_source_text_is_named_as_such(mini_data):
    path = mini_data / "sources" / "doc.txt"
    path.write_bytes(path.read_text(encoding="utf-8").encode("utf-16"))
    issues = [i for i in _issues(mini_data) if i.column == "file"]
    assert len(issues) == 1 and "UTF-16" in issues[0].found
