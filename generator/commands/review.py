"""`campus review`: what the maintainers should look at again, as located one-line problems.

A catalogue is true on the day it is checked; then it rots. This lists, on the build's « today »
(generator/catalogue/clock.py): records not updated (`updated`, else `published`) for more than
`--months` months (12 by default); trainings whose every session has passed; and, with
`--external`, every web address of the records and reference lists that no longer answers
(`campus links`' own check, generator/commands/linkcheck.py). Each at its line in its file, as
`campus check` prints problems (text, `--format github` annotations, or JSON). Exit 0 when there
is nothing to review, 1 otherwise, 2 on a usage error.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path

from ..catalogue.clock import build_today, session_end
from ..catalogue.errors import CatalogueError, Problem, format_problems, quote, summary_line
from ..catalogue.load import Document, load_file
from ..catalogue.pipeline import read_catalogue
from ..outputs.dates import french_date
from .linkcheck import unreachable

DEFAULT_MONTHS = 12
TITLE = "campus review"


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day `months` months earlier (the month's last day when it is shorter)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    following = dt.date(year + (month == 12), month % 12 + 1, 1)
    return dt.date(year, month, min(day.day, (following - dt.timedelta(days=1)).day))


def _document(path: Path, display: str, cache: dict) -> Document | None:
    if display not in cache:
        cache[display] = load_file(path, display)[0]
    return cache[display]


def _at(doc: Document | None, display: str, loc: tuple, message: str, hint: str) -> Problem:
    line, column = doc.position(loc, key=True) if doc else (1, 1)
    return Problem(display, line, column, message, hint)


def record_problems(catalogue, base: Path, today: dt.date, months: int, docs: dict) -> list[Problem]:
    """Stale records and trainings whose every session has passed."""
    cutoff = months_before(today, months)
    problems = []
    for entry in catalogue.entries:
        rec = entry.record
        doc = None
        last = rec.updated or rec.published
        if last < cutoff:
            doc = _document(base / entry.path, entry.path, docs)
            field = "updated" if rec.updated else "published"
            problems.append(_at(doc, entry.path, (field,),
                                f"fiche non mise à jour depuis le {french_date(last)} (plus de {months} mois)",
                                "relisez-la ; si elle est toujours juste, mettez « updated » à la date du jour"))
        if entry.type == "training" and rec.sessions:
            ended = max(session_end(s.start, s.end) for s in rec.sessions)
            if ended < today:
                doc = doc or _document(base / entry.path, entry.path, docs)
                problems.append(_at(doc, entry.path, ("sessions",),
                                    f"toutes les sessions sont passées (la dernière a fini le {french_date(ended)})",
                                    "ajoutez les prochaines sessions, ou retirez les sessions passées"))
    return problems


def _addresses(doc: Document | None) -> list[tuple[tuple, str]]:
    """Every web address a YAML document holds (values of keys named `url`), with its place."""
    if doc is None:
        return []
    found = []
    for loc in doc.values:
        if loc and loc[-1] == "url":
            value = doc.data
            for part in loc:
                value = value[part]
            if isinstance(value, str) and value.startswith(("http://", "https://")):
                found.append((loc, value))
    return sorted(found, key=lambda item: doc.values[item[0]])


def address_problems(catalogue, root: Path, base: Path, docs: dict, timeout: float) -> list[Problem]:
    """The records' and reference lists' web addresses that no longer answer, at each place."""
    places: list[tuple[str, Document, tuple, str]] = []
    displays = [e.path for e in catalogue.entries]
    for name in ("organisations.yml", "sources.yml"):
        displays.append(Path(os.path.relpath(root / name, base)).as_posix())
    for display in displays:
        doc = _document(base / display, display, docs)
        places += [(display, doc, loc, url) for loc, url in _addresses(doc)]
    reasons = unreachable(sorted({url for *_, url in places}), timeout)
    return [_at(doc, display, loc, f"adresse qui ne répond plus {quote(url, 120)} : {reasons[url]}",
                "corrigez l'adresse, ou retirez-la si la ressource a disparu")
            for display, doc, loc, url in places if url in reasons]


def run(paths: list[str], months: int, external: bool, fmt: str, timeout: float, today: dt.date | None = None) -> int:
    if months < 1:
        print("campus review : --months doit être un nombre entier de mois, au moins 1.", file=sys.stderr)
        return 2
    today = today or build_today()
    problems: list[Problem] = []
    count = 0
    for root in sorted({Path(p).resolve() for p in (paths or ["catalogue"])}):
        base = Path.cwd() if Path.cwd() in root.parents else root.parent
        try:
            catalogue = read_catalogue(root, base)
        except CatalogueError as exc:
            print(format_problems(exc.problems, fmt))
            print(f"{summary_line(exc.problems)} : corrigez-les d'abord (campus check).", file=sys.stderr)
            return 1
        docs: dict = {}
        count += len(catalogue.entries)
        problems += record_problems(catalogue, base, today, months, docs)
        if external:
            problems += address_problems(catalogue, root, base, docs, timeout)
    problems.sort()
    if fmt == "json" or problems:
        print(format_problems(problems, fmt, title=TITLE, level="warning"))
    out = sys.stdout if fmt == "text" else sys.stderr
    if problems:
        files = len({p.path for p in problems})
        print(f"À revoir : {len(problems)} point{'s' if len(problems) > 1 else ''} dans {files} fichier"
              f"{'s' if files > 1 else ''} (au {french_date(today)}, sur {count} fiches).", file=out)
        return 1
    print(f"Rien à revoir au {french_date(today)} : {count} fiches à jour"
          + (", adresses web vérifiées." if external else " (adresses web non vérifiées : ajoutez --external)."),
          file=out)
    return 0


__all__ = ["DEFAULT_MONTHS", "address_problems", "months_before", "record_problems", "run"]
