"""The /admin/ editor as a contributor uses it: headless Chromium on the built site, against
decap-server (Decap's local git backend, from node_modules) on 127.0.0.1, on a temporary git
clone of the mini catalogue. Every save is an editorial-workflow branch (the local stand-in for a
pull request), published through the UI; nothing leaves the machine (every request is recorded).

`CAMPUS_SCREENSHOTS=1 pytest tests/test_editor_browser.py` rewrites the screenshots of the
« Contribuer » page (content/assets/contribuer/); otherwise they are taken into a temporary folder
and compared by size with the committed ones.

Needs Debian's Chromium (/usr/bin/chromium) and `make npm` (decap-cms, decap-server, yaml).
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import socket
import struct
import subprocess
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from conftest import BUILD_ENV, FIXTURES, ROOT, build_site, copy_project
from mkdocs_campus.outputs import editor as campus_editor

pytest.importorskip("playwright.sync_api")

DECAP_SERVER = ROOT / "node_modules" / ".bin" / "decap-server"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SHOTS = ROOT / "content" / "assets" / "contribuer"
SHOT_NAMES = ["1-liste.png", "2-formulaire.png", "3-statut.png", "4-publier.png", "5-erreurs.png"]
TIMEOUT_MS = 15_000

# A record in the catalogue's own style (header line, block lists and text), for the one-line edit.
GUIDE = """# yaml-language-server: $schema=../../schemas/tool.schema.json
title: Guide des essais
summary: Un guide écrit à la main, dans le style du catalogue.
description: |
  Premier paragraphe du guide.

  - un point ;
  - un autre point.
themes:
  - facilitation
  - simplification
key_figures:
  - value: 120
    qualifier: about
    label: pages
    source: article-campus
published: 2024-11-05
sources:
  - article-campus
