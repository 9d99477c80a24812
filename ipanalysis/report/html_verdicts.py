"""HTML displays of one region's verdicts: by target year, settled, counts, what is needed.

Each ``show_*`` takes an assessment table (:func:`ipanalysis.report.tables.assessment_table`
columns), the dataset for names and units where it needs them, and ``uuid``, the table's fixed
Styler id; it returns an :class:`IPython.display.HTML`. Every verdict shows the evidence it
rests on; a lean (倾向: a forecast on evidence the backtest has not scored well) is marked so
wherever it appears, and a provisional verdict (暂定) too. The displays across regions are in
:mod:`.html_overview`.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

import pandas as pd
from IPython.display import HTML

from ipanalysis.data.dataset import Dataset
from ipanalysis.report.categories import verdict_groups
from ipanalysis.report.html import empty_note, link, region_report_href, styled_html
from ipanalysis.report.labels import (
    COUNT_LABELS,
    EVIDENCE_LABELS,
    STATUS_LABELS,
    bilingual_column,
    bilingual_html,
    html_header,
)
from ipanalysis.report.lookups import region_names
from ipanalysis.report.needs import template_name
from ipanalysis.report.tables import status_counts, verdict_table
from ipanalysis.report.text import region_summary


def status_cell(status: str, *, provisional: bool = False, lean: bool = False) -> str:
    """Return a status label in both languages, marked 倾向 lean and 暂定 provisional when so."""
    zh, en = STATUS_LABELS.get(status, (status, status))
    if lean:
        zh, en = f"倾向：{zh}", f"lean: {en}"
    if provisional:
        zh, en = f"{zh}（暂定）", f"{en} (provisional)"
    return bilingual_html(zh, en, muted=False)


def evidence_cell(evidence: str, reason: str = "", *, with_reason: bool = False) -> str:
    """Return the evidence a verdict rests on in both languages, with the reason if asked."""
    zh, en = EVIDENCE_LABELS.get(evidence, (evidence, evidence))
    cell = bilingual_html(zh, en)
    if with_reason and reason:
        cell += f'<br><span style="font-size:0.8em;color:#444">{html.escape(reason)}</span>'
    return cell


def status_cells(shown: pd.DataFrame) -> list[str]:
    """Return the status cells of a :func:`~ipanalysis.report.tables.verdict_table`."""
    return [
        status_cell(s, provisional=p, lean=lean)
        for s, p, lean in zip(shown["status"], shown["provisional"], shown["lean"], strict=True)
    ]


def evidence_cells(shown: pd.DataFrame, *, with_reason: bool = False) -> list[str]:
    """Return the evidence cells of a :func:`~ipanalysis.report.tables.verdict_table`."""
    return [
        evidence_cell(e, r, with_reason=with_reason or lean)
        for e, r, lean in zip(
            shown["evidence"], shown["evidence_reason"], shown["lean"], strict=True
        )  # fmt: skip
    ]


def show_verdicts(
    assessment: pd.DataFrame,
    dataset: Dataset,
    *,
    uuid: str = "verdicts",
    notes: bool = True,
    region_column: bool = False,
) -> HTML:
    """Return the verdict table of an assessment (one region or several), status colour-coded.

    Every row says the evidence it rests on; leans and provisional verdicts are marked.
    ``notes`` adds a plain note on each verdict (technical detail folded away);
    ``region_column`` shows the region even when the table has one region only; names and units
    come from ``dataset``.
    """
    if assessment.empty:
        return empty_note("没有此年份的目标。", "No targets for these years.")
    shown = verdict_table(assessment, dataset)
    level = shown["interval_level"].iloc[0] or "80%"
    frame = pd.DataFrame(
        {
            html_header("indicator"): bilingual_column(shown, "indicator_zh", "indicator_en"),
            html_header("target_year"): shown["target_year"].astype(str),
            html_header("target_value"): shown["target"].map(html.escape),
            html_header("latest_value"): shown["latest"],
            html_header("n_points"): shown["n_points"].astype(str),
            f"预测 [{level} 区间]<br>Forecast [{level} interval]": shown["forecast"],
            html_header("p_meet"): shown["p_meet"],
            "增长 实际/所需<br>Growth obs./req.": shown["growth"],
            html_header("status"): status_cells(shown),
            html_header("evidence"): evidence_cells(shown),
            html_header("confidence"): shown["confidence"],
        }
    )
    if region_column or assessment["region"].nunique() > 1:
        frame.insert(
            0,
            html_header("region"),
            [bilingual_html(*region_names(dataset, r)) for r in shown["region"]],
        )
    small = []
    if notes:
        frame[html_header("note")] = [_note_cell(rec) for rec in shown.to_dict("records")]
        small = [html_header("note")]
    return HTML(
        styled_html(
            frame,
            uuid,
            status_column=html_header("status"),
            statuses=list(shown["status"]),
            leans=list(shown["lean"]),
            small_columns=small,
        )
    )


def _note_cell(rec: Mapping[str, Any]) -> str:
    """Return a verdict's plain note with the technical detail folded in ``<details>``."""
    plain = bilingual_html(rec["plain_zh"], rec["plain_en"]) if rec["plain_zh"] else ""
    detail = [f"方法 method: {rec['method']}"]
    if rec.get("df"):
        detail.append(f"自由度 df = {rec['df']}")
    if rec.get("growth_ratio_latest"):
        detail.append(f"增长比（自最新数据） growth ratio from the latest figure: "
                      f"{rec['growth_ratio_latest']}")  # fmt: skip
    if rec.get("revised_from"):
        detail.append(f"修订自 revises: {rec['revised_from']}")
    if rec.get("citations"):
        detail.append(f"来源 cited in: {rec['citations']}")
    if rec.get("evidence_reason"):
        detail.append(f"证据 evidence: {rec['evidence_reason']}")
    if rec["note"]:
        detail.append(rec["note"])
    body = "<br>".join(html.escape(d) for d in detail)
    return f"{plain}<details><summary>技术细节 details</summary>{body}</details>"


