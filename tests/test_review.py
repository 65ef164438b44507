"""`campus review`: the records the maintainers should look at again (stale, every session passed,
dead web addresses), each on its located line, as `campus check` prints problems."""

from __future__ import annotations

import datetime as dt
import json

from mkdocs_campus.commands.cli import main
from mkdocs_campus.commands.review import months_before

# 15 November 2025 in Paris: twelve months back is 15 November 2024.
TODAY_EPOCH = str(int(dt.datetime(2025, 11, 15, 9, tzinfo=dt.timezone.utc).timestamp()))
STALE = {  # the mini fixture's records last changed before 15 November 2024, and the line of that date
    "communities/codeveloppeurs.yml": ("published", "1er novembre 2024"),
    "tools/fiches-decider-autrement.yml": ("published", "5 novembre 2024"),
    "tools/mallette.yml": ("published", "5 novembre 2024"),
    "tools/micro-defis.yml": ("published", "5 novembre 2024"),
    "trainings/devenez-facilitateur.yml": ("published", "31 octobre 2024"),
    "trainings/hostile.yml": ("published", "2 janvier 2024"),
}


def _line(path, key: str) -> int:
    return next(i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                if line.startswith(f"{key}:"))


def _review(catalogue, capsys, monkeypatch, *extra):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", TODAY_EPOCH)
    monkeypatch.chdir(catalogue.parent)
    code = main(["review", "catalogue", *extra])
    captured = capsys.readouterr()
    return code, captured.out.splitlines(), captured.err


def test_lists_exactly_the_stale_records_and_the_trainings_whose_sessions_all_passed(catalogue, capsys, monkeypatch):
    code, lines, _ = _review(catalogue, capsys, monkeypatch)
    assert code == 1
    expected = [f"catalogue/{name}:{_line(catalogue / name, key)}:1: fiche non mise à jour depuis le {date} "
                "(plus de 12 mois) (relisez-la ; si elle est toujours juste, mettez « updated » à la date du jour)"
                for name, (key, date) in STALE.items()]
    training = catalogue / "trainings" / "devenez-facilitateur.yml"
    expected.append(f"catalogue/trainings/devenez-facilitateur.yml:{_line(training, 'sessions')}:1: toutes les "
                    "sessions sont passées (la dernière a fini le 14 mars 2025) (ajoutez les prochaines sessions, "
                    "ou retirez les sessions passées)")
    assert sorted(lines[:-1]) == sorted(expected)
    assert lines[-1] == "À revoir : 7 points dans 6 fichiers (au 15 novembre 2025, sur 9 fiches)."


def test_an_update_and_the_period_are_what_count(catalogue, capsys, monkeypatch):
    mallette = catalogue / "tools" / "mallette.yml"
    mallette.write_text(mallette.read_text(encoding="utf-8") + "updated: 2025-06-01\n", encoding="utf-8")
    code, lines, _ = _review(catalogue, capsys, monkeypatch, "--months", "20")
    assert code == 1  # 20 months: only the record of January 2024 (and the passed sessions)
    assert [line.split(":")[0] for line in lines[:-1]] == [
        "catalogue/trainings/devenez-facilitateur.yml", "catalogue/trainings/hostile.yml"]
    code, lines, _ = _review(catalogue, capsys, monkeypatch, "--format", "json")
    assert "catalogue/tools/mallette.yml" not in {p["path"] for p in json.loads("\n".join(lines))}
    assert _review(catalogue, capsys, monkeypatch, "--months", "0")[0] == 2


def test_github_annotations_are_warnings_titled_campus_review(catalogue, capsys, monkeypatch):
    code, lines, err = _review(catalogue, capsys, monkeypatch, "--format", "github")
    assert code == 1 and len(lines) == 7 and "À revoir : 7 points" in err
    assert all(line.startswith("::warning file=catalogue/") and ",title=campus review::" in line for line in lines)


def test_nothing_to_review_exits_zero(catalogue, capsys, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(dt.datetime(2025, 3, 1, tzinfo=dt.timezone.utc).timestamp())))
    monkeypatch.chdir(catalogue.parent)
    assert main(["review", "catalogue", "--months", "15"]) == 0
    assert capsys.readouterr().out.startswith("Rien à revoir au 1er mars 2025 : 9 fiches à jour")


def test_external_lists_the_addresses_that_no_longer_answer_at_their_line(catalogue, capsys, monkeypatch, local_server):
    training = catalogue / "trainings" / "devenez-facilitateur.yml"
    training.write_text(training.read_text(encoding="utf-8") + f"url: {local_server}/existe\n", encoding="utf-8")
    sources = catalogue / "sources.yml"
    text = sources.read_text(encoding="utf-8").replace(
        "  updated: 2024-12-10\n", f"  updated: 2024-12-10\n  url: {local_server}/disparu\n", 1)
    sources.write_text(text, encoding="utf-8")
    code, lines, _ = _review(catalogue, capsys, monkeypatch, "--external", "--months", "60")
    assert code == 1
    dead = [line for line in lines if "adresse" in line]
    assert dead == [f"catalogue/sources.yml:{_line(sources, '  url')}:3: adresse qui ne répond plus "
                    f"« {local_server}/disparu » : HTTP 404 (corrigez l'adresse, ou retirez-la si la ressource "
                    "a disparu)"]
    quiet = _review(catalogue, capsys, monkeypatch, "--months", "60")[1]
    assert not any("adresse" in line for line in quiet)


def test_months_before_keeps_to_the_months_last_day():
    assert months_before(dt.date(2025, 11, 15), 12) == dt.date(2024, 11, 15)
    assert months_before(dt.date(2025, 3, 31), 1) == dt.date(2025, 2, 28)
    assert months_before(dt.date(2024, 3, 31), 1) == dt.date(2024, 2, 29)
    assert months_before(dt.date(2025, 1, 10), 1) == dt.date(2024, 12, 10)
