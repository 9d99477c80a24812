"""Take screenshots of the overview and every region report in headless Chromium, and check them.

Usage::

    .venv/bin/python scripts/screenshot_reports.py [--outputs DIR] [--out DIR] [--check]

Each report's first screen (what a reader sees on opening it) is saved as a PNG named after
the report, on an office laptop (1366×768: ``overview.png``, ``binhai-forecast.png``, …) and on
a phone (390 px wide: ``overview-phone.png``, …), in ``outputs/screenshots/`` by default
(git-ignored; the README's image is ``docs/screenshots/overview.png``, made with
``--out docs/screenshots`` and keeping that one file). ``--check`` also measures each page in
the browser and fails (exit 1) when, on the laptop screen, the overview's first verdict row is
below the first screen, or when, on the phone, the page scrolls sideways (a table wider than
the screen must scroll in its own box).
Chromium runs headless with a fresh profile in a temporary folder and without background
network traffic, and sees the package's own CJK font (``ipanalysis/assets/fonts``) besides the
system's, so Chinese renders on a machine without a CJK font as it does on the researchers'
(whose fonts the reports name). The browser is Chromium, Google Chrome or Microsoft Edge (all
take Chromium's flags): first by name on PATH, then at their standard install places on
Windows (Edge ships with Windows 10 and 11) and macOS. When none is found the script says where
it looked and exits with code 1 (``apt-get install -y chromium`` installs one on Debian).
``--check`` talks to the browser over a pipe (POSIX only: run it on Linux or macOS).
"""

from __future__ import annotations

import argparse
import contextlib
import html
import json
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
#: Screens: an office laptop and a phone (name suffix, width, height in pixels).
SCREENS = {"laptop": ("", 1366, 768), "phone": ("-phone", 390, 844)}
TIMEOUT_S = 90
#: Where the package's bundled CJK font is (added to what Chromium sees).
FONT_DIR = REPO_ROOT / "ipanalysis" / "assets" / "fonts"
#: Measures a laid-out page: its width against the screen's, and where the overview's first
#: verdict row ends (evaluated in the page through the DevTools protocol).
PROBE = """(function () {
  var root = document.documentElement, row = document.querySelector(
    "#T_decided tbody tr, #T_leans tbody tr");
  return {page_width: root.scrollWidth, screen_width: window.innerWidth,
    screen_height: window.innerHeight,
    first_verdict_bottom: row ? Math.round(row.getBoundingClientRect().bottom) : null,
    first_verdict_text: row ? row.innerText.replace(/\\s+/g, " ").slice(0, 160) : null};
})()"""


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


def _font_env(profile: str) -> dict[str, str]:
    """Return the environment that lets Chromium see the bundled font besides the system's."""
    fonts = Path(profile) / "fonts.conf"
    fonts.write_text(
        '<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>'
        '<include ignore_missing="yes">/etc/fonts/fonts.conf</include>'
        f"<dir>{html.escape(str(FONT_DIR))}</dir>"
        f"<cachedir>{html.escape(str(Path(profile) / 'fc-cache'))}</cachedir></fontconfig>",
        encoding="utf-8",
    )
    return {**os.environ, "FONTCONFIG_FILE": str(fonts)}


def _chromium(browser: str, page_uri: str, size: tuple[int, int], *args: str) -> str:
    """Run headless Chromium on a page with a fresh profile; return what it prints."""
    with tempfile.TemporaryDirectory(prefix="ipanalysis-chromium-") as profile:
        command = [browser, *FLAGS, f"--user-data-dir={profile}",
                   f"--window-size={size[0]},{size[1]}", *args, page_uri]  # fmt: skip
        result = subprocess.run(
            command, capture_output=True, text=True, timeout=TIMEOUT_S, env=_font_env(profile)
        )
    if result.returncode != 0:
        raise RuntimeError(f"Chromium failed on {page_uri}: {result.stderr[-2000:]}")
    return result.stdout


def take_screenshot(
    browser: str, page: Path, png: Path, *, height_px: int, width_px: int = 1366
) -> None:
    """Render ``page`` in a fresh headless profile and save its first screen to ``png``.

    Raises
    ------
    RuntimeError
        Chromium failed or wrote no file (its error output is included).
    """
    png.parent.mkdir(parents=True, exist_ok=True)
    _chromium(browser, page.resolve().as_uri(), (width_px, height_px), f"--screenshot={png}")
    if not png.is_file():
        raise RuntimeError(f"Chromium wrote no screenshot of {page}")


