"""Chinese glyphs in figures: pick a CJK font, or fall back to English labels.

matplotlib's default font (DejaVu Sans) has no CJK glyphs, so a figure titled
每万人口高价值发明专利拥有量 renders boxes and warns "Glyph … missing from font(s)". This module
looks for an installed CJK font from a preference list that covers the usual Linux, Windows and
macOS families, puts it first in ``font.sans-serif`` and, when the font lacks U+2212 (SimHei
does), sets ``axes.unicode_minus = False``. When no CJK font is installed, figures use the
English names instead (:func:`label` returns ``en``) and a single notice says so.

Examples
--------
>>> from ipanalysis import fonts
>>> choice = fonts.configure_fonts()
>>> fonts.label("有效发明专利", "valid invention patents")  # doctest: +SKIP
'有效发明专利'
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import lru_cache

import matplotlib as mpl
from matplotlib import font_manager

logger = logging.getLogger(__name__)

#: Font families tried in order. Simplified-Chinese families first; Linux (Noto / Source Han,
#: WenQuanYi), Windows (Microsoft YaHei, DengXian, SimHei, SimSun) and macOS (PingFang,
#: Hiragino, Heiti, STHeiti, Songti) families all appear; the Japanese and Traditional
#: variants of the pan-CJK families cover the same hanzi and come last.
CJK_FONT_PREFERENCES: tuple[str, ...] = (
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "Noto Sans SC",
    "Source Han Sans CN",
    "Microsoft YaHei",
    "Microsoft YaHei UI",
    "PingFang SC",
    "Hiragino Sans GB",
    "Heiti SC",
    "STHeiti",
    "DengXian",
    "SimHei",
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "Sarasa Gothic SC",
    "Noto Sans CJK TC",
    "Noto Sans CJK JP",
    "Source Han Sans",
    "Songti SC",
    "SimSun",
    "Noto Serif CJK SC",
    "AR PL UMing CN",
)

#: Characters every chosen font must have (a probe for "really covers Chinese").
_PROBE = "每万人口高价值发明专利拥有量"
_MINUS = 0x2212

FALLBACK_NOTICE = (
    "No CJK font found (tried: {tried}); figures use English labels. "
    "Install one, e.g. `apt install fonts-noto-cjk`, then delete matplotlib's font cache "
    "({cachedir}) so it is rebuilt. / 未找到中文字体，图中使用英文标签。"
)


@dataclass(frozen=True)
class FontChoice:
    """The outcome of :func:`configure_fonts`.

    Attributes
    ----------
    family : str or None
        The CJK family put first in ``font.sans-serif``; None when none was found.
    path : str or None
        The font file matplotlib resolved the family to.
    unicode_minus : bool
        The value given to ``axes.unicode_minus`` (False when the font lacks U+2212).
    """

    family: str | None
    path: str | None
    unicode_minus: bool

    @property
    def chinese(self) -> bool:
        """Whether figures can carry Chinese labels."""
        return self.family is not None


def available_font_names() -> set[str]:
    """Return the family names matplotlib's font manager knows about.

    Returns
    -------
    set of str
        Family names of every font in ``matplotlib.font_manager.fontManager``.
    """
    return {entry.name for entry in font_manager.fontManager.ttflist}


def _font_path(family: str) -> str | None:
    """Return the file matplotlib uses for ``family``, or None if it would fall back."""
    try:
        return font_manager.findfont(
            font_manager.FontProperties(family=family), fallback_to_default=False
        )
    except ValueError:
        return None


@lru_cache(maxsize=16)
def _charmap(path: str) -> frozenset[int]:
    """Return the code points the font file at ``path`` maps to glyphs."""
    from matplotlib.ft2font import FT2Font

    return frozenset(FT2Font(path).get_charmap())


def _has_glyph(path: str, codepoint: int) -> bool:
    """Return whether the font file at ``path`` has a glyph for ``codepoint``."""
    try:
        return codepoint in _charmap(path)
    except (OSError, RuntimeError):
        return False


def find_cjk_font(preferences: tuple[str, ...] = CJK_FONT_PREFERENCES) -> str | None:
    """Return the first installed family of ``preferences`` that has Chinese glyphs.

    Parameters
    ----------
    preferences : tuple of str
        Family names in order of preference.

    Returns
    -------
    str or None
        The family name, or None when none of them is installed.
    """
    installed = available_font_names()
    for family in preferences:
        if family not in installed:
            continue
        path = _font_path(family)
        if path is None:
            continue
        try:
            charmap = _charmap(path)
        except (OSError, RuntimeError):  # unreadable font file: try the next family
            continue
        if all(ord(ch) in charmap for ch in _PROBE):
            return family
    return None


_choice: FontChoice | None = None
_notified = False


def configure_fonts(rebuild_cache: bool = False) -> FontChoice:
    """Set matplotlib's rcParams so figures render Chinese, once per process.

    Parameters
    ----------
    rebuild_cache : bool
        Rebuild matplotlib's font list first (needed once after a font is installed while
        matplotlib's cache predates it).

    Returns
    -------
    FontChoice
        The family chosen (None: figures use English labels; a notice has been logged).
    """
    global _choice
    if _choice is not None and not rebuild_cache:
        return _choice
    if rebuild_cache:
        font_manager.fontManager = font_manager._load_fontmanager(try_read_cache=False)
    family = find_cjk_font()
    if family is None:
        _notify_fallback()
        mpl.rcParams["axes.unicode_minus"] = True
        _choice = FontChoice(family=None, path=None, unicode_minus=True)
        return _choice
    path = _font_path(family)
    has_minus = path is not None and _has_glyph(path, _MINUS)
    sans = [family] + [name for name in mpl.rcParams["font.sans-serif"] if name != family]
    mpl.rcParams["font.sans-serif"] = sans
    mpl.rcParams["font.family"] = ["sans-serif"]
    mpl.rcParams["axes.unicode_minus"] = has_minus
    _choice = FontChoice(
        family=family, path=None if path is None else str(path), unicode_minus=has_minus
    )
    return _choice


def _notify_fallback() -> None:
    """Log the English-labels notice, once per process."""
    global _notified
    if _notified:
        return
    _notified = True
    logger.warning(
        FALLBACK_NOTICE.format(
            tried=", ".join(CJK_FONT_PREFERENCES[:6]) + ", …", cachedir=mpl.get_cachedir()
        )
    )


def use_chinese() -> bool:
    """Return whether figure labels should be Chinese (a CJK font is available).

    Returns
    -------
    bool
        True when :func:`configure_fonts` found a CJK font.
    """
    return configure_fonts().chinese


def label(zh: str, en: str, *, both: bool = False) -> str:
    """Return the label to put in a figure.

    Parameters
    ----------
    zh, en : str
        The Chinese and English texts.
    both : bool
        With a CJK font, return Chinese, a newline, then English, instead of ``zh`` alone.

    Returns
    -------
    str
        Chinese (and English) when a CJK font is available, otherwise English.
    """
    if not use_chinese():
        return en
    if both and en and en != zh:
        return f"{zh}\n{en}"
    return zh


def reset() -> None:
    """Forget the choice and the notice, so :func:`configure_fonts` looks again (tests)."""
    global _choice, _notified
    _choice = None
    _notified = False
