"""HTML displays for the report notebooks (Chinese first, English alongside).

Each ``show_*`` returns an :class:`IPython.display.HTML` object to end a notebook cell with.
A table is rendered through pandas' Styler with a fixed uuid (``Styler.set_uuid``) and fixed
number formats, so an executed notebook's outputs are the same on every run (nbval compares
them; see ``tests/test_report.py``).
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import quote, urlsplit

import pandas as pd
from IPython.display import HTML

from ipanalysis.display_tables import (
    DECIDED_STATUSES,
    _indicator,
    indicator_names,
    most_at_risk,
    region_names,
    region_summary,
    reportable_regions,
    status_counts,
    track_record,
    verdict_table,
)
from ipanalysis.formatting import (
    KIND_LABELS,
    RELIABILITY_LABELS,
    STATUS_COLOURS,
    STATUS_LABELS,
    STATUS_ORDER,
    STATUS_TEXT_COLOURS,
    _bi,
    _missing,
    fmt_number,
    fmt_pct,
)
from ipanalysis.needs import template_name

_TABLE_STYLES = [
    {"selector": "th", "props": [("text-align", "left"), ("vertical-align", "bottom")]},
    {"selector": "td", "props": [("text-align", "left"), ("vertical-align", "top")]},
    {"selector": "", "props": [("border-collapse", "collapse"), ("font-size", "0.9em")]},
]


# --------------------------------------------------------------------------------------------
# Displays (HTML with fixed uuids: deterministic notebook outputs)
# --------------------------------------------------------------------------------------------


def _styled_html(
    frame: pd.DataFrame,
    uuid: str,
    *,
    caption: str | None = None,
    status_column: str | None = None,
    statuses: Sequence[str] | None = None,
    small_columns: Sequence[str] = (),
) -> str:
    """Render a frame of HTML-ready strings with a Styler whose uuid is fixed."""
    styler = frame.style.hide(axis="index").set_uuid(uuid).set_table_styles(_TABLE_STYLES)
    if caption:
        styler = styler.set_caption(caption)
    if status_column is not None and statuses is not None:
        colours = [
            f"background-color: {STATUS_COLOURS.get(s, '#ffffff')}; "
            f"color: {STATUS_TEXT_COLOURS.get(s, '#000000')}; font-weight: bold"
            for s in statuses
        ]
        styler = styler.apply(lambda _: colours, subset=[status_column], axis=0)
    if small_columns:
        styler = styler.set_properties(
            subset=list(small_columns), **{"font-size": "0.8em", "color": "#444"}
        )
    return styler.to_html()


def _empty(message_zh: str, message_en: str) -> HTML:
    return HTML(f"<p><em>{html.escape(message_zh)}</em> — {html.escape(message_en)}</p>")


def show_header(
    dataset: Any,
    region: str | None,
    *,
    title_zh: str,
    title_en: str,
    parameters: Mapping[str, Any],
) -> HTML:
    """Return the report's heading: region names, what the report is, the run's parameters.

    Parameters
    ----------
    dataset : ipanalysis.dataset.Dataset
        The dataset.
    region : str or None
        Region id (None for the overview).
    title_zh, title_en : str
        What the report is (``趋势`` / ``Trends``).
    parameters : mapping
        The notebook's parameters, listed under the heading.

    Returns
    -------
    IPython.display.HTML
        A heading and a parameter line.
    """
    if region is None:
        zh, en = "天津市及各区", "Tianjin and its districts"
    else:
        zh, en = region_names(dataset, region)
    params = ", ".join(f"{k} = {v!r}" for k, v in parameters.items())
    parts = [
        f"<h2>{html.escape(zh)} {html.escape(title_zh)}<br>"
        f'<span style="font-size:0.8em">{html.escape(en)} — {html.escape(title_en)}</span></h2>',
        f"<p>参数 Parameters: <code>{html.escape(params)}</code></p>",
    ]
    return HTML("\n".join(parts))


def show_verdicts(
    assessment: pd.DataFrame,
    dataset: Any,
    *,
    uuid: str = "verdicts",
    notes: bool = True,
    region_column: bool = False,
) -> HTML:
    """Return the verdict table, status colour-coded.

    Parameters
    ----------
    assessment : pandas.DataFrame
        An :func:`assessment_table` (one region or several).
    dataset : ipanalysis.dataset.Dataset
        For names and units.
    uuid : str
        Fixed Styler uuid (one per table in a notebook).
    notes : bool
        Include a plain note on each verdict (technical detail folded away).
    region_column : bool
        Show the region even when the table has one region only.

    Returns
    -------
    IPython.display.HTML
        The table.
    """
    if assessment.empty:
        return _empty("没有此年份的目标。", "No targets for these years.")
    shown = verdict_table(assessment, dataset)
    level = shown["interval_level"].iloc[0] or "80%"
    frame = pd.DataFrame(
        {
            "指标<br>Indicator": [
                _bi(z, e)
                for z, e in zip(shown["indicator_zh"], shown["indicator_en"], strict=True)
            ],
            "年份<br>Year": shown["target_year"].astype(str),
            "目标<br>Target": shown["target"].map(html.escape),
            "最新<br>Latest": shown["latest"],
            "数据点<br>Figures": shown["n_points"].astype(str),
            f"预测 [{level} 区间]<br>Forecast [{level} interval]": shown["forecast"],
            "达标概率<br>P(meet)": shown["p_meet"],
            "增长 实际/所需<br>Growth obs./req.": shown["growth"],
            "状态<br>Status": [
                _status_cell(s, p)
                for s, p in zip(shown["status"], shown["provisional"], strict=True)
            ],
            "可信度<br>Confidence": shown["confidence"],
        }
    )
    if region_column or assessment["region"].nunique() > 1:
        frame.insert(
            0, "地区<br>Region", [_bi(*region_names(dataset, r)) for r in shown["region"]]
        )
    small = []
    if notes:
        frame["说明<br>Note"] = [_note_cell(rec) for rec in shown.to_dict("records")]
        small = ["说明<br>Note"]
    return HTML(
        _styled_html(
            frame,
            uuid,
            status_column="状态<br>Status",
            statuses=list(shown["status"]),
            small_columns=small,
        )
    )


def _status_cell(status: str, provisional: bool = False) -> str:
    """Return a status label in both languages, marked 暂定 provisional when it is."""
    zh, en = STATUS_LABELS.get(status, (status, status))
    if provisional:
        zh, en = f"{zh}（暂定）", f"{en} (provisional)"
    return _bi(zh, en, muted=False)


def _note_cell(rec: Mapping[str, Any]) -> str:
    """Return a verdict's plain note with the technical detail folded in ``<details>``."""
    plain = _bi(rec["plain_zh"], rec["plain_en"]) if rec["plain_zh"] else ""
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
    """Return the number of targets in each status, colour-coded.

    Parameters
    ----------
    assessment : pandas.DataFrame
        An :func:`assessment_table`.
    uuid : str
        Fixed Styler uuid.

    Returns
    -------
    IPython.display.HTML
        A two-column table (status, count) with the total.
    """
    counts = status_counts(assessment)
    frame = pd.DataFrame(
        {
            "状态<br>Status": [_bi(*STATUS_LABELS[s], muted=False) for s in counts["status"]]
            + ["合计 total"],
            "目标数<br>Targets": [*counts["count"].astype(str), str(int(counts["count"].sum()))],
        }
    )
    return HTML(
        _styled_html(
            frame,
            uuid,
            status_column="状态<br>Status",
            statuses=[*counts["status"], "total"],
        )
    )


