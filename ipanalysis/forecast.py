"""Trend models for short yearly series, their forecasts and prediction intervals.

The deployed model: the pooled damped drift
-------------------------------------------
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

Why this model: it was chosen by the vintage backtest (:mod:`ipanalysis.backtest`,
``outputs/backtest.csv``): against no change, the random walk with drift, the log-linear
trend, the procedure shipped before (10-year window, automatic choice), the same model
undamped and unshrunk, it had the lowest one-year-ahead MASE and 80% intervals covering
75–90% of later figures at horizons 1–3. The coverage differs by pool (stocks over-covered,
flows under-covered: flows broke trend, e.g. patent grants after 2021): the backtest prints
both. A series with a zero or negative figure has no log growth: the linear OLS trend below
is used, and said.

Other models (competitors in the backtest, fallbacks)
------------------------------------------------------
Three models, each a statsmodels regression (specification apart from results, as statsmodels
does it: :func:`fit_trend` returns a small :class:`TrendFit` whose :meth:`TrendFit.predict`
gives a tidy frame):

``linear``
    OLS of value on year: a constant change per year.
``log_linear``
    OLS of ``log(value)`` on year: a constant growth rate. Forecasts are ``exp(mean)``, the
    *median* of the predictive distribution; interval ends are exponentiated.
``drift``
    The random walk with drift on the log scale, the forecasting benchmark (Hyndman, *FPP*
    5.2). Its drift is the endpoint CAGR. Fitted as WLS of the log differences on their spans
    in years (so gaps between figures are handled: a k-year step has k times the variance);
    the h-year predictive variance is ``h*s2 + h**2 * var(drift)``, Hyndman's
    ``sigma*sqrt(h*(1 + h/(T-1)))`` when the years are consecutive.

Prediction intervals are for a new observation (statsmodels ``obs_ci_lower/upper``, never the
``mean_ci`` of the fitted line), at a ``level`` that defaults to 0.8. They need residual
degrees of freedom: with two figures ``df_resid = 0`` and every interval, standard error and
probability is NaN (reported, never invented). With three figures df = 1 and the intervals are
very wide (the 90% t multiplier is 6.31); they are shown as they are.

Probabilities (:func:`probability_between`) use the same predictive t distribution:
``p = F_t(df)((g(hi) - yhat) / se_obs) - F_t(df)((g(lo) - yhat) / se_obs)`` with ``g`` = log
or identity. They cover parameter and noise uncertainty under the chosen model, **not** the
risk that the model itself is wrong (a break in the trend, a changed definition).

Model choice of the procedure shipped before (:func:`choose_method`, kept as the backtest's
``previous``), in this order:

1. a zero or negative figure makes every log model impossible: ``linear``, said so in the
   reason (the point is kept, never dropped);
2. ``percent`` indicators (bounded shares and rates): ``linear``;
3. ``stock``, ``flow``, ``count``, ``ratio`` (unbounded, positive) and unknown kinds:
   ``log_linear`` (constant growth), the kind default;
4. with at least 5 figures and a log default, a rolling-origin check: one-step-ahead absolute
   errors of ``linear``, ``log_linear`` and ``drift`` (origins from 3 figures on); another
   model replaces the default only if its mean absolute error is below 0.9 times the
   default's (a margin, so that two or three noisy errors do not flip the choice; differences
   at floating-point noise level are ties). The reason string lists the three errors.
"""

from __future__ import annotations

import warnings
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import stats

METHODS = ("linear", "log_linear", "drift")
LOG_METHODS = frozenset({"log_linear", "drift", "damped_drift"})
DEFAULT_LEVEL = 0.8
SELECTION_MIN_POINTS = 5
SELECTION_MIN_TRAIN = 3
SELECTION_MARGIN = 0.9
PREDICT_COLUMNS = ["year", "forecast", "lower", "upper", "se_obs", "df"]


