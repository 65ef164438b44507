"""Hardening (issue 13): every bad input refused on one located line, every output well-formed.

Each class of input the issue found has fixtures in tests/fixtures/hardening/ and its exact
expected problem line; every problem printed must point at a line and column the file has.
"""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import socket
import stat
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml

from conftest import FIXTURES, build_site, check, copy_project, parse
from mkdocs_campus.commands.cli import main
from mkdocs_campus.outputs.exports import FORMULA_PREFIXES
from mkdocs_campus.outputs.feed import atom_feed
from mkdocs_campus.catalogue.pipeline import read_catalogue
from mkdocs_campus.outputs.render import SiteRenderer

HARD = FIXTURES / "hardening"
LINE = re.compile(r"^(?P<path>[^\s:][^:]*):(?P<line>[1-9][0-9]*):(?P<column>[1-9][0-9]*): (?P<message>\S.*)$")
# What no printed line and no output may hold raw.
RAW_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufffe\uffff\ud800-\udfff]")


def editor_lines(path: Path) -> list[str]:
    """The file's lines as an editor numbers them: only \\n (or \\r\\n, \\r) ends a line."""
    text = path.read_bytes().removeprefix(b"\xef\xbb\xbf").decode("utf-8", "replace")
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return lines[:-1] if len(lines) > 1 and lines[-1] == "" else lines


def assert_located(problem_lines: list[str], cwd: Path) -> None:
    """Each problem is one line `path:line:column: message` whose position exists in the file."""
    for text in problem_lines:
        assert not RAW_CONTROL.search(text), repr(text)
        match = LINE.match(text)
        assert match, repr(text)
        path = cwd / match["path"]
        line, column = int(match["line"]), int(match["column"])
        if path.is_file() and not path.is_symlink() and stat.S_ISREG(path.stat().st_mode):
            lines = editor_lines(path)
            assert line <= len(lines), f"{text}: the file has {len(lines)} lines"
            assert column <= len(lines[line - 1]) + 1, f"{text}: line {line} has {len(lines[line - 1])} characters"
        else:  # a folder, a pipe, a link: named, not read
            assert (line, column) == (1, 1), text


