"""Search and facets, as a visitor uses them: queries typed into the header's search box of the
built site, served by a plain static server on 127.0.0.1, in headless Chromium.

Needs Debian's Chromium (/usr/bin/chromium): `make test` installs it.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml

from conftest import ROOT, FolderServer as Served, parse
from mkdocs_campus.outputs.search import build_search_index, bundle_digest, normalise

playwright_api = pytest.importorskip("playwright.sync_api")

STATUS = "#campus-search-status"


# `chromium`: the session's one browser, from conftest.py (two Playwright sync sessions cannot coexist).


@pytest.fixture(scope="session")
def mini(mini_site):
    served = Served(mini_site)
    yield served
    served.close()


@pytest.fixture(scope="session")
def real(real_site):
    served = Served(real_site)
    yield served
    served.close()


@pytest.fixture
def tab(chromium):
    context = chromium.new_context(viewport={"width": 1280, "height": 800}, locale="fr-FR")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    context.close()
    assert errors == []


# --- helpers --------------------------------------------------------------------------------

def wait_for_status(page, contains: str = "") -> str:
    """The live region's text once the search has answered (and mentions `contains`)."""
    page.wait_for_function(
        """([selector, contains]) => {
             const text = document.querySelector(selector)?.textContent || "";
             return text && !text.startsWith("Chargement") && text.includes(contains);
           }""", arg=[STATUS, contains], timeout=15000)
    return page.locator(STATUS).inner_text()


def type_query(page, text: str) -> str:
    """Type into the header's search box as a person would, key by key; returns the status."""
    box = page.locator("#campus-search-q")
    box.click()
    box.fill("")
    box.press_sequentially(text, delay=20)
    return wait_for_status(page, f"« {text} »")


def results(page) -> list[dict]:
    return page.eval_on_selector_all("#campus-results > li.campus-result:not(.campus-result--empty)", """items =>
        items.map(li => ({
          title: li.querySelector(".campus-result__title")?.textContent.trim(),
          href: li.querySelector(".campus-result__title a")?.getAttribute("href"),
          type: li.querySelector(".campus-result__type")?.textContent.trim(),
          summary: li.querySelector(".campus-result__summary")?.textContent.trim() || "",
          marks: [...li.querySelectorAll(".campus-result__excerpt mark")].map(m => m.textContent),
        }))""")


