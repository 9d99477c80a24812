"""Take screenshots of the overview and every region report in a headless browser.

Usage::

    .venv/bin/python scripts/screenshot_reports.py [--outputs DIR] [--out DIR] [--height PX]
    .venv\\Scripts\\python.exe scripts\\screenshot_reports.py   (Windows)

Each report's first screen (what a reader sees on opening it) is saved as a PNG named after
the report: ``overview.png``, ``binhai-forecast.png``, … in ``outputs/screenshots/`` by default
(git-ignored; the README's image is ``docs/screenshots/overview.png``, made with
``--out docs/screenshots`` and keeping that one file).
The browser is Chromium, Google Chrome or Microsoft Edge (all take Chromium's flags): first
by name on PATH, then at their standard install places on Windows (Edge ships with Windows 10
and 11) and macOS. It runs headless with a fresh profile in a temporary folder and without
background network traffic. When no browser is found the script says where it looked and
exits with code 1 (``apt-get install -y chromium`` installs one on Debian).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from ipanalysis import paths  # noqa: E402

#: Browser executables tried on PATH, in order (``shutil.which`` adds ``.exe`` on Windows).
BROWSERS = (
    "chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome",
    "msedge", "microsoft-edge", "microsoft-edge-stable",
)  # fmt: skip
#: Standard install places on Windows: (environment variable of the base folder, path below it).
WINDOWS_INSTALLS = (
    ("ProgramFiles", r"Google\Chrome\Application\chrome.exe"),
    ("ProgramFiles(x86)", r"Google\Chrome\Application\chrome.exe"),
    ("LocalAppData", r"Google\Chrome\Application\chrome.exe"),
    ("ProgramFiles(x86)", r"Microsoft\Edge\Application\msedge.exe"),
    ("ProgramFiles", r"Microsoft\Edge\Application\msedge.exe"),
)
#: Standard install places on macOS.
MACOS_INSTALLS = (
    "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
    "/Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge",
    "/Applications/Chromium.app/Contents/MacOS/Chromium",
)
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


def install_places(environ: Mapping[str, str] = os.environ) -> list[Path]:
    """Return the standard install places of Chrome and Edge (Windows, then macOS)."""
    places = [
        Path(environ[variable]) / Path(*below.split("\\"))
        for variable, below in WINDOWS_INSTALLS
        if environ.get(variable)
    ]
    return places + [Path(p) for p in MACOS_INSTALLS]


def find_browser(environ: Mapping[str, str] = os.environ) -> str | None:
    """Return the path of an installed Chromium, Chrome or Edge, or None."""
    for name in BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    for place in install_places(environ):
        if place.is_file():
            return str(place)
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
        The browser failed or wrote no file (its error output is included).
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
        raise RuntimeError(f"The browser failed on {page}: {result.stderr[-2000:]}")


def main(argv: list[str] | None = None) -> int:
    """Screenshot every report; return the exit code (1 when no browser is found)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--outputs", type=Path, default=paths.outputs_dir())
    parser.add_argument("--out", type=Path, default=paths.outputs_dir() / "screenshots")
    parser.add_argument("--height", type=int, default=1400, help="screen height in pixels")
    args = parser.parse_args(argv)
    browser = find_browser()
    if browser is None:
        looked = ", ".join([*BROWSERS, *(str(p) for p in install_places())])
        print(
            f"No Chromium, Chrome or Edge found (looked for: {looked}). Install one (Debian: "
            "apt-get install -y chromium; Windows: Edge or Chrome) and run again.",
            file=sys.stderr,
        )
        return 1
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
