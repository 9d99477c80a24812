"""The verdict rules: target bands, status from p on the IPCC scale, confidence.

The method follows the anchors in the design guide: a forecast with a prediction interval and
a probability of meeting the target (UN ESCAP, OECD style; the model is the pooled damped drift
of :mod:`ipanalysis.model.damped`), and beside it the Eurostat / UNSD / Open SDG growth ratio.
One module per target kind: :mod:`.level` (level, avg_growth, range), :mod:`.period`
(every_year, annual_average, cumulative), :mod:`.improving` (keep_improving);
:mod:`.required` draws the path a target requires; :mod:`.growth_ratio` compares observed and
required growth; :mod:`.forecasting` fills a row's forecast from the deployed model.

Reading of the targets
----------------------
Every target becomes an *acceptable range* for a figure (or for a period total):

- ``>= L`` / ``> L``: at least L; ``<= L`` / ``< L``: at most L.
- ``~ L`` (左右): within ±5% of L (``APPROX_TOLERANCE``). A figure beyond the band in the
  indicator's better direction also counts as met (overshoot, flagged in the note): a district
  that far exceeds "about L" has not failed the plan.
- ``range`` [value, value_max] (after ``value_basis``): met at its near end in the indicator's
  better direction (at least ``value`` for higher-is-better); beyond ``value_max`` is
  overshoot, met and flagged. The comparator of a range is not used.

Per target kind:

- ``level``: the target-year figure. **Stock-like indicators that should rise** (``stock``,
  ``ratio``, ``count`` with ``better = higher``, against an at-least target) count as
  *achieved* as soon as a figure before the target year meets it (the UNSD rule; the note says
  it could still fall). **Flows, percents and every lower-is-better indicator** (days, cycle
  times) are judged on the target year's own figure: meeting the level earlier is reported
  (progress category "target achieved") but the status comes from the forecast for the target
  year, and the target-year figure decides once it exists.
- ``avg_growth`` (年均增长 g% from ``base_year``): with a base-year figure ``b`` it becomes the
  level ``b*(1+g)**(T-base)`` on the path ``b*(1+g)**(t-base)`` and is assessed as a level;
  observed growth is then the CAGR since the base year. Without a base-year figure, only
  growth is compared (observed recent CAGR / g), with low confidence and no level.
- ``every_year``: any figure in ``[start_year, target_year]`` that fails → *missed*; all years
  observed and met → *achieved*; otherwise ``p_meet`` is the smallest per-year probability over
  the years still unknown (an upper bound on the joint probability, which is not modelled).
  Without an interval (Germany's sustainability-strategy check): latest figure meets and the
  recent change is not in the worse direction → on_track; meets but worsening → at_risk.
- ``annual_average`` / ``cumulative``: observed years of the period plus the forecast of the
  missing ones (including gaps); the forecast columns and ``target_value`` are the period mean
  / total. A cumulative target of non-negative flows is achieved as soon as the observed
  years reach it.
- ``range`` with ``value_basis = increase``: the increments are added to the base-year figure;
  without one the target is *insufficient_data*.
- ``keep_improving``: better at the end of the period than at its start. The start figure is
  the one of :func:`plan_base_year` (``base_year``, else the year before ``start_year``, else
  five years before the target year), or the latest before it; the target-year figure
  decides (achieved / missed); before that ``p_meet`` = P(target-year figure better than the
  start figure). The required path is flat at the start figure. A dip in between is shown,
  not a failure.

Status (exactly one of ``STATUSES``)
------------------------------------
- A target year with a figure is *achieved* or *missed* (and so is a target settled earlier,
  as above). The figures decide: ``confidence`` is then about the figures, not a model.
- 0 figures → *insufficient_data*.
- Otherwise the forecast's ``p_meet`` decides, on the IPCC likelihood scale (Mastrandrea et
  al. 2010; ``likelihood`` / ``likelihood_zh`` print the phrase beside p):
  ``p >= 2/3`` (likely or better, 可能) → on_track; ``1/3 < p < 2/3`` (about as likely as not,
  或许可能) → at_risk; ``p <= 1/3`` (unlikely or worse, 不大可能) → off_track
  (:func:`status_from_p`). The bands are fixed, whatever interval ``level`` is shown.
- *Provisional* (``provisional`` True, confidence at most low, "暂定 provisional" in the note):
  the forecast rests on one figure (growth and volatility then come from the indicators of
  the same kind, e.g. Tianjin 涉及专利的技术合同成交额 384亿 in 2024 against 300亿左右 for
  2025), or no figure lies inside the plan period (latest 2020 for a 2021–2025 plan: the
  interval, widened over the years since the latest figure, decides).
- Without any interval (a series with a zero or negative figure and two points, or a growth
  target without a base figure): growth ratio ``>= 0.95`` → on_track, ``0.5–0.95`` → at_risk,
  ``< 0.5`` → off_track; where no ratio exists the point forecast decides.

``p_meet`` is the probability that the figure (or the period's total) meets the target if
indicators keep behaving as those of the same kind did in the past: growth, damping and
volatility as measured. It does **not** cover a break (a policy change, a changed statistical
definition, a revised figure).

Confidence (``high``, ``medium``, ``low``, ``none``)
----------------------------------------------------
- ``none`` for insufficient_data.
- Settled by figures: ``high``. A forecast from 5 figures or more: ``high``; 3–4: ``medium``;
  1–2 figures, provisional, or no interval: ``low``.
- Then one step lower (never below ``low``) for each of: the interval is wider than the
  forecast itself (``(upper - lower) / forecast > 1``); every input figure is derived; every
  input figure comes from a grade-C source.

Growth (fractions per year), as in the UNSD Progress Chart and Open SDG: ``observed_growth``
is the CAGR from the base figure (the plan's base year's figure, else the first figure after
it: :func:`ipanalysis.assess.growth_ratio.base_point`) to the latest figure,
``required_growth`` the CAGR from the same base figure (without one, from the latest figure)
to the target level by the target year, and ``growth_ratio`` Open SDG's progress ratio with
its sign rule (:func:`ipanalysis.assess.growth_ratio.progress_ratio`), with the UNSD
``progress_category``. ``growth_ratio_latest`` is the second view: the recent CAGR
(last five years, :func:`ipanalysis.model.growth.recent_cagr`) over the CAGR still required from
the latest figure. A zero or negative figure has no growth rate: the ratio then compares
absolute changes per year.

One target, one row: the same region, indicator, target year, kind and value stated in
several sources is one target with all of them in ``citations``; a target a later document
restates with another value (``supersedes``) replaces the earlier one, named in
``revised_from``.

The latest year is the data's, never the calendar's. ``as_of`` reproduces a past assessment
with the data vintage of that time (:mod:`ipanalysis.data.vintage`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ipanalysis.formats import fmt_figure
from ipanalysis.model.predictive import Forecast
from ipanalysis.vocab import CONFIDENCE_LEVELS

APPROX_TOLERANCE = 0.05
P_ON_TRACK = 2 / 3  # IPCC "likely" or better
P_OFF_TRACK = 1 / 3  # IPCC "unlikely" or worse
#: A forecast from this many figures or fewer keeps p within :data:`P_LIMITS_FEW_FIGURES`:
#: one or two figures cannot make a target "virtually certain" or "exceptionally unlikely"
#: (the backtest scored too few such forecasts to support it).
FEW_FIGURES = 2
P_LIMITS_FEW_FIGURES = (0.03, 0.97)
#: The UNSD Progress Chart's cut-offs of the growth ratio: on track, fair progress, limited
#: progress (below: deterioration). Open SDG uses 0.95 / 0.6 / 0; this project uses UNSD's.
RATIO_ON_TRACK, RATIO_AT_RISK, RATIO_DETERIORATION = 0.95, 0.5, -0.1
WIDE_INTERVAL = 1.0
HIGH_CONFIDENCE_POINTS = 5
MEDIUM_CONFIDENCE_POINTS = 3
NAN = float("nan")


#: The IPCC likelihood scale (Mastrandrea et al. 2010, AR5 guidance note), with the wording of
#: the IPCC's Chinese reports: (lower bound of p, English term, Chinese term), highest first.
LIKELIHOOD_SCALE = (
    (0.99, "virtually certain", "几乎确定"),
    (0.90, "very likely", "很可能"),
    (2 / 3, "likely", "可能"),
    (1 / 3, "about as likely as not", "或许可能"),
    (0.10, "unlikely", "不大可能"),
    (0.01, "very unlikely", "很不可能"),
    (0.0, "exceptionally unlikely", "几乎不可能"),
)


def likelihood(p: float) -> tuple[str, str]:
    """Return the IPCC likelihood term for a probability, in English and Chinese.

    Parameters
    ----------
    p : float
        A probability of meeting a target.

    Returns
    -------
    tuple of str
        ``(english, chinese)``, e.g. ``("likely", "可能")`` for 0.7; ``("", "")`` for NaN.
    """
    if p is None or not np.isfinite(p):
        return "", ""
    for lower, en, zh in LIKELIHOOD_SCALE:
        if p >= lower:
            return en, zh
    return LIKELIHOOD_SCALE[-1][1:]


def progress_category(growth_ratio: float, *, achieved: bool = False) -> str | float:
    """Return the UNSD SDG progress-chart label for a growth ratio.

    Parameters
    ----------
    growth_ratio : float
        Observed CAGR / required CAGR.
    achieved : bool, default False
        The latest figure already meets the target.

    Returns
    -------
    str or float
        ``target achieved``; ``on track`` (>= 0.95); ``fair progress, acceleration needed``
        (0.5–0.95); ``limited or no progress`` (-0.1–0.5); ``deterioration`` (< -0.1); NaN when
        the ratio is NaN.
    """
    if achieved:
        return "target achieved"
    if not np.isfinite(growth_ratio):
        return NAN
    if growth_ratio >= RATIO_ON_TRACK:
        return "on track"
    if growth_ratio >= RATIO_AT_RISK:
        return "fair progress, acceleration needed"
    if growth_ratio >= RATIO_DETERIORATION:
        return "limited or no progress"
    return "deterioration"


def int_or_none(value) -> int | None:
    """Return a nullable year or count as an int, None when missing."""
    if value is None or pd.isna(value):
        return None
    return int(value)


def as_float(value) -> float:
    """Return a cell as a float, NaN when missing."""
    return NAN if value is None or pd.isna(value) else float(value)


def status_from_p(p: float) -> str:
    """Return the status for a probability of meeting the target, on the IPCC bands.

    ``on_track`` when p >= 2/3 (likely or better), ``off_track`` when p <= 1/3 (unlikely or
    worse), ``at_risk`` between (about as likely as not).
    """
    if p >= P_ON_TRACK:
        return "on_track"
    return "off_track" if p <= P_OFF_TRACK else "at_risk"


def status_from_ratio(ratio: float) -> str:
    """Return the status a growth ratio gives where no probability exists."""
    if ratio >= RATIO_ON_TRACK:
        return "on_track"
    return "at_risk" if ratio >= RATIO_AT_RISK else "off_track"


@dataclass(frozen=True)
class Band:
    """Acceptable values of a figure: ``lo <= v <= hi`` (strict where the comparator is)."""

    lo: float
    hi: float
    aim: float  # the level required growth and required paths aim at
    text: str
    far: float = NAN  # the other end of a range or ~ band: beyond it is overshoot
    lo_strict: bool = False
    hi_strict: bool = False

    @property
    def direction(self) -> int:
        """+1 when the target asks for at least something, -1 for at most."""
        return 1 if np.isinf(self.hi) else -1

    def contains(self, value: float) -> bool:
        """Return whether a figure meets the target."""
        if not np.isfinite(value):
            return False
        above = value > self.lo if self.lo_strict else value >= self.lo
        below = value < self.hi if self.hi_strict else value <= self.hi
        return bool(above and below)

    def overshoots(self, value: float) -> bool:
        """Return whether a figure lies beyond the far end of a range or ~ band (still met)."""
        if not np.isfinite(self.far) or not np.isfinite(value):
            return False
        return value > self.far if self.direction > 0 else value < self.far

    def scaled(self, factor: float, shift: float = 0.0) -> Band:
        """Return the band for ``factor * v - shift`` (a total from a mean, minus observed)."""
        return Band(
            self.lo * factor - shift,
            self.hi * factor - shift,
            self.aim * factor - shift,
            self.text,
            self.far * factor - shift,
            self.lo_strict,
            self.hi_strict,
        )


def make_band(comparator: str, value: float, better: str, value_max: float = NAN) -> Band:
    """Build the acceptable range of a target (see the module docstring)."""
    higher = better != "lower"
    if np.isfinite(value_max):  # a range
        lo, hi = sorted((value, value_max))
        text = f"in [{fmt_figure(lo)}, {fmt_figure(hi)}]"
        if higher:
            return Band(lo, np.inf, lo, text + " (or above)", far=hi)
        return Band(-np.inf, hi, hi, text + " (or below)", far=lo)
    if comparator in (">=", ">"):
        sign = "≥" if comparator == ">=" else ">"
        return Band(
            value, np.inf, value, f"{sign} {fmt_figure(value)}", lo_strict=comparator == ">"
        )
    if comparator in ("<=", "<"):
        sign = "≤" if comparator == "<=" else "<"
        return Band(
            -np.inf, value, value, f"{sign} {fmt_figure(value)}", hi_strict=comparator == "<"
        )
    if comparator == "~":
        lo, hi = sorted((value * (1 - APPROX_TOLERANCE), value * (1 + APPROX_TOLERANCE)))
        text = (
            f"≈ {fmt_figure(value)} (±{APPROX_TOLERANCE:.0%}: {fmt_figure(lo)}–{fmt_figure(hi)})"
        )
        if higher:
            return Band(lo, np.inf, value, text, far=hi)
        return Band(-np.inf, hi, value, text, far=lo)
    raise ValueError(f"unknown comparator {comparator!r}")


@dataclass
class IndicatorInfo:
    """What an assessment needs to know of an indicator: kind, direction, basis and pools."""

    kind: str | None = None
    better: str = "higher"
    known: bool = False
    pools: dict | None = None
    basis: str = "statistic"


def indicator_info(indicator, pools=None) -> IndicatorInfo:
    """Return an indicator's row (or None: unknown) as :class:`IndicatorInfo`."""
    if indicator is None:
        return IndicatorInfo(pools=pools)
    info = dict(indicator)
    return IndicatorInfo(
        kind=info.get("kind") if isinstance(info.get("kind"), str) else None,
        better="lower" if info.get("better") == "lower" else "higher",
        known=True,
        pools=pools,
        basis="designation" if info.get("basis") == "designation" else "statistic",
    )


