"""Rules that span tables: foreign keys, source integrity, quotes, relation and target sanity.

Each check takes the text tables from :func:`ipanalysis.data.tables.read_checked_tables` and
returns a list
of :class:`~ipanalysis.errors.DataIssue`; :func:`check_dataset` runs them all.
"""

import hashlib
import re
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from ipanalysis.data.tables import describe_encoding, read_number, row_of
from ipanalysis.errors import DataIssue
from ipanalysis.vocab import COMPARATORS_BY_BETTER, COMPLETION_WORDS, PERIOD_KINDS

Tables = dict[str, pd.DataFrame]
Labels = dict[str, str]

# The source may write a scale word in traditional characters (萬, 億).
SCALE_PATTERNS = {"万": "[万萬]", "亿": "[亿億]"}
#: Without a scale word a figure must not be followed by one (1.5 is not 1.5万). 亿元 is a
#: unit, not a scale (indicators in 亿元 or 万元 leave ``scale`` empty), so 亿(余)元 and 万(余)元
#: are allowed.
UNSCALED_FOLLOWER = r"[万萬](?!余?元)|[亿億](?!余?元)"
#: The full-width forms a source may write digits and the decimal point in.
FULL_WIDTH = {**{str(d): chr(0xFF10 + d) for d in range(10)}, ".": "\uff0e"}
#: The digit-grouping rule, the one place it is defined: a comma, a full-width comma (，), or a
#: normal, thin or non-breaking space between a digit and exactly three more digits joins them
#: into one number (``4,733``, ``4，733``, ``6 085``). A figure may be written with such
#: separators, and is never a piece of such a number (``733`` is not in ``4，733``).
DIGIT_GROUP_SEPARATOR = "[,\uff0c \u00a0\u2009\u202f]"
#: A scale word may follow its figure after one space (``631.8 万件``), normal, thin or
#: non-breaking; it is the same figure, and for an unscaled figure the same refusal.
SCALE_GAP = "[ \u00a0\u2009\u202f]?"
RELATIONS_NEEDING_REF_YEAR = ("growth_since_pct", "multiple_of", "increase_since")
RELATIONS_NEEDING_REF_REGION = ("above_region_by_pct", "above_region_by")
#: The columns by which a relation names the stated figure it is about.
RELATION_KEY = ["region", "indicator", "year", "period", "source"]
# Figures a source writes in words: 全覆盖 (full coverage) is 100 on a percent indicator.
WORDED_FIGURES = {"100": ("全覆盖",)}


def figure_pattern(
    value_text: str, scale: str = "", *, scale_optional: bool = False
) -> re.Pattern:
    """Return a regex finding a figure as written, as a whole number, not a piece of one.

    The figure may be written with full-width digits (２１．８) and, from four digits on, with
    the thousands separators of :data:`DIGIT_GROUP_SEPARATOR` (``63,761``, ``4，733``,
    ``6 085``). It must not continue a longer number: no digit, decimal point or group of
    three digits after a separator touching it on either side (``21`` is not in ``21.8``,
    ``1.5`` not in ``11.5万``, ``5`` not in ``2025年``, ``733`` not in ``4，733``), and it must
    not be a year (``2025年``).

    Parameters
    ----------
    value_text
        The digits as written, e.g. ``"7.2"`` (no sign).
    scale
        A unit word expected right after the number (``万`` or ``亿``), possibly after one space
        (:data:`SCALE_GAP`), or ``""`` (then the number must not be followed by 万 or 亿: that
        would be another figure).
    scale_optional
        The source may have dropped the unit word (``scale_missing_in_quote``): the figure is
        found followed by ``scale`` or by no unit word.

    Returns
    -------
    re.Pattern
        ``7.2`` matches in ``达到7.2件`` but not in ``17.29`` or ``7.2万``.
    """
    integer, point, fraction = value_text.partition(".")
    number = _digits(integer, grouped=len(integer) > 3)
    if point:
        number += f"[.{FULL_WIDTH['.']}]" + _digits(fraction)
    group = rf"{DIGIT_GROUP_SEPARATOR}\d{{3}}(?!\d)"
    before = rf"(?<![\d.．])(?!(?<=\d{DIGIT_GROUP_SEPARATOR})\d{{3}}(?!\d))"
    after = rf"(?![\d年]|[.．]\d|{group})"
    no_scale = f"(?!{SCALE_GAP}(?:{UNSCALED_FOLLOWER}))"
    scale_re = SCALE_PATTERNS.get(scale)
    follow = no_scale
    if scale_re:
        follow = (
            f"(?:{SCALE_GAP}{scale_re}|{no_scale})" if scale_optional else SCALE_GAP + scale_re
        )
    return re.compile(before + number + after + follow)