class DevTools:
    """A headless Chromium driven over ``--remote-debugging-pipe`` (standard library only).

    Chromium reads commands on its file descriptor 3 and answers on 4, each message JSON ended
    by a NUL byte. Used to lay a page out at an exact screen size (``--window-size`` alone has a
    500 px minimum width) and to measure it.
    """

    def __init__(self, browser: str, profile: str) -> None:
        to_chrome, self._write = os.pipe()
        self._read, from_chrome = os.pipe()

        def wire() -> None:  # in the child: the pipe ends become its fds 3 and 4
            ends = os.dup(to_chrome), os.dup(from_chrome)  # neither clobbers the other
            os.dup2(ends[0], 3)  # inheritable, unlike every other descriptor of ours
            os.dup2(ends[1], 4)

        self._process = subprocess.Popen(  # noqa: PLW1509 - the pipes must sit on fds 3 and 4
            [
                browser,
                *FLAGS,
                f"--user-data-dir={profile}",
                "--remote-debugging-pipe",
                "about:blank",
            ],  # fmt: skip
            close_fds=False,  # our descriptors are not inheritable: only 3 and 4 pass
            preexec_fn=wire,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=_font_env(profile),
        )
        os.close(to_chrome)
        os.close(from_chrome)
        self._buffer, self._next = b"", 0

    def call(self, method: str, session: str | None = None, **params) -> dict:
        """Send one command and return its result (events before it are dropped)."""
        self._next += 1
        message = {"id": self._next, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        os.write(self._write, json.dumps(message).encode() + b"\0")
        while True:
            reply = self._receive()
            if reply.get("id") == self._next:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})

    def wait_for(self, event: str) -> None:
        """Wait for an event (e.g. ``Page.loadEventFired``)."""
        while self._receive().get("method") != event:
            pass

    def _receive(self) -> dict:
        while b"\0" not in self._buffer:
            chunk = os.read(self._read, 1 << 16)
            if not chunk:
                raise RuntimeError("Chromium closed the DevTools pipe")
            self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(message)

    def close(self) -> None:
        """Close the browser and the pipes."""
        with contextlib.suppress(RuntimeError, OSError):  # already gone: nothing to close
            self.call("Browser.close")
        self._process.wait(timeout=TIMEOUT_S)
        os.close(self._write)
        os.close(self._read)


def measure(browser: str, page: Path, size: tuple[int, int]) -> dict:
    """Lay ``page`` out on a screen of ``size`` pixels and return :data:`PROBE`'s measurements."""
    with tempfile.TemporaryDirectory(prefix="ipanalysis-chromium-") as profile:
        tools = DevTools(browser, profile)
        try:
            target = tools.call("Target.createTarget", url="about:blank")["targetId"]
            session = tools.call("Target.attachToTarget", targetId=target, flatten=True)[
                "sessionId"
            ]
            tools.call("Emulation.setDeviceMetricsOverride", session, width=size[0],
                       height=size[1], deviceScaleFactor=1, mobile=False)  # fmt: skip
            tools.call("Page.enable", session)
            tools.call("Page.navigate", session, url=page.resolve().as_uri())
            tools.wait_for("Page.loadEventFired")
            result = tools.call("Runtime.evaluate", session, expression=PROBE,
                                returnByValue=True)  # fmt: skip
        finally:
            tools.close()
    return result["result"]["value"]


def check_page(browser: str, page: Path, outputs_dir: Path) -> list[str]:
    """Return the problems a reader would trip over on ``page`` (empty when none), and print.

    On the phone the page must not be wider than the screen; on the laptop, the overview's
    first verdict row must end within the first screen.
    """
    problems = []
    name = page.relative_to(outputs_dir).as_posix()
    phone = measure(browser, page, SCREENS["phone"][1:])
    if phone["page_width"] > phone["screen_width"]:
        problems.append(f"{name}: {phone['page_width']} px wide on a "
                        f"{phone['screen_width']} px phone (sideways scroll)")  # fmt: skip
    if page.name == "overview.html":
        laptop = measure(browser, page, SCREENS["laptop"][1:])
        bottom = laptop["first_verdict_bottom"]
        if bottom is None or bottom > laptop["screen_height"]:
            problems.append(f"{name}: first verdict row ends at {bottom} px, below the "
                            f"{laptop['screen_height']} px screen")  # fmt: skip
        else:
            print(f"{name}: first verdict row within the first screen (ends at {bottom} px): "
                  f"{laptop['first_verdict_text']}")  # fmt: skip
    print(f"{name}: {phone['page_width']} px wide on a {phone['screen_width']} px phone")
    return problems


def main(argv: list[str] | None = None) -> int:
    """Screenshot (and check) every report; return the exit code (1 when no browser is found)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--outputs", type=Path, default=paths.outputs_dir())
    parser.add_argument("--out", type=Path, default=paths.outputs_dir() / "screenshots")
    parser.add_argument("--screen", choices=[*SCREENS, "all"], default="all")
    parser.add_argument("--check", action="store_true", help="measure pages; exit 1 on a problem")
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
    screens = list(SCREENS) if args.screen == "all" else [args.screen]
    problems = []
    for page in pages:
        for screen in screens:
            suffix, width, height = SCREENS[screen]
            png = args.out / screenshot_name(page, args.outputs).replace(".png", f"{suffix}.png")
            try:
                take_screenshot(browser, page, png, height_px=height, width_px=width)
            except (RuntimeError, subprocess.TimeoutExpired, OSError) as err:
                print(f"Failed: {err}", file=sys.stderr)
                return 1
            print(f"Wrote {png}")
        if args.check:
            problems += check_page(browser, page, args.outputs)
    for problem in problems:
        print(f"Problem: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
