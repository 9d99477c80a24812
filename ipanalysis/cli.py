"""The ``ipanalysis`` command: validate the data, assess targets, backtest, run the notebooks."""

import ast
import os
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ipanalysis.data import Dataset, load_dataset
from ipanalysis.data.regions import check_region_ids, reportable_region_ids
from ipanalysis.errors import DataValidationError, RegionError
from ipanalysis.report.terminal import literal
from ipanalysis.scope import Scope
from ipanalysis.vocab import RELIABILITY_GRADES

app = typer.Typer(
    help="Tianjin IP indicators against plan targets: which 2025/2026 targets are on track.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console()
if not console.is_terminal and not os.environ.get("COLUMNS"):  # piped or in CI: 100 columns
    console = Console(width=100)


def _check_option(value: object, valid: bool, expected: str) -> object:
    """Return ``value``, or refuse it as a usage error (exit 2) before anything is loaded."""
    if not valid:
        raise typer.BadParameter(f"{value!r}; expected {expected}")
    return value


RegionOption = Annotated[
    list[str] | None,
    typer.Option(
        "--region", "-r", help="Region id (repeatable); default: every city and district."
    ),
]
AsOfOption = Annotated[
    int | None,
    typer.Option(
        "--as-of", help="Use only figures up to this year (reproduce a past assessment)."
    ),
]
ReliabilityOption = Annotated[
    str,
    typer.Option(
        "--min-reliability",
        help="Lowest source grade admitted: A official only, B adds media, C adds mirrors.",
        callback=lambda grade: _check_option(
            grade, grade.upper() in RELIABILITY_GRADES, "A, B or C"
        ),
    ),
]
LevelOption = Annotated[
    float,
    typer.Option(
        "--interval-level",
        help="Prediction-interval level, e.g. 0.8.",
        callback=lambda level: _check_option(level, 0 < level < 1, "a number between 0 and 1"),
    ),
]


AllowFewerOption = Annotated[
    bool,
    typer.Option(
        help="Go ahead even if the dataset lost most figures the outputs were made from."
    ),
]


def _load() -> Dataset:
    try:
        return load_dataset()
    except DataValidationError as err:
        console.print("[bold red]Validation failed[/bold red]")
        console.print(str(err), markup=False, highlight=False)
        raise typer.Exit(1) from None


def _count_table(title: str, counts: pd.DataFrame) -> Table:
    table = Table(title=title, title_justify="left")
    for col in counts.columns:
        table.add_column(str(col), justify="right" if counts[col].dtype.kind in "iu" else "left")
    for row in counts.itertuples(index=False):
        table.add_row(*(literal(v) for v in row))
    return table


COVERAGE_THRESHOLDS = (1, 2, 3)


def count_coverage(ds: Dataset, thresholds: tuple[int, ...] = COVERAGE_THRESHOLDS) -> pd.DataFrame:
    """Count, per region, its figures and targets and the indicators with enough yearly figures.

    Parameters
    ----------
    ds
        The validated dataset.
    thresholds
        For each n, a column ``≥n yr`` counts the indicators with at least n years of figures.

    Returns
    -------
    pandas.DataFrame
        One row per region (sorted by id): ``region``, ``名称``, ``stated`` and ``derived``
        figures, ``targets``, then one column per threshold. A year counts when
        :meth:`Dataset.series` has a value for it: full-year, selected, not a lower bound.
    """
    regions = ds.regions["region_id"]
    obs = ds.observations
    years = ds.series().groupby(["region", "indicator"])["year"].nunique()
    table = pd.DataFrame(
        {
            "region": regions,
            "名称": ds.regions["name_zh"],
            "stated": regions.map(obs.loc[~obs["derived"], "region"].value_counts()),
            "derived": regions.map(obs.loc[obs["derived"], "region"].value_counts()),
            "targets": regions.map(ds.targets["region"].value_counts()),
        }
    )
    for n in thresholds:
        enough = years[years >= n].reset_index()["region"].value_counts()
        table[f"≥{n} yr"] = regions.map(enough)
    counts = [c for c in table.columns if c not in ("region", "名称")]
    return table.fillna(dict.fromkeys(counts, 0)).astype(dict.fromkeys(counts, int))


@app.command()
def validate(
    detail: Annotated[
        bool,
        typer.Option(
            "--detail", help="Also list figures by source and by indicator, and every conflict."
        ),
    ] = False,
) -> None:
    """Validate every table in data/; print a summary and the coverage per region."""
    ds = _load()
    obs = ds.observations
    stated = obs[~obs["derived"]]
    n_conflicts = ds.conflicts.groupby(["region", "indicator", "year", "period"]).ngroups
    console.print(
        f"[green]OK[/green]: {len(ds.sources)} sources, {len(ds.regions)} regions, "
        f"{len(ds.indicators)} indicators, {len(stated)} stated figures, "
        f"{int(obs['derived'].sum())} derived figures, {len(ds.targets)} targets, "
        f"{n_conflicts} conflict(s)" + ("" if detail else " (--detail lists them)") + "."
    )
    console.print(
        _count_table(
            "Coverage by region: indicators with at least 1, 2, 3 yearly figures "
            "(full-year, selected, lower bounds left out)",
            count_coverage(ds),
        )
    )
    _print_missing_glyphs(ds)
    if not detail:
        return
    by_source = (
        ds.sources[["source_id", "reliability"]]
        .assign(
            figures=ds.sources["source_id"].map(stated["source"].value_counts()),
            targets=ds.sources["source_id"].map(ds.targets["source"].value_counts()),
        )
        .fillna(0)
        .astype({"figures": int, "targets": int})
    )
    console.print(_count_table("By source", by_source))
    indicator_names = ds.indicators.set_index("indicator_id")["name_zh"]
    by_indicator = (
        obs.groupby("indicator")
        .agg(figures=("value", "size"), years=("year", lambda y: f"{y.min()}–{y.max()}"))
        .reset_index()
        .assign(名称=lambda d: d["indicator"].map(indicator_names))
    )
    console.print(_count_table("By indicator (stated and derived)", by_indicator))
    _print_conflicts(ds)


def _print_missing_glyphs(ds: Dataset) -> None:
    """Name the characters of region and indicator names the bundled figure font lacks."""
    from ipanalysis.report import fonts

    texts = [
        *ds.regions.filter(like="name_").stack(),
        *ds.indicators.filter(regex="^name_|^unit$").stack(),
    ]
    if missing := fonts.missing_glyphs(texts):
        console.print(
            f"\nFont: the bundled font lacks {' '.join(missing)} (in region/indicator names); "
            f"figures would draw them in another font or as boxes. Regenerate the subset: "
            f"{fonts.REGENERATE_HINT}",
            markup=False,
            highlight=False,
        )


def _print_conflicts(ds: Dataset) -> None:
    conflicts = ds.conflicts
    groups = conflicts.groupby(["region", "indicator", "year", "period"], sort=True)
    console.print(f"\n{groups.ngroups} conflict(s): figures that disagree beyond rounding")
    for (region, indicator, year, period), group in groups:
        shown = "; ".join(
            f"{r.value:,.6g} ({r.source}, {r.reliability}{', derived' if r.derived else ''}"
            f"{', used' if r.selected else ''})"
            for r in group.itertuples()
        )
        when = f"{year}{' ' + period if period else ''}"
        console.print(f"  {region} {indicator} {when}: {shown}", markup=False, highlight=False)


@app.command()
def assess(
    region: RegionOption = None,
    as_of: AsOfOption = None,
    min_reliability: ReliabilityOption = "C",
    interval_level: LevelOption = 0.8,
    allow_fewer_figures: AllowFewerOption = False,
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Also write the table as CSV to this file (else nothing)."),
    ] = None,
) -> None:
    """Assess every target (all target years) and print the verdicts; --out writes a CSV."""
    from ipanalysis.assess import assess as assess_targets
    from ipanalysis.report.files import write_assessment_csv
    from ipanalysis.report.terminal import print_assessment

    ds = _load()
    regions = _check_regions(ds, region)
    if not allow_fewer_figures:
        _check_figures_kept(ds)
    scope = Scope(as_of, min_reliability.upper(), interval_level)
    table = assess_targets(ds, scope, regions=regions)
    print_assessment(table, ds, console)
    if out is not None:
        console.print(f"Wrote {write_assessment_csv(table, out)}", markup=False, highlight=False)


