"""Open data, feed and metadata: exports read back against the catalogue, the Atom feed,
the JSON-LD and OpenGraph of record pages, the "Données" and "Nouveautés" pages."""

from __future__ import annotations

import csv
import json
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest
from bs4 import BeautifulSoup
from referencing import Registry, Resource

from conftest import FIXTURES, build_site, copy_project, parse
from mkdocs_campus.catalogue import records as r
from mkdocs_campus.commands.cli import main
from mkdocs_campus.catalogue.pipeline import read_catalogue
from mkdocs_campus.outputs.render import SiteRenderer, split_front_matter

SITE_URL = "https://campus.test/"
ATOM = "{http://www.w3.org/2005/Atom}"
SEPARATOR = " | "

# Records added to a copy of the mini catalogue: every shape of field (nested objects, lists of
# objects, free text holding the list separator and a backslash), non-ASCII text of all kinds.
EXTRA = {
    "interventions/atelier-oeuvre.yml": """\
title: 'Atelier « Cœur d''œuvre » — 2ᵉ édition ✨ <i>&</i>'
summary: 'Un atelier où l''on mesure « l''écart » "réel" </title></script><script>alert(1)</script>'
description: |
  Texte sur **deux** lignes,
  avec « guillemets » et une barre | verticale.
requested_by: [anssi, ditp]
facilitated_by: [facilitateurs-publics, codeveloppeurs]
organisations: [ditp]
format: workshop
date: 2025-02-03
end_date: 2025-02-04
location: Saint-Étienne
participants:
  - value: 40
    qualifier: about
    label: agents
    as_of: 2025-02-04
    source: article-campus
  - value: 12
objectives: ["Choisir entre A | B", 'Garder C:\\chemin\\ intact', "Ça, c'est « fait »"]
methods: [Forum ouvert]
tools: [micro-defis, mallette]
outcomes: [Des idées]
themes: [facilitation, intelligence-collective]
key_figures:
  - value: 3
    label: ateliers
published: 2025-01-15
updated: 2025-02-10
sources: [article-campus, fiche-facilitateurs]
""",
    "communities/reseau-etendu.yml": """\
title: Réseau étendu des Ω-facilitateurs
summary: Un réseau né à Besançon, ouvert aux agents d'outre-mer.
organisation: ditp
members:
  - value: 1200
    qualifier: nearly
    label: membres
    as_of: 2025-01-01
founded: 2019
scope: all_public_services
location: Fort-de-France
audience: [agents, coaches]
activities:
  - title: Café | partage
    frequency: mensuel
    format: online
    duration: 1 h
    description: Un moment *libre*.
  - title: Université d'été
contact:
  email: reseau@example.gouv.fr
  url: https://example.gouv.fr/contact
join: Écrire à l'équipe.
url: https://example.gouv.fr/reseau
themes: [facilitation]
published: 2025-01-20
sources: [article-campus]
""",
}


def _schema_registry(schema_dir: Path) -> Registry:
    resources = [(p.name, Resource.from_contents(json.loads(p.read_text(encoding="utf-8"))))
                 for p in sorted(schema_dir.glob("*.json"))]
    return Registry().with_resources(resources)


WORKSHOP_TITLE = "Atelier « Cœur d'œuvre » — 2ᵉ édition ✨ <i>&</i>"
WORKSHOP_SUMMARY = "Un atelier où l'on mesure « l'écart » \"réel\" </title></script><script>alert(1)</script>"


@pytest.fixture(scope="module")
def extra_project(tmp_path_factory) -> Path:
    """A copy of the mini project whose catalogue also holds EXTRA."""
    project = copy_project(FIXTURES / "mini", tmp_path_factory.mktemp("extra") / "project")
    for path, text in EXTRA.items():
        (project / "catalogue" / path).write_text(text, encoding="utf-8")
    return project


@pytest.fixture(scope="module")
def exported(extra_project):
    """`campus export` of the mini catalogue plus EXTRA: (catalogue, export folder)."""
    catalogue_dir = extra_project / "catalogue"
    out = extra_project.parent / "out"
    assert main(["export", str(out), "--catalogue", str(catalogue_dir), "--site-url", SITE_URL]) == 0
    return read_catalogue(catalogue_dir), out