def _digits(digits: str, *, grouped: bool = False) -> str:
    """Return a regex for ``digits`` in ASCII or full-width form.

    With ``grouped``, a :data:`DIGIT_GROUP_SEPARATOR` may separate each group of three digits
    counted from the right.
    """
    chars = [f"[{d}{FULL_WIDTH[d]}]" for d in digits]
    if not grouped:
        return "".join(chars)
    pieces = []
    for i, char in enumerate(chars):
        if i and (len(chars) - i) % 3 == 0:
            pieces.append(f"{DIGIT_GROUP_SEPARATOR}?")
        pieces.append(char)
    return "".join(pieces)


def check_foreign_keys(tables: Tables, labels: Labels) -> list[DataIssue]:
    """Every region, indicator and source named in a table must exist.

    A table missing from ``tables`` (unreadable, or wrong columns) is skipped, and so are the
    columns that refer to it.
    """
    key_columns = {"region": ("regions", "region_id")}
    key_columns |= {"indicator": ("indicators", "indicator_id")}
    key_columns |= {"source": ("sources", "source_id")}
    key_columns["ref_region"] = key_columns["parent"] = key_columns["region"]
    key_columns["per_10k_of"] = key_columns["indicator"]
    key_columns["target_id"] = ("targets", "target_id")
    known = {
        col: set(tables[table][key])
        for col, (table, key) in key_columns.items()
        if table in tables
    }
    expected = {
        "region": "a region_id from regions.csv",
        "indicator": "an indicator_id from indicators.csv",
        "source": "a source_id from sources.csv",
    }
    expected["ref_region"] = expected["parent"] = expected["region"]
    expected["per_10k_of"] = expected["indicator"]
    expected["target_id"] = "a target_id from targets.csv"
    columns = {
        "regions": ["parent"],
        "indicators": ["per_10k_of"],
        "observations": ["region", "indicator", "source"],
        "relations": ["region", "indicator", "source", "ref_region"],
        "targets": ["region", "indicator", "source"],
        "completions": ["target_id", "source"],
    }
    issues = []
    for table, cols in columns.items():
        df = tables.get(table)
        for col in cols if df is not None else ():
            if col not in known:
                continue
            bad = df[(df[col] != "") & ~df[col].isin(known[col])]
            issues += [
                DataIssue(labels[table], row_of(i), col, f"unknown id {v!r}", expected[col])
                for i, v in bad[col].items()
            ]
    return issues


def check_source_files(tables: Tables, labels: Labels, sources_dir: Path) -> list[DataIssue]:
    """Every source file must exist and still have the checksum recorded for it."""
    issues = []
    for i, src in tables["sources"].iterrows():
        path = sources_dir / src["file"]
        if not _is_inside(path, sources_dir):
            found = f"{src['file']!r}, a path outside data/sources/"
            issues.append(
                DataIssue(
                    labels["sources"],
                    row_of(i),
                    "file",
                    found,
                    "a file under data/sources/",
                )
            )
            continue
        if not path.is_file():
            issues.append(
                DataIssue(
                    labels["sources"],
                    row_of(i),
                    "file",
                    f"{src['file']!r}, which does not exist",
                    "a file under data/sources/",
                )
            )
            continue
        raw = path.read_bytes()
        digest = hashlib.sha256(raw).hexdigest()
        if digest != src["sha256"]:
            found = f"a changed source text (sha256 {digest[:12]}…)"
            expected = "the source text as recorded; sources are immutable: quote what is there"
            issues.append(DataIssue(labels["sources"], row_of(i), "sha256", found, expected))
        encoding = describe_encoding(raw)
        if encoding is not None:
            found = f"{src['file']!r}, {encoding}"
            expected = "a source text saved as UTF-8 (its quotes cannot be checked otherwise)"
            issues.append(DataIssue(labels["sources"], row_of(i), "file", found, expected))
    return issues


def _is_inside(path: Path, folder: Path) -> bool:
    return path.resolve().is_relative_to(folder.resolve())


def load_source_texts(tables: Tables, sources_dir: Path) -> dict[str, str]:
    """Return each source's text by source id.

    Missing files, files outside ``sources_dir`` and files that are not UTF-8 are skipped:
    :func:`check_source_files` reports them.
    """
    texts = {}
    for src in tables["sources"].itertuples(index=False):
        path = sources_dir / src.file
        if _is_inside(path, sources_dir) and path.is_file():
            raw = path.read_bytes()
            if describe_encoding(raw) is None:
                texts[src.source_id] = raw.decode("utf-8")
    return texts


