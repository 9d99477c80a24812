"""Runner tests with tiny notebooks in a temporary folder (no data, no heavy imports)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from ipanalysis import paths, runner
from ipanalysis.runner import RunConfigError, clean_notebook, extract_figures, run_notebooks
from ipanalysis.runner import run as run_module
from ipanalysis.runner.commit import SWAP_STEP, table_companions
from ipanalysis.writes import WriteError
from tests.test_writes import lock

# A 1x1 PNG.
PNG_B64 = (
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5Er"
    "kJggg=="
)
PARAMS = (
    'region = "binhai"\n'
    "target_years = [2025, 2026]\n"
    "as_of = None\n"
    'min_reliability = "C"\n'
    "interval_level = 0.8\n"
)
REGIONS = ["binhai", "hongqiao", "nankai", "tianjin"]


def _notebook(body: str, params: str = PARAMS, figure: bool = False) -> nbformat.NotebookNode:
    cells = [
        new_markdown_cell("# tiny"),
        new_code_cell(params, metadata={"tags": ["parameters"]}),
        new_code_cell(body),
    ]
    if figure:
        cells.append(
            new_code_cell(
                "from IPython.display import display\n"
                f"display({{'image/png': '{PNG_B64}', 'text/plain': 'fig'}}, raw=True)",
                metadata={"tags": ["figure-dot"]},
            )
        )
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.metadata["language_info"] = {"name": "python"}
    return nb


def _write(nb, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, str(path))


class FakeDataset:
    """A stand-in for the dataset: its regions table only."""

    regions = pd.DataFrame({"region_id": list(REGIONS), "level": "district"})


@pytest.fixture
def fake_package(monkeypatch):
    """No real data: four regions, and a one-line assessment CSV per output set."""
    monkeypatch.setattr(run_module, "_load_dataset", lambda: FakeDataset())

    def write(dataset, regions, scope, path):
        path.parent.mkdir(parents=True, exist_ok=True)
        label = "all" if regions is None else ",".join(regions)
        path.write_text(f"regions,level\n{label},{scope.interval_level}\n")
        for name in table_companions(path.name, path.parent.name):  # template, brief
            (path.parent / name).write_text(f"{name} of {label}\n")

    monkeypatch.setattr(run_module, "_write_assessment", write)
    monkeypatch.setattr(run_module, "write_forecasts", write)
    # the runner's behaviour is the same for every table: these tests follow the assessment
    writers = [w for w in run_module.table_writers() if w.name == "assessment.csv"]
    monkeypatch.setattr(run_module, "table_writers", lambda: writers)
    monkeypatch.setattr(run_module, "_refresh_backtest", lambda *args: {})  # needs real data


@pytest.fixture
def nbdir(tmp_path):
    d = tmp_path / "notebooks"
    _write(_notebook("print('trends', region)", figure=True), d / "trends.ipynb")
    _write(
        _notebook(
            "if region == 'nankai':\n    raise ValueError('boom in ' + region)\n"
            "print('forecast', region, interval_level)"
        ),
        d / "forecast.ipynb",
    )
    _write(
        _notebook("print('overview')", params=PARAMS.replace('region = "binhai"\n', "")),
        d / "overview.ipynb",
    )
    return d


def _run(nbdir, out, regions, **kw):
    kw.setdefault("jobs", 2)
    return run_notebooks(regions, notebooks_dir=nbdir, outputs_dir=out, progress=False, **kw)


def _tree(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


# --- refusals: nothing runs, nothing is written -------------------------------------------


@pytest.mark.parametrize(
    "bad", ["Binhai", "../etc", "bin-hai", "1binhai", "", "binhai/x", " binhai"]
)
def test_non_slug_region_is_refused(fake_package, nbdir, tmp_path, bad):
    with pytest.raises(RunConfigError, match="not a plain slug"):
        _run(nbdir, tmp_path / "out", [bad])
    assert not (tmp_path / "out").exists()


def test_unknown_region_is_refused_listing_valid_ones(fake_package, nbdir, tmp_path):
    with pytest.raises(RunConfigError) as info:
        _run(nbdir, tmp_path / "out", ["binhai", "shanghai"])
    message = str(info.value)
    assert "shanghai" in message
    assert "binhai, hongqiao, nankai, tianjin" in message
    assert not (tmp_path / "out").exists()


def test_undeclared_parameter_is_refused(fake_package, nbdir, tmp_path):
    with pytest.raises(RunConfigError, match="does not declare parameter.*colour"):
        _run(nbdir, tmp_path / "out", ["binhai"], colour="red")
    assert not (tmp_path / "out").exists()


def test_parameter_missing_from_one_notebook_is_refused(fake_package, nbdir, tmp_path):
    nb = _notebook("pass", params=PARAMS.replace("interval_level = 0.8\n", ""))
    _write(nb, nbdir / "trends.ipynb")
    with pytest.raises(RunConfigError, match="trends.ipynb does not declare.*interval_level"):
        _run(nbdir, tmp_path / "out", ["binhai"])


@pytest.mark.parametrize(
    "options, match",
    [
        ({"jobs": 0}, "jobs"),
        ({"min_reliability": "D"}, "min_reliability"),
        ({"interval_level": 80}, "interval_level"),
        ({"region": "binhai"}, "first argument"),
    ],
)
def test_bad_options_are_refused(fake_package, nbdir, tmp_path, options, match):
    with pytest.raises(RunConfigError, match=match):
        _run(nbdir, tmp_path / "out", ["binhai"], **options)


def test_missing_notebook_is_refused(fake_package, nbdir, tmp_path):
    (nbdir / "overview.ipynb").unlink()
    with pytest.raises(RunConfigError, match="not found"):
        _run(nbdir, tmp_path / "out", ["binhai"])


# --- runs -----------------------------------------------------------------------------------


def test_run_writes_every_output_and_no_staging(fake_package, nbdir, tmp_path):
    out = tmp_path / "out"
    summary = _run(nbdir, out, ["binhai", "tianjin"])
    assert summary.ok, str(summary)
    assert summary.written == ["binhai", "tianjin", "overview"]
    for region in ("binhai", "tianjin"):
        names = sorted(p.name for p in (out / region).iterdir())
        assert names == sorted(
            [
                "assessment.csv",
                "forecast.html",
                "forecast.ipynb",
                "trends-dot.png",
                "trends.html",
                "trends.ipynb",
                f"observations-{region}-needed.csv",
                f"{region}-brief.docx",
            ]
        )
        assert (
            (out / region / "assessment.csv").read_text().startswith(f"regions,level\n{region},")
        )
    assert sorted(p.name for p in out.iterdir()) == [
        "assessment.csv",
        "binhai",
        "manifest.json",
        "overview.html",
        "overview.ipynb",
        "tianjin",
    ]
    nb = nbformat.read(out / "binhai" / "forecast.ipynb", as_version=4)
    injected = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
    # Only the region differs from the notebook's defaults.
    assert injected[0].source.strip().endswith('region = "binhai"')
    assert "interval_level" not in injected[0].source
    assert injected[0]["id"] == "injected-parameters"
    html = (out / "binhai" / "forecast.html").read_text()
    assert "forecast binhai 0.8" in html and "<html" in html


def test_non_default_parameter_is_a_variant_beside_the_current_reports(
    fake_package, nbdir, tmp_path
):
    out = tmp_path / "out"
    assert _run(nbdir, out, ["binhai"]).ok
    current = _tree(out)
    summary = _run(nbdir, out, "binhai", interval_level=0.9)
    assert summary.ok, str(summary)
    variant = out / "variants" / "level-0.9"
    assert summary.outputs_dir == variant
    nb = nbformat.read(variant / "binhai" / "forecast.ipynb", as_version=4)
    assert "forecast binhai 0.9" in nb.cells[-1].outputs[0]["text"]
    assert (variant / "binhai" / "assessment.csv").read_text() == "regions,level\nbinhai,0.9\n"
    assert (variant / "overview.html").exists() and (variant / "manifest.json").exists()
    # the current reports are untouched
    assert {k: v for k, v in _tree(out).items() if not k.startswith("variants/")} == current


@pytest.mark.parametrize(
    "options, slug",
    [
        ({"as_of": 2022}, "as-of-2022"),
        ({"as_of": 2022, "min_reliability": "A"}, "as-of-2022_min-A"),
        ({"target_years": [2025]}, "target-years-2025"),
        ({"interval_level": 0.8, "as_of": None}, None),
    ],
)
def test_variant_slug_names_the_values_that_differ(options, slug):
    defaults = {"as_of": None, "min_reliability": "C", "interval_level": 0.8}
    defaults["target_years"] = [2025, 2026]
    given = {**defaults, **options}
    assert runner.plan.variant_slug(given, defaults) == slug


@pytest.mark.parametrize(
    "options, match",
    [
        ({"target_years": 2025}, r"target_years: found 2025 \(int\), expected a list"),
        (
            {"target_years": ["2025"]},
            r"target_years: found \['2025'\] \(list\), expected a list of int",
        ),
        ({"as_of": "abc"}, r"as_of must be a year .*'abc' \(str\)"),
        ({"interval_level": "high"}, "interval_level must be a number"),
    ],
)
def test_wrongly_typed_parameter_is_refused_before_any_kernel(
    fake_package, nbdir, tmp_path, options, match
):
    with pytest.raises(RunConfigError, match=match):
        _run(nbdir, tmp_path / "out", ["binhai"], **options)
    assert not (tmp_path / "out").exists()


def test_every_table_writer_writes_per_region_and_for_the_overview(nbdir, tmp_path, monkeypatch):
    """The real table writers (assessment, forecasts), with fake data and fake tables."""
    monkeypatch.setattr(run_module, "_load_dataset", lambda: FakeDataset())
    monkeypatch.setattr(run_module, "_refresh_backtest", lambda *args: {})

    def write(dataset, regions, scope, path):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"{path.name},{'all' if regions is None else regions[0]}\n")

    monkeypatch.setattr(run_module, "_write_assessment", write)
    monkeypatch.setattr(run_module, "write_forecasts", write)
    assert [w.name for w in run_module.table_writers()] == ["assessment.csv", "forecasts.csv"]
    out = tmp_path / "out"
    assert _run(nbdir, out, ["binhai"]).ok
    assert (out / "binhai" / "forecasts.csv").read_text() == "forecasts.csv,binhai\n"
    assert (out / "forecasts.csv").read_text() == "forecasts.csv,all\n"


def test_summary_counts_notebooks_and_tables_separately(fake_package, nbdir, tmp_path):
    summary = _run(nbdir, tmp_path / "out", ["binhai", "tianjin"])
    assert "5 notebooks and 3 CSV tables ok" in str(summary), str(summary)


def test_outputs_are_deterministic(fake_package, nbdir, tmp_path):
    out = tmp_path / "out"
    assert _run(nbdir, out, ["binhai"]).ok
    first = _tree(out)
    assert _run(nbdir, out, ["binhai"], jobs=1).ok
    assert _tree(out) == first
    nb = json.loads(first["binhai/forecast.ipynb"])
    assert "start_time" not in json.dumps(nb)
    assert "input_path" not in nb["metadata"]["papermill"]
    assert all("execution" not in c["metadata"] for c in nb["cells"])


def test_failing_region_keeps_old_outputs_and_others_run(fake_package, nbdir, tmp_path):
    out = tmp_path / "out"
    # An earlier complete set for nankai (written by a version of the notebook that worked).
    old = out / "nankai"
    old.mkdir(parents=True)
    (old / "forecast.ipynb").write_text("old")
    (old / "assessment.csv").write_text("old")
    summary = _run(nbdir, out, REGIONS)
    assert not summary.ok
    failed = [(f.key, f.notebook) for f in summary.failures]
    assert failed == [("nankai", "forecast")], str(summary)
    failure = summary.failures[0]
    assert "ValueError: boom in nankai" in failure.error, str(summary)
    assert failure.failed_notebook == out / "_failed" / "nankai" / "forecast.ipynb"
    text = str(summary)
    assert "1 of 9 notebooks and 0 of 5 CSV tables failed" in text, text
    assert str(failure.failed_notebook) in text
    saved = nbformat.read(failure.failed_notebook, as_version=4)
    assert any(o.get("ename") == "ValueError" for c in saved.cells for o in c.get("outputs", []))
    # nankai: untouched, the whole old set and nothing new (not even the trends that worked).
    assert sorted(p.name for p in old.iterdir()) == ["assessment.csv", "forecast.ipynb"]
    assert (old / "forecast.ipynb").read_text() == "old"
    # the others ran
    for region in ("binhai", "hongqiao", "tianjin"):
        assert (out / region / "forecast.html").exists()
    assert summary.written == ["binhai", "hongqiao", "tianjin"]
    assert not [p for p in out.iterdir() if p.name.startswith(".staging")]
    # the new overview would show nankai's new verdicts beside nankai's old folder: withheld
    assert summary.withheld == ["overview"] and "overview not updated either" in text
    assert not (out / "overview.html").exists() and not (out / "assessment.csv").exists()
    # fixed: nankai and the overview both run again (their manifest entries were not updated)
    _write(_notebook("print('fixed', region)"), nbdir / "forecast.ipynb")
    again = _run(nbdir, out, ["nankai"])
    assert again.ok and again.written == ["nankai", "overview"], str(again)


def test_fixed_region_clears_its_failed_notebook(fake_package, nbdir, tmp_path):
    out = tmp_path / "out"
    assert not _run(nbdir, out, ["nankai"]).ok
    assert (out / "_failed" / "nankai" / "forecast.ipynb").exists()
    _write(_notebook("print('fixed', region)"), nbdir / "forecast.ipynb")
    assert _run(nbdir, out, ["nankai"]).ok
    assert not (out / "_failed").exists()
    assert (out / "nankai" / "forecast.ipynb").exists()


def test_assessment_failure_fails_only_its_region(fake_package, monkeypatch, nbdir, tmp_path):
    def write(dataset, regions, scope, path):
        if regions == ["tianjin"]:
            raise RuntimeError("no data")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("ok\n")

    monkeypatch.setattr(run_module, "_write_assessment", write)
    summary = _run(nbdir, tmp_path / "out", ["binhai", "tianjin"])
    assert [(f.key, f.notebook) for f in summary.failures] == [("tianjin", "assessment.csv")]
    assert "RuntimeError: no data" in summary.failures[0].error
    assert (tmp_path / "out" / "binhai" / "assessment.csv").exists()
    assert not (tmp_path / "out" / "tianjin").exists()


def test_interrupted_run_leaves_no_staging_and_keeps_outputs(
    fake_package, monkeypatch, nbdir, tmp_path
):
    out = tmp_path / "out"
    assert _run(nbdir, out, ["binhai"]).ok
    before = _tree(out)

    def interrupt(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(run_module, "_write_assessments", interrupt)
    with pytest.raises(KeyboardInterrupt):
        _run(nbdir, out, ["binhai"])
    assert _tree(out) == before
    assert not [p for p in out.iterdir() if p.name.startswith(".staging")]


def test_a_file_open_in_excel_keeps_its_set_and_is_named(
    fake_package, monkeypatch, nbdir, tmp_path
):
    """Issue 18: a file open in Excel/WPS (Windows refuses to move it) gave a traceback."""
    out = tmp_path / "out"
    assert _run(nbdir, out, ["binhai", "tianjin"]).ok
    before = _tree(out)
    _write(_notebook("print('changed', region)"), nbdir / "forecast.ipynb")
    real = os.replace

    def unchanged(*prefixes: str) -> bool:
        now = _tree(out)
        return {n: now.get(n) for n in before if n.startswith(prefixes)} == {
            n: d for n, d in before.items() if n.startswith(prefixes)
        }

    lock(monkeypatch, out / "tianjin")  # a file in tianjin/ is open in Excel
    summary = _run(nbdir, out, ["binhai", "tianjin"])
    assert [(f.key, f.notebook) for f in summary.failures] == [("tianjin", SWAP_STEP)]
    assert "a file in it is open in another program" in summary.failures[0].error
    assert "Close it and run the command again" in str(summary)
    assert summary.written == ["binhai"] and summary.withheld == ["overview"]
    assert unchanged("tianjin/", "overview", "assessment.csv")
    assert not unchanged("binhai/")

    monkeypatch.setattr(os, "replace", real)
    lock(monkeypatch, out / "assessment.csv")  # now the overview's table is open in Excel
    summary = _run(nbdir, out, ["binhai", "tianjin"])
    assert [(f.key, f.notebook) for f in summary.failures] == [("overview", SWAP_STEP)]
    assert "assessment.csv is open in another program" in summary.failures[0].error
    assert unchanged("overview", "assessment.csv")  # all the overview's files or none
    assert not [p for p in out.iterdir() if p.name.startswith(".")]  # no staging, no copies

    monkeypatch.setattr(os, "replace", real)  # closed: the next run swaps the overview in
    again = _run(nbdir, out, ["binhai", "tianjin"])
    assert again.ok and again.written[-1] == "overview", str(again)


def test_an_outputs_folder_that_cannot_be_written_is_said(fake_package, nbdir, tmp_path):
    out = tmp_path / "out"
    out.write_text("a file where the outputs folder should be", encoding="utf-8")
    with pytest.raises(WriteError, match="is a file, not a folder"):
        _run(nbdir, out, ["binhai"])


def test_orphaned_staging_of_dead_process_is_removed(fake_package, nbdir, tmp_path):
    out = tmp_path / "out"
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    orphan = out / f".staging-{dead.stdout.strip()}-abc"
    (orphan / "binhai").mkdir(parents=True)
    live = out / f".staging-{os.getpid()}-xyz"
    live.mkdir()
    assert _run(nbdir, out, ["binhai"], overview=False).ok
    assert not orphan.exists()
    assert live.exists()  # a live process's staging is never touched


# --- pure helpers ---------------------------------------------------------------------------


def test_clean_notebook_strips_run_metadata():
    nb = _notebook("pass")
    nb.metadata["papermill"] = {
        "start_time": "t",
        "end_time": "t",
        "duration": 1.0,
        "input_path": "/a",
        "output_path": "/tmp/b",
        "parameters": {"region": "binhai"},
        "exception": None,
    }
    nb.cells[1].metadata["execution"] = {"iopub.status.busy": "t"}
    nb.cells[1].metadata["papermill"] = {
        "start_time": "t",
        "end_time": "t",
        "duration": 0.1,
        "status": "completed",
        "exception": False,
    }
    nb.cells.insert(2, new_code_cell('region = "x"', metadata={"tags": ["injected-parameters"]}))
    clean_notebook(nb)
    assert nb.metadata["papermill"] == {"parameters": {"region": "binhai"}, "exception": None}
    assert "execution" not in nb.cells[1].metadata
    assert nb.cells[1].metadata["papermill"] == {"status": "completed", "exception": False}
    assert nb.cells[2]["id"] == "injected-parameters"


def test_extract_figures_names_by_tag_then_position():
    nb = _notebook("pass")
    img = {"output_type": "display_data", "data": {"image/png": PNG_B64}, "metadata": {}}
    nb.cells[2].outputs = [img, img]
    nb.cells.append(new_code_cell("pass", metadata={"tags": ["figure-status"]}))
    nb.cells[-1].outputs = [img]
    figures = extract_figures(nb, "forecast")
    assert list(figures) == ["forecast-cell02.png", "forecast-cell02-2.png", "forecast-status.png"]
    assert figures["forecast-status.png"].startswith(b"\x89PNG")


# --- the real notebooks -------------------------------------------------------------------

REPO = Path(paths.REPO_ROOT)
OUTPUTS = REPO / "outputs"
OUTSIDE_THE_RUN = {"conftest.py", "manifest.json"}


def test_notebooks_declare_the_documented_parameters():
    for name in ("trends", "forecast"):
        declared = runner.declared_parameters(REPO / "notebooks" / f"{name}.ipynb")
        assert declared == {
            "region": "binhai",
            "target_years": None,
            "as_of": None,
            "min_reliability": "C",
            "interval_level": 0.8,
        }
    overview = runner.declared_parameters(REPO / "notebooks" / "overview.ipynb")
    assert overview["regions"] is None and overview["target_years"] is None


def test_notebooks_are_thin():
    """Notebooks call into the package: no def, class, loop or literal path in a code cell."""
    for path in (REPO / "notebooks").glob("*.ipynb"):
        nb = nbformat.read(path, as_version=4)
        assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code")
        for cell in nb.cells:
            if cell.cell_type != "code":
                continue
            for word in ("def ", "class ", "for ", "while ", "open(", "/work", "outputs/", ".csv"):
                assert word not in cell.source, (path.name, word)


@pytest.fixture(scope="module")
def fresh_binhai(tmp_path_factory):
    """Binhai's reports and the overview, run now by the runner into a scratch folder."""
    out = tmp_path_factory.mktemp("fresh-outputs")
    summary = run_notebooks(["binhai"], outputs_dir=out, progress=False)
    assert summary.ok, str(summary)
    return out