@app.command()
def backtest(min_reliability: ReliabilityOption = "C") -> None:
    """Vintage backtest: forecasts by calendar horizon, and verdicts on past targets."""
    from ipanalysis.assess.track_record import run_backtest
    from ipanalysis.report.files import write_backtest
    from ipanalysis.report.terminal import print_frame

    ds = _load()
    models, targets = run_backtest(ds, Scope(min_reliability=min_reliability.upper()))
    print_frame(
        _dashes(models),
        "Forecasts from past vintages, by calendar horizon (80% intervals)",
        console,
    )
    shown = [
        "target_id",
        "as_of",
        "lead_years",
        "predicted_status",
        "p_meet",
        "likelihood",
        "outcome",
        "correct",
    ]
    print_frame(
        _dashes(targets[shown]), "Past targets: verdict in an earlier vintage vs outcome", console
    )
    for path in write_backtest(models, targets):
        console.print(f"Wrote {path}")


def _dashes(frame: pd.DataFrame) -> pd.DataFrame:
    """Return the frame as text for the terminal: 4 significant digits, "–" for missing."""
    return frame.apply(
        lambda col: col.map(
            lambda v: (
                "–" if pd.isna(v) or v == "" else f"{v:.4g}" if isinstance(v, float) else str(v)
            )
        )
    )