def check_quotes(tables: Tables, labels: Labels, texts: dict[str, str]) -> list[DataIssue]:
    """Each quote must appear verbatim in its source and contain its figure as written."""
    issues = []
    for table in ("observations", "relations", "targets", "completions"):
        df = tables.get(table, pd.DataFrame())
        for i, row in zip(df.index, df.to_dict("records"), strict=True):
            text = texts.get(row["source"])
            if text is None:
                continue  # unknown source or missing file: reported elsewhere
            if row["quote"] not in text:
                found = f"a quote not in source {row['source']!r}: {row['quote'][:40]!r}"
                expected = "a verbatim extract of the source text (copy-paste it)"
                issues.append(DataIssue(labels[table], row_of(i), "quote", found, expected))
                continue
            issues += _figure_issues(table, row, i, labels[table])
            if table == "completions" and not any(w in row["quote"] for w in COMPLETION_WORDS):
                found = f"a quote that states no completion: {row['quote'][:40]!r}"
                expected = f"a sentence saying the target is met ({'、'.join(COMPLETION_WORDS)})"
                issues.append(DataIssue(labels[table], row_of(i), "quote", found, expected))
    return issues


def _figure_issues(table: str, row: dict, index: int, label: str) -> list[DataIssue]:
    """Check that the quote writes each figure of the row; never skipped for a written value.

    A value the number reading refuses (:func:`~ipanalysis.data.tables.read_number`, the one
    the schema uses) is reported as such: its quote cannot be checked.
    """
    scale = row.get("scale", "")
    scale_optional = row.get("scale_missing_in_quote", "") == "true"
    issues = []
    for col in ("value", "value_max"):
        value = row.get(col, "")
        if not value:
            continue  # not applicable (value_max of a level target, a keep_improving target)
        if read_number(value) is None:
            found = f"{value!r}, not a plain number: its quote cannot be checked"
            issues.append(DataIssue(label, row_of(index), col, found, "a plain number"))
            continue
        if not _quote_has_figure(row, value.lstrip("-"), scale, scale_optional):
            written = value.lstrip("-") + scale if scale in SCALE_PATTERNS else value
            found = f"a quote without the figure {written!r}"
            expected = f"the quote to contain {col} as written in the source"
            issues.append(DataIssue(label, row_of(index), "quote", found, expected))
    return issues


def _quote_has_figure(row: dict, value: str, scale: str, scale_optional: bool) -> bool:
    """Whether a row's quote writes its figure: in digits, in words, or glued to a year.

    Besides the digits (:func:`figure_pattern`), a quote may write 100 as 全覆盖 (full
    coverage, :data:`WORDED_FIGURES`), and a relation's multiple may follow its reference year
    directly where the extraction dropped 年的 (``是20103.2倍`` = 是2010年的3.2倍).
    """
    quote = row["quote"]
    if figure_pattern(value, scale, scale_optional=scale_optional).search(quote):
        return True
    if any(word in quote for word in WORDED_FIGURES.get(value, ())):
        return True
    ref_year = row.get("ref_year", "")
    glued = re.compile(rf"{ref_year}{re.escape(value)}(?![\d])")
    return bool(ref_year) and glued.search(quote) is not None


def check_relations(
    tables: Tables, labels: Labels, *, observations_intact: bool = True
) -> list[DataIssue]:
    """Relations must point at a stated figure and carry what their derivation needs.

    With ``observations_intact`` False (a key cell of observations.csv is broken), whether a
    relation points at a stated figure cannot be told and is not checked.
    """
    key = RELATION_KEY
    stated = set(tables["observations"][key].itertuples(index=False, name=None))
    parents = dict(zip(tables["regions"]["region_id"], tables["regions"]["parent"], strict=True))
    label = labels["relations"]
    issues = []
    for i, rel in tables["relations"].iterrows():
        if observations_intact and tuple(rel[key]) not in stated:
            found = "a statement about a figure not in observations.csv: " + ", ".join(rel[key])
            expected = "a row in observations.csv with the same key (region … source)"
            issues.append(DataIssue(label, row_of(i), None, found, expected))
        kind = rel["relation"]
        if kind in RELATIONS_NEEDING_REF_YEAR and (
            not rel["ref_year"] or rel["ref_year"] >= rel["year"]
        ):
            found = repr(rel["ref_year"]) if rel["ref_year"] else "an empty cell"
            issues.append(
                DataIssue(
                    label,
                    row_of(i),
                    "ref_year",
                    found,
                    f"the earlier comparison year for {kind}",
                )
            )
        if kind in RELATIONS_NEEDING_REF_REGION and not rel["ref_region"]:
            issues.append(
                DataIssue(
                    label,
                    row_of(i),
                    "ref_region",
                    "an empty cell",
                    f"the comparison region for {kind}",
                )
            )
        if kind == "share_of_parent_pct" and not parents.get(rel["region"]):
            found = f"region {rel['region']!r}, which has no parent"
            issues.append(
                DataIssue(
                    label,
                    row_of(i),
                    "region",
                    found,
                    "a region with a parent in regions.csv",
                )
            )
        number = read_number(rel["value"])
        if kind in ("multiple_of", "share_of_parent_pct") and number is not None and number <= 0:
            issues.append(
                DataIssue(label, row_of(i), "value", repr(rel["value"]), "a positive number")
            )
    return issues


