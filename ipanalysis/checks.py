"""Rules that span tables: foreign keys, source integrity, quotes, relation and target sanity.

Each check takes the text tables from :func:`ipanalysis.tables.read_tables` and returns a list
of :class:`~ipanalysis.errors.DataIssue`; :func:`check_dataset` runs them all.
"""

import hashlib
import re
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from ipanalysis.errors import DataIssue

Tables = dict[str, pd.DataFrame]
Labels = dict[str, str]

# The source may write a scale word in traditional characters (萬, 億).
SCALE_PATTERNS = {"万": "[万萬]", "亿": "[亿億]"}
RELATIONS_NEEDING_REF_YEAR = ("growth_since_pct", "multiple_of", "increase_since")
RELATIONS_NEEDING_REF_REGION = ("above_region_by_pct", "above_region_by")
PERIOD_KINDS = ("every_year", "annual_average", "cumulative")


def _row(index: int) -> int:
    return int(index) + 2  # spreadsheet numbering: header is row 1


def figure_pattern(value_text: str, scale: str = "") -> re.Pattern:
    """Return a regex finding a figure as written, not as part of a longer number.

    Parameters
    ----------
    value_text
        The digits as written, e.g. ``"7.2"``.
    scale
        A unit word expected right after the number (``万`` or ``亿``), or ``""``.

    Returns
    -------
    re.Pattern
        ``7.2`` matches in ``达到7.2件`` but not in ``17.29``.
    """
    scale_re = SCALE_PATTERNS.get(scale, "")
    return re.compile(rf"(?<![\d.]){re.escape(value_text)}(?![\d]){scale_re}")


def check_foreign_keys(tables: Tables, labels: Labels) -> list[DataIssue]:
    """Every region, indicator and source named in a table must exist."""
    known = {
        "region": set(tables["regions"]["region_id"]),
        "indicator": set(tables["indicators"]["indicator_id"]),
        "source": set(tables["sources"]["source_id"]),
    }
    known["ref_region"] = known["parent"] = known["region"]
    expected = {
        "region": "a region_id from regions.csv",
        "indicator": "an indicator_id from indicators.csv",
        "source": "a source_id from sources.csv",
    }
    expected["ref_region"] = expected["parent"] = expected["region"]
    columns = {
        "regions": ["parent"],
        "observations": ["region", "indicator", "source"],
        "relations": ["region", "indicator", "source", "ref_region"],
        "targets": ["region", "indicator", "source"],
    }
    issues = []
    for table, cols in columns.items():
        df = tables[table]
        for col in cols:
            bad = df[(df[col] != "") & ~df[col].isin(known[col])]
            issues += [
                DataIssue(labels[table], _row(i), col, f"unknown id {v!r}", expected[col])
                for i, v in bad[col].items()
            ]
    return issues


def check_source_files(tables: Tables, labels: Labels, sources_dir: Path) -> list[DataIssue]:
    """Every source file must exist and still have the checksum recorded for it."""
    issues = []
    for i, src in tables["sources"].iterrows():
        path = sources_dir / src["file"]
        if not path.is_file():
            issues.append(
                DataIssue(
                    labels["sources"],
                    _row(i),
                    "file",
                    f"{src['file']!r}, which does not exist",
                    "a file under data/sources/",
                )
            )
            continue
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        if digest != src["sha256"]:
            found = f"a changed source text (sha256 {digest[:12]}…)"
            expected = "the source text as recorded; sources are immutable: quote what is there"
            issues.append(DataIssue(labels["sources"], _row(i), "sha256", found, expected))
    return issues


def load_source_texts(tables: Tables, sources_dir: Path) -> dict[str, str]:
    """Return each source's text by source id (missing files are skipped)."""
    texts = {}
    for src in tables["sources"].itertuples(index=False):
        path = sources_dir / src.file
        if path.is_file():
            texts[src.source_id] = path.read_text(encoding="utf-8")
    return texts


