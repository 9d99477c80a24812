"""Report helpers: formatting, deterministic tables and CSVs, and the committed outputs.

The last tests are the pure-Python half of the CI check on ``outputs/``: every shipped
region's committed ``assessment.csv`` must equal a fresh assessment with the package, and
changing one figure in a copy of ``data/`` so that a verdict flips must make that comparison
(and nbval on the committed notebook) fail.
"""

import hashlib
import math
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from ipanalysis import paths, report
from ipanalysis.assess import assess
from ipanalysis.data.dataset import read_dataset
from ipanalysis.data.regions import reportable_region_ids
from ipanalysis.formats import fmt_number, fmt_pct
from ipanalysis.report.benchmark import benchmark_ids
from ipanalysis.report.categories import COUNT_ORDER
from ipanalysis.report.files import write_csv
from ipanalysis.report.html_verdicts import show_verdicts
from ipanalysis.report.labels import STATUS_COLOURS, STATUS_LABELS, lighter, status_label
from ipanalysis.report.tables import read_assessment_csv, status_counts
from ipanalysis.report.text import target_text
from ipanalysis.scope import Scope
from ipanalysis.vocab import STATUS_ORDER
from tests.helpers import assessment_differences, executed_parameters

OUTPUTS = paths.REPO_ROOT / "outputs"
# region sets are the folders with a forecast report (not export/, screenshots/ or _failed/)
SHIPPED = sorted(
    p.parent.name
    for p in OUTPUTS.glob("*/assessment.csv")
    if p.parent.name[0] != "_" and (p.parent / "forecast.ipynb").is_file()
)


# --- formatting -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value, text",
    [
        (72904.0, "72,904"),
        (330088.4, "330,088"),
        (21.8, "21.8"),
        (1288.0, "1,288"),
        (0.12345, "0.1235"),
        (0.0, "0"),
        (1e-7, "0"),
        (float("nan"), "–"),
        (None, "–"),
        (pd.NA, "–"),
        (math.inf, "∞"),
    ],
)
def test_fmt_number(value, text):
    assert fmt_number(value) == text


def test_fmt_pct():
    assert fmt_pct(0.153) == "+15.3%"
    assert fmt_pct(-0.035) == "-3.5%"
    assert fmt_pct(0.5, signed=False) == "50.0%"
    assert fmt_pct(float("nan")) == "–"


def test_status_labels_are_bilingual_and_complete():
    assert set(STATUS_LABELS) == set(STATUS_ORDER) == set(STATUS_COLOURS)
    assert status_label("on_track") == "进展顺利 on track"


def test_target_text():
    row = {"comparator": ">=", "target_kind": "level", "target_value": 22.5}
    assert target_text(row, "件/万人") == "≥ 22.5 件/万人"
    row = {"comparator": ">=", "target_kind": "cumulative", "target_value": 200.0}
    assert target_text(row, "家") == "累计 ≥ 200 家"
    assert target_text({"target_kind": "keep_improving"}) == "持续改善"


# --- tables from a synthetic assessment -----------------------------------------------------


def _assessment(statuses, p=None, ratio=None):
    n = len(statuses)
    return pd.DataFrame(
        {
            "region": ["binhai"] * n,
            "target_id": [f"t{i}" for i in range(n)],
            "target_year": [2025] * n,
            "status": statuses,
            "p_meet": p if p is not None else [np.nan] * n,
            "growth_ratio": ratio if ratio is not None else [np.nan] * n,
            "evidence": ["tested"] * n,
        }
    )


def test_status_counts_lists_every_status_in_order_leans_apart():
    counts = status_counts(_assessment(["on_track", "at_risk", "on_track"]))
    assert counts["status"].tolist() == list(COUNT_ORDER)
    assert [s for s in COUNT_ORDER if s != "lean"] == list(STATUS_ORDER)
    assert dict(zip(counts["status"], counts["count"], strict=True))["on_track"] == 2
    assert counts["count"].sum() == 3


def test_status_counts_by_region_has_totals():
    table = _assessment(["on_track", "missed"])
    table.loc[1, "region"] = "tianjin"
    counts = status_counts(table, by_region=True)
    assert counts.loc["binhai", "on_track"] == 1
    assert counts.loc["tianjin", "missed"] == 1
    assert counts["total"].tolist() == [1, 1]
    with_empty = status_counts(table, by_region=True, regions=["hongqiao"])
    assert with_empty.index.tolist() == ["binhai", "hongqiao", "tianjin"]
    assert with_empty.loc["hongqiao", "total"] == 0


# --- the mini dataset (tests/conftest.py) ---------------------------------------------------


@pytest.fixture
def mini(mini_data):
    return read_dataset(mini_data)


