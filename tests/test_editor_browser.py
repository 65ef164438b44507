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
import socket
import struct
import subprocess
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from conftest import BUILD_ENV, FIXTURES, ROOT, FolderServer, build_site, copy_project, free_port
from mkdocs_campus.outputs import editor as campus_editor

pytest.importorskip("playwright.sync_api")
from playwright.sync_api import expect  # noqa: E402

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

# Communities for the choice lists: a title with a curly apostrophe, two records sharing a title.
COMMUNITY = """title: {title}
summary: Une communauté pour les essais de l'éditeur.
organisation: ditp
themes: [simplification]
published: 2024-11-01
sources: [article-campus]
"""
CURLY = "Laboratoires d’innovation territoriale"
HOMONYMS = {"reseau-des-labos-bretagne": "Réseau des labos", "reseau-des-labos-occitanie": "Réseau des labos",
            "laboratoires-innovation": CURLY}


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
        for slug, title in HOMONYMS.items():
            (self.repo / "catalogue" / "communities" / f"{slug}.yml").write_text(
                COMMUNITY.format(title=title), encoding="utf-8")
        themes = self.repo / "catalogue" / "themes.yml"  # with the real list's header comment
        themes.write_text(THEMES_HEADER + "\n" + themes.read_text(encoding="utf-8"), encoding="utf-8")
        _git(self.repo, "init", "-q", "-b", "main")
        _git(self.repo, "add", "-A")
        _git(self.repo, "commit", "-qm", "catalogue de départ")
        port = free_port()
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
        self.http = FolderServer(self.site)
        self.origin = self.http.origin
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
            self.http.close()
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


def test_a_reference_field_offers_every_record_sorted_by_title_homonyms_told_apart(ed):
    ed.open("collections/trainings/new")
    titles = {p.stem: yaml.safe_load(p.read_text(encoding="utf-8"))["title"]
              for p in (ed.repo / "catalogue" / "communities").glob("*.yml")}
    shared = {t for t in titles.values() if list(titles.values()).count(t) > 1}
    expected = [f"{t} ({slug})" if t in shared else t for slug, t in titles.items()]
    shown = ed.options("Communautés liées")
    assert shown == sorted(expected, key=lambda t: _fold(t))  # in the order of the titles, not of the files
    assert "Réseau des labos (reseau-des-labos-bretagne)" in shown
    organisations = [o["name"] for o in yaml.safe_load((ed.repo / "catalogue" / "organisations.yml").read_text(encoding="utf-8"))]
    assert ed.options("Organisme de formation") == sorted(organisations, key=_fold)


def _fold(text: str) -> str:
    """French dictionary order, near enough for these titles: accents and case aside."""
    import unicodedata
    return "".join(c for c in unicodedata.normalize("NFD", text.casefold()) if not unicodedata.combining(c))


@pytest.mark.parametrize("form, label, typed, found", [
    ("trainings", "Communautés liées", "laboratoires d'innovation", [CURLY]),  # straight for curly
    ("trainings", "Communautés liées", "INNOVATION LABORATOIRES D‘", [CURLY]),  # case, order, ‘
    ("trainings", "Communautés liées", "reseau des labos", ["Réseau des labos (reseau-des-labos-bretagne)",
                                                             "Réseau des labos (reseau-des-labos-occitanie)"]),
    ("interventions", "Outils utilisés", "micro–defis", ["Micro-défis"]),  # en dash for hyphen, no accent
])
def test_a_search_ignores_case_accents_apostrophes_and_dashes(ed, form, label, typed, found):
    ed.open(f"collections/{form}/new")
    box = ed.box(label)
    box.click()
    box.fill(typed)
    expect(ed.page.get_by_role("option")).to_have_count(len(found))  # the search's, not the first list
    assert ed.page.get_by_role("option").all_inner_texts() == found


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


def _repository_state(ed) -> tuple:
    """Every branch and its commit, and the work tree's changes; not which branch is checked out,
    which decap-server switches on its own while it reads (a test once saw it move after `before`)."""
    return (_git(ed.repo, "for-each-ref", "--format=%(refname) %(objectname)", "refs/heads"),
            _git(ed.repo, "status", "--porcelain"))


