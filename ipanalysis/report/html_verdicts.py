"""HTML displays of the verdicts: tables, counts, the status matrix, summaries and links.

Each ``show_*`` takes an assessment table (:func:`ipanalysis.assess.assess` columns), the
dataset for names and units where it needs them, and ``uuid``, the table's fixed Styler id;
it returns an :class:`IPython.display.HTML`.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import quote

import pandas as pd
from IPython.display import HTML

from ipanalysis.assess.evidence import is_decided
from ipanalysis.data.dataset import Dataset
from ipanalysis.data.regions import reportable_region_ids
from ipanalysis.report.html import empty_note, link, region_report_href, styled_html
from ipanalysis.report.labels import (
    KIND_LABELS,
    STATUS_COLOURS,
    STATUS_LABELS,
    STATUS_TEXT_COLOURS,
    bilingual_column,
    bilingual_html,
    html_header,
)
from ipanalysis.report.lookups import indicator_names, indicator_row, region_names
from ipanalysis.report.needs import template_name
from ipanalysis.report.tables import status_counts, verdict_table
from ipanalysis.report.text import region_summary
from ipanalysis.vocab import DECIDED_STATUSES, STATUS_ORDER


def show_verdicts(
    assessment: pd.DataFrame,
    dataset: Dataset,
    *,
    uuid: str = "verdicts",
    notes: bool = True,
    region_column: bool = False,
) -> HTML:
    """Return the verdict table of an assessment (one region or several), status colour-coded.

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
            html_header("status"): [
                _status_cell(s, p)
                for s, p in zip(shown["status"], shown["provisional"], strict=True)
            ],
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
            small_columns=small,
        )
    )


def _status_cell(status: str, provisional: bool = False) -> str:
    """Return a status label in both languages, marked 暂定 provisional when it is."""
    zh, en = STATUS_LABELS.get(status, (status, status))
    if provisional:
        zh, en = f"{zh}（暂定）", f"{en} (provisional)"
    return bilingual_html(zh, en, muted=False)


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
    if rec["note"]:
        detail.append(rec["note"])
    body = "<br>".join(html.escape(d) for d in detail)
    return f"{plain}<details><summary>技术细节 details</summary>{body}</details>"


