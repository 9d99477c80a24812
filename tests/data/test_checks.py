"""Cross-table checks: foreign keys, quotes, source integrity, relations, target sanity."""

import hashlib

import pandas as pd
import pytest

from ipanalysis.data.checks import check_quotes, figure_pattern
from ipanalysis.data.dataset import read_dataset
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
        ("14.3", "", "同比增长14.3%", True),
        ("50.5", "", "质押融资50.5亿元", True),
        ("3.9", "", "判决赔偿总额达3.9亿余元", True),  # 亿元 indicator: 余 between unit words
        ("500", "", "租赁融资500万元", True),  # 万元 indicator: 万元 is the unit
        ("1.5", "", "1.5万件", False),  # unscaled figure vs 1.5万: fails on main
        ("21", "", "达到21.8件", False),  # a truncated figure: fails on main
        ("21", "", "达到21.件", True),
        ("1.5", "万", "达到11.5万件", False),
        ("5", "", "到2025年", False),
        ("2025", "", "到2025年", False),  # a year, not a figure: fails on main
        ("234", "", "达到1,234件", False),  # a piece after a separator: fails on main
        ("1", "", "达到1,234件", False),  # a piece before a separator: fails on main
        ("1234", "", "达到1,234件", True),  # thousands separator as written: fails on main
        ("63761", "", "全市有效发明专利63,761件", True),
        ("21.8", "", "达到２１．８件", True),  # full-width digits: fails on main
        ("21", "", "达到２１．８件", False),
        ("1", "", "达到1,2件", True),  # a comma between figures, not a separator
        ("2", "", "达到1,2件", True),
        ("567", "", "达到1,234,567件", False),
        ("234.5", "", "达到1,234.5件", False),
        # issue 17: one grouping rule whatever the separator (，, normal, thin, no-break space)
        ("733", "", "达到4，733件", False),  # accepted on main
        ("4", "", "达到4，733件", False),
        ("4733", "", "达到4，733件", True),  # refused on main
        ("733", "", "注册4 733件", False),
        ("6085", "", "累计注册地理标志商标6 085件", True),  # fx361: refused on main
        ("6085", "", "商标6\u2009085件", True),
        ("6085", "", "商标6\u00a0085件", True),
        ("085", "", "商标6\u202f085件", False),
        ("16", "", "每万人口高价值发明专利拥有量 16 件", True),
        ("2", "", "分别为1，2件", True),  # a comma between figures, not a separator
        ("631.8", "万", "年末有效发明专利 631.8 万件", True),  # a space before 万: refused on main
        ("631.8", "", "年末有效发明专利 631.8 万件", False),  # unscaled: not 631.8万 either
        ("1.5", "", "1.5\u00a0万件", False),
        ("500", "", "租赁融资500 万元", True),  # 万元 is the unit
    ],
)
def test_figure_pattern(value, scale, text, found):
    """The figure is a whole number of the quote, never a prefix or a piece of a longer one.

    The cases marked "fails on main" matched (or failed to match) before issue 10.
    """
    assert bool(figure_pattern(value, scale).search(text)) is found


def test_truncated_figure_is_refused(mini_data):
    """Value 21 with the quote 达到21.8件 was accepted on main and used as the 2024 figure."""
    _mutate(mini_data, "observations", 3, value="21")
    (issue,) = _issues(mini_data)
    assert (issue.file, issue.row, issue.column) == ("data/observations.csv", 5, "quote")
    assert "'21'" in issue.found


def test_source_text_not_utf8_is_a_data_issue(mini_data):
    """A GB18030 source text raised UnicodeDecodeError on main; now it names the file."""
    path = mini_data / "sources" / "doc.txt"
    path.write_bytes(path.read_text(encoding="utf-8").encode("gb18030"))
    issues = _issues(mini_data)
    (issue,) = [i for i in issues if i.column == "file"]
    assert (issue.file, issue.row) == ("data/sources.csv", 2)
    assert "'doc.txt'" in issue.found and "not UTF-8" in issue.found
    assert "UTF-8" in issue.expected
    assert {i.column for i in issues} == {"file", "sha256"}  # the checksum is reported beside