def check_quotes(tables: Tables, labels: Labels, texts: dict[str, str]) -> list[DataIssue]:
    """Each quote must appear verbatim in its source and contain its figure as written."""
    issues = []
    for table in ("observations", "relations", "targets"):
        df = tables[table]
        for i, row in df.iterrows():
            text = texts.get(row["source"])
            if text is None:
                continue  # unknown source or missing file: reported elsewhere
            if row["quote"] not in text:
                found = f"a quote not in source {row['source']!r}: {row['quote'][:40]!r}"
                expected = "a verbatim extract of the source text (copy-paste it)"
                issues.append(DataIssue(labels[table], _row(i), "quote", found, expected))
                continue
            issues += _figure_issues(table, row, i, labels[table])
    return issues


def _figure_issues(table: str, row: pd.Series, index: int, label: str) -> list[DataIssue]:
    scale = row.get("scale", "")
    if row.get("scale_missing_in_quote", "") == "true":
        scale = ""
    issues = []
    for col in ("value", "value_max"):
        value = row.get(col, "")
        if value and not figure_pattern(value.lstrip("-"), scale).search(row["quote"]):
            written = value.lstrip("-") + scale if scale in SCALE_PATTERNS else value
            found = f"a quote without the figure {written!r}"
            expected = f"the quote to contain {col} as written in the source"
            issues.append(DataIssue(label, _row(index), "quote", found, expected))
    return issues


def check_relations(tables: Tables, labels: Labels) -> list[DataIssue]:
    """Relations must point at a stated figure and carry what their derivation needs."""
    key = ["region", "indicator", "year", "period", "source"]
    stated = set(tables["observations"][key].itertuples(index=False, name=None))
    parents = dict(zip(tables["regions"]["region_id"], tables["regions"]["parent"], strict=True))
    label = labels["relations"]
    issues = []
    for i, rel in tables["relations"].iterrows():
        if tuple(rel[key]) not in stated:
            found = "a statement about a figure not in observations.csv: " + ", ".join(rel[key])
            expected = "a row in observations.csv with the same key (region … source)"
            issues.append(DataIssue(label, _row(i), None, found, expected))
        kind = rel["relation"]
        if kind in RELATIONS_NEEDING_REF_YEAR and (
            not rel["ref_year"] or rel["ref_year"] >= rel["year"]
        ):
            found = repr(rel["ref_year"]) if rel["ref_year"] else "an empty cell"
            issues.append(
                DataIssue(
                    label, _row(i), "ref_year", found, f"the earlier comparison year for {kind}"
                )
            )
        if kind in RELATIONS_NEEDING_REF_REGION and not rel["ref_region"]:
            issues.append(
                DataIssue(
                    label,
                    _row(i),
                    "ref_region",
                    "an empty cell",
                    f"the comparison region for {kind}",
                )
            )
        if kind == "share_of_parent_pct" and not parents.get(rel["region"]):
            found = f"region {rel['region']!r}, which has no parent"
            issues.append(
                DataIssue(label, _row(i), "region", found, "a region with a parent in regions.csv")
            )
        if kind in ("multiple_of", "share_of_parent_pct") and float(rel["value"]) <= 0:
            issues.append(
                DataIssue(label, _row(i), "value", repr(rel["value"]), "a positive number")
            )
    return issues


