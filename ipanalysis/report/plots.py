"""Figures for the reports: one small-multiples figure per question, Chinese labels.

* :func:`plot_series` — every indicator of a region with at least two figures: stated figures
  filled, derived ones hollow.
* :func:`plot_forecasts` — one panel per target that has figures: the observed points, the
  fitted trend (the model the assessment used) with its prediction interval at every forecast
  year (a band, or an error bar where one year is forecast), the target (a star, or a band for
  a range) and the path the target requires (dashed); the panel's frame is coloured by status,
  a lean's (倾向) lighter and dashed.
* :func:`plot_status_counts` — targets by status, per region, the leans apart (the overview).

Titles wrap between words (:mod:`ipanalysis.report.wrapping`), legends sit inside the figure.
The national comparison's figure is in :mod:`ipanalysis.report.plots_national`.

Every ``plot_*`` function returns a :class:`matplotlib.figure.Figure` built without pyplot
(no global state, no inline backend), or None when there is nothing to draw. In a notebook,
end the cell with :func:`show`, which renders the figure once to PNG (no ``Software``
metadata: the bytes depend only on the figure) and returns an ``IPython.display.Image``; the
runner saves those PNGs as ``outputs/<region>/<notebook>-<name>.png``. Layouts are computed
from fixed panel sizes rather than by a layout engine, which would draw every figure twice.

Labels are Chinese when a CJK font is installed, English otherwise (see
:mod:`ipanalysis.report.fonts`). Only matplotlib is used: seaborn would add a second to every
kernel's start for nothing these figures need.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.legend_handler import HandlerTuple
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator, StrMethodFormatter

from ipanalysis.data.dataset import Dataset
from ipanalysis.data.regions import reportable_region_ids
from ipanalysis.formats import fmt_number
from ipanalysis.model.damped import estimate_pools, fit_assessment_trend
from ipanalysis.model.predictive import Forecast
from ipanalysis.report import fonts
from ipanalysis.report.categories import COUNT_ORDER, count_categories
from ipanalysis.report.labels import (
    COUNT_COLOURS,
    COUNT_LABELS,
    COUNT_TEXT_COLOURS,
    STATUS_COLOURS,
    STATUS_LABELS,
    lighter,
)
from ipanalysis.report.lookups import indicator_names, region_names
from ipanalysis.report.needs import required_paths
from ipanalysis.report.tables import status_counts
from ipanalysis.report.wrapping import wrap_label
from ipanalysis.scope import Scope
from ipanalysis.vocab import SETTLED_STATUSES

#: Panels per row in the small-multiples figures.
NCOLS = 4
#: Size of one panel's axes in inches, and the room around it (left, right, top, bottom).
AXES_SIZE = (2.45, 1.55)
PANEL_PAD = (0.75, 0.15, 0.5, 0.3)
#: Narrowest figure, in inches (a one-panel figure is widened to this: ~630 px at DPI).
MIN_WIDTH = 7.0
#: Room for the figure title and the legend, in inches.
TITLE_HEIGHT = 0.45
LEGEND_HEIGHT = 0.55
DPI = 90
OBSERVED_COLOUR = "#1f4e79"
TREND_COLOUR = "#2c7fb8"
REQUIRED_COLOUR = "#d95f02"
TARGET_COLOUR = "#b2182b"
#: Target kinds whose target value is a level for the target year (drawn as a star).
LEVEL_KINDS = frozenset({"level", "avg_growth", "range"})


def plot_text(text: str) -> str:
    """Return text from the data as matplotlib must get it: every ``$`` escaped.

    Two ``$`` in a name (``$2$``) would be read as mathtext: the text between them rendered as
    a formula, or dropped. Every label and title built from the data passes through here
    (:func:`_indicator_label`, :func:`_unit`, :func:`_region_names`); matplotlib shows an
    escaped dollar as a plain one.
    """
    return text.replace("$", r"\$")


def _region_names(dataset: Dataset, region: str) -> tuple[str, str]:
    """Return a region's Chinese and English names, escaped for matplotlib."""
    zh, en = region_names(dataset, region)
    return plot_text(zh), plot_text(en)


