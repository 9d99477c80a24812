"""The ``ipanalysis`` command: validate the data, assess targets, backtest, run the notebooks."""

import ast
import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
from rich.markup import escape
from rich.table import Table

from ipanalysis.data import Dataset, load_dataset
from ipanalysis.data.regions import check_region_ids, reportable_region_ids
from ipanalysis.errors import DataValidationError, RegionError
from ipanalysis.report.terminal import literal, make_console
from ipanalysis.scope import Scope
from ipanalysis.vocab import DATE_BASES, RELIABILITY_GRADES
from ipanalysis.writes import WriteError, check_out_path

app = typer.Typer(
    help="Tianjin IP indicators against plan targets: which 2025/2026 targets are on track.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = make_console()  # control characters dropped; 100 columns when piped


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


OutDirOption = Annotated[
    Path | None,
    typer.Option("--out", help="Folder to write to (default outputs/export/, git-ignored)."),
]


@contextlib.contextmanager
def _writing(out: Path | None = None) -> Iterator[None]:
    """Refuse an ``--out`` inside the tracked outputs (exit 2); a failed write is a message.

    Only ``ipanalysis run`` writes the tracked outputs. A file open in Excel/WPS/Word, a
    read-only folder or a file in a folder's place ends the command with what to do (exit 1),
    never a traceback.
    """
    try:
        if out is not None:
            check_out_path(out)
    except WriteError as err:
        console.print(f"[red]Refused:[/red] {escape(str(err))}", highlight=False, soft_wrap=True)
        raise typer.Exit(2) from None
    try:
        yield
    except WriteError as err:
        console.print(
            f"[red]Not written:[/red] {escape(str(err))}", highlight=False, soft_wrap=True
        )
        raise typer.Exit(1) from None


def _export_dir(out: Path | None) -> Path:
    """Return ``--out``, or the git-ignored ``outputs/export/`` folder."""
    from ipanalysis import paths

    return out if out is not None else paths.outputs_dir() / paths.EXPORT_DIRNAME


def _wrote(files: list[Path]) -> None:
    for path in files:
        console.print(f"Wrote {path}", markup=False, highlight=False)


def _load() -> Dataset:
    try:
        return load_dataset()
    except DataValidationError as err:
        console.print("[bold red]Validation failed[/bold red]")
        for line in err.message_lines():  # line by line: one long string prints in n² time
            console.print(line, markup=False, highlight=False)
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
    from ipanalysis.report.validation import conflict_lines, missing_glyph_lines, population_lines

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
    _print_lines(missing_glyph_lines(ds))
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
    _print_lines(conflict_lines(ds))
    _print_lines(population_lines(ds))


def _print_lines(lines: list[str]) -> None:
    for line in lines:
        console.print(line, markup=False, highlight=False)


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

    with _writing(out):
        ds = _load()
        regions = _check_regions(ds, region)
        _check_as_of(ds, as_of)
        if not allow_fewer_figures:
            _check_figures_kept(ds)
        scope = Scope(as_of, min_reliability.upper(), interval_level)
        table = assess_targets(ds, scope, regions=regions)
        print_assessment(table, ds, console)
        if out is not None:
            _wrote([write_assessment_csv(table, out)])


@app.command()
def backtest(min_reliability: ReliabilityOption = "C", out: OutDirOption = None) -> None:
    """Vintage backtest: the method by situation, verdicts on past targets, their Brier scores.

    Writes backtest.csv, backtest_targets.csv and backtest_reliability.csv to outputs/export/
    (or --out); the committed track record in outputs/ is refreshed by `ipanalysis run`.
    """
    from ipanalysis.assess.track_record import run_backtest
    from ipanalysis.report.files import write_backtest
    from ipanalysis.report.terminal import print_frame

    with _writing(out):
        ds = _load()
    situations, targets, reliability = run_backtest(
        ds, Scope(min_reliability=min_reliability.upper())
    )
    print_frame(
        _dashes(situations[situations["method"] == "deployed"].drop(columns="method")),
        "The deployed method by situation: pool × figures × years ahead (80% intervals); "
        "backtest.csv has every method",
        console,
    )
    shown = ["target_id", "as_of", "lead_years", "predicted_status", "evidence", "p_meet",
             "outcome", "correct"]  # fmt: skip
    print_frame(
        _dashes(targets[shown]), "Past targets: verdict in an earlier vintage vs outcome", console
    )
    print_frame(_dashes(reliability), "Past verdicts: Brier score and reliability", console)
    with _writing():
        _wrote(write_backtest(situations, targets, reliability, folder=_export_dir(out)))


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
    """Execute the notebooks per region (papermill); write notebooks, HTML, CSV, PNG, briefs.

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
    except WriteError as err:  # the outputs folder cannot be written: nothing was changed
        console.print(
            f"[red]Not written:[/red] {escape(str(err))}", highlight=False, soft_wrap=True
        )
        raise typer.Exit(1) from None
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
    out: OutDirOption = None,
) -> None:
    """Write, per region, a CSV of the figures that would settle its insufficient-data targets.

    To outputs/export/ (or --out); `ipanalysis run` writes them beside each region's reports.
    """
    from ipanalysis.report.needs import write_needs_templates

    with _writing(out):
        ds = _load()
        regions = _check_regions(ds, region) or reportable_region_ids(ds.regions)
        _wrote(write_needs_templates(ds, regions=regions, out_dir=_export_dir(out)))
    console.print(
        "Fill in value, source and quote in Excel/WPS, save as CSV UTF-8 into data/ "
        "(keep the name observations-*.csv), then run `ipanalysis validate`.",
        markup=False,
        highlight=False,
    )


@app.command()
def export(
    out: OutDirOption = None,
) -> None:
    """Write the resolved dataset and the assessment as an Excel workbook and tidy CSVs."""
    from ipanalysis.report.export import export_all

    with _writing(out):
        result = export_all(_load(), _export_dir(out))
    _wrote(result.files)
    for cell in result.cut:
        console.print(f"[yellow]Cut[/yellow] {escape(str(cell))}", highlight=False)


@app.command()
def brief(region: RegionOption = None, out: OutDirOption = None) -> None:
    """Write a Word brief per region (<region>-brief.docx) for the district office.

    Chinese with English alongside: the answer, the verdicts, the charts, the figures still
    needed, the method and the sources; the same target years as the reports. `ipanalysis
    run` writes them beside each region's reports; this command to outputs/export/ (or --out).
    """
    from ipanalysis import paths
    from ipanalysis.report.brief import write_briefs
    from ipanalysis.runner.plan import declared_parameters

    with _writing(out):
        ds = _load()
        regions = _check_regions(ds, region) or reportable_region_ids(ds.regions)
        report = declared_parameters(paths.NOTEBOOKS_DIR / "forecast.ipynb")
        scope = Scope(target_years=report.get("target_years"))
        _wrote(write_briefs(ds, regions, scope, _export_dir(out)))


@app.command("add-source")
def add_source(
    text_file: Annotated[Path, typer.Argument(help="The source text as saved (UTF-8).")],
    source_id: Annotated[str, typer.Option("--id", help="New source id, e.g. tjipa-2025-wp.")],
    title_zh: Annotated[str, typer.Option(help="Title in Chinese, as published.")],
    title_en: Annotated[str, typer.Option(help="Title in English.")],
    issuer: Annotated[str, typer.Option(help="Who published it, as the page says.")],
    date_basis: Annotated[
        str, typer.Option(help=f"Where the date comes from: {', '.join(DATE_BASES)}.")
    ],
    reliability: Annotated[str, typer.Option(help="A official, B media, C mirror/aggregator.")],
    date: Annotated[str, typer.Option(help="Publication date: YYYY, YYYY-MM, YYYY-MM-DD.")] = "",
    date_note: Annotated[str, typer.Option(help="How the date was read; why unknown.")] = "",
    url: Annotated[str, typer.Option(help="The page's address.")] = "",
    note: Annotated[str, typer.Option(help="Caveats.")] = "",
    folder: Annotated[
        str, typer.Option(help="Folder under data/sources/ for the copy.")
    ] = "added",
) -> None:
    """Store a source text under data/sources/ and add its sources.csv row with its sha256."""
    from ipanalysis.data.add_source import add_source as store_source

    fields = {
        "source_id": source_id,
        "title_zh": title_zh,
        "title_en": title_en,
        "issuer": issuer,
        "date": date,
        "date_basis": date_basis,
        "date_note": date_note,
        "url": url,
        "reliability": reliability,
        "note": note,
    }
    with _writing():
        try:
            stored, row = store_source(text_file, fields, folder=folder)
        except DataValidationError as err:
            console.print(
                "[red]Refused[/red] (nothing written; --id fills source_id, each "
                "other option the column of its name):",
                highlight=False,
            )
            console.print(str(err), markup=False, highlight=False, soft_wrap=True)
            raise typer.Exit(1) from None
    console.print(
        f"Stored {stored} (sha256 {row['sha256']}) and added {source_id} to sources.csv; "
        "next: `ipanalysis validate`.",
        markup=False,
        highlight=False,
    )


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


def _check_as_of(ds: Dataset, as_of: int | None) -> None:
    """Refuse (exit 2) a year outside those the data supports, naming them."""
    from ipanalysis.data.vintage import as_of_problem, as_of_years

    problem = as_of_problem(as_of, as_of_years(ds))
    if problem is not None:
        console.print(f"[red]Refused:[/red] {escape(problem)}", highlight=False, soft_wrap=True)
        raise typer.Exit(2)


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
