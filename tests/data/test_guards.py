"""An emptied dataset must not silently wipe the committed results."""

import pandas as pd
import pytest

from ipanalysis.data.dataset import read_dataset
from ipanalysis.data.guards import FiguresLostError, check_figures_kept, count_targets_with_figures
from tests.conftest import read_rows, write_table


def _empty(data_dir, table):
    rows = read_rows(data_dir / f"{table}.csv")
    path = data_dir / f"{table}.csv"
    path.write_text(",".join(rows[0]) + "\n", encoding="utf-8")


def _assessment(path, pairs):
    frame = pd.DataFrame(pairs, columns=["region", "indicator", "n_points"])
    frame.to_csv(path, index=False)
    return path


def test_a_dataset_without_figures_is_refused(mini_data, tmp_path):
    """Observations and relations reduced to their headers validate (they did on main too)."""
    _empty(mini_data, "observations")
    _empty(mini_data, "relations")
    ds = read_dataset(mini_data)
    with pytest.raises(FiguresLostError, match="no figures"):
        check_figures_kept(ds, tmp_path / "none.csv")


def test_losing_most_figures_against_the_committed_assessment_is_refused(mini_data, tmp_path):
    rows = read_rows(mini_data / "observations.csv")
    write_table(mini_data / "observations.csv", [r for r in rows if r["region"] != "tianjin"])
    _empty(mini_data, "relations")
    ds = read_dataset(mini_data)
    committed = _assessment(
        tmp_path / "assessment.csv",
        [
            ("tianjin", "hv_per_10k", 2),
            ("tianjin", "valid_invention_patents", 2),
            ("binhai", "valid_invention_patents", 1),
            ("binhai", "hv_per_10k", 0),
        ],
    )
    assert count_targets_with_figures(pd.read_csv(committed), ds) == (3, 1)
    with pytest.raises(FiguresLostError, match="Only 1 of the 3 targets"):
        check_figures_kept(ds, committed)


def test_the_unchanged_dataset_passes(mini_data, tmp_path):
    ds = read_dataset(mini_data)
    committed = _assessment(tmp_path / "assessment.csv", [("tianjin", "hv_per_10k", 2)])
    check_figures_kept(ds, committed)
    check_figures_kept(ds, tmp_path / "no-such.csv")  # a fresh output folder


def test_the_shipped_data_keeps_the_committed_outputs_figures():
    check_figures_kept(read_dataset())