@app.command()
def run(
    region: RegionOption = None,
    jobs: Annotated[
        int | None,
        typer.Option("--jobs", "-j", help="Parallel processes (default: one per core)."),
    ] = None,
    as_of: AsOfOption = None,
    min_reliability: ReliabilityOption = "C",
    interval_level: LevelOption = 0.8,
    param: Annotated[
        list[str] | None,
        typer.Option(
            "--param",
            "-p",
            help="Extra notebook parameter NAME=VALUE (repeatable); refused if undeclared.",
        ),
    ] = None,
    allow_fewer_figures: AllowFewerOption = False,
    force: Annotated[
        bool, typer.Option("--force", help="Rerun every notebook, even if nothing changed.")
    ] = False,
) -> None:
    """Execute the notebooks per region (papermill); write notebooks, HTML, CSV, PNG.

    Only notebooks whose inputs changed are executed (see outputs/manifest.json). Options
    other than the defaults (--as-of, --min-reliability, --interval-level, --param) write a
    variant to outputs/variants/<slug>/ and leave the current reports alone. Ctrl-C stops
    every process of the run and exits with code 130; the outputs stay as they were.
    """
    from ipanalysis.exits import exit_on_interrupt
    from ipanalysis.report.summary import (
        read_previous_assessment,
        read_previous_forecasts,
        summary_lines,
    )
    from ipanalysis.runner import RunConfigError, run_notebooks
    from ipanalysis.runner.plan import check_parameter_names

    try:
        params = _parse_params(param or [])
        check_parameter_names(params)
        ds = _load()  # refuse to start on invalid data, before any notebook runs
        _check_regions(ds, region)
        if not allow_fewer_figures:
            _check_figures_kept(ds)
        before = read_previous_assessment()  # the current reports, to say what changed
        forecasts_before = read_previous_forecasts()  # to hold the new figures against
        summary = run_notebooks(
            region or None,
            dataset=ds,
            jobs=jobs,
            as_of=as_of,
            min_reliability=min_reliability.upper(),
            interval_level=interval_level,
            force=force,
            **params,
        )
        exit_on_interrupt()  # the outputs are complete: a late Ctrl-C only ends the process
    except RunConfigError as err:
        console.print(f"[red]Refused:[/red] {escape(str(err))}", highlight=False, soft_wrap=True)
        raise typer.Exit(2) from None
    except KeyboardInterrupt:
        exit_on_interrupt()  # a second Ctrl-C must not turn this into click's "Aborted!"
        console.print(
            "[yellow]Interrupted[/yellow]: every process of the run is stopped and no partial "
            "file is left (the outputs are the previous ones, or complete new ones if it had "
            "finished).",
            highlight=False,
        )
        raise typer.Exit(130) from None
    console.print(str(summary), markup=False, highlight=False)
    after = read_previous_assessment(summary.outputs_dir)  # a variant: compared with the current
    if after is not None:
        lines = summary_lines(after, ds, before, forecasts_before)
        console.print("\n".join(lines), markup=False, highlight=False)
    if summary.failures:
        raise typer.Exit(1)


@app.command()
def needs(
    region: RegionOption = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Folder for the templates (default outputs/<region>/)."),
    ] = None,
) -> None:
    """Write, per region, a CSV of the figures that would settle its insufficient-data targets."""
    from ipanalysis.report.needs import write_needs_templates

    ds = _load()
    regions = _check_regions(ds, region) or reportable_region_ids(ds.regions)
    for path in write_needs_templates(ds, regions=regions, out_dir=out):
        console.print(f"Wrote {path}", markup=False, highlight=False)
    console.print(
        "Fill in value, source and quote in Excel/WPS, save as CSV UTF-8 into data/ "
        "(keep the name observations-*.csv), then run `ipanalysis validate`.",
        markup=False,
        highlight=False,
    )


@app.command()
def export(
    out: Annotated[
        Path | None, typer.Option("--out", help="Folder to write to (default outputs/export/).")
    ] = None,
) -> None:
    """Write the resolved dataset and the assessment as an Excel workbook and tidy CSVs."""
    from ipanalysis.report.export import export_all

    for path in export_all(_load(), out):
        console.print(f"Wrote {path}", markup=False, highlight=False)


def _parse_params(pairs: list[str]) -> dict[str, object]:
    """Turn ``NAME=VALUE`` strings into parameters; values are Python literals or text."""
    params: dict[str, object] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.isidentifier():
            console.print(f"[red]Refused:[/red] --param {escape(pair)!r}: expected NAME=VALUE")
            raise typer.Exit(2)
        try:
            params[name] = ast.literal_eval(value)
        except (ValueError, SyntaxError):
            params[name] = value
    return params


def _check_figures_kept(ds: Dataset) -> None:
    from ipanalysis.data.guards import FiguresLostError, check_figures_kept

    try:
        check_figures_kept(ds)
    except FiguresLostError as err:
        console.print(f"[red]Refused:[/red] {escape(str(err))}", highlight=False, soft_wrap=True)
        raise typer.Exit(1) from None


def _check_regions(ds: Dataset, regions: list[str] | None) -> list[str] | None:
    if not regions:
        return None
    try:
        return check_region_ids(regions, ds.regions)
    except RegionError as err:
        console.print(f"[red]Refused:[/red] {escape(str(err))}", highlight=False, soft_wrap=True)
        raise typer.Exit(2) from None


if __name__ == "__main__":
    app()