def check_targets(tables: Tables, labels: Labels) -> list[DataIssue]:
    """Target years, base years, periods, ranges and values must make sense together."""
    label = labels["targets"]
    issues = []
    for i, t in tables["targets"].iterrows():

        def add(column: str, found: str, expected: str, row: int = row_of(i)) -> None:
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


def check_comparators(tables: Tables, labels: Labels) -> list[DataIssue]:
    """Check that each target's comparator points the way its indicator improves.

    ``<=``/``<`` on a higher-is-better indicator (or ``>=``/``>`` on a lower-is-better one)
    would turn "reach 22.5" into "stay below 22.5"
    (:data:`~ipanalysis.vocab.COMPARATORS_BY_BETTER`).
    An unknown indicator is reported by :func:`check_foreign_keys`.
    """
    better = dict(
        zip(tables["indicators"]["indicator_id"], tables["indicators"]["better"], strict=True)
    )
    targets = tables["targets"]
    issues = []
    for i, indicator, comparator in zip(
        targets.index, targets["indicator"], targets["comparator"], strict=True
    ):
        allowed = COMPARATORS_BY_BETTER.get(better.get(indicator, ""))
        if allowed is None or comparator in allowed:
            continue
        found = (
            f"{comparator!r} on {indicator}, an indicator that is better when {better[indicator]}"
        )
        expected = (
            f"one of {', '.join(map(repr, allowed))} (or change column better of {indicator} "
            "in indicators.csv)"
        )
        issues.append(DataIssue(labels["targets"], row_of(i), "comparator", found, expected))
    return issues


def _check_range(target: pd.Series, add: Callable[[str, str, str], None]) -> None:
    if not target["value_max"]:
        add("value_max", "an empty cell", "the upper end of the range")
    elif (
        read_number(target["value"]) is not None
        and read_number(target["value_max"]) is not None
        and read_number(target["value_max"]) <= read_number(target["value"])
    ):
        add("value_max", repr(target["value_max"]), f"a number above value {target['value']}")


def check_source_dates(tables: Tables, labels: Labels) -> list[DataIssue]:
    """Check that a source has a publication date, or says it is unknown and why (vintages)."""
    issues = []
    for i, src in tables["sources"].iterrows():
        unknown = src["date_basis"] == "unknown"
        if unknown and src["date"]:
            found = f"date {src['date']!r} with date_basis 'unknown'"
            issues.append(DataIssue(labels["sources"], row_of(i), "date", found, "an empty date"))
        if unknown and not src["date_note"]:
            issues.append(
                DataIssue(
                    labels["sources"],
                    row_of(i),
                    "date_note",
                    "an empty cell",
                    "why the publication date is unknown",
                )
            )
        if not unknown and src["date_basis"] and not src["date"]:
            found = f"an empty date with date_basis {src['date_basis']!r}"
            expected = "the publication date, or date_basis 'unknown' with a reason in date_note"
            issues.append(DataIssue(labels["sources"], row_of(i), "date", found, expected))
    return issues


