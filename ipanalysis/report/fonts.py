"""Chinese glyphs in figures: the CJK font that ships with the package.

matplotlib's default font (DejaVu Sans) has no CJK glyphs, so a figure titled
每万人口高价值发明专利拥有量 would render boxes. Rather than look for whatever CJK font a
machine happens to have (which made figures differ between machines, and a font cache built
before a font was installed hid it), the package carries its own: ``ipanalysis Sans SC``, a
subset of Noto Sans CJK SC Regular (SIL Open Font License 1.1) in ``assets/fonts/``, made by
``scripts/subset_font.py``. :func:`configure_fonts` registers that file with matplotlib's
font manager directly (no system font, no font cache involved) and makes it the sans-serif
font, with matplotlib's own DejaVu Sans behind it for any glyph it lacks.
:func:`missing_glyphs` says which characters of a text the subset does not cover
(``ipanalysis validate`` checks the data's names with it).

Examples
--------
>>> from ipanalysis import fonts
>>> fonts.configure_fonts().family
'ipanalysis Sans SC'
>>> fonts.label("有效发明专利", "valid invention patents")
'有效发明专利'
>>> fonts.missing_glyphs(["专利 2025", "\U0002a6a5"])
['\U0002a6a5']
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import matplotlib as mpl
from matplotlib import font_manager

#: Family name of the bundled font (renamed from Noto Sans CJK SC, as the OFL asks of subsets).
BUNDLED_FAMILY = "ipanalysis Sans SC"
#: The bundled font file, inside the package (``ipanalysis/assets/fonts/``).
BUNDLED_FILE = "ipanalysis-sans-sc.otf"
#: matplotlib's own font, used for any glyph the bundled font lacks.
FALLBACK_FAMILY = "DejaVu Sans"
#: How to rebuild the subset when the data needs characters it lacks.
REGENERATE_HINT = "python scripts/subset_font.py"


@dataclass(frozen=True)
class FontChoice:
    """The outcome of :func:`configure_fonts`.

    Attributes
    ----------
    family : str
        The family put first in ``font.sans-serif`` (:data:`BUNDLED_FAMILY`).
    path : str
        The bundled font file registered with matplotlib.
    unicode_minus : bool
        The value given to ``axes.unicode_minus`` (True: the font has U+2212).
    """

    family: str
    path: str
    unicode_minus: bool


def bundled_font_path() -> Path:
    """Return the path of the font file that ships with the package.

    Returns
    -------
    pathlib.Path
        ``ipanalysis/assets/fonts/ipanalysis-sans-sc.otf`` in the installed package.
    """
    return Path(str(resources.files("ipanalysis").joinpath("assets", "fonts", BUNDLED_FILE)))


@lru_cache(maxsize=4)
def _charmap(path: str) -> frozenset[int]:
    """Return the code points the font file at ``path`` maps to glyphs."""
    from matplotlib.ft2font import FT2Font

    return frozenset(FT2Font(path).get_charmap())


def _checked_font_path() -> Path:
    """Return the bundled font's path, or raise a clear error when the file is missing."""
    path = bundled_font_path()
    if not path.is_file():
        raise FileNotFoundError(
            f"The bundled CJK font {path} is missing: reinstall the package "
            f"(pip install -e .) or rebuild it with `{REGENERATE_HINT}`."
        )
    return path


_choice: FontChoice | None = None


def configure_fonts() -> FontChoice:
    """Register the bundled font with matplotlib and make it the figures' font.

    The file is added to ``matplotlib.font_manager.fontManager`` (once per font manager), put
    first in ``font.sans-serif`` with matplotlib's DejaVu Sans behind it, and
    ``font.family`` is set to sans-serif. Safe to call often: the work is done once per
    process (again after :func:`reset` or when matplotlib's font manager was replaced).

    Returns
    -------
    FontChoice
        The family, the file and the ``axes.unicode_minus`` setting.

    Raises
    ------
    FileNotFoundError
        When the bundled font file is missing from the installed package.
    """
    global _choice
    path = _checked_font_path()
    manager = font_manager.fontManager
    if not any(Path(entry.fname) == path for entry in manager.ttflist):
        manager.addfont(str(path))
    unicode_minus = 0x2212 in _charmap(str(path))
    mpl.rcParams["font.sans-serif"] = [BUNDLED_FAMILY, FALLBACK_FAMILY]
    mpl.rcParams["font.family"] = ["sans-serif"]
    mpl.rcParams["axes.unicode_minus"] = unicode_minus
    if _choice is None:
        _choice = FontChoice(family=BUNDLED_FAMILY, path=str(path), unicode_minus=unicode_minus)
    return _choice


def missing_glyphs(texts: Iterable[str]) -> list[str]:
    """Return the characters of ``texts`` that the bundled font has no glyph for.

    Whitespace and control characters are ignored (they draw nothing).

    Parameters
    ----------
    texts : iterable of str
        Texts that may appear in figures (names, units, labels); non-strings are skipped.

    Returns
    -------
    list of str
        The missing characters, each once, sorted by code point; empty when all are covered.
    """
    covered = _charmap(str(_checked_font_path()))
    found = {ch for text in texts if isinstance(text, str) for ch in text}
    return sorted(
        ch for ch in found if ch.isprintable() and not ch.isspace() and ord(ch) not in covered
    )


def label(zh: str, en: str, *, both: bool = False) -> str:
    """Return the label to put in a figure.

    Parameters
    ----------
    zh, en : str
        The Chinese and English texts.
    both : bool
        Return Chinese, a newline, then English, instead of ``zh`` alone.

    Returns
    -------
    str
        The Chinese label (and the English one below it with ``both``).
    """
    if both and en and en != zh:
        return f"{zh}\n{en}"
    return zh


def reset() -> None:
    """Forget the choice, so :func:`configure_fonts` sets rcParams afresh (tests)."""
    global _choice
    _choice = None