def _label(zh: str, en: str, *, both: bool = False) -> str:
    return fonts.label(zh, en, both=both)


def _indicator_label(names: pd.DataFrame, indicator: str, *, wrap: float = 20) -> str:
    if indicator in names.index:
        zh, en = str(names.at[indicator, "name_zh"]), str(names.at[indicator, "name_en"])
    else:
        zh = en = indicator
    return plot_text(wrap_label(_label(zh, en), wrap))


def _legend_label(zh: str, en: str) -> str:
    """One legend for both languages: ``趋势 trend``."""
    return f"{zh} {en}"


def _unit(names: pd.DataFrame, indicator: str) -> str:
    """Return the indicator's unit as ``indicators.csv`` writes it (件/万人, 亿元 …), escaped."""
    unit = ""
    if indicator in names.index and isinstance(names.at[indicator, "unit"], str):
        unit = str(names.at[indicator, "unit"])
    return plot_text(unit)


def show(fig: Figure | None, *, empty: str = "") -> Any:
    """Render a figure once to PNG and return it for display (end a notebook cell with it).

    Parameters
    ----------
    fig : matplotlib.figure.Figure or None
        The figure (None: nothing to draw).
    empty : str
        What to say instead when ``fig`` is None.

    Returns
    -------
    IPython.display.Image or IPython.display.HTML
        The PNG (deterministic bytes: no ``Software`` metadata, no timestamps), or the
        ``empty`` sentence.
    """
    from IPython.display import HTML, Image

    if fig is None:
        return HTML(f"<p><em>{empty}</em></p>")
    return Image(data=figure_png(fig), format="png")


def figure_png(fig: Figure) -> bytes:
    """Return the PNG bytes of a figure (its own dpi, no ``Software`` metadata).

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure.

    Returns
    -------
    bytes
        The PNG file's bytes.
    """
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=fig.dpi, metadata={"Software": None})
    return buffer.getvalue()


