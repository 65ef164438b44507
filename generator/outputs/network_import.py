"""One other campus's open data export (donnees/campus.json), read into a `Network`: fetched
within a timeout and a size limit (`fetch`), its format version and structure checked
(`parse_export`), its reference lists and records validated against the local models, ids
namespaced and relations within the network kept (`import_export`). networks.py loads the
configured networks (with the cached copy when one cannot be reached) and includes them.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin

from pydantic import BaseModel, ValidationError

from ..catalogue import records as r
from ..catalogue.errors import counted, shown, visible
from ..catalogue.validate import REFERENCE_FIELDS, Located
from ..catalogue.model_errors import web_address_reason
from .exports import FORMAT_VERSION
from .network_fetch import DEFAULT_MAX_BYTES, DEFAULT_TIMEOUT, ExportError, fetch, load_json

__all__ = ["DEFAULT_MAX_BYTES", "DEFAULT_TIMEOUT", "DEFAULT_MAX_RECORDS", "DEFAULT_MAX_PROBLEMS", "ExportError",
           "Network", "fetch", "import_export", "parse_export"]

SEPARATOR = "--"  # between a network's slug and its record ids; never in a local id (records.ID_PATTERN)
DEFAULT_MAX_RECORDS = 10_000  # records read from one export; the rest are counted, not read
DEFAULT_MAX_PROBLEMS = 100  # problems kept (and reported) per network; the rest are counted

_RECORD_REFERENCES = {name: target for name, target in REFERENCE_FIELDS.items() if target in r.RECORD_TYPES}


@dataclass(frozen=True)
class NetworkProblem:
    """A problem found in a network's export, located by record (or list item) and field."""

    network: str
    where: str  # "fiche « x » (records[3])", "thématique n° 2 (themes[1])", or "" for the whole export
    field: str = ""
    message: str = ""

    def __str__(self) -> str:
        """One line, whatever the export held: every control character shown as an escape."""
        place = "".join(part for part in (f" : {self.where}" if self.where else "",
                                          f", champ « {self.field} »" if self.field else ""))
        return visible(f"réseau « {self.network} »{place} : {self.message}")


@dataclass
class Network:
    """What a network brings into the site, and what went wrong."""

    name: str
    slug: str
    url: str
    required: bool = False
    home: str = ""  # the network's site, when its export is on the web
    licence: dict | None = None
    updated: str | None = None
    records: list[Located] = field(default_factory=list)
    themes: dict[str, r.Theme] = field(default_factory=dict)  # themes this site does not have
    organisations: dict[str, r.Organisation] = field(default_factory=dict)
    sources: dict[str, r.Source] = field(default_factory=dict)
    origins: dict[str, str] = field(default_factory=dict)  # namespaced id -> original page
    problems: list[NetworkProblem] = field(default_factory=list)  # the first max_problems
    more_problems: int = 0  # those found after them, only counted
    status: str = ""  # "à jour", "copie en cache", "indisponible"
    max_records: int = DEFAULT_MAX_RECORDS
    max_problems: int = DEFAULT_MAX_PROBLEMS

    def problem(self, where: str, field_name: str, message: str) -> None:
        if len(self.problems) < self.max_problems:
            self.problems.append(NetworkProblem(self.name, where, field_name, message))
        else:
            self.more_problems += 1

    def headline(self, message: str) -> None:
        """A problem about the whole network, first and always reported, whatever the cap."""
        self.problems.insert(0, NetworkProblem(self.name, "", "", message))

    def problem_count(self) -> int:
        return len(self.problems) + self.more_problems


def namespaced(slug: str, item_id: str) -> str:
    return f"{slug}{SEPARATOR}{item_id}"


def parse_export(raw: bytes) -> dict:
    """The export as data (within network_fetch's bounds), its format version checked;
    ExportError otherwise. A cached copy is read by the same checks as a fresh one."""
    data = load_json(raw)
    if not isinstance(data, dict):
        raise ExportError("export illisible : un objet JSON est attendu (licence, records…)")
    version = data.get("version", "1.0")  # exports before the version key are 1.0
    if not isinstance(version, str) or not _is_version(version):
        raise ExportError(f"champ « version » invalide ({shown(json.dumps(version), 40)}) : "
                          f"attendu par exemple « {FORMAT_VERSION} »")
    major = int(version.split(".")[0])
    supported = int(FORMAT_VERSION.split(".")[0])
    if major > supported:
        raise ExportError(f"format {version} refusé : ce générateur lit le format {supported}.x ; "
                          f"mettez à jour Campus pour inclure ce réseau")
    if major < supported:
        raise ExportError(f"format {version} refusé : ce générateur lit le format {supported}.x")
    if not isinstance(data.get("records"), list):
        raise ExportError("champ « records » manquant ou qui n'est pas une liste")
    return data


