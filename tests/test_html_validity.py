"""Every built page is valid HTML for the W3C Nu HTML Checker (vnu-jar, pinned in package.json).

One Java run checks every page of the real site and of the mini fixture, plus a copy of one page
with the defects mkdocs-material's own markup had (to see that the checker does report them).
Needs Java and vnu-jar from npm in node_modules/: `make test` installs both.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from conftest import ROOT

VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def vnu_messages(pages: list[Path]) -> dict[Path, list[str]]:
    """The checker's errors for each page (every page is a key), one readable line per error."""
    pinned = json.loads((ROOT / "package.json").read_text(encoding="utf-8"))["devDependencies"]["vnu-jar"]
    installed = json.loads((VNU.parents[2] / "package.json").read_text(encoding="utf-8"))["version"] \
        if VNU.exists() else None
    if installed != pinned:
        pytest.fail(f"vnu-jar {pinned} manque ({VNU.relative_to(ROOT)}) : `make npm` (ou `make test`) l'installe.")
    if shutil.which("java") is None:
        pytest.fail("Java manque : `make test` l'installe (apt-get install default-jre-headless).")
    result = subprocess.run(["java", "-jar", str(VNU), "--errors-only", "--format", "json", *map(str, pages)],
                            capture_output=True, text=True, timeout=600)
    report = json.loads(result.stderr)  # vnu writes its report on standard error; exit 1 when it finds errors
    found: dict[Path, list[str]] = {page: [] for page in pages}
    for message in report["messages"]:
        page = Path(unquote(urlsplit(message["url"]).path))
        found[page].append(f"{message['type']} l. {message.get('lastLine', '?')}: {message['message']}"
                           f" — {message.get('extract', '').strip()[:100]}")
    return found


def with_materials_defects(page: Path, dest: Path) -> Path:
    """A copy of a built page with the markup Material writes and the theme fixes (theme/main.html,
    generator/adapter/material_markup.py): autocomplete on a checkbox, an empty tabindex, a label for no control."""
    html = page.read_text(encoding="utf-8")
    html = html.replace('id="__drawer">', 'id="__drawer" autocomplete="off">', 1)
    html = html.replace('<label class="md-nav__link" for="', '<label class="md-nav__link" tabindex="" for="', 1)
    html = html.replace("</body>", '<label for="__nothing">Rien</label></body>', 1)
    dest.write_text(html, encoding="utf-8")
    return dest


def test_every_built_page_is_valid_html(real_site, mini_site, tmp_path):
    pages = sorted([*real_site.rglob("*.html"), *mini_site.rglob("*.html")])
    assert len(pages) > 80
    broken = with_materials_defects(real_site / "a-propos" / "index.html", tmp_path / "defauts.html")
    found = vnu_messages([*pages, broken])
    # The checker reads the pages and reports what is wrong...
    defects = " ".join(found.pop(broken))
    for expected in ("autocomplete", "tabindex", "for"):
        assert f"“{expected}”" in defects, defects
    # ...and finds nothing wrong in the site.
    where = {page: f"{site.name}/{page.relative_to(site)}" for site in (real_site, mini_site)
             for page in pages if site in page.parents}
    assert {where[page]: errors for page, errors in found.items() if errors} == {}
