"""Tables and display helpers for the report notebooks (Chinese first, English alongside).

The notebooks in ``notebooks/`` are thin: a parameters cell, then calls into this module and
:mod:`ipanalysis.plots`. Functions here come in two kinds:

* **tidy tables** (``*_table``, :func:`assessment_table`, :func:`figures_needed`…) return
  DataFrames with stable row order, for code, tests and the CSV outputs;
* **displays** (``show_*``) return an :class:`IPython.display.HTML` object to end a notebook
  cell with. They render a table through pandas' Styler with a fixed uuid
  (``Styler.set_uuid``) and fixed number formats, so an executed notebook's outputs are the
  same on every run (nbval compares them; see ``tests/test_report.py``).

Statuses are colour-coded the same way everywhere (:data:`STATUS_COLOURS`).
"""

from __future__ import annotations

import contextlib
import hashlib
import html
import math
import os
import pickle
import sys
import tempfile
import weakref
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from IPython.display import HTML

from ipanalysis import paths

#: Status order: settled-bad first, so the eye lands on problems.
STATUS_ORDER: tuple[str, ...] = (
    "missed",
    "off_track",
    "at_risk",
    "insufficient_data",
    "on_track",
    "achieved",
)
STATUS_LABELS: dict[str, tuple[str, str]] = {
    "achieved": ("已实现", "achieved"),
    "on_track": ("进展顺利", "on track"),
    "at_risk": ("存在风险", "at risk"),
    "off_track": ("偏离目标", "off track"),
    "missed": ("未实现", "missed"),
    "insufficient_data": ("数据不足", "insufficient data"),
}
#: Background colours (ColorBrewer RdYlGn, grey for no verdict); white text on the darkest.
STATUS_COLOURS: dict[str, str] = {
    "achieved": "#1a9850",
    "on_track": "#a6d96a",
    "at_risk": "#fee08b",
    "off_track": "#fc8d59",
    "missed": "#d73027",
    "insufficient_data": "#e0e0e0",
}
STATUS_TEXT_COLOURS: dict[str, str] = {"achieved": "#ffffff", "missed": "#ffffff"}
CONFIDENCE_LABELS: dict[str, str] = {
    "high": "高 high",
    "medium": "中 medium",
    "low": "低 low",
    "none": "无 none",
}
KIND_LABELS: dict[str, tuple[str, str]] = {
    "level": ("达到", "level"),
    "avg_growth": ("年均增长", "average annual growth"),
    "every_year": ("每年", "every year"),
    "annual_average": ("年均", "annual average"),
    "cumulative": ("累计", "cumulative"),
    "range": ("区间", "range"),
    "keep_improving": ("持续改善", "keep improving"),
}
RELIABILITY_LABELS: dict[str, str] = {
    "A": "A 官方 official",
    "B": "B 媒体 media",
    "C": "C 转载 repost",
}
#: Statuses listed by :func:`most_at_risk`, worst first.
AT_RISK_STATUSES: tuple[str, ...] = ("missed", "off_track", "at_risk")
#: Significant digits kept in the CSV outputs (stable across platforms' last-bit noise).
CSV_SIGNIFICANT_DIGITS = 10
#: Figures needed for a growth ratio (2) and for a forecast interval (3).
MIN_POINTS_GROWTH = 2
MIN_POINTS_INTERVAL = 3

_TABLE_STYLES = [
    {"selector": "th", "props": [("text-align", "left"), ("vertical-align", "bottom")]},
    {"selector": "td", "props": [("text-align", "left"), ("vertical-align", "top")]},
    {"selector": "", "props": [("border-collapse", "collapse"), ("font-size", "0.9em")]},
]


# --------------------------------------------------------------------------------------------
# Formatting
# --------------------------------------------------------------------------------------------


def _missing(value: Any) -> bool:
    if value is None or value is pd.NA:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def fmt_number(value: Any) -> str:
    """Format a figure for display: thousands separators, at most four significant digits.

    Parameters
    ----------
    value : float
        The number (NaN/None gives an en dash).

    Returns
    -------
    str
        ``72,904``; ``21.8``; ``0.1234``; ``–`` for a missing value.
    """
    if _missing(value):
        return "–"
    value = float(value)
    if not math.isfinite(value):
        return "∞" if value > 0 else "−∞"
    if abs(value) >= 10_000:
        return f"{value:,.0f}"
    if value == 0:
        return "0"
    text = f"{value:.4g}"
    if "e" in text:  # tiny values: fixed notation
        text = f"{value:.6f}".rstrip("0").rstrip(".")
    if abs(value) >= 1000 and "." not in text:
        text = f"{value:,.0f}"
    return text


def fmt_pct(value: Any, *, signed: bool = True) -> str:
    """Format a growth fraction as a percentage (``0.153`` → ``+15.3%``).

    Parameters
    ----------
    value : float
        A fraction; NaN gives an en dash.
    signed : bool
        Show the sign of positive values.

    Returns
    -------
    str
        The percentage with one decimal.
    """
    if _missing(value) or not math.isfinite(float(value)):
        return "–"
    return f"{float(value):+.1%}" if signed else f"{float(value):.1%}"


def fmt_year(value: Any) -> str:
    """Format a year (nullable integer) for display."""
    return "–" if _missing(value) else str(int(value))


def status_label(status: str) -> str:
    """Return the bilingual label of a status (``on_track`` → ``进展顺利 on track``)."""
    zh, en = STATUS_LABELS.get(status, (status, status))
    return f"{zh} {en}"


def _bi(zh: str, en: str) -> str:
    """Chinese, then the English in a smaller grey line (HTML, escaped)."""
    zh_html = html.escape(str(zh))
    if not en or en == zh:
        return zh_html
    return f'{zh_html}<br><span style="color:#666;font-size:0.85em">{html.escape(str(en))}</span>'


# --------------------------------------------------------------------------------------------
# Loading, with a cache of the validated dataset
# --------------------------------------------------------------------------------------------

#: Environment variable naming the cache folder (default ``$XDG_CACHE_HOME/ipanalysis``).
CACHE_DIR_ENV = "IPANALYSIS_CACHE_DIR"
#: Set to ``1`` to load without the cache.
NO_CACHE_ENV = "IPANALYSIS_NO_CACHE"
#: Cached datasets kept (the most recent ones); older files are removed.
CACHE_KEEP = 8


def cache_dir() -> Path:
    """Return the folder for cached datasets (outside the repository).

    Returns
    -------
    pathlib.Path
        ``$IPANALYSIS_CACHE_DIR``, else ``$XDG_CACHE_HOME/ipanalysis``, else
        ``~/.cache/ipanalysis``.
    """
    if os.environ.get(CACHE_DIR_ENV):
        return Path(os.environ[CACHE_DIR_ENV])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "ipanalysis"


