"""The bundled CJK font: registered directly, used for every glyph, and figures byte-identical."""

import hashlib
import io
import os
import subprocess
import sys
import tempfile
import warnings
import zlib
from pathlib import Path

import matplotlib as mpl
import pytest
from matplotlib import font_manager
from matplotlib.figure import Figure
from PIL import Image

from ipanalysis import plots
from ipanalysis.report import fonts

PROBE = "每万人口高价值发明专利拥有量 件/万人"

#: sha256 of the PNG bytes of :func:`render_probe` (and of its RGBA pixels, to tell a
#: rendering change from a compression change). Produced by running ``python
#: tests/test_fonts.py`` (it prints both) on Linux x86_64 in the environment of
#: requirements.lock (matplotlib 3.11.2, Pillow 13.0.0) with the committed font. A change of
#: the font, matplotlib, FreeType or Pillow changes them legitimately: run the script, look at
#: the image it writes, and update both.
KNOWN_PNG_SHA256 = "187ec4c2536f26c07bd82dba779d4c5c98e83f7ff3158ac4869f01c37b3e362f"
KNOWN_PIXELS_SHA256 = "02be33d1c89a8281fdb6db610ffab1ec79641b3227a24ca33b9c96142b46c54e"

#: Renders the probe figure in a fresh interpreter: empty MPLCONFIGDIR (set by the caller), no
#: font cache, and every font outside matplotlib's own data hidden, as on a machine with no
#: CJK font installed. Prints the two hashes and the font files the text resolved to.
FRESH_RENDER = """
import sys, warnings
import matplotlib as mpl
from matplotlib import font_manager
data = mpl.get_data_path()
font_manager.fontManager.ttflist = [
    f for f in font_manager.fontManager.ttflist if f.fname.startswith(data)
]
sys.path.insert(0, sys.argv[1])
import test_fonts
warnings.simplefilter("error")
png, pixels, used = test_fonts.render_probe()
print(test_fonts.sha256(png), test_fonts.sha256(pixels), *sorted(used), sep="\\n")
"""


@pytest.fixture(autouse=True)
def fresh_fonts():
    """Each test configures fonts afresh and leaves matplotlib's settings as they were."""
    fonts.reset()
    with mpl.rc_context():
        yield
    fonts.reset()


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def render_probe() -> tuple[bytes, bytes, set[str]]:
    """Return a small Chinese-labelled figure's PNG, its RGBA pixels and the font files used."""
    fonts.configure_fonts()
    fig = Figure(figsize=(3.2, 2.0), dpi=90)
    ax = fig.subplots()
    ax.plot([-2, 0, 3], [-1.5, 0.5, 2])  # negative ticks: the minus sign U+2212
    ax.set_title(PROBE, fontsize=9)
    ax.set_xlabel("年份 year")
    ax.set_ylabel("亿元")
    png = plots.figure_png(fig)
    pixels = Image.open(io.BytesIO(png)).tobytes()  # the decoded image, whatever the encoder
    used = {
        str(path)  # a FontPath (path, face index) in matplotlib 3.11
        for text in fig.findobj(lambda a: hasattr(a, "get_fontproperties"))
        for path in font_manager.fontManager._find_fonts_by_props(text.get_fontproperties())
    }
    return png, pixels, used