def test_assessment_table_and_verdict_html_are_deterministic(mini):
    table = report.assessment_table(mini, regions=["tianjin"])
    assert table["target_id"].tolist() == ["tianjin-hv-2025"]
    first = show_verdicts(table, mini).data
    second = show_verdicts(table, mini).data
    assert first == second
    assert 'id="T_verdicts' in first
    assert "每万人口高价值发明专利拥有量" in first and "high-value" in first
    status = table["status"].iloc[0]
    lean = table["evidence"].iloc[0] == "indicative"  # the mini data has no backtest: a lean
    assert (lighter(STATUS_COLOURS[status]) if lean else STATUS_COLOURS[status]) in first
    assert "0x" not in first


def test_figures_table_marks_derived_figures_and_sources(mini):
    figures = report.figures_table(mini, "tianjin")
    derived = figures[figures["derived"]]
    assert len(derived) >= 1
    assert all(derived["formula"].str.len() > 0)
    assert set(figures["title_zh"]) == {"文件"}
    html = report.show_figures(figures).data
    assert "推算 derived" in html and "A document" in html


def test_figures_needed_for_a_target_without_figures(mini_data):
    # A Binhai target for an indicator Binhai has no figure for.
    targets = pd.read_csv(mini_data / "targets.csv", dtype=str, keep_default_na=False)
    extra = targets.iloc[[0]].assign(
        target_id="binhai-hv-2026", region="binhai", target_year="2026"
    )
    pd.concat([targets, extra]).to_csv(mini_data / "targets.csv", index=False)
    dataset = read_dataset(mini_data)
    table = report.assessment_table(dataset, regions=["binhai"])
    assert table["status"].tolist() == ["insufficient_data"]
    needed = report.figures_needed(dataset, table)
    assert needed["n_points"].tolist() == [0]
    # the mini dataset's newest figure is for 2024: the three years up to it (the template's)
    assert needed["collect"].iloc[0].endswith("figures for 2022, 2023, 2024")
    assert needed["required"].iloc[0] == "2026: 22.5"
    html = report.show_figures_needed(needed).data
    assert "2026: 22.5" in html and "To collect" in html


def test_empty_tables_say_so(mini):
    table = report.assessment_table(mini, regions=["binhai"])
    assert table.empty
    assert "No targets" in show_verdicts(table, mini).data
    assert "No conflicting" in report.show_conflicts(report.conflict_table(mini, "binhai")).data


def test_write_csv_is_deterministic_and_rounded(tmp_path):
    frame = pd.DataFrame(
        {"a": ["x", "中文"], "b": [0.1 + 0.2, 1 / 3], "c": pd.array([2024, None], "Int64")}
    )
    path = write_csv(frame, tmp_path / "sub" / "t.csv")
    text = path.read_bytes()
    bom = b"\xef\xbb\xbf"  # Excel on a Chinese Windows reads UTF-8 only with it
    assert text == bom + b"a,b,c\nx,0.3,2024\n\xe4\xb8\xad\xe6\x96\x87,0.3333333333,\n"
    write_csv(frame, path)
    assert path.read_bytes() == text
    assert stat.S_IMODE(path.stat().st_mode) & 0o044  # readable by others, unlike mkstemp's
    assert [p.name for p in path.parent.iterdir()] == ["t.csv"]


def test_assessment_differences():
    a = pd.DataFrame(
        {"target_id": ["t1", "t2"], "status": ["on_track", "missed"], "p_meet": [0.5, np.nan]}
    )
    assert assessment_differences(a, a.copy()).empty
    b = a.copy()
    b.loc[0, "status"] = "at_risk"
    b.loc[1, "p_meet"] = 0.1
    diff = assessment_differences(a, b)
    assert sorted(diff["column"]) == ["p_meet", "status"]
    c = a.iloc[:1]
    assert assessment_differences(a, c)["column"].tolist() == ["(target)"]


# --- the committed outputs reproduce ---------------------------------------------------------


def _fresh(dataset, region):
    """Recompute a committed assessment with the parameters its notebook ran with.

    The overview's covers every target in the data: the national benchmark's too.
    """
    notebook = OUTPUTS / region / "forecast.ipynb" if region else OUTPUTS / "overview.ipynb"
    params = executed_parameters(notebook)
    scope = Scope(params["as_of"], params["min_reliability"], params["interval_level"],
                  params["target_years"])  # fmt: skip
    every = [*reportable_region_ids(dataset.regions), *benchmark_ids(dataset)]
    return assess(dataset, scope, regions=[region] if region else every)


def test_outputs_are_shipped_for_every_reportable_region():
    assert reportable_region_ids(read_dataset().regions) == SHIPPED