@pytest.mark.parametrize("title, clash, kind", [
    ("Codéveloppeurs", "Communauté des codéveloppeurs", "Communauté"),  # a community's id, for a training
    ("Devenez facilitateur", "Devenez facilitateur", "Formation"),  # a training's, in the same folder
])
def test_an_id_already_used_by_any_record_is_refused_before_any_commit(ed, title, clash, kind):
    before = _repository_state(ed)
    ed.open("collections/trainings/new")
    ed.fill("Titre", title)
    ed.fill("Résumé", "Une fiche dont l'identifiant est déjà pris.")
    ed.choose("Sources", "La communauté des facilitateurs publics")
    ed.page.get_by_role("button", name="Enregistrer").click()
    slug = campus_editor_slug(title)
    message = (f"Enregistrement refusé : L'identifiant « {slug} », tiré du titre, est déjà celui de la fiche "
               f"« {clash} » ({kind}). Les identifiants sont uniques dans tout le catalogue : précisez le titre")
    ed.page.get_by_text(message).first.wait_for()
    ed.page.wait_for_timeout(500)
    # Decap rejects its save promise with its failure action when a preSave handler refuses
    ed.errors[:] = [e for e in ed.errors if not e.endswith("/collections/trainings/new: Object")]
    assert _repository_state(ed) == before  # no branch, no commit: not even « devenez-facilitateur-1 »
    assert not list((ed.repo / "catalogue").rglob(f"{slug}-1.yml"))


@pytest.mark.parametrize("title", ["L’Œuvre d'art : 2e édition (Île-de-France)", "Ça va ? 50 % — à Saint-Étienne, version 2.1"])
def test_the_id_checked_is_the_file_name_decap_writes(ed, title):
    """campus-ids.js computes the id Decap will derive from the title (its slug rules): the name of
    the file Decap then writes is that id."""
    ed.open("collections/tools/new")
    computed = ed.page.evaluate("(title) => import('./campus-ids.js').then((m) => m.decapSlug(title))", title)
    ed.fill("Titre", title)
    ed.fill("Résumé", "Une fiche au titre plein de signes.")
    ed.choose("Sources", "La communauté des facilitateurs publics")
    ed.choose("Nature", "Guide")
    ed.save()
    assert f"cms/tools/{computed}" in _git(ed.repo, "branch", "--list")
    assert re.fullmatch(campus_editor.r.ID_PATTERN, computed)


def test_a_date_is_typed_as_the_hint_says_and_a_new_record_has_no_update_date(ed):
    ed.open("collections/tools/new")
    ed.fill("Titre", "Outil daté")
    ed.fill("Résumé", "Une fiche dont la date est tapée au clavier.")
    ed.choose("Sources", "La communauté des facilitateurs publics")
    ed.choose("Nature", "Guide")
    published = ed.box("Publiée le")
    assert published.input_value() == time.strftime("%Y-%m-%d", time.gmtime())  # today, by default
    assert ed.box("Mise à jour le").input_value() == ""
    published.fill("31/03/2025")  # as a French date input would show it: refused
    ed.page.get_by_role("button", name="Enregistrer").click()
    ed.page.get_by_text(campus_editor.DATE_MESSAGE).first.wait_for()
    ed.errors[:] = [e for e in ed.errors if not e.endswith("/collections/tools/new: undefined")]
    published.fill("2025-02-30")  # the right form, a day the calendar lacks: refused before saving
    ed.page.get_by_role("button", name="Enregistrer").click()
    ed.page.get_by_text("la date « 2025-02-30 » n'existe pas").first.wait_for()
    ed.errors[:] = [e for e in ed.errors if not e.endswith("/collections/tools/new: Object")]
    assert "cms/tools/outil-date" not in _git(ed.repo, "branch", "--list")
    published.fill("2025-03-31")
    ed.save()
    data = yaml.safe_load(_git(ed.repo, "show", "cms/tools/outil-date:catalogue/tools/outil-date.yml"))
    assert str(data["published"]) == "2025-03-31" and "updated" not in data
    text = ed.page.locator("body").inner_text()
    assert "UTC" not in text


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


def test_an_identifier_twice_in_a_reference_list_is_refused_before_any_commit(ed):
    before = _repository_state(ed)
    ed.open("collections/references/entries/themes")
    ed.page.get_by_text("Intelligence collective").first.wait_for()
    ed.page.get_by_role("button", name=re.compile("^Ajouter")).first.click()
    ed.page.get_by_label("Identifiant").last.fill("simplification")
    ed.page.get_by_label("Nom", exact=True).last.fill("Simplification encore")
    ed.page.get_by_role("button", name="Enregistrer").click()
    ed.page.get_by_text("l'identifiant « simplification » figure deux fois dans la liste themes").first.wait_for()
    ed.page.wait_for_timeout(300)
    ed.errors[:] = [e for e in ed.errors if not e.endswith("/collections/references/entries/themes: Object")]
    assert _repository_state(ed) == before


