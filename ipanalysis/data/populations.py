"""Per-capita consistency: the population an absolute and a per-10,000 figure imply together.

A region with both 有效发明专利 (件) and 每万人口发明专利拥有量 (件/万人) for the same year implies
its population: absolute ÷ per-10k, in 万人. Targets imply one too (Nankai's 2026 targets,
1.4万件 and 142件/万人: about 98.6万). A verdict comparing a baseline figure with a target on
another population base mixes two bases: :func:`baseline_checks` flags every target whose
latest baseline implies a population more than :data:`MAX_POPULATION_GAP` away from its
targets', and the assessment says "baseline not comparable" beside it.

Which per-10k indicator divides which absolute one is data: ``indicators.csv`` column
``per_10k_of``.
"""

from __future__ import annotations

import pandas as pd

from ipanalysis.data.dataset import Dataset

#: A baseline whose implied population differs from its targets' by more than this share is
#: not comparable with them.
MAX_POPULATION_GAP = 0.10
POPULATION_COLUMNS = [
    "region",
    "year",
    "basis",
    "indicator",
    "per_10k_indicator",
    "absolute",
    "per_10k",
    "population_10k",
]
CHECK_COLUMNS = [
    "region",
    "indicator",
    "target_year",
    "baseline_year",
    "population_baseline_10k",
    "population_target_10k",
    "gap",
    "comparable",
]


def implied_populations(dataset: Dataset) -> pd.DataFrame:
    """Return the population (万人) each pair of absolute and per-10k figures or targets implies.

    Parameters
    ----------
    dataset : Dataset
        The dataset (its series, current level targets and ``indicators.per_10k_of``).

    Returns
    -------
    pandas.DataFrame
        :data:`POPULATION_COLUMNS`, ``basis`` ``figures`` (both figures of one year) or
        ``targets`` (both targets of one target year), sorted.
    """
    pairs = dataset.indicators.loc[dataset.indicators["per_10k_of"] != ""]
    series = dataset.series()
    targets = dataset.targets[dataset.targets["current"] & (dataset.targets["kind"] == "level")]
    figures = series.rename(columns={"value": "v"})[["region", "indicator", "year", "v"]]
    aims = targets.rename(columns={"target_year": "year", "value": "v"})
    parts = []
    for per_10k, absolute in zip(pairs["indicator_id"], pairs["per_10k_of"], strict=True):
        for basis, frame in (("figures", figures), ("targets", aims[figures.columns])):
            both = frame[frame["indicator"] == absolute].merge(
                frame[frame["indicator"] == per_10k], on=["region", "year"], suffixes=("", "_p")
            )
            parts.append(
                pd.DataFrame(
                    {
                        "region": both["region"],
                        "year": both["year"].astype(int),
                        "basis": basis,
                        "indicator": absolute,
                        "per_10k_indicator": per_10k,
                        "absolute": both["v"],
                        "per_10k": both["v_p"],
                        "population_10k": both["v"] / both["v_p"],
                    }
                )
            )
    if not parts:
        return pd.DataFrame(columns=POPULATION_COLUMNS)
    out = pd.concat(parts, ignore_index=True)[POPULATION_COLUMNS]
    return out.sort_values(["region", "indicator", "basis", "year"], kind="stable").reset_index(
        drop=True
    )


def baseline_checks(dataset: Dataset) -> pd.DataFrame:
    """Compare each pair of targets' implied population with its latest baseline's.

    The baseline is the latest year before the target year with both figures. Both targets of
    the pair (the absolute one and the per-10k one) get the row.

    Parameters
    ----------
    dataset : Dataset
        The dataset.

    Returns
    -------
    pandas.DataFrame
        :data:`CHECK_COLUMNS`; ``gap`` is ``|baseline / target - 1|``, ``comparable`` False
        when it exceeds :data:`MAX_POPULATION_GAP`.
    """
    populations = implied_populations(dataset)
    figures = populations[populations["basis"] == "figures"]
    rows = []
    for target in populations[populations["basis"] == "targets"].to_dict("records"):
        same = figures[
            (figures["region"] == target["region"])
            & (figures["indicator"] == target["indicator"])
            & (figures["year"] < target["year"])
        ]
        if same.empty:
            continue
        base = same.iloc[-1]
        gap = abs(base["population_10k"] / target["population_10k"] - 1)
        for indicator in (target["indicator"], target["per_10k_indicator"]):
            rows.append(
                {
                    "region": target["region"],
                    "indicator": indicator,
                    "target_year": target["year"],
                    "baseline_year": int(base["year"]),
                    "population_baseline_10k": float(base["population_10k"]),
                    "population_target_10k": float(target["population_10k"]),
                    "gap": float(gap),
                    "comparable": bool(gap <= MAX_POPULATION_GAP),
                }
            )
    return pd.DataFrame(rows, columns=CHECK_COLUMNS)