def dataset_key(data_dir: str | os.PathLike[str] | None = None) -> str:
    """Return a digest of everything a loaded dataset depends on.

    The bytes of every file under ``data_dir`` (tables and source texts) with their paths,
    the source of every module of the package, and the versions of Python, pandas and numpy:
    any change to any of them gives a new key.

    Parameters
    ----------
    data_dir : path, optional
        The data folder; default :func:`ipanalysis.paths.data_dir`.

    Returns
    -------
    str
        A hex digest.
    """
    data = Path(data_dir).resolve() if data_dir is not None else paths.data_dir()
    digest = hashlib.sha256()
    for part in (sys.version, pd.__version__, np.__version__, str(data)):
        digest.update(part.encode() + b"\0")
    for root in (data, Path(__file__).resolve().parent):
        pattern = "*" if root == data else "*.py"
        for path in sorted(root.rglob(pattern)):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(path.relative_to(root).as_posix().encode() + b"\0")
                digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def load_dataset(data_dir: str | os.PathLike[str] | None = None, *, cache: bool = True) -> Any:
    """Load and validate the dataset, reusing the validated result while nothing changed.

    :func:`ipanalysis.dataset.load_dataset` reads, validates and derives (a few hundred
    milliseconds, in every notebook of a run). The validated :class:`~ipanalysis.dataset.Dataset`
    is kept in :func:`cache_dir` under :func:`dataset_key`: the same data files, the same
    package code and the same library versions give the same dataset, so a cached one is
    returned only when it would be identical to a fresh load. Invalid data is never cached:
    it raises, as the loader does. Set ``IPANALYSIS_NO_CACHE=1`` (or ``cache=False``) to
    bypass the cache; a cache that cannot be read or written is ignored.

    Parameters
    ----------
    data_dir : path, optional
        The data folder; default :func:`ipanalysis.paths.data_dir`.
    cache : bool
        Use the cache.

    Returns
    -------
    ipanalysis.dataset.Dataset
        The validated dataset.
    """
    from ipanalysis.dataset import load_dataset as load_fresh

    data = Path(data_dir) if data_dir is not None else None
    if not cache or os.environ.get(NO_CACHE_ENV) == "1":
        return load_fresh(data)
    try:
        path: Path | None = cache_dir() / f"dataset-{dataset_key(data)}.pickle"
    except OSError:  # an unreadable data file: let the loader report it
        path = None
    if path is not None and path.is_file():
        try:
            with open(path, "rb") as handle:
                return pickle.load(handle)
        except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError):
            pass
    dataset = load_fresh(data)
    if path is not None:
        _write_cache(dataset, path)
    return dataset


