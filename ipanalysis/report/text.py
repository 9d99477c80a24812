"""Verdicts in words: the target, a plain note and a region's summary (reports and terminal).

One path from an assessment row to text: the HTML reports, the Word brief and the terminal
all describe a target with :func:`target_text` and a verdict with :func:`plain_note`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

import pandas as pd

from ipanalysis.assess.evidence import is_decided, is_lean
from ipanalysis.data.dataset import Dataset
from ipanalysis.formats import fmt_number, fmt_year, is_missing
from ipanalysis.report.labels import KIND_LABELS, STATUS_LABELS, likelihood_text
from ipanalysis.report.lookups import indicator_names, region_names
from ipanalysis.vocab import AT_RISK_STATUSES, DECIDED_STATUSES, STATUSES


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
    counts = verdict_counts(rows)
    zh_parts = [f"{n}项{label_zh}" for label_zh, _, n in counts]
    en_parts = [f"{n} {label_en}" for _, label_en, n in counts]
    zh = f"{zh_name}：{len(rows)}项目标" + ("，" + "，".join(zh_parts) if zh_parts else "") + "。"
    en = f"{en_name}: {len(rows)} targets" + (", " + ", ".join(en_parts) if en_parts else "") + "."
    risky = rows[rows["status"].isin(AT_RISK_STATUSES) & is_decided(rows)]
    lacking = int((rows["status"] == "insufficient_data").sum())
    if len(risky):
        names = indicator_names(dataset)["name_zh"]
        listed = "、".join(str(names.get(i, i)) for i in risky["indicator"])
        zh += f"需要关注：{listed}。"
        en += f" Needing attention: {len(risky)} target(s) at risk, off track or missed."
    elif lacking:
        zh += "没有目标存在风险；缺少数据的目标见“需要补充的数据”。"
        en += " No target is at risk; for the targets lacking figures see 'Figures needed'."
    else:
        zh += "没有目标存在风险。"
        en += " No target is at risk."
    return zh, en


def verdict_counts(assessment: pd.DataFrame) -> list[tuple[str, str, int]]:
    """Count an assessment's targets by verdict, leans apart: ``(中文, English, count)`` rows.

    Decided verdicts by status (best first), then the indicative leans (倾向) as one count,
    then the targets that depend on an office and those lacking figures.
    """
    decided, leans = is_decided(assessment), is_lean(assessment)
    counts = assessment.loc[decided, "status"].value_counts()
    rows = [(*STATUS_LABELS[s], int(counts[s])) for s in DECIDED_STATUSES if s in counts]
    if leans.any():
        rows.append(("倾向（未经检验）", "indicative leans", int(leans.sum())))
    others = assessment.loc[~decided & ~leans, "status"].value_counts()
    rows += [(*STATUS_LABELS[s], int(others[s])) for s in STATUSES if s in others]
    return rows


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
