"""One row per target: restatements merged, later revisions applied."""

from __future__ import annotations

import numpy as np
import pandas as pd

TARGET_KEY = ["region", "indicator", "target_year", "kind", "value"]


def merge_restatements(targets: pd.DataFrame) -> pd.DataFrame:
    """Keep one row per target stated in several sources, with all its citations.

    The same region, indicator, target year, kind and value is one target (e.g. Binhai
    每万人口高价值发明专利 "超过24件" in the IP plan and "达到24件" in the S&T plan).

    Parameters
    ----------
    targets : pandas.DataFrame
        The targets table; an optional ``reliability`` column (the source's grade) decides
        which statement is kept (best grade, then ``target_id``).

    Returns
    -------
    pandas.DataFrame
        One row per target, with ``citations``: the ``source`` of every statement, best first,
        joined with ``;``.
    """
    order = [c for c in ("reliability", "target_id") if c in targets]
    ranked = targets.sort_values(order, kind="stable") if order else targets
    key = _target_keys(ranked)
    citations = ranked.groupby(key, sort=False)["source"].agg(lambda s: ";".join(dict.fromkeys(s)))
    kept = ranked[~key.duplicated()].copy()
    kept["citations"] = key[kept.index].map(citations).to_numpy()
    return kept.sort_index()


def apply_revisions(targets: pd.DataFrame, sources: pd.DataFrame | None = None) -> pd.DataFrame:
    """Drop targets a later document restates with another value; note the earlier one.

    Parameters
    ----------
    targets : pandas.DataFrame
        Targets with ``supersedes`` (the ``target_id`` a row revises, or empty).
    sources : pandas.DataFrame, optional
        ``source_id, date``: the year shown in ``revised_from`` (:func:`assess` passes the
        effective publication year, :func:`ipanalysis.data.vintage.publication_dates`).

    Returns
    -------
    pandas.DataFrame
        The targets no row present supersedes (nor restates a superseded one: the same
        region, indicator, year, kind and value), with ``revised_from``: e.g.
        ``"24 (binhai-ip-14fyp, 2021)"`` for a revision, else ``""``. A revision whose
        earlier target is absent (not yet published, say) is an ordinary target.
    """
    out = targets.copy()
    out["revised_from"] = ""
    if "supersedes" not in out:
        return out
    years = {}
    if sources is not None and "date" in sources:
        years = {r: str(d)[:4] for r, d in zip(sources["source_id"], sources["date"], strict=True)}
    by_id = out.set_index("target_id")
    supersedes = out["supersedes"].fillna("").astype(str)
    present = supersedes.isin(by_id.index)
    for i in out.index[present]:
        old = by_id.loc[supersedes[i]]
        when = years.get(old["source"], "") or "date unknown"
        value = old["value"] if old["kind"] == "avg_growth" else old["value"]
        out.at[i, "revised_from"] = f"{_fmt_plain(value)} ({old['source']}, {when})"
    # the superseded target and every restatement of it (same TARGET_KEY) give way
    keys = _target_keys(out)
    old_keys = set(keys[out["target_id"].isin(set(supersedes[present]))])
    return out[~keys.isin(old_keys) | present]


def _target_keys(targets: pd.DataFrame) -> pd.Series:
    """Return one hashable key per target row: :data:`TARGET_KEY` as text."""
    return pd.Series(
        ["|".join(map(str, rec)) for rec in targets[TARGET_KEY].itertuples(index=False)],
        index=targets.index,
    )


def _fmt_plain(value: float) -> str:
    """Format a revised target value for ``revised_from`` (up to ten significant digits)."""
    return f"{value:,.10g}" if np.isfinite(value) else ""