def _write_cache(dataset: Any, path: Path) -> None:
    """Store a dataset atomically (concurrent kernels may write the same key); never raise."""
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".dataset-", suffix=".tmp")
        with os.fdopen(fd, "wb") as handle:
            pickle.dump(dataset, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
        cached = sorted(path.parent.glob("dataset-*.pickle"), key=lambda p: p.stat().st_mtime)
        for old in cached[:-CACHE_KEEP]:
            old.unlink(missing_ok=True)
    except (OSError, pickle.PicklingError):
        if tmp is not None:
            with contextlib.suppress(OSError):
                Path(tmp).unlink(missing_ok=True)


# --------------------------------------------------------------------------------------------
# Lookups
# --------------------------------------------------------------------------------------------


def indicator_names(dataset: Any) -> pd.DataFrame:
    """Return ``indicator_id → name_zh, name_en, unit, kind, better`` (ids as fallback names).

    Parameters
    ----------
    dataset : ipanalysis.dataset.Dataset
        The dataset.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``indicator_id``.
    """
    cols = ["name_zh", "name_en", "unit", "kind", "better"]
    return dataset.indicators.set_index("indicator_id")[cols]


def with_indicator_names(frame: pd.DataFrame, dataset: Any) -> pd.DataFrame:
    """Add ``name_zh, name_en, unit`` for the frame's ``indicator`` column (ids as fallback)."""
    names = indicator_names(dataset)[["name_zh", "name_en", "unit"]]
    out = frame.merge(names, left_on="indicator", right_index=True, how="left")
    for col in ("name_zh", "name_en"):
        out[col] = out[col].fillna(out["indicator"])
    out["unit"] = out["unit"].fillna("")
    return out


def _indicator(dataset: Any, indicator_id: str) -> dict[str, str]:
    names = indicator_names(dataset)
    if indicator_id in names.index:
        row = names.loc[indicator_id]
        return {c: ("" if _missing(row[c]) else str(row[c])) for c in names.columns}
    return {"name_zh": indicator_id, "name_en": indicator_id, "unit": "", "kind": "", "better": ""}


def region_names(dataset: Any, region: str) -> tuple[str, str]:
    """Return the Chinese and English names of a region (the id when unknown).

    Parameters
    ----------
    dataset : ipanalysis.dataset.Dataset
        The dataset.
    region : str
        Region id.

    Returns
    -------
    tuple of str
        ``(name_zh, name_en)``.
    """
    regions = dataset.regions.set_index("region_id")
    if region not in regions.index:
        return region, region
    return str(regions.at[region, "name_zh"]), str(regions.at[region, "name_en"])


def reportable_regions(dataset: Any) -> list[str]:
    """Return the ids of the regions reports are made for (city and districts), sorted."""
    regions = dataset.regions
    return sorted(regions.loc[regions["level"].isin(["city", "district"]), "region_id"])


_SERIES_CACHE: dict[int, tuple[Any, dict[str, pd.DataFrame]]] = {}


def _cached_series(dataset: Any, min_reliability: str) -> pd.DataFrame:
    """Return ``dataset.series(min_reliability)``, computed once per dataset object."""
    key = id(dataset)
    entry = _SERIES_CACHE.get(key)
    if entry is None or entry[0]() is not dataset:
        try:
            ref = weakref.ref(dataset)
        except TypeError:  # an object without weak references: no cache
            return dataset.series(min_reliability=min_reliability)
        for stale in [k for k, (r, _) in _SERIES_CACHE.items() if r() is None]:
            del _SERIES_CACHE[stale]
        entry = (ref, {})
        _SERIES_CACHE[key] = entry
    cached = entry[1]
    if min_reliability not in cached:
        cached[min_reliability] = dataset.series(min_reliability=min_reliability)
    return cached[min_reliability]


def region_series(
    dataset: Any,
    region: str | None = None,
    *,
    as_of: int | None = None,
    min_reliability: str = "C",
) -> pd.DataFrame:
    """Return the figures analyses use (``dataset.series``) for a region, up to ``as_of``.

    Parameters
    ----------
    dataset : ipanalysis.dataset.Dataset
        The dataset.
    region : str, optional
        Region id; all regions when None.
    as_of : int, optional
        Keep figures with ``year <= as_of``.
    min_reliability : {"A", "B", "C"}
        Lowest source grade admitted.

    Returns
    -------
    pandas.DataFrame
        Tidy series sorted by region, indicator, year.
    """
    series = _cached_series(dataset, min_reliability)
    if region is not None:
        series = series[series["region"] == region]
    if as_of is not None:
        series = series[series["year"] <= as_of]
    return series.sort_values(["region", "indicator", "year"], kind="stable").reset_index(
        drop=True
    )


# --------------------------------------------------------------------------------------------
# Assessment tables and CSV
# --------------------------------------------------------------------------------------------


def assessment_table(
    dataset: Any,
    *,
    regions: Sequence[str] | str | None = None,
    target_years: Iterable[int] | None = (2025, 2026),
    as_of: int | None = None,
    min_reliability: str = "C",
    interval_level: float = 0.8,
) -> pd.DataFrame:
    """Return the verdicts for the targets of ``regions`` due in ``target_years``.

    This is what ``outputs/<region>/assessment.csv`` holds and what the notebooks show.

    Parameters
    ----------
    dataset : ipanalysis.dataset.Dataset
        The dataset.
    regions : sequence of str, str or None
        Region ids; None: every reportable region (city and districts).
    target_years : iterable of int or None
        Keep targets due in these years; None keeps all.
    as_of : int, optional
        Assess with figures up to this year only.
    min_reliability : {"A", "B", "C"}
        Lowest source grade admitted.
    interval_level : float
        Coverage of the prediction intervals.

    Returns
    -------
    pandas.DataFrame
        :func:`ipanalysis.assess.assess` columns, sorted by region, target year, indicator,
        target id.
    """
    from ipanalysis.assess import assess

    if regions is None:
        regions = reportable_regions(dataset)
    elif isinstance(regions, str):
        regions = [regions]
    table = assess(
        dataset,
        regions=list(regions),
        as_of=as_of,
        min_reliability=min_reliability,
        level=interval_level,
    )
    if target_years is not None:
        table = table[table["target_year"].isin([int(y) for y in target_years])]
    return table.sort_values(
        ["region", "target_year", "indicator", "target_id"], kind="stable"
    ).reset_index(drop=True)


def _round_significant(value: Any, digits: int) -> Any:
    if isinstance(value, float) and math.isfinite(value) and value != 0:
        return float(f"{value:.{digits}g}")
    return value


def write_csv(table: pd.DataFrame, path: str | os.PathLike[str]) -> Path:
    r"""Write a table as a deterministic CSV, atomically.

    UTF-8 without BOM, ``\n`` line ends, no index, floats rounded to
    :data:`CSV_SIGNIFICANT_DIGITS` significant digits and written in Python's shortest repr,
    missing values as empty cells. Readers see the old file or the complete new one.

    Parameters
    ----------
    table : pandas.DataFrame
        The table.
    path : path
        Destination; its folder is created.

    Returns
    -------
    pathlib.Path
        The path written.
    """
    from ipanalysis.output import write_csv_atomic

    out = table.copy()
    for col in out.columns:
        if pd.api.types.is_float_dtype(out[col]):
            out[col] = out[col].map(lambda v: _round_significant(v, CSV_SIGNIFICANT_DIGITS))
    return write_csv_atomic(out, Path(path))


def read_assessment_csv(path: str | os.PathLike[str]) -> pd.DataFrame:
    """Read an assessment CSV written by :func:`write_csv` (empty cells as missing values).

    Parameters
    ----------
    path : path
        The CSV.

    Returns
    -------
    pandas.DataFrame
        The table with text cells as strings and numbers as floats/ints.
    """
    return pd.read_csv(path, encoding="utf-8", keep_default_na=False, na_values=[""])


#: Columns compared exactly by :func:`assessment_differences` (the verdict and what it rests on).
VERDICT_COLUMNS: tuple[str, ...] = (
    "region",
    "indicator",
    "target_year",
    "target_kind",
    "latest_year",
    "n_points",
    "method",
    "status",
    "confidence",
    "progress_category",
)
#: Columns of :func:`figures_table`, in order.
FIGURES_TABLE_COLUMNS = [
    "indicator", "name_zh", "name_en", "unit", "year", "value", "value_lo", "value_hi",
    "yoy_growth", "derived", "formula", "source", "title_zh", "title_en", "reliability",
    "conflict",
]  # fmt: skip
#: Numeric columns compared within a relative tolerance.
NUMERIC_COLUMNS: tuple[str, ...] = (
    "target_value",
    "latest_value",
    "forecast",
    "forecast_lower",
    "forecast_upper",
    "p_meet",
    "observed_growth",
    "required_growth",
    "growth_ratio",
)


def assessment_differences(
    expected: pd.DataFrame, actual: pd.DataFrame, *, rtol: float = 1e-6
) -> pd.DataFrame:
    """List where two assessment tables disagree, target by target.

    Used to check committed outputs against a fresh assessment: verdict columns
    (:data:`VERDICT_COLUMNS`) must match exactly, numbers (:data:`NUMERIC_COLUMNS`) within
    ``rtol`` (the CSV keeps ten significant digits), and both must list the same targets.

    Parameters
    ----------
    expected, actual : pandas.DataFrame
        Assessment tables (e.g. a committed ``assessment.csv`` read with
        :func:`read_assessment_csv`, and :func:`assessment_table`).
    rtol : float
        Relative tolerance for numbers.

    Returns
    -------
    pandas.DataFrame
        ``target_id, column, expected, actual``; empty when the tables agree.
    """
    rows: list[dict[str, Any]] = []
    exp = expected.set_index("target_id")
    act = actual.set_index("target_id")
    for target in sorted(set(exp.index) ^ set(act.index)):
        rows.append(
            {
                "target_id": target,
                "column": "(target)",
                "expected": "present" if target in exp.index else "absent",
                "actual": "present" if target in act.index else "absent",
            }
        )
    common = [t for t in exp.index if t in act.index]
    for target in common:
        e_row, a_row = exp.loc[target], act.loc[target]
        if isinstance(e_row, pd.DataFrame) or isinstance(a_row, pd.DataFrame):
            rows.append({"target_id": target, "column": "(target)", "expected": "unique",
                         "actual": "repeated"})  # fmt: skip
            continue
        for col in VERDICT_COLUMNS:
            if col not in exp.columns and col not in act.columns:
                continue
            e, a = _comparable(e_row.get(col)), _comparable(a_row.get(col))
            if e != a:
                rows.append({"target_id": target, "column": col, "expected": e, "actual": a})
        for col in NUMERIC_COLUMNS:
            e, a = e_row.get(col), a_row.get(col)
            if _missing(e) and _missing(a):
                continue
            if (
                _missing(e)
                or _missing(a)
                or not math.isclose(float(e), float(a), rel_tol=rtol, abs_tol=1e-12)
            ):
                rows.append({"target_id": target, "column": col, "expected": e, "actual": a})
    return pd.DataFrame(rows, columns=["target_id", "column", "expected", "actual"])


def _comparable(value: Any) -> Any:
    """Normalise a cell read from CSV or computed (1.0 == 1 == "1"; NaN == None)."""
    if _missing(value):
        return None
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, float, np.integer, np.floating)):
        return float(value)
    try:
        return float(value)
    except (TypeError, ValueError):
        return str(value)