def show_status_matrix(
    assessment: pd.DataFrame, dataset: Any, *, uuid: str = "status_matrix"
) -> HTML:
    """Return the status of every target, regions as columns (one row per indicator and year).

    Parameters
    ----------
    assessment : pandas.DataFrame
        An :func:`assessment_table` over several regions.
    dataset : ipanalysis.dataset.Dataset
        For names.
    uuid : str
        Fixed Styler uuid.

    Returns
    -------
    IPython.display.HTML
        Rows: indicator × target year (× kind when a region has two kinds for one indicator
        and year); cells: status, colour-coded; empty where a region has no such target.
    """
    if assessment.empty:
        return _empty("没有目标。", "No targets.")
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
        ind = _indicator(dataset, indicator)
        kind_zh, kind_en = KIND_LABELS.get(kind, (kind, kind))
        tds = [
            f"<td>{_bi(ind['name_zh'], ind['name_en'])}</td>",
            f"<td>{int(year)}</td>",
            f"<td>{_bi(kind_zh, kind_en)}</td>",
        ]
        for region in regions:
            statuses = by_region.get(region, [])
            if not statuses:
                tds.append("<td></td>")
                continue
            worst = min(statuses, key=STATUS_ORDER.index)
            label = "<br>".join(_bi(*STATUS_LABELS.get(s, (s, s)), muted=False) for s in statuses)
            tds.append(
                f'<td style="background-color:{STATUS_COLOURS.get(worst, "#fff")};'
                f'color:{STATUS_TEXT_COLOURS.get(worst, "#000")}">{label}</td>'
            )
        body.append("<tr>" + "".join(tds) + "</tr>")
    head = "".join(
        f"<th>{h}</th>"
        for h in ["指标<br>Indicator", "年份<br>Year", "类型<br>Kind"]
        + [header_regions[r] for r in regions]
    )
    table = (
        f'<table id="T_{html.escape(uuid)}" style="border-collapse:collapse;font-size:0.9em">'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
    )
    return HTML(table)


