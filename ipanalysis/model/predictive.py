"""What every fitted forecast offers: forecasts, prediction intervals and probabilities.

A model is fitted by a function (:func:`ipanalysis.model.trend.fit_trend`,
:func:`ipanalysis.model.damped.fit_damped_drift`) that returns a result object. Each result
says where its predictive distribution is centred (:meth:`Forecast.mean`, on the model scale:
``log(value)`` for log models) and how wide it is (:meth:`Forecast.predictive_cov`); this base
class turns that into the public interface: :meth:`~Forecast.predict` (a tidy frame of
forecasts and intervals), :meth:`~Forecast.predict_total` (the sum over several years) and
:meth:`~Forecast.probability` / :meth:`~Forecast.probability_total`.

Probabilities use the predictive Student t distribution:
``p = F_t(df)((g(hi) - yhat) / se_obs) - F_t(df)((g(lo) - yhat) / se_obs)`` with ``g`` = log or
identity. They cover parameter and noise uncertainty under the model, **not** the risk that the
model itself is wrong (a break in the trend, a changed definition).
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from ipanalysis.scope import DEFAULT_INTERVAL_LEVEL

#: Columns of :meth:`Forecast.predict`.
PREDICT_COLUMNS = ["year", "forecast", "lower", "upper", "se_obs", "df"]


@contextmanager
def quiet_numerics() -> Iterator[None]:
    """Silence the divide-by-zero warnings statsmodels emits when ``df_resid = 0``."""
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)
        yield


def check_level(level: float) -> None:
    """Refuse an interval level outside (0, 1)."""
    if not 0 < level < 1:
        raise ValueError(f"interval level must be between 0 and 1, got {level!r}")


def t_probability(mean: float, se: float, df: float, lo: float, hi: float) -> float:
    """Return P(lo < Y < hi) for Y = mean + se * t(df); bounds already on the model scale."""
    if not (df >= 1) or not np.isfinite(se):
        return float("nan")
    if se == 0:  # an exact fit: the forecast is certain under the model
        return float(lo <= mean <= hi)
    dist = stats.t(df, loc=mean, scale=se)
    return float(dist.cdf(hi) - dist.cdf(lo))


def random_walk_cov(h: np.ndarray, noise_var: float, steps: np.ndarray, drift_var: float):
    """Return the predictive covariance of a random walk whose drift is uncertain.

    ``noise_var * min(h_i, h_j) + steps_i * steps_j * drift_var``, h the years after the last
    figure and ``steps`` the drift's multiplier at each (h itself, or its damped sum); NaN for
    years not after the last figure (no prediction there).
    """
    cov = noise_var * np.minimum.outer(h, h) + np.outer(steps, steps) * drift_var
    bad = h <= 0
    cov[bad, :] = np.nan
    cov[:, bad] = np.nan
    return cov


@dataclass(frozen=True)
class Forecast:
    """A fitted forecast of one yearly series (subclasses give the model).

    Attributes
    ----------
    method : str
        The model's name (``linear``, ``log_linear``, ``drift``, ``damped_drift``).
    reason : str
        Why this model, in words.
    years, values : numpy.ndarray
        The figures fitted, sorted by year.
    """

    method: str
    reason: str
    years: np.ndarray
    values: np.ndarray

    # ---------------------------------------------------------------- what a model supplies

    @property
    def df_resid(self) -> float:
        """Degrees of freedom of the predictive t distribution (intervals need at least 1)."""
        raise NotImplementedError

    @property
    def log_scale(self) -> bool:
        """Whether the model works on ``log(value)``."""
        raise NotImplementedError

    def mean(self, years) -> np.ndarray:
        """Return the centre of the predictive distribution for ``years``, on the model scale."""
        raise NotImplementedError

    def predictive_cov(self, years) -> np.ndarray:
        """Return the predictive covariance of new figures for ``years``, on the model scale."""
        raise NotImplementedError

    # ------------------------------------------------------------------- derived properties

    @property
    def n(self) -> int:
        """Number of figures fitted."""
        return int(self.years.size)

    @property
    def has_interval(self) -> bool:
        """Whether prediction intervals and probabilities can be computed (df >= 1)."""
        return self.df_resid >= 1

    @property
    def last_year(self) -> float:
        """Year of the last figure fitted."""
        return float(self.years[-1])

    def _quantile(self, level: float) -> float:
        return stats.t.ppf(0.5 + level / 2, self.df_resid) if self.has_interval else np.nan

    def _to_model_scale(self, bound: float) -> float:
        if not self.log_scale or np.isinf(bound):
            return bound
        return float(np.log(bound)) if bound > 0 else -np.inf

    # ----------------------------------------------------------------------- the interface

    def predict(self, years, level: float = DEFAULT_INTERVAL_LEVEL) -> pd.DataFrame:
        """Forecast with a prediction interval for a new figure.

        Parameters
        ----------
        years : array-like
            Years to predict.
        level : float, default 0.8
            Coverage of the prediction interval.

        Returns
        -------
        pandas.DataFrame
            :data:`PREDICT_COLUMNS`. For log models ``forecast`` is ``exp(mean)`` (the
            median), ``lower``/``upper`` the exponentiated interval and ``se_obs`` is on the
            log scale. The interval and ``se_obs`` are NaN where the model has none.
        """
        check_level(level)
        yrs = np.atleast_1d(np.asarray(years, dtype=float))
        mean = self.mean(yrs)
        se = np.sqrt(np.diag(self.predictive_cov(yrs))) if yrs.size else np.array([])
        q = self._quantile(level)
        return self._frame(yrs, mean, mean - q * se, mean + q * se, se)

    def _frame(self, yrs, mean, lo, hi, se) -> pd.DataFrame:
        """Return the tidy forecast frame (back on the value scale for log models)."""
        if not self.has_interval:
            se = np.full(yrs.size, np.nan)
            lo = hi = se
        back = np.exp if self.log_scale else np.asarray
        out = pd.DataFrame(
            {
                "year": yrs.astype(int),
                "forecast": back(mean),
                "lower": back(lo),
                "upper": back(hi),
                "se_obs": se,
                "df": self.df_resid,
            }
        )
        return out[PREDICT_COLUMNS]

    def predict_total(self, years, level: float = DEFAULT_INTERVAL_LEVEL) -> dict:
        """Forecast the sum of new figures over several years, with an interval.

        Parameters
        ----------
        years : array-like
            The years to add up (each counted once).
        level : float, default 0.8
            Coverage of the interval.

        Returns
        -------
        dict
            ``forecast, lower, upper, se, df, log_scale``. On the value scale: exact (sum of
            means, variance ``1' C 1``). Log models: the sum of medians ``S0`` with a
            delta-method interval on ``log S`` (weights ``exp(yhat_i) / S0``), exact for a
            single year; ``se`` is then on the log scale. NaN interval when ``df < 1``.
        """
        check_level(level)
        yrs = np.atleast_1d(np.asarray(years, dtype=float))
        if yrs.size == 0:
            return {"forecast": 0.0, "lower": 0.0, "upper": 0.0, "se": 0.0,
                    "df": self.df_resid, "log_scale": self.log_scale}  # fmt: skip
        mean = self.mean(yrs)
        cov = self.predictive_cov(yrs)
        q = self._quantile(level)
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
        return {"forecast": total, "lower": float(lo), "upper": float(hi), "se": se,
                "df": self.df_resid, "log_scale": self.log_scale}  # fmt: skip

    def probability(self, year: int, lower: float = -np.inf, upper: float = np.inf) -> float:
        """Return the probability that the figure for ``year`` falls in ``[lower, upper]``.

        For a ``>= L`` target pass ``lower=L``; for a ``<= L`` target ``upper=L``.

        Parameters
        ----------
        year : int
            The year.
        lower, upper : float
            The acceptable range (infinite for one-sided targets).

        Returns
        -------
        float
            The probability (parameter and noise uncertainty, not model error); NaN when the
            model has no interval.
        """
        se = float(self.predict([year]).iloc[0]["se_obs"])
        mean = float(self.mean([year])[0])
        lo, hi = self._to_model_scale(lower), self._to_model_scale(upper)
        return t_probability(mean, se, self.df_resid, lo, hi)

    def probability_total(self, years, lower: float = -np.inf, upper: float = np.inf) -> float:
        """Return the probability that the sum of the figures for ``years`` is in the range.

        Parameters
        ----------
        years : array-like
            Years to add up.
        lower, upper : float
            The acceptable range of the sum.

        Returns
        -------
        float
            The probability (:meth:`predict_total`'s distribution); NaN without an interval.
        """
        total = self.predict_total(years)
        if total["log_scale"]:
            mean = float(np.log(total["forecast"]))
            lo, hi = self._to_model_scale(lower), self._to_model_scale(upper)
        else:
            mean, lo, hi = total["forecast"], lower, upper
        return t_probability(mean, total["se"], total["df"], lo, hi)
