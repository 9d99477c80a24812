"""A forecast for every series, and how the latest figure compares with the one made before it.

``outputs/<region>/forecasts.csv`` (:func:`write_forecasts`, written by the runner) gives, for
every series of a region with at least one figure, the years after its latest figure with the
deployed forecast (:func:`ipanalysis.model.damped.fit_assessment_trend`, the model the
assessment uses, on the same figures and growth pools), its interval and the evidence tier of
that situation (:func:`ipanalysis.assess.evidence.evidence_of`). A researcher holds a new figure
against these rows.

Each series' latest figure is also held against **the forecast made before it**: the vintage of
30 June of the figure's year (:func:`ipanalysis.data.vintage.vintage_dataset` with ``as_of`` one
year before the figure: only what was published before the white paper that brought it, the
backtest's convention), fitted with that vintage's pools. ``latest_check`` says whether the
figure fell ``inside`` that vintage's interval, ``below`` or ``above`` it (a surprise), or that
there was ``no_forecast`` (no earlier figure) or ``no_interval``. The check is made from the data
alone, so a rerun gives the same answer.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from ipanalysis.assess.evidence import evidence_of, situation_table
from ipanalysis.data.dataset import Dataset
from ipanalysis.data.regions import reportable_region_ids
from ipanalysis.data.vintage import vintage_dataset
from ipanalysis.model.damped import designation_indicators, estimate_pools, fit_assessment_trend
from ipanalysis.report.files import write_csv
from ipanalysis.report.lookups import with_indicator_names
from ipanalysis.scope import Scope
from ipanalysis.vocab import pool_of

#: ``forecasts.csv``: one row per series and forecast year (labels in ``columns.csv``).
FORECAST_COLUMNS = [
    "region", "indicator", "name_zh", "name_en", "unit", "pool", "n_points", "latest_year",
    "latest_value", "forecast_year", "years_ahead", "forecast", "forecast_lower",
    "forecast_upper", "interval_level", "method", "evidence", "evidence_reason",
    "previous_forecast", "previous_lower", "previous_upper", "latest_check", "as_of",
]  # fmt: skip
#: The file's name in each region's folder.
FORECASTS_CSV = "forecasts.csv"
#: Forecast years run to this many years after the region's latest figure.
YEARS_AHEAD = 3
#: Why a count an office sets itself has no forecast.
OFFICE_REASON = (
    "取决于主管部门：由主管部门自行认定或组织，不作趋势预测 / depends on the office: a count it "
    "sets itself, not forecast"
)
#: ``latest_check`` values that are surprises: the figure fell outside the earlier interval.
SURPRISES = ("below", "above")


def _scoped(dataset: Dataset, scope: Scope) -> tuple[pd.DataFrame, dict, pd.DataFrame]:
    """Return the series, growth pools and backtest situations the assessment uses."""
    data = dataset if scope.as_of is None else vintage_dataset(dataset, scope.as_of)
    series = data.series(min_reliability=scope.min_reliability)
    return series, estimate_pools(series, data.indicators), situation_table(data, scope)


def _kinds(dataset: Dataset) -> dict[str, str | None]:
    kinds = zip(dataset.indicators["indicator_id"], dataset.indicators["kind"], strict=True)
    return {i: (k if isinstance(k, str) else None) for i, k in kinds}


def forecast_table(
    dataset: Dataset, scope: Scope, regions: Sequence[str] | str | None = None
) -> pd.DataFrame:
    """Return the forecast of every series of ``regions`` with at least one figure.

    Parameters
    ----------
    dataset : Dataset
        The dataset.
    scope : Scope
        As-of year, minimum grade and interval level (target years play no part).
    regions : sequence of str, str or None
        Region ids; None: every reportable region.

    Returns
    -------
    pandas.DataFrame
        :data:`FORECAST_COLUMNS`: for each series, one row per year from the one after its
        latest figure to :data:`YEARS_AHEAD` years after the region's latest figure (at least
        one), sorted by region, indicator, forecast year. A series that cannot be forecast
        (a single non-positive figure) has one row with an empty forecast and evidence ``none``.
    """
    if regions is None:
        regions = reportable_region_ids(dataset.regions)
    wanted = [regions] if isinstance(regions, str) else list(regions)
    series, pools, situations = _scoped(dataset, scope)
    series = series[series["region"].isin(wanted)]
    kinds = _kinds(dataset)
    offices = set(designation_indicators(dataset.indicators))
    checks = latest_checks(dataset, scope, series[~series["indicator"].isin(offices)])
    rows = []
    for region, in_region in series.groupby("region", sort=True):
        last_year = int(in_region["year"].max()) + YEARS_AHEAD
        for indicator, obs in in_region.groupby("indicator", sort=True):
            check = checks.get((region, indicator), {})
            if indicator in offices:
                rows.append(_office_row(obs, scope, check))
                continue
            rows += _series_rows(obs, kinds.get(indicator), (pools, situations), scope,
                                 last_year, check)  # fmt: skip
    table = pd.DataFrame(rows, columns=[c for c in FORECAST_COLUMNS if c not in
                                        ("name_zh", "name_en", "unit")])  # fmt: skip
    table = with_indicator_names(table, dataset)[FORECAST_COLUMNS]
    return table.sort_values(["region", "indicator", "forecast_year"], kind="stable").reset_index(
        drop=True
    )


def _common(obs: pd.DataFrame, pool: str, scope: Scope, check: dict) -> dict:
    """Return what every forecast row of a series shares."""
    return {
        "region": obs["region"].iloc[0],
        "indicator": obs["indicator"].iloc[0],
        "pool": pool,
        "n_points": len(obs),
        "latest_year": int(obs["year"].iloc[-1]),
        "latest_value": float(obs["value"].iloc[-1]),
        "interval_level": scope.interval_level,
        "as_of": scope.as_of,
        "previous_forecast": np.nan,
        "previous_lower": np.nan,
        "previous_upper": np.nan,
        "latest_check": "no_forecast",
        **check,
    }


def _office_row(obs: pd.DataFrame, scope: Scope, check: dict) -> dict:
    """Return the one row of a count an office sets itself: no forecast, ask the office."""
    obs = obs.sort_values("year", kind="stable")
    return {
        **_common(obs, "designation", scope, check),
        "forecast_year": int(obs["year"].iloc[-1]) + 1,
        "years_ahead": 1,
        "forecast": np.nan,
        "forecast_lower": np.nan,
        "forecast_upper": np.nan,
        "method": "none",
        "evidence": "designation",
        "evidence_reason": OFFICE_REASON,
    }


def _series_rows(
    obs: pd.DataFrame,
    kind: str | None,
    model: tuple[dict, pd.DataFrame],
    scope: Scope,
    last_year: int,
    check: dict,
) -> list[dict]:
    """Return the forecast rows of one series (one per forecast year).

    ``model`` is the growth pools and the backtest's situations (for the evidence tier).
    """
    pools, situations = model
    obs = obs.sort_values("year", kind="stable")
    latest = int(obs["year"].iloc[-1])
    pool = pool_of(kind)
    common = _common(obs, pool, scope, check)
    try:
        fit = fit_assessment_trend(obs, kind, pools=pools)
    except ValueError as err:
        return [{**common, "forecast_year": latest + 1, "years_ahead": 1, "forecast": np.nan,
                 "forecast_lower": np.nan, "forecast_upper": np.nan, "method": "none",
                 "evidence": "none", "evidence_reason": f"cannot forecast: {err}"}]  # fmt: skip
    years = np.arange(latest + 1, max(last_year, latest + 1) + 1)
    predicted = fit.predict(years, level=scope.interval_level)
    rows = []
    for rec in predicted.to_dict("records"):
        ahead = int(rec["year"]) - latest
        evidence, reason = evidence_of(pool, len(obs), ahead, situations)
        rows.append({**common, "forecast_year": int(rec["year"]), "years_ahead": ahead,
                     "forecast": rec["forecast"], "forecast_lower": rec["lower"],
                     "forecast_upper": rec["upper"], "method": fit.method,
                     "evidence": evidence, "evidence_reason": reason})  # fmt: skip
    return rows


def latest_checks(
    dataset: Dataset, scope: Scope, series: pd.DataFrame
) -> dict[tuple[str, str], dict]:
    """Hold each series' latest figure against the forecast the previous vintage made for it.

    Parameters
    ----------
    dataset : Dataset
        The full dataset (the vintages are cut from it).
    scope : Scope
        Minimum grade and interval level.
    series : pandas.DataFrame
        The series to check (``region, indicator, year, value``).

    Returns
    -------
    dict
        ``(region, indicator)`` → ``previous_forecast, previous_lower, previous_upper,
        latest_check`` (see the module's docstring).
    """
    kinds = _kinds(dataset)
    latest = series.sort_values("year", kind="stable").groupby(["region", "indicator"]).tail(1)
    checks = {}
    for year, figures in latest.groupby("year", sort=True):
        before = vintage_dataset(dataset, int(year) - 1)
        earlier = before.series(min_reliability=scope.min_reliability)
        pools = estimate_pools(earlier, before.indicators)
        grouped = dict(tuple(earlier.groupby(["region", "indicator"])))
        for rec in figures.to_dict("records"):
            obs = grouped.get((rec["region"], rec["indicator"]))
            checks[(rec["region"], rec["indicator"])] = _check_figure(
                obs, kinds.get(rec["indicator"]), pools, int(year), float(rec["value"]), scope
            )
    return checks


def _check_figure(
    obs: pd.DataFrame | None, kind: str | None, pools: dict, year: int, value: float, scope: Scope
) -> dict:
    """Return the earlier forecast for ``year`` and where ``value`` fell against its interval."""
    if obs is None or obs.empty:
        return {"latest_check": "no_forecast"}
    try:
        fit = fit_assessment_trend(obs, kind, pools=pools)
    except ValueError:
        return {"latest_check": "no_forecast"}
    rec = fit.predict([year], level=scope.interval_level).iloc[0]
    lower, upper = float(rec["lower"]), float(rec["upper"])
    if not (np.isfinite(lower) and np.isfinite(upper)):
        check = "no_interval"
    else:
        check = "below" if value < lower else "above" if value > upper else "inside"
    return {"previous_forecast": float(rec["forecast"]), "previous_lower": lower,
            "previous_upper": upper, "latest_check": check}  # fmt: skip


def write_forecasts(
    dataset: Dataset, regions: Sequence[str] | None, scope: Scope, path: Path
) -> Path:
    """Write ``forecasts.csv`` for ``regions`` (None: every reportable region) to ``path``.

    The runner's table writer (:func:`ipanalysis.runner.run.table_writers`).
    """
    return write_csv(forecast_table(dataset, scope, regions), path)


def read_forecasts(path: str | Path) -> pd.DataFrame | None:
    """Read a ``forecasts.csv`` (None when missing or unreadable)."""
    try:
        return pd.read_csv(path, encoding="utf-8-sig", keep_default_na=False, na_values=[""])
    except (OSError, ValueError, pd.errors.ParserError):
        return None
