"""Figures: what they draw, and that they are deterministic."""

import warnings

import matplotlib as mpl
import pytest
from matplotlib import cbook
from matplotlib.figure import Figure
from matplotlib.text import Text

from ipanalysis import plots, report
from ipanalysis.data.dataset import read_dataset
from ipanalysis.report import fonts
from tests.conftest import read_rows, write_table


@pytest.fixture
def mini(mini_data):
    return read_dataset(mini_data)


@pytest.fixture(autouse=True)
def strict():
    """No warning may be printed by a figure (nbval compares stderr)."""
    fonts.reset()
    with mpl.rc_context(), warnings.catch_warnings():
        warnings.simplefilter("error")
        yield
    fonts.reset()


def _texts(fig: Figure) -> str:
    found = [fig.get_suptitle()]
    for ax in fig.axes:
        found += [ax.get_title(loc="left"), *(t.get_text() for t in ax.texts)]
    found += [t.get_text() for legend in fig.legends for t in legend.get_texts()]
    return "\n".join(found)


def test_forecast_panel_draws_data_trend_target(mini):
    assessment = report.assessment_table(mini, regions=["tianjin"])
    fig = plots.plot_forecasts(mini, assessment)
    assert isinstance(fig, Figure)
    visible = [ax for ax in fig.axes if ax.get_visible()]
    assert len(visible) == 1  # one target with figures
    ax = visible[0]
    stars = [line for line in ax.lines if line.get_marker() == "*"]
    assert [tuple(s.get_xydata()[0]) for s in stars] == [(2025.0, 22.5)]  # the target
    assert "每万人口高价值发明专利拥有量" in _texts(fig)


def test_forecast_figure_is_none_without_figures(mini):
    assessment = report.assessment_table(mini, regions=["tianjin"]).assign(n_points=0)
    assert plots.plot_forecasts(mini, assessment) is None
    shown = plots.show(None, empty="nothing")
    assert "nothing" in shown.data


def test_series_sparklines_one_per_indicator(mini):
    fig = plots.plot_series(mini, "tianjin")
    text = _texts(fig)
    # two indicators with two figures each (2024 stated, 2023 derived): each cell has axes
    # labelled with its first and last year and its lowest and highest figure
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert texts.count("2024") == 2 and texts.count("2023") == 2
    assert sum("21.8" in t for t in texts) == 1 and "21.8" in text
    assert plots.plot_series(mini, "binhai") is None  # one figure only


def test_png_is_deterministic_without_software_metadata(mini):
    first = plots.figure_png(plots.plot_series(mini, "tianjin"))
    second = plots.figure_png(plots.plot_series(mini, "tianjin"))
    assert first == second
    assert first.startswith(b"\x89PNG")
    assert b"Software" not in first and b"matplotlib" not in first.lower()


def test_status_counts_figure(mini):
    assessment = report.assessment_table(mini)
    fig = plots.plot_status_counts(assessment, mini)
    assert len(fig.axes) == 1
    assert plots.plot_status_counts(assessment.iloc[0:0], mini) is None


def test_figures_are_not_pyplot_figures(mini):
    import matplotlib.pyplot as plt

    before = plt.get_fignums()
    plots.plot_series(mini, "tianjin")
    plots.plot_forecasts(mini, report.assessment_table(mini, regions=["tianjin"]))
    assert plt.get_fignums() == before  # nothing for the inline backend to show twice


def test_show_returns_png_image(mini):
    image = plots.show(plots.plot_series(mini, "tianjin"))
    assert image.format == "png"
    assert image.data.startswith(b"\x89PNG")


def test_required_path_never_points_against_the_target():
    import pandas as pd

    down = pd.DataFrame({"year": [2024, 2025], "required_value": [384.0, 300.0]})
    up = pd.DataFrame({"year": [2024, 2025], "required_value": [250.0, 300.0]})
    # Tianjin's patent-related contract value: 384亿 in 2024 against ≥ 300亿 for 2025
    assert not plots.path_points_forward(down, ">=")
    assert plots.path_points_forward(up, ">=")
    assert not plots.path_points_forward(up, "<=") and plots.path_points_forward(down, "<=")


def test_beaten_target_draws_no_downward_path_and_no_empty_legend_entries(mini):
    # a target far below the latest figure, still open: the path would go down
    mini.targets.loc[mini.targets["region"] == "tianjin", "value"] = 1.0
    assessment = report.assessment_table(mini, regions=["tianjin"])
    low = assessment.assign(target_value=1.0, status="on_track")
    fig = plots.plot_forecasts(mini, low)
    (ax,) = fig.axes
    assert not [line for line in ax.lines if line.get_linestyle() == "--"]
    legend = " ".join(t.get_text() for t in fig.legends[0].get_texts())
    assert "path" not in legend and "路径" not in legend
    if not ax.collections:  # two figures: no interval band drawn, so no legend entry for one
        assert "interval" not in legend and "预测区间" not in legend


def test_legend_is_bilingual(mini):
    assert plots._legend_label("趋势", "trend") == "趋势 trend"


def test_one_panel_figure_is_readable_width(mini):
    fig = plots.plot_forecasts(mini, report.assessment_table(mini, regions=["tianjin"]))
    assert fig.get_figwidth() * fig.dpi >= 600


def test_titles_wrap_at_word_boundaries():
    text = "patent micro-navigation projects for enterprise operation"
    lines = plots.wrap_label(text, 14).split("\n")
    assert all(len(line) <= 28 for line in lines)
    assert " ".join(lines) == text  # no word split
    assert plots.wrap_label("每万人口高价值发明专利拥有量", 7) == "每万人口高价值\n发明专利拥有量"


