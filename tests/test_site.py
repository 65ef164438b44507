"""The built site: pages, listings, themes, relations, safety and reproducibility."""

from __future__ import annotations

import filecmp
import re
from urllib.parse import urlparse

import pytest
import yaml

from conftest import FIXTURES, ROOT, build_site, copy_project, parse

from mkdocs_campus.commands.cli import main

MINI = FIXTURES / "mini" / "catalogue"
SECTIONS = {"communities": "communautes", "trainings": "formations", "tools": "outils",
            "interventions": "interventions"}


def fixture_records():
    for folder, section in SECTIONS.items():
        for path in sorted((MINI / folder).glob("*.yml")):
            yield section, path.stem, yaml.safe_load(path.read_text(encoding="utf-8"))


def links(soup, selector="article a[href]") -> set[str]:
    return {a["href"] for a in soup.select(selector)}


def article_text(soup) -> str:
    return " ".join(soup.select_one("article").get_text(" ").split())


def test_every_record_has_one_page_in_its_listing_and_theme_pages(mini_site):
    for section, record_id, data in fixture_records():
        pages = list(mini_site.glob(f"*/{record_id}/index.html"))
        assert pages == [mini_site / section / record_id / "index.html"]
        page = parse(pages[0])
        assert page.select_one("article h1").get_text(strip=True) == data["title"]
        listing = parse(mini_site / section / "index.html")
        assert f"{record_id}/" in links(listing, "article .campus-card__title a")
        for theme in data.get("themes", []):
            theme_page = parse(mini_site / "thematiques" / theme / "index.html")
            assert f"../../{section}/{record_id}/" in links(theme_page, "article .campus-card__title a")


def test_listing_shows_summary_and_key_facts(mini_site):
    listing = parse(mini_site / "formations" / "index.html")
    card = listing.find("a", string="Devenez facilitateur").find_parent("li")
    assert "La DITP forme des agents publics à la facilitation." in card.get_text()
    assert [li.get_text() for li in card.select(".campus-card__facts li")] == [
        "Prochaine session : du 12 mars 2025 au 14 mars 2025 (Paris)",
        "Hybride", "3 jours", "Formation qualifiante", "Direction interministérielle de la transformation publique (DITP)"]
    assert listing.select_one(".campus-count").get_text() == "2 formations"


def test_community_page_key_facts_and_diverging_member_counts(mini_site):
    page = parse(mini_site / "communautes" / "facilitateurs-publics" / "index.html")
    facts = {dt.get_text(): dd.get_text(" ", strip=True) for dt, dd in
             zip(page.select(".campus-facts dt"), page.select(".campus-facts dd"))}
    assert facts["Membres"].startswith("500 facilitateurs (au 10 décembre 2024 — source : La communauté des "
                                       "facilitateurs publics, DITP, 31 octobre 2024)")
    assert "plus de 450 facilitateurs en intelligence collective" in facts["Membres"]
    assert facts["Animée par"] == ("Pôle facilitation et intelligence collective, Direction interministérielle "
                                   "de la transformation publique (DITP)")
    assert facts["Périmètre"] == "Interministériel" and facts["Lieu"] == "France"
    assert "plusieurs effectifs" in page.select_one(".campus-note").get_text()


def test_relations_appear_on_both_sides(mini_site):
    def related(section, record_id):
        return links(parse(mini_site / section / record_id / "index.html"))

    assert "../../formations/devenez-facilitateur/" in related("communautes", "facilitateurs-publics")
    assert "../../communautes/facilitateurs-publics/" in related("formations", "devenez-facilitateur")
    assert "../../interventions/seminaire-anssi/" in related("communautes", "facilitateurs-publics")
    assert "../../communautes/facilitateurs-publics/" in related("interventions", "seminaire-anssi")
    assert {"../micro-defis/", "../fiches-decider-autrement/"} <= related("outils", "mallette")
    assert "../mallette/" in related("outils", "micro-defis")
    assert "../../interventions/seminaire-anssi/" in related("outils", "micro-defis")
    assert "../../outils/micro-defis/" in related("communautes", "codeveloppeurs")
    headings = [h.get_text() for h in parse(mini_site / "outils" / "micro-defis" / "index.html").select("article h2")]
    assert headings[:3] == ["Fait partie de", "Communautés liées", "Utilisé lors de"]


