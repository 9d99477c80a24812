"""HTML displays: safe links, readable status colours, answer-first summaries, method."""

import re

import pandas as pd
import pytest

from ipanalysis import report
from ipanalysis.data.dataset import read_dataset
from ipanalysis.report.categories import verdict_groups
from ipanalysis.report.html_verdicts import show_verdicts
from ipanalysis.report.labels import (
    STATUS_COLOURS,
    STATUS_TEXT_COLOURS,
    contrast_ratio,
    lighter,
)
from ipanalysis.report.needs import fmt_required
from ipanalysis.report.text import region_summary


@pytest.fixture(scope="module")
def shipped():
    return read_dataset()


@pytest.fixture(scope="module")
def assessment(shipped):
    return report.assessment_table(shipped)


def _sources(url):
    return pd.DataFrame(
        [{"source_id": "s", "title_zh": "标题", "title_en": "title", "issuer": "i",
          "date": "2025-01-01", "reliability": "A", "url": url}]
    )  # fmt: skip


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", " JavaScript:alert(1)", "data:text/html,<b>x</b>", "vbscript:x"]
)
def test_only_http_addresses_become_links(url):
    # issue 10 item 5: main rendered any address as <a href=…>, javascript: included
    shown = report.show_sources(_sources(url)).data
    assert "<a " not in shown
    assert "alert(1)" in shown or "x" in shown  # still shown, as text
    assert "<b>x</b>" not in shown  # escaped


def test_http_addresses_are_links():
    shown = report.show_sources(_sources("https://example.org/a?b=1&c=2")).data
    assert '<a href="https://example.org/a?b=1&amp;c=2">' in shown


@pytest.mark.parametrize("status", list(STATUS_COLOURS))
def test_status_colours_meet_wcag_aa(status):
    # WCAG 2.1 §1.4.3: 4.5:1 for normal text; the known answer: black on white is 21:1
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast_ratio(STATUS_TEXT_COLOURS[status], STATUS_COLOURS[status]) >= 4.5


@pytest.mark.parametrize("status", list(STATUS_COLOURS))
def test_lean_shades_keep_black_text_readable(status):
    assert contrast_ratio("#000000", lighter(STATUS_COLOURS[status])) >= 4.5


def test_english_status_words_are_not_grey_on_colour(shipped, assessment):
    shown = show_verdicts(assessment, shipped).data
    status_cells = re.findall(r"已实现<br><span style=\"([^\"]*)\">achieved", shown)
    assert status_cells and not any("color" in style for style in status_cells)


def test_overview_shows_decided_verdicts_with_region_links_likelihood_and_evidence(
    shipped, assessment
):
    shown = report.show_decided(assessment, shipped).data
    decided = verdict_groups(assessment).decided
    assert len(decided) and shown.count("<tr>") - 1 == len(decided)
    assert 'href="binhai/forecast.html"' in shown and "滨海新区" in shown
    assert "证据<br>Evidence" in shown and "回测检验" in shown
    for p in decided["p_meet"].dropna():
        assert re.search(rf"{p:.0%} \S+", shown)  # the likelihood phrase beside p


def test_leans_are_marked_and_not_counted_wherever_a_verdict_is(shipped, assessment):
    # issue 19: 12 of 17 verdicts were provisional, the overview showed no mark at all
    groups = verdict_groups(assessment)
    assert len(groups.leans)
    leans = report.show_leans(assessment, shipped).data
    assert leans.count("倾向：") == len(groups.leans) and leans.count("（暂定）") == int(
        groups.leans["provisional"].sum()
    )
    assert "倾向：" not in report.show_decided(assessment, shipped).data
    matrix = report.show_status_matrix(assessment, shipped).data
    assert matrix.count("倾向：") == len(groups.leans) and "（暂定）" in matrix
    counts = report.show_counts_by_region(assessment, shipped).data
    assert "倾向<br>" in counts
    total = re.search(r"合计 Total</td>(.*?)</tr>", counts, re.S).group(1)
    assert f">{len(groups.leans)}<" in total  # the leans have their own column


def test_regions_without_targets_fold_into_one_line(shipped, assessment):
    shown = report.show_counts_by_region(assessment, shipped).data
    without = set(report.check_regions(shipped, None)) - set(assessment["region"])
    assert without  # Beichen and Hongqiao have figures but no targets
    line = shown.split("</table>")[-1]
    assert "Regions without targets" in line
    for region in without:
        assert f'href="{region}/forecast.html"' in line
        assert f'href="{region}/forecast.html"' not in shown.split("</table>")[0]


def test_open_targets_are_grouped_by_year_and_settled_ones_apart(shipped, assessment):
    tianjin = assessment[assessment["region"] == "tianjin"]
    groups = verdict_groups(tianjin)
    shown = report.show_open_by_year(tianjin, shipped).data
    open_years = sorted(
        set(pd.concat([groups.decided, groups.leans, groups.lacking])["target_year"])
    )
    assert re.findall(r'<h3 id="year-(\d+)">', shown) == [str(y) for y in open_years]
    assert 2027 in open_years  # beyond 2025 and 2026: every target not yet settled
    settled = report.show_settled(tianjin, shipped).data
    assert settled.count("<tr>") - 1 == len(groups.settled)
    assert "已实现" not in shown  # settled targets have their own section


