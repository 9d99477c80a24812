"""Incremental runs on the real notebooks: one district's figure changes, what reruns?"""

import shutil

from ipanalysis import paths
from ipanalysis.runner import run_notebooks
from tests.conftest import read_rows, write_table


def _independent_figure(data) -> int:
    """Index of a binhai figure that no relation uses (so no other region's figures move)."""
    relations = read_rows(data / "relations.csv")
    used = {(r["region"], r["indicator"]) for r in relations}
    used |= {(r["ref_region"], r["indicator"]) for r in relations if r["ref_region"]}
    rows = read_rows(data / "observations.csv")
    return next(
        i
        for i, row in enumerate(rows)
        if row["region"] == "binhai" and ("binhai", row["indicator"]) not in used
    )


def test_one_district_figure_reruns_that_district_and_the_overview_only(tmp_path, monkeypatch):
    data, out = tmp_path / "data", tmp_path / "outputs"
    shutil.copytree(paths.REPO_ROOT / "data", data)
    monkeypatch.setenv("IPANALYSIS_DATA_DIR", str(data))
    first = run_notebooks(outputs_dir=out, progress=False)
    assert first.ok, str(first)
    manifest = (out / "manifest.json").read_bytes()

    rows = read_rows(data / "observations.csv")
    del rows[_independent_figure(data)]  # one binhai figure withdrawn
    write_table(data / "observations.csv", rows)
    second = run_notebooks(outputs_dir=out, progress=False)

    assert second.ok, str(second)
    executed = sorted(f"{r.key}/{r.notebook}" for r in second.results if not r.skipped)
    assert executed == [
        "binhai/assessment.csv",
        "binhai/forecast",
        "binhai/forecasts.csv",
        "binhai/trends",
        "overview/assessment.csv",
        "overview/forecasts.csv",
        "overview/overview",
    ]
    assert {r.key for r in second.skipped} == set(first.regions) - {"binhai"}
    assert second.written == ["binhai", "overview"]
    assert (out / "manifest.json").read_bytes() != manifest
