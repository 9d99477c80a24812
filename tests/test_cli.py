"""The command line: summaries, refusals with exit codes, files written only on success."""

import math
import re

import pandas as pd
import pytest
from typer.testing import CliRunner

from ipanalysis import paths
from ipanalysis.cli import app, count_coverage
from ipanalysis.data.dataset import read_dataset
from ipanalysis.data.regions import reportable_region_ids
from tests.conftest import read_rows, write_table

runner = CliRunner()


def test_validate_prints_a_summary_and_lists_conflicts_only_with_detail():
    result = runner.invoke(app, ["validate"])
    assert result.exit_code == 0, result.output
    assert "OK:" in result.output and "targets" in result.output
    assert "conflict(s) (--detail lists them)" in result.output
    assert "Coverage by region" in result.output and "≥3 yr" in result.output
    assert "By source" not in result.output
    assert "tianjin invention_patents_per_10k 2015" not in result.output
    detail = runner.invoke(app, ["validate", "--detail"])
    assert detail.exit_code == 0, detail.output
    assert "By source" in detail.output and "By indicator" in detail.output
    assert "tianjin invention_patents_per_10k 2015" in detail.output  # 12.2 vs 12.5


def test_coverage_counts_indicators_by_years_of_full_year_figures(mini_data):
    # The mini dataset (tests/conftest.py) states, for tianjin: valid_invention_patents 2024 and
    # 2023 (plus derived 2023 from 同比增长14.3% and 2024 from binhai 占全市36.4%), hv_per_10k
    # 2024 (plus 2023 derived from 同比增长15.3%);
    # for binhai: valid_invention_patents 2024 only. Hand count: tianjin has 2 indicators with
    # >= 1 and >= 2 years, none with 3; binhai has 1 indicator with 1 year.
    coverage = count_coverage(read_dataset(mini_data)).set_index("region")
    assert coverage.loc["tianjin", ["≥1 yr", "≥2 yr", "≥3 yr"]].tolist() == [2, 2, 0]
    assert coverage.loc["binhai", ["≥1 yr", "≥2 yr", "≥3 yr"]].tolist() == [1, 0, 0]
    assert coverage.loc["tianjin", "targets"] == 1 and coverage.loc["binhai", "targets"] == 0


def test_coverage_leaves_out_lower_bounds(mini_data):
    rows = read_rows(mini_data / "observations.csv")
    for row in rows:
        if row["region"] == "binhai":
            row["qualifier"] = "over"
    write_table(mini_data / "observations.csv", rows)
    coverage = count_coverage(read_dataset(mini_data)).set_index("region")
    assert coverage.loc["binhai", "≥1 yr"] == 0
    assert coverage.loc["binhai", "stated"] == 1  # still counted as a stated figure


def test_validate_names_characters_the_bundled_font_lacks(mini_data, monkeypatch):
    rows = read_rows(mini_data / "regions.csv")
    rows[0]["name_zh"] += "\U0002a6a5"  # 𪚥, CJK extension B: not in the font subset
    write_table(mini_data / "regions.csv", rows)
    monkeypatch.setenv("IPANALYSIS_DATA_DIR", str(mini_data))
    result = runner.invoke(app, ["validate"])
    assert result.exit_code == 0, result.output
    assert "bundled font lacks \U0002a6a5" in result.output
    assert "python scripts/subset_font.py" in result.output


def test_validate_failure_names_the_cell_and_writes_nothing(mini_data, tmp_path, monkeypatch):
    rows = read_rows(mini_data / "observations.csv")
    rows[0]["value"] = "1.5万"
    write_table(mini_data / "observations.csv", rows)
    out = tmp_path / "out"
    monkeypatch.setenv("IPANALYSIS_DATA_DIR", str(mini_data))
    monkeypatch.setenv("IPANALYSIS_OUTPUTS_DIR", str(out))
    for command in (["validate"], ["assess"], ["run"]):
        result = runner.invoke(app, command)
        assert result.exit_code == 1, result.output
        assert "data/observations.csv, row 2, column value: found '1.5万'" in result.output
    assert not out.exists()