def show_open_by_year(
    assessment: pd.DataFrame, dataset: Dataset, *, uuid: str = "verdicts"
) -> HTML:
    """Return the targets not yet settled, one table per target year (earliest first).

    Each year lists its verdicts (decided first, then the leans, each marked, then the targets
    the office decides) and says how many of its targets lack figures (listed under "figures
    needed"). Settled targets are left to :func:`show_settled`.
    """
    groups = verdict_groups(assessment)
    judgeable = (groups.decided, groups.leans, groups.office)
    open_targets = pd.concat([*judgeable, groups.lacking], ignore_index=True)
    if open_targets.empty:
        return empty_note("没有未定的目标。", "No open targets: every target is settled.")
    parts = []
    for year in sorted(open_targets["target_year"].unique()):
        judged = pd.concat(
            [g[g["target_year"] == year] for g in judgeable],
            ignore_index=True,
        )
        lacking = int((groups.lacking["target_year"] == year).sum())
        parts.append(f'<h3 id="year-{int(year)}">{int(year)}年到期 · Due {int(year)}</h3>')
        if len(judged):
            parts.append(show_verdicts(judged, dataset, uuid=f"{uuid}_{int(year)}").data)
        else:
            parts.append("<p><em>还没有可以判断的目标。</em> No target of this year can be "
                         "judged yet.</p>")  # fmt: skip
        if lacking:
            parts.append(
                f"<p>另有 {lacking} 项目标数据不足，见下文“需要哪些数据”。 {lacking} more "
                "target(s) lack figures: see 'what is needed' below.</p>"
            )
    return HTML("\n".join(parts))