def test_target_star_is_not_clipped_and_unit_is_horizontal(mini):
    fig = plots.plot_forecasts(mini, report.assessment_table(mini, regions=["tianjin"]))
    (ax,) = fig.axes
    (star,) = [line for line in ax.lines if line.get_marker() == "*"]
    assert not star.get_clip_on()
    assert ax.get_ylabel() == ""  # the unit is in the title, not a sideways label


def test_dollar_signs_in_names_are_text_not_mathtext(mini_data):
    """$…$ in a name was read as mathtext on main: part of a chart title vanished."""
    for table, index, column, value in (
        ("regions", 1, "name_zh", "天津$市$"),
        ("regions", 0, "name_zh", "滨海$新$区"),
        ("indicators", 1, "name_zh", "每万人口$高$价值发明专利拥有量"),
        ("indicators", 1, "unit", "件$/$万人"),
    ):
        rows = read_rows(mini_data / f"{table}.csv")
        rows[index][column] = value
        write_table(mini_data / f"{table}.csv", rows)
    mini = read_dataset(mini_data)
    assessment = report.assessment_table(mini)
    figures = [
        plots.plot_series(mini, "tianjin"),
        plots.plot_forecasts(mini, assessment),
        plots.plot_status_counts(assessment, mini),
    ]
    shown = []
    for fig in figures:
        plots.figure_png(fig)  # draws every text: a mathtext parse would happen here
        texts = [t.get_text() for t in fig.findobj(Text)]
        texts += [t.get_text() for ax in fig.axes for t in ax.get_yticklabels()]
        with_dollar = [t for t in texts if "$" in t]
        assert with_dollar and not any(cbook.is_math_text(t) for t in with_dollar)
        shown += [t.replace(r"\$", "$") for t in with_dollar]  # what matplotlib displays
    shown = "\n".join(shown)
    for value in ("天津$市$", "每万人口$高$价值", "件$/$万人"):  # Binhai has nothing drawn
        assert value in shown.replace("\n", ""), value


# --- issue 19: the interval at every forecast year, legends inside, leans marked -------------


@pytest.fixture(scope="module")
def shipped():
    return read_dataset()


def _fit(dataset, indicator):
    from ipanalysis.model.damped import estimate_pools, fit_assessment_trend

    series = dataset.series()
    obs = series[(series["region"] == "tianjin") & (series["indicator"] == indicator)]
    return fit_assessment_trend(obs, "stock", pools=estimate_pools(series, dataset.indicators))


@pytest.mark.parametrize("ahead, drawn", [(1, "bar"), (3, "band")])
def test_the_interval_is_drawn_at_every_forecast_year(shipped, ahead, drawn):
    # issue 19: a one-year-ahead band was NaN but at one year, so nothing was filled
    fit = _fit(shipped, "valid_invention_patents")
    ax = Figure().subplots()
    values, how = plots._draw_trend(ax, fit, int(fit.last_year) + ahead, 0.8)
    assert how == drawn and len(ax.collections) == 1
    if drawn == "band":  # from the last figure (no width there) to the target year
        (band,) = ax.collections
        xs = band.get_paths()[0].vertices[:, 0]
        assert xs.min() == fit.last_year and xs.max() == fit.last_year + ahead
    assert max(values[-1]) > fit.values[-1]  # the upper end is part of the axis range


@pytest.mark.parametrize("region", ["tianjin", "binhai"])
def test_every_one_year_ahead_panel_shows_its_interval(shipped, region):
    assessment = report.assessment_table(shipped, regions=[region])
    fig = plots.plot_forecasts(shipped, assessment)
    shown = assessment[assessment["n_points"] > 0].reset_index(drop=True)
    one_year = (shown["target_year"] - shown["latest_year"]) == 1
    settled = shown["status"].isin(["achieved", "missed"])
    assert (one_year & ~settled).any()
    for i in shown.index:
        drawn = bool(fig.axes[i].collections)  # the error bar
        if settled[i]:  # decided by a figure: no forecast interval any more
            assert not drawn, shown.at[i, "target_id"]
        elif one_year[i]:
            assert drawn, shown.at[i, "target_id"]


def _inside(fig):
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    renderer = FigureCanvasAgg(fig).get_renderer()
    box = fig.bbox
    for legend in fig.legends:
        extent = legend.get_window_extent(renderer)
        assert extent.x0 >= box.x0 and extent.x1 <= box.x1, (extent, box)
        assert extent.y0 >= box.y0 and extent.y1 <= box.y1, (extent, box)
    return True


def test_legends_are_inside_their_figures(shipped):
    # issue 19: the overview-status legend was clipped at both ends
    everything = report.assessment_table(shipped)
    assert _inside(plots.plot_status_counts(everything, shipped))
    tianjin = everything[everything["region"] == "tianjin"]
    assert _inside(plots.plot_forecasts(shipped, tianjin))


def test_a_lean_panel_is_framed_dashed_and_says_so(shipped):
    assessment = report.assessment_table(shipped, regions=["tianjin"])
    fig = plots.plot_forecasts(shipped, assessment)
    shown = assessment[assessment["n_points"] > 0].reset_index(drop=True)
    leans = shown.index[shown["evidence"] == "indicative"]
    assert len(leans)
    for i in leans:
        ax = fig.axes[i]
        assert "倾向：" in ax.get_title(loc="left")
        assert ax.spines["left"].get_linestyle() == "--"
