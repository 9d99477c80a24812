"""Chinese glyphs in figures: the CJK font lookup, and the English fallback (monkeypatched)."""

import io
import logging
import warnings

import matplotlib as mpl
import pytest
from matplotlib.figure import Figure

from ipanalysis import fonts

PROBE = set(map(ord, "每万人口高价值发明专利拥有量"))


@pytest.fixture(autouse=True)
def fresh_fonts():
    """Each test looks for fonts afresh and leaves matplotlib's settings as they were."""
    fonts.reset()
    with mpl.rc_context():
        yield
    fonts.reset()


def _fake_fonts(monkeypatch, installed: dict[str, set[int]]):
    """Pretend exactly ``installed`` (family -> code points) is on the machine."""
    monkeypatch.setattr(fonts, "available_font_names", lambda: set(installed))
    monkeypatch.setattr(fonts, "_font_path", lambda family: f"/fonts/{family}.ttf")
    by_path = {f"/fonts/{family}.ttf": frozenset(cps) for family, cps in installed.items()}
    monkeypatch.setattr(fonts, "_charmap", lambda path: by_path[path])


def test_preference_list_covers_linux_windows_and_macos():
    prefs = fonts.CJK_FONT_PREFERENCES
    for family in ("Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC",
                   "SimHei", "WenQuanYi Micro Hei"):  # fmt: skip
        assert family in prefs
    assert prefs[0] == "Noto Sans CJK SC"


def test_first_installed_preference_wins(monkeypatch):
    _fake_fonts(monkeypatch, {"SimHei": PROBE, "Microsoft YaHei": PROBE | {0x2212}})
    choice = fonts.configure_fonts()
    assert choice.family == "Microsoft YaHei"
    assert choice.chinese
    assert mpl.rcParams["font.sans-serif"][0] == "Microsoft YaHei"
    assert mpl.rcParams["axes.unicode_minus"] is True
    assert fonts.label("有效专利", "valid patents") == "有效专利"
    assert fonts.label("有效专利", "valid patents", both=True) == "有效专利\nvalid patents"


def test_font_without_chinese_glyphs_is_skipped(monkeypatch):
    _fake_fonts(monkeypatch, {"Noto Sans CJK SC": set(range(128)), "SimHei": PROBE})
    assert fonts.find_cjk_font() == "SimHei"


def test_simhei_lacks_unicode_minus(monkeypatch):
    _fake_fonts(monkeypatch, {"SimHei": PROBE})  # no U+2212
    choice = fonts.configure_fonts()
    assert choice.family == "SimHei"
    assert mpl.rcParams["axes.unicode_minus"] is False
    assert not choice.unicode_minus


def test_no_cjk_font_falls_back_to_english_and_says_so_once(monkeypatch, caplog):
    _fake_fonts(monkeypatch, {"DejaVu Sans": set(range(0x250))})
    with caplog.at_level(logging.WARNING, logger="ipanalysis.fonts"):
        choice = fonts.configure_fonts()
        fonts.configure_fonts()
        assert fonts.label("有效专利", "valid patents") == "valid patents"
        assert not fonts.use_chinese()
    assert choice.family is None and not choice.chinese
    notices = [r for r in caplog.records if r.name == "ipanalysis.fonts"]
    assert len(notices) == 1
    assert "English labels" in notices[0].getMessage()


def test_this_machine_renders_chinese_without_missing_glyphs():
    choice = fonts.configure_fonts()
    if not choice.chinese:
        pytest.skip("no CJK font installed here (the fallback is tested above)")
    fig = Figure()
    ax = fig.subplots()
    ax.plot([-1, 1], [-2, 2])  # negative tick labels: U+2212 or a hyphen, never a box
    ax.set_title("每万人口高价值发明专利拥有量 件/万人")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "Glyph ... missing from font(s)" would raise
        fig.savefig(io.BytesIO(), format="png")
