"""The track record of the verdicts: past targets assessed before their year, against the outcome.

A target whose outcome is known today (its target year has a figure: achieved or missed) is
assessed in the vintages one to three years before its target year, with only what was
published then (:func:`ipanalysis.assess.assess` with ``Scope(as_of=...)``); the verdict is
compared with the outcome. :func:`run_backtest` adds the forecast scores of
:mod:`ipanalysis.model.backtest`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import pandas as pd

from ipanalysis.assess.assessment import assess
from ipanalysis.data.dataset import Dataset
from ipanalysis.model.backtest import HORIZONS, backtest_forecasts, summarise_forecasts
from ipanalysis.scope import Scope
from ipanalysis.vocab import NEGATIVE_STATUSES, POSITIVE_STATUSES, SETTLED_STATUSES

TARGET_BACKTEST_COLUMNS = [
    "target_id",
    "region",
    "indicator",
    "target_kind",
    "target_year",
    "as_of",
    "lead_years",
    "n_points",
    "predicted_status",
    "p_meet",
    "likelihood",
    "outcome",
    "correct",
]


def _call(status: str) -> bool | None:
    """Return True for a call that the target will be met, False for one that it will not."""
    if status in POSITIVE_STATUSES:
        return True
    if status in NEGATIVE_STATUSES:
        return False
    return None


def backtest_targets(
    dataset: Dataset, scope: Scope = Scope(), *, leads: Sequence[int] = HORIZONS
) -> pd.DataFrame:
    """Assess targets whose outcome is known today in the vintages before their target year.

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
        ``TARGET_BACKTEST_COLUMNS``, one row per target and lead where the target was already
        published: ``outcome`` achieved or missed (today's figures), ``correct`` True when an
        on_track/achieved verdict met or an off_track/missed one missed, False for the
        opposite, NA for at_risk and insufficient_data (no call made).
    """
    final = assess(dataset, replace(scope, as_of=None, target_years=None))
    known = final[final["status"].isin(SETTLED_STATUSES)]
    outcome = dict(zip(known["target_id"], known["status"], strict=True))
    wanted = {
        (tid, int(ty) - lead): lead
        for tid, ty in zip(known["target_id"], known["target_year"], strict=True)
        for lead in leads
    }
    rows = []
    for as_of in sorted({a for _, a in wanted}):
        then = assess(dataset, replace(scope, as_of=as_of, target_years=None))
        for rec in then.to_dict("records"):
            lead = wanted.get((rec["target_id"], as_of))
            if lead is None:
                continue
            call = _call(rec["status"])
            met = outcome[rec["target_id"]] == "achieved"
            rows.append(
                {
                    "target_id": rec["target_id"],
                    "region": rec["region"],
                    "indicator": rec["indicator"],
                    "target_kind": rec["target_kind"],
                    "target_year": rec["target_year"],
                    "as_of": as_of,
                    "lead_years": lead,
                    "n_points": rec["n_points"],
                    "predicted_status": rec["status"],
                    "p_meet": rec["p_meet"],
                    "likelihood": rec["likelihood"],
                    "outcome": outcome[rec["target_id"]],
                    "correct": pd.NA if call is None else call == met,
                }
            )
    frame = pd.DataFrame(rows, columns=TARGET_BACKTEST_COLUMNS)
    frame["correct"] = frame["correct"].astype("boolean")
    return frame.sort_values(
        ["region", "target_year", "indicator", "target_id", "lead_years"], kind="stable"
    ).reset_index(drop=True)


def run_backtest(dataset: Dataset, scope: Scope = Scope()) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Run both backtests: the models by horizon, and the past targets.

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
        ``(models, targets)``: the forecast scores
        (:func:`ipanalysis.model.backtest.summarise_forecasts`) and :func:`backtest_targets`.
    """
    models = summarise_forecasts(backtest_forecasts(dataset, scope))
    return models, backtest_targets(dataset, scope)