def _without_images(nb):
    """The notebook as a dict, PNG payloads dropped (they depend on the machine's fonts)."""
    data = json.loads(json.dumps(nb))
    for cell in data["cells"]:
        for output in cell.get("outputs", []):
            output.get("data", {}).pop("image/png", None)
    return data


def test_plain_papermill_gives_the_runners_notebook(fresh_binhai, tmp_path):
    """``papermill notebooks/forecast.ipynb out.ipynb -p region binhai`` = the runner's.

    Only run-specific metadata (timestamps, durations, paths, the injected cell's random id)
    differ; ``clean_notebook`` removes exactly those. Both run on this machine, so the
    figures must be byte-identical too.
    """
    out = tmp_path / "forecast.ipynb"
    papermill = Path(sys.executable).parent / "papermill"
    notebook = REPO / "notebooks" / "forecast.ipynb"
    cmd = [str(papermill), str(notebook), str(out), "-p", "region", "binhai"]
    subprocess.run(cmd, check=True, capture_output=True, cwd=tmp_path)
    plain = clean_notebook(nbformat.read(out, as_version=4))
    ours = nbformat.read(fresh_binhai / "binhai" / "forecast.ipynb", as_version=4)
    assert plain.metadata == ours.metadata
    assert len(plain.cells) == len(ours.cells)
    for theirs, mine in zip(plain.cells, ours.cells, strict=True):
        assert theirs == mine


