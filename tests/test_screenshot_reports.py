"""The screenshot script: finds Chrome/Edge/Chromium (Windows too), fails without one."""

import importlib.util
import sys

import pytest

from ipanalysis import paths


@pytest.fixture(scope="module")
def script():
    path = paths.REPO_ROOT / "scripts" / "screenshot_reports.py"
    spec = importlib.util.spec_from_file_location("screenshot_reports", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_fails_without_a_browser_saying_where_it_looked(script, monkeypatch, tmp_path, capsys):
    """It said "No Chromium" and exited 0, as if the screenshots had been taken."""
    monkeypatch.setattr(script, "find_browser", lambda: None)
    assert script.main(["--outputs", str(tmp_path), "--out", str(tmp_path / "png")]) == 1
    said = capsys.readouterr().err
    assert "No Chromium, Chrome or Edge found" in said and "msedge" in said
    assert not (tmp_path / "png").exists()


@pytest.mark.parametrize(
    "variable, below",
    [
        ("ProgramFiles(x86)", ("Microsoft", "Edge", "Application", "msedge.exe")),
        ("ProgramFiles", ("Google", "Chrome", "Application", "chrome.exe")),
        ("LocalAppData", ("Google", "Chrome", "Application", "chrome.exe")),
    ],
)
def test_finds_edge_and_chrome_where_windows_installs_them(
    script, monkeypatch, tmp_path, variable, below
):
    monkeypatch.setattr(script.shutil, "which", lambda name: None)  # not on PATH
    browser = tmp_path.joinpath(*below)
    browser.parent.mkdir(parents=True)
    browser.write_bytes(b"")
    assert script.find_browser({variable: str(tmp_path)}) == str(browser)
    elsewhere = script.find_browser({})  # this machine's own browser, if any
    assert elsewhere is None or not elsewhere.startswith(str(tmp_path))


def test_finds_edge_by_name_on_path(script, monkeypatch):
    found = {"msedge": r"C:\Program Files (x86)\Microsoft\Edge\Application\msedge.exe"}
    monkeypatch.setattr(script.shutil, "which", found.get)
    assert script.find_browser({}) == found["msedge"]


def test_names_and_pages(script, tmp_path):
    (tmp_path / "binhai").mkdir()
    for page in ("overview.html", "binhai/forecast.html", "binhai/trends.html"):
        (tmp_path / page).write_text("<p>x</p>", encoding="utf-8")
    pages = script.report_pages(tmp_path)
    names = [script.screenshot_name(p, tmp_path) for p in pages]
    assert names == ["binhai-forecast.png", "binhai-trends.png", "overview.png"]


def test_renders_a_page_when_chromium_is_installed(script, tmp_path):
    browser = script.find_browser()
    if browser is None:
        pytest.skip("no Chromium installed")
    page = tmp_path / "overview.html"
    page.write_text("<h1>总览 Overview</h1>", encoding="utf-8")
    script.take_screenshot(browser, page, tmp_path / "overview.png", height_px=300)
    assert (tmp_path / "overview.png").read_bytes().startswith(b"\x89PNG")


@pytest.fixture(scope="module")
def browser(script):
    found = script.find_browser()
    if found is None:
        pytest.skip("no Chromium installed")
    return found


def test_the_check_catches_a_page_that_scrolls_sideways(script, browser, tmp_path):
    cell = '<td style="white-space:nowrap">每万人口高价值发明专利拥有量</td>'
    wide = "<table><tr>" + cell * 6 + "</tr></table>"
    page = tmp_path / "overview.html"
    page.write_text(f"<html><body>{wide}</body></html>", encoding="utf-8")
    assert script.measure(browser, page, (390, 844))["page_width"] > 390
    boxed = f'<div style="overflow-x:auto">{wide}</div>'
    page.write_text(f"<html><body>{boxed}</body></html>", encoding="utf-8")
    measured = script.measure(browser, page, (390, 844))
    assert measured["page_width"] == measured["screen_width"] == 390


def test_the_committed_overview_answers_on_the_first_laptop_screen(script, browser):
    # issue 19: the first verdict started about 870 px down
    measured = script.measure(browser, paths.REPO_ROOT / "outputs" / "overview.html", (1366, 768))
    assert measured["first_verdict_bottom"] <= 768
    row = measured["first_verdict_text"]
    assert "%" in row and any(e in row for e in ("tested", "indicative", "observed")), row


def test_no_committed_report_scrolls_sideways_on_a_phone(script, browser):
    outputs = paths.REPO_ROOT / "outputs"
    assert script.report_pages(outputs)
    for page in script.report_pages(outputs):
        assert script.check_page(browser, page, outputs) == [], page
