"""`campus check`: every refusal the catalogue needs, each with its message and location."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import pytest

from conftest import FIXTURES, check
from mkdocs_campus.commands.cli import main

BAD = FIXTURES / "bad"


def test_valid_fixture_passes(catalogue, capsys):
    code, lines = check(catalogue, capsys)
    assert code == 0
    assert lines == ["Catalogue valide : 9 fiches (2 communautés, 2 formations, 3 outils, 2 interventions)"]


# (bad file, where it goes in the catalogue, the exact problem line expected)
CASES = [
    ("yaml-syntax.yml", "communities/syntaxe.yml",
     "catalogue/communities/syntaxe.yml:2:10: erreur de syntaxe YAML : guillemet ouvert jamais fermé "
     "(fermez-le à la fin de la valeur, sur la même ligne, ou retirez les guillemets)"),
    ("tab.yml", "communities/tab.yml", "catalogue/communities/tab.yml:2:1: tabulation interdite (indentez avec des espaces)"),
    ("empty.yml", "communities/vide.yml", "catalogue/communities/vide.yml:1:1: fichier vide"),
    ("not-mapping.yml", "tools/liste.yml",
     "catalogue/tools/liste.yml:1:1: le fichier doit contenir une fiche (des lignes « champ: valeur »), pas une liste"),
    ("duplicate-key.yml", "tools/doublon.yml",
     "catalogue/tools/doublon.yml:2:1: clé « title » en double (déjà à la ligne 1) (gardez une seule fois chaque champ)"),
    ("unknown-field.yml", "trainings/faute.yml",
     "catalogue/trainings/faute.yml:2:1: champ inconnu « sumary » (vouliez-vous dire « summary » ?)"),
    ("missing-field.yml", "trainings/sans-resume.yml",
     "catalogue/trainings/sans-resume.yml:1:1: champ obligatoire manquant : « summary »"),
    ("wrong-type.yml", "trainings/type.yml",
     "catalogue/trainings/type.yml:1:8: type incorrect pour « title » : attendu un texte, trouvé une liste"),
    ("impossible-date.yml", "trainings/date.yml",
     "catalogue/trainings/date.yml:4:12: date impossible « 2024-04-31 » dans « published » "
     "(ce jour n'existe pas dans le calendrier)"),
    ("negative-count.yml", "communities/negatif.yml",
     "catalogue/communities/negatif.yml:4:12: nombre négatif interdit dans « value »"),
    ("javascript-url.yml", "trainings/lien.yml",
     "catalogue/trainings/lien.yml:2:6: adresse web invalide « javascript:alert(1) » "
     "(seules les adresses http:// et https:// sont acceptées)"),
    ("bad-email.yml", "communities/courriel.yml",
     "catalogue/communities/courriel.yml:4:10: adresse e-mail invalide « pas-une-adresse »"),
    ("unknown-theme.yml", "trainings/theme.yml",
     "catalogue/trainings/theme.yml:3:10: thématique inconnue « facilitaton » (vouliez-vous dire « facilitation » ?)"),
    ("unknown-community.yml", "trainings/communaute.yml",
     "catalogue/trainings/communaute.yml:2:15: communauté inconnue « facilitateurs-public » "
     "(vouliez-vous dire « facilitateurs-publics » ?)"),
    ("unknown-organisation.yml", "communities/orga.yml",
     "catalogue/communities/orga.yml:2:15: organisation inconnue « ditpp » (vouliez-vous dire « ditp » ?)"),
    ("duplicate-id.yml", "tools/facilitateurs-publics.yml",
     "catalogue/tools/facilitateurs-publics.yml:1:1: identifiant « facilitateurs-publics » déjà utilisé par "
     "catalogue/communities/facilitateurs-publics.yml (renommez l'un des deux fichiers)"),
    ("Bad_Name.yml", "tools/Bad_Name.yml",
     "catalogue/tools/Bad_Name.yml:1:1: nom de fichier invalide « Bad_Name.yml » (renommez-le en bad-name.yml"),
    ("latin1.yml", "trainings/latin.yml",
     "catalogue/trainings/latin.yml:1:11: le fichier n'est pas en UTF-8 (enregistrez-le en UTF-8 depuis votre éditeur)"),
    ("python-tag.yml", "trainings/tag.yml",
     "catalogue/trainings/tag.yml:1:8: étiquette YAML non autorisée « !!python/object/apply:os.system »"),
    ("alias-bomb.yml", "trainings/bombe.yml",
     "catalogue/trainings/bombe.yml:2:8: alias YAML (*a) refusé (recopiez la valeur au lieu d'utiliser une ancre)"),
    ("oversized.yml", "trainings/gros.yml", "catalogue/trainings/gros.yml:1:1: fichier trop volumineux"),
]


@pytest.mark.parametrize("bad,target,expected", CASES, ids=[c[0] for c in CASES])
def test_refusal_is_located_and_explained(catalogue, capsys, bad, target, expected):
    destination = catalogue / target
    shutil.copyfile(BAD / bad, destination)
    code, lines = check(catalogue, capsys)
    assert code == 1
    assert any(line.startswith(expected) for line in lines), "\n".join(lines)
    assert lines[-1].startswith("1 problème dans 1 fichier") or "problèmes" in lines[-1]


def test_every_problem_is_reported_at_once(catalogue, capsys):
    for bad, target, _ in CASES[:8]:
        shutil.copyfile(BAD / bad, catalogue / target)
    code, lines = check(catalogue, capsys)
    assert code == 1
    problems = lines[:-1]
    assert {line.split(":")[0] for line in problems} == {f"catalogue/{t}" for _, t, _ in CASES[:8]}
    assert lines[-1] == f"{len(problems)} problèmes dans 8 fichiers"


def test_bom_and_crlf_are_accepted(catalogue, capsys):
    shutil.copyfile(BAD / "bom-crlf.yml", catalogue / "trainings" / "bom-crlf.yml")
    code, lines = check(catalogue, capsys)
    assert (code, lines[-1]) == (0, "Catalogue valide : 10 fiches (2 communautés, 3 formations, 3 outils, 2 interventions)")


def test_updated_before_published(catalogue, capsys):
    path = catalogue / "communities" / "codeveloppeurs.yml"
    path.write_text(path.read_text(encoding="utf-8") + "updated: 2020-01-01\n", encoding="utf-8")
    code, lines = check(catalogue, capsys)
    assert code == 1
    assert lines[0].startswith("catalogue/communities/codeveloppeurs.yml:12:10: « updated » : "
                               "la mise à jour (2020-01-01) précède la publication (2024-11-01)")


def test_collection_cycle(catalogue, capsys):
    path = catalogue / "tools" / "mallette.yml"
    path.write_text(path.read_text(encoding="utf-8") + "collection: micro-defis\n", encoding="utf-8")
    code, lines = check(catalogue, capsys)
    assert code == 1
    assert "collections en boucle : mallette → micro-defis → mallette" in lines[0]


def test_reference_to_a_record_of_another_type_says_so(catalogue, capsys):
    path = catalogue / "trainings" / "devenez-facilitateur.yml"
    text = path.read_text(encoding="utf-8").replace("communities: [facilitateurs-publics]", "communities: [mallette]")
    path.write_text(text, encoding="utf-8")
    code, lines = check(catalogue, capsys)
    assert code == 1
    assert "communauté inconnue « mallette » (« mallette » est une fiche de type outil)" in lines[0]


def test_unexpected_files_are_not_silently_ignored(catalogue, capsys):
    (catalogue / "tools" / "notes.yaml").write_text("title: x\n", encoding="utf-8")
    (catalogue / "formation").mkdir()
    code, lines = check(catalogue, capsys)
    assert code == 1
    assert "catalogue/formation:1:1: dossier inattendu (vouliez-vous dire « trainings » ?)" in lines
    assert "catalogue/tools/notes.yaml:1:1: fichier ignoré : extension inattendue (renommez-le en notes.yml)" in lines


def test_alias_bomb_is_refused_quickly_with_bounded_memory(catalogue, capsys):
    shutil.copyfile(BAD / "alias-bomb.yml", catalogue / "trainings" / "bombe.yml")
    tracemalloc.start()
    started = time.perf_counter()
    code, _ = check(catalogue, capsys)
    elapsed = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert code == 1
    assert elapsed < 5 and peak < 50 * 1024 * 1024


def test_github_and_json_formats(catalogue, capsys):
    shutil.copyfile(BAD / "unknown-theme.yml", catalogue / "trainings" / "theme.yml")
    code, lines = check(catalogue, capsys, "--format", "github")
    assert code == 1
    assert lines[0] == ("::error file=catalogue/trainings/theme.yml,line=3,col=10,title=campus check::"
                        "thématique inconnue « facilitaton » (vouliez-vous dire « facilitation » ?)")
    code = main(["check", str(catalogue), "--format", "json"])
    problems = json.loads(capsys.readouterr().out)
    assert code == 1
    assert problems == [{"path": "catalogue/trainings/theme.yml", "line": 3, "column": 10,
                         "message": "thématique inconnue « facilitaton »",
                         "hint": "vouliez-vous dire « facilitation » ?"}]


def test_command_line_exit_codes_and_no_traceback(catalogue, tmp_path):
    shutil.copyfile(BAD / "python-tag.yml", catalogue / "trainings" / "tag.yml")
    campus = [sys.executable, "-m", "mkdocs_campus.commands.cli"]
    bad = subprocess.run([*campus, "check", str(catalogue)], capture_output=True, text=True)
    usage = subprocess.run([*campus, "check", "--format", "xml"], capture_output=True, text=True)
    missing = subprocess.run([*campus, "check", str(tmp_path / "nowhere")], capture_output=True, text=True)
    assert bad.returncode == 1 and "Traceback" not in bad.stdout + bad.stderr
    assert usage.returncode == 2 and "valeur « xml » inconnue pour --format" in usage.stderr
    assert missing.returncode == 1 and "dossier du catalogue introuvable" in missing.stdout


def test_real_catalogue_is_valid(capsys):
    root = Path(__file__).resolve().parent.parent / "catalogue"
    code, lines = check(root, capsys)
    assert code == 0, "\n".join(lines)
    total = int(lines[-1].split(": ")[1].split()[0])
    assert total > 50


# A record's YAML written wrong as editors do: the French message and the line to correct (PyYAML
# often notices on the next line, or at the end of the file).
YAML_SYNTAX = [
    ('title: "Guide\nsummary: Un guide.\n', "1:8", "guillemet ouvert jamais fermé"),
    ("title: Guide\n  summary: Un guide.\n", "2:10", "deux-points inattendu"),
    ("title: Guide\nsummary Un guide.\nkind: guide\n", "2:1", "deux-points manquant après le nom du champ"),
    ("sessions:\n  - start: 2024-01-01\n   end: 2024-01-02\n", "3:4", "indentation incorrecte"),
    ("themes: [facilitation\nsummary: Un guide.\n", "1:9", "liste entre crochets non fermée ou mal séparée"),
    ("title: *important*\n", "1:8", "« * » ou « & » en début de valeur"),
    ("title: @guide\n", "1:8", "caractère « @ » interdit en début de valeur"),
    ('title: "Guide" pratique\n', "1:16", "texte inattendu après la fin d'une valeur"),
    ('title: "C:\\Guide"\n', "1:12", "séquence « \\G » inconnue entre guillemets doubles"),
    ("title: Guide\n- pratique\n", "2:1", "tiret de liste mal placé"),
    ("description: |x\n  Texte.\n", "1:14", "bloc de texte « | » ou « > » mal écrit"),
]


@pytest.mark.parametrize("text,where,message", YAML_SYNTAX, ids=[m for _, _, m in YAML_SYNTAX])
def test_yaml_syntax_errors_are_french_and_at_the_faulty_line(catalogue, capsys, text, where, message):
    (catalogue / "tools" / "syntaxe.yml").write_text(text, encoding="utf-8")
    code, lines = check(catalogue, capsys)
    found = re.fullmatch(r"catalogue/tools/syntaxe\.yml:(\d+:\d+): erreur de syntaxe YAML : (.+) \((.+)\)", lines[0])
    assert code == 1 and found, lines
    assert (found[1], found[2]) == (where, message)
    assert not re.search(r"\b(found|expected|while|scanning|parsing)\b", lines[0])  # nothing left in English


def test_references_of_an_invalid_record_are_checked_too(catalogue, capsys):
    """A record with a bad value still has its themes, organisation and communities checked."""
    record = catalogue / "trainings" / "devenez-facilitateur.yml"
    text = record.read_text(encoding="utf-8")
    record.write_text(text.replace("format: blended", "format: mixte").replace("themes: [facilitation]", "themes: [facilitaton]")
                      .replace("organisation: ditp", "organisation: ditpp")
                      .replace("communities: [facilitateurs-publics]", "communities: [Bad Id]"), encoding="utf-8")
    code, lines = check(catalogue, capsys)
    messages = [re.sub(r"^catalogue/trainings/devenez-facilitateur\.yml:\d+:\d+: ", "", line) for line in lines[:-1]]
    assert code == 1 and messages == [
        "valeur « mixte » non autorisée pour « format » (valeurs possibles : online, in_person, blended)",
        "organisation inconnue « ditpp » (vouliez-vous dire « ditp » ?)",
        "identifiant invalide « Bad Id » dans « communities » (vouliez-vous dire « bad-id » ? lettres minuscules "
        "sans accent, chiffres et tirets)",
        "thématique inconnue « facilitaton » (vouliez-vous dire « facilitation » ?)",
    ], lines
    assert lines[-1] == "4 problèmes dans 1 fichier"
