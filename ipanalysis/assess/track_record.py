"""The track record of the verdicts: past targets assessed before their year, against the outcome.

A target whose outcome is known today (settled by its figures or a completion statement:
achieved or missed) is assessed in the vintages one to three years before its target year,
with only what was published then (:func:`ipanalysis.assess.assess` with ``Scope(as_of=…)``:
figures, targets, evidence tiers and all). A target restated by several sources is matched
across vintages by what it asks (region, indicator, year, kind, value), not by the id that
happens to represent it. Every verdict that gives a probability is scored: the Brier score of
p (1 for a verdict already achieved by the figures then, 0 for one already missed) against the
outcome, by evidence tier, with a small reliability table by p band. A target whose year
has passed without its figure in the data is listed with the outcome ``unknown``, not scored.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np
import pandas as pd

from ipanalysis.assess.assessment import assess
from ipanalysis.assess.evidence import situation_scores
from ipanalysis.assess.rules import P_OFF_TRACK, P_ON_TRACK
from ipanalysis.assess.targets import TARGET_KEY
from ipanalysis.data.dataset import Dataset
from ipanalysis.scope import Scope
from ipanalysis.vocab import NEGATIVE_STATUSES, POSITIVE_STATUSES, SETTLED_STATUSES

#: Past targets are assessed this many years before their target year.
LEADS = (1, 2, 3)
#: The outcome of a past target whose own year's figure is not in the data (listed, not scored).
UNKNOWN_OUTCOME = "unknown"
TARGET_BACKTEST_COLUMNS = [
    "target_id", "region", "indicator", "target_kind", "target_year", "as_of", "lead_years",
    "n_points", "predicted_status", "evidence", "p_meet", "likelihood", "outcome", "correct",
    "brier",
]  # fmt: skip
RELIABILITY_COLUMNS = ["evidence", "p_band", "n", "mean_p", "share_met", "brier"]
#: The evidence tiers of verdicts a forecast made (scored together in the reliability table).
FORECAST_EVIDENCE = ("tested", "indicative")
ALL_FORECASTS = "forecasts (tested + indicative)"
#: The p bands of the reliability table (the IPCC bands the statuses use).
P_BANDS = (
    ("p ≤ 1/3", -1.0, P_OFF_TRACK),
    ("1/3 < p < 2/3", P_OFF_TRACK, P_ON_TRACK),
    ("p ≥ 2/3", P_ON_TRACK, 1.0),
)


def _call(status: str) -> bool | None:
    """Return True for a call that the target will be met, False for one that it will not."""
    if status in POSITIVE_STATUSES:
        return True
    if status in NEGATIVE_STATUSES:
        return False
    return None


def _scored_p(status: str, p: float) -> float:
    """Return the probability a verdict gave: p, or 1/0 when the figures had settled it."""
    if np.isfinite(p):
        return float(p)
    return {"achieved": 1.0, "missed": 0.0}.get(status, np.nan)


def backtest_targets(
    dataset: Dataset, scope: Scope = Scope(), *, leads: Sequence[int] = LEADS
) -> pd.DataFrame:
    """Assess the past targets in the vintages one to three years before their target year.

    Past targets are those settled by figures or a statement today, and those whose year is
    before the latest year with a figure (their outcome is then ``unknown``).

    Parameters
    ----------
    dataset : Dataset
        The full dataset.
    scope : Scope
        The lowest source grade used and the interval level (``as_of`` is each lead's).
    leads : sequence of int, default (1, 2, 3)
        Assess each target as of ``target_year - lead`` (that vintage, its targets).

    Returns
    -------
    pandas.DataFrame
        :data:`TARGET_BACKTEST_COLUMNS`, one row per target and lead where the target was
        already published: ``outcome`` achieved or missed (``unknown`` for a target whose
        year has passed without its figure in the data: listed, not scored); ``correct``
        True when an on_track/achieved verdict met or an off_track/missed one missed, False
        for the opposite, NA for a verdict that made no call (at risk, no figures, the office's
        decision); ``brier`` the squared error of the probability it gave (NA without one).
    """
    final = assess(dataset, replace(scope, as_of=None, target_years=None))
    settled = final["status"].isin(SETTLED_STATUSES) & (final["evidence"] == "observed")
    latest = dataset.series(scope.min_reliability)["year"].max()
    past = final[settled | (final["target_year"] < latest)]
    key_of = _keys(dataset)
    outcome = {
        key_of[t]: s if s in SETTLED_STATUSES else UNKNOWN_OUTCOME
        for t, s in zip(past["target_id"], past["status"], strict=True)
    }
    wanted = {
        (key_of[t], int(y) - lead): lead
        for t, y in zip(past["target_id"], past["target_year"], strict=True)
        for lead in leads
    }
    rows = []
    for as_of in sorted({a for _, a in wanted}):
        then = assess(dataset, replace(scope, as_of=as_of, target_years=None))
        for rec in then.to_dict("records"):
            lead = wanted.get((key_of.get(rec["target_id"]), as_of))
            if lead is not None:
                rows.append(_scored(rec, as_of, lead, outcome[key_of[rec["target_id"]]]))
    frame = pd.DataFrame(rows, columns=TARGET_BACKTEST_COLUMNS)
    frame["correct"] = frame["correct"].astype("boolean")
    return frame.sort_values(
        ["region", "target_year", "indicator", "target_id", "lead_years"], kind="stable"
    ).reset_index(drop=True)


def _keys(dataset: Dataset) -> dict[str, tuple]:
    """Return what each target asks (:data:`~ipanalysis.assess.targets.TARGET_KEY`) by id."""
    targets = dataset.targets
    return dict(
        zip(targets["target_id"], targets[TARGET_KEY].itertuples(index=False), strict=True)
    )


def _scored(rec: dict, as_of: int, lead: int, outcome: str) -> dict:
    """Return one past verdict with its outcome, call and Brier score."""
    call = _call(rec["status"])
    met = outcome == "achieved"
    p = _scored_p(rec["status"], rec["p_meet"])
    return {
        **{k: rec[k] for k in ("target_id", "region", "indicator", "target_year", "n_points")},
        "target_kind": rec["target_kind"],
        "as_of": as_of,
        "lead_years": lead,
        "predicted_status": rec["status"],
        "evidence": rec["evidence"],
        "p_meet": rec["p_meet"],
        "likelihood": rec["likelihood"],
        "outcome": outcome,
        "correct": pd.NA if call is None or outcome == UNKNOWN_OUTCOME else call == met,
        "brier": (p - met) ** 2 if np.isfinite(p) and outcome != UNKNOWN_OUTCOME else np.nan,
    }


def summarise_track_record(targets: pd.DataFrame) -> pd.DataFrame:
    """Return the Brier score and a reliability table of the past verdicts, by evidence tier.

    Parameters
    ----------
    targets : pandas.DataFrame
        From :func:`backtest_targets`.

    Returns
    -------
    pandas.DataFrame
        :data:`RELIABILITY_COLUMNS`: per evidence tier (and :data:`ALL_FORECASTS`: the
        verdicts a forecast made, whatever their tier), one row per p band with
        verdicts in it (how many, their mean p, the share that met the target, the Brier
        score) and one row ``all`` for the tier.
    """
    p = [_scored_p(s, v) for s, v in zip(targets["predicted_status"], targets["p_meet"],
                                           strict=True)]  # fmt: skip
    scored = targets.assign(p=p, met=targets["outcome"] == "achieved").dropna(subset=["p"])
    scored = scored[scored["outcome"] != UNKNOWN_OUTCOME]
    forecasts = scored[scored["evidence"].isin(FORECAST_EVIDENCE)]
    rows = []
    for tier, group in [(ALL_FORECASTS, forecasts), *scored.groupby("evidence", sort=True)]:
        for label, low, high in (*P_BANDS, ("all", -1.0, 1.0)):
            part = group[(group["p"] > low) & (group["p"] <= high)]
            if len(part):
                rows.append(
                    {
                        "evidence": tier,
                        "p_band": label,
                        "n": len(part),
                        "mean_p": float(part["p"].mean()),
                        "share_met": float(part["met"].mean()),
                        "brier": float(((part["p"] - part["met"]) ** 2).mean()),
                    }
                )
    return pd.DataFrame(rows, columns=RELIABILITY_COLUMNS)


def run_backtest(dataset: Dataset, scope: Scope = Scope()) -> tuple[pd.DataFrame, ...]:
    """Run the whole track record: the forecasts by situation, the past targets, their scores.

    Parameters
    ----------
    dataset : Dataset
        The full dataset.
    scope : Scope
        The lowest source grade used and the interval level (the column keeps its name
        ``coverage_80``: keep 0.8).

    Returns
    -------
    tuple of pandas.DataFrame
        ``(situations, targets, reliability)``: every method's scores by situation
        (:func:`ipanalysis.assess.evidence.situation_scores`), :func:`backtest_targets` and
        :func:`summarise_track_record`.
    """
    targets = backtest_targets(dataset, scope)
    return situation_scores(dataset, scope), targets, summarise_track_record(targets)
