"""HTML displays of every series: its forecast, the check of its latest figure, the country.

:func:`show_forecasts` shows a :func:`~ipanalysis.report.forecasts.forecast_table` (the
next years with their interval and evidence, and whether the latest figure fell inside the
interval forecast before it: a surprise when not); :func:`show_national_comparison` a
:func:`~ipanalysis.report.benchmark.national_comparison`.
"""

from __future__ import annotations

import html

import pandas as pd
from IPython.display import HTML

from ipanalysis.formats import fmt_number
from ipanalysis.report.forecasts import SURPRISES
from ipanalysis.report.html import empty_note, styled_html
from ipanalysis.report.labels import EVIDENCE_LABELS, bilingual_html, html_header
from ipanalysis.report.text import interval_text, latest_check_text, ratio_text

#: Forecast years shown per series in a report (the CSV has every year).
SHOWN_YEARS = 3
#: Background of a surprise (ColorBrewer Oranges, with black text: WCAG AA).
SURPRISE_COLOUR = "#fdd0a2"


def _forecast_cell(rows: pd.DataFrame) -> str:
    """Return the first forecast years of one series, one line each, with their evidence."""
    lines = []
    for rec in rows.head(SHOWN_YEARS).to_dict("records"):
        zh = EVIDENCE_LABELS.get(rec["evidence"], (rec["evidence"],))[0]
        value = interval_text(rec["forecast"], rec["forecast_lower"], rec["forecast_upper"])
        lines.append(
            f'<span style="white-space:nowrap">{int(rec["forecast_year"])}：{html.escape(value)}'
            f' <span style="font-size:0.8em;color:#444">{html.escape(zh)}</span></span>'
        )
    return "<br>".join(lines)


def show_forecasts(forecasts: pd.DataFrame, *, uuid: str = "forecasts") -> HTML:
    """Return every series' next forecasts and the check of its latest figure.

    One row per series: the latest figure, the first :data:`SHOWN_YEARS` forecast years with
    their interval and evidence, and where the latest figure fell against the interval forecast
    before it. Surprises first, highlighted; then the most recent series. A sentence counting
    the surprises heads the table.
    """
    if forecasts.empty:
        return empty_note(
            "此地区没有数据，无法预测。", "No figures for this region: nothing to forecast."
        )
    series = []
    for _, rows in forecasts.groupby(["region", "indicator"], sort=False):
        first = rows.iloc[0].to_dict()
        series.append({**first, "_rows": rows})
    series.sort(key=lambda s: (s["latest_check"] not in SURPRISES, -int(s["latest_year"]),
                               s["indicator"]))  # fmt: skip
    level = f"{float(forecasts['interval_level'].iloc[0]):.0%}"
    frame = pd.DataFrame(
        {
            html_header("indicator"): [bilingual_html(s["name_zh"], s["name_en"]) for s in series],
            html_header("latest_value"): [
                f"{html.escape(fmt_number(s['latest_value']))} {html.escape(str(s['unit']))} "
                f"({int(s['latest_year'])})"
                for s in series
            ],
            html_header("n_points"): [str(int(s["n_points"])) for s in series],
            f"预测 [{level} 区间]<br>Forecast [{level} interval]": [
                _forecast_cell(s["_rows"]) for s in series
            ],
            html_header("latest_check"): [bilingual_html(*latest_check_text(s)) for s in series],
        }
    )
    surprise = [s["latest_check"] in SURPRISES for s in series]
    styles = [f"background-color: {SURPRISE_COLOUR}" if flag else "" for flag in surprise]
    table = styled_html(frame, uuid, cell_styles={html_header("latest_check"): styles})
    checked = sum(s["latest_check"] in (*SURPRISES, "inside") for s in series)
    head = (
        f"<p>{len(series)} 个指标有预测。{checked} 个指标的最新数据可与此前的预测比较，其中 "
        f"{sum(surprise)} 个超出此前的{level}预测区间（意外，列在最前）。 {len(series)} series "
        f"forecast; {checked} latest figures can be held against the forecast made before "
        f"them, and {sum(surprise)} fell outside its {level} interval (surprises, listed "
        "first).</p>"
    )
    return HTML(head + table)


def show_national_comparison(comparison: pd.DataFrame, *, uuid: str = "national") -> HTML:
    """Return one row per indicator the region shares with the country: ratios over the years.

    Per-capita indicators first (a multiple of the national level), then totals (the region's
    share of the country); the latest common year in words, the earlier years as ratios.
    """
    if comparison.empty:
        return empty_note(
            "没有与全国可比的指标。",
            "No indicator has figures for both this region and the country.",
        )
    rows = []
    for _, group in comparison.groupby("indicator", sort=False):
        last = group.iloc[-1]
        per_capita = bool(last["per_capita"])
        zh, en = ratio_text(last["ratio_to_benchmark"], per_capita)
        over_years = "; ".join(
            f"{int(y)}: " + (f"{r:.2f}×" if per_capita else f"{r:.1%}")
            for y, r in zip(group["year"], group["ratio_to_benchmark"], strict=True)
        )
        rows.append(
            {
                html_header("indicator"): bilingual_html(last["name_zh"], last["name_en"]),
                html_header("per_capita"): "人均 per capita" if per_capita else "总量 total",
                html_header("year"): str(int(last["year"])),
                html_header("value"): html.escape(f"{fmt_number(last['value'])} {last['unit']}"),
                html_header("benchmark_value"): html.escape(
                    f"{fmt_number(last['benchmark_value'])} {last['unit']}"
                ),
                html_header("ratio_to_benchmark"): bilingual_html(zh, en),
                "历年 Over the years": html.escape(over_years),
            }
        )
    return HTML(styled_html(pd.DataFrame(rows), uuid, small_columns=["历年 Over the years"]))
