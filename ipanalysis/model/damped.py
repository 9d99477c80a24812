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
between-series drift variance ``t2`` (:func:`estimate_pool`, a statsmodels ``WLS`` of each
change's growth per year on one dummy per series, weights = span):

- shrunk drift ``d* = m + w (d - m)`` with ``w = t2 / (t2 + s2 / span)``, variance
  ``v = w s2 / span`` (one figure: ``d* = m``, ``v = t2 + s2``);
- ``log y(T + h) = log y(T) + d* (phi + phi**2 + ... + phi**h)``, ``phi = 0.8``;
- ``Var = s2 h + (phi + ... + phi**h)**2 v``; Student t with the pooled regression's residual
  degrees of freedom.

Why this model: it was chosen by the vintage backtest (:mod:`ipanalysis.model.backtest`,
``outputs/backtest.csv``): against no change, the random walk with drift, the log-linear
trend, the procedure shipped before (10-year window, automatic choice), the same model
undamped and unshrunk, it had a lower MASE than no change, drift and the log-linear trend at
every horizon and 80% intervals covering 76–86% of later figures at horizons 1–3 (the unshrunk
variant is slightly more accurate, but its three-year coverage is lower). The coverage differs
by pool (stocks over-covered, flows under-covered: flows broke trend, e.g. patent grants after
2021): the backtest prints both. A series with a zero or negative figure has no log growth:
the linear OLS trend of :mod:`ipanalysis.model.trend` is used, and said
(:func:`fit_assessment_trend`).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
import pandas as pd
import statsmodels.api as sm

from ipanalysis.model.growth import GROWTH_WINDOW_YEARS, recent_window_start
from ipanalysis.model.predictive import Forecast, quiet_numerics, random_walk_cov
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
    """

    group: str
    mean_drift: float
    noise_var: float
    drift_var: float
    df: float
    n_series: int
    n_changes: int


def _log_changes(years: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return the spans (years) and log changes between consecutive positive figures."""
    return np.diff(years), np.diff(np.log(values))


def estimate_pool(series: pd.DataFrame, indicators: pd.DataFrame, group: str) -> GrowthPool:
    """Estimate one pool's growth statistics from every series of its kinds.

    A weighted least-squares regression (statsmodels ``WLS``) of each change's growth per year
    on one dummy per series, weights = span in years (a k-year change has 1/k the variance
    of a yearly rate): its coefficients are the series' drifts, its ``scale`` the pooled noise
    variance per year.

    Parameters
    ----------
    series : pandas.DataFrame
        Tidy figures (``region, indicator, year, value``): every series available, not only
        the one to forecast.
    indicators : pandas.DataFrame
        ``indicator_id, kind``.
    group : str
        The pool (:func:`ipanalysis.vocab.pool_of`).

    Returns
    -------
    GrowthPool
        The pool; with no usable change the noise variance falls back to 0.01 (a 10% yearly
        log standard deviation) and the drift to 0, with ``df = 0``.
    """
    kinds = dict(zip(indicators["indicator_id"], indicators["kind"], strict=True))
    spans, rates, ids = [], [], []
    ordered = series.sort_values(["region", "indicator", "year"], kind="stable")
    for i, ((_, indicator), grp) in enumerate(ordered.groupby(["region", "indicator"])):
        kind = kinds.get(indicator)
        if pool_of(kind if isinstance(kind, str) else None) != group:
            continue
        x, y = grp["year"].to_numpy(dtype=float), grp["value"].to_numpy(dtype=float)
        if x.size < 2 or np.any(y <= 0):
            continue
        k, d = _log_changes(x, y)
        spans.extend(k)
        rates.extend(d / k)
        ids.extend([i] * k.size)
    n_series = len(set(ids))
    if n_series == 0 or len(rates) <= n_series:
        return GrowthPool(group, 0.0, 0.01, 0.01, 0.0, n_series, len(rates))
    ids_arr = np.asarray(ids)
    design = (ids_arr[:, None] == np.unique(ids_arr)[None, :]).astype(float)
    spans_arr = np.asarray(spans)
    with quiet_numerics():
        res = sm.WLS(np.asarray(rates), design, weights=spans_arr).fit()
    drifts = np.asarray(res.params, dtype=float)
    years_per_series = design.T @ spans_arr
    noise = float(res.scale)
    between = float(np.var(drifts, ddof=1)) if drifts.size > 1 else 0.0
    drift_var = max(between - float(np.mean(noise / years_per_series)), 1e-4)
    return GrowthPool(
        group, float(np.mean(drifts)), noise, drift_var, float(res.df_resid), n_series, len(rates)
    )


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
    return {g: estimate_pool(series, indicators, g) for g in POOLS}


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
