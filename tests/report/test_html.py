"""HTML displays: safe links, readable status colours, answer-first summaries, method."""

import re

import pandas as pd
import pytest

from ipanalysis import report
from ipanalysis.assess.evidence import is_decided
from ipanalysis.data.dataset import read_dataset
from ipanalysis.report.labels import STATUS_COLOURS, STATUS_TEXT_COLOURS, contrast_ratio
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


def test_english_status_words_are_not_grey_on_colour(shipped, assessment):
    shown = report.show_verdicts(assessment, shipped).data
    status_cells = re.findall(r"已实现<br><span style=\"([^\"]*)\">achieved", shown)
    assert status_cells and not any("color" in style for style in status_cells)


def test_overview_shows_decided_verdicts_with_region_links_and_likelihood(shipped, assessment):
    shown = report.show_decided(assessment, shipped).data
    assert 'href="binhai/forecast.html"' in shown and "滨海新区" in shown
    decided = assessment[is_decided(assessment)]
    assert shown.count("<tr>") - 1 == len(decided)
    with_p = decided.dropna(subset=["p_meet"])
    for p in with_p["p_meet"]:
        assert re.search(rf"{p:.0%} \S+", shown)  # the likelihood phrase beside p


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


def test_decided_targets_come_first_and_notes_are_plain(shipped, assessment):
    decided, lacking = report.split_decided(assessment)
    assert len(decided) + len(lacking) == len(assessment)
    assert (lacking["status"] == "insufficient_data").all()
    shown = report.show_verdicts(decided, shipped).data
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
    shown = report.show_method(outputs_dir=tmp_path).data
    assert "deployed" in shown and "No backtest results yet" not in shown


def test_issue_8_columns_are_used_when_present(shipped, assessment):
    decided, _ = report.split_decided(assessment)
    issue_8 = ["likelihood", "likelihood_zh", "growth_ratio_latest", "citations", "revised_from",
               "provisional"]  # fmt: skip
    decided = decided.drop(columns=[c for c in issue_8 if c in decided])
    plain = report.show_verdicts(decided, shipped).data  # without the new columns: works
    assert "（暂定）" not in plain  # the status cell; notes may explain a provisional verdict
    richer = decided.assign(
        provisional=[True] + [False] * (len(decided) - 1),
        citations="src-a; src-b",
        revised_from="",
        growth_ratio_latest=1.25,
        likelihood_zh="测试用语",
    )
    shown = report.show_verdicts(richer, shipped).data
    assert shown.count("（暂定）") == 1 and "provisional" in shown
    assert "src-a; src-b" in shown and "1.25" in shown
    with_p = richer.dropna(subset=["p_meet"])
    if len(with_p):
        assert "测试用语" in shown  # the assessment's phrase, not a recomputed one