# --- JSON -----------------------------------------------------------------------------------

def test_json_holds_every_record_with_the_same_values(exported):
    catalogue, out = exported
    text = (out / "campus.json").read_text(encoding="utf-8")
    assert "Cœur d'œuvre" in text and "\\u" not in text  # non-ASCII kept as is
    data = json.loads(text)
    by_id = {item["id"]: item for item in data["records"]}
    assert len(by_id) == len(data["records"]) == len(catalogue.entries) == 11
    for entry in catalogue.entries:
        item = by_id[entry.id]
        assert item["type"] == entry.type
        assert item["page"] == SITE_URL + entry.url
        # The fields read back through the strict model give the very same record.
        assert entry.type_info.model.model_validate_json(json.dumps(item["fields"])) == entry.record
        assert item["relations"] == {name: [e.id for e in linked] for name, linked in entry.links.items() if linked}
    workshop = by_id["atelier-oeuvre"]
    assert workshop["fields"]["title"] == WORKSHOP_TITLE and workshop["fields"]["summary"] == WORKSHOP_SUMMARY
    assert workshop["fields"]["objectives"][1] == "Garder C:\\chemin\\ intact"
    assert by_id["facilitateurs-publics"]["relations"]["interventions"] == ["atelier-oeuvre", "seminaire-anssi"]
    for name, model in (("themes", r.Theme), ("organisations", r.Organisation), ("sources", r.Source)):
        items = getattr(catalogue, name)
        assert [model.model_validate_json(json.dumps(x)) for x in data[name]] == [items[k] for k in sorted(items)]
    assert data["updated"] == "2025-02-10"
    assert "etalab.gouv.fr" in data["licence"]["url"]


def test_json_order_is_stable_by_type_then_id(exported):
    _, out = exported
    records = json.loads((out / "campus.json").read_text(encoding="utf-8"))["records"]
    order = list(r.RECORD_TYPES)
    keys = [(order.index(x["type"]), x["id"]) for x in records]
    assert keys == sorted(keys)


