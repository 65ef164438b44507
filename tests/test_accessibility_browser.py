"""Accessibility (RGAA / WCAG 2.1 AA) and privacy of the built site, checked in headless Chromium.

One page of every template is audited with axe-core, walked with the keyboard, narrowed to 360 px,
read with text at 200 %, and every request it makes is logged. The checks are shown to fail once on
deliberately broken input (tests/fixtures/a11y-broken/).

pa11y (HTML_CodeSniffer, WCAG 2 AA) checks one page of every template too.

Needs Debian's Chromium (/usr/bin/chromium), and axe-core and pa11y from npm in node_modules/ (pa11y
with Node.js 20 or later): `make test` installs them.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from conftest import CHROMIUM, FIXTURES, ROOT, FolderServer, build_site, copy_project, parse
from mkdocs_campus.catalogue.records import RECORD_TYPES

playwright_api = pytest.importorskip("playwright.sync_api")

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
DESKTOP = {"width": 1280, "height": 800}
NARROW = {"width": 360, "height": 740}

# One page of every template. Values are paths under the site, or a section whose first record is taken.
TEMPLATE_PAGES = {
    "accueil": "",
    **{f"liste-{info.section}": f"{info.section}/" for info in RECORD_TYPES.values()},
    **{f"fiche-{info.name}": ("first-record", info.section) for info in RECORD_TYPES.values()},
    "thematiques": "thematiques/",
    "thematique": ("first-record", "thematiques"),
    "plan-du-site": "plan-du-site/",
    "page-404": "404.html",
}
TEMPLATES = ROOT / "theme" / "campus"
# Generated pages of their own template (added by the open data, fields and news features).
OTHER_PAGES = {key: path for template, key, path in [
    ("donnees.md.jinja", "donnees", "donnees/"),
    ("fields.md.jinja", "champs-des-fiches", "champs-des-fiches/"),
    ("nouveautes.md.jinja", "nouveautes", "nouveautes/"),
    ("agenda.md.jinja", "agenda", "agenda/"),
] if (TEMPLATES / template).exists()}
WRITTEN_PAGES = {f"page-{p.stem}": f"{p.stem}/" for p in sorted((ROOT / "content").glob("*.md"))
                 if p.name != "index.md"}
# The search page (theme/campus/search.md.jinja) with results, and narrowed by a facet.
SEARCH_PAGES = ({"recherche-resultats": "recherche/?q=facilitation",
                 "recherche-facette": "recherche/?q=facilitation&type=Formation"}
                if (TEMPLATES / "search.md.jinja").exists() else {})
AUDITED = {**TEMPLATE_PAGES, **OTHER_PAGES, **WRITTEN_PAGES, **SEARCH_PAGES}
# Which audited page shows each page template of theme/campus/ (a new template must join the audit).
AUDITED_BY_TEMPLATE = {
    "home.md.jinja": "accueil", "listing.md.jinja": "liste-formations", "theme.md.jinja": "thematique",
    "themes.md.jinja": "thematiques", "site-map.md.jinja": "plan-du-site", "search.md.jinja": "recherche-resultats",
    "donnees.md.jinja": "donnees", "fields.md.jinja": "champs-des-fiches", "nouveautes.md.jinja": "nouveautes",
    "agenda.md.jinja": "agenda", **{f"{info.name}.md.jinja": f"fiche-{info.name}" for info in RECORD_TYPES.values()},
}
SEARCH_STATUS = "#campus-search-status"


# --- serving and browsing -------------------------------------------------------------------------

class LocalSite(FolderServer):
    """A built site served on 127.0.0.1 by a thread, for the length of the session."""

    def __init__(self, root: Path):
        super().__init__(root)
        self.root = root

    def path_of(self, key: str) -> str:
        where = AUDITED[key]
        if isinstance(where, tuple):  # the first record (alphabetically) of a section
            section = where[1]
            first = min(p.parent.name for p in (self.root / section).glob("*/index.html"))
            return f"{section}/{first}/"
        return where


@pytest.fixture(scope="session")
def axe_source() -> str:
    """axe-core's script, at the version pinned in package.json."""
    pinned = json.loads((ROOT / "package.json").read_text(encoding="utf-8"))["devDependencies"]["axe-core"]
    if not AXE.exists():
        pytest.fail(f"axe-core manque ({AXE.relative_to(ROOT)}) : `make npm` (ou `make test`) l'installe depuis npm.")
    source = AXE.read_text(encoding="utf-8")
    if not source.startswith(f"/*! axe v{pinned}\n"):
        pytest.fail(f"axe-core installé ≠ {pinned} épinglé dans package.json : `make npm`.")
    return source


