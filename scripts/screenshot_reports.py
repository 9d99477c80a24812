"""Take screenshots of the overview and every region report in headless Chromium.

Usage::

    .venv/bin/python scripts/screenshot_reports.py [--outputs DIR] [--out DIR] [--height PX]

Each report's first screen (what a reader sees on opening it) is saved as a PNG named after
the report: ``overview.png``, ``binhai-forecast.png``, … in ``outputs/screenshots/`` by default
(git-ignored; the README's image is ``docs/screenshots/overview.png``, made with
``--out docs/screenshots`` and keeping that one file).
Chromium runs headless with a fresh profile in a temporary folder and without background
network traffic. When no Chromium or Chrome is installed the script says so and exits 0
(``apt-get install -y chromium`` installs one on Debian).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from ipanalysis import paths  # noqa: E402

#: Browser executables tried, in order.
BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
#: Flags for a quiet, isolated headless browser.
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
)
WIDTH_PX = 1280
TIMEOUT_S = 90


def find_browser() -> str | None:
    """Return the path of an installed Chromium or Chrome, or None."""
    for name in BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    return None


def report_pages(outputs_dir: Path) -> list[Path]:
    """Return the overview and every region's forecast and trends report, sorted."""
    return sorted([*outputs_dir.glob("overview.html"), *outputs_dir.glob("*/*.html")])


def screenshot_name(page: Path, outputs_dir: Path) -> str:
    """Return ``overview.png`` or ``<region>-<report>.png`` for a report page."""
    relative = page.relative_to(outputs_dir).with_suffix("")
    return "-".join(relative.parts) + ".png"


def take_screenshot(browser: str, page: Path, png: Path, *, height_px: int) -> None:
    """Render ``page`` in a fresh headless profile and save its first screen to ``png``.

    Raises
    ------
    RuntimeError
        Chromium failed or wrote no file (its error output is included).
    """
    png.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="ipanalysis-chromium-") as profile:
        command = [
            browser,
            *FLAGS,
            f"--user-data-dir={profile}",
            f"--window-size={WIDTH_PX},{height_px}",
            f"--screenshot={png}",
            page.resolve().as_uri(),
        ]
        result = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT_S)
    if result.returncode != 0 or not png.is_file():
        raise RuntimeError(f"Chromium failed on {page}: {result.stderr[-2000:]}")


def main(argv: list[str] | None = None) -> int:
    """Screenshot every report; return the exit code (0 also when no browser is installed)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--outputs", type=Path, default=paths.outputs_dir())
    parser.add_argument("--out", type=Path, default=paths.outputs_dir() / "screenshots")
    parser.add_argument("--height", type=int, default=1400, help="screen height in pixels")
    args = parser.parse_args(argv)
    browser = find_browser()
    if browser is None:
        print("No Chromium/Chrome found: skipping screenshots (apt-get install -y chromium).")
        return 0
    pages = report_pages(args.outputs)
    if not pages:
        print(f"No reports in {args.outputs}: run `ipanalysis run` first.")
        return 1
    for page in pages:
        png = args.out / screenshot_name(page, args.outputs)
        try:
            take_screenshot(browser, page, png, height_px=args.height)
        except (RuntimeError, subprocess.TimeoutExpired, OSError) as err:
            print(f"Failed: {err}", file=sys.stderr)
            return 1
        print(f"Wrote {png}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
