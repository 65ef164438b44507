"""`campus init DIR "Nom du réseau"`: a new Campus site, ready to check, build and fill in.

The files come from the package (generator/starter/, whose top-level names starting with "_" are
written with a dot: `_github` -> `.github`), with the network's name put in; the JSON Schemas are
generated from the models like `campus schema` does, and the empty reference lists are written in
the web editor's format (campus fmt), so `campus check` and `campus fmt --check` pass at once.
"""

from __future__ import annotations

import html
import json
from pathlib import Path

from ..catalogue import fmt
from ..catalogue import records as r
from ..catalogue.validate import slugify
from ..outputs.resources import starter_dir
from ..outputs.schema import write_schemas
from .pin import installed_requirement

TEXT_SUFFIXES = {".md", ".yml", ".yaml", ".txt", ""}


class InitError(ValueError):
    """The site cannot be written there; the message says why, in French."""


def _target_name(relative: Path) -> Path:
    first, *rest = relative.parts
    if first.startswith("_"):
        first = "." + first[1:]
    return Path(first, *rest)


def _substitutions(name: str, short_name: str) -> dict[str, str]:
    description = f"{name} : le catalogue ouvert des communautés, formations, outils et interventions."
    line, note = installed_requirement()
    return {
        "__GENERATEUR__": line,
        "__NOTE__": note,
        # Until the platform gives the address (CAMPUS_SITE_URL), one that no other campus has: an
        # included network's records are told from this site's own by their address.
        "__ADRESSE__": f"https://{slugify(name) or 'campus'}.example.org/",
        "__NOM_YAML__": json.dumps(name, ensure_ascii=False),
        "__NOM_COURT_YAML__": json.dumps(short_name, ensure_ascii=False),
        "__DESCRIPTION_YAML__": json.dumps(description, ensure_ascii=False),
        "__NOM__": html.escape(name, quote=False),
    }


def init_site(target: Path, name: str, short_name: str | None = None) -> list[Path]:
    """Write a new site into `target` (missing or empty); return the files written."""
    name = " ".join(name.split())
    if not name:
        raise InitError("le nom du réseau est vide")
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise InitError(f"{target} existe déjà et n'est pas un dossier vide ; choisissez un nouveau dossier")
    substitutions = _substitutions(name, " ".join((short_name or name).split()))
    written = []
    source_root = starter_dir()
    for source in sorted(p for p in source_root.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        path = target / _target_name(source.relative_to(source_root))
        path.parent.mkdir(parents=True, exist_ok=True)
        if source.suffix in TEXT_SUFFIXES or source.name == "Makefile":
            text = source.read_text(encoding="utf-8")
            for token, value in substitutions.items():
                text = text.replace(token, value)
            path.write_text(text, encoding="utf-8")
        else:
            path.write_bytes(source.read_bytes())
        written.append(path)
    for list_name in r.REFERENCE_LISTS:
        path = target / "catalogue" / f"{list_name}.yml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(fmt.emit(list_name, []), encoding="utf-8")
        written.append(path)
    written += write_schemas(target / "schemas")
    return written