def test_a_rerun_reproduces_the_committed_outputs(fresh_binhai):
    """Same data and code: the runner writes the committed files again (git stays clean).

    Every file is compared byte for byte, figures included: the font ships with the package
    and the pinned matplotlib brings its own FreeType, so any machine renders the same PNGs.
    """
    fresh = _tree(fresh_binhai)
    fresh.pop("manifest.json")  # this run's covers binhai and the overview only
    committed = {
        name: data
        for name, data in _tree(OUTPUTS).items()
        if name.startswith("binhai/") or "/" not in name and name not in OUTSIDE_THE_RUN
    }
    hint = "run `ipanalysis run` and commit outputs/"
    assert sorted(fresh) == sorted(committed), hint
    for name in fresh:
        if name.endswith(".ipynb"):  # the readable diff first; the images are compared below
            ours, theirs = (json.loads(d) for d in (fresh[name], committed[name]))
            assert _without_images(ours) == _without_images(theirs), f"{name} differs: {hint}"
    changed = [n for n in fresh if fresh[n] != committed[n]]
    assert not changed, f"differ from outputs/: {changed} ({hint})"


# --- incremental runs ------------------------------------------------------------------------


@pytest.fixture
def fake_data(monkeypatch):
    """Digests of each region's data that a test can change (the real ones hash the rows)."""
    data = {region: "v1" for region in REGIONS}

    def fingerprints(dataset, regions):
        return {**{r: data[r] for r in regions}, "overview": "+".join(data.values())}

    monkeypatch.setattr(run_module, "_data_fingerprints", fingerprints)
    return data


