"""Growth compared with the growth a target needs (Eurostat / UNSD / Open SDG growth ratio)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ipanalysis.assess.rules import (
    NAN,
    Band,
    int_or_none,
    progress_category,
    status_from_ratio,
)
from ipanalysis.formats import fmt_figure, fmt_rate
from ipanalysis.model.growth import endpoint_cagr, recent_cagr, required_growth
from ipanalysis.vocab import PLAN_YEARS


def plan_base_year(target) -> int:
    """Return the year a target's growth is measured from.

    ``base_year``; else the year before ``start_year``; else the last year with figures when
    the plan was published (the year before ``published_year``), but no more than five years
    before the target year (the base of a five-year plan) and at least one year before it: a
    2025 work plan published in 2025 measures from 2024, a five-year plan of 2021 from 2020.

    Parameters
    ----------
    target : mapping
        One target (``published_year`` when known).

    Returns
    -------
    int
        The base year.
    """
    base = int_or_none(target.get("base_year"))
    if base is not None:
        return base
    start = int_or_none(target.get("start_year"))
    if start is not None:
        return start - 1
    target_year = int(target["target_year"])
    published = int_or_none(target.get("published_year"))
    if published is None:
        return target_year - PLAN_YEARS
    return min(max(target_year - PLAN_YEARS, published - 1), target_year - 1)


def base_point(obs: pd.DataFrame, base_year: int) -> tuple[float, float]:
    """Return (year, value) of the figure growth is measured from (NaN, NaN if none).

    As Open SDG measures it: the base year's figure, else the first figure after it; never a
    figure before the base year, nor the latest figure itself.
    """
    after = obs[(obs["year"] >= base_year) & (obs["year"] < obs["year"].max())]
    if after.empty:
        return NAN, NAN
    return float(after["year"].iloc[0]), float(after["value"].iloc[0])


def base_figure(obs: pd.DataFrame, base_year: int | None) -> float:
    """Return the base year's figure (NaN when there is none)."""
    if base_year is None:
        return NAN
    at_base = obs.loc[obs["year"] == base_year, "value"]
    return float(at_base.iloc[0]) if len(at_base) else NAN


def period_start(target, notes: list[str], fallback_years: int | None = None) -> int | None:
    """Return the first year of a target's period (noting how it was found), or None."""
    start = int_or_none(target.get("start_year"))
    if start is not None:
        return start
    base_year = int_or_none(target.get("base_year"))
    if base_year is not None:
        notes.append(f"no start_year: period starts after the base year {base_year}")
        return base_year + 1
    if fallback_years is not None:
        start = int(target["target_year"]) - fallback_years
        notes.append(
            f"no start_year or base_year: period taken as {start}–{target['target_year']}"
        )
        return start
    return None


def progress_ratio(
    base: tuple[float, float], latest: tuple[float, float], aim: tuple[float, float], sign: int
) -> tuple[float, str]:
    """Return the Open SDG growth ratio and its UNSD category.

    ``R = s · d · CAGR_observed / |CAGR_required|`` (Open SDG's ``ProgressMeasure``): both CAGRs
    from the base figure, ``d`` the desired direction (+1 for "at least", −1 for "at most"),
    ``s`` −1 when the base figure is negative; a zero base or target counts as 0.001. Growth
    away from the target is negative whatever the signs of the two growths: a fall from 120
    to 90 against "at least 100" is deterioration, not on track.

    Parameters
    ----------
    base, latest, aim : tuple of float
        (year, value) of the base figure, the latest figure and the target.
    sign : int
        ``d``: +1 or −1.

    Returns
    -------
    tuple
        ``(ratio, category)``; ``(nan, "unable to assess")`` when the values change sign or the
        target equals the base (no required growth).
    """
    (t0, y0), (ti, yi), (tt, yt) = base, latest, aim
    y0, yt = y0 or 0.001, yt or 0.001
    if y0 * yi < 0 or y0 * yt < 0:
        return NAN, "unable to assess"
    observed = endpoint_cagr(abs(y0), abs(yi), ti - t0)
    required = endpoint_cagr(abs(y0), abs(yt), tt - t0)
    if not (np.isfinite(observed) and np.isfinite(required)) or required == 0:
        return NAN, "unable to assess"
    ratio = (-1 if y0 < 0 else 1) * sign * observed / abs(required)
    return ratio, progress_category(ratio)