def query_of(page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


def facet_box(page, name: str, value: str):
    return page.locator(f'#campus-facets input[type="checkbox"][name="{name}"][value="{value}"]')


def fold(text: str) -> str:
    import unicodedata
    return "".join(c for c in unicodedata.normalize("NFD", text.casefold()) if not unicodedata.combining(c))


# --- the search box, on every page ----------------------------------------------------------

def test_one_search_box_in_the_header_of_every_page(mini_site):
    pages = [p for p in mini_site.rglob("*.html") if "pagefind" not in p.parts
             and "admin" not in p.relative_to(mini_site).parts[:1]]  # admin/: the editor, no site header
    assert len(pages) > 15
    for path in pages:
        page = parse(path)
        forms = page.select('form[role="search"]')
        assert len(forms) == 1, path
        form = forms[0]
        assert form.find_parent("header") is not None, path
        field = form.select_one('input[name="q"]')
        assert form.select_one(f'label[for="{field["id"]}"]').get_text(strip=True) == "Rechercher dans le campus"
        # Without JavaScript the form still leads to the search page (the 404 page, served at any
        # depth, links from the site's root).
        action = form["action"]
        target = (mini_site / action.lstrip("/") if action.startswith("/") else path.parent / action).resolve()
        assert target == (mini_site / "recherche").resolve(), path
        assert not page.select('[data-md-component="search"]'), path  # Material's own search stays off


def test_every_page_but_search_and_404_is_indexed(mini_site):
    indexed = {p.relative_to(mini_site).as_posix() for p in mini_site.rglob("*.html")
               if parse(p).select("[data-pagefind-body]")}
    assert {"index.html", "ecoute/index.html", "communautes/codeveloppeurs/index.html",
            "formations/index.html", "plan-du-site/index.html"} <= indexed
    assert "recherche/index.html" not in indexed and "404.html" not in indexed
    assert (mini_site / "pagefind" / "pagefind.js").is_file()


def test_index_is_rebuilt_from_scratch_and_identically(mini_site, tmp_path):
    site = tmp_path / "site"
    shutil.copytree(mini_site, site)
    before = bundle_digest(site / "pagefind")
    stale = site / "pagefind" / "fragment" / "fr_stale.pf_fragment"
    stale.write_bytes(b"from a page removed since")
    build_search_index(site)
    assert not stale.exists()
    assert bundle_digest(site / "pagefind") == before
    assert any((site / "pagefind" / "filter").iterdir())  # facets are there, and stable


def test_typographic_apostrophe_is_made_straight_in_indexed_text_only():
    page = '<h1>L\u2019art</h1><p title="d\u2019État">l\u2019écoute</p><span data-value="d\u2019État"></span>'
    assert normalise(page) == ('<h1 data-campus-title="L\u2019art" data-pagefind-meta="title[data-campus-title]">'
                               "L'art</h1><p title=\"d\u2019État\">l'écoute</p><span data-value=\"d\u2019État\"></span>")


# --- queries --------------------------------------------------------------------------------

def test_accentless_query_finds_accented_text_with_type_summary_and_highlight(tab, real):
    tab.goto(real.url())
    tab.locator("#campus-search-q").fill("codeveloppement")
    tab.locator("#campus-search-q").press("Enter")  # the header's form opens the search page
    status = wait_for_status(tab, "« codeveloppement »")
    assert urlsplit(tab.url).path == "/recherche/" and query_of(tab) == {"q": ["codeveloppement"]}
    assert status.split()[0].isdigit() and int(status.split()[0]) >= 2
    found = results(tab)
    record = yaml.safe_load((ROOT / "catalogue" / "communities" / "codeveloppeurs.yml").read_text(encoding="utf-8"))
    community = next(r for r in found if r["href"] == "/communautes/codeveloppeurs/")
    assert community["title"] == record["title"]
    assert community["type"] == "Communauté"
    assert community["summary"] == record["summary"]
    assert community["marks"] and all("veloppe" in fold(m) for m in community["marks"])
    assert any("é" in m for r in found for m in r["marks"])  # the accented word is what is highlighted


def test_plural_finds_the_singular(tab, mini):
    tab.goto(mini.url("recherche/"))
    wait_for_status(tab)
    type_query(tab, "séminaires")
    titles = [r["title"] for r in results(tab)]
    assert "Séminaire du comité de direction de l'ANSSI" in titles
    mini_text = (Path(__file__).parent / "fixtures" / "mini").rglob("*.yml")
    assert not any("séminaires" in p.read_text(encoding="utf-8").casefold() for p in mini_text)


def test_word_after_a_typographic_apostrophe_in_a_hand_written_page(tab, mini):
    tab.goto(mini.url("recherche/"))
    wait_for_status(tab)
    type_query(tab, "ecoute")
    hit = [r for r in results(tab) if r["href"] == "/ecoute/"]
    assert hit and hit[0]["title"] == "L\u2019art de l\u2019écoute" and hit[0]["type"] == "Page du campus"
    type_query(tab, "l\u2019écoute")  # typed with the typographic apostrophe too
    assert "/ecoute/" in [r["href"] for r in results(tab)]


def test_facet_combined_with_text_by_keyboard_and_in_the_url(tab, mini):
    tab.goto(mini.url("recherche/"))
    wait_for_status(tab)
    type_query(tab, "facilitation")
    everything = results(tab)
    assert {"Communauté", "Formation"} <= {r["type"] for r in everything}
    assert not tab.locator("#campus-facets").is_visible()  # facets load on demand
    toggle = tab.locator("#campus-facets-toggle")
    assert toggle.get_attribute("aria-expanded") == "false"
    toggle.focus()
    tab.keyboard.press("Enter")
    box = facet_box(tab, "type", "Communauté")
    box.wait_for()
    assert toggle.get_attribute("aria-expanded") == "true"
    count = tab.locator(f'label[for="{box.get_attribute("id")}"] .campus-facet__count').inner_text()
    box.focus()
    tab.keyboard.press("Space")
    status = wait_for_status(tab, "Type de ressource : Communauté")
    narrowed = results(tab)
    assert narrowed and len(narrowed) < len(everything)
    assert {r["type"] for r in narrowed} == {"Communauté"}
    assert count == f"({len(narrowed)})"  # the count shown before ticking was the truth
    assert status.startswith(f"{len(narrowed)} résultat")
    assert query_of(tab) == {"q": ["facilitation"], "type": ["Communauté"]}
    # A second value of the same facet widens; a value of another facet narrows.
    facet_box(tab, "type", "Formation").check()
    wait_for_status(tab, "Communauté ou Formation")
    assert {r["type"] for r in results(tab)} == {"Communauté", "Formation"}
    assert query_of(tab)["type"] == ["Communauté", "Formation"]


def test_shared_url_restores_query_and_filters(tab, mini):
    tab.goto(mini.url("recherche/?q=facilitation&type=Formation&thematique=Facilitation"))
    wait_for_status(tab, "« facilitation »")
    assert tab.locator("#campus-search-q").input_value() == "facilitation"
    assert facet_box(tab, "type", "Formation").is_checked()
    assert facet_box(tab, "thematique", "Facilitation").is_checked()
    assert not facet_box(tab, "type", "Communauté").is_checked()
    assert [r["title"] for r in results(tab)] == ["Devenez facilitateur"]


def test_filters_alone_browse_the_catalogue(tab, mini):
    tab.goto(mini.url("recherche/?type=Outil"))
    status = wait_for_status(tab, "Outil")
    assert status.startswith("3 résultats")
    assert {r["type"] for r in results(tab)} == {"Outil"}


def test_session_facet_and_the_next_session_in_results(tab, mini):
    """The mini site is built on 10 December 2024 (conftest): its training's session of March 2025 is to come."""
    tab.goto(mini.url("recherche/?session=Session+%C3%A0+venir"))
    wait_for_status(tab, "Session à venir")
    assert [r["title"] for r in results(tab)] == ["Devenez facilitateur"]
    session = tab.locator("#campus-results .campus-result__session").inner_text()
    assert session == "Prochaine session : du 12 mars 2025 au 14 mars 2025 (Paris)"
    assert facet_box(tab, "session", "Session à venir").is_checked()


def test_empty_result_says_so_and_helps(tab, mini):
    tab.goto(mini.url("recherche/?type=Formation"))
    wait_for_status(tab, "Formation")
    status = type_query(tab, "xylophone")
    assert status.startswith("Aucun résultat pour « xylophone »")
    assert results(tab) == []
    help_box = tab.locator(".campus-result--empty")
    assert "orthographe" in help_box.inner_text()
    assert help_box.locator("a", has_text="plan du site").get_attribute("href") == "../plan-du-site/"
    help_box.locator("button", has_text="retirez tous les filtres").click()
    wait_for_status(tab, "Aucun résultat pour « xylophone ».")
    assert not facet_box(tab, "type", "Formation").is_checked() and "type" not in query_of(tab)


def test_search_page_at_360_px(chromium, mini):
    context = chromium.new_context(viewport={"width": 360, "height": 740}, locale="fr-FR")
    page = context.new_page()
    try:
        page.goto(mini.url("recherche/?q=facilitation&type=Formation"))
        wait_for_status(page, "« facilitation »")
        assert page.locator("#campus-search-q").is_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        assert page.locator("#campus-facets").is_visible() and results(page)
    finally:
        context.close()


# --- relevance and layout -------------------------------------------------------------------

def catalogue_titles() -> list[tuple[str, str]]:
    """(title, page path) of every record of the real catalogue."""
    from mkdocs_campus.catalogue.pipeline import read_catalogue
    catalogue = read_catalogue(ROOT / "catalogue", ROOT)
    return sorted((entry.record.title, entry.url) for entry in catalogue.by_id.values())


def test_a_title_query_ranks_its_record_in_the_first_three(tab, real):
    tab.goto(real.url("recherche/"))
    wait_for_status(tab)
    box = tab.locator("#campus-search-q")
    misplaced = []
    titles = catalogue_titles()
    assert len(titles) >= 50
    for title, url in titles:
        box.fill(title)
        box.press("Enter")
        wait_for_status(tab, f"« {title} »")
        hrefs = [r["href"] for r in results(tab)]
        if f"/{url.strip('/')}/" not in hrefs[:3]:
            misplaced.append((title, hrefs[:3]))
    assert misplaced == []


def test_codeveloppement_ranks_pages_about_it_before_pages_citing_a_source_about_it(tab, real):
    tab.goto(real.url("recherche/?q=codeveloppement"))
    wait_for_status(tab, "« codeveloppement »")
    # The pages about co-development (in their title or summary) come before the pages that only
    # cite a source whose note mentions it.
    found = results(tab)
    about = [i for i, r in enumerate(found) if "codevelopp" in fold(r["title"] + " " + r["summary"]).replace("-", "")]
    assert len(about) >= 5 and about == list(range(len(about))), [r["title"] for r in found]


CLS_OBSERVER = """window.__shifts = []; new PerformanceObserver((list) => { for (const e of list.getEntries())
  if (!e.hadRecentInput) window.__shifts.push(e.value); }).observe({ type: 'layout-shift', buffered: true });"""


@pytest.mark.parametrize("width", [1280, 360])
@pytest.mark.parametrize("query", ["?q=facilitation", "?q=facilitation&type=Formation&thematique=Facilitation"])
def test_results_arriving_do_not_shift_the_search_page(chromium, mini, width, query):
    context = chromium.new_context(viewport={"width": width, "height": 800}, locale="fr-FR")
    context.add_init_script(CLS_OBSERVER)
    page = context.new_page()
    try:
        page.goto(mini.url("recherche/" + query))  # as the header's form opens it
        wait_for_status(page, "« facilitation »")
        assert results(page)
        page.wait_for_timeout(500)  # late shifts (fonts, facets) are counted too
        assert sum(page.evaluate("window.__shifts")) <= 0.1
    finally:
        context.close()


def test_open_data_page_excerpt_reads_as_french_not_column_names(tab, real):
    import re
    tab.goto(real.url("recherche/?q=chiffres"))
    wait_for_status(tab, "« chiffres »")
    excerpt = tab.locator("#campus-results > li", has=tab.locator('a[href="/donnees/"]')).locator(
        ".campus-result__excerpt").inner_text()
    assert "Chiffres clés" in excerpt
    # No CSV column name (key_figures.label) nor a bare list of a field's values (« about, nearly. »).
    assert not re.search(r"\w[._]\w", excerpt) and "about, nearly." not in excerpt, excerpt


# --- an index in parts (a large site's, generator/outputs/search.py) --------------------------------

@pytest.fixture(scope="module")
def split(mini_site, tmp_path_factory):
    """The mini site with its index in four parts, as a large site's is: the browser merges them."""
    site = tmp_path_factory.mktemp("split") / "site"
    shutil.copytree(mini_site, site)
    build_search_index(site, pages_per_part=8)
    served = Served(site)
    yield served
    served.close()


def _what_a_visitor_sees(page, served, query: str) -> dict:
    page.goto(served.url(f"recherche/?q={query}&type=Formation&type=Communaut%C3%A9&type=Intervention"))
    status = wait_for_status(page, f"« {query} »")
    page.wait_for_function("() => [...document.querySelectorAll('.campus-facet__count')]"
                           ".every((c) => c.textContent)", timeout=15000)
    counts = page.eval_on_selector_all("#campus-facets input", """boxes => Object.fromEntries(boxes.map(b =>
        [b.name + '=' + b.value, document.querySelector(`label[for="${b.id}"] .campus-facet__count`).textContent]))""")
    return {"status": status, "results": sorted(r["href"] for r in results(page)), "facets": counts}


@pytest.mark.parametrize("query", ["facilitation", "séminaires", "codeveloppement", "xylophone"])
def test_an_index_in_parts_answers_as_one_index(tab, mini, split, query):
    one = _what_a_visitor_sees(tab, mini, query)
    parts = _what_a_visitor_sees(tab, split, query)
    assert parts == one
    assert one["facets"] and (query == "xylophone" or one["results"])