def show_counts_by_region(
    assessment: pd.DataFrame,
    dataset: Any,
    *,
    regions: Sequence[str] | None = None,
    uuid: str = "counts_by_region",
) -> HTML:
    """Return regions × statuses: how many targets each region has in each status.

    Parameters
    ----------
    assessment : pandas.DataFrame
        An :func:`assessment_table` over several regions.
    dataset : ipanalysis.dataset.Dataset
        For region names.
    regions : sequence of str, optional
        The regions assessed; default every reportable region. A region without targets
        gets a row of zeros (it is not forgotten).
    uuid : str
        Fixed Styler uuid.

    Returns
    -------
    IPython.display.HTML
        The table, status columns headed in Chinese and English, with totals.
    """
    if regions is None:
        regions = reportable_regions(dataset)
    counts = status_counts(assessment, by_region=True, regions=regions)
    frame = pd.DataFrame(
        {
            "地区<br>Region": [
                _link(region_report_href(r), _bi(*region_names(dataset, r))) for r in counts.index
            ]
        }
    )
    for status in STATUS_ORDER:
        frame[_bi(*STATUS_LABELS[status])] = counts[status].astype(str).to_list()
    frame["合计<br>Total"] = counts["total"].astype(str).to_list()
    total = {
        col: str(int(counts[s].sum()))
        for col, s in zip(frame.columns[1:-1], STATUS_ORDER, strict=True)
    }
    frame.loc[len(frame)] = {
        "地区<br>Region": "合计 Total",
        **total,
        "合计<br>Total": str(int(counts["total"].sum())),
    }
    return HTML(_styled_html(frame, uuid))


def show_most_at_risk(
    assessment: pd.DataFrame, dataset: Any, *, n: int = 10, uuid: str = "most_at_risk"
) -> HTML:
    """Return the targets most at risk (see :func:`most_at_risk`) as a colour-coded table.

    Parameters
    ----------
    assessment : pandas.DataFrame
        An :func:`assessment_table` over several regions.
    dataset : ipanalysis.dataset.Dataset
        For names.
    n : int
        At most this many rows.
    uuid : str
        Fixed Styler uuid.

    Returns
    -------
    IPython.display.HTML
        The table, or a sentence when no target is at risk.
    """
    risky = most_at_risk(assessment, n=n)
    if risky.empty:
        return _empty(
            "没有存在风险或偏离目标的目标。", "No target is at risk, off track or missed."
        )
    return show_verdicts(risky, dataset, uuid=uuid, notes=True, region_column=True)