# (fixture, folder it goes in, the exact problem line)
T, C, I = "trainings", "communities", "interventions"
CASES = [
    # explicit YAML tags with impossible values: no traceback
    ("tag-bool.yml", T, "6:10: valeur « maybe » impossible pour l'étiquette !!bool "
                        "(retirez l'étiquette et écrivez la valeur simplement)"),
    ("tag-int-empty.yml", T, "6:10: valeur vide impossible pour l'étiquette !!int "
                             "(retirez l'étiquette et écrivez la valeur simplement)"),
    ("tag-int-dash.yml", T, "6:10: valeur « - » impossible pour l'étiquette !!int "
                            "(retirez l'étiquette et écrivez la valeur simplement)"),
    ("tag-float-empty.yml", T, "6:10: valeur vide impossible pour l'étiquette !!float "
                               "(retirez l'étiquette et écrivez la valeur simplement)"),
    ("tag-timestamp.yml", T, "6:10: valeur « hier » impossible pour l'étiquette !!timestamp "
                             "(retirez l'étiquette et écrivez la valeur simplement)"),
    # characters written as escapes: refused, and echoed with visible escapes on one line
    ("escaped-surrogate.yml", T, "6:10: caractère interdit U+D800 (demi-codet UTF-16 isolé) dans la valeur "
                                 "« \\ud800 » (retirez-le : il est invisible ou perturbe l'affichage)"),
    ("escaped-controls.yml", T, "1:8: caractère interdit U+001B (caractère de contrôle) dans la valeur "
                                "« Formation\\nrouge\\x1b[31m\\x00\\u202e » "
                                "(retirez-le : il est invisible ou perturbe l'affichage)"),
    # characters written raw: refused at their own line and column
    ("raw-esc.yml", T, "1:18: caractère interdit U+001B (caractère de contrôle) "
                       "(retirez-le : il est invisible ou perturbe l'affichage)"),
    ("raw-bidi.yml", T, "2:14: caractère interdit U+202E (RIGHT-TO-LEFT OVERRIDE) "
                        "(retirez-le : il est invisible ou perturbe l'affichage)"),
    ("raw-isolate.yml", T, "2:14: caractère interdit U+2066 (LEFT-TO-RIGHT ISOLATE) "
                           "(retirez-le : il est invisible ou perturbe l'affichage)"),
    ("raw-c1.yml", T, "2:13: caractère interdit U+0085 (caractère de contrôle) "
                      "(retirez-le : il est invisible ou perturbe l'affichage)"),
    ("raw-del.yml", T, "2:13: caractère interdit U+007F (caractère de contrôle) "
                       "(retirez-le : il est invisible ou perturbe l'affichage)"),
    ("raw-line-separator.yml", T, "2:13: caractère interdit U+2028 (LINE SEPARATOR) "
                                  "(retirez-le : il est invisible ou perturbe l'affichage)"),
    ("raw-paragraph-separator.yml", T, "2:13: caractère interdit U+2029 (PARAGRAPH SEPARATOR) "
                                       "(retirez-le : il est invisible ou perturbe l'affichage)"),
    ("raw-noncharacter.yml", T, "2:13: caractère interdit U+FFFE (non-caractère) "
                                "(retirez-le : il est invisible ou perturbe l'affichage)"),
    ("zero-width-title.yml", T, "1:8: espace sans chasse (U+200B) interdit dans « title » "
                                "(caractère 10 de « Formation\\u200bd'essai ») "
                                "(ce champ tient sur une ligne, sans caractère invisible)"),
    ("newline-title.yml", T, "1:8: retour à la ligne interdit dans « title » (caractère 10 de « Formation\\nd'essai ») "
                             "(ce champ tient sur une ligne, sans caractère invisible)"),
    # positions inside the file
    ("only-dashes.yml", T, "1:4: le fichier doit contenir une fiche (des lignes « champ: valeur »), pas une valeur vide"),
    ("unclosed-flow.yml", T, "6:11: erreur de syntaxe YAML : accolade non fermée ou éléments mal séparés "
                             "(fermez « { » par « } » sur la même ligne et séparez les éléments par des virgules)"),
    # YAML 1.1 numbers and dates whose meaning would silently change
    ("octal-founded.yml", C, "7:10: nombre « 010 » refusé dans « founded » : seuls les entiers décimaux simples "
                             "sont acceptés (écrivez 10)"),
    ("sexagesimal-founded.yml", C, "7:10: nombre « 33:00 » refusé dans « founded » : seuls les entiers décimaux "
                                   "simples sont acceptés (écrivez le nombre en chiffres décimaux, sans préfixe, "
                                   "« : » ni « _ », par exemple 10)"),
    ("octal-count.yml", C, "8:12: nombre « 0300 » refusé dans « value » : seuls les entiers décimaux simples "
                           "sont acceptés (écrivez 300)"),
    ("sexagesimal-count.yml", C, "8:12: nombre « 5:00 » refusé dans « value » : seuls les entiers décimaux "
                                 "simples sont acceptés (écrivez le nombre en chiffres décimaux, sans préfixe, "
                                 "« : » ni « _ », par exemple 10)"),
    ("hex-count.yml", C, "8:12: nombre « 0x1F » refusé dans « value » : seuls les entiers décimaux simples sont "
                         "acceptés (écrivez le nombre en chiffres décimaux, sans préfixe, « : » ni « _ », par exemple 10)"),
    ("binary-count.yml", C, "8:12: nombre « 0b101 » refusé dans « value » : seuls les entiers décimaux simples sont "
                            "acceptés (écrivez le nombre en chiffres décimaux, sans préfixe, « : » ni « _ », par exemple 10)"),
    ("underscore-count.yml", C, "8:12: nombre « 1_000 » refusé dans « value » : seuls les entiers décimaux simples "
                                "sont acceptés (écrivez 1000)"),
    ("plus-count.yml", C, "8:12: nombre « +300 » refusé dans « value » : seuls les entiers décimaux simples "
                          "sont acceptés (écrivez 300)"),
    # integers longer than Python converts (4,300 digits): at their own place, never at 1:1 nor a traceback
    ("huge-founded.yml", C, "7:10: nombre « 11111111111111111111… » trop long dans « founded » (4301 chiffres) "
                            "(un nombre de 100 chiffres au plus est accepté ; vérifiez la valeur)"),
    ("huge-count.yml", C, "8:12: nombre « 03333333333333333333… » trop long dans « value » (4301 chiffres) "
                          "(un nombre de 100 chiffres au plus est accepté ; vérifiez la valeur)"),
    ("huge-tagged-count.yml", C, "8:12: nombre « -3333333333333333333… » trop long dans « value » (4301 chiffres) "
                                 "(un nombre de 100 chiffres au plus est accepté ; vérifiez la valeur)"),
    ("loose-date.yml", T, "4:12: date mal écrite « 2024-1-5 » dans « published » : le format est AAAA-MM-JJ "
                          "(écrivez 2024-01-05)"),
    # duplicates and order
    ("duplicate-theme.yml", T, "6:5: « facilitation » en double dans « themes » (déjà à la ligne 4) "
                               "(gardez-le une seule fois)"),
    ("duplicate-figure.yml", C, "10:5: élément en double dans « members » (déjà à la ligne 8) (gardez-le une seule fois)"),
    ("end-before-start.yml", I, "8:11: « end_date » (2024-05-09) précède « date » (2024-05-10) "
                                "(une fin ne peut pas précéder le début)"),
]


