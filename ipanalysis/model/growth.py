"""Trend statistics of yearly series: year-on-year growth, endpoint CAGR, regression growth.

All growth rates are fractions per year (0.153, not 15.3). A growth rate needs positive values:
where a value is zero or negative the rate is NaN, never an error.

- **year-on-year growth** ``v(t) / v(t-1) - 1``, only where the previous figure is for the year
  immediately before (a gap gives NaN, not a silently annualised rate).
- **endpoint CAGR** ``(v1 / v0) ** (1 / (t1 - t0)) - 1``: the compound annual growth between two
  figures. Over a whole series this is exactly the random walk with drift on the log scale
  (Hyndman, *Forecasting: Principles and Practice*, section 5.2).
- **regression growth** ``exp(b) - 1`` where ``b`` is the OLS slope of ``log(value)`` on year: the
  constant growth that fits every point, not just the two ends.
- **recent CAGR** the endpoint CAGR over the most recent window (Eurostat's SDG progress
  assessment looks at the last five years): from the earliest figure at most ``window`` years
  before the latest one, or from the previous figure if none is that recent.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

SERIES_KEYS = ["region", "indicator"]
GROWTH_WINDOW_YEARS = 5

TREND_COLUMNS = [
    "region",
    "indicator",
    "first_year",
    "last_year",
    "n_points",
    "first_value",
    "last_value",
    "cagr",
    "regression_growth",
    "last_yoy_growth",
    "recent_cagr",
    "recent_start_year",
    "has_nonpositive",
]


def endpoint_cagr(value_start: float, value_end: float, years: float) -> float:
    """Return the compound annual growth rate between two figures.

    Parameters
    ----------
    value_start, value_end : float
        The first and last figure, in the same unit.
    years : float
        Years between them (``t1 - t0``).

    Returns
    -------
    float
        ``(value_end / value_start) ** (1 / years) - 1`` as a fraction per year; NaN if
        ``years <= 0``, ``value_start <= 0`` or ``value_end < 0`` (no growth rate exists).
    """
    if not (years > 0) or not (value_start > 0) or not (value_end >= 0):
        return float("nan")
    return float((value_end / value_start) ** (1.0 / years) - 1.0)


def required_growth(
    latest_value: float, latest_year: int, target_value: float, target_year: int
) -> float:
    """Return the constant annual growth that takes the latest figure to a target level.

    Parameters
    ----------
    latest_value : float
        The latest observed figure.
    latest_year : int
        Its year.
    target_value : float
        The level to reach.
    target_year : int
        The year by which to reach it.

    Returns
    -------
    float
        The CAGR from ``latest_value`` to ``target_value`` over ``target_year - latest_year``
        years, as a fraction; NaN when the target year is not after the latest year or a value
        is not positive. Negative when the target is below the latest figure.
    """
    return endpoint_cagr(latest_value, target_value, target_year - latest_year)


def regression_growth(years, values) -> float:
    """Return ``exp(b) - 1`` where ``b`` is the least-squares slope of ``log(value)`` on year.

    Parameters
    ----------
    years, values : array-like
        The series; at least two distinct years.

    Returns
    -------
    float
        The constant annual growth fitted to every point, as a fraction; NaN if fewer than two
        points or any value is not positive. (A closed-form slope: the same number as the
        log-linear OLS in :mod:`ipanalysis.model.trend`, without the model machinery.)
    """
    x = np.asarray(years, dtype=float)
    y = np.asarray(values, dtype=float)
    if x.size < 2 or np.unique(x).size < 2 or np.any(~(y > 0)):
        return float("nan")
    ly = np.log(y)
    xc = x - x.mean()
    slope = float(np.sum(xc * (ly - ly.mean())) / np.sum(xc**2))
    return float(np.expm1(slope))


def recent_cagr(years, values, window: int = GROWTH_WINDOW_YEARS) -> tuple[float, float]:
    """Return the endpoint CAGR over the most recent window and the year it starts from.

    Parameters
    ----------
    years, values : array-like
        The series, in any order.
    window : int, default 5
        Look back at most this many years from the latest figure. If no earlier figure falls in
        the window, the previous figure is used (a longer span, still two points).

    Returns
    -------
    tuple of float
        ``(growth, start_year)``; ``(nan, nan)`` with fewer than two figures.
    """
    x = np.asarray(years, dtype=float)
    y = np.asarray(values, dtype=float)
    if x.size < 2:
        return float("nan"), float("nan")
    order = np.argsort(x, kind="stable")
    x, y = x[order], y[order]
    start = recent_window_start(x, window)
    return endpoint_cagr(y[start], y[-1], x[-1] - x[start]), float(x[start])


def recent_window_start(years: np.ndarray, window: int = GROWTH_WINDOW_YEARS) -> int:
    """Return the index of the figure recent growth is measured from (the growth window rule).

    Parameters
    ----------
    years : numpy.ndarray
        Sorted years, at least two.
    window : int, default 5
        Look back at most this many years from the latest figure.

    Returns
    -------
    int
        The earliest figure at most ``window`` years before the latest one; the previous
        figure if none is that recent (a longer span, still two points).
    """
    return min(int(np.flatnonzero(years >= years[-1] - window)[0]), years.size - 2)


def yoy_growth(series: pd.DataFrame) -> pd.DataFrame:
    """Add year-on-year growth to every row of a tidy series (``region, indicator, year, value``).

    Returns a copy sorted by region, indicator, year with two more columns: ``prev_year`` (the
    previous figure's year, ``<NA>`` for the first) and ``yoy_growth`` (fraction; NaN when the
    previous figure is not for ``year - 1`` or is not positive).
    """
    out = series.sort_values([*SERIES_KEYS, "year"], kind="stable").reset_index(drop=True)
    grouped = out.groupby(SERIES_KEYS, sort=False)
    prev_year = grouped["year"].shift(1)
    prev_value = grouped["value"].shift(1)
    consecutive = (out["year"] - prev_year) == 1
    ratio = out["value"].astype(float) / prev_value.where(prev_value > 0)
    out["prev_year"] = prev_year.astype("Int64")
    out["yoy_growth"] = (ratio - 1.0).where(consecutive).astype(float)
    return out


def summarise_trend(years, values) -> dict:
    """Return the trend statistics of one series as a dict (see :func:`compute_trends`).

    Parameters
    ----------
    years, values : array-like
        One series.

    Returns
    -------
    dict
        Keys as in ``TREND_COLUMNS`` without ``region`` and ``indicator``.
    """
    x = np.asarray(years, dtype=float)
    y = np.asarray(values, dtype=float)
    order = np.argsort(x, kind="stable")
    x, y = x[order], y[order]
    n = x.size
    last_yoy = float("nan")
    if n >= 2 and x[-1] - x[-2] == 1 and y[-2] > 0:
        last_yoy = float(y[-1] / y[-2] - 1.0)
    growth, start = recent_cagr(x, y)
    return {
        "first_year": int(x[0]) if n else pd.NA,
        "last_year": int(x[-1]) if n else pd.NA,
        "n_points": int(n),
        "first_value": float(y[0]) if n else float("nan"),
        "last_value": float(y[-1]) if n else float("nan"),
        "cagr": endpoint_cagr(y[0], y[-1], x[-1] - x[0]) if n >= 2 else float("nan"),
        "regression_growth": regression_growth(x, y),
        "last_yoy_growth": last_yoy,
        "recent_cagr": growth,
        "recent_start_year": int(start) if np.isfinite(start) else pd.NA,
        "has_nonpositive": bool(np.any(~(y > 0))),
    }


def compute_trends(series: pd.DataFrame) -> pd.DataFrame:
    """Summarise the trend of every series of a tidy table (``region, indicator, year, value``).

    One row per region and indicator, sorted, with columns :data:`TREND_COLUMNS`: first and last
    year and value, number of figures, endpoint ``cagr`` (whole series), log-linear
    ``regression_growth``, ``last_yoy_growth`` (NaN unless the last two figures are for
    consecutive years), ``recent_cagr`` from ``recent_start_year`` (five-year window), and
    ``has_nonpositive`` (a zero or negative figure: growth rates are NaN).
    """
    rows = []
    ordered = series.sort_values([*SERIES_KEYS, "year"], kind="stable")
    for (region, indicator), grp in ordered.groupby(SERIES_KEYS, sort=True):
        rows.append(
            {
                "region": region,
                "indicator": indicator,
                **summarise_trend(grp["year"], grp["value"]),
            }
        )
    out = pd.DataFrame(rows, columns=TREND_COLUMNS)
    for col in ("first_year", "last_year", "recent_start_year"):
        out[col] = out[col].astype("Int64")
    out["n_points"] = out["n_points"].astype(int)
    out["has_nonpositive"] = out["has_nonpositive"].astype(bool)
    return out
