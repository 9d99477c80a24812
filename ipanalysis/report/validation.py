"""What ``ipanalysis validate --detail`` says beyond the counts, as lines of plain text.

The conflicts between sources (with the rule that chose the figure used, or the tie), the
population each absolute and per-10,000 pair implies with the baselines that do not match
their targets, and the characters the bundled figure font lacks.
"""

from __future__ import annotations

from ipanalysis.data import populations as pop
from ipanalysis.data.dataset import Dataset
from ipanalysis.formats import fmt_number
from ipanalysis.report import fonts


def selection_label(selected: bool, tied: bool, selection: str) -> str:
    """Say how a conflicting figure was treated: used (and why), tied, or neither."""
    if tied:
        return ", tie: verdict shown under each" if selected else ", tie"
    return f", used: {selection}" if selected else ""


def conflict_lines(ds: Dataset) -> list[str]:
    """Return one line per group of figures that disagree beyond rounding (after a title)."""
    groups = ds.conflicts.groupby(["region", "indicator", "year", "period"], sort=True)
    lines = [f"\n{groups.ngroups} conflict(s): figures that disagree beyond rounding"]
    for (region, indicator, year, period), group in groups:
        shown = "; ".join(
            f"{r.value:,.6g} ({r.source}, {r.reliability}{', derived' if r.derived else ''}"
            f"{selection_label(r.selected, r.tied, r.selection)})"
            for r in group.itertuples()
        )
        when = f"{year}{' ' + period if period else ''}"
        lines.append(f"  {region} {indicator} {when}: {shown}")
    return lines


def population_lines(ds: Dataset) -> list[str]:
    """Return the population each absolute + per-10k pair implies, and unmatched baselines."""
    implied = pop.implied_populations(ds)
    lines = [f"\nImplied populations 隐含人口 (figure ÷ per 10,000 figure, 万人): {len(implied)}"]
    lines += [
        f"  {row.region} {row.year} {row.basis}: {fmt_number(row.absolute)} ÷ "
        f"{fmt_number(row.per_10k)} = {fmt_number(row.population_10k)}万 ({row.indicator})"
        for row in implied.itertuples()
    ]
    flagged = pop.baseline_checks(ds).drop_duplicates(["region", "target_year", "baseline_year"])
    lines += [
        f"  baseline not comparable 基数不可比: {row.region} {row.baseline_year} figures "
        f"imply {row.population_baseline_10k:,.1f}万, its {row.target_year} targets "
        f"{row.population_target_10k:,.1f}万 ({row.gap:.0%} apart, over "
        f"{pop.MAX_POPULATION_GAP:.0%}): their verdicts say so"
        for row in flagged[~flagged["comparable"]].itertuples()
    ]
    return lines


def missing_glyph_lines(ds: Dataset) -> list[str]:
    """Name the characters of region and indicator names the bundled figure font lacks."""
    texts = [
        *ds.regions.filter(like="name_").stack(),
        *ds.indicators.filter(regex="^name_|^unit$").stack(),
    ]
    missing = fonts.missing_glyphs(texts)
    if not missing:
        return []
    return [
        f"\nFont: the bundled font lacks {' '.join(missing)} (in region/indicator names); "
        f"figures would draw them in another font or as boxes. Regenerate the subset: "
        f"{fonts.REGENERATE_HINT}"
    ]
