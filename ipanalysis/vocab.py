"""The project's vocabulary: every allowed value and grouping, defined once.

The schema checks, the assessment, the reports and the runner all import these names; a value
added here is accepted everywhere at once. Labels and colours for display live in
:mod:`ipanalysis.report.labels`; this module holds only the values and their meaning.
"""

import re

# --------------------------------------------------------------------------------- regions

#: A region id: it becomes a folder name and a notebook parameter, so lower-case letters,
#: digits and ``_``, starting with a letter.
REGION_ID = r"[a-z][a-z0-9_]*"
REGION_LEVELS = ("country", "city", "district")
#: Region levels reports are made for; a country (``china``) is a national benchmark only.
REPORTABLE_LEVELS = ("city", "district")


def is_region_id(value: object) -> bool:
    """Return whether ``value`` is a plain region id (:data:`REGION_ID`)."""
    return isinstance(value, str) and re.fullmatch(REGION_ID, value) is not None


# ------------------------------------------------------------------------------- the data

#: Unit words a figure may be written with, and the factor each stands for.
SCALE_FACTORS = {"": 1.0, "万": 1e4, "亿": 1e8, "per_million": 0.01}
SCALES = tuple(SCALE_FACTORS)
#: A official government/statistics page, B mainstream media, C mirror or aggregator.
RELIABILITY_GRADES = ("A", "B", "C")
#: Where a source's publication date comes from: the page itself, the press report that carried
#: it, or not known (then ``date_note`` says why).
DATE_BASES = ("page", "press", "unknown")
#: ``about`` (约/近/左右: ±5%), ``over`` (超过: a lower bound).
QUALIFIERS = ("", "about", "over")
INDICATOR_KINDS = ("stock", "flow", "ratio", "percent", "count")
BETTER_DIRECTIONS = ("higher", "lower")
#: How an indicator's value comes about: ``statistic``, a count or sum of many independent
#: acts that follows a trend (patents, contracts, cases); ``designation``, a number an office
#: sets by its own decisions (centres it designates, events it holds, projects or titles it
#: selects): no trend forecast, the office decides.
INDICATOR_BASES = ("statistic", "designation")
RELATIONS = (
    "yoy_growth_pct",
    "growth_since_pct",
    "multiple_of",
    "increase_since",
    "share_of_parent_pct",
    "above_region_by_pct",
    "above_region_by",
)

# ---------------------------------------------------------------------------- the targets

TARGET_KINDS = (
    "level",
    "avg_growth",
    "every_year",
    "annual_average",
    "cumulative",
    "range",
    "keep_improving",
)
#: Target kinds about every year of a period rather than the target year alone.
PERIOD_KINDS = ("every_year", "annual_average", "cumulative")
COMPARATORS = (">=", ">", "~", "<=", "<")
#: The comparators a target may use on an indicator that is better when higher or lower
#: (``indicators.csv`` ``better``): 达到/超过 (>=, >) and 不高于/低于 (<=, <); 左右 (~) on either.
COMPARATORS_BY_BETTER = {"higher": (">=", ">", "~"), "lower": ("<=", "<", "~")}
#: Years of a five-year plan: the base of a target whose plan states no base year.
PLAN_YEARS = 5

# ---------------------------------------------------------------------------- the verdicts

#: Every status an assessment gives, in the assessment's own order. ``depends_on_office``: a
#: designation target not yet settled: no trend can say, the office's decisions will.
STATUSES = (
    "achieved",
    "on_track",
    "at_risk",
    "off_track",
    "missed",
    "insufficient_data",
    "depends_on_office",
)
#: Statuses that are a decision (everything but insufficient_data), best first.
DECIDED_STATUSES = ("achieved", "on_track", "at_risk", "off_track", "missed")
#: Display order: settled-bad first, so the eye lands on problems.
STATUS_ORDER = (
    "missed",
    "off_track",
    "at_risk",
    "insufficient_data",
    "depends_on_office",
    "on_track",
    "achieved",
)
#: Statuses that need attention, worst first.
AT_RISK_STATUSES = ("missed", "off_track", "at_risk")
#: Statuses decided by a figure (no forecast any more).
SETTLED_STATUSES = ("achieved", "missed")
#: Calls that the target will be met, and that it will not (the track record scores them).
POSITIVE_STATUSES = ("achieved", "on_track")
NEGATIVE_STATUSES = ("missed", "off_track")
CONFIDENCE_LEVELS = ("high", "medium", "low", "none")
#: What a verdict rests on: ``observed`` (figures or a completion statement settle it),
#: ``tested`` (a forecast in a situation the backtest has scored and found calibrated),
#: ``indicative`` (a forecast anywhere else: a lean, not a decided verdict), ``designation``
#: (an office's decision, no forecast), ``none`` (not enough figures).
EVIDENCE_LEVELS = ("observed", "tested", "indicative", "designation", "none")
#: Evidence that makes a verdict decided (counted and shown as a verdict, not a lean).
DECIDING_EVIDENCE = ("observed", "tested")
#: Words a source uses to state a target met (全部完成, 全覆盖 …): a completion statement's
#: quote must contain one (``data/completions.csv``).
COMPLETION_WORDS = ("全部完成", "全覆盖", "全面盘清", "提前实现", "圆满完成", "超额完成", "已完成")

# -------------------------------------------------------------------------- growth pools

#: Indicator kinds whose levels accumulate and move smoothly: pooled together.
STOCK_LIKE_KINDS = ("stock", "ratio", "count")
STOCK_POOL = "stock_like"
#: Flows and percents (and unknown kinds) jump from year to year.
FLOW_POOL = "flow_like"
POOLS = (STOCK_POOL, FLOW_POOL)


def pool_of(indicator_kind: str | None) -> str:
    """Return the growth pool of an indicator kind (:data:`STOCK_POOL` or :data:`FLOW_POOL`).

    Parameters
    ----------
    indicator_kind : str or None
        ``stock``, ``ratio``, ``count`` (stock-like); ``flow``, ``percent`` or unknown.

    Returns
    -------
    str
        The pool's name.
    """
    return STOCK_POOL if indicator_kind in STOCK_LIKE_KINDS else FLOW_POOL
