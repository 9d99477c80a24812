"""Reading and schema checks: every failure names the file, row, column, found and expected."""

import pytest

from ipanalysis.data.dataset import read_dataset
from ipanalysis.errors import DataValidationError
from tests.conftest import read_rows, write_table


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
    assert (issue.row, issue.column, issue.found) == (5, "value", "'２１.８'")


def test_row_numbers_count_blank_lines(mini_data):
    """pandas skips blank lines: on main the row was off by one per blank line above it."""
    _mutate(mini_data, "observations", 3, value="1.5万")
    path = mini_data / "observations.csv"
    header, *lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join([header, "", lines[0], ",,,,,,,,,,", *lines[1:]]) + "\n")
    (issue,) = _issues(mini_data)
    # header row 1, blank row 2, data rows 3, blank row 4, then rows 5, 6, 7: the 4th data row
    assert (issue.row, issue.column) == (7, "value")
