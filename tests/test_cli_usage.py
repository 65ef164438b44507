"""Usage errors of every `campus` command are in French: a usage line, then one located error."""

from __future__ import annotations

import re

import pytest

from mkdocs_campus.commands.cli import main, parser

ENGLISH = re.compile(r"\b(usage|error|invalid|required|choose from|expected|unrecognized|ambiguous|"
                     r"arguments? are|show this help)\b", re.I)

# (arguments, the parser that answers, the French error expected after « … : erreur : »)
CASES = [
    ([], "campus", "argument obligatoire manquant : « COMMANDE »"),
    (["bogus"], "campus", "commande « bogus » inconnue (commandes : check, new, pages, schema, links, review, init, export, fmt)"),
    (["check", "--format", "xml"], "campus check",
     "valeur « xml » inconnue pour --format (valeurs possibles : text, github, json)"),
    (["check", "--bad"], "campus", "argument inconnu : --bad"),
    (["new"], "campus new", "arguments obligatoires manquants : « TYPE », « TITRE »"),
    (["new", "bidule", "Titre"], "campus new", "TYPE : type de fiche inconnu « bidule » (types possibles : community "
                                               "(communauté), intervention, tool (outil), training (formation))"),
    (["pages"], "campus pages", "argument obligatoire manquant : « DOSSIER »"),
    (["schema", "--check=oui"], "campus schema", "--check ne prend pas de valeur (« oui » en trop)"),
    (["links"], "campus links", "argument obligatoire manquant : « SITE_DIR »"),
    (["links", "site", "--timeout", "dix"], "campus links", "valeur « dix » invalide pour --timeout (un nombre attendu)"),
    (["init", "dossier"], "campus init", "argument obligatoire manquant : « NOM »"),
    (["init", "dossier", "Nom", "--short-name"], "campus init", "--short-name attend une valeur"),
    (["export"], "campus export", "argument obligatoire manquant : « DIR »"),
    (["review", "--months", "douze"], "campus review", "valeur « douze » invalide pour --months (un nombre entier attendu)"),
    (["fmt", "--format", "yaml"], "campus fmt",
     "valeur « yaml » inconnue pour --format (valeurs possibles : text, github, json)"),
]


def test_every_command_has_a_case():
    commands = set(parser()._subparsers._group_actions[0].choices)
    assert commands <= {prog.split()[-1] for _, prog, _ in CASES}


@pytest.mark.parametrize("args,prog,expected", CASES, ids=[" ".join(a) or "(rien)" for a, _, _ in CASES])
def test_usage_errors_are_french(args, prog, expected, capsys):
    with pytest.raises(SystemExit) as exited:
        main(args)
    err = capsys.readouterr().err
    lines = err.strip().splitlines()
    assert exited.value.code == 2
    assert lines[0].startswith(f"utilisation : {prog} ")
    assert lines[-1] == f"{prog} : erreur : {expected}"
    assert not ENGLISH.search(err), err


def test_a_record_type_may_be_named_in_french(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["new", "formation", "Découvrir la facilitation"]) == 0
    assert (tmp_path / "catalogue/trainings/decouvrir-la-facilitation.yml").is_file()


def test_help_is_french(capsys):
    with pytest.raises(SystemExit):
        main(["new", "--help"])
    out = capsys.readouterr().out
    assert out.startswith("utilisation : campus new ") and "afficher cette aide" in out
    assert not ENGLISH.search(out), out