def _executed(summary) -> list[str]:
    return sorted(f"{r.key}/{r.notebook}" for r in summary.results if not r.skipped)


def test_rerun_skips_unchanged_notebooks_and_says_so(fake_package, fake_data, nbdir, tmp_path):
    out = tmp_path / "out"
    first = _run(nbdir, out, REGIONS[:2])
    assert first.ok and not first.skipped
    before = _tree(out)
    again = _run(nbdir, out, REGIONS[:2])
    assert again.ok and _executed(again) == [] and again.written == []
    assert "Not rerun, inputs unchanged (--force reruns them): binhai/trends" in str(again)
    assert _tree(out) == before
    forced = _run(nbdir, out, REGIONS[:2], force=True)
    assert len(_executed(forced)) == 5 + 3 and _tree(out) == before


def test_changed_region_data_reruns_that_region_and_the_overview(
    fake_package, fake_data, nbdir, tmp_path
):
    out = tmp_path / "out"
    assert _run(nbdir, out, ["binhai", "tianjin"]).ok
    fake_data["binhai"] = "v2"
    summary = _run(nbdir, out, ["binhai", "tianjin"])
    assert _executed(summary) == [
        "binhai/assessment.csv",
        "binhai/forecast",
        "binhai/trends",
        "overview/assessment.csv",
        "overview/overview",
    ]
    assert summary.written == ["binhai", "overview"]