def show_trends(trends: pd.DataFrame, *, uuid: str = "trends") -> HTML:
    """Return the per-indicator trend summary (span, latest figure, growth rates).

    Parameters
    ----------
    trends : pandas.DataFrame
        A :func:`trend_table`.
    uuid : str
        Fixed Styler uuid.

    Returns
    -------
    IPython.display.HTML
        The table.
    """
    if trends.empty:
        return _empty("此地区没有数据。", "No figures for this region.")
    frame = pd.DataFrame(
        {
            "指标<br>Indicator": [
                _bi(z, e) for z, e in zip(trends["name_zh"], trends["name_en"], strict=True)
            ],
            "单位<br>Unit": trends["unit"].map(html.escape),
            "年份<br>Years": [
                f"{a}–{b}" if a != b else f"{a}"
                for a, b in zip(trends["first_year"], trends["last_year"], strict=True)
            ],
            "数据点<br>Figures": trends["n_points"].astype(str),
            "其中推算<br>of which derived": trends["n_derived"].astype(int).astype(str),
            "最新<br>Latest": [
                f"{fmt_number(v)} ({y})"
                for v, y in zip(trends["last_value"], trends["last_year"], strict=True)
            ],
            "年均增长（首末）<br>CAGR (first→last)": trends["cagr"].map(fmt_pct),
            "近五年年均增长<br>Recent CAGR (≤5 y)": trends["recent_cagr"].map(fmt_pct),
            "回归增长<br>Regression growth": trends["regression_growth"].map(fmt_pct),
            "最近同比<br>Last y/y": trends["last_yoy_growth"].map(fmt_pct),
        }
    )
    return HTML(_styled_html(frame, uuid))


def show_figures(figures: pd.DataFrame, *, uuid: str = "figures") -> HTML:
    """Return every figure with its year-on-year growth, source, and derivation if derived.

    Parameters
    ----------
    figures : pandas.DataFrame
        A :func:`figures_table`.
    uuid : str
        Fixed Styler uuid.

    Returns
    -------
    IPython.display.HTML
        The table; derived figures are marked 推算 derived with their formula, figures whose
        sources disagree are marked 冲突 conflict.
    """
    if figures.empty:
        return _empty("此地区没有数据。", "No figures for this region.")
    marks = []
    for derived, formula, conflict in zip(
        figures["derived"], figures["formula"], figures["conflict"], strict=True
    ):
        parts = []
        if bool(derived):
            parts.append(f"<b>推算 derived</b>: {html.escape(str(formula))}")
        if bool(conflict):
            parts.append("<b>冲突 conflict</b>（见下表 see below）")
        marks.append("<br>".join(parts))
    frame = pd.DataFrame(
        {
            "指标<br>Indicator": [
                _bi(z, e) for z, e in zip(figures["name_zh"], figures["name_en"], strict=True)
            ],
            "年份<br>Year": figures["year"].astype(int).astype(str),
            "数值<br>Value": [
                f"{fmt_number(v)} {html.escape(u)}".strip()
                for v, u in zip(figures["value"], figures["unit"], strict=True)
            ],
            "同比<br>y/y": figures["yoy_growth"].map(fmt_pct),
            "推算/冲突<br>Derived / conflict": marks,
            "来源<br>Source": [
                _bi(z, e) for z, e in zip(figures["title_zh"], figures["title_en"], strict=True)
            ],
            "可靠性<br>Grade": figures["reliability"].astype(str),
        }
    )
    return HTML(_styled_html(frame, uuid, small_columns=["来源<br>Source"]))


def show_conflicts(conflicts: pd.DataFrame, *, uuid: str = "conflicts") -> HTML:
    """Return the conflicting figures, the one analyses use marked 采用 used.

    Parameters
    ----------
    conflicts : pandas.DataFrame
        A :func:`conflict_table`.
    uuid : str
        Fixed Styler uuid.

    Returns
    -------
    IPython.display.HTML
        The table, or a sentence when there is no conflict.
    """
    if conflicts.empty:
        return _empty("各来源数据一致，没有冲突。", "No conflicting figures: the sources agree.")
    frame = pd.DataFrame(
        {
            "指标<br>Indicator": [
                _bi(z, e) for z, e in zip(conflicts["name_zh"], conflicts["name_en"], strict=True)
            ],
            "年份<br>Year": conflicts["year"].astype(int).astype(str),
            "数值<br>Value": [
                f"{fmt_number(v)} {html.escape(u)} [{fmt_number(lo)}, {fmt_number(hi)}]"
                for v, u, lo, hi in zip(
                    conflicts["value"],
                    conflicts["unit"],
                    conflicts["value_lo"],
                    conflicts["value_hi"],
                    strict=True,
                )
            ],
            "推算<br>Derived": ["推算 derived" if d else "" for d in conflicts["derived"]],
            "来源<br>Source": [
                _bi(z, e)
                for z, e in zip(conflicts["title_zh"], conflicts["title_en"], strict=True)
            ],
            "可靠性<br>Grade": conflicts["reliability"].astype(str),
            "采用<br>Used": ["✓ 采用 used" if s else "" for s in conflicts["selected"]],
            "差异<br>Spread": conflicts["relative_spread"].map(lambda v: fmt_pct(v, signed=False)),
        }
    )
    return HTML(_styled_html(frame, uuid, small_columns=["来源<br>Source"]))