@pytest.fixture(scope="session")
def site(real_site):
    served = LocalSite(real_site)
    yield served
    served.close()


class Tab:
    """A fresh browser context and page that records every request and refuses those leaving the site."""

    def __init__(self, browser, origin: str, viewport: dict = DESKTOP):
        self.origin = origin
        self.context = browser.new_context(viewport=viewport, locale="fr-FR", service_workers="block")
        self.requests: list[str] = []
        self.context.on("request", lambda request: self.requests.append(request.url))
        self.context.route("**/*", self._only_local)
        self.page = self.context.new_page()
        self.errors: list[str] = []  # uncaught JavaScript errors (Material's, search's, campus-a11y.js)
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))

    def _only_local(self, route):
        if is_local(route.request.url, self.origin):
            route.continue_()
        else:  # never let a leak reach the network; it is still logged and reported
            route.abort()

    def foreign_requests(self) -> list[str]:
        return [u for u in self.requests if not is_local(u, self.origin)]

    def open(self, site: LocalSite, key: str) -> None:
        """Load an audited page; a search page once its results are shown."""
        self.page.goto(site.url(site.path_of(key)))
        if key in SEARCH_PAGES:
            wait_for_search(self.page)
        if key == "recherche-facette":
            show_facets(self.page)

    def close(self):
        self.context.close()


def wait_for_search(page) -> None:
    """Wait until the search page has answered (its live region no longer says it is loading)."""
    page.wait_for_function("""(selector) => {
        const text = document.querySelector(selector)?.textContent || "";
        return text && !text.startsWith("Chargement") && document.querySelector('#campus-results > li');
    }""", arg=SEARCH_STATUS, timeout=15000)


def show_facets(page) -> None:
    """Show the search page's facets (opened by a button when they load on demand)."""
    first_box = page.locator("#campus-facets input[type=checkbox]").first
    toggle = page.locator("#campus-facets-toggle")
    if toggle.count() and toggle.is_visible() and not first_box.is_visible():
        toggle.click()
    first_box.wait_for(state="visible", timeout=15000)