def test_a_reference_list_is_edited_as_a_list_and_keeps_its_header(ed):
    ed.open("collections/references/entries/themes")
    ed.page.get_by_text("Intelligence collective").first.wait_for()
    ed.page.get_by_role("button", name=re.compile("^Ajouter")).first.click()
    ed.page.get_by_label("Identifiant").last.fill("essais")
    ed.page.get_by_label("Nom", exact=True).last.fill("Essais")
    ed.save()
    text = _git(ed.repo, "show", "cms/references/themes:catalogue/themes.yml")
    original = _git(ed.repo, "show", "main:catalogue/themes.yml")  # not the work tree: decap-server checks out in it
    header = [line for line in original.splitlines() if line.startswith("#")]
    written = [line for line in text.splitlines() if line.startswith("#")]
    assert header == [THEMES_HEADER] and THEMES_HEADER in written  # the comment is kept
    themes = yaml.safe_load(text)
    assert themes[:-1] == yaml.safe_load(original) and themes[-1] == {"id": "essais", "title": "Essais"}


# Words of an English interface (Decap's own, react-select's, month names); none is French.
ENGLISH = set("""
account add all an and are back by cancel change changes choose clear close collapse create
delete deselected draft drop dropdown edit entry entries escape exit expand field file files filter
focused for from group in is item items list loading log logout media new no none not now
object of on oops option options or press publish published ready relation remove review save search
select selected set settings sort status string term text the this to toggle type unpublished up
upload use value view with workflow you your
january february march april may june july august september october november december
monday tuesday wednesday thursday friday saturday sunday
""".split())
# Proper names and words that are French too, as they appear in this editor.
ALLOWED = {"campus", "markdown", "notes", "code", "images", "collection", "collections", "description",
           "type", "format", "public", "source", "sources", "date"}

_TEXTS = """() => {
  const out = [document.body.innerText];
  for (const el of document.querySelectorAll('[aria-label],[title],[placeholder],[alt],[aria-valuetext],[aria-roledescription]'))
    for (const a of ['aria-label', 'title', 'placeholder', 'alt', 'aria-valuetext', 'aria-roledescription'])
      if (el.getAttribute(a)) out.push(el.getAttribute(a));
  for (const el of document.querySelectorAll('[aria-describedby]'))  // descriptions, even hidden ones
    for (const id of el.getAttribute('aria-describedby').split(/\\s+/))
      out.push(document.getElementById(id)?.textContent || '');
  return out.join('\\n');
}"""


def _tree_texts(snapshot: str) -> list[str]:
    """The names and texts of an accessibility tree (Playwright's aria snapshot), without its roles,
    states and addresses."""
    out = []
    for line in snapshot.splitlines():
        line = line.strip().removeprefix("- ").strip("'")
        if line.startswith("/url:"):
            continue
        line = re.sub(r"^/?[a-z]+:?", "", line)  # the role (or /placeholder:)
        out.append(re.sub(r"\[[a-z]+(=[^\]]*)?\]", "", line))  # [level=2], [disabled]…
    return out


def _english_words(ed) -> set[str]:
    """English words in the page's text, its names and descriptions and its accessibility tree."""
    text = ed.page.evaluate(_TEXTS) + "\n" + "\n".join(_tree_texts(ed.page.locator("body").aria_snapshot()))
    words = {w.lower() for w in re.findall(r"[A-Za-z]+", text)}
    return (words & ENGLISH) - ALLOWED


def test_no_english_word_on_the_list_the_form_and_the_workflow_board(ed):
    found = {}
    ed.open("collections/communities")
    found["liste"] = _english_words(ed)
    ed.open("collections/trainings/new")
    found["formulaire"] = _english_words(ed)
    ed.choose("Communautés liées", "Communauté des codéveloppeurs")  # a chosen value and its cross
    ed.choose("Public", "Agents publics")
    box = ed.box("Thématiques")
    box.click()
    box.fill("zzz")  # nothing found: react-select's message and its announcement
    ed.page.get_by_text("Aucun résultat pour « zzz »").wait_for()
    found["liste de choix"] = _english_words(ed)
    ed.page.keyboard.press("Escape")
    ed.page.get_by_role("button", name=re.compile("^Ajouter session")).click()  # a list's item: its buttons
    found["session"] = _english_words(ed)
    ed.page.get_by_role("button", name="Enregistrer").click()  # required fields empty: the notice
    ed.page.get_by_text("Il manque un champ obligatoire").first.wait_for()
    found["champs requis"] = _english_words(ed)
    ed.errors[:] = [e for e in ed.errors if not e.endswith("/collections/trainings/new: undefined")]
    ed.open("collections/tools/entries/guide-des-essais")  # a list of key figures: its items' buttons
    ed.page.get_by_role("button", name="Retirer l'élément").first.wait_for()
    found["fiche existante"] = _english_words(ed)
    ed.page.goto(f"{ed.origin}/admin/#/workflow")
    ed.page.get_by_role("heading", name="Guide des essais").wait_for()  # the edit saved above is on the board
    found["flux"] = _english_words(ed)
    assert {name: words for name, words in found.items() if words} == {}


