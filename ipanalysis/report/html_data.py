"""HTML displays of the data: trends, every figure, conflicts between sources, the sources.

Each ``show_*`` takes a tidy table and ``uuid``, the table's fixed Styler id (one per table in
a notebook: the same bytes on every run), and returns an :class:`IPython.display.HTML`.
"""

from __future__ import annotations

import html

import pandas as pd
from IPython.display import HTML

from ipanalysis.formats import fmt_number, fmt_pct
from ipanalysis.report.html import empty_note, source_link, styled_html
from ipanalysis.report.labels import (
    RELIABILITY_LABELS,
    bilingual_column,
    html_header,
)


def show_trends(trends: pd.DataFrame, *, uuid: str = "trends") -> HTML:
    """Return the per-indicator trend summary (a :func:`~ipanalysis.report.tables.trend_table`).

    Span, latest figure and growth rates per indicator; a sentence when the region has no figure.
    """
    if trends.empty:
        return empty_note("此地区没有数据。", "No figures for this region.")
    frame = pd.DataFrame(
        {
            html_header("indicator"): bilingual_column(trends, "name_zh", "name_en"),
            html_header("unit"): trends["unit"].map(html.escape),
            "年份<br>Years": [
                f"{a}–{b}" if a != b else f"{a}"
                for a, b in zip(trends["first_year"], trends["last_year"], strict=True)
            ],
            html_header("n_points"): trends["n_points"].astype(str),
            html_header("n_derived"): trends["n_derived"].astype(int).astype(str),
            html_header("latest_value"): [
                f"{fmt_number(v)} ({y})"
                for v, y in zip(trends["last_value"], trends["last_year"], strict=True)
            ],
            html_header("cagr"): trends["cagr"].map(fmt_pct),
            html_header("recent_cagr"): trends["recent_cagr"].map(fmt_pct),
            html_header("regression_growth"): trends["regression_growth"].map(fmt_pct),
            html_header("last_yoy_growth"): trends["last_yoy_growth"].map(fmt_pct),
        }
    )
    return HTML(styled_html(frame, uuid))


def show_figures(figures: pd.DataFrame, *, uuid: str = "figures") -> HTML:
    """Return every figure (a :func:`~ipanalysis.report.tables.figures_table`).

    With its year-on-year growth and source; derived figures are marked 推算 derived with their
    formula, figures whose sources disagree 冲突 conflict.
    """
    if figures.empty:
        return empty_note("此地区没有数据。", "No figures for this region.")
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
            html_header("indicator"): bilingual_column(figures, "name_zh", "name_en"),
            html_header("year"): figures["year"].astype(int).astype(str),
            html_header("value"): [
                f"{fmt_number(v)} {html.escape(u)}".strip()
                for v, u in zip(figures["value"], figures["unit"], strict=True)
            ],
            html_header("yoy_growth"): figures["yoy_growth"].map(fmt_pct),
            "推算/冲突<br>Derived / conflict": marks,
            html_header("source"): bilingual_column(figures, "title_zh", "title_en"),
            html_header("reliability"): figures["reliability"].astype(str),
        }
    )
    return HTML(styled_html(frame, uuid, small_columns=[html_header("source")]))


def show_conflicts(conflicts: pd.DataFrame, *, uuid: str = "conflicts") -> HTML:
    """Return the conflicting figures (a :func:`~ipanalysis.report.tables.conflict_table`).

    The figure analyses use is marked 采用 used; a sentence when the sources agree.
    """
    if conflicts.empty:
        return empty_note(
            "各来源数据一致，没有冲突。", "No conflicting figures: the sources agree."
        )
    frame = pd.DataFrame(
        {
            html_header("indicator"): bilingual_column(conflicts, "name_zh", "name_en"),
            html_header("year"): conflicts["year"].astype(int).astype(str),
            html_header("value"): [
                f"{fmt_number(v)} {html.escape(u)} [{fmt_number(lo)}, {fmt_number(hi)}]"
                for v, u, lo, hi in zip(
                    conflicts["value"],
                    conflicts["unit"],
                    conflicts["value_lo"],
                    conflicts["value_hi"],
                    strict=True,
                )
            ],
            html_header("derived"): ["推算 derived" if d else "" for d in conflicts["derived"]],
            html_header("source"): bilingual_column(conflicts, "title_zh", "title_en"),
            html_header("reliability"): conflicts["reliability"].astype(str),
            html_header("selected"): ["✓ 采用 used" if s else "" for s in conflicts["selected"]],
            html_header("relative_spread"): conflicts["relative_spread"].map(
                lambda v: fmt_pct(v, signed=False)
            ),
        }
    )
    return HTML(styled_html(frame, uuid, small_columns=[html_header("source")]))


def show_sources(sources: pd.DataFrame, *, uuid: str = "sources") -> HTML:
    """Return the sources (a :func:`~ipanalysis.report.tables.sources_table`).

    Chinese and English titles, issuer, date, grade and address (a link only for http(s)).
    """
    if sources.empty:
        return empty_note("没有来源。", "No sources.")

    frame = pd.DataFrame(
        {
            html_header("source"): bilingual_column(sources, "title_zh", "title_en"),
            html_header("issuer"): sources["issuer"].fillna("").map(html.escape),
            html_header("date"): sources["date"].fillna("").astype(str),
            html_header("reliability"): sources["reliability"].map(
                lambda g: html.escape(RELIABILITY_LABELS.get(g, str(g)))
            ),
            html_header("source_id"): sources["source_id"].map(html.escape),
            html_header("url"): sources["url"].map(source_link),
        }
    )
    return HTML(styled_html(frame, uuid, small_columns=[html_header("url")]))
