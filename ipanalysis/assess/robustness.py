"""Whether a forecast verdict survives what it should not depend on: a tie, a single series.

* **Ties** (:func:`tie_verdicts`): two sources of equal standing disagree about a figure the
  verdict uses (Tianjin's 2024 推介路演 events: 36 or 41). The verdict is worked out under each
  figure; it counts as decided only if they agree.
* **Fragility** (:func:`mark_fragile`): the growth pools pool every series of a kind. A tested
  verdict whose status flips when any one other series is dropped from its pool rests on that
  series more than on its own figures: it is marked fragile and shown as a lean.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from ipanalysis.assess.rules import indicator_info
from ipanalysis.formats import fmt_figure
from ipanalysis.model.damped import pool_changes, pool_from_changes
from ipanalysis.scope import Scope
from ipanalysis.vocab import POOLS, pool_of


def _outcome(status: str, p: float) -> str:
    return status if pd.isna(p) else f"{status} {p:.0%}"


def tie_verdicts(row, target, obs, ind, scope: Scope, alternatives: pd.DataFrame, judge) -> None:
    """Work a verdict out under each tied figure; make it a lean when they disagree.

    Fills ``tie_verdicts`` (``"36 (source): off_track 20%; 41 (source): at_risk 41%"``) and,
    when the statuses differ, ``evidence`` ``indicative`` with the reason. Without ``judge``
    (a verdict no forecast makes) it only names the tied figures.
    """
    if alternatives.empty:
        return
    tied = alternatives[
        (alternatives["region"] == row["region"])
        & (alternatives["indicator"] == row["indicator"])
        & alternatives["year"].isin(obs["year"])
    ]
    if tied.empty:
        return
    outcomes = []
    for alt in tied.itertuples(index=False):
        used = obs.loc[obs["year"] == alt.year].iloc[0]
        if judge is None:  # no forecast to redo: name the figures
            outcomes += [f"{fmt_figure(used['value'])} ({used['source']})",
                         f"{fmt_figure(alt.value)} ({alt.source})"]  # fmt: skip
            continue
        outcomes.append(
            f"{fmt_figure(used['value'])} ({used['source']}): "
            f"{_outcome(row['status'], row['p_meet'])}"
        )
        other = obs.copy()
        other.loc[other["year"] == alt.year, ["value", "source"]] = [alt.value, alt.source]
        alt_row, alt_verdict = judge(target, other, ind, scope)
        outcomes.append(
            f"{fmt_figure(alt.value)} ({alt.source}): "
            f"{_outcome(alt_verdict.status, alt_row['p_meet'])}"
        )
        if alt_verdict.status != row["status"]:
            row["evidence"] = "indicative"
            row["evidence_reason"] = "; ".join(
                r
                for r in (
                    row["evidence_reason"],
                    f"并列数据：结论取决于采用哪个来源的{int(alt.year)}年数据 / tie: the verdict "
                    f"depends on which source's {int(alt.year)} figure is used",
                )
                if r
            )
    row["tie_verdicts"] = "; ".join(dict.fromkeys(outcomes))


def mark_fragile(
    rows: list[dict],
    inputs: dict,
    indicators_by_id: dict,
    scope: Scope,
    context,
    judge: Callable,
) -> None:
    """Mark the tested verdicts whose status flips when one series leaves their pool.

    Parameters
    ----------
    rows : list of dict
        The assessment rows (changed in place: ``fragile``, ``evidence``,
        ``evidence_reason``).
    inputs : dict
        ``target_id → (target, its figures)``.
    indicators_by_id : dict
        Indicator rows by id.
    scope : Scope
        The assessment's scope.
    context : ipanalysis.assess.assessment.Context
        ``pool_series`` and ``indicators``: the figures the pools came from.
    judge : callable
        :func:`ipanalysis.assess.assessment.judge`.
    """
    tested = [r for r in rows if r["evidence"] == "tested"]
    if not tested:
        return
    changes = pool_changes(context.pool_series, context.indicators)
    keys = changes[["pool", "region", "indicator"]].drop_duplicates()
    full = {g: pool_from_changes(changes, g) for g in POOLS}
    kinds = dict(zip(context.indicators["indicator_id"], context.indicators["kind"], strict=True))
    for row in tested:
        target, obs = inputs[row["target_id"]]
        group = pool_of(kinds.get(row["indicator"]))
        for _, region, indicator in keys[keys["pool"] == group].itertuples(index=False):
            if (region, indicator) == (row["region"], row["indicator"]):
                continue
            rest = changes[(changes["region"] != region) | (changes["indicator"] != indicator)]
            pools = {**full, group: pool_from_changes(rest, group)}
            ind = indicator_info(indicators_by_id.get(row["indicator"]), pools)
            other_row, verdict = judge(target, obs, ind, scope)
            if verdict.status != row["status"]:
                row["fragile"] = True
                row["evidence"] = "indicative"
                row["evidence_reason"] += (
                    f"; 结论不稳：去掉同类指标中的 {region} {indicator} 即变为{verdict.status} / "
                    f"fragile: without {region} {indicator} in the pool it turns "
                    f"{_outcome(verdict.status, other_row['p_meet'])}"
                )
                break