def compact_verdicts(
    rows: pd.DataFrame, dataset: Dataset, uuid: str, *, region_column: bool = True
) -> str:
    """Return verdicts in a few columns: region, target, latest, p, status and evidence.

    The region (linked to its report) is left out with ``region_column=False`` (the national
    benchmark has no report of its own).
    """
    shown = verdict_table(rows, dataset)
    frame = pd.DataFrame(
        {
            html_header("region"): [region_cell(dataset, r) for r in shown["region"]],
            html_header("indicator"): bilingual_column(shown, "indicator_zh", "indicator_en"),
            html_header("target_year"): shown["target_year"].astype(str),
            html_header("target_value"): shown["target"].map(html.escape),
            html_header("latest_value"): shown["latest"],
            html_header("p_meet"): shown["p_meet"].map(html.escape),
            html_header("status"): status_cells(shown),
            html_header("evidence"): evidence_cells(shown),
        }
    )
    if not region_column:
        frame = frame.drop(columns=html_header("region"))
    return styled_html(
        frame,
        uuid,
        status_column=html_header("status"),
        statuses=list(shown["status"]),
        leans=list(shown["lean"]),
    )


def show_settled(
    assessment: pd.DataFrame, dataset: Dataset, *, uuid: str = "settled", compact: bool = False
) -> HTML:
    """Return the targets settled by a figure (achieved, missed), or a sentence if none is.

    ``compact``: the few columns of :func:`compact_verdicts`, regions linked (the overview).
    """
    settled = verdict_groups(assessment).settled
    if settled.empty:
        return empty_note("还没有目标由数据定论。", "No target is settled by a figure yet.")
    if compact:
        return HTML(compact_verdicts(settled, dataset, uuid))
    return show_verdicts(settled, dataset, uuid=uuid)


def show_status_counts(assessment: pd.DataFrame, *, uuid: str = "status_counts") -> HTML:
    """Return the number of targets in each status (leans apart), colour-coded, with the total."""
    counts = status_counts(assessment)
    frame = pd.DataFrame(
        {
            html_header("status"): [
                bilingual_html(*COUNT_LABELS[s], muted=False) for s in counts["status"]
            ]
            + ["合计 total"],
            html_header("targets"): [
                *counts["count"].astype(str),
                str(int(counts["count"].sum())),
            ],
        }
    )
    return HTML(
        styled_html(
            frame,
            uuid,
            status_column=html_header("status"),
            statuses=[*counts["status"], "total"],
        )
    )


def show_summary(assessment: pd.DataFrame, dataset: Dataset, region: str) -> HTML:
    """Return the two-sentence answer that opens a region report, with its links.

    The summary in Chinese, then English, then links to the overview, the region's trends report
    and its template of figures needed.
    """
    zh, en = region_summary(assessment, dataset, region)
    links = " · ".join(
        [
            link("../overview.html", "总览 overview"),
            link("trends.html", "数据与趋势 trends report"),
            link(
                quote(template_name(region)), "需要补充的数据（CSV 模板） figures-needed template"
            ),
            link("forecasts.csv", "各指标预测（CSV） forecasts of every series"),
        ]
    )
    return HTML(
        f'<p style="font-size:1.15em"><b>{html.escape(zh)}</b><br>{html.escape(en)}</p>'
        f"<p>{links}</p>"
    )


def show_figures_needed(needed: pd.DataFrame, *, uuid: str = "figures_needed") -> HTML:
    """Return, per target without enough figures, the figures to collect and the required path.

    ``needed`` is a :func:`~ipanalysis.report.needs.figures_needed` table; a sentence when every
    target has enough figures.
    """
    if needed.empty:
        return empty_note("所有目标都有足够的数据。", "Every target has enough figures to assess.")
    frame = pd.DataFrame(
        {
            html_header("indicator"): bilingual_column(needed, "name_zh", "name_en"),
            html_header("target_year"): needed["target_year"].astype(str),
            html_header("target_value"): needed["target"].map(html.escape),
            html_header("years_held"): needed["years_held"],
            html_header("collect"): needed["collect"].map(html.escape),
            html_header("required"): needed["required"].map(html.escape),
        }
    )
    return HTML(styled_html(frame, uuid, small_columns=[html_header("required")]))


def region_cell(dataset: Dataset, region: str) -> str:
    """Return a region's names as a link to its report (from the overview)."""
    return link(region_report_href(region), bilingual_html(*region_names(dataset, region)))