@contextmanager
def _quiet():
    """Silence the divide-by-zero warnings statsmodels emits when ``df_resid = 0``."""
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)
        yield


@dataclass(frozen=True)
class TrendFit:
    """A fitted trend: the model, why it was chosen, and the statsmodels results.

    Attributes
    ----------
    method : str
        ``linear``, ``log_linear`` or ``drift``.
    reason : str
        Why this model (see :func:`choose_method`).
    years, values : numpy.ndarray
        The figures fitted, sorted by year.
    result : statsmodels RegressionResults
        OLS (linear, log-linear; regressor = year minus the last year) or WLS (drift).
    """

    method: str
    reason: str
    years: np.ndarray
    values: np.ndarray
    result: Any

    @property
    def n(self) -> int:
        """Number of figures fitted."""
        return int(self.years.size)

    @property
    def df_resid(self) -> float:
        """Residual degrees of freedom; intervals exist only when it is at least 1."""
        return float(self.result.df_resid)

    @property
    def has_interval(self) -> bool:
        """Whether prediction intervals and probabilities can be computed (df >= 1)."""
        return self.df_resid >= 1

    @property
    def log_scale(self) -> bool:
        """Whether the model works on ``log(value)``."""
        return self.method in LOG_METHODS

    @property
    def last_year(self) -> float:
        """Year of the last figure fitted (the regressor's origin)."""
        return float(self.years[-1])

    @property
    def growth(self) -> float:
        """Fitted annual growth: ``exp(slope) - 1`` (log models) or slope / last fitted value."""
        slope = float(self.result.params[-1])
        if self.log_scale:
            return float(np.expm1(slope))
        last_fit = float(self.result.params[0])
        return slope / last_fit if last_fit > 0 else float("nan")

    def _mean(self, years) -> np.ndarray:
        """Point forecast on the model scale."""
        h = np.asarray(years, dtype=float) - self.last_year
        if self.method == "drift":
            return np.log(self.values[-1]) + h * float(self.result.params[0])
        return float(self.result.params[0]) + h * float(self.result.params[1])

    def predictive_cov(self, years) -> np.ndarray:
        """Return the predictive covariance of new observations on the model scale.

        Parameters
        ----------
        years : array-like
            Years to predict.

        Returns
        -------
        numpy.ndarray
            ``len(years) x len(years)``: parameter uncertainty plus independent noise (OLS), or
            the random walk's accumulated noise plus drift uncertainty (drift; NaN for years
            not after the last figure). All NaN when ``df_resid < 1``.
        """
        h = np.asarray(years, dtype=float) - self.last_year
        k = h.size
        if not self.has_interval:
            return np.full((k, k), np.nan)
        s2 = float(self.result.scale)
        if self.method == "drift":
            var_drift = float(self.result.bse[0]) ** 2
            cov = np.minimum.outer(h, h) * s2 + np.outer(h, h) * var_drift
            bad = h <= 0
            cov[bad, :] = np.nan
            cov[:, bad] = np.nan
            return cov
        design = np.column_stack([np.ones(k), h])
        return design @ np.asarray(self.result.cov_params()) @ design.T + s2 * np.eye(k)

    def predict(self, years, level: float = DEFAULT_LEVEL) -> pd.DataFrame:
        """Forecast with a prediction interval for a new observation.

        Parameters
        ----------
        years : array-like
            Years to predict (past years give the fitted trend with its interval).
        level : float, default 0.8
            Coverage of the prediction interval.

        Returns
        -------
        pandas.DataFrame
            Columns ``year, forecast, lower, upper, se_obs, df``. For log models ``forecast``
            is ``exp(mean)`` (the median), ``lower``/``upper`` the exponentiated interval and
            ``se_obs`` is on the log scale. ``lower``, ``upper`` and ``se_obs`` are NaN when
            ``df < 1`` (and, for drift, for years up to the last figure).
        """
        _check_level(level)
        yrs = np.atleast_1d(np.asarray(years, dtype=float))
        alpha = 1.0 - level
        mean = self._mean(yrs)
        if self.method == "drift":
            se = np.sqrt(np.diag(self.predictive_cov(yrs))) if yrs.size else np.array([])
            q = stats.t.ppf(1 - alpha / 2, self.df_resid) if self.has_interval else np.nan
            lo, hi = mean - q * se, mean + q * se
        else:
            design = sm.add_constant(yrs - self.last_year, has_constant="add")
            with _quiet():
                pred = self.result.get_prediction(design)
                frame = pred.summary_frame(alpha=alpha)
                se = np.asarray(pred.se_obs, dtype=float)
            lo = frame["obs_ci_lower"].to_numpy(dtype=float)
            hi = frame["obs_ci_upper"].to_numpy(dtype=float)
        if not self.has_interval:
            se = np.full(yrs.size, np.nan)
            lo = hi = se
        out = pd.DataFrame(
            {
                "year": yrs.astype(int),
                "forecast": np.exp(mean) if self.log_scale else mean,
                "lower": np.exp(lo) if self.log_scale else lo,
                "upper": np.exp(hi) if self.log_scale else hi,
                "se_obs": se,
                "df": self.df_resid,
            }
        )
        return out[PREDICT_COLUMNS]

    def predict_total(self, years, level: float = DEFAULT_LEVEL) -> dict:
        """Forecast the sum of new observations over several years, with an interval.

        Parameters
        ----------
        years : array-like
            The years to add up (each counted once).
        level : float, default 0.8
            Coverage of the interval.

        Returns
        -------
        dict
            ``forecast, lower, upper, se, df, log_scale``. Linear: exact (sum of means, variance
            ``1' C 1``). Log models: the sum of medians ``S0`` with a delta-method interval on
            ``log S`` (weights ``exp(yhat_i) / S0``), exact for a single year. ``se`` is on the
            log scale for log models. NaN interval when ``df < 1``.
        """
        _check_level(level)
        yrs = np.atleast_1d(np.asarray(years, dtype=float))
        if yrs.size == 0:
            return {
                "forecast": 0.0,
                "lower": 0.0,
                "upper": 0.0,
                "se": 0.0,
                "df": self.df_resid,
                "log_scale": self.log_scale,
            }
        mean = self._mean(yrs)
        cov = self.predictive_cov(yrs)
        q = stats.t.ppf(0.5 + level / 2, self.df_resid) if self.has_interval else np.nan
        if self.log_scale:
            parts = np.exp(mean)
            total = float(parts.sum())
            w = parts / total
            se = float(np.sqrt(w @ cov @ w))
            lo, hi = total * np.exp(-q * se), total * np.exp(q * se)
        else:
            total = float(mean.sum())
            se = float(np.sqrt(np.ones(yrs.size) @ cov @ np.ones(yrs.size)))
            lo, hi = total - q * se, total + q * se
        return {
            "forecast": total,
            "lower": float(lo),
            "upper": float(hi),
            "se": se,
            "df": self.df_resid,
            "log_scale": self.log_scale,
        }