def compare_growth(
    row: dict,
    notes: list[str],
    obs: pd.DataFrame,
    band: Band,
    target_year: int,
    base_year: int | None = None,
):
    """Fill observed/required growth from the base year, both growth ratios, the category.

    ``required_growth`` is the CAGR the target requires from the base figure, or from the
    latest figure when there is no base figure; ``observed_growth`` and ``growth_ratio``
    need a base figure before the latest one.

    ``growth_ratio`` (UNSD / Open SDG, :func:`progress_ratio`): measured from the base figure
    (:func:`base_point`) to the latest figure, against the growth required from it to the
    target; NaN without a base figure. ``growth_ratio_latest``, the second view: recent growth
    (five years) over the growth still required from the latest figure, with the same sign
    rule. A target already met is "target achieved" whatever the trend. Returns the ratio a
    verdict without an interval may use (from the base, else from the latest figure) and
    whether the latest figure meets the target.
    """
    years = obs["year"].to_numpy(dtype=float)
    values = obs["value"].to_numpy(dtype=float)
    ly, lv = years[-1], values[-1]
    obs_g, since = recent_cagr(years, values)
    met_now = band.contains(lv)
    req = required_growth(lv, int(ly), band.aim, target_year) if target_year > ly else NAN
    latest_ratio = NAN
    if not met_now and target_year > ly and np.isfinite(since):
        if np.isfinite(obs_g) and np.isfinite(req) and req != 0:
            latest_ratio = band.direction * obs_g / abs(req)
        else:  # no growth rate through zero or below: compare absolute changes per year
            obs_change = (lv - values[years == since][0]) / (ly - since)
            req_change = (band.aim - lv) / (target_year - ly)
            if req_change != 0:
                latest_ratio = band.direction * obs_change / abs(req_change)
                notes.append(
                    f"a zero or negative figure has no growth rate: growth ratio from absolute "
                    f"changes ({fmt_figure(obs_change)}/yr observed vs "
                    f"{fmt_figure(req_change)}/yr needed)"
                )
    row.update(observed_growth=NAN, required_growth=req, growth_ratio=NAN)
    by, bv = base_point(obs, base_year) if base_year is not None else (NAN, NAN)
    category = "target achieved" if met_now else NAN
    if np.isfinite(by) and by < target_year and not met_now:
        base_req = endpoint_cagr(abs(bv), abs(band.aim or 0.001), target_year - by)
        row.update(required_growth=base_req)
    if np.isfinite(by) and by < ly and by < target_year and not met_now:
        ratio, category = progress_ratio((by, bv), (ly, lv), (target_year, band.aim),
                                         band.direction)  # fmt: skip
        base_obs = endpoint_cagr(abs(bv), abs(lv), ly - by)
        row.update(observed_growth=base_obs, required_growth=base_req, growth_ratio=ratio)
        where = "" if by == base_year else f" (no {base_year} figure: from {int(by)})"
        notes.append(
            f"since {int(by)}{where}: observed {fmt_rate(base_obs)}/yr vs required "
            f"{fmt_rate(base_req)}/yr from {fmt_figure(bv)} to {fmt_figure(band.aim)} by "
            f"{target_year}: growth ratio {ratio:.2f} ({category})"
        )
    row.update(growth_ratio_latest=latest_ratio, progress_category=category)
    if np.isfinite(obs_g) and np.isfinite(since):
        text = f"recent growth {fmt_rate(obs_g)}/yr ({int(since)}–{int(ly)})"
        if np.isfinite(req):
            text += f", {fmt_rate(req)}/yr still required from {int(ly)}"
        if np.isfinite(latest_ratio):
            text += f": latest-to-target ratio {latest_ratio:.2f}"
        notes.append(text)
    ratio = row["growth_ratio"]
    return (ratio if np.isfinite(ratio) else latest_ratio), met_now


def status_without_interval(ratio: float, met_now: bool, band: Band, forecast: float):
    """Return the status and why, where no probability exists: growth ratio, else the forecast."""
    if np.isfinite(ratio):
        return status_from_ratio(ratio), f"growth ratio {ratio:.2f} (no interval)"
    if band.contains(forecast):
        return "on_track", "point forecast meets the target (no interval)"
    if met_now:
        return "at_risk", "latest figure meets the target but the point forecast does not"
    return "off_track", "point forecast misses the target (no interval)"
