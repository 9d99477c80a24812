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

    Parameters
    ----------
    target : mapping
        One target.

    Returns
    -------
    int
        ``base_year``; else the year before ``start_year``; else five years before the target
        year (the base of a five-year plan).
    """
    base = int_or_none(target.get("base_year"))
    if base is not None:
        return base
    start = int_or_none(target.get("start_year"))
    return start - 1 if start is not None else int(target["target_year"]) - PLAN_YEARS


def base_point(obs: pd.DataFrame, base_year: int) -> tuple[float, float]:
    """Return (year, value) of the figure growth is measured from (NaN, NaN if none).

    The base-year figure; else the latest figure before it; else the first one after it that
    is not the latest figure.
    """
    years = obs["year"].to_numpy(dtype=float)
    values = obs["value"].to_numpy(dtype=float)
    before = np.flatnonzero(years <= base_year)
    if before.size:
        return float(years[before[-1]]), float(values[before[-1]])
    if years.size >= 2:
        return float(years[0]), float(values[0])
    return NAN, NAN


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


def compare_growth(
    row: dict,
    notes: list[str],
    obs: pd.DataFrame,
    band: Band,
    target_year: int,
    base_year: int | None = None,
):
    """Fill observed/required growth from the base year, both growth ratios, the category.

    ``growth_ratio`` (UNSD / Open SDG): observed CAGR base → latest over required CAGR base →
    target. ``growth_ratio_latest``: recent CAGR (five years) over the CAGR still required
    from the latest figure. Without a base figure the first is the second.
    """
    years = obs["year"].to_numpy(dtype=float)
    values = obs["value"].to_numpy(dtype=float)
    ly, lv = years[-1], values[-1]
    obs_g, since = recent_cagr(years, values)
    met_now = band.contains(lv)
    req = required_growth(lv, int(ly), band.aim, target_year) if target_year > ly else NAN
    latest_ratio = NAN
    if not met_now and target_year > ly:
        if np.isfinite(obs_g) and np.isfinite(req) and req != 0:
            latest_ratio = obs_g / req
        elif np.isfinite(since):
            # no growth rate through zero or below: compare absolute changes per year
            v0 = values[years == since][0]
            obs_change = (lv - v0) / (ly - since)
            req_change = (band.aim - lv) / (target_year - ly)
            if req_change != 0:
                latest_ratio = obs_change / req_change
                notes.append(
                    f"a zero or negative figure has no growth rate: growth ratio from absolute "
                    f"changes ({fmt_figure(obs_change)}/yr observed vs "
                    f"{fmt_figure(req_change)}/yr needed)"
                )
    ratio, base_obs, base_req = latest_ratio, obs_g, req
    by, bv = base_point(obs, base_year) if base_year is not None else (NAN, NAN)
    if np.isfinite(by) and by < ly and by < target_year:
        from_base = endpoint_cagr(bv, lv, ly - by), endpoint_cagr(bv, band.aim, target_year - by)
        if np.isfinite(from_base[0]) and np.isfinite(from_base[1]) and from_base[1] != 0:
            base_obs, base_req = from_base
            ratio = base_obs / base_req
            where = "" if by == base_year else f" (no {base_year} figure: from {int(by)})"
            notes.append(
                f"since {int(by)}{where}: observed {fmt_rate(base_obs)}/yr vs required "
                f"{fmt_rate(base_req)}/yr from {fmt_figure(bv)} to {fmt_figure(band.aim)} "
                f"by {target_year}: "
                f"growth ratio {ratio:.2f}"
            )
    category = progress_category(ratio, achieved=met_now)
    row.update(
        observed_growth=base_obs,
        required_growth=base_req,
        growth_ratio=ratio,
        growth_ratio_latest=latest_ratio,
        progress_category=category,
    )
    if np.isfinite(obs_g) and np.isfinite(since):
        text = f"recent growth {fmt_rate(obs_g)}/yr ({int(since)}–{int(ly)})"
        if np.isfinite(req):
            text += f", {fmt_rate(req)}/yr still required from {int(ly)}"
        if np.isfinite(latest_ratio):
            text += f": latest-to-target ratio {latest_ratio:.2f}"
        notes.append(text)
    return ratio, met_now


def status_without_interval(ratio: float, met_now: bool, band: Band, forecast: float):
    """Return the status and why, where no probability exists: growth ratio, else the forecast."""
    if np.isfinite(ratio):
        return status_from_ratio(ratio), f"growth ratio {ratio:.2f} (no interval)"
    if band.contains(forecast):
        return "on_track", "point forecast meets the target (no interval)"
    if met_now:
        return "at_risk", "latest figure meets the target but the point forecast does not"
    return "off_track", "point forecast misses the target (no interval)"
