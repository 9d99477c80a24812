"""The README's tables, made from the committed outputs (a test checks the README shows them).

Print them after a run with ``python -m ipanalysis.report.markdown`` and paste each over its
table in the README: the numbers there then cannot drift from ``outputs/``.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ipanalysis import paths
from ipanalysis.assess.evidence import is_decided, is_lean, situation_tier
from ipanalysis.data.dataset import Dataset
from ipanalysis.formats import is_missing
from ipanalysis.model.backtest import FIGURE_BUCKETS, HORIZON_BUCKETS, METHOD_ORDER
from ipanalysis.report.files import BACKTEST_FILES
from ipanalysis.report.html_record import METHOD_NAMES
from ipanalysis.report.lookups import region_names
from ipanalysis.report.tables import read_assessment_csv
from ipanalysis.vocab import DECIDED_STATUSES, POOLS

POOL_NAMES = {pool: f"{METHOD_NAMES[pool][1]} {METHOD_NAMES[pool][0]}" for pool in POOLS}
#: Backtest columns read as text (buckets such as ``3+`` and ``2-3``).
_TEXT_COLUMNS = {"n_figures": str, "horizon_years": str}


def markdown_table(header: list[str], rows: list[list[str]]) -> str:
    """Return a GitHub-flavoured Markdown table."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def _pct(value) -> str:
    return "–" if is_missing(value) else f"{float(value):.0%}"


def _num(value, digits: int = 2) -> str:
    return "–" if is_missing(value) else f"{float(value):.{digits}f}"


def status_markdown(assessment: pd.DataFrame, dataset: Dataset) -> str:
    """Return the targets by region: decided verdicts by status, leans, the rest."""
    header = ["region", "targets", *(s.replace("_", " ") for s in DECIDED_STATUSES),
              "leans 倾向", "the office decides", "need figures"]  # fmt: skip
    rows = []
    for region, group in assessment.groupby("region", sort=True):
        decided = group[is_decided(group)]["status"].value_counts()
        zh, en = region_names(dataset, region)
        rows.append(
            [
                f"{zh} {en}",
                str(len(group)),
                *(str(int(decided.get(s, 0))) for s in DECIDED_STATUSES),
                str(int(is_lean(group).sum())),
                str(int((group["status"] == "depends_on_office").sum())),
                str(int((group["status"] == "insufficient_data").sum())),
            ]
        )
    return markdown_table(header, rows)


def situations_markdown(situations: pd.DataFrame) -> str:
    """Return the deployed method's scores in every situation, with the tier it gives."""
    deployed = situations[situations["method"] == "deployed"]
    header = ["pool", "figures", "years ahead", "n (series)", "MASE", "80% coverage",
              "below / above", "PIT sd", "Brier", "verdicts here are"]  # fmt: skip
    rows = []
    for pool in POOLS:
        for figures in FIGURE_BUCKETS:
            for horizon in HORIZON_BUCKETS:
                cell = deployed[
                    (deployed["pool"] == pool)
                    & (deployed["n_figures"] == figures)
                    & (deployed["horizon_years"] == horizon)
                ]
                if cell.empty:
                    rows.append([POOL_NAMES[pool], figures, horizon, "0", *["–"] * 5,
                                 "indicative (never scored)"])  # fmt: skip
                    continue
                r = cell.iloc[0]
                tier = situation_tier(int(r["n"]), float(r["coverage_80"]))
                rows.append(
                    [
                        POOL_NAMES[pool],
                        figures,
                        horizon,
                        f"{int(r['n'])} ({int(r['n_series'])})",
                        _num(r["mase"]),
                        _pct(r["coverage_80"]),
                        f"{_pct(r['below_lower'])} / {_pct(r['above_upper'])}",
                        _num(r["pit_sd"]),
                        _num(r["brier"], 3),
                        f"**{tier}**" if tier == "tested" else tier,
                    ]
                )
    return markdown_table(header, rows)


def methods_markdown(situations: pd.DataFrame) -> str:
    """Return every method on the forecasts from three figures or more, by pool and horizon."""
    three = situations[situations["n_figures"] == "3+"]
    header = ["method", "pool", *(f"MASE {h}" for h in HORIZON_BUCKETS),
              *(f"80% cov. {h}" for h in HORIZON_BUCKETS)]  # fmt: skip
    rows = []
    for method in METHOD_ORDER:
        for pool in POOLS:
            cells = three[(three["method"] == method) & (three["pool"] == pool)]
            if cells.empty:
                continue
            by_h = cells.set_index("horizon_years")
            rows.append(
                [
                    METHOD_NAMES[method][1],
                    POOL_NAMES[pool],
                    *(_num(by_h["mase"].get(h)) for h in HORIZON_BUCKETS),
                    *(_pct(by_h["coverage_80"].get(h)) for h in HORIZON_BUCKETS),
                ]
            )
    return markdown_table(header, rows)


def past_targets_markdown(targets: pd.DataFrame) -> str:
    """Return every past target as it was judged one to three years before, with its outcome."""
    header = ["target", "as of", "lead", "verdict then", "evidence", "p_meet", "outcome",
              "right?", "Brier"]  # fmt: skip
    right = {True: "yes", False: "no"}
    rows = [
        [
            r["target_id"],
            str(int(r["as_of"])),
            str(int(r["lead_years"])),
            str(r["predicted_status"]),
            str(r["evidence"]),
            _num(r["p_meet"]),
            str(r["outcome"]),
            "–" if is_missing(r["correct"]) else right[str(r["correct"]) == "True"],
            _num(r["brier"], 3),
        ]
        for r in targets.to_dict("records")
    ]
    return markdown_table(header, rows)


def reliability_markdown(reliability: pd.DataFrame) -> str:
    """Return the Brier score and reliability of past verdicts by evidence tier and p band."""
    header = ["evidence", "p band", "n", "mean p", "share met", "Brier"]
    rows = [
        [
            r["evidence"],
            r["p_band"],
            str(int(r["n"])),
            _num(r["mean_p"]),
            _pct(r["share_met"]),
            _num(r["brier"], 3),
        ]  # fmt: skip
        for r in reliability.to_dict("records")
    ]
    return markdown_table(header, rows)


def readme_tables(dataset: Dataset, outputs_dir: Path | None = None) -> dict[str, str]:
    """Return every README table made from the outputs, by name, in README order."""
    folder = Path(outputs_dir) if outputs_dir is not None else paths.outputs_dir()
    situations, targets, reliability = (
        pd.read_csv(folder / name, keep_default_na=False, na_values=[""], dtype=_TEXT_COLUMNS)
        for name in BACKTEST_FILES
    )
    return {
        "status": status_markdown(read_assessment_csv(folder / "assessment.csv"), dataset),
        "situations": situations_markdown(situations),
        "methods": methods_markdown(situations),
        "past targets": past_targets_markdown(targets),
        "reliability": reliability_markdown(reliability),
    }


if __name__ == "__main__":
    from ipanalysis.data.cache import load_dataset

    for name, table in readme_tables(load_dataset()).items():
        print(f"<!-- {name} -->\n{table}\n")
