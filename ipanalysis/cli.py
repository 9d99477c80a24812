"""The ``ipanalysis`` command: validate the data, assess targets, backtest, run the notebooks."""

import ast
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ipanalysis.dataset import Dataset, load_dataset
from ipanalysis.errors import DataValidationError

app = typer.Typer(
    help="Tianjin IP indicators against plan targets: which 2025/2026 targets are on track.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console()
if not console.is_terminal:  # piped or in CI: wide enough for the verdict table, not 80 columns
    console = Console(width=200)

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
        case_sensitive=False,
    ),
]
LevelOption = Annotated[
    float, typer.Option("--interval-level", help="Prediction-interval level, e.g. 0.8.")
]


def _load(loader: Callable[[], Dataset] = load_dataset) -> Dataset:
    try:
        return loader()
    except DataValidationError as err:
        console.print(f"[red]{typer.style('Validation failed', bold=True)}[/red]")
        console.print(str(err), markup=False, highlight=False)
        raise typer.Exit(1) from None


def _count_table(title: str, counts: pd.DataFrame) -> Table:
    table = Table(title=title, title_justify="left")
    for col in counts.columns:
        table.add_column(str(col), justify="right" if counts[col].dtype.kind in "iu" else "left")
    for row in counts.itertuples(index=False):
        table.add_row(*(str(v) for v in row))
    return table


@app.command()
def validate() -> None:
    """Validate every table in data/ and print a summary (counts and conflicts)."""
    ds = _load()
    obs = ds.observations
    stated = obs[~obs["derived"]]
    console.print(
        f"[green]OK[/green]: {len(ds.sources)} sources, {len(ds.regions)} regions, "
        f"{len(ds.indicators)} indicators, {len(stated)} stated figures, "
        f"{int(obs['derived'].sum())} derived figures, {len(ds.targets)} targets."
    )
    names = ds.regions.set_index("region_id")["name_zh"]
    by_region = (
        pd.DataFrame(
            {
                "region": ds.regions["region_id"],
                "名称": ds.regions["region_id"].map(names),
                "stated": ds.regions["region_id"].map(stated["region"].value_counts()),
                "derived": ds.regions["region_id"].map(
                    obs.loc[obs["derived"], "region"].value_counts()
                ),
                "targets": ds.regions["region_id"].map(ds.targets["region"].value_counts()),
            }
        )
        .fillna(0)
        .astype({"stated": int, "derived": int, "targets": int})
    )
    console.print(_count_table("By region", by_region))
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
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Also write the table as CSV to this file (else nothing)."),
    ] = None,
) -> None:
    """Assess every target (all target years) and print the verdicts; --out writes a CSV."""
    from ipanalysis.assess import assess as assess_targets
    from ipanalysis.output import print_assessment, write_assessment_csv

    ds = _load()
    regions = _check_regions(ds, region)
    table = assess_targets(
        ds,
        regions=regions,
        as_of=as_of,
        min_reliability=min_reliability.upper(),
        level=interval_level,
    )
    print_assessment(table, ds, console)
    if out is not None:
        console.print(f"Wrote {write_assessment_csv(table, out)}", markup=False, highlight=False)


@app.command()
def backtest(min_reliability: ReliabilityOption = "C") -> None:
    """Rolling-origin backtest of the forecast models, and of verdicts on past targets."""
    from ipanalysis.backtest import backtest_models, backtest_targets
    from ipanalysis.output import print_frame

    ds = _load()
    _, summary = backtest_models(ds.series(min_reliability=min_reliability.upper()))
    print_frame(summary, "Models: pooled rolling-origin errors (MASE vs drift)", console)
    targets = backtest_targets(ds, min_reliability=min_reliability.upper())
    shown = ["target_id", "as_of", "n_points", "predicted_status", "p_meet", "outcome", "correct"]
    print_frame(targets[shown], "Past targets: verdict as of an earlier year vs outcome", console)


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
    from ipanalysis.console import exit_on_interrupt
    from ipanalysis.report import load_dataset as load_cached
    from ipanalysis.runner import RunConfigError, run_notebooks
    from ipanalysis.runner.plan import check_parameter_names

    try:
        params = _parse_params(param or [])
        check_parameter_names(params)
        ds = _load(load_cached)  # refuse to start on invalid data, before any notebook runs
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
        console.print(str(summary), markup=False, highlight=False)
        exit_on_interrupt()  # the outputs are complete: a late Ctrl-C only ends the process
    except RunConfigError as err:
        console.print(f"[red]Refused:[/red] {escape(str(err))}", highlight=False)
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
    if summary.failures:
        raise typer.Exit(1)


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


def _check_regions(ds: Dataset, regions: list[str] | None) -> list[str] | None:
    if not regions:
        return None
    known = ds.region_ids(levels=("country", "city", "district"))
    unknown = [r for r in regions if r not in known]
    if unknown:
        console.print(f"[red]Unknown region(s) {unknown}[/red]; valid: {', '.join(known)}")
        raise typer.Exit(2)
    return regions


if __name__ == "__main__":
    app()