def test_every_fixture_has_a_case():
    assert sorted(p.name for p in HARD.glob("*.yml")) == sorted(c[0] for c in CASES)


@pytest.mark.parametrize("name,folder,expected", CASES, ids=[c[0] for c in CASES])
def test_refusal_is_one_located_line(catalogue, capsys, monkeypatch, name, folder, expected):
    shutil.copyfile(HARD / name, catalogue / folder / name)
    monkeypatch.chdir(catalogue.parent)
    code, lines = check(Path("catalogue"), capsys)
    assert code == 1
    assert lines[:-1] == [f"catalogue/{folder}/{name}:{expected}"]
    assert lines[-1] == "1 problème dans 1 fichier"
    assert_located(lines[:-1], catalogue.parent)


@pytest.mark.parametrize("fmt", ["text", "json", "github"])
def test_hostile_values_never_crash_the_printer(catalogue, fmt):
    """A lone surrogate, a newline, ESC and a bidi override, printed through a real pipe."""
    for name in ("escaped-surrogate.yml", "escaped-controls.yml"):
        shutil.copyfile(HARD / name, catalogue / "trainings" / name)
    result = subprocess.run([sys.executable, "-m", "mkdocs_campus.commands.cli", "check", "catalogue", "--format", fmt],
                            capture_output=True, cwd=catalogue.parent, timeout=60)
    out, err = result.stdout.decode("utf-8"), result.stderr.decode("utf-8")
    assert result.returncode == 1 and "Traceback" not in out + err
    assert not RAW_CONTROL.search(out + err)
    if fmt == "json":
        problems = json.loads(out)
        assert [p["path"] for p in problems] == ["catalogue/trainings/escaped-controls.yml",
                                                 "catalogue/trainings/escaped-surrogate.yml"]
        assert "« \\ud800 »" in problems[1]["message"]
    elif fmt == "github":
        assert all(line.startswith("::error file=catalogue/trainings/escaped-") for line in out.splitlines())
        assert len(out.splitlines()) == 2
    else:
        assert_located(out.splitlines()[:-1], catalogue.parent)
        assert len(out.splitlines()) == 3


# --- only regular files are read --------------------------------------------------------

def test_a_named_pipe_is_a_problem_not_a_hang(catalogue):
    os.mkfifo(catalogue / "tools" / "tube.yml")
    result = subprocess.run([sys.executable, "-m", "mkdocs_campus.commands.cli", "check", "catalogue"],
                            capture_output=True, text=True, cwd=catalogue.parent, timeout=60)
    assert result.returncode == 1
    assert result.stdout.splitlines()[0] == (
        "catalogue/tools/tube.yml:1:1: un tube nommé (FIFO) n'est pas un fichier ordinaire : il n'est pas lu "
        "(remplacez-le par un vrai fichier YAML ou retirez-le)")