def show_status_counts(assessment: pd.DataFrame, *, uuid: str = "status_counts") -> HTML:
    """Return the number of targets in each status, colour-coded, with the total."""
    counts = status_counts(assessment)
    frame = pd.DataFrame(
        {
            html_header("status"): [
                bilingual_html(*STATUS_LABELS[s], muted=False) for s in counts["status"]
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


def show_status_matrix(
    assessment: pd.DataFrame, dataset: Dataset, *, uuid: str = "status_matrix"
) -> HTML:
    """Return the status of every target, regions as columns.

    One row per indicator × target year (× kind when a region has two kinds for one indicator and
    year); each cell the status, colour-coded; empty where a region has no such target.
    """
    if assessment.empty:
        return empty_note("没有目标。", "No targets.")
    regions = sorted(assessment["region"].unique())
    keys = ["indicator", "target_year", "target_kind"]
    rows = assessment.sort_values([*keys, "region", "target_id"], kind="stable")
    cells: dict[tuple, dict[str, list[str]]] = {}
    for rec in rows.to_dict("records"):
        key = tuple(rec[k] for k in keys)
        cells.setdefault(key, {}).setdefault(rec["region"], []).append(rec["status"])
    header_regions = {
        r: "<br>".join(html.escape(n) for n in region_names(dataset, r)) for r in regions
    }
    body = []
    for (indicator, year, kind), by_region in cells.items():
        ind = indicator_row(dataset, indicator)
        kind_zh, kind_en = KIND_LABELS.get(kind, (kind, kind))
        tds = [
            f"<td>{bilingual_html(ind['name_zh'], ind['name_en'])}</td>",
            f"<td>{int(year)}</td>",
            f"<td>{bilingual_html(kind_zh, kind_en)}</td>",
        ]
        for region in regions:
            statuses = by_region.get(region, [])
            if not statuses:
                tds.append("<td></td>")
                continue
            worst = min(statuses, key=STATUS_ORDER.index)
            label = "<br>".join(
                bilingual_html(*STATUS_LABELS.get(s, (s, s)), muted=False) for s in statuses
            )
            tds.append(
                f'<td style="background-color:{STATUS_COLOURS.get(worst, "#fff")};'
                f'color:{STATUS_TEXT_COLOURS.get(worst, "#000")}">{label}</td>'
            )
        body.append("<tr>" + "".join(tds) + "</tr>")
    head = "".join(
        f"<th>{h}</th>"
        for h in [html_header("indicator"), html_header("target_year"), html_header("target_kind")]
        + [header_regions[r] for r in regions]
    )
    table = (
        f'<table id="T_{html.escape(uuid)}" style="border-collapse:collapse;font-size:0.9em">'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
    )
    return HTML(table)


def show_counts_by_region(
    assessment: pd.DataFrame,
    dataset: Dataset,
    *,
    regions: Sequence[str] | None = None,
    uuid: str = "counts_by_region",
) -> HTML:
    """Return regions × statuses: how many targets each region has in each status, with totals.

    ``regions`` are the regions assessed (default: every reportable one); a region without
    targets gets a row of zeros (it is not forgotten). Each region links to its report.
    """
    if regions is None:
        regions = reportable_region_ids(dataset.regions)
    counts = status_counts(assessment, by_region=True, regions=regions)
    frame = pd.DataFrame(
        {
            html_header("region"): [
                link(region_report_href(r), bilingual_html(*region_names(dataset, r)))
                for r in counts.index
            ]
        }
    )
    for status in STATUS_ORDER:
        frame[bilingual_html(*STATUS_LABELS[status])] = counts[status].astype(str).to_list()
    frame["合计<br>Total"] = counts["total"].astype(str).to_list()
    total = {
        col: str(int(counts[s].sum()))
        for col, s in zip(frame.columns[1:-1], STATUS_ORDER, strict=True)
    }
    frame.loc[len(frame)] = {
        html_header("region"): "合计 Total",
        **total,
        "合计<br>Total": str(int(counts["total"].sum())),
    }
    return HTML(styled_html(frame, uuid))


def show_decided(assessment: pd.DataFrame, dataset: Dataset, *, uuid: str = "decided") -> HTML:
    """Return every decided verdict across regions, best first.

    Region (linked to its report), indicator, year, target, latest figure, p with its likelihood,
    status.
    """
    decided = assessment[is_decided(assessment)].copy()
    if decided.empty:
        return empty_note("还没有可以判断的目标。", "No target can be judged yet.")
    order = {s: i for i, s in enumerate(DECIDED_STATUSES)}
    decided["_order"] = decided["status"].map(order)
    decided = decided.sort_values(["_order", "region", "indicator", "target_year"], kind="stable")
    shown = verdict_table(decided.drop(columns="_order"), dataset)
    frame = pd.DataFrame(
        {
            html_header("region"): [
                link(region_report_href(r), bilingual_html(*region_names(dataset, r)))
                for r in shown["region"]
            ],
            html_header("indicator"): bilingual_column(shown, "indicator_zh", "indicator_en"),
            html_header("target_year"): shown["target_year"].astype(str),
            html_header("target_value"): shown["target"].map(html.escape),
            html_header("latest_value"): shown["latest"],
            html_header("p_meet"): shown["p_meet"].map(html.escape),
            html_header("status"): [
                bilingual_html(*STATUS_LABELS.get(s, (s, s)), muted=False) for s in shown["status"]
            ],
        }
    )
    return HTML(
        styled_html(
            frame, uuid, status_column=html_header("status"), statuses=list(shown["status"])
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
        ]
    )
    return HTML(
        f'<p style="font-size:1.15em"><b>{html.escape(zh)}</b><br>{html.escape(en)}</p>'
        f"<p>{links}</p>"
    )


def show_needed_by_region(
    assessment: pd.DataFrame, dataset: Dataset, *, uuid: str = "needed_by_region"
) -> HTML:
    """Return, per region, how many targets lack figures, which indicators, and its template."""
    lacking = assessment[assessment["status"] == "insufficient_data"]
    if lacking.empty:
        return empty_note("所有目标都有足够的数据。", "Every target has enough figures to assess.")
    names = indicator_names(dataset)["name_zh"]
    rows = []
    for region, group in lacking.groupby("region", sort=True):
        listed = "、".join(dict.fromkeys(str(names.get(i, i)) for i in group["indicator"]))
        template = f"{quote(region)}/{quote(template_name(region))}"
        rows.append(
            {
                html_header("region"): link(
                    region_report_href(region), bilingual_html(*region_names(dataset, region))
                ),
                html_header("targets"): str(len(group)),
                "指标<br>Indicators": html.escape(listed),
                "模板<br>Template": link(template, "CSV 模板 template"),
            }
        )
    return HTML(styled_html(pd.DataFrame(rows), uuid, small_columns=["指标<br>Indicators"]))


def show_region_links(dataset: Dataset, regions: Sequence[str] | None = None) -> HTML:
    """Return links from the overview to every region's forecast and trends reports."""
    regions = list(regions) if regions is not None else reportable_region_ids(dataset.regions)
    items = [
        f"<li>{link(region_report_href(r), html.escape(' '.join(region_names(dataset, r))))}"
        f" — {link(region_report_href(r, 'trends'), '数据与趋势 trends')}</li>"
        for r in regions
    ]
    return HTML(f"<ul>{''.join(items)}</ul>")


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