def _check_level(level: float) -> None:
    if not 0 < level < 1:
        raise ValueError(f"interval level must be between 0 and 1, got {level!r}")


def _prepare(years, values) -> tuple[np.ndarray, np.ndarray]:
    x = np.asarray(years, dtype=float)
    y = np.asarray(values, dtype=float)
    if x.shape != y.shape:
        raise ValueError("years and values must have the same length")
    if np.any(~np.isfinite(x)) or np.any(~np.isfinite(y)):
        raise ValueError("years and values must be finite (missing figures are left out, not NaN)")
    if np.unique(x).size != x.size:
        raise ValueError("one figure per year")
    order = np.argsort(x, kind="stable")
    return x[order], y[order]


def nonpositive_reason(years: np.ndarray, values: np.ndarray) -> str | None:
    """Return why a log model is impossible on a series (None when every figure is positive).

    Parameters
    ----------
    years, values : numpy.ndarray
        The series.

    Returns
    -------
    str or None
        E.g. ``"zero or negative figure (2020: 0): a log model is impossible, linear trend
        used"``.
    """
    bad = values <= 0
    if not bad.any():
        return None
    listed = ", ".join(f"{int(t)}: {v:g}" for t, v in zip(years[bad], values[bad], strict=True))
    return f"zero or negative figure ({listed}): a log model is impossible, linear trend used"