def test_sockets_links_leaving_the_catalogue_and_hidden_files_are_reported(catalogue, capsys, monkeypatch, tmp_path):
    outside = tmp_path / "ailleurs.yml"
    shutil.copyfile(catalogue / "tools" / "mallette.yml", outside)
    (catalogue / "tools" / "lien.yml").symlink_to(outside)
    (catalogue / "tools" / "copie-interne.yml").symlink_to(catalogue / "tools" / "mallette.yml")
    shutil.copyfile(catalogue / "tools" / "mallette.yml", catalogue / "tools" / ".brouillon.yml")
    (catalogue / ".cache").mkdir()
    monkeypatch.chdir(catalogue.parent)
    sock = socket.socket(socket.AF_UNIX)
    try:
        sock.bind("catalogue/tools/prise.yml")
        code, lines = check(Path("catalogue"), capsys)
    finally:
        sock.close()
    assert code == 1  # a link that stays inside the catalogue is read like its target
    assert lines[:-1] == [
        "catalogue/.cache:1:1: dossier caché : il n'est pas lu (renommez-le sans le point initial (cache) "
        "ou retirez-le du catalogue)",
        "catalogue/tools/.brouillon.yml:1:1: fichier caché : il n'est pas lu (renommez-le sans le point initial "
        "(brouillon.yml) ou retirez-le du catalogue)",
        "catalogue/tools/lien.yml:1:1: lien symbolique qui sort du catalogue : il n'est pas lu "
        "(placez le fichier lui-même dans le catalogue)",
        "catalogue/tools/prise.yml:1:1: une socket n'est pas un fichier ordinaire : il n'est pas lu "
        "(remplacez-le par un vrai fichier YAML ou retirez-le)",
    ]
    assert_located(lines[:-1], catalogue.parent)


LOOP = ("lien symbolique en boucle : il n'est pas lu "
        "(faites-le pointer vers un fichier du catalogue, ou placez le fichier lui-même)")


def _symlink_loops(catalogue: Path) -> list[str]:
    """Links that never reach a file, in a type's folder and at the top; the lines `campus check` prints."""
    (catalogue / "tools" / "a.yml").symlink_to("b.yml")
    (catalogue / "tools" / "b.yml").symlink_to("a.yml")
    (catalogue / "trainings" / "soi.yml").symlink_to("soi.yml")
    (catalogue / "interventions").rename(catalogue / "interventions-reelles")
    (catalogue / "interventions").symlink_to("interventions")  # a folder link to itself
    shutil.rmtree(catalogue / "interventions-reelles")
    return [f"catalogue/interventions:1:1: {LOOP}", f"catalogue/tools/a.yml:1:1: {LOOP}",
            f"catalogue/tools/b.yml:1:1: {LOOP}", f"catalogue/trainings/soi.yml:1:1: {LOOP}"]


def test_a_loop_of_symbolic_links_is_one_located_line_per_link(catalogue, capsys, monkeypatch):
    expected = _symlink_loops(catalogue)
    monkeypatch.chdir(catalogue.parent)
    code, lines = check(Path("catalogue"), capsys)
    assert code == 1 and lines[:-1] == expected
    assert_located(lines[:-1], catalogue.parent)
    for target in ("catalogue", "catalogue/tools/a.yml"):  # the command as editors run it, from a file too
        result = subprocess.run([sys.executable, "-m", "mkdocs_campus.commands.cli", "check", target],
                                capture_output=True, text=True, cwd=catalogue.parent, timeout=60)
        assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
        assert result.stdout.splitlines()[:-1] == expected, result.stdout