def is_local(url: str, origin: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("data", "blob", "about") or f"{parts.scheme}://{parts.netloc}" == origin


@pytest.fixture
def browser(chromium):
    return chromium


@pytest.fixture
def tab(browser, site):
    opened = Tab(browser, site.origin)
    yield opened
    opened.close()


# --- the checks, as functions so the broken fixture can show that they fail ------------------------

# Best-practice rules run with the WCAG ones, as Lighthouse does (a role that HTML forbids on an element).
EXTRA_RULES = ["aria-allowed-role"]
# The rules whose outcome changes with the layout, run again at 360 px.
# (aria-allowed-role: the menu button shows on narrow screens only.)
LAYOUT_RULES = ["scrollable-region-focusable", "color-contrast", "link-in-text-block", "aria-hidden-focus",
                "aria-allowed-role"]


def axe_violations(page, axe_source: str, rules: list[str] | None = None) -> list[str]:
    """axe-core's WCAG 2.0/2.1 A and AA violations on the loaded page (or those of `rules` only),
    one readable line per node."""
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.add_script_tag(content=axe_source)
    only = {"type": "rule", "values": rules} if rules else {"type": "tag", "values": WCAG_TAGS}
    extra = {} if rules else {rule: {"enabled": True} for rule in EXTRA_RULES}
    violations = page.evaluate(
        """async ([only, extra]) => {
             const result = await axe.run(document, {runOnly: only, rules: extra, resultTypes: ['violations']});
             return result.violations.map(v => v.nodes.map(n =>
               `${v.id} (${v.impact}): ${v.help} — ${n.target.join(' ')} — ${n.failureSummary}`)).flat();
           }""", [only, extra])
    return violations


def horizontal_overflow(page) -> int:
    """How many CSS pixels the page scrolls sideways (0 when it does not)."""
    return page.evaluate("() => Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)"
                         " - document.documentElement.clientWidth")


def enlarge_text(page, factor: int = 2) -> None:
    """Text zoom, as the browser's font size setting does it (rem, em and em media queries follow),
    then reload the page."""
    size = "() => parseFloat(getComputedStyle(document.documentElement).fontSize)"
    before = page.evaluate(size)
    cdp = page.context.new_cdp_session(page)
    cdp.send("Page.setFontSizes", {"fontSizes": {"standard": 16 * factor, "fixed": 13 * factor}})
    page.reload()
    assert page.evaluate(size) >= before * factor * 0.95, "le texte n'a pas été agrandi"


def clipped_text(page) -> list[str]:
    """Visible elements whose text is cut off: overflow hidden or clipped while their content is larger."""
    return page.evaluate("""() => {
        const lost = [];
        for (const el of document.body.querySelectorAll('*')) {
          const style = getComputedStyle(el);
          const hides = v => v === 'hidden' || v === 'clip';
          if (!hides(style.overflowX) && !hides(style.overflowY)) continue;
          if (!el.checkVisibility({opacityProperty: true, visibilityProperty: true}) || !el.innerText || !el.innerText.trim()) continue;
          const rect = el.getBoundingClientRect();
          if (rect.width < 2 || rect.height < 2) continue;  // visually hidden helpers (sr-only)
          if (rect.right <= 0 || rect.left >= innerWidth) continue;  // a closed drawer, off screen
          const cutX = hides(style.overflowX) && el.scrollWidth > el.clientWidth + 1;
          const cutY = hides(style.overflowY) && el.scrollHeight > el.clientHeight + 1;
          if (cutX || cutY) lost.push(`${el.tagName.toLowerCase()}.${[...el.classList].join('.')}: `
                                      + el.innerText.trim().slice(0, 60));
        }
        return lost;
    }""")


FOCUS_STATE = """() => {
    const el = document.activeElement;
    if (!el || el === document.body) return null;
    const style = getComputedStyle(el);
    const width = parseFloat(style.outlineWidth) || 0;
    // Contrast of the outline with the element's own background or, the outline being drawn outside it,
    // its parents' background: the better of the two must reach 3:1 (WCAG 1.4.11).
    const rgb = (text) => (text.match(/[\\d.]+/g) || []).map(Number);
    const luminance = ([r, g, b]) => [r, g, b].map(v => { v /= 255; return v <= .03928 ? v / 12.92 : ((v + .055) / 1.055) ** 2.4; })
                                              .reduce((sum, v, i) => sum + v * [.2126, .7152, .0722][i], 0);
    let behind = [255, 255, 255];
    for (let node = el.parentElement; node; node = node.parentElement) {
      const bg = rgb(getComputedStyle(node).backgroundColor);
      if (bg.length >= 3 && (bg.length === 3 || bg[3] > .5)) { behind = bg.slice(0, 3); break; }
    }
    const ratio = (one, two) => { const [a, b] = [luminance(one), luminance(two)].sort((x, y) => y - x);
                                   return (a + .05) / (b + .05); };
    const own = rgb(style.backgroundColor);
    const contrast = Math.max(ratio(rgb(style.outlineColor), behind),
                              own.length === 3 || own[3] > .5 ? ratio(rgb(style.outlineColor), own.slice(0, 3)) : 0);
    return {tag: el.tagName.toLowerCase(), id: el.id, text: (el.innerText || el.value || el.getAttribute('aria-label') || '').trim().slice(0, 60),
            href: el.getAttribute('href'), key: el.dataset.campusKey || null,
            outline: style.outlineStyle !== 'none' && width >= 2 && style.outlineColor !== 'rgba(0, 0, 0, 0)'
                     && contrast >= 3,
            contrast: Math.round(contrast * 100) / 100,
            onScreen: (() => { const r = el.getBoundingClientRect();
                               return r.width > 0 && r.height > 0 && r.right > 0 && r.left < innerWidth
                                      && r.bottom > 0 && r.top < innerHeight && style.visibility !== 'hidden'; })(),
            outlineText: `${style.outlineStyle} ${style.outlineWidth} ${style.outlineColor}`};
}"""

TAG_FOCUSABLES = """() => {
    const selector = 'a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex]';
    let n = 0;
    for (const el of document.querySelectorAll(selector)) {
      if (el.tabIndex < 0 || el.disabled || !el.checkVisibility({visibilityProperty: true})) continue;
      const rect = el.getBoundingClientRect();
      if (rect.width === 0 || rect.height === 0) continue;
      el.dataset.campusKey = String(n++);
    }
    return n;
}"""


def tab_through(page, limit: int = 400) -> list[dict]:
    """Press Tab from the top of the page until focus comes back round; each focused element's state."""
    seen = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        state = page.evaluate(FOCUS_STATE)
        if state is None or (seen and state["key"] is not None and state["key"] == seen[0]["key"]):
            break
        seen.append(state)
    return seen


# --- audits of every template -----------------------------------------------------------------------

def test_every_page_template_is_audited():
    templates = {p.name for p in TEMPLATES.glob("*.jinja") if not p.name.startswith("_")}
    unknown = templates - AUDITED_BY_TEMPLATE.keys()
    assert unknown == set(), "modèles de page à ajouter à l'audit (AUDITED_BY_TEMPLATE) : " + ", ".join(sorted(unknown))
    assert {AUDITED_BY_TEMPLATE[name] for name in templates} <= AUDITED.keys()


@pytest.mark.parametrize("key", sorted(AUDITED))
def test_axe_finds_no_wcag_a_or_aa_violation_and_nothing_leaves_the_site(key, site, tab, axe_source):
    tab.open(site, key)
    assert axe_violations(tab.page, axe_source) == []
    assert tab.requests, "aucune requête enregistrée"
    assert tab.foreign_requests() == []
    assert tab.errors == []
    assert tab.context.cookies() == [] and tab.page.evaluate("document.cookie") == ""


@pytest.mark.parametrize("key", sorted(AUDITED))
def test_no_sideways_scrolling_at_360_px_and_nothing_lost_with_text_at_200_percent(key, browser, site, axe_source):
    tab = Tab(browser, site.origin, NARROW)
    try:
        tab.open(site, key)
        assert horizontal_overflow(tab.page) == 0, "défilement horizontal à 360 px"
        assert axe_violations(tab.page, axe_source, LAYOUT_RULES) == []
        tab.page.set_viewport_size(DESKTOP)
        enlarge_text(tab.page)
        if key in SEARCH_PAGES:
            wait_for_search(tab.page)
        if key == "recherche-facette":
            show_facets(tab.page)
        assert horizontal_overflow(tab.page) == 0, "défilement horizontal avec le texte à 200 %"
        assert clipped_text(tab.page) == []
        assert tab.foreign_requests() == []
    finally:
        tab.close()


@pytest.mark.skipif(not SEARCH_PAGES, reason="pas de page de recherche")
def test_searching_and_filtering_only_talk_to_the_site_and_set_no_cookie(site, tab):
    page = tab.page
    page.goto(site.url(""))
    box = page.locator("#campus-search-q")
    box.fill("facilitation")
    box.press("Enter")
    page.wait_for_url("**/recherche/?q=facilitation")
    wait_for_search(page)
    show_facets(page)
    page.locator("#campus-facets input[type=checkbox]").first.check()
    page.wait_for_url("**/recherche/?q=facilitation&*")
    wait_for_search(page)
    page.locator("#campus-results a[href]").first.click()
    page.wait_for_load_state("networkidle")
    assert any("/pagefind/" in url for url in tab.requests)  # the search did run, from the site itself
    assert tab.foreign_requests() == []
    assert tab.context.cookies() == [] and page.evaluate("document.cookie") == ""


# --- pa11y, a second rules engine --------------------------------------------------------------------

PA11Y_SCRIPT = ROOT / "tests" / "pa11y_pages.mjs"
# One page of every template: the pages of AUDITED_BY_TEMPLATE, the 404, a written page, search with a facet.
PA11Y_PAGES = sorted({*AUDITED_BY_TEMPLATE.values(), "page-404", "page-accessibilite", "recherche-facette"}
                     & AUDITED.keys())
WAIT_FOR_RESULTS = "wait for element #campus-results > li to be added"
PA11Y_ACTIONS = {"recherche-resultats": [WAIT_FOR_RESULTS],
                 "recherche-facette": [WAIT_FOR_RESULTS, "wait for element #campus-facets input to be added"]}


def pa11y_errors(pages: dict[str, dict]) -> dict[str, list[str]]:
    """pa11y's errors (HTML_CodeSniffer runner, WCAG2AA standard) on each page, run by tests/pa11y_pages.mjs
    in one Debian Chromium; `pages` maps a name to {"url", "actions"}."""
    pinned = json.loads((ROOT / "package.json").read_text(encoding="utf-8"))["devDependencies"]["pa11y"]
    installed = ROOT / "node_modules" / "pa11y" / "package.json"
    if not installed.exists() or json.loads(installed.read_text(encoding="utf-8"))["version"] != pinned:
        pytest.fail(f"pa11y {pinned} manque (node_modules/pa11y) : `make npm` (ou `make test`) l'installe.")
    node = shutil.which("node")
    major = subprocess.run([node, "--version"], capture_output=True, text=True).stdout.lstrip("v").split(".")[0] \
        if node else ""
    if not major.isdigit() or int(major) < 20:
        pytest.fail(f"pa11y {pinned} demande Node.js 20 ou plus récent (trouvé : {major or 'aucun'}).")
    result = subprocess.run([node, str(PA11Y_SCRIPT)], input=json.dumps(list(pages.values())), cwd=ROOT,
                            capture_output=True, text=True, timeout=900, env={**os.environ, "CHROMIUM": str(CHROMIUM)})
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout)
    return {name: [f"{e['code']} — {e['selector']} — {e['message']}" for e in found[page["url"]]]
            for name, page in pages.items()}