def status_counts(
    assessment: pd.DataFrame,
    *,
    by_region: bool = False,
    regions: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Count targets by status (every status listed, zeros included, in :data:`STATUS_ORDER`).

    Parameters
    ----------
    assessment : pandas.DataFrame
        An :func:`assessment_table`.
    by_region : bool
        One row per region (columns = statuses, plus ``total``) instead of one per status.
    regions : sequence of str, optional
        With ``by_region``: list these regions too, with zeros when they have no target.

    Returns
    -------
    pandas.DataFrame
        ``status, label, count`` rows; or regions × statuses with a ``total`` column.
    """
    if by_region:
        index = sorted(set(assessment["region"]) | set(regions or ()))
        counts = (
            pd.crosstab(assessment["region"], assessment["status"])
            .reindex(index=index, columns=list(STATUS_ORDER), fill_value=0)
            .astype(int)
        )
        counts["total"] = counts.sum(axis=1)
        counts.columns.name = None
        counts.index.name = "region"
        return counts
    counts = assessment["status"].value_counts().reindex(list(STATUS_ORDER), fill_value=0)
    return pd.DataFrame(
        {
            "status": list(STATUS_ORDER),
            "label": [status_label(s) for s in STATUS_ORDER],
            "count": counts.astype(int).to_list(),
        }
    )


def most_at_risk(assessment: pd.DataFrame, n: int = 10) -> pd.DataFrame:
    """Return the targets in the worst state, worst first.

    Missed, then off track, then at risk; within a status, the lowest probability of meeting
    the target, then the lowest growth ratio, then region and target id (a stable order).

    Parameters
    ----------
    assessment : pandas.DataFrame
        An :func:`assessment_table`.
    n : int
        How many to return at most.

    Returns
    -------
    pandas.DataFrame
        Rows of ``assessment``.
    """
    rank = {status: i for i, status in enumerate(AT_RISK_STATUSES)}
    risky = assessment[assessment["status"].isin(AT_RISK_STATUSES)].copy()
    risky["_rank"] = risky["status"].map(rank)
    risky["_p"] = risky["p_meet"].fillna(np.inf)
    risky["_ratio"] = risky["growth_ratio"].fillna(np.inf)
    risky = risky.sort_values(
        ["_rank", "_p", "_ratio", "region", "target_year", "target_id"], kind="stable"
    )
    return risky.drop(columns=["_rank", "_p", "_ratio"]).head(n).reset_index(drop=True)


def target_text(row: Mapping[str, Any], unit: str = "") -> str:
    """Describe a target in a few characters: ``≥ 24 件/万人``, ``年均增长 ≥ 15%``.

    Parameters
    ----------
    row : mapping
        A row of :func:`assessment_table`.
    unit : str
        The indicator's unit.

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
        if _missing(value):
            return f"{kind_zh}（无基年数据）"
        return f"{kind_zh}，{comparator} {fmt_number(value)}{unit_text}"
    if kind == "range":
        top = row.get("target_value_max")
        return f"{fmt_number(value)}–{fmt_number(top)}{unit_text}"
    prefix = "" if kind == "level" else f"{kind_zh} "
    return f"{prefix}{comparator} {fmt_number(value)}{unit_text}".strip()


def verdict_table(assessment: pd.DataFrame, dataset: Any) -> pd.DataFrame:
    """Return the assessment as display strings, one row per target (Chinese, then English).

    Parameters
    ----------
    assessment : pandas.DataFrame
        An :func:`assessment_table`.
    dataset : ipanalysis.dataset.Dataset
        For indicator names and units.

    Returns
    -------
    pandas.DataFrame
        Text columns; ``status`` keeps the status code (for colouring).
    """
    rows = []
    for rec in assessment.to_dict("records"):
        ind = _indicator(dataset, rec["indicator"])
        level = rec.get("interval_level")
        forecast = "–"
        if not _missing(rec["forecast"]):
            forecast = fmt_number(rec["forecast"])
            if not _missing(rec["forecast_lower"]):
                forecast += (
                    f" [{fmt_number(rec['forecast_lower'])}, {fmt_number(rec['forecast_upper'])}]"
                )
        latest = "–"
        if not _missing(rec["latest_value"]):
            latest = f"{fmt_number(rec['latest_value'])} ({fmt_year(rec['latest_year'])})"
        rows.append(
            {
                "region": rec["region"],
                "indicator_zh": ind["name_zh"],
                "indicator_en": ind["name_en"],
                "target_year": int(rec["target_year"]),
                "target": target_text(rec, ind["unit"]),
                "latest": latest,
                "n_points": int(rec["n_points"]),
                "forecast": forecast,
                "interval_level": "" if _missing(level) else f"{float(level):.0%}",
                "p_meet": "–" if _missing(rec["p_meet"]) else f"{float(rec['p_meet']):.0%}",
                "growth": f"{fmt_pct(rec['observed_growth'])} / {fmt_pct(rec['required_growth'])}",
                "status": rec["status"],
                "confidence": CONFIDENCE_LABELS.get(rec["confidence"], str(rec["confidence"])),
                "method": str(rec["method"]).replace("_", "-"),
                "note": "" if _missing(rec["note"]) else str(rec["note"]),
                "target_id": rec["target_id"],
            }
        )
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------------------------
# Trends tables
# --------------------------------------------------------------------------------------------


def _source_titles(dataset: Any) -> pd.DataFrame:
    return dataset.sources.set_index("source_id")[["title_zh", "title_en", "reliability"]]


def figures_table(
    dataset: Any,
    region: str,
    *,
    as_of: int | None = None,
    min_reliability: str = "C",
) -> pd.DataFrame:
    """Return every figure of a region used in analysis, with growth, source and derivation.

    Parameters
    ----------
    dataset : ipanalysis.dataset.Dataset
        The dataset.
    region : str
        Region id.
    as_of : int, optional
        Keep figures up to this year.
    min_reliability : {"A", "B", "C"}
        Lowest source grade admitted.

    Returns
    -------
    pandas.DataFrame
        ``indicator, name_zh, name_en, unit, year, value, value_lo, value_hi, yoy_growth,
        derived, formula, source, title_zh, title_en, reliability, conflict`` sorted by
        indicator and year. ``conflict`` is True where sources disagree about that year.
    """
    from ipanalysis.trends import yoy_growth

    series = region_series(dataset, region, as_of=as_of, min_reliability=min_reliability)
    if series.empty:
        return pd.DataFrame(columns=FIGURES_TABLE_COLUMNS)
    table = yoy_growth(series)
    obs = dataset.observations
    formulas = obs[(obs["region"] == region) & (obs["period"] == "")][
        ["indicator", "year", "source", "derived", "formula"]
    ].drop_duplicates(["indicator", "year", "source", "derived"])
    table = table.merge(formulas, on=["indicator", "year", "source", "derived"], how="left")
    titles = _source_titles(dataset)[["title_zh", "title_en"]]
    table = table.merge(titles, left_on="source", right_index=True, how="left")
    table = with_indicator_names(table, dataset)
    conflicts = conflict_table(dataset, region)
    keys = set(zip(conflicts["indicator"], conflicts["year"], strict=True))
    table["conflict"] = [
        (i, y) in keys for i, y in zip(table["indicator"], table["year"], strict=True)
    ]
    table["formula"] = table["formula"].fillna("")
    return (
        table[FIGURES_TABLE_COLUMNS]
        .sort_values(["indicator", "year"], kind="stable")
        .reset_index(drop=True)
    )


def trend_table(
    dataset: Any,
    region: str,
    *,
    as_of: int | None = None,
    min_reliability: str = "C",
) -> pd.DataFrame:
    """Return one row per indicator of a region: span, latest figure and growth rates.

    Parameters
    ----------
    dataset : ipanalysis.dataset.Dataset
        The dataset.
    region : str
        Region id.
    as_of : int, optional
        Keep figures up to this year.
    min_reliability : {"A", "B", "C"}
        Lowest source grade admitted.

    Returns
    -------
    pandas.DataFrame
        :func:`ipanalysis.trends.compute_trends` columns plus ``name_zh, name_en, unit`` and
        ``n_derived`` (figures computed from a relative statement), sorted by indicator.
    """
    from ipanalysis.trends import TREND_COLUMNS, compute_trends

    series = region_series(dataset, region, as_of=as_of, min_reliability=min_reliability)
    if series.empty:
        return pd.DataFrame(columns=[*TREND_COLUMNS, "name_zh", "name_en", "unit", "n_derived"])
    trends = compute_trends(series)
    derived = series.groupby("indicator")["derived"].sum().astype(int).rename("n_derived")
    out = with_indicator_names(trends, dataset)
    out = out.merge(derived, left_on="indicator", right_index=True, how="left")
    return out.sort_values("indicator", kind="stable").reset_index(drop=True)


def conflict_table(dataset: Any, region: str) -> pd.DataFrame:
    """Return the region's conflicting figures (sources that disagree beyond rounding).

    Parameters
    ----------
    dataset : ipanalysis.dataset.Dataset
        The dataset.
    region : str
        Region id.

    Returns
    -------
    pandas.DataFrame
        ``dataset.conflicts`` rows of the region with source titles and indicator names,
        sorted by indicator, year, period, then the selected figure first.
    """
    conflicts = dataset.conflicts
    conflicts = conflicts[conflicts["region"] == region].copy()
    titles = _source_titles(dataset)[["title_zh", "title_en"]]
    conflicts = conflicts.merge(titles, left_on="source", right_index=True, how="left")
    conflicts = with_indicator_names(conflicts, dataset)
    conflicts["_not_selected"] = ~conflicts["selected"].astype(bool)
    conflicts = conflicts.sort_values(
        ["indicator", "year", "period", "_not_selected", "reliability", "source"], kind="stable"
    )
    return conflicts.drop(columns="_not_selected").reset_index(drop=True)


def sources_table(dataset: Any, source_ids: Iterable[str]) -> pd.DataFrame:
    """Return the sources with the given ids: titles, issuer, date, grade, address.

    Parameters
    ----------
    dataset : ipanalysis.dataset.Dataset
        The dataset.
    source_ids : iterable of str
        Source ids.

    Returns
    -------
    pandas.DataFrame
        Rows of ``dataset.sources`` sorted by reliability, then id.
    """
    wanted = set(source_ids)
    sources = dataset.sources[dataset.sources["source_id"].isin(wanted)]
    cols = ["source_id", "title_zh", "title_en", "issuer", "date", "reliability", "url"]
    return (
        sources[cols]
        .sort_values(["reliability", "source_id"], kind="stable")
        .reset_index(drop=True)
    )


# --------------------------------------------------------------------------------------------
# Forecast helpers
# --------------------------------------------------------------------------------------------


def required_paths(
    dataset: Any,
    assessment: pd.DataFrame,
    *,
    as_of: int | None = None,
    min_reliability: str = "C",
) -> pd.DataFrame:
    """Return the yearly path each assessed target requires (``assess.required_path``).

    Parameters
    ----------
    dataset : ipanalysis.dataset.Dataset
        The dataset.
    assessment : pandas.DataFrame
        An :func:`assessment_table`.
    as_of : int, optional
        Figures up to this year (as in the assessment).
    min_reliability : {"A", "B", "C"}
        Lowest source grade admitted.

    Returns
    -------
    pandas.DataFrame
        ``target_id, region, indicator, year, required_value``, sorted by target then year.
    """
    from ipanalysis.assess import required_path

    series = region_series(dataset, None, as_of=as_of, min_reliability=min_reliability)
    targets = dataset.targets.set_index("target_id")
    names = indicator_names(dataset)
    parts = []
    for rec in assessment.to_dict("records"):
        if rec["target_id"] not in targets.index:
            continue
        target = targets.loc[rec["target_id"]]
        obs = series[
            (series["region"] == rec["region"]) & (series["indicator"] == rec["indicator"])
        ]
        kind = names.at[rec["indicator"], "kind"] if rec["indicator"] in names.index else None
        better = names.at[rec["indicator"], "better"] if rec["indicator"] in names.index else None
        path = required_path(
            {**target.to_dict(), "target_id": rec["target_id"]},
            obs,
            indicator_kind=kind if isinstance(kind, str) else None,
            better=better if better == "lower" else "higher",
        )
        if len(path):
            parts.append(
                path.assign(
                    target_id=rec["target_id"], region=rec["region"], indicator=rec["indicator"]
                )
            )
    cols = ["target_id", "region", "indicator", "year", "required_value"]
    if not parts:
        return pd.DataFrame(columns=cols)
    out = pd.concat(parts, ignore_index=True)[cols]
    out["year"] = out["year"].astype(int)
    out["required_value"] = out["required_value"].astype(float)
    return out


def figures_needed(
    dataset: Any,
    assessment: pd.DataFrame,
    *,
    as_of: int | None = None,
    min_reliability: str = "C",
) -> pd.DataFrame:
    """Say, for each target without enough figures, which figures would settle it.

    A growth ratio needs figures for two years, a forecast interval three. The table lists
    what is there, what to collect, and the values the target requires (its required path:
    per year for every-year, annual-average and cumulative targets, the target level for a
    level target when there is no figure to draw a path from).

    Parameters
    ----------
    dataset : ipanalysis.dataset.Dataset
        The dataset.
    assessment : pandas.DataFrame
        An :func:`assessment_table`.
    as_of : int, optional
        Figures up to this year (as in the assessment).
    min_reliability : {"A", "B", "C"}
        Lowest source grade admitted.

    Returns
    -------
    pandas.DataFrame
        ``target_id, region, indicator, name_zh, name_en, unit, target_year, target,
        n_points, years_held, collect, required`` for targets with status
        ``insufficient_data``; ``required`` lists ``year: value`` pairs.
    """
    lacking = assessment[assessment["status"] == "insufficient_data"]
    paths = required_paths(dataset, lacking, as_of=as_of, min_reliability=min_reliability)
    series = region_series(dataset, None, as_of=as_of, min_reliability=min_reliability)
    rows = []
    for rec in lacking.to_dict("records"):
        ind = _indicator(dataset, rec["indicator"])
        held = sorted(
            series.loc[
                (series["region"] == rec["region"]) & (series["indicator"] == rec["indicator"]),
                "year",
            ].astype(int)
        )
        n = len(held)
        last = int(as_of) if as_of is not None else int(rec["target_year"]) - 1
        if rec["target_kind"] == "keep_improving":
            collect = "逐年数据 every year's figure up to the target year"
        elif n == 0:
            collect = (
                f"至少两年数据（三年可得预测区间），如 {last - 2}–{last} / "
                f"figures for 2+ years (3+ for an interval), e.g. {last - 2}–{last}"
            )
        elif n < MIN_POINTS_GROWTH:
            collect = (
                f"再补一年以上数据（现有 {held[-1]}）/ one more year at least (have {held[-1]})"
            )
        else:
            collect = "见说明 see note"
        path = paths[paths["target_id"] == rec["target_id"]]
        required = "; ".join(
            f"{int(y)}: {fmt_number(v)}"
            for y, v in zip(path["year"], path["required_value"], strict=True)
        )
        rows.append(
            {
                "target_id": rec["target_id"],
                "region": rec["region"],
                "indicator": rec["indicator"],
                "name_zh": ind["name_zh"],
                "name_en": ind["name_en"],
                "unit": ind["unit"],
                "target_year": int(rec["target_year"]),
                "target": target_text(rec, ind["unit"]),
                "n_points": n,
                "years_held": ", ".join(str(y) for y in held) if held else "–",
                "collect": collect,
                "required": required or "–",
                "note": "" if _missing(rec["note"]) else str(rec["note"]),
            }
        )
    cols = [
        "target_id", "region", "indicator", "name_zh", "name_en", "unit", "target_year",
        "target", "n_points", "years_held", "collect", "required", "note",
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=cols)


# --------------------------------------------------------------------------------------------
# Displays (HTML with fixed uuids: deterministic notebook outputs)
# --------------------------------------------------------------------------------------------


def _styled_html(
    frame: pd.DataFrame,
    uuid: str,
    *,
    caption: str | None = None,
    status_column: str | None = None,
    statuses: Sequence[str] | None = None,
    small_columns: Sequence[str] = (),
) -> str:
    """Render a frame of HTML-ready strings with a Styler whose uuid is fixed."""
    styler = frame.style.hide(axis="index").set_uuid(uuid).set_table_styles(_TABLE_STYLES)
    if caption:
        styler = styler.set_caption(caption)
    if status_column is not None and statuses is not None:
        colours = [
            f"background-color: {STATUS_COLOURS.get(s, '#ffffff')}; "
            f"color: {STATUS_TEXT_COLOURS.get(s, '#000000')}; font-weight: bold"
            for s in statuses
        ]
        styler = styler.apply(lambda _: colours, subset=[status_column], axis=0)
    if small_columns:
        styler = styler.set_properties(
            subset=list(small_columns), **{"font-size": "0.8em", "color": "#444"}
        )
    return styler.to_html()


def _empty(message_zh: str, message_en: str) -> HTML:
    return HTML(f"<p><em>{html.escape(message_zh)}</em> — {html.escape(message_en)}</p>")


def show_header(
    dataset: Any,
    region: str | None,
    *,
    title_zh: str,
    title_en: str,
    parameters: Mapping[str, Any],
) -> HTML:
    """Return the report's heading: region names, what the report is, the run's parameters.

    Parameters
    ----------
    dataset : ipanalysis.dataset.Dataset
        The dataset.
    region : str or None
        Region id (None for the overview).
    title_zh, title_en : str
        What the report is (``趋势`` / ``Trends``).
    parameters : mapping
        The notebook's parameters, listed under the heading.

    Returns
    -------
    IPython.display.HTML
        A heading and a parameter line; a note when figures fall back to English labels.
    """
    from ipanalysis import fonts

    if region is None:
        zh, en = "天津市及各区", "Tianjin and its districts"
    else:
        zh, en = region_names(dataset, region)
    params = ", ".join(f"{k} = {v!r}" for k, v in parameters.items())
    parts = [
        f"<h2>{html.escape(zh)} {html.escape(title_zh)}<br>"
        f'<span style="font-size:0.8em">{html.escape(en)} — {html.escape(title_en)}</span></h2>',
        f"<p>参数 Parameters: <code>{html.escape(params)}</code></p>",
    ]
    if not fonts.use_chinese():
        parts.append(
            "<p><em>图中使用英文标签（未找到中文字体）。 Figures use English labels: no CJK font "
            "was found on the machine that ran this report.</em></p>"
        )
    return HTML("\n".join(parts))


def show_verdicts(
    assessment: pd.DataFrame, dataset: Any, *, uuid: str = "verdicts", notes: bool = True
) -> HTML:
    """Return the verdict table, status colour-coded.

    Parameters
    ----------
    assessment : pandas.DataFrame
        An :func:`assessment_table` (one region or several).
    dataset : ipanalysis.dataset.Dataset
        For names and units.
    uuid : str
        Fixed Styler uuid (one per table in a notebook).
    notes : bool
        Include the engine's note on each verdict.

    Returns
    -------
    IPython.display.HTML
        The table.
    """
    if assessment.empty:
        return _empty("没有此年份的目标。", "No targets for these years.")
    shown = verdict_table(assessment, dataset)
    level = shown["interval_level"].iloc[0] or "80%"
    frame = pd.DataFrame(
        {
            "指标<br>Indicator": [
                _bi(z, e)
                for z, e in zip(shown["indicator_zh"], shown["indicator_en"], strict=True)
            ],
            "年份<br>Year": shown["target_year"].astype(str),
            "目标<br>Target": shown["target"].map(html.escape),
            "最新<br>Latest": shown["latest"],
            "数据点<br>Figures": shown["n_points"].astype(str),
            f"预测 [{level} 区间]<br>Forecast [{level} interval]": shown["forecast"],
            "达标概率<br>P(meet)": shown["p_meet"],
            "增长 实际/所需<br>Growth obs./req.": shown["growth"],
            "状态<br>Status": [_bi(*STATUS_LABELS.get(s, (s, s))) for s in shown["status"]],
            "可信度<br>Confidence": shown["confidence"],
            "方法<br>Method": shown["method"],
        }
    )
    if assessment["region"].nunique() > 1:
        frame.insert(0, "地区<br>Region", shown["region"])
    small = []
    if notes:
        frame["说明<br>Note"] = shown["note"].map(html.escape)
        small = ["说明<br>Note"]
    return HTML(
        _styled_html(
            frame,
            uuid,
            status_column="状态<br>Status",
            statuses=list(shown["status"]),
            small_columns=small,
        )
    )


def show_status_counts(assessment: pd.DataFrame, *, uuid: str = "status_counts") -> HTML:
    """Return the number of targets in each status, colour-coded.

    Parameters
    ----------
    assessment : pandas.DataFrame
        An :func:`assessment_table`.
    uuid : str
        Fixed Styler uuid.

    Returns
    -------
    IPython.display.HTML
        A two-column table (status, count) with the total.
    """
    counts = status_counts(assessment)
    frame = pd.DataFrame(
        {
            "状态<br>Status": [_bi(*STATUS_LABELS[s]) for s in counts["status"]] + ["合计 total"],
            "目标数<br>Targets": [*counts["count"].astype(str), str(int(counts["count"].sum()))],
        }
    )
    return HTML(
        _styled_html(
            frame,
            uuid,
            status_column="状态<br>Status",
            statuses=[*counts["status"], "total"],
        )
    )


def show_status_matrix(
    assessment: pd.DataFrame, dataset: Any, *, uuid: str = "status_matrix"
) -> HTML:
    """Return the status of every target, regions as columns (one row per indicator and year).

    Parameters
    ----------
    assessment : pandas.DataFrame
        An :func:`assessment_table` over several regions.
    dataset : ipanalysis.dataset.Dataset
        For names.
    uuid : str
        Fixed Styler uuid.

    Returns
    -------
    IPython.display.HTML
        Rows: indicator × target year (× kind when a region has two kinds for one indicator
        and year); cells: status, colour-coded; empty where a region has no such target.
    """
    if assessment.empty:
        return _empty("没有目标。", "No targets.")
    regions = sorted(assessment["region"].unique())
    keys = ["indicator", "target_year", "target_kind"]
    rows = assessment.sort_values([*keys, "region", "target_id"], kind="stable")
    cells: dict[tuple, dict[str, list[str]]] = {}
    for rec in rows.to_dict("records"):
        key = tuple(rec[k] for k in keys)
        cells.setdefault(key, {}).setdefault(rec["region"], []).append(rec["status"])
    header_regions = {
        r: "<br>".join(html.escape(n) for n in region_names(dataset, r)) for r in regions
    }
    body = []
    for (indicator, year, kind), by_region in cells.items():
        ind = _indicator(dataset, indicator)
        kind_zh, kind_en = KIND_LABELS.get(kind, (kind, kind))
        tds = [
            f"<td>{_bi(ind['name_zh'], ind['name_en'])}</td>",
            f"<td>{int(year)}</td>",
            f"<td>{_bi(kind_zh, kind_en)}</td>",
        ]
        for region in regions:
            statuses = by_region.get(region, [])
            if not statuses:
                tds.append("<td></td>")
                continue
            worst = min(statuses, key=STATUS_ORDER.index)
            label = "<br>".join(_bi(*STATUS_LABELS.get(s, (s, s))) for s in statuses)
            tds.append(
                f'<td style="background-color:{STATUS_COLOURS.get(worst, "#fff")};'
                f'color:{STATUS_TEXT_COLOURS.get(worst, "#000")}">{label}</td>'
            )
        body.append("<tr>" + "".join(tds) + "</tr>")
    head = "".join(
        f"<th>{h}</th>"
        for h in ["指标<br>Indicator", "年份<br>Year", "类型<br>Kind"]
        + [header_regions[r] for r in regions]
    )
    table = (
        f'<table id="T_{html.escape(uuid)}" style="border-collapse:collapse;font-size:0.9em">'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
    )
    return HTML(table)


def show_counts_by_region(
    assessment: pd.DataFrame,
    dataset: Any,
    *,
    regions: Sequence[str] | None = None,
    uuid: str = "counts_by_region",
) -> HTML:
    """Return regions × statuses: how many targets each region has in each status.

    Parameters
    ----------
    assessment : pandas.DataFrame
        An :func:`assessment_table` over several regions.
    dataset : ipanalysis.dataset.Dataset
        For region names.
    regions : sequence of str, optional
        The regions assessed; default every reportable region. A region without targets
        gets a row of zeros (it is not forgotten).
    uuid : str
        Fixed Styler uuid.

    Returns
    -------
    IPython.display.HTML
        The table, status columns headed in Chinese and English, with totals.
    """
    if regions is None:
        regions = reportable_regions(dataset)
    counts = status_counts(assessment, by_region=True, regions=regions)
    frame = pd.DataFrame(
        {"地区<br>Region": [_bi(*region_names(dataset, r)) for r in counts.index]}
    )
    for status in STATUS_ORDER:
        frame[_bi(*STATUS_LABELS[status])] = counts[status].astype(str).to_list()
    frame["合计<br>Total"] = counts["total"].astype(str).to_list()
    total = {
        col: str(int(counts[s].sum()))
        for col, s in zip(frame.columns[1:-1], STATUS_ORDER, strict=True)
    }
    frame.loc[len(frame)] = {
        "地区<br>Region": "合计 Total",
        **total,
        "合计<br>Total": str(int(counts["total"].sum())),
    }
    return HTML(_styled_html(frame, uuid))


def show_most_at_risk(
    assessment: pd.DataFrame, dataset: Any, *, n: int = 10, uuid: str = "most_at_risk"
) -> HTML:
    """Return the targets most at risk (see :func:`most_at_risk`) as a colour-coded table.

    Parameters
    ----------
    assessment : pandas.DataFrame
        An :func:`assessment_table` over several regions.
    dataset : ipanalysis.dataset.Dataset
        For names.
    n : int
        At most this many rows.
    uuid : str
        Fixed Styler uuid.

    Returns
    -------
    IPython.display.HTML
        The table, or a sentence when no target is at risk.
    """
    risky = most_at_risk(assessment, n=n)
    if risky.empty:
        return _empty(
            "没有存在风险或偏离目标的目标。", "No target is at risk, off track or missed."
        )
    return show_verdicts(risky, dataset, uuid=uuid, notes=True)


def show_trends(trends: pd.DataFrame, *, uuid: str = "trends") -> HTML:
    """Return the per-indicator trend summary (span, latest figure, growth rates).

    Parameters
    ----------
    trends : pandas.DataFrame
        A :func:`trend_table`.
    uuid : str
        Fixed Styler uuid.

    Returns
    -------
    IPython.display.HTML
        The table.
    """
    if trends.empty:
        return _empty("此地区没有数据。", "No figures for this region.")
    frame = pd.DataFrame(
        {
            "指标<br>Indicator": [
                _bi(z, e) for z, e in zip(trends["name_zh"], trends["name_en"], strict=True)
            ],
            "单位<br>Unit": trends["unit"].map(html.escape),
            "年份<br>Years": [
                f"{a}–{b}" if a != b else f"{a}"
                for a, b in zip(trends["first_year"], trends["last_year"], strict=True)
            ],
            "数据点<br>Figures": trends["n_points"].astype(str),
            "其中推算<br>of which derived": trends["n_derived"].astype(int).astype(str),
            "最新<br>Latest": [
                f"{fmt_number(v)} ({y})"
                for v, y in zip(trends["last_value"], trends["last_year"], strict=True)
            ],
            "年均增长（首末）<br>CAGR (first→last)": trends["cagr"].map(fmt_pct),
            "近五年年均增长<br>Recent CAGR (≤5 y)": trends["recent_cagr"].map(fmt_pct),
            "回归增长<br>Regression growth": trends["regression_growth"].map(fmt_pct),
            "最近同比<br>Last y/y": trends["last_yoy_growth"].map(fmt_pct),
        }
    )
    return HTML(_styled_html(frame, uuid))


def show_figures(figures: pd.DataFrame, *, uuid: str = "figures") -> HTML:
    """Return every figure with its year-on-year growth, source, and derivation if derived.

    Parameters
    ----------
    figures : pandas.DataFrame
        A :func:`figures_table`.
    uuid : str
        Fixed Styler uuid.

    Returns
    -------
    IPython.display.HTML
        The table; derived figures are marked 推算 derived with their formula, figures whose
        sources disagree are marked 冲突 conflict.
    """
    if figures.empty:
        return _empty("此地区没有数据。", "No figures for this region.")
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
            "指标<br>Indicator": [
                _bi(z, e) for z, e in zip(figures["name_zh"], figures["name_en"], strict=True)
            ],
            "年份<br>Year": figures["year"].astype(int).astype(str),
            "数值<br>Value": [
                f"{fmt_number(v)} {html.escape(u)}".strip()
                for v, u in zip(figures["value"], figures["unit"], strict=True)
            ],
            "同比<br>y/y": figures["yoy_growth"].map(fmt_pct),
            "推算/冲突<br>Derived / conflict": marks,
            "来源<br>Source": [
                _bi(z, e) for z, e in zip(figures["title_zh"], figures["title_en"], strict=True)
            ],
            "可靠性<br>Grade": figures["reliability"].astype(str),
        }
    )
    return HTML(_styled_html(frame, uuid, small_columns=["来源<br>Source"]))


