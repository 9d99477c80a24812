"""Cross-table checks: foreign keys, quotes, source integrity, relations, target sanity."""

import pytest

from ipanalysis.checks import figure_pattern
from ipanalysis.dataset import load_dataset
from ipanalysis.errors import DataValidationError
from tests.conftest import read_rows, write_table


def _issues(data_dir):
    with pytest.raises(DataValidationError) as err:
        load_dataset(data_dir)
    return err.value.issues


def _mutate(data_dir, table, row_index, **changes):
    rows = read_rows(data_dir / f"{table}.csv")
    rows[row_index].update(changes)
    write_table(data_dir / f"{table}.csv", rows)


def test_unknown_region(mini_data):
    _mutate(mini_data, "observations", 1, region="binhia")
    issues = [i for i in _issues(mini_data) if i.column == "region"]
    assert [(i.file, i.row) for i in issues] == [("data/observations.csv", 3)]
    assert "'binhia'" in issues[0].found and "regions.csv" in issues[0].expected


def test_unknown_indicator(mini_data):
    _mutate(mini_data, "targets", 0, indicator="hv_per_10000")
    (issue,) = _issues(mini_data)
    assert (issue.file, issue.row, issue.column) == ("data/targets.csv", 2, "indicator")
    assert "indicators.csv" in issue.expected


def test_quote_not_in_source(mini_data):
    _mutate(
        mini_data, "observations", 2, quote="2023年全市有效发明专利63761件"
    )  # the source has a comma
    (issue,) = _issues(mini_data)
    assert (issue.file, issue.row, issue.column) == ("data/observations.csv", 4, "quote")
    assert "not in source 'doc'" in issue.found and "verbatim" in issue.expected


def test_quote_without_the_figure_as_written(mini_data):
    _mutate(mini_data, "observations", 0, value="7.2")  # quote says 7.29万: 7.2 is not it
    (issue,) = _issues(mini_data)
    assert issue.column == "quote" and "'7.2万'" in issue.found


def test_target_year_before_base_year(mini_data):
    _mutate(mini_data, "targets", 0, kind="avg_growth", base_year="2026")
    (issue,) = _issues(mini_data)
    assert (issue.file, issue.row, issue.column) == ("data/targets.csv", 2, "base_year")
    assert "'2026'" in issue.found and "before the target year 2025" in issue.expected


def test_growth_target_needs_base_year(mini_data):
    _mutate(mini_data, "targets", 0, kind="avg_growth")
    (issue,) = _issues(mini_data)
    assert issue.column == "base_year" and issue.found == "an empty cell"


def test_edited_source_text_is_refused(mini_data):
    path = mini_data / "sources" / "doc.txt"
    path.write_text(path.read_text(encoding="utf-8") + "补充。", encoding="utf-8")
    (issue,) = _issues(mini_data)
    assert (issue.file, issue.column) == ("data/sources.csv", "sha256")
    assert "immutable" in issue.expected


def test_relation_must_point_at_a_stated_figure(mini_data):
    _mutate(mini_data, "relations", 0, year="2022")
    issues = _issues(mini_data)
    assert any(
        i.file == "data/relations.csv" and i.row == 2 and "not in observations" in i.found
        for i in issues
    )


def test_range_needs_upper_end_above_value(mini_data):
    _mutate(mini_data, "targets", 0, kind="range", value_max="20")
    (issue,) = [i for i in _issues(mini_data) if i.column == "value_max"]
    assert issue.column == "value_max" and "above value 22.5" in issue.expected


@pytest.mark.parametrize(
    ("value", "scale", "text", "found"),
    [
        ("7.2", "万", "达到7.2万件", True),
        ("7.2", "万", "达到17.2万件", False),
        ("7.2", "万", "达到7.29万件", False),
        ("1.5", "万", "達到1.5萬次", True),
        ("2", "", "2024年增长2件", True),
        ("2", "", "2024年", False),
    ],
)
def test_figure_pattern(value, scale, text, found):
    assert bool(figure_pattern(value, scale).search(text)) is found