def test_pa11y_finds_no_wcag2aa_error_on_one_page_of_every_template(site, broken_site):
    assert {AUDITED_BY_TEMPLATE[name] for name in AUDITED_BY_TEMPLATE} <= set(PA11Y_PAGES)
    pages = {key: {"url": site.url(site.path_of(key)), "actions": PA11Y_ACTIONS.get(key, [])} for key in PA11Y_PAGES}
    # The broken fixture page, in the same run, shows that pa11y does report errors.
    pages["casse"] = {"url": broken_site.url("casse/"), "actions": []}
    errors = pa11y_errors(pages)
    broken = " ".join(errors.pop("casse"))
    assert "H37" in broken and "G18" in broken, broken  # an image without alt, grey on grey
    assert {key: found for key, found in errors.items() if found} == {}


# --- keyboard -------------------------------------------------------------------------------------

@pytest.mark.parametrize("key", ["accueil", "fiche-community", "liste-formations"])
def test_skip_link_is_first_and_moves_focus_to_the_content(key, site, tab):
    tab.open(site, key)
    tab.page.keyboard.press("Tab")
    first = tab.page.evaluate(FOCUS_STATE)
    assert first["text"] == "Aller au contenu" and first["href"] == "#contenu"
    assert first["outline"] and first["onScreen"], first["outlineText"]
    tab.page.keyboard.press("Enter")
    assert tab.page.evaluate("document.activeElement.id") == "contenu"
    assert tab.page.locator("#contenu h1").count() == 1
    # The next Tab goes on inside the content, not back to the header.
    tab.page.keyboard.press("Tab")
    assert tab.page.evaluate("document.getElementById('contenu').contains(document.activeElement)")