def show_conflicts(conflicts: pd.DataFrame, *, uuid: str = "conflicts") -> HTML:
    """Return the conflicting figures, the one analyses use marked 采用 used.

    Parameters
    ----------
    conflicts : pandas.DataFrame
        A :func:`conflict_table`.
    uuid : str
        Fixed Styler uuid.

    Returns
    -------
    IPython.display.HTML
        The table, or a sentence when there is no conflict.
    """
    if conflicts.empty:
        return _empty("各来源数据一致，没有冲突。", "No conflicting figures: the sources agree.")
    frame = pd.DataFrame(
        {
            "指标<br>Indicator": [
                _bi(z, e) for z, e in zip(conflicts["name_zh"], conflicts["name_en"], strict=True)
            ],
            "年份<br>Year": conflicts["year"].astype(int).astype(str),
            "数值<br>Value": [
                f"{fmt_number(v)} {html.escape(u)} [{fmt_number(lo)}, {fmt_number(hi)}]"
                for v, u, lo, hi in zip(
                    conflicts["value"],
                    conflicts["unit"],
                    conflicts["value_lo"],
                    conflicts["value_hi"],
                    strict=True,
                )
            ],
            "推算<br>Derived": ["推算 derived" if d else "" for d in conflicts["derived"]],
            "来源<br>Source": [
                _bi(z, e)
                for z, e in zip(conflicts["title_zh"], conflicts["title_en"], strict=True)
            ],
            "可靠性<br>Grade": conflicts["reliability"].astype(str),
            "采用<br>Used": ["✓ 采用 used" if s else "" for s in conflicts["selected"]],
            "差异<br>Spread": conflicts["relative_spread"].map(lambda v: fmt_pct(v, signed=False)),
        }
    )
    return HTML(_styled_html(frame, uuid, small_columns=["来源<br>Source"]))