@pytest.mark.parametrize("region", [*SHIPPED, None])
def test_committed_assessment_matches_a_fresh_one(region):
    csv = OUTPUTS / region / "assessment.csv" if region else OUTPUTS / "assessment.csv"
    committed = read_assessment_csv(csv)
    diff = assessment_differences(committed, _fresh(read_dataset(), region))
    assert diff.empty, (
        f"{csv} is out of date (run `ipanalysis run` and commit outputs/):\n{diff.to_string()}"
    )


def _copy_with_changed_figure(tmp_path: Path, old: str, new: str) -> Path:
    """Copy data/ and change one stated figure everywhere it is written (quote, source text).

    The source text changes too, so its checksum in sources.csv is updated: the copy is a
    valid dataset, as after a source's correction.
    """
    data = tmp_path / "data"
    shutil.copytree(paths.data_dir(), data)
    for name in ("observations.csv", "relations.csv"):
        path = data / name
        path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    sources = data / "sources.csv"
    sources_text = sources.read_text(encoding="utf-8")
    for text_file in (data / "sources").rglob("*.txt"):
        raw = text_file.read_bytes()
        if old.encode() not in raw:
            continue
        before = hashlib.sha256(raw).hexdigest()
        text_file.write_bytes(raw.replace(old.encode(), new.encode()))
        sources_text = sources_text.replace(
            before, hashlib.sha256(text_file.read_bytes()).hexdigest()
        )
    sources.write_text(sources_text, encoding="utf-8")
    return data


@pytest.fixture
def flipped_data(tmp_path):
    # Binhai's valid patents: 115861 in 2024 meets the 2025 target of 90000 (achieved).
    # 85861 does not: the verdict must change.
    return _copy_with_changed_figure(tmp_path, "115861", "85861")


def test_changing_one_figure_that_flips_a_verdict_fails_the_comparison(flipped_data, monkeypatch):
    monkeypatch.setenv("IPANALYSIS_DATA_DIR", str(flipped_data))
    assert paths.data_dir() == flipped_data.resolve()
    dataset = read_dataset()  # still a valid dataset
    committed = read_assessment_csv(OUTPUTS / "binhai" / "assessment.csv")
    diff = assessment_differences(committed, _fresh(dataset, "binhai"))
    flipped = diff[
        (diff["target_id"] == "binhai-valid-patents-2025") & (diff["column"] == "status")
    ]
    assert flipped["expected"].tolist() == ["achieved"]
    assert flipped["actual"].iloc[0] != "achieved"


def test_changing_one_figure_that_flips_a_verdict_fails_nbval(flipped_data):
    """The same change makes ``pytest --nbval-lax`` on the committed notebook fail."""
    env = {**os.environ, "IPANALYSIS_DATA_DIR": str(flipped_data)}
    notebook = OUTPUTS / "binhai" / "forecast.ipynb"
    cmd = [sys.executable, "-m", "pytest", "--nbval-lax", "-p", "no:cacheprovider", "-q",
           str(notebook)]  # fmt: skip
    root = paths.REPO_ROOT
    failed = subprocess.run(cmd, env=env, capture_output=True, text=True, cwd=root)
    assert failed.returncode == 1, failed.stdout[-3000:]
    assert "Cell outputs differ" in failed.stdout  # a mismatch, not an error
    assert "show_open_by_year" in failed.stdout  # in the verdict table
    env.pop("IPANALYSIS_DATA_DIR")
    passed = subprocess.run(cmd, env=env, capture_output=True, text=True, cwd=root)
    assert passed.returncode == 0, passed.stdout[-3000:]


# --- notebooks refuse an unknown region ---------------------------------------------------


def test_check_regions_uses_the_one_region_rule(mini):
    from ipanalysis.data.regions import RegionError, check_region_ids

    with pytest.raises(RegionError) as err:
        report.check_regions(mini, "nosuch")
    with pytest.raises(RegionError) as expected:
        check_region_ids(["nosuch"], mini.regions)
    assert str(err.value) == str(expected.value)
    assert report.check_regions(mini, None) == reportable_region_ids(mini.regions)


@pytest.mark.parametrize("notebook", ["forecast", "trends"])
def test_plain_papermill_with_an_unknown_region_fails_like_the_runner(notebook, tmp_path):
    # issue 10 item 6: on main `papermill … -p region nosuch` exited 0 with an empty report
    import papermill

    with pytest.raises(papermill.PapermillExecutionError) as err:
        papermill.execute_notebook(
            str(paths.NOTEBOOKS_DIR / f"{notebook}.ipynb"),
            str(tmp_path / "out.ipynb"),
            parameters={"region": "nosuch"},
            progress_bar=False,
        )
    from ipanalysis.data.regions import RegionError, check_region_ids

    with pytest.raises(RegionError) as expected:  # the message `ipanalysis run` refuses with
        check_region_ids(["nosuch"], report.load_dataset().regions)
    assert "RegionError" in str(err.value)
    assert str(expected.value) in " ".join(str(err.value).split())