@pytest.mark.parametrize("viewport", [DESKTOP, NARROW], ids=["1280px", "360px"])
@pytest.mark.parametrize("key", ["accueil", "fiche-intervention"])
def test_tab_reaches_every_control_with_a_visible_focus(key, viewport, browser, site):
    tab = Tab(browser, site.origin, viewport)
    try:
        tab.open(site, key)
        count = tab.page.evaluate(TAG_FOCUSABLES)
        focused = tab_through(tab.page)
        reached = {state["key"] for state in focused if state["key"] is not None}
        missing = tab.page.evaluate("""(reached) => [...document.querySelectorAll('[data-campus-key]')]
            .filter(el => !reached.includes(el.dataset.campusKey) && el.tabIndex >= 0 && !el.closest('[hidden]'))
            .map(el => el.outerHTML.slice(0, 120))""", sorted(reached))
        assert count > 15 and missing == []
        # Focus is never lost on an invisible element (a closed menu) and always outlined.
        assert [s for s in focused if not (s["outline"] and s["onScreen"])] == []
    finally:
        tab.close()


def test_menu_opens_closes_and_follows_links_with_the_keyboard_on_a_narrow_screen(browser, site):
    narrow = Tab(browser, site.origin, NARROW)
    page = narrow.page
    is_open = "document.getElementById('__drawer').checked"
    try:
        narrow.open(site, "fiche-tool")
        page.keyboard.press("Tab")  # the skip link
        page.keyboard.press("Tab")  # then the menu button
        button = page.evaluate(FOCUS_STATE)
        assert button["text"] == "Menu" and button["outline"] and button["onScreen"]
        assert page.locator("button#campus-menu-button").get_attribute("aria-expanded") == "false"
        page.keyboard.press("Enter")
        assert page.evaluate(is_open)
        page.wait_for_function("document.activeElement.closest('.md-sidebar--primary') !== null")
        assert page.locator("button#campus-menu-button").get_attribute("aria-expanded") == "true"
        page.keyboard.press("Escape")
        assert not page.evaluate(is_open) and page.evaluate(FOCUS_STATE)["text"] == "Menu"
        page.keyboard.press("Space")
        assert page.evaluate(is_open)
        for _ in range(30):
            page.keyboard.press("Tab")
            state = page.evaluate(FOCUS_STATE)
            if state["text"] == "Formations":
                break
        else:
            pytest.fail("le lien « Formations » du menu n'est pas atteint au clavier")
        assert state["outline"]
        # The drawer slides in (a CSS transition): on a loaded machine the link may still be moving in.
        try:
            page.wait_for_function(f"({FOCUS_STATE})().onScreen", timeout=3000)
        except playwright_api.Error:
            pytest.fail(f"le lien « Formations » du menu reste hors de l'écran : {page.evaluate(FOCUS_STATE)}")
        page.keyboard.press("Enter")
        page.wait_for_url("**/formations/")
        assert page.title().startswith("Formations")
        assert narrow.foreign_requests() == []
    finally:
        narrow.close()


