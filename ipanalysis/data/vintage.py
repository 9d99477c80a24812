"""Data vintages: the dataset as it stood on a past date, for leakage-free assessments.

An assessment ``as of`` year Y may use only what was published by a cut-off date, by default
30 June of Y+1 (the previous year's figures are out by then: the white papers appear in
April). The vintage keeps

- the figures stated by sources published by the cut-off, and the figures derived from them,
  with year <= Y; conflicts are found and the value an analysis uses is chosen again from
  those figures alone (:func:`ipanalysis.data.dataset.select_figures`,
  :func:`ipanalysis.data.dataset.find_conflicts`);
- the targets whose source was published by the cut-off (a later revision of a target is
  invisible before it was published).

A derived figure comes from one stated figure and one relative statement of the *same*
source (:func:`ipanalysis.data.derive.derive_figures` matches a relation to the stated figure of
its source), so keeping the derived figures of the admitted sources is exactly re-running the
derivation on the vintage's rows.

Publication dates (``sources.csv`` ``date``) are read at their precision's last day:
``YYYY`` → 31 December, ``YYYY-MM`` → the month's last day, ``YYYY-MM-DD`` → that day. A source
without a date counts as published on 30 June of the year after the latest year it reports
(its latest figure; for a source with targets only, its targets' base year or the year before
their start year, else five years before the earliest target year, the start of a five-year
plan).
"""

from __future__ import annotations

import dataclasses

import pandas as pd

from ipanalysis.data.dataset import Dataset, find_conflicts, select_figures
from ipanalysis.vocab import PLAN_YEARS

CUTOFF_MONTH_DAY = (6, 30)


def cutoff_date(as_of: int) -> pd.Timestamp:
    """Return the default publication cut-off of a vintage: 30 June of the year after.

    Parameters
    ----------
    as_of : int
        The last year whose figures the vintage may use.

    Returns
    -------
    pandas.Timestamp
        ``as_of + 1``-06-30.
    """
    month, day = CUTOFF_MONTH_DAY
    return pd.Timestamp(year=int(as_of) + 1, month=month, day=day)


def parse_publication_date(text: str) -> pd.Timestamp | None:
    """Return the last day a written publication date can mean.

    Parameters
    ----------
    text : str
        ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``; empty for unknown.

    Returns
    -------
    pandas.Timestamp or None
        31 December of ``YYYY``; the month's last day for ``YYYY-MM``; the day itself; None
        when empty.

    Raises
    ------
    ValueError
        Any other form (the loader's checks refuse such a date first).
    """
    text = "" if text is None or pd.isna(text) else str(text).strip()
    if not text:
        return None
    parts = text.split("-")
    if len(parts) == 1 and len(parts[0]) == 4:
        return pd.Timestamp(year=int(parts[0]), month=12, day=31)
    if len(parts) == 2:
        return pd.Timestamp(year=int(parts[0]), month=int(parts[1]), day=1) + pd.offsets.MonthEnd(
            0
        )
    if len(parts) == 3:
        return pd.Timestamp(text)
    raise ValueError(f"publication date {text!r}: expected YYYY, YYYY-MM or YYYY-MM-DD")


def _latest_reported_year(source_id: str, observations: pd.DataFrame, targets: pd.DataFrame):
    years = observations.loc[observations["source"] == source_id, "year"]
    if len(years):
        return int(years.max())
    own = targets[targets["source"] == source_id]
    if own.empty:
        return None
    anchors = pd.concat([own["base_year"], own["start_year"] - 1]).dropna()
    if len(anchors):
        return int(anchors.max())
    return int(own["target_year"].min()) - PLAN_YEARS


