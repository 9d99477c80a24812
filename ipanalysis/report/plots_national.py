"""The figure of a region beside the country: its ratio to the national figure, year by year.

One panel per indicator of a :func:`~ipanalysis.report.benchmark.national_comparison`,
per-capita indicators first: for those, the multiple of the national level (a dashed line marks
the national level, 1×); for totals, the region's share of the country in percent. Built like
the other figures (:mod:`ipanalysis.report.plots`): fixed panel sizes, no pyplot.
"""

from __future__ import annotations

import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter

from ipanalysis.data.dataset import Dataset
from ipanalysis.report import fonts
from ipanalysis.report.lookups import indicator_names, region_names
from ipanalysis.report.plots import (
    OBSERVED_COLOUR,
    TARGET_COLOUR,
    _grid,
    _indicator_label,
    _label,
    _style_axis,
)


def plot_national_comparison(comparison: pd.DataFrame, dataset: Dataset) -> Figure | None:
    """Plot a region's figures as ratios to the national ones, one panel per indicator.

    Parameters
    ----------
    comparison : pandas.DataFrame
        A :func:`~ipanalysis.report.benchmark.national_comparison` (one region).
    dataset : Dataset
        For names.

    Returns
    -------
    matplotlib.figure.Figure or None
        The figure; None when the region shares no indicator with the country.
    """
    fonts.configure_fonts()
    if comparison.empty:
        return None
    names = indicator_names(dataset)
    groups = list(comparison.groupby("indicator", sort=False))
    fig, axes = _grid(len(groups), legend=False)
    for ax, (indicator, rows) in zip(axes, groups, strict=True):
        per_capita = bool(rows["per_capita"].iloc[0])
        ratio = rows["ratio_to_benchmark"].to_numpy(dtype=float)
        values = ratio if per_capita else ratio * 100
        ax.plot(rows["year"], values, color=OBSERVED_COLOUR, linewidth=1.0, marker="o",
                markersize=4)  # fmt: skip
        if per_capita:
            ax.axhline(1.0, color=TARGET_COLOUR, linewidth=1.0, linestyle="--")
            ax.annotate(_label("全国水平", "national level"), (1.0, 1.0),
                        xycoords=("axes fraction", "data"), ha="right", va="bottom",
                        fontsize=6.5, color=TARGET_COLOUR)  # fmt: skip
            what = _label("倍于全国（×）", "× national")
        else:
            ax.yaxis.set_major_formatter(PercentFormatter(decimals=1))
            what = _label("占全国比重", "share of national")
        last = f"{ratio[-1]:.2f}×" if per_capita else f"{ratio[-1]:.1%}"
        ax.annotate(last, (rows["year"].iloc[-1], values[-1]), textcoords="offset points",
                    xytext=(0, 6), ha="center", fontsize=7, color=OBSERVED_COLOUR)  # fmt: skip
        title = _indicator_label(names, str(indicator))
        ax.set_title(f"{title}\n{what}", fontsize=8, loc="left", y=1.0, pad=4)
        _style_axis(ax)
        years = rows["year"].astype(int)
        ax.set_xlim(years.min() - 0.5, years.max() + 0.5)
        if years.nunique() <= 4:  # a few years: each one a tick, never 2015.25
            ax.set_xticks(sorted(years.unique()))
        ax.set_ylim(0, max(values.max(), 1.0 if per_capita else 0.0) * 1.2)  # from zero: honest
    region = str(comparison["region"].iloc[0])
    zh, en = region_names(dataset, region)
    fig.suptitle(_label(f"{zh}与全国之比", f"{en} beside the country"), fontsize=11)
    return fig