def _fit(years: np.ndarray, values: np.ndarray, method: str):
    """Fit one model; the caller has checked feasibility."""
    with _quiet():
        if method == "drift":
            spans = np.diff(years)
            steps = np.diff(np.log(values))
            # d_i = drift * k_i + e_i with Var(e_i) = k_i * s2: WLS with weights 1 / k_i, so
            # the drift is sum(d) / sum(k), the endpoint log growth per year.
            return sm.WLS(steps, spans[:, None], weights=1.0 / spans).fit()
        y = np.log(values) if method == "log_linear" else values
        return sm.OLS(y, sm.add_constant(years - years[-1], has_constant="add")).fit()


def one_step_errors(years, values, method: str, *, min_train: int = SELECTION_MIN_TRAIN):
    """Return rolling-origin one-step-ahead forecast errors of one model.

    Parameters
    ----------
    years, values : array-like
        One series.
    method : str
        One of ``METHODS``.
    min_train : int, default 3
        Figures in the smallest training set.

    Returns
    -------
    numpy.ndarray
        ``forecast - actual`` for each figure after the first ``min_train`` (forecast from
        all earlier figures); empty if the series is too short. NaN where the model is not
        feasible (a log model on a non-positive training set).
    """
    x, y = _prepare(years, values)
    errors = []
    for i in range(min_train, x.size):
        xt, yt = x[:i], y[:i]
        if method in LOG_METHODS and np.any(yt <= 0):
            errors.append(np.nan)
            continue
        fit = TrendFit(method, "", xt, yt, _fit(xt, yt, method))
        mean = fit._mean([x[i]])[0]
        errors.append((np.exp(mean) if fit.log_scale else mean) - y[i])
    return np.asarray(errors, dtype=float)


def choose_method(years, values, indicator_kind: str | None = None) -> tuple[str, str]:
    """Pick a trend model for a series by the documented rule (see the module docstring).

    Parameters
    ----------
    years, values : array-like
        The series.
    indicator_kind : str, optional
        ``stock``, ``flow``, ``ratio``, ``percent`` or ``count``.

    Returns
    -------
    tuple of str
        ``(method, reason)``.
    """
    x, y = _prepare(years, values)
    bad = nonpositive_reason(x, y)
    if bad:
        return "linear", bad
    if indicator_kind == "percent":
        return "linear", "percent indicator (bounded share or rate): linear trend"
    if indicator_kind in ("stock", "flow", "count", "ratio"):
        reason = f"{indicator_kind} indicator (unbounded, positive): constant growth (log-linear)"
    else:
        reason = "indicator kind unknown, positive figures: constant growth (log-linear)"
    if x.size < SELECTION_MIN_POINTS:
        return "log_linear", reason
    mae = {m: float(np.mean(np.abs(one_step_errors(x, y, m)))) for m in METHODS}
    best = min(METHODS, key=lambda m: (mae[m], METHODS.index(m)))
    scores = ", ".join(f"{m} {mae[m]:.4g}" for m in METHODS)
    noise = 1e-9 * float(np.mean(np.abs(y)))  # floating-point ties are ties, not a better model
    if best != "log_linear" and mae[best] < SELECTION_MARGIN * mae["log_linear"] - noise:
        return best, (
            f"{reason}, replaced by {best}: rolling-origin one-step mean absolute error "
            f"{scores} (switch needs < {SELECTION_MARGIN:g} x the default)"
        )
    return "log_linear", f"{reason}; rolling-origin one-step MAE {scores} kept it"