def show_sources(sources: pd.DataFrame, *, uuid: str = "sources") -> HTML:
    """Return the list of sources (Chinese title, English title, issuer, date, grade, link).

    Parameters
    ----------
    sources : pandas.DataFrame
        A :func:`sources_table`.
    uuid : str
        Fixed Styler uuid.

    Returns
    -------
    IPython.display.HTML
        The table.
    """
    if sources.empty:
        return _empty("没有来源。", "No sources.")

    frame = pd.DataFrame(
        {
            "来源<br>Source": [
                _bi(z, e) for z, e in zip(sources["title_zh"], sources["title_en"], strict=True)
            ],
            "发布者<br>Issuer": sources["issuer"].fillna("").map(html.escape),
            "日期<br>Date": sources["date"].fillna("").astype(str),
            "可靠性<br>Grade": sources["reliability"].map(
                lambda g: html.escape(RELIABILITY_LABELS.get(g, str(g)))
            ),
            "编号<br>Id": sources["source_id"].map(html.escape),
            "链接<br>Link": sources["url"].map(source_link),
        }
    )
    return HTML(_styled_html(frame, uuid, small_columns=["链接<br>Link"]))


def source_link(url: Any) -> str:
    """Return a source address as HTML: a link for http(s) addresses, escaped text otherwise.

    Only ``http://`` and ``https://`` addresses become links, so that an address such as
    ``javascript:alert(1)`` or ``data:…`` in ``sources.csv`` is shown but can never run.

    Parameters
    ----------
    url : str
        The address (missing gives an empty string).

    Returns
    -------
    str
        ``<a href="…">…</a>`` or the escaped text.
    """
    if _missing(url) or not str(url).strip():
        return ""
    text = str(url).strip()
    safe = html.escape(text, quote=True)
    if urlsplit(text).scheme.lower() in ("http", "https"):
        return f'<a href="{safe}">{safe}</a>'
    return safe


def show_figures_needed(needed: pd.DataFrame, *, uuid: str = "figures_needed") -> HTML:
    """Return, per target without enough figures, which figures to collect and the path.

    Parameters
    ----------
    needed : pandas.DataFrame
        A :func:`figures_needed`.
    uuid : str
        Fixed Styler uuid.

    Returns
    -------
    IPython.display.HTML
        The table, or a sentence when every target has enough figures.
    """
    if needed.empty:
        return _empty("所有目标都有足够的数据。", "Every target has enough figures to assess.")
    frame = pd.DataFrame(
        {
            "指标<br>Indicator": [
                _bi(z, e) for z, e in zip(needed["name_zh"], needed["name_en"], strict=True)
            ],
            "年份<br>Year": needed["target_year"].astype(str),
            "目标<br>Target": needed["target"].map(html.escape),
            "现有数据<br>Figures held": needed["years_held"],
            "需要补充<br>To collect": needed["collect"].map(html.escape),
            "达标所需路径<br>Required path": needed["required"].map(html.escape),
        }
    )
    return HTML(_styled_html(frame, uuid, small_columns=["达标所需路径<br>Required path"]))


# --------------------------------------------------------------------------------------------
# Answer first: summaries, links, method
# --------------------------------------------------------------------------------------------


def region_report_href(region: str, report: str = "forecast") -> str:
    """Return the link from ``outputs/overview.html`` to a region's report (relative)."""
    return f"{quote(region)}/{quote(report)}.html"


def _link(href: str, text_html: str) -> str:
    return f'<a href="{html.escape(href, quote=True)}">{text_html}</a>'