def test_changed_growth_pools_rerun_every_forecast_and_no_trends(
    fake_package, fake_data, nbdir, tmp_path, monkeypatch
):
    pools = {"digest": "p1"}
    monkeypatch.setattr(run_module, "_pools_fingerprint", lambda *args: pools["digest"])
    out = tmp_path / "out"
    assert _run(nbdir, out, ["binhai", "tianjin"]).ok
    pools["digest"] = "p2"  # a figure of another region moved the pools every forecast uses
    summary = _run(nbdir, out, ["binhai", "tianjin"])
    assert _executed(summary) == [
        "binhai/assessment.csv",
        "binhai/forecast",
        "overview/assessment.csv",
        "overview/overview",
        "tianjin/assessment.csv",
        "tianjin/forecast",
    ]


def test_changed_notebook_reruns_only_that_notebook_and_keeps_the_others_files(
    fake_package, fake_data, nbdir, tmp_path
):
    out = tmp_path / "out"
    first = _run(nbdir, out, ["binhai", "tianjin"])
    assert first.ok, str(first)
    trends = (out / "binhai" / "trends.html").read_bytes()
    _write(_notebook("print('forecast v2', region)"), nbdir / "forecast.ipynb")
    summary = _run(nbdir, out, ["binhai", "tianjin"])
    assert _executed(summary) == ["binhai/forecast", "tianjin/forecast"]
    assert "forecast v2 binhai" in (out / "binhai" / "forecast.html").read_text()
    # the region's folder was swapped as a whole: the trends' files were carried over
    assert (out / "binhai" / "trends.html").read_bytes() == trends
    assert (out / "binhai" / "trends-dot.png").exists()
    assert (out / "binhai" / "assessment.csv").exists()