def test_a_catalogue_folder_in_a_loop_of_links(tmp_path):
    (tmp_path / "catalogue").symlink_to("catalogue")
    result = subprocess.run([sys.executable, "-m", "mkdocs_campus.commands.cli", "check", "catalogue"],
                            capture_output=True, text=True, cwd=tmp_path, timeout=60)
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert result.stdout.splitlines() == [f"catalogue:1:1: {LOOP}", "1 problème dans 1 fichier"]
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "index.md").write_text("# Accueil\n", encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text("site_name: t\nsite_url: https://t.test/\ndocs_dir: content\n"
                                         "theme:\n  name: material\n  language: fr\nplugins:\n  - campus\n",
                                         encoding="utf-8")
    built = build_site(tmp_path / "mkdocs.yml", tmp_path / "site")  # the build says it as check does
    assert built.returncode != 0 and "Traceback" not in built.stderr, built.stderr
    assert f"catalogue:1:1: {LOOP}" in built.stderr and not (tmp_path / "site" / "index.html").exists()


def test_a_reference_list_in_a_loop_of_links(catalogue, capsys, monkeypatch):
    (catalogue / "sources.yml").unlink()
    (catalogue / "sources.yml").symlink_to("sources.yml")
    monkeypatch.chdir(catalogue.parent)
    code, lines = check(Path("catalogue"), capsys)
    assert code == 1 and f"catalogue/sources.yml:1:1: {LOOP}" in lines
    assert_located(lines[:-1], catalogue.parent)


def test_a_build_with_links_in_a_loop_or_a_huge_number_fails_on_located_lines(tmp_path):
    project = copy_project(FIXTURES / "mini", tmp_path / "project")
    expected = _symlink_loops(project / "catalogue")
    shutil.copyfile(HARD / "huge-founded.yml", project / "catalogue" / "communities" / "huge-founded.yml")
    result = build_site(project / "mkdocs.yml", tmp_path / "site")
    assert result.returncode != 0 and "Traceback" not in result.stderr, result.stderr
    printed = [line.strip() for line in result.stderr.splitlines() if re.match(r"\s*catalogue/\S+:\d+:\d+: ", line)]
    assert printed == sorted(expected + ["catalogue/communities/huge-founded.yml:7:10: nombre « 11111111111111111111… » "
                                         "trop long dans « founded » (4301 chiffres) (un nombre de 100 chiffres au "
                                         "plus est accepté ; vérifiez la valeur)"]), result.stderr
    assert not (tmp_path / "site" / "index.html").exists()


# --- reference lists ----------------------------------------------------------------------

def _with_parent(catalogue: Path, parents: dict[str, str]) -> None:
    path = catalogue / "organisations.yml"
    text = path.read_text(encoding="utf-8")
    for org, parent in parents.items():
        text = text.replace(f"- id: {org}\n", f"- id: {org}\n  parent: {parent}\n")
    path.write_text(text, encoding="utf-8")


@pytest.mark.parametrize("parents,expected", [
    ({"ditp": "ditp"}, ["catalogue/organisations.yml:2:11: l'organisation « ditp » est indiquée comme son propre "
                        "parent (retirez « parent » ou indiquez l'organisation de rattachement)"]),
    ({"ditp": "anssi", "anssi": "ditp"},
     ["catalogue/organisations.yml:2:11: organisations rattachées en boucle : ditp → anssi → ditp "
      "(une organisation ne peut pas dépendre d'elle-même)",
      "catalogue/organisations.yml:7:11: organisations rattachées en boucle : anssi → ditp → anssi "
      "(une organisation ne peut pas dépendre d'elle-même)"]),
    ({"ditp": "dtip"}, ["catalogue/organisations.yml:2:11: organisation inconnue « dtip » (parent de « ditp ») "
                        "(vouliez-vous dire « ditp » ?)"]),
], ids=["own-parent", "cycle", "unknown"])
def test_organisation_parents(catalogue, capsys, monkeypatch, parents, expected):
    _with_parent(catalogue, parents)
    monkeypatch.chdir(catalogue.parent)
    code, lines = check(Path("catalogue"), capsys)
    assert code == 1 and lines[:-1] == expected
    assert_located(lines[:-1], catalogue.parent)


def test_session_ending_before_it_starts(catalogue, capsys, monkeypatch):
    path = catalogue / "trainings" / "devenez-facilitateur.yml"
    path.write_text(path.read_text(encoding="utf-8").replace("end: 2025-03-14", "end: 2025-03-01"), encoding="utf-8")
    monkeypatch.chdir(catalogue.parent)
    code, lines = check(Path("catalogue"), capsys)
    assert code == 1 and lines[:-1] == [
        "catalogue/trainings/devenez-facilitateur.yml:11:10: « end » (2025-03-01) précède « start » (2025-03-12) "
        "(une fin ne peut pas précéder le début)"]


# --- outputs stay well-formed -----------------------------------------------------------

FORMULAS = {"title": '=HYPERLINK("https://x.test","clic")', "summary": "+cmd|' /C calc'!A0",
            "period": "-2+3", "location": "@SUM(1+1)"}


def test_csv_cells_never_start_a_formula_and_json_stays_exact(tmp_path):
    project = copy_project(FIXTURES / "mini", tmp_path / "project")
    (project / "catalogue" / "interventions" / "formule.yml").write_text(
        "".join(f"{key}: '{value.replace(chr(39), chr(39) * 2)}'\n" for key, value in FORMULAS.items())
        + "objectives: ['=1+1', 'sans risque']\nfacilitated_by: [facilitateurs-publics]\n"
          "published: 2024-11-01\nsources: [article-campus]\n", encoding="utf-8")
    out = tmp_path / "out"
    assert main(["export", str(out), "--catalogue", str(project / "catalogue")]) == 0
    for table in out.glob("*.csv"):
        with open(table, encoding="utf-8", newline="") as handle:
            for row in csv.reader(handle):
                assert not any(cell.startswith(FORMULA_PREFIXES) for cell in row), (table.name, row)
    with open(out / "intervention.csv", encoding="utf-8", newline="") as handle:
        row = next(r for r in csv.DictReader(handle) if r["id"] == "formule")
    assert {key: row[key] for key in FORMULAS} == {key: "'" + value for key, value in FORMULAS.items()}
    assert row["objectives"] == "'=1+1 | sans risque"
    fields = next(r for r in json.loads((out / "campus.json").read_text(encoding="utf-8"))["records"]
                  if r["id"] == "formule")["fields"]
    assert {key: fields[key] for key in FORMULAS} == FORMULAS and fields["objectives"] == ["=1+1", "sans risque"]


def test_open_data_page_says_how_formulas_are_neutralised(mini_site):
    page = parse(mini_site / "donnees" / "index.html")
    text = " ".join(page.get_text(" ").split())
    assert "commence par une apostrophe ( ' ) ajoutée" in text
    assert "=, +, -, @, tabulation, retour chariot" in text
    assert "le fichier JSON, qui donne toujours les valeurs exactes" in text


def test_feed_and_pages_stay_well_formed_whatever_gets_through(tmp_path):
    """Defence in depth: a title holding NUL, ESC, VT, BEL and U+FFFE (which validation refuses)
    still gives a feed that parses as XML and pages with no raw control character."""
    catalogue = read_catalogue(FIXTURES / "mini" / "catalogue")
    hostile = "Titre\x00 avec\x1b[31m \x0bdes\x07 caractères\ufffe"
    entry = catalogue.by_id["codeveloppeurs"]
    entry.record = entry.record.model_copy(update={"title": hostile, "summary": "Résumé\x1b\x00"})
    feed = ET.fromstring(atom_feed(catalogue, "https://campus.test/", "Campus"))
    titles = [e.text for e in feed.iter("{http://www.w3.org/2005/Atom}title")]
    assert "Titre\ufffd avec\ufffd[31m \ufffddes\ufffd caractères\ufffd" in titles
    pages = SiteRenderer(catalogue).all_pages()
    record = next(p for p in pages if p.src_uri == "communautes/codeveloppeurs.md")
    body = record.text.split("---\n", 2)[2]
    assert "Titre\ufffd avec" in body
    for page in pages:
        assert not RAW_CONTROL.search(page.text.split("---\n", 2)[2]), page.src_uri
    # The JSON-LD printed in the page's <head> escapes them, and still says exactly what the record says.
    jsonld = yaml.safe_load(record.text.split("---\n", 2)[1])["jsonld"]
    assert not RAW_CONTROL.search(jsonld) and "\ufffe" not in jsonld
    assert json.loads(jsonld)["name"] == hostile


def test_a_file_name_cannot_break_the_line_either(catalogue, capsys, monkeypatch):
    shutil.copyfile(catalogue / "tools" / "mallette.yml", catalogue / "tools" / "deux\nlignes\x1b[2J.yml")
    monkeypatch.chdir(catalogue.parent)
    code, lines = check(Path("catalogue"), capsys)
    assert code == 1 and lines[0] == (
        "catalogue/tools/deux\\nlignes\\x1b[2J.yml:1:1: nom de fichier invalide « deux\\nlignes\\x1b[2J.yml » "
        "(renommez-le en deux-lignes-2j.yml : lettres minuscules sans accent, chiffres et tirets)")
