"""Which group each target falls in: decided, a lean (倾向), settled, or lacking figures.

One rule for every display, the terminal summary and the counts: a verdict counts as decided
when it rests on evidence in :data:`DECIDED_EVIDENCE`; any other forecast verdict is a lean,
shown (marked 倾向) but not counted.
"""

from __future__ import annotations

from typing import NamedTuple

import pandas as pd

from ipanalysis.formats import is_missing
from ipanalysis.vocab import DECIDED_STATUSES, SETTLED_STATUSES


def with_evidence(assessment: pd.DataFrame) -> pd.DataFrame:
    """Return the assessment with ``evidence`` and ``evidence_reason``, derived if it has none.

    A stand-in until the assessment writes these columns itself (issue 16), then deleted with
    its calls: settled statuses are ``observed``, no verdict is ``none``, a provisional
    verdict ``indicative`` (a lean, 倾向), any other forecast ``tested``.

    Parameters
    ----------
    assessment : pandas.DataFrame
        An assessment table.

    Returns
    -------
    pandas.DataFrame
        The same table (unchanged when it has ``evidence``), with the two columns.
    """
    if "evidence" in assessment.columns:
        return assessment
    tiers = []
    for rec in assessment.to_dict("records"):
        if rec["status"] in SETTLED_STATUSES:
            tiers.append(("observed", "settled by a published figure"))
        elif rec["status"] not in DECIDED_STATUSES:
            tiers.append(("none", "not enough figures to judge"))
        elif bool(rec.get("provisional")) and not is_missing(rec.get("provisional")):
            tiers.append(("indicative", "one figure, or none inside the plan period"))
        else:
            tiers.append(("tested", "a forecast from recent figures"))
    evidence, reasons = zip(*tiers, strict=True) if tiers else ((), ())
    return assessment.assign(evidence=list(evidence), evidence_reason=list(reasons))


#: Evidence on which a verdict counts as decided; a verdict on other evidence is a lean (倾向).
DECIDED_EVIDENCE = ("observed", "tested")
#: What the counts count, in display order (problems first): the statuses of decided verdicts,
#: the leans apart from them, and the targets without a verdict.
COUNT_ORDER = (
    "missed", "off_track", "at_risk", "lean", "insufficient_data", "on_track", "achieved",
)  # fmt: skip


class VerdictGroups(NamedTuple):
    """An assessment's targets in the groups a report shows them in (each in its own order).

    Attributes
    ----------
    decided : pandas.DataFrame
        Open targets with a forecast verdict on tested evidence.
    leans : pandas.DataFrame
        Open targets whose verdict rests on other evidence: a lean (倾向), not counted.
    settled : pandas.DataFrame
        Targets settled by a figure (achieved, missed).
    lacking : pandas.DataFrame
        Targets without a verdict (``insufficient_data``).
    """

    decided: pd.DataFrame
    leans: pd.DataFrame
    settled: pd.DataFrame
    lacking: pd.DataFrame


def count_categories(assessment: pd.DataFrame) -> pd.Series:
    """Return what each target counts as: its status, or ``lean`` for a verdict on weak evidence.

    Parameters
    ----------
    assessment : pandas.DataFrame
        An assessment table.

    Returns
    -------
    pandas.Series
        One of :data:`COUNT_ORDER` per row.
    """
    table = with_evidence(assessment)
    lean = (
        table["status"].isin(DECIDED_STATUSES)
        & ~table["status"].isin(SETTLED_STATUSES)
        & ~table["evidence"].isin(DECIDED_EVIDENCE)
    )
    return table["status"].where(~lean, "lean")


def verdict_groups(assessment: pd.DataFrame) -> VerdictGroups:
    """Split an assessment into decided, leaning, settled and lacking targets (answer first).

    Parameters
    ----------
    assessment : pandas.DataFrame
        An assessment table.

    Returns
    -------
    VerdictGroups
        Verdicts in :data:`DECIDED_STATUSES` order (stable), then region, target year,
        indicator; the lacking ones in their original order.
    """
    table = with_evidence(assessment).assign(_category=count_categories(assessment).to_numpy())
    order = {s: i for i, s in enumerate(DECIDED_STATUSES)}
    table["_order"] = table["status"].map(order).fillna(len(order))

    def rows(mask: pd.Series, sort: bool = True) -> pd.DataFrame:
        part = table[mask]
        if sort:
            keys = ["_order", "region", "target_year", "indicator"]
            part = part.sort_values(keys, kind="stable")
        return part.drop(columns=["_category", "_order"]).reset_index(drop=True)

    category = table["_category"]
    return VerdictGroups(
        decided=rows(category.isin(DECIDED_STATUSES) & ~category.isin(SETTLED_STATUSES)),
        leans=rows(category == "lean"),
        settled=rows(category.isin(SETTLED_STATUSES)),
        lacking=rows(category == "insufficient_data", sort=False),
    )