def test_assess_writes_the_csv_with_the_fixed_columns(mini_data, tmp_path, monkeypatch):
    monkeypatch.setenv("IPANALYSIS_DATA_DIR", str(mini_data))
    monkeypatch.setenv("IPANALYSIS_OUTPUTS_DIR", str(tmp_path / "outputs"))
    out = tmp_path / "assessment_tianjin_as-of-2024.csv"
    args = ["assess", "--region", "tianjin", "--as-of", "2024", "--out", str(out)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out)
    assert list(table.columns[:3]) == ["region", "indicator", "target_year"]
    # 2 figures (2023 derived 21.8/1.153, 2024 21.8). The source is a 2025 work plan, so its
    # base year is 2024 (issue 16): the target requires 22.5/21.8 − 1 = 3.2% from the 2024
    # figure, and no growth since the base year is measured yet (growth_ratio empty); the
    # latest-to-target ratio sets recent growth 15.3% against that 3.2% → on_track.
    (row,) = table.itertuples()
    assert row.status == "on_track" and row.n_points == 2
    assert row.required_growth == pytest.approx(22.5 / 21.8 - 1)
    assert math.isnan(row.growth_ratio) and math.isnan(row.observed_growth)
    assert row.growth_ratio_latest == pytest.approx(0.153 / (22.5 / 21.8 - 1), rel=1e-3)
    assert "每万人口高价值发明专利拥有量" in result.output


def test_run_refuses_bad_regions_and_parameters_before_running(tmp_path, monkeypatch):
    monkeypatch.setenv("IPANALYSIS_OUTPUTS_DIR", str(tmp_path / "out"))
    cases = {
        ("run", "--region", "foo"): "Valid regions: "
        + ", ".join(reportable_region_ids(read_dataset().regions)),
        ("run", "--region", "Bin hai"): "not a plain slug",
        ("run", "-p", "colour=red"): "does not declare parameter(s) colour",
        ("run", "-p", "colour"): "expected NAME=VALUE",
    }
    for args, message in cases.items():
        result = runner.invoke(app, list(args))
        assert result.exit_code == 2, result.output
        assert message in result.output
    assert not (tmp_path / "out").exists()


def test_every_command_has_help():
    for command in ("validate", "assess", "backtest", "run", "needs", "export", "brief",
                    "add-source"):  # fmt: skip
        result = runner.invoke(app, [command, "--help"])
        assert result.exit_code == 0 and "Usage" in result.output


def test_assess_and_run_accept_and_refuse_the_same_regions(monkeypatch, tmp_path):
    """On main assess took --region china and run refused it, with other messages."""
    monkeypatch.setenv("IPANALYSIS_OUTPUTS_DIR", str(tmp_path / "out"))
    regions = read_rows(paths.data_dir() / "regions.csv")
    valid = sorted(r["region_id"] for r in regions if r["level"] in ("city", "district"))
    for region, message in {
        "china": "country-level benchmark",
        "nosuch": "Unknown region 'nosuch'",
        "hexi-qu": "not a plain slug",
        "[/red]": "not a plain slug",
    }.items():
        outputs = [runner.invoke(app, [cmd, "--region", region]) for cmd in ("assess", "run")]
        for result in outputs:
            assert result.exit_code == 2, result.output
            text = " ".join(result.output.split())  # the console may wrap long lines
            assert message in text
            assert f"Valid regions: {', '.join(valid)}." in text
        assert outputs[0].output == outputs[1].output
    assert not (tmp_path / "out").exists()


def test_markup_in_data_prints_literally(mini_data, tmp_path, monkeypatch):
    """Brackets in names raised MarkupError ([/i]) or restyled the cell ([b]) on main."""
    for table, index, name in (
        ("regions", 0, "滨海新区[/i]"),
        ("indicators", 1, "每万人口[b]高价值[/b]发明专利拥有量"),
    ):
        rows = read_rows(mini_data / f"{table}.csv")
        rows[index]["name_zh"] = name
        write_table(mini_data / f"{table}.csv", rows)
    monkeypatch.setenv("IPANALYSIS_DATA_DIR", str(mini_data))
    monkeypatch.setenv("IPANALYSIS_OUTPUTS_DIR", str(tmp_path))
    validated = runner.invoke(app, ["validate", "--detail"])
    assessed = runner.invoke(app, ["assess"])
    assert validated.exit_code == 0 and assessed.exit_code == 0, validated.output + assessed.output
    assert "滨海新区[/i]" in validated.output
    assert "每万人口[b]高价值[/b]发明专利拥有量" in validated.output
    assert "[b]高价值[/b]" in assessed.output


