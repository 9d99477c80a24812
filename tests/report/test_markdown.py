"""The README's tables are the ones the committed outputs give (they cannot drift)."""

import pandas as pd
import pytest

from ipanalysis import paths
from ipanalysis.data.cache import load_dataset
from ipanalysis.report.markdown import markdown_table, readme_tables, situations_markdown

README = (paths.REPO_ROOT / "README.md").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def tables():
    return readme_tables(load_dataset())


@pytest.mark.parametrize("name", ["status", "situations", "methods", "past targets",
                                  "reliability"])  # fmt: skip
def test_readme_shows_the_table_the_outputs_give(tables, name):
    assert tables[name] in README, (
        f"README's {name} table is stale: python -m ipanalysis.report.markdown"
    )


def test_markdown_table_shape():
    assert markdown_table(["a", "b"], [["1", "2"]]) == "| a | b |\n|---|---|\n| 1 | 2 |"


def test_a_situation_is_tested_only_when_scored_enough_and_calibrated():
    row = {"method": "deployed", "pool": "stock_like", "n_figures": "3+", "n_series": 5,
           "mase": 0.5, "below_lower": 0.1, "above_upper": 0.1, "pit_sd": 1.0,
           "brier": 0.1}  # fmt: skip
    cells = pd.DataFrame(
        [
            {**row, "horizon_years": "1", "n": 12, "coverage_80": 0.8},
            {**row, "horizon_years": "2-3", "n": 9, "coverage_80": 0.8},
            {**row, "horizon_years": "4-6", "n": 30, "coverage_80": 0.95},
        ]
    )
    lines = situations_markdown(cells).splitlines()
    stock_3 = [line for line in lines if "stock-like" in line and "| 3+ |" in line]
    assert [line.rsplit("|", 2)[-2].strip() for line in stock_3] == [
        "**tested**",
        "indicative",
        "indicative",
    ]