def test_relation_headings_depend_on_the_record_type(mini_site):
    def heading_above(section, record_id, href):  # the h2 a linked card comes under
        page = parse(mini_site / section / record_id / "index.html")
        return page.select_one(f'article .campus-card__title a[href="{href}"]').find_previous("h2").get_text(strip=True)

    # The same relation, seen from an intervention (the tools it used) and from a community (its tools).
    assert heading_above("interventions", "seminaire-anssi", "../../outils/micro-defis/") == "Outils utilisés"
    assert heading_above("communautes", "codeveloppeurs", "../../outils/micro-defis/") == "Outils publiés ou diffusés"
    assert heading_above("interventions", "seminaire-anssi", "../../communautes/facilitateurs-publics/") \
        == "Communautés qui l'ont animée"
    assert heading_above("communautes", "facilitateurs-publics", "../../interventions/seminaire-anssi/") \
        == "Interventions animées"


def test_related_resources_share_themes(mini_site):
    page = parse(mini_site / "outils" / "fiches-decider-autrement" / "index.html")
    section = page.find("h2", string="Ressources proches").find_next("ul")
    titles = [a.get_text() for a in section.select(".campus-card__title a")]
    # Most shared themes first, then the same type, then alphabetical; the collection is linked already.
    assert titles == ["Communauté des codéveloppeurs", "Micro-défis", "Communauté des facilitateurs publics",
                      "Programme de co-développement des directeurs de projet"]


def test_hostile_description_is_neutralised(mini_site):
    page = parse(mini_site / "formations" / "hostile" / "index.html")
    article = page.select_one("article")
    assert article.find("script") is None
    assert not [tag for tag in article.find_all(True) if any(a.startswith("on") for a in tag.attrs)]
    assert all(not a.get("href", "").lower().startswith("javascript:") for a in article.find_all("a"))
    # The refused link is left as its text, not as an <a> without address (invalid HTML, a dead link).
    assert all(a.get("href") for a in article.find_all("a"))
    assert "cliquez" in article.select_one(".campus-description").get_text()
    assert article.find("img") is None
    description = article.select_one(".campus-description")
    assert "Bonjour" in description.get_text()
    assert description.find("a", href="https://exemple.fr") is not None


def test_record_pages_stay_out_of_the_sidebar(mini_site):
    page = parse(mini_site / "communautes" / "facilitateurs-publics" / "index.html")
    nav_links = {a["href"] for a in page.select("nav.md-nav--primary a[href]")}
    assert "../" in nav_links  # the Communautés section is there
    assert not any(re.search(r"(communautes|formations|outils|interventions)/[a-z0-9-]+/$", h) for h in nav_links)
    labels = {a.get_text(strip=True) for a in page.select("nav.md-nav--primary a")}
    assert {"Communautés", "Formations", "Outils", "Interventions", "Thématiques"} <= labels
    assert "Communauté des facilitateurs publics" not in labels


def test_french_everywhere(mini_site):
    page = parse(mini_site / "formations" / "devenez-facilitateur" / "index.html")
    assert page.html["lang"] == "fr"
    assert page.title.get_text() == "Devenez facilitateur — Formation - Campus de la transformation publique"
    assert page.find("meta", attrs={"name": "description"})["content"] == \
        "La DITP forme des agents publics à la facilitation."
    sessions = page.select_one("table.campus-sessions tbody tr").get_text(" ", strip=True)
    assert sessions == "12 mars 2025 au 14 mars 2025 Paris"
    dates = page.select_one(".campus-dates").get_text(" ", strip=True)
    assert dates == "Fiche publiée le 31 octobre 2024 ."


def test_home_page_counts_themes_and_latest(mini_site):
    page = parse(mini_site / "index.html")
    assert page.select_one("article h1").get_text() == "Campus de test"
    counts = [li.get_text(" ", strip=True) for li in page.select(".campus-counts li")]
    assert counts == ["2 communautés", "2 formations", "3 outils", "2 interventions"]
    latest = [a.get_text() for a in page.select(".campus-latest a")]
    assert latest[0] == "Programme de co-développement des directeurs de projet"
    assert page.select_one(".campus-latest a")["href"] == "interventions/groupes-codev/"


def test_site_map_404_sitemap_favicon(mini_site):
    site_map = parse(mini_site / "plan-du-site" / "index.html")
    assert "../outils/micro-defis/" in links(site_map)
    assert (mini_site / "404.html").is_file()
    assert "communautes/facilitateurs-publics/" in (mini_site / "sitemap.xml").read_text()
    page = parse(mini_site / "index.html")
    assert page.find("link", rel="icon")["href"].endswith("assets/favicon.svg")
    assert (mini_site / "assets" / "favicon.svg").is_file()


def test_no_asset_from_another_host(mini_site):
    for path in mini_site.rglob("*.html"):
        page = parse(path)
        for tag, attr in (("script", "src"), ("link", "href"), ("img", "src"), ("iframe", "src"),
                          ("source", "src"), ("video", "src"), ("audio", "src")):
            for element in page.find_all(tag):
                url = element.get(attr)
                if not url or (tag == "link" and element.get("rel") in (["canonical"], ["alternate"])):
                    continue
                assert not urlparse(url).netloc, f"{path}: {tag} {url}"
    for css in mini_site.rglob("*.css"):
        assert "fonts.googleapis" not in css.read_text(encoding="utf-8", errors="replace")


