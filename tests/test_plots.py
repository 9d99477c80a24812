"""Figures: what they draw, and that they are deterministic."""

import warnings

import matplotlib as mpl
import pytest
from matplotlib.figure import Figure

from ipanalysis import fonts, plots, report
from ipanalysis.dataset import load_dataset


@pytest.fixture
def mini(mini_data):
    return load_dataset(mini_data)


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
    if fonts.use_chinese():
        assert "每万人口高价值发明专利拥有量" in _texts(fig)


def test_forecast_figure_is_none_without_figures(mini):
    assessment = report.assessment_table(mini, regions=["tianjin"]).assign(n_points=0)
    assert plots.plot_forecasts(mini, assessment) is None
    shown = plots.show(None, empty="nothing")
    assert "nothing" in shown.data


def test_series_sparklines_one_per_indicator(mini):
    fig = plots.plot_series(mini, "tianjin")
    text = _texts(fig)
    # two indicators with two figures each (2024 stated, 2023 derived)
    assert text.count("2024: ") == 2
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