def test_no_colour_codes_when_piped(mini_data, tmp_path, monkeypatch):
    """On main typer.style put raw ANSI codes into 'Validation failed' even when piped."""
    rows = read_rows(mini_data / "observations.csv")
    rows[0]["value"] = "1.5万"
    write_table(mini_data / "observations.csv", rows)
    monkeypatch.setenv("IPANALYSIS_DATA_DIR", str(mini_data))
    result = runner.invoke(app, ["validate"])
    assert result.exit_code == 1 and "Validation failed" in result.output
    assert "\x1b[" not in result.output


@pytest.mark.parametrize(
    "args",
    [
        ["assess", "--min-reliability", "Z"],
        ["backtest", "--min-reliability", "Z"],
        ["assess", "--interval-level", "5"],
        ["run", "--interval-level", "0"],
    ],
)
def test_bad_options_are_usage_errors_not_tracebacks(args, monkeypatch, tmp_path):
    """On main these raised ValueError from inside the package (a traceback, exit 1)."""
    monkeypatch.setenv("IPANALYSIS_OUTPUTS_DIR", str(tmp_path / "out"))
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    assert not (tmp_path / "out").exists()


def test_run_and_assess_refuse_a_dataset_emptied_of_figures(mini_data, tmp_path, monkeypatch):
    """On main an emptied dataset validated, and run and assess replaced every verdict."""
    from ipanalysis import runner as runner_module

    for table in ("observations", "relations"):
        path = mini_data / f"{table}.csv"
        path.write_text(path.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    calls = []
    monkeypatch.setattr(runner_module, "run_notebooks", lambda *a, **k: calls.append(a))
    monkeypatch.setenv("IPANALYSIS_DATA_DIR", str(mini_data))
    monkeypatch.setenv("IPANALYSIS_OUTPUTS_DIR", str(tmp_path / "out"))
    for command in ("run", "assess"):
        result = runner.invoke(app, [command])
        assert result.exit_code == 1, result.output
        assert "no figures" in result.output and "--allow-fewer-figures" in result.output
    assert calls == [] and not (tmp_path / "out").exists()
    runner.invoke(app, ["run", "--allow-fewer-figures"])
    assert len(calls) == 1  # asked explicitly: the run goes ahead


def test_validate_caps_the_list_of_many_invalid_rows(mini_data, monkeypatch):
    """Issue 17: every bad row used to be printed (twice, for two problems each)."""
    from ipanalysis.errors import MAX_LISTED_PER_KIND

    rows = read_rows(mini_data / "observations.csv")
    bad = {**rows[0], "region": "nowhere", "value": "1.5万"}
    rows += [{**bad, "year": str(1900 + i)} for i in range(150)]
    write_table(mini_data / "observations.csv", rows)
    monkeypatch.setenv("IPANALYSIS_DATA_DIR", str(mini_data))
    result = runner.invoke(app, ["validate"])
    assert result.exit_code == 1, result.output
    lines = result.output.splitlines()
    assert "300 problem(s) in the dataset:" in result.output
    assert sum(line.startswith("  - ") for line in lines) == 2 * MAX_LISTED_PER_KIND
    more = f"… and {150 - MAX_LISTED_PER_KIND} more problem(s) in data/observations.csv, column"
    assert result.output.count(more) == 2  # region and value
    assert "Traceback" not in result.output


#: Escape sequences (clear screen, red, set the window title), a bell, a backspace, a C1 CSI
#: and a right-to-left override, as they could be pasted into a name.
TERMINAL_PAYLOAD = "\x1b[2J\x1b[31m\x1b]0;title\x07\x08\x9b2J\u202e"
UNPRINTABLE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


@pytest.mark.parametrize(
    ("table", "index", "column", "shown"),
    [
        ("regions", 1, "name_zh", True),
        ("regions", 1, "name_en", True),
        ("indicators", 1, "name_zh", True),
        ("indicators", 1, "name_en", False),  # not printed today; would be cleaned too
        ("indicators", 1, "unit", True),
    ],
)
def test_control_characters_in_names_never_reach_the_terminal(
    mini_data, tmp_path, monkeypatch, table, index, column, shown
):
    """ESC[2J in a name cleared the screen from assess on main, piped or not."""
    rows = read_rows(mini_data / f"{table}.csv")
    rows[index][column] = "名" + TERMINAL_PAYLOAD + "称"
    write_table(mini_data / f"{table}.csv", rows)
    monkeypatch.setenv("IPANALYSIS_DATA_DIR", str(mini_data))
    monkeypatch.setenv("IPANALYSIS_OUTPUTS_DIR", str(tmp_path))
    printed = ""
    for args in (["validate", "--detail"], ["assess"]):
        result = runner.invoke(app, args)
        assert result.exit_code == 0, result.output
        assert not UNPRINTABLE.search(result.output), repr(result.output)
        printed += "".join(result.output.split())  # the console may wrap and pad
    assert ("名[2J[31m]0;title2J称" in printed) is shown  # the visible rest is shown


def test_control_characters_in_error_messages_never_reach_the_terminal(mini_data, monkeypatch):
    """A file name and a cell holding escape sequences, in the list of problems."""
    rows = read_rows(mini_data / "observations.csv")
    rows[0]["value"] = "1" + TERMINAL_PAYLOAD
    write_table(mini_data / "observations.csv", rows)
    write_table(mini_data / f"observations-{TERMINAL_PAYLOAD[:9]}.csv", [rows[0]])
    monkeypatch.setenv("IPANALYSIS_DATA_DIR", str(mini_data))
    result = runner.invoke(app, ["validate"])
    assert result.exit_code == 1 and "observations-[2J[31m.csv" in result.output
    assert not UNPRINTABLE.search(result.output), repr(result.output)


@pytest.mark.parametrize("year", ["99999", "-5", "1800", "2026"])
@pytest.mark.parametrize("command", ["assess", "run"])
def test_as_of_outside_the_years_of_the_data_is_refused(command, year, tmp_path, monkeypatch):
    """On main assess --as-of 99999 or -5 crashed, run --as-of 99999 failed inside every
    notebook, and --as-of 1800 wrote an empty variant."""
    from ipanalysis.data.vintage import as_of_years

    first, last = as_of_years(read_dataset())
    monkeypatch.setenv("IPANALYSIS_OUTPUTS_DIR", str(tmp_path / "out"))
    result = runner.invoke(app, [command, "--as-of", year])
    assert result.exit_code == 2, result.output
    text = " ".join(result.output.split())
    assert f"--as-of {year}: the data supports the years {first}–{last}" in text
    assert "Traceback" not in result.output and not (tmp_path / "out").exists()


# --- output safety and write failures (issue 17 cases 4, 12, 14; issue 18 "Locked files") ---

#: Every command that writes, with the arguments that make it write into ``out``.
WRITERS = {
    "assess": lambda out: ["assess", "--region", "tianjin", "--out", str(out / "a.csv")],
    "export": lambda out: ["export", "--out", str(out)],
    "needs": lambda out: ["needs", "--region", "tianjin", "--out", str(out)],
    "brief": lambda out: ["brief", "--region", "jinnan", "--out", str(out)],
    "backtest": lambda out: ["backtest", "--out", str(out)],
}


@pytest.fixture
def scratch_outputs(tmp_path, monkeypatch):
    """A copy of the tracked outputs' top files in a scratch outputs folder."""
    outputs = tmp_path / "outputs"
    (outputs / "tianjin").mkdir(parents=True)
    for name in ("assessment.csv", "backtest.csv", "tianjin/assessment.csv"):
        (outputs / name).write_bytes((paths.REPO_ROOT / "outputs" / name).read_bytes())
    monkeypatch.setenv("IPANALYSIS_OUTPUTS_DIR", str(outputs))
    return outputs


@pytest.mark.parametrize(
    "args",
    [
        ["assess", "--out", "{outputs}/assessment.csv"],
        ["assess", "--out", "{outputs}/tianjin/assessment.csv"],
        ["export", "--out", "{outputs}"],
        ["needs", "--out", "{outputs}/tianjin"],
        ["brief", "--out", "{outputs}"],
        ["backtest", "--out", "{outputs}"],
    ],
)
def test_no_command_but_run_writes_into_the_tracked_outputs(args, scratch_outputs):
    """Issue 17 case 4: assess --out outputs/assessment.csv replaced the committed table."""
    before = {p: p.read_bytes() for p in scratch_outputs.rglob("*") if p.is_file()}
    result = runner.invoke(app, [a.format(outputs=scratch_outputs) for a in args])
    assert result.exit_code == 2, result.output
    assert "only `ipanalysis run` writes" in " ".join(result.output.split())
    assert {p: p.read_bytes() for p in scratch_outputs.rglob("*") if p.is_file()} == before


def test_commands_write_to_the_ignored_export_folder_by_default(scratch_outputs):
    for args in (["needs", "--region", "jinnan"], ["brief", "--region", "jinnan"]):
        result = runner.invoke(app, args)
        assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (scratch_outputs / "export").iterdir()) == [
        "jinnan-brief.docx",
        "observations-jinnan-needed.csv",
    ]