kind: guide
publisher: ditp
url: https://exemple.gouv.fr/guide
"""


THEMES_HEADER = "# Thématiques du campus : identifiant, nom affiché, description facultative."


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), "-c", "user.name=Campus", "-c", "user.email=campus@test",
                           *args], check=True, capture_output=True, text=True).stdout


class Editor:
    """The repository, the built site served on 127.0.0.1, decap-server, and the browser context."""

    def __init__(self, root: Path, chromium):
        if not DECAP_SERVER.exists():
            pytest.fail("decap-server manque (node_modules/.bin) : `make npm` l'installe depuis npm.")
        self.repo = copy_project(FIXTURES / "mini", root / "repo")
        (self.repo / "catalogue" / "tools" / "guide-des-essais.yml").write_text(GUIDE, encoding="utf-8")
        themes = self.repo / "catalogue" / "themes.yml"  # with the real list's header comment
        themes.write_text(THEMES_HEADER + "\n" + themes.read_text(encoding="utf-8"), encoding="utf-8")
        _git(self.repo, "init", "-q", "-b", "main")
        _git(self.repo, "add", "-A")
        _git(self.repo, "commit", "-qm", "catalogue de départ")
        port = _free_port()
        self.env = {**BUILD_ENV, campus_editor.LOCAL_BACKEND_ENV: f"http://127.0.0.1:{port}/api/v1"}
        self.site = root / "site"
        result = build_site(self.repo / "mkdocs.yml", self.site, self.env)
        assert result.returncode == 0, result.stderr
        self.server = subprocess.Popen(
            [str(DECAP_SERVER)], cwd=self.repo, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            env={"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", str(root)), "PORT": str(port),
                 "BIND_HOST": "127.0.0.1", "MODE": "git", "GIT_REPO_DIRECTORY": str(self.repo),
                 "LOG_LEVEL": "warn", "GIT_AUTHOR_NAME": "Campus", "GIT_AUTHOR_EMAIL": "campus@test",
                 "GIT_COMMITTER_NAME": "Campus", "GIT_COMMITTER_EMAIL": "campus@test"})
        deadline = time.monotonic() + 20
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                if time.monotonic() > deadline or self.server.poll() is not None:
                    self.close()
                    pytest.fail("decap-server n'a pas démarré")
                time.sleep(0.1)
        self.http = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(self.site)))
        threading.Thread(target=self.http.serve_forever, daemon=True).start()
        self.origin = f"http://127.0.0.1:{self.http.server_port}"
        self.context = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR",
                                            timezone_id="UTC")
        self.context.set_default_timeout(TIMEOUT_MS)
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.context.on("request", lambda request: self.requests.append(request.url))
        self.page = self.context.new_page()
        self.page.on("pageerror", lambda exc: self.errors.append(f"{self.page.url}: {exc.stack or exc}"))
        self.page.on("dialog", lambda dialog: dialog.accept())  # « Voulez-vous vraiment publier… ? »
        self.page.goto(f"{self.origin}/admin/")
        self.page.get_by_role("button", name="Se connecter").click()
        self.page.get_by_role("link", name="Communautés").first.wait_for()

    def close(self):
        if getattr(self, "context", None) is not None:
            self.context.close()
        if getattr(self, "http", None) is not None:
            self.http.shutdown()
            self.http.server_close()
        self.server.terminate()
        try:
            self.server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.server.kill()

    # --- the form, as a contributor fills it in ---

    def open(self, fragment: str):
        """A page of the editor, loaded afresh (a hash change alone keeps the previous form's draft)."""
        self.page.goto(f"{self.origin}/admin/#/{fragment}")
        self.page.reload()
        if "/new" in fragment or "/entries/" in fragment:
            self.page.get_by_role("button", name="Enregistrer").wait_for()
        else:
            self.page.get_by_role("link", name="Communautés").first.wait_for()

    def box(self, label: str):
        return self.page.get_by_label(re.compile("^" + re.escape(label) + r"( \(optionnel\))?$"))

    def fill(self, label: str, text: str):
        self.box(label).fill(text)

    def choose(self, label: str, title: str):
        """A relation or a select: type the title, pick the entry offered under that title."""
        box = self.box(label)
        box.click()
        box.fill(title)
        option = self.page.get_by_role("option", name=title, exact=True)
        option.wait_for()
        self.page.wait_for_timeout(150)  # the list settles (react-select re-renders as entries load)
        option.click()

    def options(self, label: str) -> list[str]:
        box = self.box(label)
        box.click()
        self.page.get_by_role("option").first.wait_for()
        shown = self.page.get_by_role("option").all_inner_texts()
        self.page.keyboard.press("Escape")
        return shown

    def save(self):
        self.page.get_by_role("button", name="Enregistrer").click()
        self.page.get_by_text("Entrée enregistrée").first.wait_for()

    def publish(self, shots: dict | None = None):
        self.page.get_by_role("button", name=re.compile("^Statut")).click()
        if shots:
            shots["3-statut.png"]()
        self.page.get_by_role("menuitem", name="Prêt").click()
        self.page.get_by_role("button", name="Statut: Prêt").wait_for()
        self.page.get_by_role("button", name="Publier", exact=True).click()
        if shots:
            shots["4-publier.png"]()
        self.page.get_by_role("menuitem", name="Publier maintenant").click()
        self.page.get_by_text("Entrée publiée").first.wait_for()


@pytest.fixture(scope="module")
def ed(tmp_path_factory, chromium):
    editor = Editor(tmp_path_factory.mktemp("editor"), chromium)
    yield editor
    editor.close()


@pytest.fixture(scope="module")
def shot_dir(tmp_path_factory) -> Path:
    if os.environ.get("CAMPUS_SCREENSHOTS") == "1":
        SHOTS.mkdir(parents=True, exist_ok=True)
        return SHOTS
    return tmp_path_factory.mktemp("shots")


def _png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", path
    return struct.unpack(">II", data[16:24])


def _page(site: Path, section: str, slug: str) -> str:
    return (site / section / slug / "index.html").read_text(encoding="utf-8")


NEW = {  # type folder -> (title, fields to fill, relations to pick: label -> title)
    "communities": ("Réseau des essais", {}, {"Organisation qui l'anime": "Agence nationale de la sécurité des systèmes d'information"}),
    "trainings": ("Formation des essais", {"Durée": "2 jours"}, {"Communautés liées": "Réseau des essais"}),
    "tools": ("Outil des essais", {}, {"Nature": "Jeu", "Communautés liées": "Réseau des essais"}),
    "interventions": ("Intervention des essais", {"Lieu": "Lyon"},
                      {"Communautés qui l'ont animée": "Réseau des essais", "Outils utilisés": "Outil des essais"}),
}


def test_each_record_type_is_created_through_the_form_published_checked_and_built(ed, shot_dir, tmp_path):
    shots = {name: functools.partial(ed.page.screenshot, path=str(shot_dir / name)) for name in SHOT_NAMES}
    for folder, (title, texts, relations) in NEW.items():
        ed.open(f"collections/{folder}")
        if folder == "communities":
            ed.page.get_by_text("Communauté des facilitateurs publics").first.wait_for()
            shots["1-liste.png"]()
        ed.open(f"collections/{folder}/new")
        ed.fill("Titre", title)
        ed.fill("Résumé", f"{title} : fiche créée par le formulaire de l'éditeur.")
        for label, text in texts.items():
            ed.fill(label, text)
        ed.choose("Sources", "La communauté des facilitateurs publics")
        ed.choose("Thématiques", "Simplification")
        for label, choice in relations.items():
            ed.choose(label, choice)
        if folder == "communities":
            ed.box("Titre").scroll_into_view_if_needed()
            shots["2-formulaire.png"]()
        ed.save()
        ed.publish(shots if folder == "communities" else None)
    assert ed.errors == [], ed.errors
    assert _git(ed.repo, "branch", "--list", "cms/*").strip() == ""  # every one merged into main
    _git(ed.repo, "checkout", "-q", "main")
    written = {folder: ed.repo / "catalogue" / folder / f"{campus_editor_slug(title)}.yml"
               for folder, (title, _, _) in NEW.items()}
    for folder, path in written.items():
        text = path.read_text(encoding="utf-8")
        assert text.startswith(f"# yaml-language-server: $schema=../../schemas/{_type(folder)}.schema.json\n"), folder
        data = yaml.safe_load(text)
        assert data["themes"] == ["simplification"] and data["sources"] == ["fiche-facilitateurs"]
        assert str(data["published"]) == time.strftime("%Y-%m-%d", time.gmtime())
    from mkdocs_campus.commands.cli import main
    assert main(["check", str(ed.repo / "catalogue")]) == 0
    site = tmp_path / "built"
    result = build_site(ed.repo / "mkdocs.yml", site, ed.env)
    assert result.returncode == 0, result.stderr
    community = _page(site, "communautes", "reseau-des-essais")
    for section, slug in (("formations", "formation-des-essais"), ("outils", "outil-des-essais"),
                          ("interventions", "intervention-des-essais")):
        assert f"{section}/{slug}/" in community, section  # the community shows each record…
        assert "communautes/reseau-des-essais/" in _page(site, section, slug), section  # …which shows it back
    assert "outils/outil-des-essais/" in _page(site, "interventions", "intervention-des-essais")
    assert "interventions/intervention-des-essais/" in _page(site, "outils", "outil-des-essais")
    theme = _page(site, "thematiques", "simplification")
    for section, slug in (("communautes", "reseau-des-essais"), ("formations", "formation-des-essais"),
                          ("outils", "outil-des-essais"), ("interventions", "intervention-des-essais")):
        assert f"{section}/{slug}/" in theme and "thematiques/simplification/" in _page(site, section, slug)


def campus_editor_slug(title: str) -> str:
    from mkdocs_campus.catalogue.validate import slugify
    return slugify(title)


def _type(folder: str) -> str:
    return next(t.name for t in campus_editor.r.RECORD_TYPES.values() if t.folder == folder)


def test_a_reference_field_offers_the_existing_records_by_title(ed):
    ed.open("collections/trainings/new")
    communities = sorted(yaml.safe_load(p.read_text(encoding="utf-8"))["title"]
                         for p in (ed.repo / "catalogue" / "communities").glob("*.yml"))
    assert sorted(ed.options("Communautés liées")) == communities
    organisations = [o["name"] for o in yaml.safe_load((ed.repo / "catalogue" / "organisations.yml").read_text(encoding="utf-8"))]
    assert sorted(ed.options("Organisme de formation")) == sorted(organisations)


def test_an_empty_required_field_or_a_bad_address_is_refused_in_french_and_nothing_is_written(ed, shot_dir):
    before = (_git(ed.repo, "rev-parse", "main"), _git(ed.repo, "branch", "--list"), _git(ed.repo, "status", "--porcelain"))
    ed.open("collections/tools/new")
    ed.fill("Résumé", "Une fiche sans titre, avec une adresse invalide.")
    ed.choose("Sources", "La communauté des facilitateurs publics")
    ed.choose("Nature", "Guide")
    ed.fill("Lien", "pas une adresse")
    ed.page.get_by_role("button", name="Enregistrer").click()
    ed.page.get_by_text("Le champ Titre est requis.").wait_for()
    ed.page.get_by_text(campus_editor._PATTERN_MESSAGES[campus_editor.r.URL_PATTERN]).first.wait_for()
    ed.box("Titre").scroll_into_view_if_needed()
    ed.page.screenshot(path=str(shot_dir / "5-erreurs.png"))
    ed.page.wait_for_timeout(500)
    # Decap rejects its save promise with `undefined` when the form is invalid: that one is expected.
    ed.errors[:] = [e for e in ed.errors if not e.endswith("/collections/tools/new: undefined")]
    after = (_git(ed.repo, "rev-parse", "main"), _git(ed.repo, "branch", "--list"), _git(ed.repo, "status", "--porcelain"))
    assert after == before
    assert not list((ed.repo / "catalogue" / "tools").glob("pas*"))


def test_editing_one_summary_changes_that_one_line(ed):
    ed.open("collections/tools/entries/guide-des-essais")
    summary = ed.box("Résumé")
    assert summary.input_value() == "Un guide écrit à la main, dans le style du catalogue."
    summary.fill("Un guide écrit à la main, puis corrigé dans l'éditeur.")
    ed.save()
    branch = "cms/tools/guide-des-essais"
    diff = _git(ed.repo, "diff", "--unified=0", "main", branch, "--", "catalogue/tools/guide-des-essais.yml")
    changed = [line for line in diff.splitlines() if line[:1] in "+-" and not line.startswith(("+++", "---"))]
    assert changed == ["-summary: Un guide écrit à la main, dans le style du catalogue.",
                       "+summary: Un guide écrit à la main, puis corrigé dans l'éditeur."]


def test_a_reference_list_is_edited_as_a_list_and_keeps_its_header(ed):
    ed.open("collections/references/entries/themes")
    ed.page.get_by_text("Intelligence collective").first.wait_for()
    ed.page.get_by_role("button", name=re.compile("^Ajouter")).first.click()
    ed.page.get_by_label("Identifiant").last.fill("essais")
    ed.page.get_by_label("Nom", exact=True).last.fill("Essais")
    ed.save()
    text = _git(ed.repo, "show", "cms/references/themes:catalogue/themes.yml")
    original = (ed.repo / "catalogue" / "themes.yml").read_text(encoding="utf-8")
    header = [line for line in original.splitlines() if line.startswith("#")]
    written = [line for line in text.splitlines() if line.startswith("#")]
    assert header == [THEMES_HEADER] and THEMES_HEADER in written  # the comment is kept
    themes = yaml.safe_load(text)
    assert themes[:-1] == yaml.safe_load(original) and themes[-1] == {"id": "essais", "title": "Essais"}


def test_admin_accessibility_figures(ed, capsys):
    """axe-core on the third-party editor's pages (sign-in page and form): the figures the
    accessibility statement gives, kept from growing."""
    source = AXE.read_text(encoding="utf-8")
    found = {}
    for name, fragment in (("liste", "collections/communities"), ("formulaire", "collections/communities/new")):
        ed.open(fragment)
        ed.page.wait_for_timeout(1000)
        ed.page.add_script_tag(content=source)
        found[name] = ed.page.evaluate(
            """async () => (await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']},
                                                       resultTypes: ['violations']}))
                 .violations.map(v => `${v.id}:${v.nodes.length}`)""")
    with capsys.disabled():
        print("\naxe-core /admin/ :", found)
    rules = {item.split(":")[0] for items in found.values() for item in items}
    assert rules <= KNOWN_ADMIN_VIOLATIONS, rules - KNOWN_ADMIN_VIOLATIONS


# Measured with axe-core 4.14.1 on Decap CMS 3.16.3 (content/accessibilite.md gives them):
# list page: color-contrast on 9 nodes; form: color-contrast on 2, label-content-name-mismatch on 1.
KNOWN_ADMIN_VIOLATIONS = {"color-contrast", "label-content-name-mismatch"}


def test_screenshots_of_the_contribuer_page(shot_dir):
    for name in SHOT_NAMES:
        committed = SHOTS / name
        assert committed.is_file(), f"{committed} manque : CAMPUS_SCREENSHOTS=1 pytest {Path(__file__).name}"
        assert _png_size(shot_dir / name) == _png_size(committed)
    page = (ROOT / "content" / "contribuer.md").read_text(encoding="utf-8")
    for name in SHOT_NAMES:
        width, height = _png_size(committed)
        assert re.search(r"!\[[^\]]{10,}\]\(assets/contribuer/" + re.escape(name)
                         + rf'\){{ width="{width}" height="{height}" }}', page), name


def test_nothing_left_the_machine(ed):
    hosts = {urlsplit(url).hostname for url in ed.requests if not url.startswith(("data:", "blob:"))}
    assert hosts == {"127.0.0.1"}
    assert ed.context.cookies() == []
    assert ed.errors == []
