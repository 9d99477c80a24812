"""HTML displays across regions (the overview): counts, verdicts, leans, needs, the matrix.

The overview opens with the answer: the counts by region (regions without targets folded into
one line), then every decided verdict on an open target with its probability and evidence,
then the leans (倾向), marked and not counted. Each ``show_*`` returns an
:class:`IPython.display.HTML`; ``uuid`` is the table's fixed Styler id.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from urllib.parse import quote

import pandas as pd
from IPython.display import HTML

from ipanalysis.data.dataset import Dataset
from ipanalysis.data.regions import reportable_region_ids
from ipanalysis.formats import is_missing
from ipanalysis.report.categories import (
    COUNT_ORDER,
    count_categories,
    verdict_groups,
)
from ipanalysis.report.html import empty_note, link, region_report_href, scroll_box, styled_html
from ipanalysis.report.html_verdicts import compact_verdicts, region_cell, status_cell
from ipanalysis.report.labels import (
    COUNT_LABELS,
    KIND_LABELS,
    bilingual_html,
    html_header,
    status_css,
)
from ipanalysis.report.lookups import indicator_names, indicator_row, region_names
from ipanalysis.report.needs import template_name
from ipanalysis.report.tables import status_counts


def show_counts_by_region(
    assessment: pd.DataFrame,
    dataset: Dataset,
    *,
    regions: Sequence[str] | None = None,
    uuid: str = "counts_by_region",
) -> HTML:
    """Return regions × statuses (leans apart), with totals; regions without targets in a line.

    ``regions`` are the regions assessed (default: every reportable one). Each region links to
    its report; one without targets is not forgotten but named in a line under the table.
    """
    if regions is None:
        regions = reportable_region_ids(dataset.regions)
    counts = status_counts(assessment, by_region=True, regions=regions)
    empty = [r for r in counts.index if counts.at[r, "total"] == 0]
    counts = counts.drop(index=empty)
    region_col = html_header("region")
    frame = pd.DataFrame({region_col: [_region_line(dataset, r) for r in counts.index]})
    for category in COUNT_ORDER:
        frame[bilingual_html(*COUNT_LABELS[category])] = counts[category].astype(str).to_list()
    frame["合计<br>Total"] = counts["total"].astype(str).to_list()
    frame.loc[len(frame)] = ["合计 Total", *(str(int(counts[c].sum())) for c in COUNT_ORDER),
                             str(int(counts["total"].sum()))]  # fmt: skip
    parts = [styled_html(frame, uuid)] if len(counts) else []
    if empty:
        named = "、".join(_region_line(dataset, r) for r in empty)
        parts.append(
            f"<p>没有目标的地区（报告只有数据与预测） Regions without targets (their reports "
            f"show figures and forecasts only): {named}</p>"
        )
    return HTML("\n".join(parts))


def _region_line(dataset: Dataset, region: str) -> str:
    """Return a region's names on one line, linked to its report."""
    zh, en = region_names(dataset, region)
    text = f'{html.escape(zh)} <span style="color:#555;font-size:0.85em">{html.escape(en)}</span>'
    return link(region_report_href(region), text)


def show_decided(assessment: pd.DataFrame, dataset: Dataset, *, uuid: str = "decided") -> HTML:
    """Return every decided verdict on an open target across regions, best first.

    Region (linked to its report), indicator, year, target, latest figure, p with its likelihood,
    status and evidence; a sentence when none is decided (the leans follow).
    """
    decided = verdict_groups(assessment).decided
    if decided.empty:
        return empty_note(
            "还没有经回测检验的结论；倾向见下。",
            "No open target has a verdict on tested evidence yet: see the leans below.",
        )
    return HTML(compact_verdicts(decided, dataset, uuid))