def check_revisions(tables: Tables, labels: Labels) -> list[DataIssue]:
    """Check that target revisions form simple chains of later restatements with new values.

    A row naming an earlier target in ``supersedes`` must name an existing other target of the
    same region, indicator and target year, with another value (the same value stated again is
    a second citation, not a revision), from a source not dated before the earlier one's. A
    target is superseded at most once, and chains have no cycles.
    """
    label = labels["targets"]
    targets = tables["targets"].reset_index(drop=True)
    by_id = targets.drop_duplicates("target_id").set_index("target_id", drop=False)
    dates = dict(zip(tables["sources"]["source_id"], tables["sources"]["date"], strict=True))
    issues = []
    for i, t in targets.iterrows():

        def add(found: str, expected: str, row: int = row_of(i)) -> None:
            issues.append(DataIssue(label, row, "supersedes", found, expected))

        old_id = t["supersedes"]
        if not old_id:
            continue
        if old_id not in by_id.index or old_id == t["target_id"]:
            add(f"unknown or own target id {old_id!r}", "the target_id of the earlier target")
            continue
        old = by_id.loc[old_id]
        if not all(old[c] == t[c] for c in ("region", "indicator", "target_year")):
            add(
                f"{old_id!r}, a target for another region, indicator or year",
                "a target with the same region, indicator and target_year",
            )
        if all(old[c] == t[c] for c in ("value", "value_max", "scale")):
            add(
                f"{old_id!r}, which states the same value {t['value']!r}",
                "a revision to another value (the same target stated again is a separate "
                "row without supersedes)",
            )
        if _dated_before(dates.get(t["source"], ""), dates.get(old["source"], "")):
            add(
                f"{old_id!r}, from a source dated after this row's source",
                "a revision published no earlier than the target it revises",
            )
    revised = targets[targets["supersedes"] != ""]
    for i in revised.index[revised.duplicated("supersedes")]:
        old_id = targets.at[i, "supersedes"]
        issues.append(
            DataIssue(
                label,
                row_of(i),
                "supersedes",
                f"{old_id!r}, which another row already supersedes",
                "one revision per target: supersede the latest revision instead",
            )
        )
    issues += _revision_cycles(targets, label)
    return issues


def _dated_before(date: str, other: str) -> bool:
    """Whether one YYYY[-MM[-DD]] date is surely earlier than another (empty: unknown)."""
    if not date or not other:
        return False
    n = min(len(date), len(other))
    return date[:n] < other[:n]


def _revision_cycles(targets: pd.DataFrame, label: str) -> list[DataIssue]:
    successor = {  # a row naming itself is reported by check_revisions already
        t: old
        for t, old in zip(targets["target_id"], targets["supersedes"], strict=True)
        if t != old
    }
    issues, seen = [], set()
    for i, start in targets["target_id"].items():
        chain, current = [], start
        while successor.get(current) and current not in chain:
            chain.append(current)
            current = successor[current]
        if current == start and chain and start not in seen:
            seen.update(chain)
            found = "a cycle of revisions: " + " → ".join([*chain, start])
            issues.append(
                DataIssue(label, row_of(i), "supersedes", found, "a chain without cycles")
            )
    return issues


def check_dataset(
    tables: Tables,
    labels: Labels,
    sources_dir: Path,
    schema_issues: list[DataIssue] | tuple[DataIssue, ...] = (),
) -> list[DataIssue]:
    """Run every cross-table check that the tables allow, alongside the schema problems.

    A check runs when every table it reads is present (a table with wrong columns is left out
    by :func:`ipanalysis.data.tables.read_checked_tables`). Its findings on a row that already has
    a schema problem are dropped, as they may only follow from it (a figure read as ``1.5万``
    is not in its quote either); a foreign key is kept unless that very cell is the problem.

    Parameters
    ----------
    tables
        Text tables keyed by name, possibly with schema problems.
    labels
        How errors name each table's file.
    sources_dir
        The folder the ``file`` column of sources.csv is relative to.
    schema_issues
        The schema problems already found in ``tables``.

    Returns
    -------
    list of DataIssue
        The cross-table problems; empty when the dataset is consistent.
    """
    broken_cells = {(i.file, i.row, i.column) for i in schema_issues}
    broken_rows = {(i.file, i.row) for i in schema_issues}
    issues = [
        i
        for i in check_foreign_keys(tables, labels)
        if (i.file, i.row, i.column) not in broken_cells
    ]
    found = []
    if "sources" in tables:
        texts = load_source_texts(tables, sources_dir)
        found += check_source_files(tables, labels, sources_dir)
        found += check_quotes(tables, labels, texts)
        found += check_source_dates(tables, labels)
    if {"observations", "regions", "relations"} <= tables.keys():
        intact = not any(
            i.file == labels["observations"] and i.column in RELATION_KEY for i in schema_issues
        )
        found += check_relations(tables, labels, observations_intact=intact)
    if "targets" in tables:
        found += check_targets(tables, labels) + check_revisions(tables, labels)
    if {"targets", "indicators"} <= tables.keys():
        found += check_comparators(tables, labels)
    return issues + [i for i in found if (i.file, i.row) not in broken_rows]
