"""Regression trends for short yearly series: the benchmarks and the fallback of the assessment.

Three models, each a statsmodels regression fitted by :func:`fit_trend`, which returns an
:class:`OlsTrend` (a :class:`~ipanalysis.model.predictive.Forecast`: forecasts, intervals,
probabilities):

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

The assessment uses the pooled damped drift (:mod:`ipanalysis.model.damped`); ``linear`` is its
fallback for a series with a zero or negative figure, and all three are competitors in the
backtest (:mod:`ipanalysis.model.backtest`).

Prediction intervals are for a new observation (statsmodels ``obs_ci_lower/upper``, never the
``mean_ci`` of the fitted line). They need residual degrees of freedom: with two figures
``df_resid = 0`` and every interval, standard error and probability is NaN (reported, never
invented). With three figures df = 1 and the intervals are very wide (the 90% t multiplier is
6.31); they are shown as they are.

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

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import statsmodels.api as sm

from ipanalysis.model.predictive import Forecast, check_level, quiet_numerics, random_walk_cov
from ipanalysis.scope import DEFAULT_INTERVAL_LEVEL

METHODS = ("linear", "log_linear", "drift")
LOG_METHODS = frozenset({"log_linear", "drift"})
SELECTION_MIN_POINTS = 5
SELECTION_MIN_TRAIN = 3
SELECTION_MARGIN = 0.9


@dataclass(frozen=True)
class OlsTrend(Forecast):
    """A fitted regression trend (see the module docstring).

    Attributes
    ----------
    result : statsmodels RegressionResults
        OLS (linear, log-linear; regressor = year minus the last year) or WLS (drift).
    """

    result: Any = None

    @property
    def df_resid(self) -> float:
        """Residual degrees of freedom; intervals exist only when it is at least 1."""
        return float(self.result.df_resid)

    @property
    def log_scale(self) -> bool:
        """Whether the model works on ``log(value)``."""
        return self.method in LOG_METHODS

    @property
    def growth(self) -> float:
        """Fitted annual growth: ``exp(slope) - 1`` (log models) or slope / last fitted value."""
        slope = float(self.result.params[-1])
        if self.log_scale:
            return float(np.expm1(slope))
        last_fit = float(self.result.params[0])
        return slope / last_fit if last_fit > 0 else float("nan")

    def mean(self, years) -> np.ndarray:
        """Return the point forecast on the model scale."""
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
            return random_walk_cov(h, s2, h, float(self.result.bse[0]) ** 2)
        design = np.column_stack([np.ones(k), h])
        return design @ np.asarray(self.result.cov_params()) @ design.T + s2 * np.eye(k)

    def predict(self, years, level: float = DEFAULT_INTERVAL_LEVEL) -> pd.DataFrame:
        """Forecast with a prediction interval (statsmodels' ``obs_ci`` for OLS).

        See :meth:`ipanalysis.model.predictive.Forecast.predict`; past years give the fitted
        trend with its interval (for drift: no interval up to the last figure).
        """
        if self.method == "drift":
            return super().predict(years, level)
        check_level(level)
        yrs = np.atleast_1d(np.asarray(years, dtype=float))
        design = sm.add_constant(yrs - self.last_year, has_constant="add")
        with quiet_numerics():
            pred = self.result.get_prediction(design)
            frame = pred.summary_frame(alpha=1.0 - level)
            se = np.asarray(pred.se_obs, dtype=float)
        lo = frame["obs_ci_lower"].to_numpy(dtype=float)
        hi = frame["obs_ci_upper"].to_numpy(dtype=float)
        return self._frame(yrs, self.mean(yrs), lo, hi, se)


def prepare_series(years, values) -> tuple[np.ndarray, np.ndarray]:
    """Return a series' years and values as sorted float arrays, after checking them."""
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
    with quiet_numerics():
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
    x, y = prepare_series(years, values)
    errors = []
    for i in range(min_train, x.size):
        xt, yt = x[:i], y[:i]
        if method in LOG_METHODS and np.any(yt <= 0):
            errors.append(np.nan)
            continue
        fit = OlsTrend(method, "", xt, yt, _fit(xt, yt, method))
        mean = fit.mean([x[i]])[0]
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
    x, y = prepare_series(years, values)
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
) -> OlsTrend:
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
    OlsTrend
        The fitted model; ``.predict(years, level)`` gives forecasts and intervals.

    Raises
    ------
    ValueError
        Fewer than two figures, non-finite input, a repeated year or an unknown method.
    """
    x, y = prepare_series(years, values)
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
    return OlsTrend(method, reason, x, y, _fit(x, y, method))
