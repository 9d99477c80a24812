"""Build the dataset: read, validate, derive, find conflicts, choose the value analyses use.

>>> from ipanalysis.data import load_dataset
>>> ds = load_dataset()                       # raises DataValidationError on bad data
>>> ds.series(min_reliability="A")            # official sources only, one value per year

:func:`read_dataset` does the work; :func:`ipanalysis.data.cache.load_dataset` is what callers
use (the same dataset, reused while nothing it depends on changed).
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ipanalysis import paths
from ipanalysis.data.checks import check_dataset
from ipanalysis.data.derive import derive_figures, stated_figures
from ipanalysis.data.extra import (
    check_extra_observations,
    merge_extra_observations,
    read_extra_observations,
)
from ipanalysis.data.tables import TABLES, file_label, read_checked_tables
from ipanalysis.errors import DataValidationError
from ipanalysis.scope import Scope
from ipanalysis.vocab import RELIABILITY_GRADES, SCALE_FACTORS

FIGURE_KEY = ["region", "indicator", "year", "period"]
SERIES_COLUMNS = [
    "region",
    "indicator",
    "year",
    "value",
    "value_lo",
    "value_hi",
    "derived",
    "source",
    "reliability",
    "tied",
]
#: Why a figure is the one analyses use (column ``selection`` of the observations).
SELECTION_RULES = {
    "only": "the only figure for its year",
    "grade": "a higher reliability grade than the other figures",
    "corroborated": "confirmed by more other sources",
    "stated": "stated, the others derived",
    "agrees": "the others agree with it within rounding (the most precise is used)",
    "tie": "tie: sources of equal standing disagree; the verdict is shown under each figure",
}


@dataclass(frozen=True)
class Dataset:
    """The validated dataset as tidy tables.

    Attributes
    ----------
    sources, regions, indicators : pandas.DataFrame
        The reference tables.
    observations : pandas.DataFrame
        Every figure, stated and derived, in the indicator's unit, with its rounding interval,
        reliability grade, and ``selected`` (the value an analysis uses when all grades are
        admitted).
    targets : pandas.DataFrame
        Targets with ``value`` and ``value_max`` as numbers in the indicator's unit (growth
        rates stay in percent as written) and ``base_year``/``start_year`` as nullable ints.
        Revisions: ``supersedes`` (the earlier target this row restates with another value,
        or ``""``), ``superseded_by`` (the later target that restates this one, or ``""``) and
        ``current`` (``True`` unless superseded). Superseded rows stay, each with its source.
    conflicts : pandas.DataFrame
        One row per figure in a group (region, indicator, year, period) whose figures do not
        all agree within rounding.
    completions : pandas.DataFrame
        Statements that a target is met in words (``completions.csv``: ``target_id, source,
        quote, note``), each checked against its source like a figure.
    """

    sources: pd.DataFrame
    regions: pd.DataFrame
    indicators: pd.DataFrame
    observations: pd.DataFrame
    targets: pd.DataFrame
    conflicts: pd.DataFrame
    completions: pd.DataFrame
    #: Tables derived from this dataset alone, computed once (not part of its value).
    _memo: dict = field(default_factory=dict, init=False, repr=False, compare=False)
    #: The digest of the inputs it was loaded from (:func:`ipanalysis.data.cache.load_dataset`
    #: sets it; empty for a dataset built otherwise, such as a vintage): derived tables may
    #: then be kept on disk under it.
    cache_key: str = field(default="", init=False, repr=False, compare=False)

    def memo(self, key: tuple, compute: Callable[[], Any]) -> Any:
        """Return ``compute()``, computed once per dataset and ``key`` (a derived table)."""
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]

    def series(self, min_reliability: str = "C") -> pd.DataFrame:
        """Return one value per region, indicator and year, for analysis.

        Parameters
        ----------
        min_reliability
            Lowest reliability grade admitted (``"A"`` = official sources only). Filtering
            happens before the choice between conflicting figures.

        Returns
        -------
        pandas.DataFrame
            Columns :data:`SERIES_COLUMNS`; full-year figures only, lower bounds (超过…)
            left out, sorted by region, indicator, year.
        """
        chosen = self._chosen(min_reliability)
        return chosen[chosen["selected"]][SERIES_COLUMNS].reset_index(drop=True)

    def tie_alternatives(self, min_reliability: str = "C") -> pd.DataFrame:
        """Return the figures tied with the one :meth:`series` uses (equal standing, disagree).

        Columns :data:`SERIES_COLUMNS`; the assessment shows a verdict under each.
        """
        chosen = self._chosen(min_reliability)
        return chosen[~chosen["selected"] & chosen["tied"]][SERIES_COLUMNS].reset_index(drop=True)

    def _chosen(self, min_reliability: str) -> pd.DataFrame:
        """Return the full-year figures a grade admits, chosen between again (once per grade)."""
        grade = _check_grade(min_reliability)
        admitted = self.observations[
            (self.observations["period"] == "")
            & (self.observations["qualifier"] != "over")
            & (self.observations["reliability"] <= grade)
        ]
        return self.memo(("figures", grade), lambda: select_figures(admitted))

    def scoped_series(self, scope: Scope, region: str | None = None) -> pd.DataFrame:
        """Return the series a scope admits (grade, years up to ``as_of``), for one region or all.

        Parameters
        ----------
        scope
            The minimum grade and the last year.
        region
            Region id; all regions when None.

        Returns
        -------
        pandas.DataFrame
            As :meth:`series`, sorted by region, indicator, year.
        """
        series = self.series(scope.min_reliability)
        if region is not None:
            series = series[series["region"] == region]
        if scope.as_of is not None:
            series = series[series["year"] <= scope.as_of]
        return series.sort_values(["region", "indicator", "year"], kind="stable").reset_index(
            drop=True
        )


def _check_grade(grade: str) -> str:
    if grade not in RELIABILITY_GRADES:
        raise ValueError(f"min_reliability must be one of {RELIABILITY_GRADES}, not {grade!r}")
    return grade


def select_figures(figures: pd.DataFrame) -> pd.DataFrame:
    """Mark the figure an analysis uses in each (region, indicator, year, period) group.

    The rule, in order: higher reliability grade; corroborated by more figures from other
    sources (intervals overlap); stated over derived. Corroboration comes before precision so
    that a precise-looking figure with a dropped digit (39965 for 39.96万) loses to the figure
    other sources confirm. Figures still equal on all three either agree within rounding (the
    most precise is used) or disagree: a **tie**, which no stated rule settles; both are
    marked ``tied`` and the assessment shows the verdict under each (the one used for the
    series is then the most precise, then the first source id: a display order only).

    Parameters
    ----------
    figures
        Figures with columns ``reliability``, ``derived``, ``value_lo``, ``value_hi``,
        ``source`` and the group key.

    Returns
    -------
    pandas.DataFrame
        The same rows with ``selected`` (bool), ``tied`` (bool) and ``selection`` (a key of
        :data:`SELECTION_RULES`: why the selected figure won; empty on the others), sorted by
        the group key and rank.
    """
    rank = ["reliability", "_support", "derived"]
    figures = figures.drop(columns=["selected", "tied", "selection"], errors="ignore")
    ranked = figures.assign(
        _width=figures["value_hi"] - figures["value_lo"],
        _support=-count_corroborations(figures),
    ).sort_values([*FIGURE_KEY, *rank, "_width", "source"], kind="mergesort")
    ranked["selected"] = ~ranked.duplicated(FIGURE_KEY, keep="first")
    first = ranked.groupby(FIGURE_KEY, sort=False)[[*rank, "value_lo", "value_hi"]].transform(
        "first"
    )
    equal = (ranked[rank] == first[rank]).all(axis=1)
    apart = (ranked["value_lo"] > first["value_hi"]) | (ranked["value_hi"] < first["value_lo"])
    tie_of = (equal & apart).groupby([ranked[k] for k in FIGURE_KEY], sort=False).transform("any")
    ranked["tied"] = equal & (apart | ranked["selected"]) & tie_of
    ranked["selection"] = _selection_reasons(ranked, rank).where(ranked["selected"], "")
    return ranked.drop(columns=["_width", "_support"])


def _selection_reasons(ranked: pd.DataFrame, rank: list[str]) -> pd.Series:
    """Return, for each row, why the first figure of its group beats the second."""
    group = ranked.groupby(FIGURE_KEY, sort=False)
    second = group[rank].shift(-1)  # on a selected row: the runner-up's values
    size = group["value"].transform("size")
    reasons = pd.Series("agrees", index=ranked.index)
    for column, reason in zip(reversed(rank), ("stated", "corroborated", "grade"), strict=True):
        reasons = reasons.mask(ranked[column] != second[column], reason)
    reasons = reasons.mask(ranked["tied"], "tie")
    return reasons.mask(size == 1, "only")


def count_corroborations(figures: pd.DataFrame) -> pd.Series:
    """Count, for each figure, the figures of its group from other sources that agree with it.

    Two figures agree when their rounding intervals overlap.

    Parameters
    ----------
    figures
        Figures with the group key, ``source``, ``value_lo`` and ``value_hi``.

    Returns
    -------
    pandas.Series
        Integer counts aligned with ``figures``.
    """
    counts = pd.Series(0, index=figures.index)
    shared = figures[figures.groupby(FIGURE_KEY, sort=False)["source"].transform("size") > 1]
    for _, group in shared.groupby(FIGURE_KEY, sort=False):
        lo, hi, src = (
            group["value_lo"].to_numpy(),
            group["value_hi"].to_numpy(),
            group["source"].to_numpy(),
        )
        agree = (
            (lo[:, None] <= hi[None, :])
            & (lo[None, :] <= hi[:, None])
            & (src[:, None] != src[None, :])
        )
        counts[group.index] = agree.sum(axis=1)
    return counts


def find_conflicts(figures: pd.DataFrame) -> pd.DataFrame:
    """List the figures of every group whose figures do not all agree within rounding.

    Two figures agree when their rounding intervals overlap. A group conflicts when any pair
    does not; all its figures are listed, none is dropped.

    Parameters
    ----------
    figures
        All figures (stated and derived) with rounding intervals.

    Returns
    -------
    pandas.DataFrame
        Columns: the group key, ``value``, ``value_lo``, ``value_hi``, ``derived``, ``source``,
        ``reliability``, ``selected``, ``tied``, ``selection`` (:func:`select_figures`),
        ``relative_spread`` (max/min − 1 within the group).
    """
    columns = [
        *FIGURE_KEY,
        "value",
        "value_lo",
        "value_hi",
        "derived",
        "source",
        "reliability",
        "selected",
        "tied",
        "selection",
    ]
    parts = []
    for _, group in figures.groupby(FIGURE_KEY, sort=True):
        if len(group) < 2 or group["value_lo"].max() <= group["value_hi"].min():
            continue  # all intervals share a point: the figures agree
        spread = (
            group["value"].max() / group["value"].min() - 1 if group["value"].min() > 0 else np.inf
        )
        parts.append(group[columns].assign(relative_spread=spread))
    if not parts:
        return pd.DataFrame(columns=[*columns, "relative_spread"])
    return pd.concat(parts, ignore_index=True)


def _scale_targets(targets: pd.DataFrame) -> pd.DataFrame:
    out = targets.copy()
    factor = out["scale"].map(SCALE_FACTORS)
    growth = out["kind"] == "avg_growth"  # a rate in percent: no unit word applies
    for col in ("value", "value_max"):
        number = pd.to_numeric(out[col].replace("", np.nan))
        out[col] = np.where(growth, number, number * factor)
    for col in ("target_year", "base_year", "start_year"):
        out[col] = pd.to_numeric(out[col].replace("", np.nan)).astype("Int64")
    out["target_year"] = out["target_year"].astype(int)
    return out.sort_values(["region", "target_year", "indicator", "target_id"]).reset_index(
        drop=True
    )


REVISION_KEY = ["region", "indicator", "target_year", "kind", "value", "value_max"]


def mark_revisions(targets: pd.DataFrame) -> pd.DataFrame:
    """Add ``superseded_by`` and ``current`` to targets from their ``supersedes`` column.

    A later official restatement of a target with another value is its own row naming the
    earlier ``target_id`` in ``supersedes`` (validation guarantees one successor per target and
    no cycles). The earlier row, and every other statement of the same target (same region,
    indicator, target year, kind and value, e.g. Binhai's "超过24件" and "达到24件"), get the
    revision's id in ``superseded_by`` and ``current = False``.

    Parameters
    ----------
    targets
        Targets with ``target_id``, ``supersedes`` (``""`` when not a revision) and the
        columns of :data:`REVISION_KEY` (numbers already scaled).

    Returns
    -------
    pandas.DataFrame
        A copy with the two columns added.
    """
    cells = targets[REVISION_KEY].astype(object).where(targets[REVISION_KEY].notna(), "")
    key = pd.Series(list(cells.itertuples(index=False, name=None)), index=targets.index)
    key_of = dict(zip(targets["target_id"], key, strict=True))
    revisions = targets.loc[targets["supersedes"] != "", ["supersedes", "target_id"]]
    successor = {key_of[old]: new for old, new in revisions.itertuples(index=False)}
    superseded_by = key.map(lambda k: successor.get(k, "")).astype(str)
    superseded_by = superseded_by.where(superseded_by != targets["target_id"], "")
    return targets.assign(superseded_by=superseded_by, current=superseded_by == "")


def read_dataset(data_dir: Path | None = None) -> Dataset:
    """Read, validate and assemble the dataset (:func:`ipanalysis.data.load_dataset` caches it).

    Parameters
    ----------
    data_dir
        Folder with the CSV tables and ``sources/``; defaults to :func:`ipanalysis.paths.data_dir`.

    Returns
    -------
    Dataset

    Raises
    ------
    DataValidationError
        With every problem found (file, row, column, found, expected). Nothing is written.
    """
    data_dir = Path(data_dir) if data_dir is not None else paths.data_dir()
    label_root = data_dir.parent
    tables, schema_issues = read_checked_tables(data_dir, label_root)
    labels = {name: file_label(data_dir / f"{name}.csv", label_root) for name in TABLES}
    issues = check_dataset(tables, labels, data_dir / "sources", schema_issues)
    # filled-in "figures needed" templates (data/observations-*.csv), checked file by file
    extra, extra_issues = read_extra_observations(data_dir, label_root)
    if "observations" in tables and "sources" in tables:
        issues += check_extra_observations(tables, labels, extra, data_dir / "sources")
    issues += extra_issues
    if schema_issues or issues:  # every independent problem at once, schema and cross-table
        raise DataValidationError([*schema_issues, *issues])
    tables["observations"] = merge_extra_observations(tables["observations"], extra)

    stated = stated_figures(tables["observations"])
    derived = derive_figures(stated, tables["relations"], tables["regions"])
    grades = tables["sources"].set_index("source_id")["reliability"]
    figures = pd.concat([stated, derived], ignore_index=True)
    figures["reliability"] = figures["source"].map(grades)
    figures = select_figures(figures).reset_index(drop=True)
    return Dataset(
        sources=tables["sources"].sort_values("source_id").reset_index(drop=True),
        regions=tables["regions"].sort_values("region_id").reset_index(drop=True),
        indicators=tables["indicators"].sort_values("indicator_id").reset_index(drop=True),
        observations=figures,
        targets=mark_revisions(_scale_targets(tables["targets"])),
        conflicts=find_conflicts(figures),
        completions=tables["completions"].sort_values(["target_id", "source"]),
    )
