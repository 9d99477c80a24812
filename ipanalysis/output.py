"""Terminal tables and CSV files for the command line (the notebooks have their own display)."""

import os
import tempfile
from pathlib import Path

import pandas as pd
from rich.console import Console
from rich.table import Table

from ipanalysis.dataset import Dataset

STATUS_STYLE = {
    "achieved": "bold green",
    "on_track": "green",
    "at_risk": "yellow",
    "off_track": "red",
    "missed": "bold red",
    "insufficient_data": "dim",
}
SHOWN_COLUMNS = [
    "region",
    "指标 indicator",
    "target_year",
    "target",
    "latest",
    "forecast [interval]",
    "p_meet",
    "growth obs/req",
    "status",
    "confidence",
]


def write_csv_atomic(df: pd.DataFrame, path: Path) -> Path:
    r"""Write a CSV so that readers see the old file or the complete new one, never a part.

    Parameters
    ----------
    df
        The table; written without the index, UTF-8, ``\\n`` line ends, floats as repr.
    path
        Destination; its folder is created if needed.

    Returns
    -------
    pathlib.Path
        ``path``.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            df.to_csv(f, index=False, lineterminator="\n")
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; give the usual permissions
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_assessment_csv(table: pd.DataFrame, path: str | os.PathLike[str]) -> Path:
    """Write an assessment from the command line (``ipanalysis assess --out``) to ``path``.

    The command line never writes into ``outputs/`` on its own: that folder is the runner's
    (``ipanalysis run``), whose assessment CSVs cover the reports' target years; ``assess``
    covers every target year.

    Parameters
    ----------
    table : pandas.DataFrame
        The assessment (:func:`ipanalysis.assess.assess`).
    path : path
        The CSV file to write (its folder is created).

    Returns
    -------
    pathlib.Path
        ``path``.
    """
    from ipanalysis.report import write_csv  # the runner's writer: same rounding, same bytes

    return write_csv(table, Path(path))


def _number(value: float) -> str:
    if pd.isna(value):
        return "–"
    return f"{value:,.4g}" if abs(value) < 1e5 else f"{value:,.0f}"


def _pct(value: float) -> str:
    return "–" if pd.isna(value) else f"{value:+.1%}"


def _describe_target(comparator: str, level: float, kind: str, rate_pct: float) -> str:
    if kind == "avg_growth":
        path = "" if pd.isna(level) else f" → {_number(level)}"
        return f"年均 {comparator} {rate_pct:g}%{path}"
    if kind == "keep_improving":
        return "持续改善 keep improving"
    return f"{comparator} {_number(level)}"


def format_assessment(table: pd.DataFrame, ds: Dataset) -> pd.DataFrame:
    """Return the assessment as short display strings, indicator names in Chinese."""
    names = ds.indicators.set_index("indicator_id")
    rates = ds.targets.set_index("target_id")["value"]  # avg_growth: the rate in percent
    target = [
        _describe_target(c, v, k, rates.get(t, float("nan")))
        for c, v, k, t in zip(
            table["comparator"],
            table["target_value"],
            table["target_kind"],
            table["target_id"],
            strict=True,
        )
    ]
    return pd.DataFrame(
        {
            "region": table["region"],
            "指标 indicator": [
                names.at[i, "name_zh"] if i in names.index else i for i in table["indicator"]
            ],
            "target_year": table["target_year"].astype(str),
            "target": [
                t if k == "keep_improving" else f"{t} ({k})"
                for t, k in zip(target, table["target_kind"], strict=True)
            ],
            "latest": [
                "–" if pd.isna(y) else f"{_number(v)} ({int(y)})"
                for v, y in zip(table["latest_value"], table["latest_year"], strict=True)
            ],
            "forecast [interval]": [
                "–" if pd.isna(f) else f"{_number(f)} [{_number(lo)}, {_number(hi)}]"
                for f, lo, hi in zip(
                    table["forecast"],
                    table["forecast_lower"],
                    table["forecast_upper"],
                    strict=True,
                )
            ],
            "p_meet": ["–" if pd.isna(p) else f"{p:.0%}" for p in table["p_meet"]],
            "growth obs/req": [
                f"{_pct(o)} / {_pct(r)}"
                for o, r in zip(table["observed_growth"], table["required_growth"], strict=True)
            ],
            "status": table["status"],
            "confidence": table["confidence"],
        }
    )


def print_assessment(table: pd.DataFrame, ds: Dataset, console: Console) -> None:
    """Print the assessment as a colour-coded table, then counts by status."""
    shown = format_assessment(table, ds)
    rich_table = Table(title="Target assessment 目标评估", title_justify="left")
    for col in SHOWN_COLUMNS:
        rich_table.add_column(col, overflow="fold")
    for row in shown.itertuples(index=False):
        style = STATUS_STYLE.get(row.status, "")
        rich_table.add_row(*row[:-2], f"[{style}]{row.status}[/]", row.confidence)
    console.print(rich_table)
    counts = table["status"].value_counts().reindex(list(STATUS_STYLE), fill_value=0)
    console.print("  ".join(f"{s}: {n}" for s, n in counts.items()))


def print_frame(df: pd.DataFrame, title: str, console: Console) -> None:
    """Print a small tidy frame as a table, floats to four significant digits."""
    table = Table(title=title, title_justify="left")
    for col in df.columns:
        table.add_column(str(col), overflow="fold")
    for row in df.itertuples(index=False):
        table.add_row(*(f"{v:.4g}" if isinstance(v, float) else str(v) for v in row))
    console.print(table)
