"""Make the CJK font the package ships: a subset of Noto Sans CJK SC Regular (SIL OFL 1.1).

The figures must show Chinese on any machine, whatever fonts it has, so the package carries
its own font (``ipanalysis/assets/fonts/``) and :mod:`ipanalysis.report.fonts` registers that file
with matplotlib directly. The full Noto Sans CJK SC is 16 MB per weight; this script keeps
only the characters the reports can need, giving a file of about 1 MB:

- every character in the data tables (``data/*.csv``), the notebooks (``notebooks/*.ipynb``)
  and the package's source (``ipanalysis/**/*.py``: labels, notes, headings);
- the 3,755 level-1 hanzi of GB 2312 (常用汉字, bytes 0xB0A1-0xD7F9 of the ``gb2312`` codec),
  standing in for the 3,500 characters of level 1 of 通用规范汉字表 (2013), whose list is not
  part of Python or of any package used here (GB 2312 level 1 is the older common-use list);
- GB 2312 rows 1 and 3 (general punctuation and symbols, full-width ASCII), printable ASCII,
  Latin-1, general punctuation, the minus sign U+2212 and the CJK symbols and punctuation
  block, so numbers, units and tick labels never fall back to another font.

The subset is renamed (family ``ipanalysis Sans SC``, as the OFL asks of a modified
version, and so matplotlib can never confuse it with an installed Noto Sans CJK SC), keeps
the original copyright and licence strings in its name table, and is written together with
``OFL.txt`` (the copyright line and the licence text) and ``SOURCE.txt`` (what it was made
from, with which fontTools, and how many characters it covers). Output is deterministic: the
same source font, repository text and fontTools version give the same bytes (``head.modified``
is kept from the source font).

Source font: the ``Noto Sans CJK SC`` face of ``NotoSansCJK-Regular.ttc`` (Debian's
``fonts-noto-cjk``: ``apt-get install fonts-noto-cjk``), found among the installed fonts, or
any ``NotoSansCJK-Regular.ttc``/``NotoSansCJKsc-Regular.otf`` from
https://github.com/notofonts/noto-cjk given with ``--source``. The licence text of ``OFL.txt``
is kept (only its copyright line is refreshed) unless ``--license`` names a file with it.

Usage::

    python scripts/subset_font.py [--source FONT] [--license FILE] [--check]

``--check`` rebuilds into memory and exits 1 if the committed font differs (or lacks a
character the repository now uses), without writing anything.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import sys
from pathlib import Path

import fontTools
from fontTools import subset
from fontTools.ttLib import TTCollection, TTFont

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ipanalysis.report import fonts  # noqa: E402

#: File names the source font goes by (Debian's fonts-noto-cjk, the upstream OTF, Noto Sans SC).
SOURCE_NAMES = ("NotoSansCJK-Regular.ttc", "NotoSansCJKsc-Regular.otf", "NotoSansSC-Regular.otf")
SOURCE_FAMILY = "Noto Sans CJK SC"
#: OpenType features kept: those HarfBuzz applies to horizontal text by default (matplotlib
#: 3.11 shapes text with libraqm/HarfBuzz, so dropping ``kern`` would move glyphs), except
#: ``locl``: its Japanese/Korean/Traditional forms would triple the file, and without it no
#: locale or ``text.language`` can swap a glyph's form.
LAYOUT_FEATURES = (
    "abvm", "blwm", "calt", "ccmp", "clig", "curs", "dist", "kern", "liga", "ltra", "ltrm",
    "mark", "mkmk", "rclt", "rlig", "rvrn",
)  # fmt: skip
#: Name-table entries kept (copyright, names, version, licence, typographic names).
NAME_IDS = (0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 13, 14, 16, 17)


def gb2312_chars(first_row: int, last_row: int) -> set[str]:
    """Return the characters of GB 2312 rows ``first_row``..``last_row`` (1-94).

    Row r, cell c is the byte pair (0xA0 + r, 0xA0 + c); level-1 hanzi are rows 16-55
    (0xB0A1-0xD7F9, 3,755 characters), general symbols row 1, full-width ASCII row 3.
    """
    found: set[str] = set()
    for row in range(first_row, last_row + 1):
        for cell in range(1, 95):
            try:
                found.add(bytes((0xA0 + row, 0xA0 + cell)).decode("gb2312"))
            except UnicodeDecodeError:  # unassigned cell
                continue
    return found


def repository_chars(root: Path) -> set[str]:
    """Return every character in the data tables, the notebooks and the package source."""
    files = [
        *sorted((root / "data").glob("*.csv")),
        *sorted((root / "notebooks").glob("*.ipynb")),
        *sorted((root / "ipanalysis").rglob("*.py")),
    ]
    text = "".join(f.read_text(encoding="utf-8") for f in files)
    if any(f.suffix == ".ipynb" for f in files):  # JSON escapes: read the decoded strings too
        text += "".join(
            json.dumps(json.loads(f.read_text(encoding="utf-8")), ensure_ascii=False)
            for f in files
            if f.suffix == ".ipynb"
        )
    return set(text)


def wanted_chars(root: Path) -> set[str]:
    """Return the characters the subset must contain (see the module docstring)."""
    ranges = [
        (0x20, 0x7E),  # printable ASCII
        (0xA0, 0xFF),  # Latin-1 (°, ±, ×, ·)
        (0x2010, 0x205E),  # general punctuation (dashes, quotes, ‰, …)
        (0x2212, 0x2212),  # minus sign, used by matplotlib's tick labels
        (0x3000, 0x303F),  # CJK symbols and punctuation
        (0xFF01, 0xFF5E),  # full-width ASCII
    ]
    chars = {chr(cp) for lo, hi in ranges for cp in range(lo, hi + 1)}
    chars |= gb2312_chars(16, 55) | gb2312_chars(1, 1) | gb2312_chars(3, 3)
    chars |= repository_chars(root)
    return {ch for ch in chars if ch.isprintable() and not ch.isspace() or ch == " "}


def load_source(path: Path) -> TTFont:
    """Return the ``Noto Sans CJK SC`` face of a collection, or the font file itself."""
    if path.suffix.lower() == ".ttc":
        for face in TTCollection(path, lazy=False).fonts:
            if face["name"].getBestFamilyName() == SOURCE_FAMILY:
                return face
        raise SystemExit(f"{path}: no face named {SOURCE_FAMILY!r}")
    return TTFont(path, recalcTimestamp=False)


def rename(font: TTFont) -> None:
    """Give the subset its own family name (the OFL's rule for modified versions)."""
    family, style = fonts.BUNDLED_FAMILY, "Regular"
    version = font["name"].getDebugName(5) or ""
    postscript = family.replace(" ", "") + "-" + style
    names = {
        1: family,
        2: style,
        3: f"{postscript};{version.split(';')[0]};subset",
        4: f"{family} {style}",
        6: postscript,
        16: family,
        17: style,
    }
    table = font["name"]
    table.names = [n for n in table.names if n.nameID in NAME_IDS and n.nameID not in names]
    for name_id, text in names.items():
        table.setName(text, name_id, 3, 1, 0x409)  # Windows, Unicode BMP, English (US)
    if "CFF " in font:  # the CFF table carries its own copy of the PostScript names
        cff = font["CFF "].cff
        cff.fontNames = [postscript]
        top = cff.topDictIndex[0]
        top.FullName, top.FamilyName = names[4], family


def build(source: Path, root: Path) -> tuple[bytes, set[str], set[str]]:
    """Return the subset's bytes, the characters it covers and the repository's it lacks."""
    font = load_source(source)
    chars = wanted_chars(root)
    cmap = font.getBestCmap()
    lacking = {ch for ch in chars if ord(ch) not in cmap}  # blocks are covered in part
    options = subset.Options()
    options.layout_features = list(LAYOUT_FEATURES)
    options.name_IDs = list(NAME_IDS)
    options.name_languages = [0x409]
    options.notdef_outline = True
    options.recalc_timestamp = False
    subsetter = subset.Subsetter(options=options)
    subsetter.populate(unicodes=sorted(ord(ch) for ch in chars - lacking))
    subsetter.subset(font)
    rename(font)
    buffer = io.BytesIO()
    font.recalcTimestamp = False
    font.save(buffer)
    return buffer.getvalue(), chars - lacking, lacking & repository_chars(root)


def license_text(font_bytes: bytes, license_source: Path) -> str:
    """Return OFL.txt: the font's copyright line, then the SIL OFL 1.1 text."""
    copyright_line = TTFont(io.BytesIO(font_bytes))["name"].getDebugName(0)
    text = license_source.read_text(encoding="utf-8")
    stanzas = [st for st in text.split("\n\n") if st.startswith("License: SIL-1.1\n")]
    if stanzas:  # a Debian copyright file: the indented licence stanza
        lines = stanzas[-1].splitlines()[1:]
        text = "\n".join("" if line.strip() == "." else line[1:] for line in lines)
    body = text[text.find("-" * 20) :].strip() if "-" * 20 in text else text.strip()
    if "SIL OPEN FONT LICENSE" not in body:
        raise SystemExit(f"{license_source}: no SIL-1.1 licence text found")
    return (
        f"{copyright_line} (upstream: with Reserved Font Name 'Source', not used here)\n\n"
        f"This Font Software is licensed under the SIL Open Font License, Version 1.1.\n\n{body}\n"
    )


def find_source() -> Path | None:
    """Return an installed Noto Sans CJK (SC) Regular file, found by matplotlib's font search."""
    from matplotlib import font_manager

    found = {Path(f).name: Path(f) for f in font_manager.findSystemFonts(fontext="otf")}
    found |= {Path(f).name: Path(f) for f in font_manager.findSystemFonts(fontext="ttc")}
    return next((found[name] for name in SOURCE_NAMES if name in found), None)


def source_text(source: Path, font_bytes: bytes, covered: set[str], lacking: set[str]) -> str:
    """Return SOURCE.txt: where the font came from and what it covers."""
    original = load_source(source)
    hanzi = sum("\u4e00" <= ch <= "\u9fff" for ch in covered)
    return (
        f"{fonts.BUNDLED_FAMILY}: a subset of {SOURCE_FAMILY} Regular "
        f"({original['name'].getDebugName(5)}), source file {source.name}.\n"
        f"Made by scripts/subset_font.py with fontTools {fontTools.version}.\n"
        f"Characters: {len(covered)} ({hanzi} hanzi): GB 2312 level 1 (3,755 hanzi), GB 2312 "
        "rows 1 and 3, ASCII, Latin-1, punctuation, and every character of data/*.csv, "
        "notebooks/*.ipynb and ipanalysis/**/*.py.\n"
        f"Used in the repository but not in the source font: {''.join(sorted(lacking)) or 'none'}"
        " (matplotlib draws these with its own DejaVu Sans)\n"
        f"OpenType features kept: {' '.join(LAYOUT_FEATURES)} (HarfBuzz's defaults but locl).\n"
        f"sha256: {hashlib.sha256(font_bytes).hexdigest()}\n"
        "Licence: SIL Open Font License 1.1, see OFL.txt. Renamed as a Modified Version.\n"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", type=Path, help="default: an installed Noto Sans CJK")
    parser.add_argument(
        "--license",
        type=Path,
        help="file with the OFL text (upstream LICENSE or Debian's copyright file); "
        "default: keep the committed OFL.txt, updating nothing but its copyright line",
    )
    parser.add_argument("--check", action="store_true", help="compare, write nothing")
    args = parser.parse_args(argv)
    args.source = args.source or find_source()
    if args.source is None or not args.source.exists():
        print(
            f"Source font not found ({args.source or 'no Noto Sans CJK installed'}). Install it "
            "(Debian: apt-get install fonts-noto-cjk) or pass --source "
            "(NotoSansCJK-Regular.ttc or NotoSansCJKsc-Regular.otf from "
            "https://github.com/notofonts/noto-cjk).",
            file=sys.stderr,
        )
        return 2
    font_bytes, covered, lacking = build(args.source, ROOT)
    target = fonts.bundled_font_path()
    if args.check:
        same = target.exists() and target.read_bytes() == font_bytes
        print(f"{target.name}: {'up to date' if same else 'differs: run without --check'}")
        return 0 if same else 1
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(font_bytes)
    ofl = target.parent / "OFL.txt"
    ofl.write_text(license_text(font_bytes, args.license or ofl), "utf-8")
    (target.parent / "SOURCE.txt").write_text(
        source_text(args.source, font_bytes, covered, lacking), "utf-8"
    )
    print(f"wrote {target.relative_to(ROOT)}: {len(font_bytes):,} bytes, {len(covered)} chars")
    if lacking:
        print(f"used in the repository, not in the source font: {''.join(sorted(lacking))}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
