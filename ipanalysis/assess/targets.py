"""One row per target: restatements merged, later revisions applied."""

from __future__ import annotations

import numpy as np
import pandas as pd

TARGET_KEY = ["region", "indicator", "target_year", "kind", "value"]
#: How strict a comparator reads, strictest first: among statements of one target, the
#: strictest is kept ("达到300" over "300左右").
STRICTNESS = {">": 0, "<": 0, ">=": 1, "<=": 1, "~": 2}


def merge_restatements(targets: pd.DataFrame) -> pd.DataFrame:
    """Keep one row per target stated in several sources, with all its citations.

    The same region, indicator, target year, kind and value is one target (e.g. Binhai
    每万人口高价值发明专利 "超过24件" in the IP plan and "达到24件" in the S&T plan). When the
    statements differ in comparator ("300左右" and "达到300"), the stricter reading is kept
    (``>`` before ``>=`` before ``~``) and the other named in ``restated_as``.

    Parameters
    ----------
    targets : pandas.DataFrame
        The targets table; optional ``reliability`` (the source's grade: best kept among
        equally strict statements, then ``target_id``) and ``published_year`` (the group's
        earliest is kept: the plan's own).

    Returns
    -------
    pandas.DataFrame
        One row per target, with ``citations`` (the ``source`` of every statement, kept one
        first, joined with ``;``) and ``restated_as`` (``"~ 300 (source)"`` or ``""``).
    """
    ranked = targets.assign(_strict=targets["comparator"].map(STRICTNESS).fillna(len(STRICTNESS)))
    order = [c for c in ("_strict", "reliability", "target_id") if c in ranked]
    ranked = ranked.sort_values(order, kind="stable")
    key = _target_keys(ranked)
    groups = ranked.groupby(key, sort=False)
    citations = groups["source"].agg(lambda s: ";".join(dict.fromkeys(s)))
    kept = ranked[~key.duplicated()].copy()
    kept["citations"] = key[kept.index].map(citations).to_numpy()
    kept["restated_as"] = [
        "; ".join(
            f"{c} {_fmt_plain(v)} ({src})"
            for c, v, src in zip(g["comparator"], g["value"], g["source"], strict=True)
            if c != first
        )
        for first, (_, g) in zip(kept["comparator"], groups, strict=True)
    ]
    if "published_year" in ranked:
        kept["published_year"] = key[kept.index].map(groups["published_year"].min()).to_numpy()
    return kept.drop(columns="_strict").sort_index()


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
