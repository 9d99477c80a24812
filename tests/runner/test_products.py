"""The report page: Chinese fonts named before the fallback, tables that scroll on a phone."""

import re

from nbformat.v4 import new_code_cell, new_notebook, new_output

from ipanalysis.runner.products import export_html

#: The families the issue names, before the generic fallback (Windows, macOS, Linux).
CJK_FAMILIES = ["Microsoft YaHei", "PingFang SC", "Noto Sans CJK SC", "Source Han Sans SC",
                "WenQuanYi Micro Hei"]  # fmt: skip


def _page() -> str:
    table = '<div class="table-scroll"><table><tr><td>指标</td></tr></table></div>'
    cell = new_code_cell("x", outputs=[new_output("display_data", {"text/html": table})])
    return export_html(new_notebook(cells=[cell]), "测试")


def test_the_font_stack_names_the_common_cjk_families_before_the_fallback():
    page = _page()
    stack = re.search(r"body \{ font-family: ([^;]*);", page).group(1)
    families = [f.strip().strip('"') for f in stack.split(",")]
    assert families[: len(CJK_FAMILIES)] == CJK_FAMILIES and families[-1] == "sans-serif"
    assert '<html lang="zh">' in page  # Chinese glyph forms, not Japanese


def test_tables_scroll_in_their_own_box_with_the_first_column_kept():
    page = _page()
    assert re.search(r"\.table-scroll[^{]*\{[^}]*overflow-x: auto", page)
    assert re.search(r"\.table-scroll td:first-child \{ position: sticky; left: 0;", page)
    assert "<script" not in page  # opens offline: nothing fetched
