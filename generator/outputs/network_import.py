"""One other campus's open data export (donnees/campus.json), read into a `Network`: fetched
within a timeout and a size limit (`fetch`), its format version and structure checked
(`parse_export`), its reference lists and records validated against the local models, ids
namespaced and relations within the network kept (`import_export`). networks.py loads the
configured networks (with the cached copy when one cannot be reached) and includes them.
"""

from __future__ import annotations

import json
import re
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlparse

from pydantic import BaseModel, ValidationError

from ..catalogue import records as r
from ..catalogue.validate import REFERENCE_FIELDS, Located
from .exports import FORMAT_VERSION

SEPARATOR = "--"  # between a network's slug and its record ids; never in a local id (records.ID_PATTERN)
DEFAULT_TIMEOUT = 10.0
DEFAULT_MAX_BYTES = 20 * 1024 * 1024

_RECORD_REFERENCES = {name: target for name, target in REFERENCE_FIELDS.items() if target in r.RECORD_TYPES}


class ExportError(Exception):
    """The export cannot be used at all; the message says why, in French."""


@dataclass(frozen=True)
class NetworkProblem:
    """A problem found in a network's export, located by record (or list item) and field."""

    network: str
    where: str  # "fiche « x » (records[3])", "thématique n° 2 (themes[1])", or "" for the whole export
    field: str = ""
    message: str = ""

    def __str__(self) -> str:
        place = "".join(part for part in (f" : {self.where}" if self.where else "",
                                          f", champ « {self.field} »" if self.field else ""))
        return f"réseau « {self.network} »{place} : {self.message}"


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
    problems: list[NetworkProblem] = field(default_factory=list)
    status: str = ""  # "à jour", "copie en cache", "indisponible"

    def problem(self, where: str, field_name: str, message: str) -> None:
        self.problems.append(NetworkProblem(self.name, where, field_name, message))


def namespaced(slug: str, item_id: str) -> str:
    return f"{slug}{SEPARATOR}{item_id}"


# --- fetching ---------------------------------------------------------------------------------

def _opener() -> urllib.request.OpenerDirector:
    """http(s) only, redirects included (no file:, ftp: or data: handler to be redirected to)."""
    opener = urllib.request.OpenerDirector()
    for handler in (urllib.request.HTTPHandler, urllib.request.HTTPSHandler, urllib.request.HTTPRedirectHandler,
                    urllib.request.HTTPDefaultErrorHandler, urllib.request.HTTPErrorProcessor):
        opener.add_handler(handler())
    return opener


def fetch(url: str, project: Path, timeout: float = DEFAULT_TIMEOUT, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """The export's bytes; ExportError (in French) when unreachable, too slow or too big."""
    scheme = urlparse(url).scheme.lower()
    if scheme in ("http", "https"):
        deadline = time.monotonic() + timeout
        try:
            with _opener().open(urllib.request.Request(url, headers={"Accept": "application/json"}),
                                timeout=timeout) as response:
                chunks, size = [], 0
                while True:
                    chunk = response.read(65536)
                    if not chunk:
                        break
                    size += len(chunk)
                    if size > max_bytes:
                        raise ExportError(f"export trop volumineux (plus de {max_bytes} octets)")
                    if time.monotonic() > deadline:
                        raise ExportError(f"délai dépassé ({timeout:g} s)")
                    chunks.append(chunk)
                return b"".join(chunks)
        except urllib.error.HTTPError as exc:
            raise ExportError(f"le serveur a répondu {exc.code}") from None
        except (urllib.error.URLError, OSError, ValueError) as exc:
            reason = getattr(exc, "reason", exc)
            if isinstance(reason, TimeoutError) or "timed out" in str(reason):
                raise ExportError(f"délai dépassé ({timeout:g} s)") from None
            raise ExportError(f"injoignable ({reason})") from None
    if scheme and len(scheme) > 1:
        raise ExportError(f"adresse « {url} » refusée : seules les adresses http(s) et les chemins locaux sont acceptés")
    path = project / url
    try:
        if path.stat().st_size > max_bytes:
            raise ExportError(f"export trop volumineux (plus de {max_bytes} octets)")
        return path.read_bytes()
    except OSError as exc:
        raise ExportError(f"fichier illisible : {exc.strerror} : {path}") from None


def parse_export(raw: bytes) -> dict:
    """The export as data, its format version checked; ExportError otherwise."""
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise ExportError("export illisible : ce n'est pas du texte UTF-8") from None
    except (json.JSONDecodeError, RecursionError) as exc:
        where = f" (ligne {exc.lineno}, colonne {exc.colno})" if isinstance(exc, json.JSONDecodeError) else ""
        raise ExportError(f"export illisible : JSON invalide{where}") from None
    if not isinstance(data, dict):
        raise ExportError("export illisible : un objet JSON est attendu (licence, records…)")
    version = data.get("version", "1.0")  # exports before the version key are 1.0
    if not isinstance(version, str) or not _is_version(version):
        raise ExportError(f"champ « version » invalide ({json.dumps(version)[:40]}) : attendu par exemple « {FORMAT_VERSION} »")
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
    parts = text.split(".")
    return len(parts) == 2 and all(p.isdigit() and len(p) < 6 for p in parts)


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
        elif kind == "string_pattern_mismatch" and error.get("ctx", {}).get("pattern") == r.URL_PATTERN:
            message = "adresse web invalide (seules http:// et https:// sont acceptées)"
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
            and urlparse(licence["url"]).scheme in ("http", "https") and len(licence["title"]) <= 300:
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
    for index, item in enumerate(data["records"]):
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
        original = _original(item.get("page"), network.home)
        if not original:
            network.problem(where, "page", "adresse de la page d'origine absente ; pas de lien vers l'original")
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


def _original(page: Any, home: str) -> str:
    """The record's page on its own site: absolute http(s), or relative to the network's site."""
    if not isinstance(page, str) or len(page) > 2000:
        return ""
    if re.match(r.URL_PATTERN, page):
        return page
    if not urlparse(page).scheme and not page.startswith("//") and home:
        return urljoin(home, page)
    return ""
