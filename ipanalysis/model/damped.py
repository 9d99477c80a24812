"""The deployed forecast: the pooled damped drift (and its linear fallback).

方法(两句话): 预测从最新一个数字出发, 按该指标近五年的年均增长率外推, 增长率先向同类指标
(存量类: 存量、每万人口、数量; 流量类: 流量、比例) 的平均增长率适度收缩, 且每往后一年只保留
上一年增长的 80% (阻尼); 区间宽度取自同类指标历年增长围绕各自平均增长的波动 (合并估计),
距最新数字的年数越多 (预测越远或数据越旧), 区间越宽。p_meet 是"如果该指标今后的表现与同类
指标过去一样"时达到目标的概率; 它不包括政策变化、统计口径调整或数据修订等断点带来的风险。

In two sentences: the forecast starts from the latest figure and grows it at the indicator's
log growth over the last five years, pulled toward the mean growth of indicators of the same
kind (stock-like: stock, ratio, count; flow-like: flow, percent) and damped so that each
further year keeps 80% of the previous year's growth; the interval comes from how much yearly
growth has scattered around each series' own average across all series of that kind, and
widens with every year between the latest figure and the forecast year (further ahead, or
older data). ``p_meet`` is the probability of meeting the target if the indicator behaves as
indicators of its kind did before; it does not cover breaks (a policy change, a changed
statistical definition, a revised figure).

Formally, with ``d`` the series' recent log growth per year over ``span`` years
(:func:`recent_drift`), the pool's mean drift ``m``, noise variance per year ``s2`` and
between-series drift variance ``t2`` (:func:`estimate_pool`, a weighted least-squares fit of each
change's growth per year on one dummy per series, weights = span):

- shrunk drift ``d* = m + w (d - m)`` with ``w = t2 / (t2 + s2 / span)``, variance
  ``v = w s2 / span`` (one figure: ``d* = m``, ``v = t2 + s2``);
- ``log y(T + h) = log y(T) + d* (phi + phi**2 + ... + phi**h)``, ``phi = 0.8``;
- ``Var = s2 h + (phi + ... + phi**h)**2 v``; Student t with the pooled regression's residual
  degrees of freedom.

Why this model: it was chosen by the vintage backtest (:mod:`ipanalysis.model.backtest`,
``outputs/backtest.csv``, where every number lives): scored by situation against no change, the
random walk with drift, the log-linear trend, the procedure shipped before and the same model
undamped or unshrunk. Where its intervals are not calibrated (the backtest says which
situations), its verdicts are shown as indicative leans, not tuned to fit
(:mod:`ipanalysis.assess.evidence`). A series with a zero or negative figure has no log growth:
the linear OLS trend of :mod:`ipanalysis.model.trend` is used, and said
(:func:`fit_assessment_trend`).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ipanalysis.model.growth import GROWTH_WINDOW_YEARS, recent_window_start
from ipanalysis.model.predictive import Forecast, random_walk_cov
from ipanalysis.model.trend import fit_trend, nonpositive_reason, prepare_series
from ipanalysis.vocab import POOLS, pool_of

#: Each further year keeps this share of the previous year's growth.
DAMPING = 0.8
#: The linear fallback fits the figures of the last ten years (at least three figures).
FIT_WINDOW_YEARS = 10


@dataclass(frozen=True)
class GrowthPool:
    """Yearly log growth of every series of one pool, as a pooled regression.

    Attributes
    ----------
    group : str
        ``stock_like`` or ``flow_like``.
    mean_drift : float
        The typical log growth per year of the pool's series (mean of their drifts).
    noise_var : float
        Variance per year of the log changes around each series' own drift (pooled).
    drift_var : float
        Variance of the drifts between series (method of moments, at least 1e-4).
    df : float
        Residual degrees of freedom of the pooled regression.
    n_series, n_changes : int
        Series and year-to-year changes the pool was estimated from.
    mean_abs_change : float
        The typical size of a yearly log change (mean of |change| per year): the backtest
        scales its errors by it (a naive error that exists even for one-figure series).
    """

    group: str
    mean_drift: float
    noise_var: float
    drift_var: float
    df: float
    n_series: int
    n_changes: int
    mean_abs_change: float = 0.1


def pool_changes(series: pd.DataFrame, indicators: pd.DataFrame) -> pd.DataFrame:
    """Return every yearly log change the pools are estimated from, one row per change.

    Positive series with two figures or more, of indicators that are not set by designation
    (see :func:`estimate_pool`).

    Parameters
    ----------
    series : pandas.DataFrame
        Tidy figures (``region, indicator, year, value``): every series available.
    indicators : pandas.DataFrame
        ``indicator_id, kind`` (and ``basis``, when known).

    Returns
    -------
    pandas.DataFrame
        ``pool, region, indicator, span, rate``: ``span`` the years between two figures,
        ``rate`` the log change per year.
    """
    kinds = dict(zip(indicators["indicator_id"], indicators["kind"], strict=True))
    designated = set(designation_indicators(indicators))
    parts = []
    ordered = series.sort_values(["region", "indicator", "year"], kind="stable")
    for (region, indicator), grp in ordered.groupby(["region", "indicator"], sort=True):
        kind = kinds.get(indicator)
        x, y = grp["year"].to_numpy(dtype=float), grp["value"].to_numpy(dtype=float)
        if indicator in designated or x.size < 2 or np.any(y <= 0):
            continue
        span = np.diff(x)
        parts.append(
            pd.DataFrame(
                {
                    "pool": pool_of(kind if isinstance(kind, str) else None),
                    "region": region,
                    "indicator": indicator,
                    "span": span,
                    "rate": np.diff(np.log(y)) / span,
                }
            )
        )
    columns = ["pool", "region", "indicator", "span", "rate"]
    return pd.concat(parts, ignore_index=True)[columns] if parts else pd.DataFrame(columns=columns)


def pool_from_changes(changes: pd.DataFrame, group: str) -> GrowthPool:
    """Estimate one pool from its yearly log changes (:func:`pool_changes`).

    The weighted least-squares regression of each change's rate on one dummy per series,
    weights = span (a k-year change has 1/k the variance of a yearly rate), in closed form:
    each series' drift is its span-weighted mean rate, the noise variance the weighted
    residual sum of squares over the residual degrees of freedom.

    Parameters
    ----------
    changes : pandas.DataFrame
        ``pool, region, indicator, span, rate``.
    group : str
        The pool (:func:`ipanalysis.vocab.pool_of`).

    Returns
    -------
    GrowthPool
        The pool; with no usable change the noise variance falls back to 0.01 (a 10% yearly
        log standard deviation) and the drift to 0, with ``df = 0``.
    """
    mine = changes[changes["pool"] == group]
    ids = mine["region"] + "\0" + mine["indicator"]
    n_series, n_changes = int(ids.nunique()), len(mine)
    if n_series == 0 or n_changes <= n_series:
        return GrowthPool(group, 0.0, 0.01, 0.01, 0.0, n_series, n_changes)
    span, rate = mine["span"].to_numpy(float), mine["rate"].to_numpy(float)
    weighted = pd.DataFrame({"id": ids.to_numpy(), "w": span, "wr": span * rate})
    sums = weighted.groupby("id", sort=True)[["w", "wr"]].sum()
    drifts = (sums["wr"] / sums["w"]).to_numpy()
    fitted = (sums["wr"] / sums["w"]).reindex(ids.to_numpy()).to_numpy()
    df = n_changes - n_series
    noise = float(np.sum(span * (rate - fitted) ** 2) / df)
    between = float(np.var(drifts, ddof=1)) if drifts.size > 1 else 0.0
    drift_var = max(between - float(np.mean(noise / sums["w"].to_numpy())), 1e-4)
    return GrowthPool(
        group,
        float(np.mean(drifts)),
        noise,
        drift_var,
        float(df),
        n_series,
        n_changes,
        float(np.mean(np.abs(rate))),
    )


def estimate_pool(series: pd.DataFrame, indicators: pd.DataFrame, group: str) -> GrowthPool:
    """Estimate one pool's growth statistics from every series of its kinds.

    Indicators an office sets by designation (``basis`` ``designation``: centres it
    designates, events it holds) are left out: their counts jump when the office decides and
    are no trend process (one city's operation centres, 21 → 49 in a year, used to push the
    stock pool's mean growth from 18% to 23.5%). See :func:`pool_from_changes`.

    Parameters
    ----------
    series : pandas.DataFrame
        Tidy figures (``region, indicator, year, value``): every series available, not only
        the one to forecast.
    indicators : pandas.DataFrame
        ``indicator_id, kind`` (and ``basis``, when known).
    group : str
        The pool (:func:`ipanalysis.vocab.pool_of`).

    Returns
    -------
    GrowthPool
        The pool.
    """
    return pool_from_changes(pool_changes(series, indicators), group)


def estimate_pools(series: pd.DataFrame, indicators: pd.DataFrame) -> dict[str, GrowthPool]:
    """Estimate both pools (:func:`estimate_pool`) from the same figures.

    Parameters
    ----------
    series : pandas.DataFrame
        Tidy figures of every region and indicator available at the time.
    indicators : pandas.DataFrame
        ``indicator_id, kind``.

    Returns
    -------
    dict
        ``{"stock_like": GrowthPool, "flow_like": GrowthPool}``.
    """
    changes = pool_changes(series, indicators)
    return {g: pool_from_changes(changes, g) for g in POOLS}


def designation_indicators(indicators: pd.DataFrame) -> list[str]:
    """Return the ids of the indicators an office sets by designation (``basis``)."""
    if "basis" not in indicators:
        return []
    return list(indicators.loc[indicators["basis"] == "designation", "indicator_id"])


@dataclass(frozen=True)
class DampedDrift(Forecast):
    """The pooled damped drift fitted to one series: see :func:`fit_damped_drift`.

    Attributes
    ----------
    drift : float
        The shrunk log growth per year the forecast starts from.
    drift_var : float
        Its variance.
    pool : GrowthPool
        The pool the variances come from.
    damping : float
        Each further year keeps this share of the previous year's growth.
    """

    drift: float = 0.0
    drift_var: float = 0.0
    pool: GrowthPool | None = None
    damping: float = DAMPING

    @property
    def df_resid(self) -> float:
        """Degrees of freedom of the pooled variance (intervals exist whenever it is >= 1)."""
        return float(self.pool.df) if self.pool is not None else 0.0

    @property
    def log_scale(self) -> bool:
        """Always: the drift is a growth rate, the model works on ``log(value)``."""
        return True

    @property
    def growth(self) -> float:
        """Growth per year in the first forecast year: ``exp(damping * drift) - 1``."""
        return float(np.expm1(self.damping * self.drift))

    def _steps(self, h: np.ndarray) -> np.ndarray:
        """Sum of the damped growth factors over h years: ``phi + ... + phi**h`` (h > 0)."""
        phi = self.damping
        hp = np.clip(h, 0, None)
        if phi == 1.0:
            return hp
        return np.where(h > 0, phi * (1 - phi**hp) / (1 - phi), h)

    def mean(self, years) -> np.ndarray:
        """Return the log of the median forecast (years up to the last figure: the drift line)."""
        h = np.asarray(years, dtype=float) - self.last_year
        return np.log(self.values[-1]) + self.drift * self._steps(h)

    def predictive_cov(self, years) -> np.ndarray:
        """Return the predictive covariance on the log scale (NaN up to the last figure).

        Parameters
        ----------
        years : array-like
            Years to predict.

        Returns
        -------
        numpy.ndarray
            ``noise_var * min(h_i, h_j) + S(h_i) * S(h_j) * drift_var``, h = years after the
            last figure, S the damped sum of growth factors.
        """
        h = np.asarray(years, dtype=float) - self.last_year
        if not self.has_interval:
            return np.full((h.size, h.size), np.nan)
        return random_walk_cov(h, self.pool.noise_var, self._steps(h), self.drift_var)


def recent_drift(years, values, window: int = GROWTH_WINDOW_YEARS) -> tuple[float, float]:
    """Return the log growth per year over the last ``window`` years and the span it covers.

    Parameters
    ----------
    years, values : array-like
        A positive series, sorted by year.
    window : int, default 5
        From the earliest figure at most this many years before the latest (else the previous
        figure).

    Returns
    -------
    tuple of float
        ``(drift, span_years)``; ``(nan, 0)`` with one figure.
    """
    x, y = np.asarray(years, dtype=float), np.asarray(values, dtype=float)
    if x.size < 2:
        return float("nan"), 0.0
    start = recent_window_start(x, window)
    span = float(x[-1] - x[start])
    return float(np.log(y[-1] / y[start]) / span), span


def fit_damped_drift(
    years, values, pool: GrowthPool, *, damping: float = DAMPING, shrink: bool = True
) -> DampedDrift:
    """Fit the pooled damped drift to one positive series.

    The series' recent log growth (:func:`recent_drift`) is pulled toward the pool's mean in
    proportion to how little it rests on (empirical Bayes: weight
    ``drift_var / (drift_var + noise_var / span)``); each year ahead keeps ``damping`` of the
    previous year's growth; the variance is the pool's, growing with the years since the last
    figure.

    Parameters
    ----------
    years, values : array-like
        At least one positive figure.
    pool : GrowthPool
        From :func:`estimate_pool`, for the series' kind.
    damping : float, default 0.8
        phi.
    shrink : bool, default True
        Pull the growth toward the pool mean; False keeps the series' own growth (with the
        drift variance ``noise_var / span`` of a random walk with drift), a competitor.

    Returns
    -------
    DampedDrift
        ``method = "damped_drift"``.
    """
    x, y = prepare_series(years, values)
    if x.size < 1 or np.any(y <= 0):
        raise ValueError("the damped drift needs at least one figure, all positive")
    own, span = recent_drift(x, y)
    if np.isfinite(own):
        noise_of_own = pool.noise_var / span
        weight = pool.drift_var / (pool.drift_var + noise_of_own) if shrink else 1.0
        drift = pool.mean_drift + weight * (own - pool.mean_drift)
        drift_var = weight * noise_of_own
        reason = (
            f"damped drift: recent growth {np.expm1(own):.1%}/yr ({span:g} years) pulled "
            f"toward the {pool.group} mean {np.expm1(pool.mean_drift):.1%}/yr with weight "
            f"{weight:.2f}, damped by {damping:g} a year; variance pooled over "
            f"{pool.n_series} {pool.group} series"
        )
    else:
        drift, drift_var = pool.mean_drift, pool.drift_var + pool.noise_var
        reason = (
            f"damped drift from one figure: the {pool.group} mean growth "
            f"{np.expm1(pool.mean_drift):.1%}/yr, damped by {damping:g} a year; variance "
            f"pooled over {pool.n_series} {pool.group} series"
        )
    return DampedDrift(
        "damped_drift",
        reason,
        x,
        y,
        drift=float(drift),
        drift_var=float(drift_var),
        pool=pool,
        damping=damping,
    )


def select_fit_window(observations: pd.DataFrame) -> pd.DataFrame:
    """Return the figures the assessment fits its trend to.

    Parameters
    ----------
    observations : pandas.DataFrame
        One region's figures for one indicator (``year``, ``value``), sorted by year.

    Returns
    -------
    pandas.DataFrame
        The figures of the last ``FIT_WINDOW_YEARS`` years before the latest one, or the last
        three figures if the window holds fewer (old levels say little about today's trend).
    """
    window = observations[observations["year"] >= observations["year"].max() - FIT_WINDOW_YEARS]
    keep = min(len(observations), 3)
    return window if len(window) >= keep else observations.tail(keep)


def fit_assessment_trend(
    observations: pd.DataFrame,
    indicator_kind: str | None = None,
    *,
    pools: dict[str, GrowthPool] | None = None,
) -> Forecast:
    """Fit the trend the assessment uses: the pooled damped drift, linear where it cannot.

    Parameters
    ----------
    observations : pandas.DataFrame
        One region's figures for one indicator (``year``, ``value``), at least one.
    indicator_kind : str, optional
        The indicator's kind: chooses the pool (:func:`ipanalysis.vocab.pool_of`).
    pools : dict, optional
        From :func:`estimate_pools` on every series available at the
        time; by default estimated from this series alone (then the variance is its own).

    Returns
    -------
    Forecast
        :func:`fit_damped_drift` for positive figures; for a series with a zero or negative
        figure, the linear OLS trend over :func:`select_fit_window` (at least
        two figures), its reason saying why.

    Raises
    ------
    ValueError
        No figure, or a single non-positive one.
    """
    obs = observations.sort_values("year", kind="stable")
    years = obs["year"].to_numpy(dtype=float)
    values = obs["value"].to_numpy(dtype=float)
    if pools is None:
        one = obs.assign(region="", indicator="")
        kinds = pd.DataFrame({"indicator_id": [""], "kind": [indicator_kind]})
        pools = estimate_pools(one, kinds)
    if len(values) and np.all(values > 0):
        return fit_damped_drift(years, values, pools[pool_of(indicator_kind)])
    window = select_fit_window(obs)
    fit = fit_trend(window["year"], window["value"], "linear")
    why = nonpositive_reason(window["year"].to_numpy(float), window["value"].to_numpy(float))
    return dataclasses.replace(fit, reason=why or fit.reason)
