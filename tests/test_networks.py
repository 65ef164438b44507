"""Campuses combine: a campus (« Réseau A », written by `campus init`) includes another's open data
export (« Réseau B », the mini fixture's `campus export`) served by a loopback HTTP server."""

from __future__ import annotations

import copy
import csv
import gzip
import io
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import cbor2
import pytest

from conftest import FIXTURES, FolderServer, build_site, free_port, parse

CAMPUS = [sys.executable, "-m", "mkdocs_campus.commands.cli"]
SECTIONS = {"communautes": "community", "formations": "training", "outils": "tool", "interventions": "intervention"}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A loopback HTTP server over a folder the tests fill with exports."""
    root = tmp_path_factory.mktemp("served")
    with FolderServer(root) as httpd:
        yield {"root": root, "url": httpd.url()}


@pytest.fixture(scope="module")
def b_export(server) -> dict:
    """Réseau B's export, as its site publishes it at <server>/b/donnees/campus.json."""
    out = server["root"] / "b" / "donnees"
    result = subprocess.run([*CAMPUS, "export", str(out), "--site-url", server["url"] + "b/"],
                            cwd=FIXTURES / "mini", capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return json.loads((out / "campus.json").read_text(encoding="utf-8"))


def publish(server, name: str, data) -> str:
    """Serve `data` (JSON data, or raw bytes) at <server>/<name>/donnees/campus.json; its address."""
    path = server["root"] / name / "donnees" / "campus.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data if isinstance(data, bytes) else json.dumps(data, ensure_ascii=False).encode())
    return f"{server['url']}{name}/donnees/campus.json"


def closed_port_url() -> str:
    return f"http://127.0.0.1:{free_port()}/donnees/campus.json"


def make_a(base: Path, networks: list[dict], extra: str = "") -> Path:
    """Réseau A: a new campus with two records, one with the same id as one of Réseau B's."""
    result = subprocess.run([*CAMPUS, "init", "a", "Réseau A"], cwd=base, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    site = base / "a"
    mini = FIXTURES / "mini" / "catalogue"
    shutil.copy(mini / "organisations.yml", site / "catalogue")
    shutil.copy(mini / "sources.yml", site / "catalogue")
    # Two of B's four themes: B's others are unknown here and keep B's names.
    (site / "catalogue/themes.yml").write_text(
        "- id: facilitation\n  title: Facilitation\n- id: simplification\n  title: Simplification\n", encoding="utf-8")
    (site / "catalogue/communities").mkdir()
    text = (mini / "communities/facilitateurs-publics.yml").read_text(encoding="utf-8")
    text = re.sub(r"(?m)^title: .*$", "title: Facilitateurs du réseau A", text)
    text = text.replace("themes: [facilitation, intelligence-collective]", "themes: [facilitation]")
    (site / "catalogue/communities/facilitateurs-publics.yml").write_text(text, encoding="utf-8")
    (site / "catalogue/tools").mkdir()
    (site / "catalogue/tools/carnet-du-reseau-a.yml").write_text(
        "title: Carnet du réseau A\nsummary: Les pratiques du réseau A.\nkind: guide\nthemes: [simplification]\n"
        "communities: [facilitateurs-publics]\npublished: 2025-01-02\nsources: [fiche-facilitateurs]\n",
        encoding="utf-8")
    lines = ["      networks:"]
    for network in networks:
        lines += [f"        - name: {json.dumps(network['name'], ensure_ascii=False)}",
                  f"          url: {json.dumps(network['url'])}"]
        if network.get("required"):
            lines.append("          required: true")
    config = site / "mkdocs.yml"
    text = config.read_text(encoding="utf-8").replace("      primary_color: \"#000091\"\n",
                                                      "      primary_color: \"#000091\"\n" + "\n".join(lines) + "\n" + extra)
    config.write_text(text, encoding="utf-8")
    check = subprocess.run([*CAMPUS, "check"], cwd=site, capture_output=True, text=True)
    assert check.returncode == 0, check.stdout
    return site


def build(site: Path, out: Path, strict: bool = True) -> subprocess.CompletedProcess:
    if strict:
        return build_site(site / "mkdocs.yml", out)
    from conftest import BUILD_ENV, MKDOCS
    return subprocess.run([*MKDOCS, "build", "--no-strict", "-f", str(site / "mkdocs.yml"), "-d", str(out)],
                          capture_output=True, text=True, env=BUILD_ENV, cwd=site)


def record_pages(out: Path) -> dict[str, Path]:
    """Record page URL path ('formations/x/') -> file."""
    return {f"{section}/{page.parent.name}/": page for section in SECTIONS
            for page in sorted((out / section).glob("*/index.html"))}


def listing_cards(out: Path) -> int:
    return sum(len(parse(out / section / "index.html").select("li.campus-card")) for section in SECTIONS)


def _read_chunk(path: Path):
    """A chunk of Pagefind's index as data: gzip, then Pagefind's signature, then CBOR."""
    raw = gzip.decompress(path.read_bytes())
    assert raw.startswith(b"pagefind_dcd"), path
    return cbor2.loads(raw[len(b"pagefind_dcd"):])


def search_filter(out: Path, name: str) -> dict[str, int]:
    """Pages per value of one filter, read from the Pagefind index itself."""
    entry = json.loads((out / "pagefind/pagefind-entry.json").read_text(encoding="utf-8"))
    meta = _read_chunk(out / "pagefind" / f"pagefind.{entry['languages']['fr']['hash']}.pf_meta")
    chunk_hash = dict(meta[3])[name]
    chunk = _read_chunk(out / "pagefind" / "filter" / f"{chunk_hash}.pf_filter")
    return {value: len(pages) for value, pages in chunk[1]}


def facts(page) -> dict[str, str]:
    return {item.dt.get_text(strip=True): item.dd for item in page.select(".campus-facts__item")}


@pytest.fixture(scope="module")
def combined(tmp_path_factory, server, b_export) -> dict:
    base = tmp_path_factory.mktemp("combined")
    url = publish(server, "b-ok", b_export)
    site = make_a(base, [{"name": "Réseau B", "url": url}])
    result = build(site, base / "out")
    assert result.returncode == 0, result.stderr
    return {"site": site, "out": base / "out", "url": url, "log": result.stderr + result.stdout}


def test_counts_agree_everywhere(combined, b_export):
    out = combined["out"]
    local, imported = 2, len(b_export["records"])
    pages = record_pages(out)
    assert len(pages) == local + imported
    assert listing_cards(out) == local + imported
    home_counts = sum(int(li.strong.get_text()) for li in parse(out / "index.html").select("ul.campus-counts li"))
    assert home_counts == local + imported
    assert search_filter(out, "reseau") == {"Réseau A": local, "Réseau B": imported}
    assert sum(search_filter(out, "type").values()) == local + imported
    # The exports are this campus's own records, and name the network they include.
    data = json.loads((out / "donnees/campus.json").read_text(encoding="utf-8"))
    assert len(data["records"]) == local
    assert data["version"] == "1.0"
    assert data["networks"] == [{"name": "Réseau B", "url": combined["url"]}]
    csv_rows = sum(len(list(csv.DictReader(io.StringIO((out / f"donnees/{t}.csv").read_text(encoding="utf-8")))))
                   for t in SECTIONS.values())
    assert csv_rows == local
    assert "réseau « Réseau B » : 9 fiches incluses (à jour)" in combined["log"]
    links = subprocess.run([*CAMPUS, "links", str(out)], capture_output=True, text=True)
    assert links.returncode == 0, links.stdout


def test_campus_export_is_byte_stable_and_equal_to_the_site(combined, tmp_path):
    for run in ("one", "two"):
        result = subprocess.run([*CAMPUS, "export", str(tmp_path / run)], cwd=combined["site"],
                                capture_output=True, text=True)
        assert result.returncode == 0, result.stderr
    for name in ("campus.json", "community.csv", "tool.csv"):
        published = (combined["out"] / "donnees" / name).read_bytes()
        assert (tmp_path / "one" / name).read_bytes() == published == (tmp_path / "two" / name).read_bytes()


def test_ids_are_namespaced_so_both_networks_keep_theirs(combined):
    out = combined["out"]
    ours = parse(out / "communautes/facilitateurs-publics/index.html")
    theirs = parse(out / "communautes/reseau-b--facilitateurs-publics/index.html")
    assert ours.h1.get_text(strip=True) == "Facilitateurs du réseau A"
    assert theirs.h1.get_text(strip=True) == "Communauté des facilitateurs publics"


def test_an_imported_record_shows_its_network_original_licence_and_sources(combined, server):
    page = parse(combined["out"] / "formations/reseau-b--devenez-facilitateur/index.html")
    original = server["url"] + "b/formations/devenez-facilitateur/"
    assert page.find("link", rel="canonical")["href"] == original
    shown = facts(page)
    assert shown["Réseau"].get_text(strip=True) == "Réseau B"
    assert shown["Réseau"].a["href"] == server["url"] + "b-ok/"
    assert shown["Fiche d'origine"].a["href"] == original
    assert "Licence Ouverte" in shown["Licence"].get_text()
    assert page.select(".campus-sources li")  # B's own sources
    # No edit link: the record is edited on its own campus.
    assert not page.select("a.md-content__button[href*='edit']")
    # Relations inside B are kept, to B's records.
    communities = shown["Communautés"].find_all("a")
    assert communities and all("reseau-b--" in a["href"] for a in communities)
    # Local records are not changed: no network fact, their own canonical link.
    ours = parse(combined["out"] / "communautes/facilitateurs-publics/index.html")
    assert "Réseau" not in facts(ours)
    assert ours.find("link", rel="canonical")["href"].endswith("/communautes/facilitateurs-publics/")


def test_the_sitemap_lists_our_own_pages_only(combined):
    """An imported record's canonical address is on its network's site: our sitemap, which may list
    only addresses of our site, leaves it to that network's sitemap; every local page is listed once."""
    from xml.etree import ElementTree
    out = combined["out"]
    site_url = parse(out / "index.html").find("link", rel="canonical")["href"]
    namespace = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
    listed = [loc.text for loc in ElementTree.parse(out / "sitemap.xml").iter(namespace + "loc")]
    assert listed and all(address.startswith(site_url) for address in listed), listed
    assert len(listed) == len(set(listed))
    pages = record_pages(out)
    local = {page for page in pages if "reseau-b--" not in page}
    assert local and {site_url + page for page in local} <= set(listed)
    assert not any("reseau-b--" in address for address in listed)


def test_themes_matched_by_id_and_unknown_ones_named_by_the_source(combined, b_export):
    out = combined["out"]
    facilitation = parse(out / "thematiques/facilitation/index.html")
    links = [a["href"] for a in facilitation.select("li.campus-card a")]
    assert any("reseau-b--" in href for href in links) and any("communautes/facilitateurs-publics/" in h for h in links)
    b_titles = {t["id"]: t["title"] for t in b_export["themes"]}
    unknown = parse(out / "thematiques/intelligence-collective/index.html")
    assert unknown.h1.get_text(strip=True) == b_titles["intelligence-collective"]


def test_a_build_without_network_uses_the_cached_copy_and_says_so(combined, b_export, tmp_path):
    site = tmp_path / "a"
    shutil.copytree(combined["site"], site)
    config = site / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace(json.dumps(combined["url"]),
                                                                 json.dumps(closed_port_url())), encoding="utf-8")
    result = build(site, tmp_path / "out")
    assert result.returncode == 0, result.stderr
    log = result.stderr + result.stdout
    assert "réseau « Réseau B » : injoignable" in log
    assert (f"le site utilise la dernière copie valide (données du {b_export['updated']}), gardée dans "
            ".campus-cache/reseaux/reseau-b.json") in log
    assert len(record_pages(tmp_path / "out")) == len(record_pages(combined["out"]))


def malformed(b_export: dict) -> tuple[dict, dict]:
    """B's export with broken and hostile records; what is expected to be left out."""
    data = copy.deepcopy(b_export)
    records = data["records"]
    by_id = {r["id"]: r for r in records}
    del by_id["facilitateurs-publics"]["fields"]["title"]                      # record dropped
    by_id["devenez-facilitateur"]["fields"]["communities"] = ["absente", "codeveloppeurs"]  # link dropped
    by_id["micro-defis"]["fields"]["url"] = "javascript:alert(1)"              # record dropped
    by_id["mallette"]["fields"]["summary"] = "<script>alert('x')</script> Une mallette."
    records.append({"id": "Pas Un Id", "type": "tool", "page": "x", "fields": {}, "relations": {}})
    records.append({"id": "alien", "type": "ovni", "page": "x", "fields": {}, "relations": {}})
    records.append("pas une fiche")
    dropped = {"facilitateurs-publics", "micro-defis"}
    return data, {"dropped": dropped, "kept": len(b_export["records"]) - len(dropped)}


def test_a_malformed_export_is_reported_per_record_and_never_breaks_the_site(tmp_path, server, b_export):
    data, expected = malformed(b_export)
    url = publish(server, "b-malformed", data)
    site = make_a(tmp_path, [{"name": "Réseau B", "url": url}])
    result = build(site, tmp_path / "out")
    assert result.returncode == 0, result.stderr  # not required: --strict still passes
    log = result.stderr + result.stdout
    index = next(i for i, r in enumerate(data["records"]) if isinstance(r, dict) and r["id"] == "facilitateurs-publics")
    assert (f"réseau « Réseau B » : fiche « facilitateurs-publics » (records[{index}]), champ « fields.title » : "
            "champ obligatoire manquant ; fiche ignorée") in log
    assert "champ « fields.url » : adresse web invalide" in log
    assert "champ « fields.communities » : fiche liée « absente » absente de l'export ; lien retiré" in log
    assert "champ « type » : type inconnu « ovni »" in log
    assert "champ « id » : identifiant absent ou invalide" in log
    out = tmp_path / "out"
    pages = record_pages(out)
    assert len(pages) == 2 + expected["kept"]
    assert listing_cards(out) == 2 + expected["kept"]
    assert search_filter(out, "reseau") == {"Réseau A": 2, "Réseau B": expected["kept"]}
    assert "communautes/facilitateurs-publics/" in pages  # the local record with the same id is intact
    assert "communautes/reseau-b--facilitateurs-publics/" not in pages
    training = facts(parse(out / "formations/reseau-b--devenez-facilitateur/index.html"))
    assert [a["href"] for a in training["Communautés"].find_all("a")] == ["../../communautes/reseau-b--codeveloppeurs/"]
    mallette = parse(out / "outils/reseau-b--mallette/index.html")
    assert not [s for s in mallette.find_all("script") if "alert" in s.get_text()]
    assert "<script>alert('x')</script>" in mallette.select_one(".campus-summary").get_text()  # shown as text


def test_a_required_network_with_problems_fails_a_strict_build(tmp_path, server, b_export):
    data, _ = malformed(b_export)
    url = publish(server, "b-required", data)
    site = make_a(tmp_path, [{"name": "Réseau B", "url": url, "required": True}])
    strict = build(site, tmp_path / "strict")
    assert strict.returncode != 0
    assert "champ obligatoire manquant" in strict.stderr and "Traceback" not in strict.stderr
    relaxed = build(site, tmp_path / "relaxed", strict=False)
    assert relaxed.returncode == 0, relaxed.stderr
    assert "communautes/facilitateurs-publics/" in record_pages(tmp_path / "relaxed")


def test_a_newer_major_version_is_refused_with_a_clear_message(tmp_path, server, b_export):
    data = dict(b_export, version="2.0")
    url = publish(server, "b-v2", data)
    site = make_a(tmp_path, [{"name": "Réseau B v2", "url": url}])
    result = build(site, tmp_path / "out")
    assert result.returncode == 0, result.stderr
    log = result.stderr + result.stdout
    assert ("réseau « Réseau B v2 » : format 2.0 refusé : ce générateur lit le format 1.x ; mettez à jour Campus "
            "pour inclure ce réseau ; aucune copie en cache : aucune fiche de ce réseau n'est publiée") in log
    assert len(record_pages(tmp_path / "out")) == 2
    # A minor version is read.
    url = publish(server, "b-v1-9", dict(b_export, version="1.9"))
    site = make_a(tmp_path / "minor", [{"name": "Réseau B", "url": url}]) if (tmp_path / "minor").mkdir() is None else None
    assert build(site, tmp_path / "minor-out").returncode == 0
    assert len(record_pages(tmp_path / "minor-out")) == 2 + len(b_export["records"])


@pytest.mark.parametrize("body, extra, message", [
    (b"<html>" + b"x" * 5000 + b"</html>", "      network_max_bytes: 1000\n", "export trop volumineux (plus de 1000 octets)"),
    (b"<html><body>Maintenance</body></html>", "", "export illisible : JSON invalide (ligne 1, colonne 1)"),
    (b"[" * 100000 + b"]" * 100000, "", "export illisible : JSON invalide"),
], ids=["oversized", "html", "deeply-nested"])
def test_oversized_or_hostile_exports_are_refused_and_the_local_site_is_built(tmp_path, server, body, extra, message):
    url = publish(server, f"hostile-{len(body)}-{len(extra)}", body)
    site = make_a(tmp_path, [{"name": "Réseau C", "url": url}], extra)
    result = build(site, tmp_path / "out")
    assert result.returncode == 0, result.stderr
    assert f"réseau « Réseau C » : {message}" in result.stderr + result.stdout
    assert len(record_pages(tmp_path / "out")) == 2


def test_a_local_export_without_version_key_is_read_as_1_0(tmp_path, server, b_export):
    """A path relative to mkdocs.yml works like an address; exports from before the version key are 1.0."""
    data = {k: v for k, v in b_export.items() if k not in ("version", "networks")}
    site = make_a(tmp_path, [{"name": "Réseau B", "url": "../b/campus.json"}])
    (tmp_path / "b").mkdir()
    (tmp_path / "b/campus.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    result = build(site, tmp_path / "out")
    assert result.returncode == 0, result.stderr
    assert len(record_pages(tmp_path / "out")) == 2 + len(b_export["records"])
    page = parse(tmp_path / "out/formations/reseau-b--devenez-facilitateur/index.html")
    assert page.find("link", rel="canonical")["href"] == server["url"] + "b/formations/devenez-facilitateur/"
    assert facts(page)["Réseau"].get_text(strip=True) == "Réseau B" and not facts(page)["Réseau"].a  # no site address


def test_the_network_facet_narrows_search_in_the_browser(combined, chromium):
    """A visitor ticks « Réseau B » on the search page of the combined site (headless Chromium)."""
    from test_search_browser import facet_box, results, type_query, wait_for_status
    httpd = FolderServer(combined["out"])
    context = chromium.new_context(viewport={"width": 1280, "height": 800}, locale="fr-FR")
    try:
        tab = context.new_page()
        tab.goto(httpd.url("recherche/"))
        wait_for_status(tab)
        type_query(tab, "facilitation")
        everything = results(tab)
        assert any("reseau-b--" in r["href"] for r in everything) and any("reseau-b--" not in r["href"] for r in everything)
        tab.locator("#campus-facets-toggle").click()
        box = facet_box(tab, "reseau", "Réseau B")
        box.wait_for()
        count = tab.locator(f'label[for="{box.get_attribute("id")}"] .campus-facet__count').inner_text()
        box.check()
        wait_for_status(tab, "Réseau : Réseau B")
        narrowed = results(tab)
        assert narrowed and all("reseau-b--" in r["href"] for r in narrowed)
        assert count == f"({len(narrowed)})"
        assert len(narrowed) < len(everything)
    finally:
        context.close()
        httpd.close()