def fit_trend(
    years, values, method: str = "auto", *, indicator_kind: str | None = None
) -> TrendFit:
    """Fit a trend model to one yearly series.

    Parameters
    ----------
    years, values : array-like
        The figures (at least two distinct years; gaps are fine).
    method : {"auto", "linear", "log_linear", "drift"}, default "auto"
        ``auto`` applies :func:`choose_method`. A log model asked for on a series with a zero
        or negative figure falls back to ``linear`` and says so in ``reason``.
    indicator_kind : str, optional
        Used by ``auto``.

    Returns
    -------
    TrendFit
        The fitted model; ``.predict(years, level)`` gives forecasts and intervals.

    Raises
    ------
    ValueError
        Fewer than two figures, non-finite input, a repeated year or an unknown method.
    """
    x, y = _prepare(years, values)
    if x.size < 2:
        raise ValueError(f"a trend needs at least two figures, got {x.size}")
    if method == "auto":
        method, reason = choose_method(x, y, indicator_kind)
    elif method in METHODS:
        reason = f"{method} requested"
        bad = nonpositive_reason(x, y)
        if method in LOG_METHODS and bad:
            method, reason = "linear", f"{method} requested; {bad}"
    else:
        raise ValueError(f"unknown method {method!r}; use 'auto' or one of {METHODS}")
    if x.size == 2:
        reason += "; 2 points: endpoint growth only, no interval (df = 0)"
    return TrendFit(method, reason, x, y, _fit(x, y, method))


def _to_model_scale(fit: TrendFit, bound: float) -> float:
    if not fit.log_scale or np.isinf(bound):
        return bound
    return float(np.log(bound)) if bound > 0 else -np.inf


def _t_probability(mean: float, se: float, df: float, lo: float, hi: float) -> float:
    """P(lo < Y < hi) for Y = mean + se * t(df); bounds already on the model scale."""
    if not (df >= 1) or not np.isfinite(se):
        return float("nan")
    if se == 0:  # an exact fit: the forecast is certain under the model
        return float(lo <= mean <= hi)
    dist = stats.t(df, loc=mean, scale=se)
    return float(dist.cdf(hi) - dist.cdf(lo))


def probability_between(
    fit: TrendFit, year: int, lower: float = -np.inf, upper: float = np.inf
) -> float:
    """Return the probability that the figure for ``year`` falls in ``[lower, upper]``.

    ``p = F_t(df)((g(upper) - yhat) / se_obs) - F_t(df)((g(lower) - yhat) / se_obs)``, g = log or
    identity. For a ``>= L`` target pass ``lower=L`` (``p = 1 - F((g(L) - yhat) / se_obs)``);
    for a ``<= L`` target pass ``upper=L`` (the other tail). This covers parameter and noise
    uncertainty under the fitted model, not model error.

    Parameters
    ----------
    fit : TrendFit
        The fitted trend.
    year : int
        The year.
    lower, upper : float
        The acceptable range (infinite for one-sided targets).

    Returns
    -------
    float
        The probability, NaN when the fit has no interval (``df < 1``).
    """
    pred = fit.predict([year]).iloc[0]
    mean = float(fit._mean([year])[0])
    lo, hi = _to_model_scale(fit, lower), _to_model_scale(fit, upper)
    return _t_probability(mean, float(pred["se_obs"]), fit.df_resid, lo, hi)


def probability_total_between(
    fit: TrendFit, years, lower: float = -np.inf, upper: float = np.inf
) -> float:
    """Return the probability that the sum of the figures for ``years`` is in the range.

    Uses :meth:`TrendFit.predict_total` (exact for linear; delta method on ``log S`` for log
    models). Parameter and noise uncertainty only, not model error.

    Parameters
    ----------
    fit : TrendFit
        The fitted trend.
    years : array-like
        Years to add up.
    lower, upper : float
        The acceptable range of the sum.

    Returns
    -------
    float
        The probability, NaN when the fit has no interval.
    """
    total = fit.predict_total(years)
    if total["log_scale"]:
        mean = float(np.log(total["forecast"]))
        lo, hi = _to_model_scale(fit, lower), _to_model_scale(fit, upper)
    else:
        mean, lo, hi = total["forecast"], lower, upper
    return _t_probability(mean, total["se"], total["df"], lo, hi)


