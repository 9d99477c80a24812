"""Build the dataset: read, validate, derive, find conflicts, choose the value analyses use.

>>> from ipanalysis.data import load_dataset
>>> ds = load_dataset()                       # raises DataValidationError on bad data
>>> ds.series(min_reliability="A")            # official sources only, one value per year

:func:`read_dataset` does the work; :func:`ipanalysis.data.cache.load_dataset` is what callers
use (the same dataset, reused while nothing it depends on changed).
"""

from dataclasses import dataclass, field
from pathlib import Path

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
]


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
    """

    sources: pd.DataFrame
    regions: pd.DataFrame
    indicators: pd.DataFrame
    observations: pd.DataFrame
    targets: pd.DataFrame
    conflicts: pd.DataFrame
    #: The series per minimum grade, computed once per dataset (not part of its value).
    _series: dict[str, pd.DataFrame] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

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
        if min_reliability not in self._series:
            admitted = self.observations[
                (self.observations["period"] == "")
                & (self.observations["qualifier"] != "over")
                & (self.observations["reliability"] <= _check_grade(min_reliability))
            ]
            chosen = select_figures(admitted)
            self._series[min_reliability] = chosen[chosen["selected"]][SERIES_COLUMNS]
        return self._series[min_reliability].reset_index(drop=True)

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
    sources (intervals overlap); stated over derived; narrower rounding interval; source id
    alphabetically (only to make the choice deterministic). Corroboration comes before
    precision so that a precise-looking figure with a dropped digit (39965 for 39.96万) loses
    to the figure other sources confirm.

    Parameters
    ----------
    figures
        Figures with columns ``reliability``, ``derived``, ``value_lo``, ``value_hi``,
        ``source`` and the group key.

    Returns
    -------
    pandas.DataFrame
        The same rows with a boolean ``selected`` column, sorted by the group key and rank.
    """
    ranked = figures.assign(
        _width=figures["value_hi"] - figures["value_lo"],
        _support=-count_corroborations(figures),
    ).sort_values(
        [*FIGURE_KEY, "reliability", "_support", "derived", "_width", "source"], kind="mergesort"
    )
    ranked["selected"] = ~ranked.duplicated(FIGURE_KEY, keep="first")
    return ranked.drop(columns=["_width", "_support"])


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
    for _, group in figures.groupby(FIGURE_KEY, sort=False):
        if len(group) < 2:
            continue
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
        ``reliability``, ``selected``, ``relative_spread`` (max/min − 1 within the group).
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
    )