def _is_version(text: str) -> bool:
    """'1.0': ASCII digits only (str.isdigit() also accepts '²', which int() refuses)."""
    return re.fullmatch(r"[0-9]{1,5}\.[0-9]{1,5}", text, flags=re.ASCII) is not None


# --- importing --------------------------------------------------------------------------------

def _where(kind: str, index: int, item: Any, list_name: str) -> str:
    item_id = item.get("id") if isinstance(item, dict) else None
    label = f"« {item_id} »" if isinstance(item_id, str) and len(item_id) <= 100 else f"n° {index + 1}"
    return f"{kind} {label} ({list_name}[{index}])"


def _errors(exc: ValidationError) -> list[tuple[str, str]]:
    """(field path, French message) of a pydantic error, for an item of an export."""
    found = []
    for error in exc.errors(include_url=False):
        path = ".".join(str(p) for p in error["loc"])
        kind = error["type"]
        if kind == "missing":
            message = "champ obligatoire manquant"
        elif kind == "extra_forbidden":
            message = "champ inconnu"
        elif (reason := web_address_reason(error)) is not None:
            message = f"adresse web invalide ({reason})"
        elif kind == "string_too_long":
            message = f"texte trop long (maximum {error.get('ctx', {}).get('max_length')} caractères)"
        else:
            message = error["msg"]
        found.append((path, message))
    return found


def _reference_list(network: Network, data: dict, name: str) -> dict[str, BaseModel]:
    model, label = r.REFERENCE_LISTS[name]
    items = data.get(name, [])
    if not isinstance(items, list):
        network.problem(f"liste « {name} »", "", "une liste est attendue ; liste ignorée")
        return {}
    valid: dict[str, BaseModel] = {}
    for index, item in enumerate(items):
        where = _where(label, index, item, name)
        try:
            value = model.model_validate(item)
        except ValidationError as exc:
            for path, message in _errors(exc):
                network.problem(where, path, message + " ; élément ignoré")
            continue
        if value.id in valid:
            network.problem(where, "id", "identifiant en double ; élément ignoré")
            continue
        valid[value.id] = value
    return valid


def _namespace(value: Any, slug: str) -> Any:
    """A validated record (or part) with its references to organisations, sources and records of
    its network namespaced; theme ids are kept (matched by id)."""
    if isinstance(value, BaseModel):
        update = {}
        for name in type(value).model_fields:
            item = getattr(value, name)
            target = REFERENCE_FIELDS.get(name)
            if target == "themes" or (target is None and not isinstance(item, (BaseModel, list))):
                continue
            if target and isinstance(item, str):
                update[name] = namespaced(slug, item)
            elif target and isinstance(item, list):
                update[name] = [namespaced(slug, i) for i in item]
            elif isinstance(item, (BaseModel, list)):
                update[name] = _namespace(item, slug)
        return value.model_copy(update=update)
    if isinstance(value, list):
        return [_namespace(v, slug) for v in value]
    return value


def _drop_unknown(fields: dict, known: dict[str, set[str]], where: str, network: Network, path: str = "") -> dict:
    """Raw fields with references to unknown organisations, sources and themes removed (reported)."""
    cleaned = {}
    for name, value in fields.items():
        target = REFERENCE_FIELDS.get(name)
        here = f"{path}.{name}" if path else name
        if target in known and isinstance(value, str):
            if value not in known[target]:
                network.problem(where, here, f"référence inconnue « {value[:100]} » ; retirée")
                continue
        elif target in known and isinstance(value, list):
            kept = []
            for index, item in enumerate(value):
                if isinstance(item, str) and item not in known[target]:
                    network.problem(where, f"{here}[{index}]", f"référence inconnue « {item[:100]} » ; retirée")
                else:
                    kept.append(item)
            value = kept
        elif isinstance(value, dict):
            value = _drop_unknown(value, known, where, network, here)
        elif isinstance(value, list):
            value = [_drop_unknown(v, known, where, network, f"{here}[{i}]") if isinstance(v, dict) else v
                     for i, v in enumerate(value)]
        cleaned[name] = value
    return cleaned


