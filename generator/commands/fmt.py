"""`campus fmt [PATH…] [--check]`: record files and reference lists brought to the one format the
web editor writes (catalogue/fmt.py), so that a pull request shows only what changed.

    python -m mkdocs_campus.commands.fmt --js-table   # the MODELS table of theme/admin/campus-format.js
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from ..catalogue.errors import Problem, counted, format_problems
from ..catalogue.files import replace_file
from ..catalogue.fmt import format_text, js_table, kind_of
from ..catalogue.load import read_regular


def _files(paths: list[str]) -> tuple[list[Path], list[Problem]]:
    files, problems = [], []
    for name in paths:
        path = Path(name)
        if path.is_dir():
            for folder, dirs, names in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                files += [Path(folder) / n for n in sorted(names)
                          if not n.startswith(".") and n.endswith((".yml", ".yaml"))]
        elif path.exists():
            files.append(path)
        else:
            problems.append(Problem(name, 1, 1, "fichier introuvable"))
    return files, problems


def run(paths: list[str], check: bool, fmt: str = "text", drop_comments: bool = False) -> int:
    """Rewrite (or, with `check`, list) the files not in the editor's format. 0: all in it."""
    files, problems = _files(paths or ["catalogue"])
    changed = 0
    for path in files:
        display = os.path.relpath(path) if path.is_absolute() else str(path)
        kind = kind_of(path.resolve())
        if kind is None:
            problems.append(Problem(display, 1, 1, "ni une fiche ni une liste du catalogue : fichier ignoré",
                                    "campus fmt met en forme catalogue/<type>/*.yml et les listes "
                                    "themes.yml, organisations.yml, sources.yml"))
            continue
        raw, found = read_regular(path, display)
        new, found = (None, found) if raw is None else format_text(raw, kind, display, drop_comments)
        if new is None:
            problems += found
            continue
        if new.encode("utf-8") == raw:
            continue
        changed += 1
        if check:
            problems.append(Problem(display, 1, 1, "pas au format de l'éditeur en ligne",
                                    "lancez « campus fmt » pour le mettre en forme"))
        else:
            replace_file(path, new.encode("utf-8"))
            print(f"mis en forme : {display}")
    if problems:
        print(format_problems(sorted(problems), fmt).replace("title=campus check::", "title=campus fmt::"))
        return 1
    if not check:
        print(f"{counted(len(files), 'fichier')} au format de l'éditeur en ligne ({changed} mis en forme)")
    return 0


if __name__ == "__main__":  # pragma: no cover
    print(js_table()) if sys.argv[1:] == ["--js-table"] else None