def png_chunks(png: bytes) -> list[str]:
    """Return the chunk types of a PNG file, checking each chunk's CRC."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    chunks, pos = [], 8
    while pos < len(png):
        length = int.from_bytes(png[pos : pos + 4], "big")
        kind = png[pos + 4 : pos + 8]
        body = png[pos + 8 : pos + 8 + length]
        crc = int.from_bytes(png[pos + 8 + length : pos + 12 + length], "big")
        assert zlib.crc32(kind + body) == crc
        chunks.append(kind.decode("ascii"))
        pos += 12 + length
    return chunks


def test_bundled_font_is_registered_and_first():
    choice = fonts.configure_fonts()
    path = fonts.bundled_font_path()
    assert path.is_file() and path.parent.name == "fonts"
    assert choice.family == fonts.BUNDLED_FAMILY
    assert Path(choice.path) == path
    assert mpl.rcParams["font.sans-serif"][0] == fonts.BUNDLED_FAMILY
    assert mpl.rcParams["axes.unicode_minus"] is True  # the subset keeps U+2212
    resolved = font_manager.findfont(font_manager.FontProperties(family=["sans-serif"]))
    assert Path(resolved) == path
    assert (path.parent / "OFL.txt").read_text().count("SIL OPEN FONT LICENSE") >= 1


def test_bundled_font_is_small_and_covers_common_hanzi():
    path = fonts.bundled_font_path()
    assert path.stat().st_size < 4_000_000
    cells = [(hi, lo) for hi in range(0xB0, 0xD8) for lo in range(0xA1, 0xFF)]
    level1 = [bytes(cell).decode("gb2312") for cell in cells if cell <= (0xD7, 0xF9)]
    assert len(level1) == 3755  # GB 2312 level 1
    assert fonts.missing_glyphs(level1) == []


def test_only_bundled_and_matplotlib_fonts_are_used():
    """This machine may have system CJK fonts; the figure must not use any of them."""
    _, _, used = render_probe()
    data = Path(mpl.get_data_path())
    assert str(fonts.bundled_font_path()) in used
    assert all(Path(p) == fonts.bundled_font_path() or data in Path(p).parents for p in used)
    assert fonts.missing_glyphs([PROBE, "年份 year", "亿元", "\u22120.5"]) == []  # no fallback


def test_missing_glyphs_names_uncovered_characters():
    assert fonts.missing_glyphs(["专利 2025 件/万人\n", None, "−5%"]) == []
    rare = "\U0002a6a5"  # 𪚥, CJK extension B: not in the subset
    assert fonts.missing_glyphs(["滨海新区", f"{rare}区{rare}"]) == [rare]


def test_labels_are_chinese():
    assert fonts.label("有效专利", "valid patents") == "有效专利"
    assert fonts.label("有效专利", "valid patents", both=True) == "有效专利\nvalid patents"
    assert fonts.label("GDP", "GDP", both=True) == "GDP"


def test_figure_renders_without_missing_glyph_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "Glyph ... missing from font(s)" would raise
        render_probe()


def test_png_has_no_software_or_time_metadata():
    png, _, _ = render_probe()
    chunks = png_chunks(png)
    assert chunks[0] == "IHDR" and chunks[-1] == "IEND"
    assert not {"tEXt", "zTXt", "iTXt", "tIME"} & set(chunks)


def test_figure_bytes_match_known_hash_in_a_fresh_process(tmp_path):
    """Empty MPLCONFIGDIR, no font cache, system fonts hidden: same bytes as documented."""
    env = {**os.environ, "MPLCONFIGDIR": str(tmp_path / "mpl"), "MPLBACKEND": "Agg"}
    (tmp_path / "mpl").mkdir()
    result = subprocess.run(
        [sys.executable, "-c", FRESH_RENDER, str(Path(__file__).parent)],
        capture_output=True, text=True, env=env, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    png_hash, pixels_hash, *used = result.stdout.split("\n")[:-1]
    assert str(fonts.bundled_font_path()) in used
    assert pixels_hash == KNOWN_PIXELS_SHA256, "rendering differs (font/matplotlib/FreeType)"
    assert png_hash == KNOWN_PNG_SHA256, "same pixels, other PNG bytes (Pillow/zlib)"


def test_figure_bytes_match_known_hash_with_this_machines_fonts():
    png, pixels, _ = render_probe()
    assert (sha256(png), sha256(pixels)) == (KNOWN_PNG_SHA256, KNOWN_PIXELS_SHA256)


if __name__ == "__main__":  # print the known hashes and write the image to look at
    png, pixels, used = render_probe()
    out = Path(sys.argv[1] if len(sys.argv) > 1 else tempfile.gettempdir()) / "font-probe.png"
    out.write_bytes(png)
    print(f"PNG sha256:    {sha256(png)}\npixels sha256: {sha256(pixels)}\nwrote {out}")
    print("fonts:", *sorted(used), sep="\n  ")