def publication_dates(dataset: Dataset) -> pd.DataFrame:
    """Return every source's effective publication date and how it was obtained.

    Parameters
    ----------
    dataset : Dataset
        The full dataset (``sources`` with ``date``; ``observations``; ``targets``).

    Returns
    -------
    pandas.DataFrame
        ``source_id, published, date_rule``: ``published`` a Timestamp (NaT for a source that
        reports nothing), ``date_rule`` ``"stated"`` or ``"unknown: 30 June after YYYY"``.
    """
    rows = []
    for rec in dataset.sources.to_dict("records"):
        sid = rec["source_id"]
        stated = parse_publication_date(rec.get("date", ""))
        if stated is not None:
            rows.append({"source_id": sid, "published": stated, "date_rule": "stated"})
            continue
        latest = _latest_reported_year(sid, dataset.observations, dataset.targets)
        published = cutoff_date(latest) if latest is not None else pd.NaT
        rule = f"unknown: 30 June after {latest}" if latest is not None else "unknown"
        rows.append({"source_id": sid, "published": published, "date_rule": rule})
    return pd.DataFrame(rows, columns=["source_id", "published", "date_rule"])


def vintage_dataset(
    dataset: Dataset, as_of: int, *, cutoff: pd.Timestamp | None = None
) -> Dataset:
    """Return the dataset as it stood at a cut-off, with figures up to ``as_of``.

    Parameters
    ----------
    dataset : Dataset
        The full dataset.
    as_of : int
        Keep figures with ``year <= as_of``.
    cutoff : pandas.Timestamp, optional
        Keep sources published on or before this date; default :func:`cutoff_date`.

    Returns
    -------
    Dataset
        Same tables; ``sources`` gains ``published``; ``observations``, ``targets`` and
        ``conflicts`` hold only what the admitted sources say, the used value chosen again.
    """
    cutoff = cutoff_date(as_of) if cutoff is None else pd.Timestamp(cutoff)
    dates = publication_dates(dataset)
    admitted = set(dates.loc[dates["published"] <= cutoff, "source_id"])
    obs = dataset.observations
    kept = obs[obs["source"].isin(admitted) & (obs["year"] <= as_of)]
    figures = select_figures(kept).reset_index(drop=True)
    targets = dataset.targets[dataset.targets["source"].isin(admitted)].reset_index(drop=True)
    completions = dataset.completions[dataset.completions["source"].isin(admitted)]
    sources = dataset.sources.drop(columns="published", errors="ignore").merge(
        dates[["source_id", "published"]], on="source_id", how="left"
    )
    return dataclasses.replace(
        dataset,
        sources=sources,
        observations=figures,
        targets=targets,
        conflicts=find_conflicts(figures),
        completions=completions.reset_index(drop=True),
    )


def as_of_years(dataset: Dataset) -> tuple[int, int] | None:
    """Return the first and last year an assessment "as of" a year can use with this dataset.

    A figure for year y from a source published on date d is first seen as of the later of y
    and the first year whose cut-off (30 June of the year after, :func:`cutoff_date`) is on or
    after d. The first year is the earliest at which any figure is seen (before it a vintage is
    empty); the last is the latest year with a figure (after it nothing changes, and a far
    year has no calendar date).

    Parameters
    ----------
    dataset : Dataset
        The full dataset.

    Returns
    -------
    tuple of int, or None
        ``(first, last)``; None when the dataset has no figures.
    """
    obs = dataset.observations
    if obs.empty:
        return None
    published = obs["source"].map(publication_dates(dataset).set_index("source_id")["published"])
    month, day = CUTOFF_MONTH_DAY
    after_cutoff = (published.dt.month > month) | (
        (published.dt.month == month) & (published.dt.day > day)
    )
    first_seen = (published.dt.year - 1 + after_cutoff).where(published.notna())
    return int(first_seen.clip(lower=obs["year"]).min()), int(obs["year"].max())


def as_of_problem(as_of: int | None, years: tuple[int, int] | None) -> str | None:
    """Say why ``as_of`` is outside the years the data supports (None when it is not).

    Parameters
    ----------
    as_of : int or None
        The year asked for (None: no vintage, always fine).
    years : tuple of int, or None
        From :func:`as_of_years` (None: no figures, nothing to bound).

    Returns
    -------
    str or None
        A sentence naming the option, the year found and the years expected.
    """
    if as_of is None or years is None or years[0] <= as_of <= years[1]:
        return None
    first, last = years
    return (
        f"--as-of {as_of}: the data supports the years {first}–{last} (the first year whose "
        f"published figures an assessment could have seen, to the latest year with a figure); "
        f"expected a year from {first} to {last}."
    )