# ------------------------------------------------------------------ the pooled damped drift

#: Indicator kinds pooled together: levels that accumulate move smoothly, flows jump.
POOL_GROUPS = {"stock": "stock_like", "ratio": "stock_like", "count": "stock_like"}
OTHER_POOL = "flow_like"
DAMPING = 0.8
DRIFT_WINDOW_YEARS = 5


def pool_group(indicator_kind: str | None) -> str:
    """Return the pool an indicator kind belongs to: ``stock_like`` or ``flow_like``.

    Parameters
    ----------
    indicator_kind : str or None
        ``stock``, ``ratio``, ``count`` (stock-like); ``flow``, ``percent`` or unknown.

    Returns
    -------
    str
        The pool's name.
    """
    return POOL_GROUPS.get(indicator_kind or "", OTHER_POOL)


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
        The pool (:func:`pool_group`).

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
        if pool_group(kind if isinstance(kind, str) else None) != group:
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
    with _quiet():
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
    return {g: estimate_pool(series, indicators, g) for g in ("stock_like", OTHER_POOL)}


@dataclass(frozen=True)
class DampedDriftFit(TrendFit):
    """The pooled damped drift: see :func:`fit_damped_drift`.

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

    def _mean(self, years) -> np.ndarray:
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
        s = self._steps(h)
        cov = self.pool.noise_var * np.minimum.outer(h, h) + np.outer(s, s) * self.drift_var
        bad = h <= 0
        cov[bad, :] = np.nan
        cov[:, bad] = np.nan
        return cov

    def predict(self, years, level: float = DEFAULT_LEVEL) -> pd.DataFrame:
        """Forecast with a prediction interval (see :meth:`TrendFit.predict`).

        Parameters
        ----------
        years : array-like
            Years to predict; years up to the last figure give the drift line through it,
            without an interval.
        level : float, default 0.8
            Coverage of the interval.

        Returns
        -------
        pandas.DataFrame
            ``year, forecast, lower, upper, se_obs, df`` (``se_obs`` on the log scale).
        """
        _check_level(level)
        yrs = np.atleast_1d(np.asarray(years, dtype=float))
        mean = self._mean(yrs)
        se = np.sqrt(np.diag(self.predictive_cov(yrs))) if yrs.size else np.array([])
        q = stats.t.ppf(0.5 + level / 2, self.df_resid) if self.has_interval else np.nan
        out = pd.DataFrame(
            {
                "year": yrs.astype(int),
                "forecast": np.exp(mean),
                "lower": np.exp(mean - q * se),
                "upper": np.exp(mean + q * se),
                "se_obs": se,
                "df": self.df_resid,
            }
        )
        return out[PREDICT_COLUMNS]


def recent_drift(years, values, window: int = DRIFT_WINDOW_YEARS) -> tuple[float, float]:
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
    start = np.flatnonzero(x >= x[-1] - window)[0]
    start = min(start, x.size - 2)
    span = float(x[-1] - x[start])
    return float(np.log(y[-1] / y[start]) / span), span


def fit_damped_drift(
    years, values, pool: GrowthPool, *, damping: float = DAMPING, shrink: bool = True
) -> DampedDriftFit:
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
    DampedDriftFit
        ``method = "damped_drift"``.
    """
    x, y = _prepare(years, values)
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
    return DampedDriftFit(
        "damped_drift",
        reason,
        x,
        y,
        None,
        drift=float(drift),
        drift_var=float(drift_var),
        pool=pool,
        damping=damping,
    )
