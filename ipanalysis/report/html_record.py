"""The track record as people read it: bilingual headers and names, percentages, yes / no.

``outputs/backtest.csv``, ``backtest_targets.csv`` and ``backtest_reliability.csv`` hold codes
and fractions
(``deployed``, ``mase``, 0.8571, True); :func:`track_record_html` shows them with the labels of
the column specification (``columns.csv``), the methods and pools by name, shares as
percentages, verdicts by their status labels (:func:`track_record_frames`, rendered by
:func:`ipanalysis.report.html.show_method`). Columns and values it does not know are shown as
they are, so a new column of the backtest never breaks the report.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import pandas as pd

from ipanalysis.assess.evidence import situation_tier
from ipanalysis.columns import SPEC
from ipanalysis.formats import fmt_number, is_missing
from ipanalysis.report.labels import (
    COUNT_LABELS,
    EVIDENCE_LABELS,
    bilingual_html,
    html_header,
    likelihood_text,
)
from ipanalysis.report.tables import track_record

#: The backtest's methods and pools by name (中文, English).
METHOD_NAMES: dict[str, tuple[str, str]] = {
    "deployed": ("采用的方法（合并阻尼漂移）", "deployed (pooled damped drift)"),
    "no_change": ("不变", "no change"),
    "drift": ("随机游走加漂移", "random walk with drift"),
    "log_linear": ("对数线性回归", "log-linear OLS"),
    "previous": ("旧方法（10年窗口，自动选择）", "the previous procedure"),
    "undamped_drift": ("合并漂移，不阻尼", "pooled drift, not damped"),
    "unshrunk_drift": ("阻尼漂移，不收缩", "damped drift, not shrunk"),
    "stock_like": ("存量类", "stock-like series"),
    "flow_like": ("流量类", "flow-like series"),
}
#: Columns whose values are statuses.
STATUS_COLUMNS = ("predicted_status", "outcome")
#: Columns left out: said by another column (``likelihood`` beside ``p_meet``).
HIDDEN_COLUMNS = ("likelihood",)
CAPTIONS = {
    "backtest.csv": "各情形下的回测（本方法；证据：该情形下的结论是否经检验） Backtest of the "
    "deployed method by situation (evidence: whether verdicts there are tested)",
    "backtest_targets.csv": "历史目标：提前评估与实际结果 Past targets: verdict vs outcome",
    "backtest_reliability.csv": "历史结论的 Brier 分数与可靠性 Past verdicts: Brier score and "
    "reliability by p band",
}


def method_name(code: str) -> str:
    """Return a method (``deployed:flow_like``: the method on one pool) by name, as HTML."""
    parts = [METHOD_NAMES.get(part, (part, part)) for part in str(code).split(":")]
    return bilingual_html("，".join(p[0] for p in parts), ", ".join(p[1] for p in parts))


def cell_text(column: str, value: Any) -> str:
    """Return one cell of a track-record table as HTML, by the column's display format."""
    if is_missing(value) or value == "":
        return "–"
    if column in ("method", "pool"):
        return method_name(value)
    if column == "evidence":
        return bilingual_html(*EVIDENCE_LABELS.get(str(value), (str(value), str(value))))
    if column in STATUS_COLUMNS:
        return bilingual_html(*COUNT_LABELS.get(str(value), (str(value), str(value))))
    if column == "p_meet":
        return html.escape(likelihood_text(value))
    kind = SPEC[column].format if column in SPEC else "text"
    if kind == "flag":
        return "是 yes" if str(value).lower() in ("true", "1") else "否 no"
    if kind in ("fraction", "probability", "growth"):
        return f"{float(value):.0%}"
    if kind == "ratio":
        return f"{float(value):.2f}"
    if isinstance(value, float):
        return fmt_number(value)
    return html.escape(str(value))


def header(column: str) -> str:
    """Return a column's bilingual header (the name itself when the specification lacks it)."""
    return html_header(column) if column in SPEC else html.escape(column)


def track_record_frames(outputs_dir: Path | None = None) -> dict[str, pd.DataFrame]:
    """Return the track-record tables a run has written, as cells ready for HTML.

    Parameters
    ----------
    outputs_dir : path, optional
        Where the backtest tables are; default :func:`ipanalysis.paths.outputs_dir`.

    Returns
    -------
    dict
        File name → its table with bilingual headers and readable cells (:func:`cell_text`),
        for the files present; ``backtest.csv`` as the deployed method's rows with the
        evidence tier each situation gives (every method's rows are in the file).
    """
    frames = {}
    for name, table in track_record(outputs_dir).items():
        if "method" in table:  # the deployed method's situations, with the tier they give
            table = table[table["method"] == "deployed"].drop(columns="method")
            tiers = [situation_tier(int(n), float(c)) for n, c in
                     zip(table["n"], table["coverage_80"].fillna(0.0), strict=True)]  # fmt: skip
            table = table.assign(evidence=tiers)
        columns = [c for c in table.columns if c not in HIDDEN_COLUMNS]
        frames[name] = pd.DataFrame(
            {header(c): [cell_text(c, v) for v in table[c]] for c in columns}
        )
    return frames