def check_targets(tables: Tables, labels: Labels) -> list[DataIssue]:
    """Target years, base years, periods, ranges and values must make sense together."""
    label = labels["targets"]
    issues = []
    for i, t in tables["targets"].iterrows():

        def add(column: str, found: str, expected: str, row: int = _row(i)) -> None:
            issues.append(DataIssue(label, row, column, found, expected))

        kind, year = t["kind"], t["target_year"]
        if t["base_year"] and t["base_year"] >= year:
            add("base_year", repr(t["base_year"]), f"a year before the target year {year}")
        if t["start_year"] and t["start_year"] > year:
            add("start_year", repr(t["start_year"]), f"a year not after the target year {year}")
        if kind == "keep_improving":
            if t["value"]:
                add("value", repr(t["value"]), "an empty cell for a keep_improving target")
        elif not t["value"]:
            add("value", "an empty cell", f"the target figure for a {kind} target")
        needs_base = kind == "avg_growth" or t["value_basis"] == "increase"
        if needs_base and not t["base_year"]:
            add(
                "base_year",
                "an empty cell",
                f"the year growth or increase is measured from ({kind})",
            )
        if kind in PERIOD_KINDS and not t["start_year"]:
            add("start_year", "an empty cell", f"the first year of the period of a {kind} target")
        if kind == "range":
            _check_range(t, add)
        elif t["value_max"]:
            add(
                "value_max", repr(t["value_max"]), "an empty cell (value_max is for range targets)"
            )
    return issues


def _check_range(target: pd.Series, add: Callable[[str, str, str], None]) -> None:
    if not target["value_max"]:
        add("value_max", "an empty cell", "the upper end of the range")
    elif target["value"] and float(target["value_max"]) <= float(target["value"]):
        add("value_max", repr(target["value_max"]), f"a number above value {target['value']}")


def check_source_dates(tables: Tables, labels: Labels) -> list[DataIssue]:
    """Check that a source has a publication date, or says it is unknown and why (vintages)."""
    issues = []
    for i, src in tables["sources"].iterrows():
        unknown = src["date_basis"] == "unknown"
        if unknown and src["date"]:
            found = f"date {src['date']!r} with date_basis 'unknown'"
            issues.append(DataIssue(labels["sources"], _row(i), "date", found, "an empty date"))
        if unknown and not src["date_note"]:
            issues.append(
                DataIssue(
                    labels["sources"],
                    _row(i),
                    "date_note",
                    "an empty cell",
                    "why the publication date is unknown",
                )
            )
        if not unknown and src["date_basis"] and not src["date"]:
            found = f"an empty date with date_basis {src['date_basis']!r}"
            expected = "the publication date, or date_basis 'unknown' with a reason in date_note"
            issues.append(DataIssue(labels["sources"], _row(i), "date", found, expected))
    return issues


def check_revisions(tables: Tables, labels: Labels) -> list[DataIssue]:
    """Check that a revised target names an earlier target of the same region, indicator, year."""
    targets = tables["targets"].set_index("target_id", drop=False)
    issues = []
    for i, t in tables["targets"].reset_index(drop=True).iterrows():
        old_id = t["supersedes"]
        if not old_id:
            continue
        if old_id not in targets.index or old_id == t["target_id"]:
            found = f"unknown or own target id {old_id!r}"
            expected = "the target_id of the earlier target this row restates"
            issues.append(DataIssue(labels["targets"], _row(i), "supersedes", found, expected))
            continue
        old = targets.loc[old_id]
        same = all(old[c] == t[c] for c in ("region", "indicator", "target_year"))
        if not same:
            found = f"{old_id!r}, a target for another region, indicator or year"
            expected = "a target with the same region, indicator and target_year"
            issues.append(DataIssue(labels["targets"], _row(i), "supersedes", found, expected))
    return issues


def check_dataset(tables: Tables, labels: Labels, sources_dir: Path) -> list[DataIssue]:
    """Run every cross-table check.

    Parameters
    ----------
    tables
        Schema-checked text tables keyed by name.
    labels
        How errors name each table's file.
    sources_dir
        The folder the ``file`` column of sources.csv is relative to.

    Returns
    -------
    list of DataIssue
        Empty when the dataset is consistent.
    """
    texts = load_source_texts(tables, sources_dir)
    return [
        *check_foreign_keys(tables, labels),
        *check_source_files(tables, labels, sources_dir),
        *check_quotes(tables, labels, texts),
        *check_relations(tables, labels),
        *check_targets(tables, labels),
        *check_source_dates(tables, labels),
        *check_revisions(tables, labels),
    ]