def test_tables_scroll_in_their_own_box(shipped, assessment):
    for shown in (
        report.show_decided(assessment, shipped).data,
        report.show_status_matrix(assessment, shipped).data,
        report.show_counts_by_region(assessment, shipped).data,
    ):
        assert shown.count('<div class="table-scroll"') == shown.count("<table")


def test_parameters_are_in_the_footer_not_the_header(shipped):
    scope = report.Scope(None, "C", 0.8, None)
    header = report.show_header(shipped, "binhai", title_zh="目标预测", title_en="Forecast").data
    assert "Parameters" not in header and "target_years" not in header
    footer = report.show_footer(scope, region="binhai").data
    assert "region = &#x27;binhai&#x27;" in footer and "target_years = None" in footer


def test_needed_by_region_links_each_template(shipped, assessment):
    shown = report.show_needed_by_region(assessment, shipped).data
    for region in assessment.loc[assessment["status"] == "insufficient_data", "region"].unique():
        assert f'href="{region}/observations-{region}-needed.csv"' in shown


def test_region_summary_two_sentences(shipped, assessment):
    zh, en = region_summary(assessment, shipped, "binhai")
    counts = assessment.loc[assessment["region"] == "binhai", "status"].value_counts()
    assert zh.startswith(f"滨海新区：{counts.sum()}项目标，")
    assert f"{counts['insufficient_data']}项数据不足" in zh
    assert en.startswith(f"Binhai New Area: {counts.sum()} targets")


def test_verdict_groups_partition_the_targets_and_notes_are_plain(shipped, assessment):
    groups = verdict_groups(assessment)
    assert sum(len(g) for g in groups) == len(assessment)
    assert (groups.lacking["status"] == "insufficient_data").all()
    assert set(groups.settled["status"]) <= {"achieved", "missed"}
    assert (groups.leans["evidence"] == "indicative").all()
    decided = pd.concat([groups.decided, groups.leans, groups.settled])
    shown = show_verdicts(decided, shipped).data
    assert "<details>" in shown and "技术细节" in shown  # technical detail folded away
    assert "t multiplier" not in shown.split("<details>")[0]


def test_required_counts_are_whole_numbers():
    assert fmt_required(3.333, "count") == "4"
    assert fmt_required(3.0, "count") == "3"
    assert fmt_required(3.333, "stock") == "3.333"


def test_method_section_reads_the_track_record_or_says_it_is_missing(tmp_path):
    empty = report.show_method(outputs_dir=tmp_path).data
    assert "尚无回测结果" in empty and "No backtest results yet" in empty
    assert "不包括" in empty and "does not cover" in empty
    pd.DataFrame(
        {"method": ["deployed"], "horizon_years": [1], "n": [20], "mase": [0.9],
         "coverage_80": [0.8], "below_lower": [0.1], "above_upper": [0.1]}
    ).to_csv(tmp_path / "backtest.csv", index=False)  # fmt: skip
    pd.DataFrame(
        {"target_id": ["t"], "predicted_status": ["on_track"], "p_meet": [0.8571],
         "outcome": ["achieved"], "correct": [True]}
    ).to_csv(tmp_path / "backtest_targets.csv", index=False)  # fmt: skip
    shown = report.show_method(outputs_dir=tmp_path).data
    assert "No backtest results yet" not in shown
    # bilingual headers, percentages, yes / no: not mase, 0.8571, True; the deployed method's
    # situations with the evidence tier each gives (20 forecasts at 80%: tested)
    assert "回测检验<br>" in shown and "tested" in shown
    assert "80%区间覆盖率<br>80% coverage" in shown and ">80%<" in shown and ">10%<" in shown
    assert "86% 可能" in shown and "是 yes" in shown and "进展顺利" in shown
    assert "0.8571" not in shown and ">True<" not in shown and ">mase<" not in shown


def test_issue_8_columns_are_used_when_present(shipped, assessment):
    groups = verdict_groups(assessment)
    decided = pd.concat([groups.settled, groups.decided], ignore_index=True)
    issue_8 = ["likelihood", "likelihood_zh", "growth_ratio_latest", "citations", "revised_from",
               "provisional"]  # fmt: skip
    decided = decided.drop(columns=[c for c in issue_8 if c in decided])
    plain = show_verdicts(decided, shipped).data  # without the new columns: works
    assert "（暂定）" not in plain  # the status cell; notes may explain a provisional verdict
    richer = decided.assign(
        provisional=[True] + [False] * (len(decided) - 1),
        citations="src-a; src-b",
        revised_from="",
        growth_ratio_latest=1.25,
        likelihood_zh="测试用语",
    )
    shown = show_verdicts(richer, shipped).data
    assert shown.count("（暂定）") == 1 and "provisional" in shown
    assert "src-a; src-b" in shown and "1.25" in shown
    with_p = richer.dropna(subset=["p_meet"])
    if len(with_p):
        assert "测试用语" in shown  # the assessment's phrase, not a recomputed one