def test_source_file_outside_the_sources_folder(mini_data):
    """A path leaving data/sources/ is refused, not read (main hashed any readable file)."""
    (mini_data / "outside.txt").write_text("x", encoding="utf-8")
    _mutate(mini_data, "sources", 0, file="../outside.txt")
    issues = [i for i in _issues(mini_data) if i.column == "file"]
    assert len(issues) == 1 and "outside data/sources/" in issues[0].found


def test_schema_and_cross_table_problems_are_reported_in_one_pass(mini_data):
    """On main the unknown indicator waited until the bad year was fixed (two passes)."""
    _mutate(mini_data, "observations", 2, year="20x3")
    _mutate(mini_data, "targets", 0, indicator="hv_per_10000")
    issues = _issues(mini_data)
    assert {(i.file, i.row, i.column) for i in issues} == {
        ("data/observations.csv", 4, "year"),
        ("data/targets.csv", 2, "indicator"),
    }


def test_cross_table_findings_that_follow_from_a_bad_cell_are_not_repeated(mini_data):
    """A value written 1.5万 is reported once, in its cell, not again as missing from the quote;
    a non-numeric relation value does not crash the relation checks."""
    _mutate(mini_data, "observations", 3, value="21.8件")
    _mutate(mini_data, "relations", 1, value="36.4%")
    issues = _issues(mini_data)
    assert [(i.file, i.row, i.column) for i in issues] == [
        ("data/observations.csv", 5, "value"),
        ("data/relations.csv", 3, "value"),
    ]


def test_header_problem_skips_only_the_checks_that_need_that_table(mini_data):
    """A table with a wrong header leaves the other tables' cross-table checks running."""
    rows = read_rows(mini_data / "indicators.csv")
    write_table(mini_data / "indicators.csv", [{**r, "colour": ""} for r in rows])
    _mutate(mini_data, "observations", 1, region="binhia")
    issues = _issues(mini_data)
    assert ("data/indicators.csv", 1, "colour") in {(i.file, i.row, i.column) for i in issues}
    assert ("data/observations.csv", 3, "region") in {(i.file, i.row, i.column) for i in issues}


@pytest.mark.parametrize(
    ("value", "text", "found"),
    [
        ("15087", "全市共登記技術合同15,087項", True),  # victorzhang-tj-techmarket-2014
        ("15087", "技術合同15087項", True),
        ("1508", "技術合同15,087項", False),
        ("418.11", "成交總額418.11億元", True),
    ],
)
def test_figure_pattern_accepts_a_thousands_separator(value, text, found):
    assert bool(figure_pattern(value, "").search(text)) is found


def _append_source_text(data_dir, text):
    """Add text to the mini source and record its new checksum (a new version of the file)."""
    source = data_dir / "sources" / "doc.txt"
    source.write_text(source.read_text(encoding="utf-8") + text, encoding="utf-8")
    digest = hashlib.sha256(source.read_bytes()).hexdigest()
    _mutate(data_dir, "sources", 0, sha256=digest)


def test_full_coverage_in_words_is_the_figure_100(mini_data):
    _append_source_text(mini_data, "到2025年底前实现全覆盖。")
    _mutate(mini_data, "targets", 0, value="100", quote="到2025年底前实现全覆盖")
    assert read_dataset(mini_data).targets.iloc[0]["value"] == 100
    _mutate(mini_data, "targets", 0, value="90")
    (issue,) = _issues(mini_data)
    assert issue.column == "quote" and "'90'" in issue.found


def test_multiple_glued_to_its_reference_year_is_found(mini_data):
    # tjipo-13fyp: 是20103.2倍 = 是2010年的3.2倍 (the extraction dropped 年的)
    _append_source_text(mini_data, "2024年有效发明专利是20103.2倍。")
    rows = read_rows(mini_data / "relations.csv")
    rows.append(
        {
            **rows[0],
            "relation": "multiple_of",
            "value": "3.2",
            "ref_year": "2010",
            "quote": "是20103.2倍",
        }
    )
    write_table(mini_data / "relations.csv", rows)
    derived = read_dataset(mini_data).observations.query("year == 2010")
    assert derived["value"].item() == pytest.approx(72900 / 3.2)
    _mutate(mini_data, "relations", len(rows) - 1, ref_year="2011")
    (issue,) = _issues(mini_data)
    assert (issue.file, issue.column) == ("data/relations.csv", "quote")