def test_json_matches_the_published_schemas(exported):
    _, out = exported
    registry = _schema_registry(out / "schemas")
    data = json.loads((out / "campus.json").read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(registry["campus.schema.json"].contents, registry=registry)
    validator.validate(data)
    for item in data["records"]:  # each record's fields, alone, against its type's schema
        schema = json.loads((out / "schemas" / f"{item['type']}.schema.json").read_text(encoding="utf-8"))
        jsonschema.Draft202012Validator(schema).validate(item["fields"])
    # The schemas do refuse what the models refuse.
    broken = json.loads(json.dumps(data))
    del broken["records"][0]["fields"]["title"]
    broken["records"][1]["fields"]["surprise"] = 1
    broken["themes"][0]["id"] = "Pas Un Identifiant"
    assert len(list(validator.iter_errors(broken))) == 3


# --- CSV ------------------------------------------------------------------------------------

def _split(cell: str) -> list[str]:
    """Undo the documented list encoding: items joined by ' | ', '\\' and '|' escaped by '\\'."""
    items, current, i = [], "", 0
    while i < len(cell):
        if cell[i] == "\\" and i + 1 < len(cell):
            current += cell[i + 1]
            i += 2
        elif cell.startswith(SEPARATOR, i):
            items.append(current)
            current, i = "", i + len(SEPARATOR)
        else:
            current += cell[i]
            i += 1
    return items + [current] if cell else []


def _is_array(prop: dict) -> bool:
    return prop.get("type") == "array" or any(p.get("type") == "array" for p in prop.get("anyOf", []))


def _text_leaves(value):
    """The comparable content of a value: text leaves, absent values and empty containers dropped."""
    if isinstance(value, dict):
        kept = {k: _text_leaves(v) for k, v in value.items()}
        return {k: v for k, v in kept.items() if v not in (None, "", [], {})} or None
    if isinstance(value, list):
        return [_text_leaves(v) for v in value] or None
    return None if value is None or value == "" else str(value)


def _record_from_row(row: dict, schema: dict) -> dict:
    """A CSV row back to a record (text leaves), guided by the published schema only."""
    record: dict = {}
    columns_of_lists: dict[str, dict[str, list[str]]] = {}
    for column, cell in row.items():
        field, _, sub = column.partition(".")
        if field not in schema["properties"]:
            continue  # id, page and relation columns
        many = _is_array(schema["properties"][field])
        if not sub:
            record[field] = _split(cell) if many else cell
        elif many:
            columns_of_lists.setdefault(field, {})[sub] = _split(cell)
        else:
            record.setdefault(field, {})[sub] = cell
    for field, columns in columns_of_lists.items():
        # The n-th value of each column is the n-th item; a column left empty has no value for any item.
        count = max(map(len, columns.values()))
        assert all(len(values) in (0, count) for values in columns.values()), columns
        record[field] = [{sub: (values[n] if values else "") for sub, values in columns.items()}
                         for n in range(count)]
    return _text_leaves(record)


def test_csv_has_every_record_and_every_value(exported):
    catalogue, out = exported
    for info in r.RECORD_TYPES.values():
        raw = (out / f"{info.name}.csv").read_bytes()
        assert not raw.startswith(b"\xef\xbb\xbf")  # UTF-8 without BOM
        with open(out / f"{info.name}.csv", encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
        schema = json.loads((out / "schemas" / f"{info.name}.schema.json").read_text(encoding="utf-8"))
        entries = catalogue.of_type(info.name)
        assert sorted(row["id"] for row in rows) == sorted(e.id for e in entries)
        for row in rows:
            entry = catalogue.by_id[row["id"]]
            assert row["page"] == SITE_URL + entry.url
            assert _record_from_row(row, schema) == _text_leaves(entry.record.model_dump(mode="json")), entry.id
            for name, linked in entry.links.items():
                if name in row and name not in schema["properties"]:  # relations pointing here
                    assert _split(row[name]) == [e.id for e in linked]


def test_csv_list_encoding_survives_separators_and_non_ascii(exported):
    _, out = exported
    with open(out / "intervention.csv", encoding="utf-8", newline="") as handle:
        row = next(x for x in csv.DictReader(handle) if x["id"] == "atelier-oeuvre")
    assert row["objectives"] == "Choisir entre A \\| B | Garder C:\\\\chemin\\\\ intact | Ça, c'est « fait »"
    assert _split(row["objectives"]) == ["Choisir entre A | B", "Garder C:\\chemin\\ intact", "Ça, c'est « fait »"]
    assert _split(row["participants.value"]) == ["40", "12"]
    assert _split(row["participants.label"]) == ["agents", ""]
    assert row["description"] == "Texte sur **deux** lignes,\navec « guillemets » et une barre | verticale.\n"
    assert row["title"] == WORKSHOP_TITLE and row["summary"] == WORKSHOP_SUMMARY


def test_export_is_deterministic_and_refuses_a_broken_catalogue(exported, tmp_path, capsys):
    _, out = exported
    catalogue_dir = out.parent / "project" / "catalogue"
    again = tmp_path / "again"
    assert main(["export", str(again), "--catalogue", str(catalogue_dir), "--site-url", SITE_URL]) == 0
    names = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    assert names == sorted(p.relative_to(again).as_posix() for p in again.rglob("*") if p.is_file())
    for name in names:
        assert (out / name).read_bytes() == (again / name).read_bytes(), name

    broken = Path(shutil.copytree(catalogue_dir, tmp_path / "broken"))
    (broken / "tools" / "mallette.yml").write_text("title: Sans résumé\n", encoding="utf-8")
    capsys.readouterr()
    assert main(["export", str(tmp_path / "nothing"), "--catalogue", str(broken)]) == 1
    output = capsys.readouterr().out
    assert "mallette.yml:1:1:" in output and "Traceback" not in output
    assert not (tmp_path / "nothing").exists()


# --- in the built site ----------------------------------------------------------------------

def test_site_publishes_the_same_exports_as_the_command(mini_site, tmp_path):
    out = tmp_path / "out"
    assert main(["export", str(out), "--catalogue", str(FIXTURES / "mini" / "catalogue"),
                 "--config", str(FIXTURES / "mini" / "mkdocs.yml")]) == 0
    published = mini_site / "donnees"
    names = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    assert "campus.json" in names and "community.csv" in names and "schemas/campus.schema.json" in names
    for name in names:
        assert (published / name).read_bytes() == (out / name).read_bytes(), name


def test_data_page_describes_every_file_and_column(mini_site):
    page = parse(mini_site / "donnees" / "index.html")
    article = page.select_one("article")
    assert article.h1.get_text(strip=True) == "Données ouvertes"
    hrefs = {a["href"] for a in article.select("a[href]")}
    for path in (mini_site / "donnees").rglob("*"):
        if path.is_file() and path.name != "index.html":
            assert path.relative_to(mini_site / "donnees").as_posix() in hrefs, path.name
    assert "Licence Ouverte" in article.get_text() and any("etalab.gouv.fr" in h for h in hrefs)
    for info in r.RECORD_TYPES.values():
        with open(mini_site / "donnees" / f"{info.name}.csv", encoding="utf-8", newline="") as handle:
            header = next(csv.reader(handle))
        heading = article.find(["h2", "h3"], string=re.compile(rf"^{info.name}\.csv"))
        table = heading.find_next("table")
        assert [tr.td.get_text(strip=True) for tr in table.tbody.find_all("tr")] == header
    assert SEPARATOR in [code.get_text() for code in article.find_all("code")]  # the list encoding is documented


def _atom_date(text: str) -> str:
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z", text), text
    return text[:10]


def test_feed_is_valid_atom_with_one_entry_per_record(mini_site):
    catalogue = read_catalogue(FIXTURES / "mini" / "catalogue")
    feed = ET.parse(mini_site / "feed.xml").getroot()
    assert feed.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated"):
        assert len(feed.findall(f"{ATOM}{required}")) == 1 and feed.find(f"{ATOM}{required}").text
    assert feed.find(f"{ATOM}author/{ATOM}name").text
    self_link = feed.find(f"{ATOM}link[@rel='self']")
    assert self_link.get("href") == SITE_URL + "feed.xml"
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == len(catalogue.entries)
    seen, dates = set(), []
    for item in entries:
        link = item.find(f"{ATOM}link[@rel='alternate']").get("href")
        assert link.startswith(SITE_URL)
        assert (mini_site / link[len(SITE_URL):] / "index.html").is_file()
        entry = next(e for e in catalogue.entries if SITE_URL + e.url == link)
        assert item.find(f"{ATOM}id").text == link and link not in seen
        seen.add(link)
        assert item.find(f"{ATOM}title").text == entry.title
        assert entry.record.summary in item.find(f"{ATOM}summary").text
        assert _atom_date(item.find(f"{ATOM}published").text) == entry.record.published.isoformat()
        updated = _atom_date(item.find(f"{ATOM}updated").text)
        assert updated == (entry.record.updated or entry.record.published).isoformat()
        dates.append(updated)
    assert dates == sorted(dates, reverse=True)
    assert _atom_date(feed.find(f"{ATOM}updated").text) == dates[0]  # no build time stamp


def test_every_page_links_the_feed_and_has_description_and_opengraph(mini_site):
    pages = sorted(p for p in mini_site.rglob("*.html") if "admin" not in p.relative_to(mini_site).parts[:1])  # admin/: the editor
    assert len(pages) > 20
    for path in pages:
        page = parse(path)
        head = page.head
        feed = head.find_all("link", rel="alternate", type="application/atom+xml")
        assert len(feed) == 1, path
        href = feed[0]["href"]  # relative, or from the site's root on the 404 page (served at any path)
        target = mini_site / href[1:] if href.startswith("/") else path.parent / href
        assert target.resolve() == (mini_site / "feed.xml").resolve(), path
        description = head.find("meta", attrs={"name": "description"})["content"]
        assert description
        if path.name == "404.html":  # not a page to share: no OpenGraph, no canonical address
            continue
        og = {m["property"]: m["content"] for m in head.find_all("meta", property=re.compile("^og:"))}
        assert og["og:description"] == description, path
        assert og["og:locale"] == "fr_FR" and og["og:site_name"] == "Campus de la transformation publique"
        assert og["og:title"] and og["og:type"] in ("website", "article")
        canonical = head.find("link", rel="canonical")["href"]
        folder = path.parent.relative_to(mini_site).as_posix()
        assert og["og:url"] == canonical == SITE_URL + ("" if folder == "." else folder + "/"), path


EXPECTED_TYPES = {"community": "Organization", "training": "Course", "tool": "CreativeWork",
                  "intervention": "Event"}


def _jsonld(page: BeautifulSoup) -> dict:
    scripts = page.find_all("script", type="application/ld+json")
    assert len(scripts) == 1
    return json.loads(scripts[0].string)


def test_record_pages_carry_schema_org_jsonld(mini_site):
    catalogue = read_catalogue(FIXTURES / "mini" / "catalogue")
    for entry in catalogue.entries:
        page = parse(mini_site / entry.url / "index.html")
        data = _jsonld(page)
        assert data["@context"] == "https://schema.org"
        assert data["@type"] == EXPECTED_TYPES[entry.type]
        assert data["name"] == entry.title and data["description"] == entry.record.summary
        assert data["url"] == data["@id"] == page.head.find("link", rel="canonical")["href"] == SITE_URL + entry.url
        og = {m["property"]: m["content"] for m in page.head.find_all("meta", property=re.compile("^og:"))}
        assert og["og:type"] == "article" and og["og:description"] == entry.record.summary
    assert _jsonld(parse(mini_site / "communautes" / "facilitateurs-publics" / "index.html"))["parentOrganization"][
        "alternateName"] == "DITP"
    course = _jsonld(parse(mini_site / "formations" / "devenez-facilitateur" / "index.html"))
    assert course["provider"]["name"] == "Direction interministérielle de la transformation publique"
    assert course["hasCourseInstance"] == [{"@type": "CourseInstance", "courseMode": "blended",
                                            "startDate": "2025-03-12", "endDate": "2025-03-14",
                                            "location": {"@type": "Place", "name": "Paris"}}]
    tool = _jsonld(parse(mini_site / "outils" / "micro-defis" / "index.html"))
    assert tool["isPartOf"]["@id"] == SITE_URL + "outils/mallette/" and tool["genre"] == "Défis"
    event = _jsonld(parse(mini_site / "interventions" / "seminaire-anssi" / "index.html"))
    assert [o["@id"] for o in event["organizer"]] == [SITE_URL + "communautes/facilitateurs-publics/"]
    assert event["sponsor"][0]["alternateName"] == "ANSSI"
    # Pages that are not records carry no record metadata.
    assert not parse(mini_site / "communautes" / "index.html").find_all("script", type="application/ld+json")


def test_jsonld_cannot_close_its_script_element(exported):
    """A summary holding '</script>' stays inside the JSON-LD, as main.html prints it."""
    catalogue, _ = exported
    renderer = SiteRenderer(catalogue, site_url=SITE_URL)
    page = renderer.page_plan()["interventions/atelier-oeuvre.md"]()
    meta, _ = split_front_matter(page.text)
    html = f'<html><head><script type="application/ld+json">{meta["jsonld"]}</script></head><body></body></html>'
    soup = BeautifulSoup(html, "html5lib")
    assert len(soup.find_all("script")) == 1
    data = _jsonld(soup)
    assert data["description"] == catalogue.by_id["atelier-oeuvre"].record.summary
    assert data["startDate"] == "2025-02-03" and data["endDate"] == "2025-02-04"
    assert data["location"] == {"@type": "Place", "name": "Saint-Étienne"}


def test_news_page_lists_latest_changes_and_links_the_feed(mini_site):
    page = parse(mini_site / "nouveautes" / "index.html")
    article = page.select_one("article")
    feed_link = article.find("a", href="../feed.xml")
    assert feed_link is not None and feed_link.get("type") == "application/atom+xml"
    entries = ET.parse(mini_site / "feed.xml").getroot().findall(f"{ATOM}entry")
    items = article.select("ol.campus-news > li")
    assert ["../" + e.find(f"{ATOM}link").get("href")[len(SITE_URL):] for e in entries] == \
        [li.a["href"] for li in items]
    first = items[0].get_text(" ", strip=True)
    assert first.startswith("11 décembre 2024") and "Nouvelle fiche" in first
    updated = next(li for li in items if li.a["href"] == "../communautes/facilitateurs-publics/")
    assert "Fiche mise à jour" in updated.get_text() and updated.time["datetime"] == "2024-12-10"


def test_home_page_leads_to_news_feed_and_data(mini_site):
    article = parse(mini_site / "index.html").select_one("article")
    for href in ("nouveautes/", "feed.xml", "donnees/"):
        link = article.find("a", href=href)
        assert link is not None, href
        assert (mini_site / href / ("index.html" if href.endswith("/") else "")).is_file()


def test_titles_and_summaries_stay_text_in_the_head(extra_project, tmp_path):
    """Material prints front matter titles and descriptions as HTML: a record cannot inject markup."""
    site = tmp_path / "site"
    result = build_site(extra_project / "mkdocs.yml", site)
    assert result.returncode == 0, result.stderr
    page = parse(site / "interventions" / "atelier-oeuvre" / "index.html")
    head = page.head
    assert head.find("meta", attrs={"name": "description"})["content"] == WORKSHOP_SUMMARY
    og = {m["property"]: m["content"] for m in head.find_all("meta", property=re.compile("^og:"))}
    assert og["og:description"] == WORKSHOP_SUMMARY
    assert og["og:title"] == f"{WORKSHOP_TITLE} — Intervention"
    assert head.title.get_text().startswith(f"{WORKSHOP_TITLE} — Intervention")
    assert _jsonld(page)["description"] == WORKSHOP_SUMMARY and _jsonld(page)["name"] == WORKSHOP_TITLE
    assert not page.find_all("i") or all(i.get_text() != "&" for i in page.find_all("i"))
    assert not [s for s in page.find_all("script") if "alert(1)" in (s.string or "")
                and s.get("type") != "application/ld+json"]


def test_real_catalogue_exports_feed_and_metadata_are_valid(real_site):
    """The real records, with all their variety, go through the same checks."""
    from conftest import ROOT
    catalogue = read_catalogue(ROOT / "catalogue")
    registry = _schema_registry(real_site / "donnees" / "schemas")
    data = json.loads((real_site / "donnees" / "campus.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(registry["campus.schema.json"].contents, registry=registry).validate(data)
    assert [x["id"] for x in data["records"]] == [e.id for e in sorted(
        catalogue.entries, key=lambda e: (list(r.RECORD_TYPES).index(e.type), e.id))]
    entries = ET.parse(real_site / "feed.xml").getroot().findall(f"{ATOM}entry")
    assert len(entries) == min(50, len(catalogue.entries))
    for entry in catalogue.entries:
        page = parse(real_site / entry.url / "index.html")
        data = _jsonld(page)
        assert data["@type"] == EXPECTED_TYPES[entry.type] and data["name"] == entry.title
        assert page.head.find("meta", attrs={"name": "description"})["content"] == entry.record.summary
    site_map = parse(real_site / "plan-du-site" / "index.html").select_one("article")
    assert site_map.find("a", href="../donnees/") and site_map.find("a", href="../nouveautes/")


def test_export_reads_site_url_from_any_mkdocs_config(tmp_path, monkeypatch):
    """`!ENV` (with its default or the variable) and Material's `!!python/name:` tags do not stop it."""
    config = tmp_path / "mkdocs.yml"
    config.write_text('site_url: !ENV [CAMPUS_TEST_URL, "https://defaut.test/"]\nmarkdown_extensions:\n'
                      "  - pymdownx.emoji:\n      emoji_index: !!python/name:material.extensions.emoji.twemoji\n",
                      encoding="utf-8")
    catalogue = str(FIXTURES / "mini" / "catalogue")
    monkeypatch.delenv("CAMPUS_TEST_URL", raising=False)
    assert main(["export", str(tmp_path / "a"), "--catalogue", catalogue, "--config", str(config)]) == 0
    monkeypatch.setenv("CAMPUS_TEST_URL", "https://fork.test/campus/")
    assert main(["export", str(tmp_path / "b"), "--catalogue", catalogue, "--config", str(config)]) == 0
    pages = [json.loads((tmp_path / d / "campus.json").read_text(encoding="utf-8"))["records"][0]["page"]
             for d in ("a", "b")]
    assert pages == ["https://defaut.test/communautes/codeveloppeurs/",
                     "https://fork.test/campus/communautes/codeveloppeurs/"]
