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

from conftest import FIXTURES, copy_project, parse
from generator.cli import main
from generator.exports import FORMULA_PREFIXES
from generator.feed import atom_feed
from generator.pipeline import read_catalogue
from generator.render import SiteRenderer

HARD = FIXTURES / "hardening"
LINE = re.compile(r"^(?P<path>[^\s:][^:]*):(?P<line>[1-9][0-9]*):(?P<column>[1-9][0-9]*): (?P<message>\S.*)$")
# What no printed line and no output may hold raw.
RAW_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufffe\uffff\ud800-\udfff]")


@pytest.fixture
def catalogue(tmp_path) -> Path:
    root = tmp_path / "catalogue"
    shutil.copytree(FIXTURES / "mini" / "catalogue", root)
    return root


def check(root: Path, capsys, *extra: str) -> tuple[int, list[str]]:
    code = main(["check", str(root), *extra])
    out = capsys.readouterr().out
    return code, out.strip().splitlines()


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
    ("unclosed-flow.yml", T, "6:11: erreur de syntaxe YAML : expected ',' or '}', but got '<stream end>'; "
                             "while parsing a flow mapping (vérifiez l'indentation, les deux-points et les guillemets)"),
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
    result = subprocess.run([sys.executable, "-m", "generator.cli", "check", "catalogue", "--format", fmt],
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
    result = subprocess.run([sys.executable, "-m", "generator.cli", "check", "catalogue"],
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