def show_sources(sources: pd.DataFrame, *, uuid: str = "sources") -> HTML:
    """Return the list of sources (Chinese title, English title, issuer, date, grade, link).

    Parameters
    ----------
    sources : pandas.DataFrame
        A :func:`sources_table`.
    uuid : str
        Fixed Styler uuid.

    Returns
    -------
    IPython.display.HTML
        The table.
    """
    if sources.empty:
        return _empty("没有来源。", "No sources.")

    def link(url: Any) -> str:
        if _missing(url) or not str(url):
            return ""
        safe = html.escape(str(url), quote=True)
        return f'<a href="{safe}">{safe}</a>'

    frame = pd.DataFrame(
        {
            "来源<br>Source": [
                _bi(z, e) for z, e in zip(sources["title_zh"], sources["title_en"], strict=True)
            ],
            "发布者<br>Issuer": sources["issuer"].fillna("").map(html.escape),
            "日期<br>Date": sources["date"].fillna("").astype(str),
            "可靠性<br>Grade": sources["reliability"].map(
                lambda g: html.escape(RELIABILITY_LABELS.get(g, str(g)))
            ),
            "编号<br>Id": sources["source_id"].map(html.escape),
            "链接<br>Link": sources["url"].map(link),
        }
    )
    return HTML(_styled_html(frame, uuid, small_columns=["链接<br>Link"]))


def show_figures_needed(needed: pd.DataFrame, *, uuid: str = "figures_needed") -> HTML:
    """Return, per target without enough figures, which figures to collect and the path.

    Parameters
    ----------
    needed : pandas.DataFrame
        A :func:`figures_needed`.
    uuid : str
        Fixed Styler uuid.

    Returns
    -------
    IPython.display.HTML
        The table, or a sentence when every target has enough figures.
    """
    if needed.empty:
        return _empty("所有目标都有足够的数据。", "Every target has enough figures to assess.")
    frame = pd.DataFrame(
        {
            "指标<br>Indicator": [
                _bi(z, e) for z, e in zip(needed["name_zh"], needed["name_en"], strict=True)
            ],
            "年份<br>Year": needed["target_year"].astype(str),
            "目标<br>Target": needed["target"].map(html.escape),
            "现有数据<br>Figures held": needed["years_held"],
            "需要补充<br>To collect": needed["collect"].map(html.escape),
            "达标所需路径<br>Required path": needed["required"].map(html.escape),
        }
    )
    return HTML(_styled_html(frame, uuid, small_columns=["达标所需路径<br>Required path"]))