# --- language, titles, headings, link texts (every page of the built site) -------------------------

@pytest.fixture(scope="module")
def built_pages(real_site) -> dict:
    # admin/: the third-party editor (Decap CMS), audited apart (test_editor_browser.py)
    return {html.relative_to(real_site).as_posix(): parse(html) for html in sorted(real_site.rglob("*.html"))
            if html.relative_to(real_site).parts[0] != "admin"}


def test_every_page_is_in_french_with_a_unique_title_and_ordered_headings(built_pages):
    titles: dict[str, str] = {}
    for where, doc in built_pages.items():
        assert doc.html.get("lang") == "fr", where
        footer = doc.select_one(".md-copyright")
        assert footer is not None and footer.get_text(" ", strip=True).startswith("Site construit avec"), where
        title = doc.title.get_text(strip=True)
        assert title not in titles, f"{where} a le même titre que {titles.get(title)} : {title}"
        titles[title] = where
        content = doc.select_one("#contenu")
        assert content is not None, where
        h1 = content.find_all("h1")
        assert len(h1) == 1, where
        heading, name = h1[0].get_text(" ", strip=True).casefold(), title.rsplit(" - ", 1)[0].casefold()
        assert heading, where
        if where != "index.html":  # the home page's title is « Accueil - <site> »
            assert heading in name or name in heading, f"{where} : titre « {title} », h1 « {heading} »"
        levels = [int(h.name[1]) for h in content.find_all(["h1", "h2", "h3", "h4", "h5", "h6"])]
        assert levels[0] == 1, where
        skips = [(a, b) for a, b in zip(levels, levels[1:]) if b > a + 1]
        assert skips == [], f"{where} : niveaux de titres sautés {skips}"