def test_no_media_tab_without_a_field_for_media(ed):
    ed.open("collections/communities")
    assert ed.page.get_by_role("button", name=re.compile("^Médias?$")).count() == 0
    assert ed.page.get_by_role("link", name=re.compile("^Médias?$")).count() == 0
    assert ed.page.get_by_text(re.compile("^Médias?$")).count() == 0


def test_the_form_is_filled_in_with_the_keyboard_alone(ed):
    """Tab goes from the title through every field in order (no trap); a relation is chosen by
    typing and Enter, a date typed; Ctrl+S is not needed: the save button is reached with Shift+Tab."""
    ed.open("collections/tools/new")
    ed.box("Titre").focus()
    ed.page.keyboard.type("Outil au clavier")
    labels = []
    for _ in range(40):
        ed.page.keyboard.press("Tab")
        labels.append(ed.page.evaluate(
            """() => { const el = document.activeElement;
                       const label = el.id && document.querySelector(`label[for="${el.id}"]`);
                       return label ? label.textContent : (el.getAttribute('aria-label') || el.textContent || '').trim(); }"""))
        if labels[-1].startswith("Résumé"):
            ed.page.keyboard.type("Une fiche remplie au clavier.")
        if labels[-1].startswith("Sources"):
            ed.page.keyboard.type("facilitateurs publics")
            ed.page.get_by_role("option", name="La communauté des facilitateurs publics").wait_for()
            ed.page.keyboard.press("Enter")
        if labels[-1].startswith("Nature"):
            ed.page.keyboard.type("guide")
            ed.page.get_by_role("option", name="Guide", exact=True).wait_for()
            ed.page.keyboard.press("Enter")
        if labels[-1].startswith("Lien"):
            break
    order = [label.split(" (")[0] for label in labels if label in {"Résumé", "Sources", "Nature", "Lien (optionnel)",
                                                                   "Publiée le", "Thématiques (optionnel)"}]
    assert order == ["Résumé", "Thématiques", "Publiée le", "Sources", "Nature", "Lien"], labels
    ed.box("Titre").focus()
    for _ in range(10):
        ed.page.keyboard.press("Shift+Tab")
        if ed.page.evaluate("document.activeElement.textContent") == "Enregistrer":
            break
    ed.page.keyboard.press("Enter")
    ed.page.get_by_text("Entrée enregistrée").first.wait_for()
    data = yaml.safe_load(_git(ed.repo, "show", "cms/tools/outil-au-clavier:catalogue/tools/outil-au-clavier.yml"))
    assert data["sources"] == ["fiche-facilitateurs"] and data["kind"] == "guide"


def test_admin_accessibility(ed, capsys):
    """axe-core (WCAG 2.1 A and AA rules) on the editor's list, form and workflow board: no violation
    (theme/admin/campus-editor.css darkens Decap's grey and red text)."""
    source = AXE.read_text(encoding="utf-8")
    found = {}
    for name, fragment in (("liste", "collections/communities"), ("formulaire", "collections/communities/new"),
                           ("erreurs", "collections/communities/new"), ("fiche existante", "collections/tools/entries/guide-des-essais"),
                           ("flux", "workflow")):
        if name == "flux":
            ed.page.goto(f"{ed.origin}/admin/#/workflow")
            ed.page.get_by_role("heading", name="Brouillons").wait_for()
        else:
            ed.open(fragment)
        if name == "erreurs":  # saved empty: labels and messages in error, the notice
            ed.page.get_by_role("button", name="Enregistrer").click()
            ed.page.get_by_text("Il manque un champ obligatoire").first.wait_for()
            ed.errors[:] = [e for e in ed.errors if not e.endswith("/collections/communities/new: undefined")]
        ed.page.wait_for_timeout(1000)
        ed.page.add_script_tag(content=source)
        found[name] = ed.page.evaluate(
            """async () => (await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']},
                                                       resultTypes: ['violations']}))
                 .violations.map(v => `${v.id}:${v.nodes.length}`)""")
    with capsys.disabled():
        print("\naxe-core /admin/ :", found)
    assert found == {"liste": [], "formulaire": [], "erreurs": [], "fiche existante": [], "flux": []}


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