def show_summary(assessment: pd.DataFrame, dataset: Any, region: str) -> HTML:
    """Return the two-sentence answer that opens a region report, with its links.

    Parameters
    ----------
    assessment : pandas.DataFrame
        The region's :func:`~ipanalysis.display_tables.assessment_table`.
    dataset : ipanalysis.dataset.Dataset
        For names.
    region : str
        Region id.

    Returns
    -------
    IPython.display.HTML
        The summary in Chinese, then English, then links to the overview, the region's
        trends report and its template of figures needed.
    """
    zh, en = region_summary(assessment, dataset, region)
    links = " · ".join(
        [
            _link("../overview.html", "总览 overview"),
            _link("trends.html", "数据与趋势 trends report"),
            _link(
                quote(template_name(region)), "需要补充的数据（CSV 模板） figures-needed template"
            ),
        ]
    )
    return HTML(
        f'<p style="font-size:1.15em"><b>{html.escape(zh)}</b><br>{html.escape(en)}</p>'
        f"<p>{links}</p>"
    )


def show_decided(assessment: pd.DataFrame, dataset: Any, *, uuid: str = "decided") -> HTML:
    """Return every decided verdict across regions (region linked to its report), best first.

    Parameters
    ----------
    assessment : pandas.DataFrame
        An :func:`~ipanalysis.display_tables.assessment_table` over several regions.
    dataset : ipanalysis.dataset.Dataset
        For names and units.
    uuid : str
        Fixed Styler uuid.

    Returns
    -------
    IPython.display.HTML
        Region, indicator, year, target, latest figure, p with its likelihood, status.
    """
    decided = assessment[assessment["status"].isin(DECIDED_STATUSES)].copy()
    if decided.empty:
        return _empty("还没有可以判断的目标。", "No target can be judged yet.")
    order = {s: i for i, s in enumerate(DECIDED_STATUSES)}
    decided["_order"] = decided["status"].map(order)
    decided = decided.sort_values(["_order", "region", "indicator", "target_year"], kind="stable")
    shown = verdict_table(decided.drop(columns="_order"), dataset)
    frame = pd.DataFrame(
        {
            "地区<br>Region": [
                _link(region_report_href(r), _bi(*region_names(dataset, r)))
                for r in shown["region"]
            ],
            "指标<br>Indicator": [
                _bi(z, e)
                for z, e in zip(shown["indicator_zh"], shown["indicator_en"], strict=True)
            ],
            "年份<br>Year": shown["target_year"].astype(str),
            "目标<br>Target": shown["target"].map(html.escape),
            "最新<br>Latest": shown["latest"],
            "达标概率<br>P(meet)": shown["p_meet"].map(html.escape),
            "状态<br>Status": [
                _bi(*STATUS_LABELS.get(s, (s, s)), muted=False) for s in shown["status"]
            ],
        }
    )
    return HTML(
        _styled_html(frame, uuid, status_column="状态<br>Status", statuses=list(shown["status"]))
    )


def show_needed_by_region(
    assessment: pd.DataFrame, dataset: Any, *, uuid: str = "needed_by_region"
) -> HTML:
    """Return, per region, the targets that need figures, with a link to its template.

    Parameters
    ----------
    assessment : pandas.DataFrame
        An :func:`~ipanalysis.display_tables.assessment_table` over several regions.
    dataset : ipanalysis.dataset.Dataset
        For names.
    uuid : str
        Fixed Styler uuid.

    Returns
    -------
    IPython.display.HTML
        One row per region: how many targets lack figures, which indicators, the template.
    """
    lacking = assessment[assessment["status"] == "insufficient_data"]
    if lacking.empty:
        return _empty("所有目标都有足够的数据。", "Every target has enough figures to assess.")
    names = indicator_names(dataset)["name_zh"]
    rows = []
    for region, group in lacking.groupby("region", sort=True):
        listed = "、".join(dict.fromkeys(str(names.get(i, i)) for i in group["indicator"]))
        template = f"{quote(region)}/{quote(template_name(region))}"
        rows.append(
            {
                "地区<br>Region": _link(
                    region_report_href(region), _bi(*region_names(dataset, region))
                ),
                "目标数<br>Targets": str(len(group)),
                "指标<br>Indicators": html.escape(listed),
                "模板<br>Template": _link(template, "CSV 模板 template"),
            }
        )
    return HTML(_styled_html(pd.DataFrame(rows), uuid, small_columns=["指标<br>Indicators"]))


def show_region_links(dataset: Any, regions: Sequence[str] | None = None) -> HTML:
    """Return links from the overview to every region's forecast and trends reports."""
    regions = list(regions) if regions is not None else reportable_regions(dataset)
    items = [
        f"<li>{_link(region_report_href(r), html.escape(' '.join(region_names(dataset, r))))}"
        f" — {_link(region_report_href(r, 'trends'), '数据与趋势 trends')}</li>"
        for r in regions
    ]
    return HTML(f"<ul>{''.join(items)}</ul>")