def _said_clearly(result, message: str) -> None:
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    assert message in " ".join(result.output.split())


@pytest.mark.parametrize("command", sorted(WRITERS))
def test_a_file_open_in_excel_is_named_and_nothing_is_half_written(
    command, scratch_outputs, tmp_path, monkeypatch
):
    from tests.test_writes import lock

    out = tmp_path / "mine"
    out.mkdir()
    names = ("a.csv", "figures.csv", "observations-tianjin-needed.csv", "jinnan-brief.docx")
    existing = {name: f"old {name}".encode() for name in (*names, "backtest.csv")}
    for name, data in existing.items():
        (out / name).write_bytes(data)
    lock(monkeypatch, *(out / name for name in existing))
    result = runner.invoke(app, WRITERS[command](out))
    _said_clearly(result, "is open in another program (Excel, WPS or Word)")
    assert "Close it and run the command again" in " ".join(result.output.split())
    assert {p.name: p.read_bytes() for p in out.iterdir() if p.name in existing} == existing
    assert not [p.name for p in out.iterdir() if p.name.startswith(".")]  # no temporary file


@pytest.mark.parametrize("command", sorted(WRITERS))
def test_an_unwritable_out_is_a_message_not_a_traceback(command, scratch_outputs, tmp_path):
    """Issue 17 case 12: a file in a folder's place gave a traceback."""
    blocker = tmp_path / "blocker.txt"
    blocker.write_text("a file, not a folder", encoding="utf-8")
    _said_clearly(runner.invoke(app, WRITERS[command](blocker)), "is a file, not a folder")


@pytest.mark.parametrize("command", sorted(WRITERS))
def test_a_read_only_folder_is_a_message(command, scratch_outputs, tmp_path, monkeypatch):
    """Simulated (tests may run as root, whom a read-only folder does not stop)."""
    import tempfile

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    _said_clearly(runner.invoke(app, WRITERS[command](tmp_path)), "permission denied")


def test_assess_out_naming_a_folder_is_a_message(scratch_outputs, tmp_path):
    _said_clearly(
        runner.invoke(app, ["assess", "--out", str(tmp_path)]),
        "it is a folder; expected a file name",
    )


def test_run_into_an_unwritable_outputs_folder_is_a_message(tmp_path, monkeypatch):
    outputs = tmp_path / "outputs"
    outputs.write_text("a file where the outputs folder should be", encoding="utf-8")
    monkeypatch.setenv("IPANALYSIS_OUTPUTS_DIR", str(outputs))
    _said_clearly(runner.invoke(app, ["run", "--region", "jinnan"]), "is a file, not a folder")