def show_leans(assessment: pd.DataFrame, dataset: Dataset, *, uuid: str = "leans") -> HTML:
    """Return the leans (倾向) across regions: forecast verdicts on untested evidence, with why."""
    leans = verdict_groups(assessment).leans
    if leans.empty:
        return empty_note(
            "没有倾向性结论。", "No leans: every forecast verdict rests on tested evidence."
        )
    return HTML(compact_verdicts(leans, dataset, uuid))


def show_office(assessment: pd.DataFrame, dataset: Dataset, *, uuid: str = "office") -> HTML:
    """Return the targets on counts an office sets itself (operation centres, events …).

    No trend verdict: whether they are met depends on the office's own plans (ask it).
    """
    office = verdict_groups(assessment).office
    if office.empty:
        return empty_note(
            "没有取决于主管部门的目标。", "No target depends on an office's own decisions."
        )
    return HTML(compact_verdicts(office, dataset, uuid))


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
                html_header("region"): region_cell(dataset, region),
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


def show_status_matrix(
    assessment: pd.DataFrame, dataset: Dataset, *, uuid: str = "status_matrix"
) -> HTML:
    """Return the status of every target, regions as columns.

    One row per indicator × target year (× kind when a region has two kinds for one indicator and
    year); each cell the status, colour-coded, a lean marked 倾向 in a lighter shade, a
    provisional verdict 暂定; empty where a region has no such target.
    """
    if assessment.empty:
        return empty_note("没有目标。", "No targets.")
    table = assessment.assign(_category=count_categories(assessment).to_numpy())
    regions = sorted(table["region"].unique())
    keys = ["indicator", "target_year", "target_kind"]
    rows = table.sort_values([*keys, "region", "target_id"], kind="stable")
    cells: dict[tuple, dict[str, list[dict]]] = {}
    for rec in rows.to_dict("records"):
        key = tuple(rec[k] for k in keys)
        cells.setdefault(key, {}).setdefault(rec["region"], []).append(rec)
    body = []
    for (indicator, year, kind), by_region in cells.items():
        ind = indicator_row(dataset, indicator)
        kind_zh, kind_en = KIND_LABELS.get(kind, (kind, kind))
        tds = [
            f"<td>{bilingual_html(ind['name_zh'], ind['name_en'])}</td>",
            f"<td>{int(year)}</td>",
            f"<td>{bilingual_html(kind_zh, kind_en)}</td>",
        ]
        tds += [_matrix_cell(by_region.get(region, [])) for region in regions]
        body.append("<tr>" + "".join(tds) + "</tr>")
    head = "".join(
        f"<th>{h}</th>"
        for h in [html_header("indicator"), html_header("target_year"), html_header("target_kind")]
        + ["<br>".join(html.escape(n) for n in region_names(dataset, r)) for r in regions]
    )
    return HTML(
        scroll_box(
            f'<table id="T_{html.escape(uuid)}" style="border-collapse:collapse;font-size:0.9em">'
            f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
        )
    )


def _matrix_cell(records: list[dict]) -> str:
    """Return one matrix cell: every target's status, coloured by the worst (leans lighter)."""
    if not records:
        return "<td></td>"
    worst = min(records, key=lambda rec: COUNT_ORDER.index(rec["_category"]))
    label = "<br>".join(
        status_cell(
            rec["status"],
            provisional=not is_missing(rec.get("provisional")) and bool(rec["provisional"]),
            lean=rec["_category"] == "lean",
        )
        for rec in records
    )
    style = status_css(worst["status"], lean=worst["_category"] == "lean")
    return f'<td style="{style}">{label}</td>'


def show_national_targets(
    national: pd.DataFrame, dataset: Dataset, *, uuid: str = "national_targets"
) -> HTML:
    """Return the national benchmark's own targets (a :func:`~.benchmark.national_assessment`).

    Shown apart from the city's and districts' verdicts and not counted with them.
    """
    if national.empty:
        return empty_note("没有全国目标。", "No national targets.")
    return HTML(compact_verdicts(national, dataset, uuid, region_column=False))