@pytest.mark.parametrize(
    ("changes", "column", "expected"),
    [
        ({"date": "2025-04", "date_basis": "unknown", "date_note": "x"}, "date", "an empty date"),
        ({"date": "", "date_basis": "unknown", "date_note": ""}, "date_note", "why"),
        ({"date": "", "date_basis": "press"}, "date", "date_basis 'unknown'"),
        ({"date_basis": "guess"}, "date_basis", "where the date comes from"),
    ],
)
def test_source_needs_a_date_or_the_reason_it_is_unknown(mini_data, changes, column, expected):
    _mutate(mini_data, "sources", 0, **changes)
    (issue,) = _issues(mini_data)
    assert (issue.file, issue.row, issue.column) == ("data/sources.csv", 2, column)
    assert expected in issue.expected


def _add_revision(data_dir, **changes):
    """Append a restatement of the mini target (22.5 by 2025) that supersedes it."""
    rows = read_rows(data_dir / "targets.csv")
    rows.append(
        {
            **rows[0],
            "target_id": "tianjin-hv-2025-rev",
            "value": "21.8",
            "supersedes": rows[0]["target_id"],
        }
        | changes
    )
    rows[-1]["quote"] = "拥有量达到21.8件"
    write_table(data_dir / "targets.csv", rows)
    return rows


def test_a_revision_to_another_value_is_accepted(mini_data):
    _add_revision(mini_data)
    assert len(read_dataset(mini_data).targets) == 2


@pytest.mark.parametrize(
    ("changes", "found"),
    [
        ({"supersedes": "no-such-target"}, "unknown or own target id"),
        ({"supersedes": "tianjin-hv-2025-rev"}, "unknown or own target id"),
        ({"target_year": "2026"}, "another region, indicator or year"),
        ({"value": "22.5"}, "the same value"),
    ],
)
def test_a_revision_must_restate_another_target_with_a_new_value(mini_data, changes, found):
    if changes.get("value") == "22.5":
        rows = _add_revision(mini_data, **changes)
        rows[-1]["quote"] = rows[0]["quote"]
        write_table(mini_data / "targets.csv", rows)
    else:
        _add_revision(mini_data, **changes)
    issues = [i for i in _issues(mini_data) if i.column == "supersedes"]
    assert [(i.file, i.row) for i in issues] == [("data/targets.csv", 3)]
    assert found in issues[0].found


def test_a_revision_cannot_predate_the_target_it_revises(mini_data):
    rows = read_rows(mini_data / "sources.csv")
    rows.append({**rows[0], "source_id": "older", "date": "2024-12-31"})
    write_table(mini_data / "sources.csv", rows)
    _add_revision(mini_data, source="older")
    (issue,) = _issues(mini_data)
    assert issue.column == "supersedes" and "dated after" in issue.found


def test_a_target_is_revised_once_and_revisions_do_not_cycle(mini_data):
    rows = _add_revision(mini_data)
    rows.append({**rows[-1], "target_id": "tianjin-hv-2025-rev2", "value": "21.8"})
    write_table(mini_data / "targets.csv", rows)
    (issue,) = [i for i in _issues(mini_data) if "already supersedes" in i.found]
    assert issue.row == 4
    rows = rows[:2]
    rows[0]["supersedes"] = "tianjin-hv-2025-rev"  # each supersedes the other
    write_table(mini_data / "targets.csv", rows)
    assert any("cycle" in i.found for i in _issues(mini_data))


def _state_completion(data_dir, quote, target_id="tianjin-hv-2025"):
    write_table(
        data_dir / "completions.csv",
        [{"target_id": target_id, "source": "doc", "quote": quote, "note": ""}],
    )


def test_a_completion_statement_is_checked_like_a_figure(mini_data):
    # The mini source has no sentence stating completion: its quote is not verbatim.
    _state_completion(mini_data, "全市每万人口高价值发明专利拥有量全部完成")
    (issue,) = _issues(mini_data)
    assert (issue.file, issue.row, issue.column) == ("data/completions.csv", 2, "quote")
    assert "not in source 'doc'" in issue.found