def test_missing_output_is_remade_even_if_inputs_are_unchanged(
    fake_package, fake_data, nbdir, tmp_path
):
    out = tmp_path / "out"
    assert _run(nbdir, out, ["binhai"]).ok
    (out / "binhai" / "trends.html").unlink()
    summary = _run(nbdir, out, ["binhai"])
    assert _executed(summary) == ["binhai/trends"]
    assert (out / "binhai" / "trends.html").exists()


def test_manifest_is_deterministic_without_paths_or_times(
    fake_package, fake_data, nbdir, tmp_path
):
    a, b = tmp_path / "a", tmp_path / "b"
    assert _run(nbdir, a, ["binhai"]).ok
    assert _run(nbdir, b, ["binhai"], jobs=1).ok
    text = (a / "manifest.json").read_text()
    assert text == (b / "manifest.json").read_text()
    assert str(tmp_path) not in text and "time" not in text
    entries = json.loads(text)["outputs"]
    assert list(entries) == sorted(entries)
    inputs = {"data", "notebook", "package", "parameters"}
    assert set(entries["binhai/forecast"]) == {*inputs, "pools"}  # the trends fit no model
    assert set(entries["binhai/trends"]) == inputs


def test_the_runner_refuses_an_as_of_outside_the_years_of_the_data():
    """run_notebooks(as_of=99999) failed inside every notebook on main."""
    runner.plan.check_options(None, "C", 0.8, 2020, (2010, 2025))
    with pytest.raises(RunConfigError, match=r"--as-of 99999: the data supports the years 2010"):
        runner.plan.check_options(None, "C", 0.8, 99999, (2010, 2025))
    runner.plan.check_options(None, "C", 0.8, 99999)  # a stand-in dataset: no bounds known