METHOD_ZH = (
    "<p><b>达标概率（p）是什么</b>：把近年的数据拟合成一条趋势（对数值对年份的回归等简单模型），"
    "假设未来的波动与过去相同，目标年份的数值落在目标一侧的概率。“很可能”“可能”“或许可能”"
    "“不大可能”等用语按 IPCC 的可能性尺度由 p 换算而来。</p>"
    "<p><b>它不包括什么</b>：趋势中断（政策变化、统计口径调整、经济冲击）、来源数据的错误，"
    "以及模型本身选错的风险。数据点越少，区间越宽；只有两个数据点时不计算概率，改用增长比"
    "（实际年均增长 ÷ 达标所需年均增长），结论较粗。</p>"
)
METHOD_EN = (
    "<p><b>What p means</b>: the recent figures are fitted with a simple trend (such as a "
    "regression of log value on year); assuming the future varies as the past did, p is the "
    "probability that the target-year figure lands on the target's side. The phrases (likely, "
    "about as likely as not, unlikely…) translate p on the IPCC likelihood scale.</p>"
    "<p><b>What it does not cover</b>: breaks in the trend (policy, statistical definitions, "
    "shocks), errors in the sources, and the risk that the model itself is wrong. Fewer figures "
    "give wider intervals; with two figures there is no probability, and the verdict rests on "
    "the growth ratio (observed ÷ required annual growth), a rough guide.</p>"
)


#: Where a region report links for the track record (the overview, which reruns whenever any
#: figure changes, as the backtest does; a region report reruns only with its own figures).
TRACK_RECORD_LINK = "../overview.html#track-record"


def show_method(
    *, outputs_dir: Any = None, uuid: str = "track_record", with_tables: bool = True
) -> HTML:
    """Return the method in plain Chinese with English alongside, and the track record.

    The track record is read from ``outputs/backtest.csv`` and ``outputs/backtest_targets.csv``
    when a run has written them; otherwise the section says so.

    Parameters
    ----------
    outputs_dir : path, optional
        Where the backtest tables are; default :func:`ipanalysis.paths.outputs_dir`.
    uuid : str
        Fixed Styler uuid prefix.
    with_tables : bool, default True
        Show the backtest tables; False (region reports) links to the overview's instead.

    Returns
    -------
    IPython.display.HTML
        Two columns of text (中文 | English), then the backtest tables, a placeholder, or a
        link to the overview's track record.
    """
    parts = [
        '<table style="border-collapse:collapse"><tr>'
        f'<td style="vertical-align:top;width:50%;padding-right:1em">{METHOD_ZH}</td>'
        f'<td style="vertical-align:top;width:50%">{METHOD_EN}</td></tr></table>',
        '<h4 id="track-record">过往表现 · Track record</h4>',
    ]
    if not with_tables:
        parts.append(
            f'<p>方法的回测结果（覆盖率、误差、历史目标的检验）见<a href="{TRACK_RECORD_LINK}">'
            "总览报告</a>。 How well the method did on past data (interval coverage, errors, past "
            f'targets): see <a href="{TRACK_RECORD_LINK}">the overview</a>.</p>'
        )
        return HTML("\n".join(parts))
    record = track_record(outputs_dir)
    if not record:
        parts.append(
            "<p><em>尚无回测结果（运行 <code>ipanalysis backtest</code> 后生成 "
            "<code>outputs/backtest.csv</code>）。</em> No backtest results yet: "
            "<code>ipanalysis backtest</code> writes <code>outputs/backtest.csv</code>.</p>"
        )
    captions = {
        "backtest.csv": "预测方法回测（按日历年份的步长） Forecast backtest by calendar horizon",
        "backtest_targets.csv": "历史目标：提前评估与实际结果 Past targets: verdict vs outcome",
    }
    for name, table in record.items():
        shown = table.map(lambda v: fmt_number(v) if isinstance(v, float) else html.escape(str(v)))
        parts.append(_styled_html(shown, f"{uuid}_{name.split('.')[0]}", caption=captions[name]))
    return HTML("\n".join(parts))
