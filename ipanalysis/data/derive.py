"""Turn written figures into numbers, and relative statements into derived figures.

A figure written ``7.29万`` means anything that rounds to it: 72850 to 72950. Every figure
carries that rounding interval (``value_lo``, ``value_hi``); a derived figure propagates its
inputs' intervals, so "derived and reported agree" can be decided within the rounding the
sources allow, not with an arbitrary tolerance.
"""

import math
import re

import pandas as pd

from ipanalysis.vocab import SCALE_FACTORS

# 约/近/左右 figures are not exact to their last digit; ±5% is a deliberate, documented width.
ABOUT_RELATIVE_WIDTH = 0.05

FIGURE_COLUMNS = [
    "region",
    "indicator",
    "year",
    "period",
    "value",
    "value_lo",
    "value_hi",
    "qualifier",
    "derived",
    "formula",
    "inputs",
    "source",
    "quote",
    "note",
]


def half_unit(value_text: str) -> float:
    """Return half a unit of the last digit written: ``"7.29"`` → 0.005, ``"72904"`` → 0.5."""
    decimals = len(value_text.partition(".")[2])
    return 0.5 * 10.0**-decimals


def written_interval(value_text: str, scale: str, qualifier: str) -> tuple[float, float, float]:
    """Return (value, lower, upper) of a figure as written, in the indicator's unit.

    Parameters
    ----------
    value_text
        Digits as written, e.g. ``"7.29"``.
    scale
        ``""``, ``"万"``, ``"亿"`` or ``"per_million"``.
    qualifier
        ``""`` (exact to the last digit), ``"about"`` (±5% or the rounding, whichever is wider)
        or ``"over"`` (a lower bound: the upper end is infinite).

    Returns
    -------
    tuple of float
    """
    factor = SCALE_FACTORS[scale]
    value = float(value_text) * factor
    half = half_unit(value_text) * factor
    if qualifier == "about":
        half = max(half, abs(value) * ABOUT_RELATIVE_WIDTH)
    if qualifier == "over":
        return value, value, math.inf
    return value, value - half, value + half


def stated_figures(observations: pd.DataFrame) -> pd.DataFrame:
    """Convert the text table of stated figures into numbers with rounding intervals.

    Parameters
    ----------
    observations
        observations.csv as text cells.

    Returns
    -------
    pandas.DataFrame
        One row per stated figure, columns :data:`FIGURE_COLUMNS`, ``derived`` False.
    """
    out = observations.copy()
    bounds = [
        written_interval(v, s, q)
        for v, s, q in zip(out["value"], out["scale"], out["qualifier"], strict=True)
    ]
    out["value"], out["value_lo"], out["value_hi"] = (
        map(list, zip(*bounds, strict=True)) if bounds else ([], [], [])
    )
    out["year"] = out["year"].astype(int)
    out["derived"] = False
    out["formula"] = ""
    out["inputs"] = ""
    return out[FIGURE_COLUMNS]


def _shift_period(period: str, years_back: int) -> str:
    """Move the years in a period string back, e.g. ``2014-09`` by 1 → ``2013-09``."""
    return re.sub(r"\d{4}", lambda m: str(int(m.group()) - years_back), period)


def _divide(base: pd.Series, factor: float, factor_lo: float, factor_hi: float) -> tuple:
    """Return value, lo, hi of base / factor with interval arithmetic (factor > 0)."""
    return (base["value"] / factor, base["value_lo"] / factor_hi, base["value_hi"] / factor_lo)


def _derive_one(base: pd.Series, rel: pd.Series, parents: dict[str, str]) -> dict | None:
    """Return the figure a relation implies, or None when it implies nothing usable."""
    x = float(rel["value"])
    dx = half_unit(rel["value"].lstrip("-"))
    kind = rel["relation"]
    region, year, period = base["region"], base["year"], base["period"]
    shown = _fmt(base["value"])
    if kind in ("yoy_growth_pct", "growth_since_pct", "above_region_by_pct"):
        factor, lo, hi = 1 + x / 100, 1 + (x - dx) / 100, 1 + (x + dx) / 100
        if lo <= 0:
            return None
        value = _divide(base, factor, lo, hi)
        formula = f"{shown} / (1 + {rel['value']}%)"
    elif kind == "multiple_of":
        value = _divide(base, x, x - dx, x + dx)
        formula = f"{shown} / {rel['value']}"
    elif kind == "share_of_parent_pct":
        value = _divide(base, x / 100, (x - dx) / 100, (x + dx) / 100)
        formula = f"{shown} / {rel['value']}%"
    else:  # increase_since, above_region_by: subtract an absolute difference
        value = (base["value"] - x, base["value_lo"] - x - dx, base["value_hi"] - x + dx)
        formula = f"{shown} − {rel['value']}"
    if kind == "yoy_growth_pct":
        year, period = year - 1, _shift_period(period, 1)
    elif kind in ("growth_since_pct", "multiple_of", "increase_since"):
        ref = int(rel["ref_year"])
        year, period = ref, _shift_period(period, year - ref)
    elif kind == "share_of_parent_pct":
        region = parents[region]
    else:
        region = rel["ref_region"]
    where = "/".join(str(p) for p in base[["region", "indicator", "year", "period"]] if p != "")
    inputs = f"{where} = {shown} ({base['source']}); {kind} {rel['value']}"
    return {
        "region": region,
        "indicator": base["indicator"],
        "year": year,
        "period": period,
        "value": value[0],
        "value_lo": value[1],
        "value_hi": value[2],
        "qualifier": base["qualifier"],
        "derived": True,
        "formula": formula,
        "inputs": inputs,
        "source": base["source"],
        "quote": rel["quote"],
        "note": rel["note"],
    }


def _fmt(value: float) -> str:
    return f"{value:.10g}"


def derive_figures(
    stated: pd.DataFrame, relations: pd.DataFrame, regions: pd.DataFrame
) -> pd.DataFrame:
    """Compute the figures implied by relative statements.

    Parameters
    ----------
    stated
        Output of :func:`stated_figures`.
    relations
        relations.csv as text cells (already checked to point at stated figures).
    regions
        regions.csv, for the parent a "占全市" share refers to.

    Returns
    -------
    pandas.DataFrame
        One row per derived figure, columns :data:`FIGURE_COLUMNS`, ``derived`` True, with the
        formula and its inputs. A relation implying a non-positive base (a fall of 100% or
        more) yields nothing.
    """
    key = ["region", "indicator", "year", "period", "source"]
    by_key = stated.assign(year=stated["year"].astype(str)).set_index(key)
    parents = dict(zip(regions["region_id"], regions["parent"], strict=True))
    rows = []
    for rel in relations.itertuples(index=False):
        rel = pd.Series(rel._asdict())
        base = by_key.loc[tuple(rel[key])].copy()
        base["region"], base["indicator"], base["year"] = (
            rel["region"],
            rel["indicator"],
            int(rel["year"]),
        )
        base["period"], base["source"] = rel["period"], rel["source"]
        figure = _derive_one(base, rel, parents)
        if figure is not None:
            rows.append(figure)
    return pd.DataFrame(rows, columns=FIGURE_COLUMNS).astype({"derived": bool})
