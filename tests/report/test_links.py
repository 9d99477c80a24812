"""Every local link in the committed reports leads to a file that exists.

The overview links to each region's reports and templates; a region report links back to
the overview, to its trends report and to its template of figures needed.
"""

import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from ipanalysis import paths

OUTPUTS = paths.outputs_dir()
REPORTS = sorted([*OUTPUTS.glob("overview.html"), *OUTPUTS.glob("*/*.html")])


def local_links(page: Path) -> list[str]:
    """Return the page's links to files (not web addresses, not anchors in the page)."""
    hrefs = re.findall(r'href="([^"]*)"', page.read_text(encoding="utf-8"))
    found = []
    for href in hrefs:
        parts = urlsplit(href)
        if parts.scheme or parts.netloc or not parts.path:
            continue
        found.append(unquote(parts.path))
    return found


@pytest.mark.parametrize("page", REPORTS, ids=lambda p: p.relative_to(OUTPUTS).as_posix())
def test_every_local_link_resolves(page):
    missing = [link for link in local_links(page) if not (page.parent / link).is_file()]
    assert not missing, f"{page.name} links to missing files: {missing}"


def test_overview_links_every_region_report():
    regions = sorted(p.parent.name for p in OUTPUTS.glob("*/forecast.html"))
    links = set(local_links(OUTPUTS / "overview.html"))
    assert regions and {f"{r}/forecast.html" for r in regions} <= links