def _grid(
    n: int, *, ncols: int = NCOLS, title: bool = True, legend: bool = True
) -> tuple[Figure, list[Any]]:
    """Return a figure with ``n`` equal panels on a fixed grid (no layout engine).

    Only the ``n`` Axes are created (an Axes costs ~10 ms even when hidden).
    """
    ncols = max(1, min(ncols, n))
    nrows = math.ceil(n / ncols)
    left, right, top, bottom = PANEL_PAD
    axes_w = max(AXES_SIZE[0], MIN_WIDTH / ncols - left - right)
    cell_w, cell_h = axes_w + left + right, AXES_SIZE[1] + top + bottom
    head = TITLE_HEIGHT if title else 0.1
    foot = LEGEND_HEIGHT if legend else 0.1
    width, height = cell_w * ncols, cell_h * nrows + head + foot
    fig = Figure(figsize=(width, height), dpi=DPI)
    grid = fig.add_gridspec(
        nrows,
        ncols,
        left=left / width,
        right=1 - right / width,
        top=1 - (head + top) / height,
        bottom=(foot + bottom) / height,
        wspace=(left + right) / axes_w,
        hspace=(top + bottom) / AXES_SIZE[1],
    )
    axes = [fig.add_subplot(grid[i // ncols, i % ncols]) for i in range(n)]
    return fig, axes


def _style_axis(ax: Any, values: Any = ()) -> None:
    ax.tick_params(labelsize=7)
    ax.grid(True, color="#e5e5e5", linewidth=0.6)
    ax.spines[["top", "right"]].set_visible(False)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=4))
    ax.yaxis.set_major_locator(MaxNLocator(nbins=4))
    finite = np.asarray(values, dtype=float)
    finite = finite[np.isfinite(finite)]
    if finite.size and np.abs(finite).max() >= 1000:
        ax.yaxis.set_major_formatter(StrMethodFormatter("{x:,.0f}"))


def _draw_observed(ax: Any, obs: pd.DataFrame) -> None:
    """Stated figures filled, derived ones hollow, joined by a thin line."""
    ax.plot(obs["year"], obs["value"], color=OBSERVED_COLOUR, linewidth=0.8, zorder=2)
    stated = obs[~obs["derived"].astype(bool)]
    derived = obs[obs["derived"].astype(bool)]
    ax.plot(stated["year"], stated["value"], linestyle="none", marker="o", markersize=4.2,
            color=OBSERVED_COLOUR, zorder=3)  # fmt: skip
    ax.plot(derived["year"], derived["value"], linestyle="none", marker="o", markersize=4.2,
            markerfacecolor="white", markeredgecolor=OBSERVED_COLOUR, markeredgewidth=1.0,
            zorder=3)  # fmt: skip


def _observed_legend() -> list[Any]:
    return [
        Line2D([], [], marker="o", color=OBSERVED_COLOUR, linewidth=0.8, markersize=4,
               label=_legend_label("公布数据", "stated figure")),
        Line2D([], [], marker="o", color=OBSERVED_COLOUR, linewidth=0, markersize=4,
               markerfacecolor="white", label=_legend_label("推算数据", "derived figure")),
    ]  # fmt: skip


def plot_series(
    dataset: Dataset, region: str, scope: Scope = Scope(), *, min_points: int = 2
) -> Figure | None:
    """Plot every indicator of a region with at least ``min_points`` figures, as sparklines.

    One cell per indicator: its name and unit, the series scaled to the cell's height (the
    shape of the trend; the exact figures are in the tables), stated figures filled and derived
    ones hollow, and the first and last figure written out with their years. Figures in
    ``scope`` (up to its as-of year, of its minimum grade or better). All cells share one Axes, so
    the figure stays fast with the city's thirty-odd indicators. None when no indicator
    qualifies.
    """
    fonts.configure_fonts()
    series = dataset.scoped_series(scope, region)
    counts = series.groupby("indicator")["year"].count()
    indicators = sorted(counts[counts >= min_points].index)
    if not indicators:
        return None
    names = indicator_names(dataset)
    ncols = max(1, min(NCOLS, len(indicators)))
    nrows = math.ceil(len(indicators) / ncols)
    head, foot, row_h, col_w = TITLE_HEIGHT + 0.1, LEGEND_HEIGHT, 1.25, 3.3
    width, height = col_w * ncols, row_h * nrows + head + foot
    fig = Figure(figsize=(width, height), dpi=DPI)
    ax = fig.add_axes((0.01, foot / height, 0.98, 1 - (head + foot) / height))
    ax.set_xlim(0, ncols)
    ax.set_ylim(nrows, 0)
    ax.set_axis_off()
    for i, indicator in enumerate(indicators):
        row, col = divmod(i, ncols)
        obs = series[series["indicator"] == indicator]
        _sparkline(ax, obs, col, row, _indicator_label(names, indicator, wrap=22),
                   _unit(names, indicator))  # fmt: skip
    zh, en = _region_names(dataset, region)
    fig.suptitle(_label(f"{zh}：各指标数据", f"{en}: figures by indicator"), fontsize=11)
    fig.legend(handles=_observed_legend(), loc="lower center", ncols=2, fontsize=8,
               frameon=False)  # fmt: skip
    return fig


def _sparkline(ax: Any, obs: pd.DataFrame, col: int, row: int, title: str, unit: str) -> None:
    """Draw one indicator in the cell (col, row) of a unit grid (y grows downwards)."""
    years = obs["year"].to_numpy(dtype=float)
    values = obs["value"].to_numpy(dtype=float)
    x0, x1 = col + 0.36, col + 0.95  # room on the left for the y-axis labels
    y_top, y_bottom = row + 0.42, row + 0.82  # the line's band; the title sits above
    span = years.max() - years.min()
    xs = x0 + (years - years.min()) / span * (x1 - x0) if span > 0 else np.full(years.size, x0)
    lo, hi = np.nanmin(values), np.nanmax(values)
    ys = y_bottom - (values - lo) / (hi - lo) * (y_bottom - y_top) if hi > lo else (
        np.full(values.size, (y_top + y_bottom) / 2))  # fmt: skip
    derived = obs["derived"].astype(bool).to_numpy()
    # Line2D markers rather than scatter collections: a third of the drawing time.
    ax.plot(xs, ys, color=OBSERVED_COLOUR, linewidth=1.0)
    ax.plot(xs[~derived], ys[~derived], linestyle="none", marker="o", markersize=3.8,
            color=OBSERVED_COLOUR)  # fmt: skip
    ax.plot(xs[derived], ys[derived], linestyle="none", marker="o", markersize=3.8,
            markerfacecolor="white", markeredgecolor=OBSERVED_COLOUR,
            markeredgewidth=1.0)  # fmt: skip
    ax.text(col + 0.03, row + 0.05, title, fontsize=7.5, va="top", ha="left")
    # axes: a y axis with the lowest and highest figure, an x axis with the first and last year
    axis = {"color": "#888888", "linewidth": 0.6}
    ax.plot([x0 - 0.02, x0 - 0.02], [y_top, y_bottom], **axis)
    ax.plot([x0 - 0.02, x1], [y_bottom + 0.02, y_bottom + 0.02], **axis)
    label = {"fontsize": 6.5, "color": "#333333"}
    unit_text = f" {unit}" if unit else ""
    ax.text(x0 - 0.03, y_top, f"{_fmt(hi)}{unit_text}", ha="right", va="center", **label)
    if hi > lo:
        ax.text(x0 - 0.03, y_bottom, _fmt(lo), ha="right", va="center", **label)
    ax.text(x0, y_bottom + 0.04, str(int(years.min())), ha="left", va="top", **label)
    ax.text(x1, y_bottom + 0.04, str(int(years.max())), ha="right", va="top", **label)
    ax.plot([col + 0.03, col + 0.97], [row + 0.97, row + 0.97], color="#e0e0e0", linewidth=0.6)


def _fmt(value: float) -> str:
    return fmt_number(value)


def _fit_for(obs: pd.DataFrame, kind: str | None, pools: dict) -> Forecast | None:
    """Refit the trend the assessment used (same model, same growth pools)."""
    try:
        return fit_assessment_trend(obs, kind, pools=pools)
    except ValueError:
        return None


def plot_forecasts(
    dataset: Dataset, assessment: pd.DataFrame, scope: Scope = Scope()
) -> Figure | None:
    """Plot each assessed target that has figures: data, trend, interval, target, path.

    Parameters
    ----------
    dataset : Dataset
        The dataset.
    assessment : pandas.DataFrame
        An assessment table (any regions).
    scope : Scope
        The assessment's scope: figures up to its as-of year, of its minimum grade or better;
        the drawn interval's level.

    Returns
    -------
    matplotlib.figure.Figure or None
        One panel per target with at least one figure, its frame in the status colour (a
        lean's lighter and dashed); the interval at every forecast year (a band, or an error bar
        where there is one year). None when no target has figures (see
        :func:`ipanalysis.report.needs.figures_needed`).
    """
    fonts.configure_fonts()
    targets = assessment[assessment["n_points"] > 0]
    if targets.empty:
        return None
    targets = targets.assign(_lean=(count_categories(targets) == "lean").to_numpy())
    series = dataset.scoped_series(scope)
    paths = required_paths(dataset, targets, scope)
    names = indicator_names(dataset)
    pools = estimate_pools(series, dataset.indicators)
    several_regions = targets["region"].nunique() > 1
    fig, axes = _grid(len(targets))
    intervals, any_path = set(), False
    for ax, rec in zip(axes, targets.to_dict("records"), strict=True):
        obs = series[
            (series["region"] == rec["region"]) & (series["indicator"] == rec["indicator"])
        ]
        kind = names.at[rec["indicator"], "kind"] if rec["indicator"] in names.index else None
        fit = _fit_for(obs, kind if isinstance(kind, str) else None, pools)
        settled = rec["status"] in SETTLED_STATUSES  # decided by a figure: no forecast to show
        trend, interval = _draw_trend(ax, fit, int(rec["target_year"]),
                                      None if settled else scope.interval_level)  # fmt: skip
        intervals.add(interval)
        drawn = [obs["value"], *trend]
        path = _path_to_draw(paths[paths["target_id"] == rec["target_id"]], rec)
        any_path = any_path or len(path) > 0
        drawn.append(path["required_value"])
        _draw_path(ax, path, rec["target_kind"])
        _draw_observed(ax, obs)
        drawn.append(_draw_target(ax, rec))
        region = _label(*_region_names(dataset, rec["region"])) if several_regions else None
        _finish_panel(ax, rec, obs, names, region, pd.concat(drawn, ignore_index=True))
    handles, labels = _forecast_legend(scope.interval_level, intervals, any_path)
    fig.legend(handles=handles, labels=labels, handler_map={tuple: HandlerTuple(ndivide=None)},
               loc="lower center", ncols=3, fontsize=8, frameon=False)  # fmt: skip
    if not several_regions:
        zh, en = _region_names(dataset, str(targets["region"].iloc[0]))
        fig.suptitle(_label(f"{zh}：目标与预测", f"{en}: targets and forecasts"), fontsize=11)
    return fig


def _draw_trend(
    ax: Any, fit: Forecast | None, target_year: int, level: float | None
) -> tuple[list, str | None]:
    """Draw the fitted trend to the target year and its interval at every forecast year.

    Returns what was drawn (for the axis) and how the interval was drawn: ``"band"`` (from
    the last figure, where it has no width, to the last forecast year), ``"bar"`` (an error
    bar: one forecast year) or None (also when ``level`` is None: a settled target).
    """
    if fit is None:
        return [], None
    years = np.arange(int(fit.years[0]), max(target_year, int(fit.years[-1])) + 1)
    pred = fit.predict(years, level=level or 0.8)
    ax.plot(pred["year"], pred["forecast"], color=TREND_COLOUR, linewidth=1.2, zorder=1)
    ahead = pred[np.isfinite(pred["lower"]) & np.isfinite(pred["upper"])]
    if level is None:
        ahead = ahead.iloc[0:0]
    if len(ahead) == 1:
        ax.errorbar(ahead["year"], ahead["forecast"],
                    yerr=[ahead["forecast"] - ahead["lower"], ahead["upper"] - ahead["forecast"]],
                    fmt="none", ecolor=TREND_COLOUR, elinewidth=1.4, capsize=4,
                    zorder=1)  # fmt: skip
        return [pred["forecast"], ahead["lower"], ahead["upper"]], "bar"
    if len(ahead) > 1:
        start = pred[pred["year"] == int(fit.last_year)]
        band = pd.concat([start.assign(lower=start["forecast"], upper=start["forecast"]), ahead])
        ax.fill_between(band["year"], band["lower"], band["upper"], color=TREND_COLOUR,
                        alpha=0.15, linewidth=0, zorder=0)  # fmt: skip
        return [pred["forecast"], ahead["lower"], ahead["upper"]], "band"
    return [pred["forecast"]], None


def _path_to_draw(path: pd.DataFrame, rec: dict) -> pd.DataFrame:
    """Return the required path to draw: none once settled, met, or when it would point back."""
    already_met = rec["target_kind"] in LEVEL_KINDS and path["required_value"].nunique() == 1
    if (
        rec["status"] in SETTLED_STATUSES
        or already_met  # assess.required_path: flat at the latest figure once it meets it
        or not path_points_forward(path, rec.get("comparator"))
    ):
        return path.iloc[0:0]  # settled, or already beaten: no path to follow any more
    return path


def _draw_path(ax: Any, path: pd.DataFrame, target_kind: str) -> None:
    """Draw the required path (dashed), or the one required value of a period target."""
    if len(path) > 1:
        ax.plot(path["year"], path["required_value"], color=REQUIRED_COLOUR, linestyle="--",
                linewidth=1.2, zorder=2)  # fmt: skip
    elif len(path) == 1 and target_kind not in LEVEL_KINDS:
        ax.plot(path["year"], path["required_value"], linestyle="none", marker="_",
                markersize=9, markeredgewidth=1.5, color=REQUIRED_COLOUR,
                zorder=2)  # fmt: skip


def _draw_target(ax: Any, rec: dict) -> pd.Series:
    """Draw a level target as a star (a range as a bar up to its top); return its value."""
    value, target_year = rec["target_value"], int(rec["target_year"])
    if rec["target_kind"] in LEVEL_KINDS and pd.notna(value):
        top = rec.get("target_value_max")
        if rec["target_kind"] == "range" and pd.notna(top):
            ax.vlines(target_year, value, top, color=TARGET_COLOUR, linewidth=3, zorder=4)
        ax.plot([target_year], [value], linestyle="none", marker="*", markersize=11,
                color=TARGET_COLOUR, zorder=4, clip_on=False)  # fmt: skip
    return pd.Series([value])


def _finish_panel(
    ax: Any, rec: dict, obs: pd.DataFrame, names: pd.DataFrame, region: str | None, drawn
) -> None:
    """Frame a panel in its status colour and title it (region, indicator, year, status, unit).

    A lean (倾向) is framed in the status's lighter shade, dashed, and says so in the title, as
    does a provisional (暂定) verdict.
    """
    target_year, status, lean = int(rec["target_year"]), rec["status"], bool(rec.get("_lean"))
    ax.set_xlim(min(float(obs["year"].min()), target_year) - 0.5, target_year + 0.5)
    colour = STATUS_COLOURS.get(status, "#999999")
    for spine in ax.spines.values():
        spine.set_edgecolor(lighter(colour) if lean else colour)
        spine.set_linewidth(2.5)
        spine.set_linestyle("--" if lean else "-")
    zh, en = STATUS_LABELS.get(status, (status, status))
    zh = f"倾向：{zh}" if lean else zh
    zh += "（暂定）" if rec.get("provisional") is True else ""
    title = _indicator_label(names, rec["indicator"])
    if region is not None:
        title = wrap_label(f"{region} · {title.replace(chr(10), '')}", 20)
    # A fixed title position: matplotlib's automatic one costs a layout pass per Axes.
    unit = _unit(names, rec["indicator"])  # in the title: horizontal, not a sideways label
    ax.set_title(f"{title}\n{target_year} · {_label(zh, en)}" + (f" · {unit}" if unit else ""),
                 fontsize=8, loc="left", y=1.0, pad=4)  # fmt: skip
    _style_axis(ax, drawn)
    ax.margins(y=0.12)  # room for the star above the highest point
    ax.spines[["top", "right"]].set_visible(True)


def _forecast_legend(level: float, intervals: set, any_path: bool) -> tuple[list, list]:
    """Return the legend's handles and labels (only for what is drawn somewhere).

    An interval drawn as a band in some panels and as an error bar in others gets one entry
    showing both.
    """
    handles = [
        *_observed_legend(),
        Line2D([], [], color=TREND_COLOUR, linewidth=1.2, label=_legend_label("趋势", "trend")),
        Line2D([], [], marker="*", color=TARGET_COLOUR, linewidth=0, markersize=9,
               label=_legend_label("目标", "target")),
    ]  # fmt: skip
    labels = [h.get_label() for h in handles]
    looks = []
    if "band" in intervals:
        looks.append(Patch(color=TREND_COLOUR, alpha=0.15))
    if "bar" in intervals:
        looks.append(Line2D([], [], color=TREND_COLOUR, marker="_", markersize=7, linewidth=1.4))
    if looks:  # no legend entry for an interval drawn nowhere
        handles.insert(3, tuple(looks) if len(looks) > 1 else looks[0])
        labels.insert(3, _legend_label(f"{level:.0%} 预测区间", f"{level:.0%} interval"))
    if any_path:
        handles.append(Line2D([], [], color=REQUIRED_COLOUR, linestyle="--"))
        labels.append(_legend_label("达标所需路径", "required path"))
    return handles, labels


def path_points_forward(path: pd.DataFrame, comparator: Any) -> bool:
    """Tell whether a required path asks for progress (not a fall to a target already beaten).

    For a "≥" target whose latest figure is already above the target, the path from that
    figure to the target goes down: drawing it would suggest the figure must fall. Likewise
    upwards for "≤" targets.

    Parameters
    ----------
    path : pandas.DataFrame
        ``year, required_value`` rows of one target (:func:`ipanalysis.report.required_paths`).
    comparator : str
        The target's comparator.

    Returns
    -------
    bool
        False when the path runs against the target's direction; True otherwise.
    """
    if len(path) < 2:
        return True
    first, last = float(path["required_value"].iloc[0]), float(path["required_value"].iloc[-1])
    if comparator == ">=":
        return last >= first
    if comparator == "<=":
        return last <= first
    return True


def plot_status_counts(
    assessment: pd.DataFrame, dataset: Dataset, *, regions: Sequence[str] | None = None
) -> Figure | None:
    """Plot how many targets each region has in each status (stacked horizontal bars).

    The leans (倾向) are a hatched segment of their own, not counted with the verdicts; regions
    without targets are left out (the overview names them under its counts).

    Parameters
    ----------
    assessment : pandas.DataFrame
        A :func:`ipanalysis.report.assessment_table` over several regions.
    dataset : Dataset
        For region names.
    regions : sequence of str, optional
        The regions assessed; default every reportable region.

    Returns
    -------
    matplotlib.figure.Figure or None
        The figure, its legend inside it; None when there are no targets.
    """
    fonts.configure_fonts()
    if assessment.empty:
        return None
    if regions is None:
        regions = reportable_region_ids(dataset.regions)
    counts = status_counts(assessment, by_region=True, regions=regions)
    counts = counts[counts["total"] > 0][list(COUNT_ORDER)].sort_index(ascending=False)
    height = 0.45 * len(counts) + 1.9
    fig = Figure(figsize=(8, height), dpi=DPI)
    ax = fig.subplots(
        gridspec_kw={"left": 0.22, "right": 0.97, "top": 1 - 0.45 / height, "bottom": 1.3 / height}
    )
    left = np.zeros(len(counts))
    labels = [_label(*_region_names(dataset, r)) for r in counts.index]
    for category in COUNT_ORDER:
        values = counts[category].to_numpy(dtype=float)
        lean = category == "lean"
        ax.barh(labels, values, left=left, color=COUNT_COLOURS[category],
                label=_legend_label(*COUNT_LABELS[category]), hatch="///" if lean else None,
                edgecolor="#8393a7" if lean else "white", linewidth=0.5)  # fmt: skip
        for y, (x0, v) in enumerate(zip(left, values, strict=True)):
            if v > 0:
                ax.text(x0 + v / 2, y, str(int(v)), ha="center", va="center", fontsize=8,
                        color=COUNT_TEXT_COLOURS[category],
                        bbox={"facecolor": "white", "alpha": 0.6, "linewidth": 0,
                              "pad": 0.5} if lean else None)  # fmt: skip
        left += values
    ax.set_xlabel(_label("目标数", "targets"), fontsize=9)
    ax.spines[["top", "right"]].set_visible(False)
    fig.legend(loc="lower center", ncols=4, fontsize=8, frameon=False,
               bbox_to_anchor=(0.5, 0.01))  # fmt: skip
    ax.set_title(_label("各地区目标状态", "Targets by status and region"), fontsize=11, loc="left",
                 y=1.0, pad=6)  # fmt: skip
    return fig
