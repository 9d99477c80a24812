"""The yearly path a series would have to follow to meet a target."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ipanalysis.assess.growth_ratio import (
    base_figure,
    period_start,
)
from ipanalysis.assess.improving import start_figure
from ipanalysis.assess.rules import (
    as_float,
    int_or_none,
    make_band,
)
from ipanalysis.model.growth import required_growth
from ipanalysis.vocab import PERIOD_KINDS


def required_path(
    target_row,
    series_for_indicator: pd.DataFrame,
    *,
    indicator_kind: str | None = None,
    better: str = "higher",
) -> pd.DataFrame:
    """Return the yearly path a series would have to follow to meet a target.

    Parameters
    ----------
    target_row : mapping or pandas.Series
        One target.
    series_for_indicator : pandas.DataFrame
        The figures for the target's region and indicator (``year``, ``value``).
    indicator_kind : str, optional
        ``percent`` (or a non-positive end point) gives a straight line instead of constant
        growth.
    better : {"higher", "lower"}, default "higher"
        Which end of a range is the near one.

    Returns
    -------
    pandas.DataFrame
        ``year, required_value``:

        - level, range, avg_growth: from the latest figure before the target year (for
          avg_growth: from the base-year figure, ``base*(1+g)**(t-base)``) to the target level,
          at constant growth; just the target point when there is no figure;
        - every_year: the floor N over the period; annual_average: the average X each year;
          cumulative: ``X / k`` each year (a flat flow that reaches the total);
        - a level the latest figure already meets (in the indicator's better direction): a
          flat path at the latest figure from its year, never a path down to the target;
        - keep_improving: flat at the start figure (the end must beat it), from its year;
        - a level that cannot be placed (range increase without a base
          figure, avg_growth without one): empty.
    """
    tgt = dict(target_row)
    obs = series_for_indicator.sort_values("year", kind="stable")
    kind = tgt["kind"]
    target_year = int(tgt["target_year"])
    value = as_float(tgt["value"])
    empty = pd.DataFrame({"year": pd.Series(dtype=int), "required_value": pd.Series(dtype=float)})
    base_year = int_or_none(tgt.get("base_year"))
    if kind in PERIOD_KINDS:
        notes: list[str] = []
        start = period_start(tgt, notes) or target_year
        years = np.arange(start, target_year + 1)
        per_year = value / years.size if kind == "cumulative" else value
        return pd.DataFrame({"year": years, "required_value": np.full(years.size, per_year)})
    if kind == "keep_improving":
        y0, v0 = start_figure(obs, tgt)
        if not np.isfinite(v0):
            return empty
        years = np.arange(int(y0), target_year + 1)
        return pd.DataFrame({"year": years, "required_value": np.full(years.size, v0)})
    if kind == "avg_growth":
        base = base_figure(obs, base_year)
        if not np.isfinite(base):
            return empty
        years = np.arange(base_year, target_year + 1)
        path = base * (1 + value / 100.0) ** (years - base_year)
        return pd.DataFrame({"year": years, "required_value": path})
    if kind == "range":
        lo, hi = value, as_float(tgt.get("value_max"))
        if tgt.get("value_basis") == "increase":
            base = base_figure(obs, base_year)
            if not np.isfinite(base):
                return empty
            lo, hi = base + lo, base + hi
        aim = make_band(">=", lo, better, value_max=hi).aim if np.isfinite(hi) else lo
    else:
        aim = value
    before = obs[obs["year"] < target_year]
    if len(before) == 0 or not np.isfinite(aim):
        return pd.DataFrame({"year": [target_year], "required_value": [aim]})
    y0, v0 = int(before["year"].iloc[-1]), float(before["value"].iloc[-1])
    years = np.arange(y0, target_year + 1)
    higher = better != "lower"
    if (v0 >= aim) if higher else (v0 <= aim):
        # already beyond the target: the path is to stay there, never a fall back to it
        return pd.DataFrame({"year": years, "required_value": np.full(years.size, v0)})
    if indicator_kind != "percent" and v0 > 0 and aim > 0:
        growth = required_growth(v0, y0, aim, target_year)
        path = v0 * (1 + growth) ** (years - y0)
    else:
        path = v0 + (aim - v0) * (years - y0) / (target_year - y0)
    return pd.DataFrame({"year": years, "required_value": path})