def test_two_builds_are_identical(mini_site, tmp_path):
    again = tmp_path / "again"
    result = build_site(FIXTURES / "mini" / "mkdocs.yml", again)
    assert result.returncode == 0, result.stderr
    comparison = filecmp.dircmp(mini_site, again)

    def differences(cmp) -> list[str]:
        found = cmp.left_only + cmp.right_only + cmp.diff_files
        for sub in cmp.subdirs.values():
            found += differences(sub)
        return found

    # dircmp compares shallowly by size and time: compare contents for real.
    same = all((again / p.relative_to(mini_site)).read_bytes() == p.read_bytes()
               for p in mini_site.rglob("*") if p.is_file())
    assert differences(comparison) == [] and same


def test_invalid_catalogue_stops_the_build_with_check_messages(tmp_path):
    project = copy_project(FIXTURES / "mini", tmp_path / "project")
    bad = project / "catalogue" / "trainings" / "devenez-facilitateur.yml"
    bad.write_text(bad.read_text(encoding="utf-8").replace("themes: [facilitation]", "themes: [facilitaton]"),
                   encoding="utf-8")
    out = tmp_path / "site"
    result = build_site(project / "mkdocs.yml", out)
    assert result.returncode == 1
    assert ("catalogue/trainings/devenez-facilitateur.yml:13:10: thématique inconnue « facilitaton » "
            "(vouliez-vous dire « facilitation » ?)") in result.stderr
    assert "Traceback" not in result.stderr
    assert not (out / "index.html").exists()


def test_pages_command_writes_markdown_for_other_builders(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(FIXTURES / "mini")
    assert main(["pages", str(tmp_path / "pages")]) == 0
    page = (tmp_path / "pages" / "outils" / "mallette.md").read_text(encoding="utf-8")
    front, body = page.split("---\n", 2)[1:]
    assert yaml.safe_load(front)["title"] == "Mallette de la transformation managériale — Outil"
    assert "<h1>Mallette de la transformation managériale</h1>" in body
    assert {"index.md", "plan-du-site.md"} <= {p.name for p in (tmp_path / "pages").glob("*.md")}
    assert len(list((tmp_path / "pages").glob("*/*.md"))) == 9 + 4 + 5  # records, listings, themes + index


def test_real_site_builds_strictly(real_site):
    records = sum(1 for folder in SECTIONS for _ in (ROOT / "catalogue" / folder).glob("*.yml"))
    pages = sum(1 for section in SECTIONS.values() for _ in (real_site / section).glob("*/index.html"))
    assert records > 50 and pages == records


def test_fields_page_documents_every_field_of_every_type(mini_site):
    from mkdocs_campus.catalogue.records import RECORD_TYPES

    page = parse(mini_site / "champs-des-fiches" / "index.html")
    for record_type in RECORD_TYPES.values():
        table = page.find("h2", string=record_type.label).find_next("table")
        rows = {tr.select("td")[0].get_text(): tr.select("td")[2].get_text() for tr in table.select("tbody tr")}
        assert list(rows) == list(record_type.model.model_fields)
        assert {k for k, v in rows.items() if v == "oui"} == {
            name for name, info in record_type.model.model_fields.items() if info.is_required()}


def test_french_dates():
    import datetime as dt

    from mkdocs_campus.outputs.present import french_date

    assert french_date(dt.date(2024, 12, 10)) == "10 décembre 2024"
    assert french_date(dt.date(2024, 11, 1)) == "1er novembre 2024"


@pytest.mark.parametrize("count, expected", [(1, "1 membre"), (0, "0 membre"), (2, "2 membres")])
def test_a_community_card_agrees_its_member_count(tmp_path, count, expected):
    """The card of a community says « 1 membre » and « 2 membres », as French agrees them."""
    import shutil

    from mkdocs_campus.catalogue.pipeline import read_catalogue
    from mkdocs_campus.outputs import present
    shutil.copytree(FIXTURES / "mini", tmp_path / "mini")
    record = tmp_path / "mini/catalogue/communities/codeveloppeurs.yml"
    text = record.read_text(encoding="utf-8")
    record.write_text(text.replace("value: 300", f"value: {count}", 1), encoding="utf-8")
    catalogue = read_catalogue(tmp_path / "mini/catalogue", tmp_path / "mini")
    entry = catalogue.by_id["codeveloppeurs"]
    assert expected in present.Presenter(catalogue).key_facts(entry)
