"""Which group each target falls in: decided, a lean (倾向), settled, the office's, or lacking.

One rule for every display, the terminal summary and the counts: a verdict counts as decided
when it rests on evidence in :data:`ipanalysis.vocab.DECIDING_EVIDENCE`
(:func:`ipanalysis.assess.evidence.is_decided`); any other forecast verdict is a lean, shown
(marked 倾向) but not counted; a count the office sets itself depends on the office.
"""

from __future__ import annotations

from typing import NamedTuple

import pandas as pd

from ipanalysis.assess.evidence import is_lean
from ipanalysis.vocab import DECIDED_STATUSES, SETTLED_STATUSES

#: What the counts count, in display order (problems first): the statuses of decided verdicts,
#: the leans apart from them, and the targets without a verdict.
COUNT_ORDER = (
    "missed", "off_track", "at_risk", "lean", "insufficient_data", "depends_on_office",
    "on_track", "achieved",
)  # fmt: skip

#: The order the sentences count in (verdicts best first, then what is not counted): every
#: category, so that the parts add up to the targets.
SUMMARY_ORDER = (*DECIDED_STATUSES, "lean", "depends_on_office", "insufficient_data")


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
    office : pandas.DataFrame
        Targets on counts the office sets itself (``depends_on_office``): no trend verdict.
    lacking : pandas.DataFrame
        Targets without a verdict (``insufficient_data``).
    """

    decided: pd.DataFrame
    leans: pd.DataFrame
    settled: pd.DataFrame
    office: pd.DataFrame
    lacking: pd.DataFrame


def count_categories(assessment: pd.DataFrame) -> pd.Series:
    """Return what each target counts as: its status, or ``lean`` for a verdict not decided.

    A lean is a verdict whose evidence is ``indicative``
    (:func:`ipanalysis.assess.evidence.is_lean`): never counted among the verdicts.

    Parameters
    ----------
    assessment : pandas.DataFrame
        An assessment table.

    Returns
    -------
    pandas.Series
        One of :data:`COUNT_ORDER` per row.
    """
    return assessment["status"].where(~is_lean(assessment), "lean")


def verdict_groups(assessment: pd.DataFrame) -> VerdictGroups:
    """Split an assessment into decided, leaning, settled, the office's and lacking targets.

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
    table = assessment.assign(_category=count_categories(assessment).to_numpy())
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
        office=rows(category == "depends_on_office"),
        lacking=rows(category == "insufficient_data", sort=False),
    )