def test_a_completion_quote_must_state_completion(mini_data):
    _state_completion(mini_data, "全市每万人口高价值发明专利拥有量达到22.5件")
    (issue,) = _issues(mini_data)
    assert (issue.file, issue.row, issue.column) == ("data/completions.csv", 2, "quote")
    assert "states no completion" in issue.found and "全覆盖" in issue.expected


def test_a_completion_names_a_known_target(mini_data):
    _state_completion(mini_data, "全市每万人口高价值发明专利拥有量达到22.5件", "no-such-target")
    issues = [i for i in _issues(mini_data) if i.column == "target_id"]
    assert [(i.file, i.row) for i in issues] == [("data/completions.csv", 2)]
    assert "'no-such-target'" in issues[0].found and "targets.csv" in issues[0].expected


@pytest.mark.parametrize(
    ("value", "text", "found"),
    [
        ("631.8", "年末有效发明专利 631.8 万件", True),  # the unit word is there after all
        ("7.2", "有效专利7.2件", True),  # tjbh-scjgj-2020-report: the unit word dropped
        ("7.2", "有效专利7.2亿件", False),  # another unit word is another figure
        ("7.2", "有效专利17.2件", False),
    ],
)
def test_a_figure_whose_unit_word_may_be_missing(value, text, found):
    """scale_missing_in_quote: the figure is found with its unit word or with none."""
    pattern = figure_pattern(value, "万", scale_optional=True)
    assert bool(pattern.search(text)) is found


def test_a_figure_inside_a_number_with_a_chinese_comma_is_refused(mini_data):
    """733 for a quote reading 4，733件 was accepted on main (and 4733 refused)."""
    _append_source_text(mini_data, "南开区有效发明专利4，733件。")
    rows = read_rows(mini_data / "observations.csv")
    rows.append({**rows[1], "region": "tianjin", "year": "2022", "value": "733",
                 "quote": "南开区有效发明专利4，733件"})  # fmt: skip
    write_table(mini_data / "observations.csv", rows)
    (issue,) = _issues(mini_data)
    assert (issue.file, issue.row, issue.column) == ("data/observations.csv", 6, "quote")
    assert "'733'" in issue.found
    _mutate(mini_data, "observations", 4, value="4733")
    figures = read_dataset(mini_data).observations
    assert figures.query("year == 2022")["value"].tolist() == [4733]


@pytest.mark.parametrize(
    ("indicator", "better", "comparator", "refused"),
    [
        ("hv_per_10k", "higher", "<=", True),  # accepted on main: on_track 87% → off_track 13%
        ("hv_per_10k", "higher", "<", True),
        ("hv_per_10k", "higher", "~", False),
        ("hv_per_10k", "lower", ">=", True),
        ("hv_per_10k", "lower", ">", True),
        ("hv_per_10k", "lower", "<=", False),
    ],
)
def test_a_comparator_must_point_the_way_the_indicator_improves(
    mini_data, indicator, better, comparator, refused
):
    rows = read_rows(mini_data / "indicators.csv")
    index = next(i for i, r in enumerate(rows) if r["indicator_id"] == indicator)
    _mutate(mini_data, "indicators", index, better=better)
    _mutate(mini_data, "targets", 0, comparator=comparator)
    if not refused:
        assert read_dataset(mini_data).targets["comparator"].tolist() == [comparator]
        return
    (issue,) = _issues(mini_data)
    assert (issue.file, issue.row, issue.column) == ("data/targets.csv", 2, "comparator")
    assert (
        issue.found == f"{comparator!r} on {indicator}, an indicator that is better when {better}"
    )
    assert "indicators.csv" in issue.expected


def test_a_value_the_number_reading_refuses_is_never_passed_over_by_the_quote_check():
    """On main the quote check skipped a value its fullmatch refused while the schema ($)
    passed it; now both use read_number, and the quote check reports such a value itself."""
    row = {**MINI_TABLES["targets"][0], "value": "22.5\n"}
    tables = {"targets": pd.DataFrame([row])}
    texts = {"doc": row["quote"]}
    (issue,) = check_quotes(tables, {"targets": "t"}, texts)
    assert (issue.column, issue.expected) == ("value", "a plain number")