@dataclass
class Verdict:
    """What decided the status, for the confidence rule."""

    status: str
    why: str
    basis: str = "forecast"  # none | observed | forecast | growth
    inputs: pd.DataFrame | None = None
    fit: Forecast | None = None
    rel_width: float = NAN
    notes: list[str] = field(default_factory=list)
    provisional: bool = False  # rests on one figure, or on none inside the plan period


def insufficient(why: str) -> Verdict:
    """Return the verdict of a target the figures cannot decide, with the reason."""
    return Verdict("insufficient_data", why, basis="none")


def no_figures(row: dict, as_of) -> Verdict:
    """Return the verdict of a target without any figure (what would be needed)."""
    when = f" up to {as_of}" if as_of is not None else ""
    return insufficient(
        f"无数据 no figures for this indicator and region{when}: the {row['target_year']} figure "
        "would settle it; earlier yearly figures give a forecast, decided only where the "
        "backtest has tested its situation (see the track record)"
    )


def confidence_of(verdict: Verdict) -> tuple[str, list[str]]:
    """Apply the confidence rule of the module docstring."""
    if verdict.status == "insufficient_data":
        return "none", []
    if verdict.basis == "observed":
        start = 0
    elif verdict.basis == "forecast" and verdict.fit is not None and verdict.fit.has_interval:
        n = verdict.fit.n
        start = 0 if n >= HIGH_CONFIDENCE_POINTS else 1 if n >= MEDIUM_CONFIDENCE_POINTS else 2
    else:
        start = 2
    reasons = []
    if verdict.provisional and verdict.basis != "observed":
        start = 2
        reasons.append("provisional")
    if verdict.basis != "observed" and verdict.rel_width > WIDE_INTERVAL:
        reasons.append("the interval is wider than the forecast")
    inputs = verdict.inputs
    if inputs is not None and len(inputs):
        if "derived" in inputs and inputs["derived"].astype(bool).all():
            reasons.append("derived figures only")
        if "reliability" in inputs and (inputs["reliability"] == "C").all():
            reasons.append("grade-C sources only")
    level = CONFIDENCE_LEVELS[min(start + len(reasons) - ("provisional" in reasons), 2)]
    return level, reasons
