"""Verdicts in words: the target, a plain note and a region's summary (reports and terminal).

One path from an assessment row to text: the HTML reports, the Word brief and the terminal
all describe a target with :func:`target_text` and a verdict with :func:`plain_note`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

import pandas as pd

from ipanalysis.data.dataset import Dataset
from ipanalysis.formats import fmt_number, fmt_year, is_missing
from ipanalysis.report.categories import SUMMARY_ORDER, count_categories
from ipanalysis.report.labels import COUNT_LABELS, KIND_LABELS, likelihood_text
from ipanalysis.report.lookups import indicator_names, region_names
from ipanalysis.vocab import AT_RISK_STATUSES


def target_text(
    row: Mapping[str, Any],
    unit: str = "",
    *,
    number: Callable[[Any], str] = fmt_number,
    rate_pct: float = math.nan,
) -> str:
    """Describe a target in a few characters: ``≥ 24 件/万人``, ``年均增长 ≥ 15%``.

    Parameters
    ----------
    row : mapping
        An assessment row.
    unit : str
        The indicator's unit.
    number : callable
        How figures are written: :func:`~ipanalysis.formats.fmt_number` (reports) or
        :func:`~ipanalysis.formats.fmt_compact` (the terminal: ``7.29万``).
    rate_pct : float
        For an average-growth target, the stated rate in percent: shown before the level it
        implies (the terminal); NaN shows the level alone (the reports).

    Returns
    -------
    str
        The comparator and level (or growth rate), with the kind when it is not a level.
    """
    comparator = {">=": "≥", "<=": "≤", "~": "≈"}.get(str(row.get("comparator")), "")
    comparator = comparator or str(row.get("comparator") or "")
    kind = str(row.get("target_kind"))
    value = row.get("target_value")
    unit_text = f" {unit}" if unit else ""
    kind_zh = KIND_LABELS.get(kind, (kind, kind))[0]
    if kind == "keep_improving":
        return kind_zh
    if kind == "avg_growth":
        if not math.isnan(rate_pct):  # the stated rate, then the level it implies
            level = "" if is_missing(value) else f" → {number(value)}{unit_text}"
            return f"{kind_zh} {comparator} {rate_pct:g}%{level}"
        if is_missing(value):
            return f"{kind_zh}（无基年数据）"
        return f"{kind_zh}，{comparator} {number(value)}{unit_text}"
    if kind == "range":
        top = row.get("target_value_max")
        return f"{number(value)}–{number(top)}{unit_text}"
    prefix = "" if kind == "level" else f"{kind_zh} "
    return f"{prefix}{comparator} {number(value)}{unit_text}".strip()


def region_summary(assessment: pd.DataFrame, dataset: Dataset, region: str) -> tuple[str, str]:
    """Say in two sentences what a region's report concludes (Chinese, English).

    Parameters
    ----------
    assessment : pandas.DataFrame
        An assessment table (rows of other regions are ignored).
    dataset : Dataset
        For the region's names.
    region : str
        Region id.

    Returns
    -------
    tuple of str
        ``("滨海新区：27项目标，3项已实现，3项进展顺利，21项数据不足。…", "Binhai New Area: …")``.
    """
    rows = assessment[assessment["region"] == region]
    zh_name, en_name = region_names(dataset, region)
    categories = count_categories(rows) if len(rows) else rows["status"]
    counts = categories.value_counts()
    order = SUMMARY_ORDER
    # a lean is shown, never counted among the verdicts
    labels = {**COUNT_LABELS, "lean": ("倾向（不计入结论）", "indicative lean(s), not counted")}
    zh_parts = [f"{counts[s]}项{labels[s][0]}" for s in order if s in counts]
    en_parts = [f"{counts[s]} {labels[s][1]}" for s in order if s in counts]
    zh = f"{zh_name}：{len(rows)}项目标" + ("，" + "，".join(zh_parts) if zh_parts else "") + "。"
    targets = f"{len(rows)} target" + ("" if len(rows) == 1 else "s")
    en = f"{en_name}: {targets}" + (", " + ", ".join(en_parts) if en_parts else "") + "."
    risky = rows[categories.isin(AT_RISK_STATUSES)]
    lacking = int(counts.get("insufficient_data", 0))
    if len(risky):
        names = indicator_names(dataset)["name_zh"]
        listed = "、".join(str(names.get(i, i)) for i in risky["indicator"])
        zh += f"需要关注：{listed}。"
        en += f" Needing attention: {len(risky)} target(s) at risk, off track or missed."
    elif lacking:
        zh += "没有已定结论显示风险；缺少数据的目标见“需要补充的数据”。"
        en += " No decided verdict shows a risk; for targets lacking figures see 'Figures needed'."
    else:
        zh += "没有已定结论显示风险。"
        en += " No decided verdict shows a risk."
    return zh, en


def plain_note(rec: Mapping[str, Any], unit: str = "") -> tuple[str, str]:
    """Explain a verdict without jargon, in Chinese and English.

    Parameters
    ----------
    rec : mapping
        An assessment row.
    unit : str
        The indicator's unit.

    Returns
    -------
    tuple of str
        E.g. ``("最新数据 61.6 件/万人（2024年）已达到目标。", "The latest figure … meets the
        target.")``.
    """
    status = rec["status"]
    unit_text = f" {unit}" if unit else ""
    latest = ""
    if not is_missing(rec.get("latest_value")):
        latest = f"{fmt_number(rec['latest_value'])}{unit_text}"
    year = fmt_year(rec.get("latest_year"))
    target_year = fmt_year(rec.get("target_year"))
    p = rec.get("p_meet")
    forecast = rec.get("forecast")
    if status == "achieved":
        return (
            f"最新数据 {latest}（{year}年）已达到目标。",
            f"The latest figure, {latest} ({year}), already meets the target.",
        )
    if status == "missed":
        return (
            f"目标年份已过，数据 {latest}（{year}年）未达到目标。",
            f"The target year has passed and the figure, {latest} ({year}), falls short.",
        )
    if status == "insufficient_data":
        n = int(rec.get("n_points") or 0)
        held = f"只有{n}个年份的数据" if n else "没有数据"
        held_en = f"only {n} year(s) of figures" if n else "no figures"
        return (
            f"{held}，无法判断；补充的数据见下表。",
            f"{held_en[0].upper()}{held_en[1:]}: cannot judge yet; see the figures needed below.",
        )
    if not is_missing(p) and not is_missing(forecast):
        chance = likelihood_text(p, rec.get("likelihood_zh"))
        return (
            f"按目前趋势，{target_year}年预计约 {fmt_number(forecast)}{unit_text}；"
            f"达标概率 {chance}。",
            f"On the current trend, about {fmt_number(forecast)}{unit_text} in {target_year}; "
            f"chance of meeting the target {float(p):.0%}.",
        )
    ratio = rec.get("growth_ratio")
    if not is_missing(ratio):
        return (
            f"近年增长速度是达标所需速度的 {float(ratio):.1f} 倍（数据点少，结论较粗）。",
            f"Recent growth is {float(ratio):.1f} times the growth the target needs "
            "(few figures: a rough verdict).",
        )
    return ("", "")


def ratio_text(ratio: float, per_capita: bool) -> tuple[str, str]:
    """Say a region's figure against the national one, as white papers do (Chinese, English).

    Parameters
    ----------
    ratio : float
        The region's figure ÷ the national figure.
    per_capita : bool
        A per-capita indicator (a multiple of the national level) rather than a total (the
        region's share of the country).

    Returns
    -------
    tuple of str
        ``("1.56倍，高出全国56%", "1.56× the national level, 56% above")`` or
        ``("占全国1.9%", "1.9% of the national total")``.
    """
    if is_missing(ratio):
        return "–", "–"
    ratio = float(ratio)
    if not per_capita:
        return f"占全国{ratio:.1%}", f"{ratio:.1%} of the national total"
    gap = ratio - 1
    side_zh, side_en = ("高出", "above") if gap >= 0 else ("低于", "below")
    return (
        f"{ratio:.2f}倍，{side_zh}全国{abs(gap):.0%}",
        f"{ratio:.2f}× the national level, {abs(gap):.0%} {side_en}",
    )


def interval_text(value: Any, lower: Any, upper: Any) -> str:
    """Return a forecast with its interval: ``4,273 [3,211, 5,687]`` (no interval: the value)."""
    text = fmt_number(value)
    if not (is_missing(lower) or is_missing(upper)):
        text += f" [{fmt_number(lower)}, {fmt_number(upper)}]"
    return text


def latest_check_text(rec: Mapping[str, Any]) -> tuple[str, str]:
    """Say where a series' latest figure fell against the forecast made before it.

    Parameters
    ----------
    rec : mapping
        A :func:`~ipanalysis.report.forecasts.forecast_table` row (``latest_check``,
        ``latest_year``, ``interval_level``, ``previous_forecast/lower/upper``).

    Returns
    -------
    tuple of str
        Chinese and English, e.g. ``"surprise: outside the 80% interval (below); forecast
        before it 4,100 [3,304, 5,799]"``.
    """
    check = rec["latest_check"]
    level = f"{float(rec['interval_level']):.0%}"
    earlier = interval_text(rec["previous_forecast"], rec["previous_lower"], rec["previous_upper"])
    if check in ("below", "above"):
        side_zh, side_en = ("偏低", "below") if check == "below" else ("偏高", "above")
        return (
            f"意外：{int(rec['latest_year'])}年数据超出{level}区间（{side_zh}）；"
            f"此前预测 {earlier}",
            f"surprise: outside the {level} interval ({side_en}); forecast before it {earlier}",
        )
    if check == "inside":
        return (
            f"在{level}区间内；此前预测 {earlier}",
            f"inside the {level} interval; forecast before it {earlier}",
        )
    if check == "no_interval":
        return "此前预测无区间", "the forecast before it had no interval"
    return "此前无预测（之前没有数据）", "no earlier forecast (no earlier figure)"
