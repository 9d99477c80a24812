"""A region beside the country: its figures as ratios to the national figure, year by year.

The country's own targets are assessed beside the regions' (:func:`national_assessment`).

White papers habitually say "高出全国平均水平53.2%". For every indicator both the region and the
national benchmark (the region of level ``country`` in ``regions.csv``) have figures for the
same year, :func:`national_comparison` gives the ratio: for a per-capita indicator (per 10,000
population) a multiple of the national level, for a total the region's share of the country.
"""

from __future__ import annotations

import pandas as pd

from ipanalysis.assess import assess
from ipanalysis.data.dataset import Dataset
from ipanalysis.report.lookups import with_indicator_names
from ipanalysis.scope import Scope

#: Columns of :func:`national_comparison`.
COMPARISON_COLUMNS = [
    "region", "benchmark", "indicator", "name_zh", "name_en", "unit", "per_capita", "year",
    "value", "benchmark_value", "ratio_to_benchmark",
]  # fmt: skip


def benchmark_region(dataset: Dataset) -> str | None:
    """Return the id of the national benchmark (the first region of level ``country``)."""
    countries = dataset.regions.loc[dataset.regions["level"] == "country", "region_id"]
    return str(sorted(countries)[0]) if len(countries) else None


def benchmark_ids(dataset: Dataset) -> list[str]:
    """Return the benchmark's id in a list (empty without one): regions to assess beside."""
    benchmark = benchmark_region(dataset)
    return [] if benchmark is None else [benchmark]


def national_assessment(dataset: Dataset, scope: Scope) -> pd.DataFrame:
    """Return the verdicts on the national benchmark's own targets (the 2030 outline's …).

    Parameters
    ----------
    dataset : Dataset
        The dataset.
    scope : Scope
        As for the regions' assessment.

    Returns
    -------
    pandas.DataFrame
        :func:`ipanalysis.assess.assess` columns with ``evidence``; empty without a benchmark.
    """
    return assess(dataset, scope, regions=benchmark_ids(dataset))


def is_per_capita(indicator: str, unit: str) -> bool:
    """Tell whether an indicator is per capita (``件/万人``, ``…_per_10k``)."""
    return "/万人" in str(unit) or str(indicator).endswith("_per_10k")


def national_comparison(dataset: Dataset, scope: Scope, region: str) -> pd.DataFrame:
    """Return a region's figures beside the national ones, for the indicators both have.

    Parameters
    ----------
    dataset : Dataset
        The dataset.
    scope : Scope
        Minimum grade and as-of year of the figures.
    region : str
        Region id.

    Returns
    -------
    pandas.DataFrame
        :data:`COMPARISON_COLUMNS`, one row per indicator and year both have;
        ``ratio_to_benchmark`` = value ÷ national value. Per-capita indicators first, then by
        indicator and year. Empty when there is no benchmark or nothing in common.
    """
    benchmark = benchmark_region(dataset)
    series = dataset.scoped_series(scope)
    if benchmark is None or benchmark == region:
        return pd.DataFrame(columns=COMPARISON_COLUMNS)
    mine = series.loc[series["region"] == region, ["indicator", "year", "value"]]
    national = series.loc[series["region"] == benchmark, ["indicator", "year", "value"]]
    both = mine.merge(national, on=["indicator", "year"], suffixes=("", "_national"))
    both = with_indicator_names(both, dataset).rename(
        columns={"value_national": "benchmark_value"}
    )
    both = both.assign(
        region=region,
        benchmark=benchmark,
        per_capita=[
            is_per_capita(i, u) for i, u in zip(both["indicator"], both["unit"], strict=True)
        ],  # fmt: skip
        ratio_to_benchmark=both["value"] / both["benchmark_value"],
    )
    both = both.sort_values(["per_capita", "indicator", "year"], ascending=[False, True, True],
                            kind="stable")  # fmt: skip
    return both[COMPARISON_COLUMNS].reset_index(drop=True)