def test_every_image_has_its_size(built_pages):
    """Width and height on every image, so the page does not move as images load (Lighthouse's unsized-images)."""
    unsized = [f"{where} : {img}" for where, doc in built_pages.items() for img in doc.find_all("img")
               if not (img.get("width", "").isdigit() and img.get("height", "").isdigit())]
    assert unsized == []


VAGUE_LINK_TEXTS = {"ici", "cliquez ici", "lien", "en savoir plus", "plus", "lire la suite", "voir", "suite",
                    "cette page", "page", "here", "click here", "more", "read more", "link"}


def test_link_texts_make_sense_out_of_context(built_pages):
    for where, doc in built_pages.items():
        for link in doc.select("a[href]"):
            text = " ".join(filter(None, [link.get("aria-label"), link.get_text(" ", strip=True),
                                          link.get("title")])).strip()
            assert text and text.casefold().rstrip(" .…:") not in VAGUE_LINK_TEXTS, f"{where} : {link}"


# --- the checks fail on broken input ----------------------------------------------------------------

@pytest.fixture(scope="module")
def broken_site(tmp_path_factory):
    """The mini fixture plus tests/fixtures/a11y-broken/'s page: an image without text, grey on grey."""
    project = copy_project(FIXTURES / "mini", tmp_path_factory.mktemp("a11y-broken") / "project")
    for page in (FIXTURES / "a11y-broken").glob("*.md"):
        shutil.copy(page, project / "content" / page.name)
    out = project.parent / "site"
    result = build_site(project / "mkdocs.yml", out)
    assert result.returncode == 0, result.stderr
    served = LocalSite(out)
    yield served
    served.close()


def test_audit_fails_on_a_broken_page(browser, broken_site, axe_source):
    tab = Tab(browser, broken_site.origin)
    try:
        tab.page.goto(broken_site.url("casse/"))
        found = {line.split(" ")[0] for line in axe_violations(tab.page, axe_source)}
        assert {"image-alt", "color-contrast", "link-name", "aria-allowed-role"} <= found
        # The same audit passes on a sound page of the same site.
        tab.page.goto(broken_site.url("formations/"))
        assert axe_violations(tab.page, axe_source) == []
    finally:
        tab.close()


def test_viewport_zoom_focus_and_privacy_checks_fail_on_a_broken_page(browser, broken_site):
    narrow = Tab(browser, broken_site.origin, NARROW)
    try:
        narrow.page.goto(broken_site.url("casse/"))
        assert horizontal_overflow(narrow.page) > 0  # its 40rem-wide table
        assert narrow.foreign_requests() == ["https://tiers.invalid/pixel.gif"]
        narrow.page.set_viewport_size(DESKTOP)
        enlarge_text(narrow.page)
        assert any("campus-broken-clip" in lost for lost in clipped_text(narrow.page))
        narrow.page.keyboard.press("Tab")
        assert narrow.page.evaluate(FOCUS_STATE)["outline"] is True
        # An outline that is not there, or too faint against the background, is not a visible focus.
        narrow.page.add_style_tag(content=":focus-visible { outline: none !important; }")
        assert narrow.page.evaluate(FOCUS_STATE)["outline"] is False
        narrow.page.add_style_tag(content="body, .md-skip:focus-visible { outline: 3px solid #777 !important;"
                                          " background: #767676 !important; }")
        assert narrow.page.evaluate(FOCUS_STATE)["outline"] is False
    finally:
        narrow.close()
