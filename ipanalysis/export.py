"""Export the resolved dataset and the assessment as one Excel workbook and tidy CSVs.

For researchers who work in Excel or WPS: ``ipanalysis export`` writes

* ``figures.csv`` — every figure, stated and derived, with its grade, whether analyses use it
  (``selected``) and whether sources disagree about it (``conflict``);
* ``assessment.csv`` — the verdict on every target;
* ``columns.csv`` — what every column of the two means (Chinese and English);
* ``ipanalysis-export.xlsx`` — the three as sheets.

The files go to ``outputs/export/`` (ignored by git) or the folder given, never over a
tracked file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from ipanalysis import paths
from ipanalysis.display_tables import assessment_table, with_indicator_names
from ipanalysis.output import write_csv

#: Workbook file name.
WORKBOOK_NAME = "ipanalysis-export.xlsx"
#: Default folder under the outputs folder (git-ignored).
EXPORT_SUBDIR = "export"
#: What every exported column means: ``column → (中文, English)``.
COLUMN_DESCRIPTIONS: dict[str, tuple[str, str]] = {
    "region": ("地区编号", "region id (regions.csv)"),
    "indicator": ("指标编号", "indicator id (indicators.csv)"),
    "name_zh": ("指标中文名称", "indicator name in Chinese"),
    "name_en": ("指标英文名称", "indicator name in English"),
    "unit": ("单位（数值均以此单位表示）", "unit every value is expressed in"),
    "year": ("数据年份", "year the figure is for"),
    "period": (
        "时期：空为全年，YYYY-MM 为截至某月",
        "period: empty = full year, YYYY-MM = to a month",
    ),
    "value": ("数值（单位见 unit）", "the figure, in the indicator's unit"),
    "value_lo": ("四舍五入区间下限", "lower end of the figure's rounding interval"),
    "value_hi": ("四舍五入区间上限", "upper end of the figure's rounding interval"),
    "qualifier": (
        "限定：about 约，over 超过（下限）",
        "qualifier: about, or over (a lower bound)",
    ),
    "derived": (
        "是否由相对表述推算（如同比增长）",
        "computed from a relative statement (e.g. y/y growth)",
    ),
    "formula": ("推算公式", "how a derived figure was computed"),
    "inputs": ("推算所用数据", "the figures a derived figure was computed from"),
    "source": ("来源编号（sources.csv）", "source id (sources.csv)"),
    "quote": ("来源原文", "the sentence in the source the figure comes from"),
    "note": ("说明", "note"),
    "reliability": (
        "来源可靠性：A 官方，B 媒体，C 转载",
        "source grade: A official, B media, C repost",
    ),
    "selected": (
        "分析是否采用此数值（每个指标每年一个）",
        "the value analyses use (one per indicator and year)",
    ),
    "conflict": (
        "各来源数值是否冲突（超出四舍五入）",
        "sources disagree beyond rounding for this year",
    ),
    "target_id": ("目标编号（targets.csv）", "target id (targets.csv)"),
    "target_year": ("目标年份", "year the target is due"),
    "target_kind": (
        "目标类型（水平、年均增长、每年、累计…）",
        "target kind (level, avg growth, every year, cumulative…)",
    ),
    "comparator": (
        "比较方式（>= 不低于，<= 不高于，~ 约）",
        "comparator (>= at least, <= at most, ~ about)",
    ),
    "target_value": (
        "目标值（单位见 unit；年均增长目标为换算后的目标年水平）",
        "target level in the unit (for growth targets, the implied target-year level)",
    ),
    "target_value_max": ("区间目标的上限", "upper end of a range target"),
    "base_year": ("增长目标的基年", "base year of a growth target"),
    "latest_year": ("最新数据年份", "year of the latest figure"),
    "latest_value": ("最新数据", "the latest figure"),
    "n_points": ("评估所用数据点数", "figures the assessment used"),
    "method": ("预测方法", "forecast method"),
    "method_reason": ("选择该方法的原因", "why that method was chosen"),
    "forecast": ("目标年份的预测值（中位数）", "forecast for the target year (median)"),
    "forecast_lower": ("预测区间下限", "lower end of the prediction interval"),
    "forecast_upper": ("预测区间上限", "upper end of the prediction interval"),
    "interval_level": (
        "预测区间的概率水平（如 0.8）",
        "coverage of the prediction interval (e.g. 0.8)",
    ),
    "df": ("残差自由度", "residual degrees of freedom of the fit"),
    "p_meet": (
        "达标概率（模型内：不含趋势中断、口径变化）",
        "probability of meeting the target (model only: no trend breaks or definition changes)",
    ),
    "likelihood": ("达标可能性（IPCC 用语，英文）", "likelihood phrase (IPCC scale)"),
    "likelihood_zh": ("达标可能性（中文）", "likelihood phrase in Chinese"),
    "observed_growth": ("实际年均增长", "observed average annual growth"),
    "required_growth": ("达标所需年均增长", "average annual growth the target requires"),
    "growth_ratio": ("增长比 = 实际 ÷ 所需", "growth ratio = observed ÷ required"),
    "growth_ratio_latest": (
        "增长比（自最新数据起算）",
        "growth ratio measured from the latest figure",
    ),
    "progress_category": ("联合国可持续发展目标进展分类", "UNSD SDG progress-chart category"),
    "status": (
        "结论",
        "verdict: achieved, on_track, at_risk, off_track, missed, insufficient_data",
    ),
    "confidence": ("可信度", "confidence in the verdict: high, medium, low, none"),
    "as_of": ("评估截止年份（空为全部数据）", "assessment cut-off year (empty: every figure)"),
    "citations": ("陈述同一目标的全部来源", "every source stating the same target"),
    "revised_from": ("被修订的原目标", "the target this one revises"),
    "provisional": ("是否为暂定结论", "the verdict is provisional"),
}


def figures_export(dataset: Any) -> pd.DataFrame:
    """Return every figure, stated and derived, with names, grade, selection and conflicts.

    Parameters
    ----------
    dataset : ipanalysis.dataset.Dataset
        The dataset.

    Returns
    -------
    pandas.DataFrame
        ``dataset.observations`` with ``name_zh, name_en, unit`` after ``indicator`` and a
        ``conflict`` column; sorted by region, indicator, year, period, source.
    """
    obs = with_indicator_names(dataset.observations, dataset)
    keys = ["region", "indicator", "year", "period"]
    clashing = set(map(tuple, dataset.conflicts[keys].to_numpy()))
    obs["conflict"] = [tuple(k) in clashing for k in obs[keys].to_numpy()]
    first = ["region", "indicator", "name_zh", "name_en", "unit"]
    cols = first + [c for c in obs.columns if c not in first]
    return obs[cols].sort_values([*keys, "source"], kind="stable").reset_index(drop=True)


def columns_export(*tables: tuple[str, pd.DataFrame]) -> pd.DataFrame:
    """Return one row per column of each exported table, with what it means.

    Parameters
    ----------
    *tables : (str, pandas.DataFrame)
        Sheet name and table.

    Returns
    -------
    pandas.DataFrame
        ``sheet, column, description_zh, description_en``; a column without a description
        says so (the test suite requires none of the shipped ones to).
    """
    rows = []
    for sheet, table in tables:
        for col in table.columns:
            zh, en = COLUMN_DESCRIPTIONS.get(col, ("（无说明）", "(no description)"))
            rows.append(
                {"sheet": sheet, "column": col, "description_zh": zh, "description_en": en}
            )
    return pd.DataFrame(rows, columns=["sheet", "column", "description_zh", "description_en"])


def export_all(dataset: Any, out_dir: Path | None = None) -> list[Path]:
    """Write the figures, the assessment and the column notes as CSVs and one workbook.

    Parameters
    ----------
    dataset : ipanalysis.dataset.Dataset
        The validated dataset.
    out_dir : pathlib.Path, optional
        Destination folder; default ``outputs/export/`` (git-ignored).

    Returns
    -------
    list of pathlib.Path
        The files written: three CSVs and the ``.xlsx``.
    """
    out = Path(out_dir) if out_dir is not None else paths.outputs_dir() / EXPORT_SUBDIR
    figures = figures_export(dataset)
    assessment = assessment_table(dataset, target_years=None)
    sheets = {"figures": figures, "assessment": assessment}
    sheets["columns"] = columns_export(*sheets.items())
    written = [write_csv(table, out / f"{name}.csv") for name, table in sheets.items()]
    workbook = out / WORKBOOK_NAME
    tmp = out / f".{WORKBOOK_NAME}.tmp"
    try:  # readers see the old workbook or the complete new one
        with pd.ExcelWriter(tmp, engine="openpyxl") as writer:
            for name, table in sheets.items():
                table.to_excel(writer, sheet_name=name, index=False, freeze_panes=(1, 0))
        tmp.replace(workbook)
    finally:
        tmp.unlink(missing_ok=True)
    return [*written, workbook]