KILL_IF_FLAGGED = (
    "import os, signal\n"
    "if region == 'nankai' and os.path.exists(os.environ['IPANALYSIS_TEST_KILL']):\n"
    "    os.kill(os.getpid(), signal.SIGKILL)\n"
    "print('forecast', region)"
)


def test_a_set_that_failed_is_redone_by_the_next_run_even_if_nothing_changed(
    fake_package, nbdir, tmp_path, monkeypatch
):
    """After a killed kernel the summary promised "(both are then redone)" on main, but the
    next run found the failed region's and the overview's old manifest entries unchanged,
    redid nothing and left outputs/_failed/nankai behind."""
    flag = tmp_path / "kill-nankai"
    monkeypatch.setenv("IPANALYSIS_TEST_KILL", str(flag))
    # data digests that do not change (the stand-in dataset has none: it is always remade)
    monkeypatch.setattr(
        run_module,
        "_data_fingerprints",
        lambda ds, regions: dict.fromkeys([*regions, "overview"], "d"),
    )
    _write(_notebook(KILL_IF_FLAGGED), nbdir / "forecast.ipynb")
    out = tmp_path / "out"
    assert _run(nbdir, out, ["binhai", "nankai"]).ok
    flag.touch()  # the kernel dies this time; the notebook and the data stay as they are
    failed = _run(nbdir, out, ["binhai", "nankai"], force=True)
    assert [(f.key, f.notebook) for f in failed.failures] == [("nankai", "forecast")]
    assert "(both are then redone)" in str(failed) and "next run makes them again" in str(failed)
    assert (out / "_failed" / "nankai").exists()
    flag.unlink()
    again = _run(nbdir, out, ["binhai", "nankai"])
    assert again.ok and again.written == ["nankai", "overview"], str(again)
    assert {(r.key, r.notebook) for r in again.skipped} == {
        ("binhai", "trends"),
        ("binhai", "forecast"),
        ("binhai", "assessment.csv"),
    }
    assert not (out / "_failed").exists()
    assert _run(nbdir, out, ["binhai", "nankai"]).written == []  # and then all is fresh