def import_export(network: Network, data: dict, local_themes: dict[str, r.Theme]) -> None:
    """Fill `network` from its export's data (already parsed and version-checked)."""
    licence = data.get("licence")
    if isinstance(licence, dict) and isinstance(licence.get("title"), str) and isinstance(licence.get("url"), str) \
            and r.web_address_problem(licence["url"]) is None and len(licence["title"]) <= 300:
        network.licence = {"title": licence["title"], "url": licence["url"]}
    else:
        network.problem("", "licence", "licence absente ou invalide")
    if isinstance(data.get("updated"), str) and len(data["updated"]) == 10:
        network.updated = data["updated"]
    themes = _reference_list(network, data, "themes")
    organisations = _reference_list(network, data, "organisations")
    sources = _reference_list(network, data, "sources")
    network.themes = {k: v for k, v in themes.items() if k not in local_themes}
    network.sources = {namespaced(network.slug, k): v.model_copy(update={"id": namespaced(network.slug, k)})
                       for k, v in sources.items()}
    network.organisations = {
        namespaced(network.slug, k): v.model_copy(update={
            "id": namespaced(network.slug, k),
            "parent": namespaced(network.slug, v.parent) if v.parent in organisations else None})
        for k, v in organisations.items()}
    known = {"themes": set(themes) | set(local_themes), "organisations": set(organisations), "sources": set(sources)}

    # First pass: each record on its own (structure, model); second: relations between them.
    valid: dict[str, tuple[str, BaseModel, str, str]] = {}
    records = data["records"]
    if len(records) > network.max_records:
        network.problem("", "records", f"{counted(len(records) - network.max_records, 'fiche')} au-delà de la "
                                       f"limite de {network.max_records} fiches par réseau (network_max_records) ; "
                                       f"ignorées")
    for index, item in enumerate(records[:network.max_records]):
        where = _where("fiche", index, item, "records")
        if not isinstance(item, dict):
            network.problem(where, "", "un objet est attendu ; fiche ignorée")
            continue
        record_id, type_name, fields = item.get("id"), item.get("type"), item.get("fields")
        if not isinstance(record_id, str) or not _valid_id(record_id):
            network.problem(where, "id", "identifiant absent ou invalide ; fiche ignorée")
            continue
        if type_name not in r.RECORD_TYPES:
            network.problem(where, "type", f"type inconnu « {str(type_name)[:40]} » ; fiche ignorée")
            continue
        if not isinstance(fields, dict):
            network.problem(where, "fields", "un objet est attendu ; fiche ignorée")
            continue
        if record_id in valid:
            network.problem(where, "id", "identifiant en double ; fiche ignorée")
            continue
        fields = _drop_unknown(fields, known, where, network)
        try:
            record = r.RECORD_TYPES[type_name].model.model_validate(fields)
        except ValidationError as exc:
            for path, message in _errors(exc):
                network.problem(where, f"fields.{path}", message + " ; fiche ignorée")
            continue
        original, problem = _original(item.get("page"), network.home)
        if problem:
            network.problem(where, "page", f"{problem} ; pas de lien vers l'original")
        valid[record_id] = (type_name, record, where, original)

    for record_id, (type_name, record, where, original) in valid.items():
        update = {}
        for name, target in _RECORD_REFERENCES.items():
            if name not in type(record).model_fields:
                continue
            value = getattr(record, name)
            targets = [value] if isinstance(value, str) else list(value or [])
            kept = [t for t in targets if t in valid and valid[t][0] == target and t != record_id]
            for t in targets:
                if t not in kept:
                    network.problem(where, f"fields.{name}", f"fiche liée « {t} » absente de l'export ; lien retiré")
            if len(kept) != len(targets):
                update[name] = kept if isinstance(value, list) else None
        if update:
            record = record.model_copy(update=update)
        ns_id = namespaced(network.slug, record_id)
        network.records.append(Located(ns_id, type_name, _namespace(record, network.slug), original or network.url))
        if original:
            network.origins[ns_id] = original


def _valid_id(text: str) -> bool:
    return len(text) <= 200 and re.fullmatch(r.ID_PATTERN, text) is not None


def _original(page: Any, home: str) -> tuple[str, str]:
    """The record's page on its own site (absolute, or relative to the network's site), and why
    it is left out when it is: it must pass the site's one rule for web addresses."""
    if not isinstance(page, str) or not page:
        return "", "adresse de la page d'origine absente"
    if len(page) > 2000:
        return "", "adresse de la page d'origine trop longue"
    if not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", page) and not page.startswith("//") and home:
        page = urljoin(home, page)
    problem = r.web_address_problem(page)
    if problem:
        return "", f"adresse de la page d'origine invalide ({problem})"
    return page, ""
