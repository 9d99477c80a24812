"""The method in plain words, Chinese and English: the one text everyone shows.

The README, the reports and the notebooks show exactly this (a test checks it); it is built
from the constants the code uses, so that the words cannot drift from the model.
"""

from __future__ import annotations

from ipanalysis.assess.evidence import COVERAGE_BAND, MIN_SCORED_FORECASTS
from ipanalysis.assess.rules import (
    FEW_FIGURES,
    P_LIMITS_FEW_FIGURES,
    RATIO_AT_RISK,
    RATIO_DETERIORATION,
    RATIO_ON_TRACK,
)
from ipanalysis.data.populations import MAX_POPULATION_GAP
from ipanalysis.model.backtest import MAX_YEARS_AHEAD
from ipanalysis.model.damped import DAMPING
from ipanalysis.model.growth import GROWTH_WINDOW_YEARS

_LOW, _HIGH = COVERAGE_BAND
_P_LOW, _P_HIGH = P_LIMITS_FEW_FIGURES

#: The method, one (title, 中文, English) paragraph each, in reading order.
METHOD: tuple[tuple[str, str, str], ...] = (
    (
        "预测 Forecast",
        f"预测从最新一个数字出发，按该指标近{GROWTH_WINDOW_YEARS}年的年均增长率外推；增长率先向同类指标"
        "（存量类：存量、每万人口、数量；流量类：流量、比例）的平均增长率收缩，且每往后一年只保留上一年"
        f"增长的{DAMPING:.0%}（阻尼）。只有一个数字时，增长率取同类指标的平均值。区间宽度取自同类指标"
        "历年增长围绕各自平均增长的波动（合并估计），距最新数字越久、预测越远，区间越宽。由主管部门"
        "自行认定或组织的数量（运营中心、活动场次、项目、称号）不作趋势预测，也不计入同类指标。",
        f"The forecast starts from the latest figure and grows it at the indicator's growth over "
        f"the last {GROWTH_WINDOW_YEARS} years, pulled toward the average growth of indicators of "
        "the same kind (stock-like: stocks, per-capita ratios, counts; flow-like: flows, shares) "
        f"and damped (each further year keeps {DAMPING:.0%} of the previous year's growth). With "
        "one figure, the growth is the kind's average. The interval comes from how much yearly "
        "growth has scattered around each series' own average across indicators of that kind "
        "(pooled), and widens with every year since the latest figure. Counts an office sets by "
        "its own designations or events (operation centres, events held, projects, titles) get "
        "no trend forecast and are left out of the pools.",
    ),
    (
        "达标概率 p_meet",
        "p 是“若该指标今后表现与同类指标过去一样”达到目标的概率；状态按 IPCC 可能性尺度由 p 换算："
        "p ≥ 2/3 进展顺利，1/3 < p < 2/3 存在风险，p ≤ 1/3 偏离目标。"
        f"只有{FEW_FIGURES}个或更少数据时，p 限定在{_P_LOW:.0%}–{_P_HIGH:.0%}之间。"
        "它不包括政策变化、统计口径调整或数据修订等断点的风险。",
        "p is the probability of meeting the target if the indicator behaves as its kind did "
        "before; the status follows it on the IPCC likelihood scale: p ≥ 2/3 on track, "
        "1/3 < p < 2/3 at risk, p ≤ 1/3 off track. From "
        f"{FEW_FIGURES} figures or fewer, p is kept within {_P_LOW:.0%}–{_P_HIGH:.0%}. It does "
        "not cover breaks: policy changes, new statistical definitions, revised figures.",
    ),
    (
        "依据 Evidence",
        "每个预测结论都对应一种情形：同类指标、已有数据个数（1、2、3个以上）、目标年份距最新数据的年数"
        f"（1、2–3、4–6年）。只用当时已公布数据的回测给每种情形打分；回测中至少{MIN_SCORED_FORECASTS}"
        f"次预测、80%区间覆盖率在{_LOW:.0%}–{_HIGH:.0%}之间的情形为“经检验”，结论才算定论；其他情形"
        f"（包括超过{MAX_YEARS_AHEAD}年）只给出“倾向”，注明原因，不计入结论。两个来源地位相同而数值"
        "不同时，按每个数值分别判断，一致才算定论；去掉同类指标中任一数据系列结论即改变的，标为“结论不稳”"
        f"并只作倾向；同一地区的总量与每万人口数据隐含的人口相差超过{MAX_POPULATION_GAP:.0%}时，基数"
        "不可比，也只作倾向。",
        "Every forecast verdict rests on a situation: the kind of indicator, how many figures it "
        "has (1, 2, 3 or more) and how many years the target year lies beyond the latest figure "
        "(1, 2–3, 4–6). A backtest that uses only what was published at each past date scores "
        f"every situation. Where it scored at least {MIN_SCORED_FORECASTS} forecasts and their "
        f"80% intervals held {_LOW:.0%}–{_HIGH:.0%} of the outcomes, the verdict is tested and "
        f"counts; anywhere else (beyond {MAX_YEARS_AHEAD} years included) it is shown as an "
        "indicative lean, with the reason, and not counted. Two sources of equal standing that "
        "disagree give a verdict under each figure, decided only if they agree; a tested verdict "
        "that flips when any one other series leaves its pool is marked fragile and shown as a "
        "lean; a baseline whose absolute and per-capita figures imply a population more than "
        f"{MAX_POPULATION_GAP:.0%} away from the targets' is not comparable, and its verdict is "
        "a lean.",
    ),
    (
        "已定的结论 Settled",
        "目标年份的数字决定已实现或未实现；持续增长的存量类指标（存量、每万人口、数量）达到目标即算已实现；"
        "主管部门明确说明已完成（全部完成、全覆盖……）的目标也算已实现，并引用原文。目标年份已过但没有该年"
        "数字时，不用之后的数字推断，标为数据不足。",
        "The target year's figure decides achieved or missed; a rising stock-like indicator "
        "(stock, per-capita ratio, count) is achieved once a figure meets it; a target the office "
        "states completed in words (全部完成, 全覆盖…) is achieved, with the quote. A target "
        "whose year has passed without its figure is not inferred from later figures: it needs "
        "that figure.",
    ),
    (
        "增长比 Growth ratio",
        "增长比按联合国统计司（UNSD）进展图和 Open SDG 的定义："
        "从基年数字（或基年之后的第一个数字）到最新数字的实际年均增长，除以从同一基数达到目标所需的年均增长；偏离目标方向的增长为负。基年为"
        "规划所给的年份，否则为规划发布前一年（五年规划最多往前五年）。分级："
        f"≥ {RATIO_ON_TRACK} 进展顺利，{RATIO_AT_RISK}–{RATIO_ON_TRACK} 进展尚可需加快，"
        f"{RATIO_DETERIORATION}–{RATIO_AT_RISK} 进展有限，< {RATIO_DETERIORATION} 倒退。",
        "The growth ratio follows the UNSD Progress Chart and Open SDG: the observed average "
        "growth from the base year's figure (or the first figure after it) to the latest figure, "
        "over the growth needed from the same base to reach the target; growth away from the "
        "target counts negative. The base year is the plan's, else the year before the plan was "
        "published (at most five years before the target year). Categories (UNSD): "
        f"≥ {RATIO_ON_TRACK} on track, {RATIO_AT_RISK}–{RATIO_ON_TRACK} fair progress, "
        f"{RATIO_DETERIORATION}–{RATIO_AT_RISK} limited progress, < {RATIO_DETERIORATION} "
        "deterioration.",
    ),
)


def method_markdown() -> str:
    """Return the method as the README shows it (a test checks that it does).

    Print it with ``python -c "from ipanalysis.assess.method import method_markdown as m;
    print(m())"`` after a change, and paste it over the README's section.
    """
    return "\n\n".join(f"**{title}** {zh}\n*{en}*" for title, zh, en in METHOD)