def test_a_manifest_entry_of_another_shape_is_remade_not_fatal(
    fake_package, nbdir, tmp_path, monkeypatch
):
    """On main an entry that was valid JSON but not an object made every later run fail."""
    monkeypatch.setattr(
        run_module,
        "_data_fingerprints",
        lambda ds, regions: dict.fromkeys([*regions, "overview"], "d"),
    )
    out = tmp_path / "out"
    assert _run(nbdir, out, ["binhai"]).ok
    recorded = json.loads((out / "manifest.json").read_text())
    recorded["outputs"]["binhai/trends"] = ["not", "an", "object"]
    (out / "manifest.json").write_text(json.dumps(recorded))
    again = _run(nbdir, out, ["binhai"])
    assert again.ok and again.written == ["binhai"], str(again)
    assert {r.notebook for r in again.results if not r.skipped} == {"trends"}
    assert isinstance(
        json.loads((out / "manifest.json").read_text())["outputs"]["binhai/trends"], dict
    )


def test_target_years_all_by_default_and_typed_when_given():
    # issue 19: every target year by default (None), still a list of years when given
    declared = {"forecast": {"target_years": None}}
    runner.plan.check_parameter_types({"target_years": None}, declared)
    runner.plan.check_parameter_types({"target_years": [2027, 2030]}, declared)
    with pytest.raises(RunConfigError, match=r"found 2027 \(int\), expected a list of int"):
        runner.plan.check_parameter_types({"target_years": 2027}, declared)
