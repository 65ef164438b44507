"""Other campuses included in this one: their open data export (donnees/campus.json) imported.

For each network of the plugin's `networks` option, at build time:

1. fetch the export (http(s) or a local path) within a timeout and a size limit; a good copy is
   kept in the cache beside the site (`.campus-cache/reseaux/<network>.json`), and used, saying
   so, when the network cannot be reached or sends something unusable;
2. check its format version (a newer major version is refused) and its structure;
3. validate each reference list item and record against the same models as local records
   (records.py, from which the export's schemas derive); a bad item is reported with its place
   in the export (record id and field) and left out, never the whole network nor a local record;
4. namespace ids (`<network>--<id>`; local ids cannot contain "--"), keep relations between
   records of the same network, match themes by id (unknown themes keep the source's name).

`combine` then gives the catalogue the site's pages, listings, theme pages and search are
rendered from; the exports keep using the local catalogue only (exports.py lists the included
networks, it does not re-export their records).
"""

from __future__ import annotations

import json
import logging
import os
import re
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlparse

from markupsafe import Markup
from pydantic import BaseModel, ValidationError

from ..catalogue import records as r
from .exports import FORMAT_VERSION
from ..catalogue.mkdocs_config import config_chain
from ..catalogue.model import Catalogue, build_catalogue
from .present import Presenter
from ..catalogue.validate import REFERENCE_FIELDS, Located, ValidCatalogue, slugify

SEPARATOR = "--"  # between a network's slug and its record ids; never in a local id (records.ID_PATTERN)
CACHE_DIR = ".campus-cache/reseaux"
DEFAULT_TIMEOUT = 10.0
DEFAULT_MAX_BYTES = 20 * 1024 * 1024
MAX_REPORTED = 100  # problems logged per network; the rest are counted
NETWORK_FACET = "reseau"

log = logging.getLogger("mkdocs.plugins.campus")
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


def _home(url: str) -> str:
    return urljoin(url, "../") if urlparse(url).scheme in ("http", "https") else ""


def load_network(options, project: Path, local_themes: dict[str, r.Theme], cache_root: Path,
                 timeout: float = DEFAULT_TIMEOUT, max_bytes: int = DEFAULT_MAX_BYTES) -> Network:
    """Fetch (or take from the cache), check and import one network; never raises for its content."""
    slug = slugify(options.name)
    network = Network(options.name, slug, options.url, bool(options.required), home=_home(options.url))
    cache = cache_root / f"{slug}.json"
    data = None
    try:
        raw = fetch(options.url, project, timeout, max_bytes)
        data = parse_export(raw)
        network.status = "à jour"
        cache.parent.mkdir(parents=True, exist_ok=True)
        scratch = cache.with_suffix(".tmp")
        scratch.write_bytes(raw)
        os.replace(scratch, cache)  # the last good copy, for builds without network
    except ExportError as exc:
        reason = str(exc)
        if cache.is_file():
            try:
                data = parse_export(cache.read_bytes())
            except (ExportError, OSError):
                data = None
        if data is not None:
            dated = f" (données du {data['updated']})" if isinstance(data.get("updated"), str) else ""
            network.status = "copie en cache"
            network.problem("", "", f"{reason} ; le site utilise la dernière copie valide{dated}, "
                                    f"gardée dans {cache.relative_to(project) if cache.is_relative_to(project) else cache}")
        else:
            network.status = "indisponible"
            network.problem("", "", f"{reason} ; aucune copie en cache : aucune fiche de ce réseau n'est publiée")
    if data is not None:
        import_export(network, data, local_themes)
    return network


def load_networks(configured: list, project: Path, local_themes: dict[str, r.Theme],
                  timeout: float = DEFAULT_TIMEOUT, max_bytes: int = DEFAULT_MAX_BYTES) -> list[Network]:
    """Every configured network, imported; problems are logged (warnings only for required ones,
    so that --strict fails only for them)."""
    networks, seen = [], set()
    for options in configured:
        slug = slugify(options.name)
        if not slug or slug in seen:
            log.warning(f"réseau « {options.name} » : nom vide ou déjà utilisé par un autre réseau ; réseau ignoré")
            continue
        seen.add(slug)
        network = load_network(options, project, local_themes, project / CACHE_DIR, timeout, max_bytes)
        report(network)
        networks.append(network)
    return networks


def report(network: Network) -> None:
    level = logging.WARNING if network.required else logging.INFO
    for problem in network.problems[:MAX_REPORTED]:
        log.log(level, str(problem))
    if len(network.problems) > MAX_REPORTED:
        log.log(level, f"réseau « {network.name} » : {len(network.problems) - MAX_REPORTED} autres problèmes")
    log.info(f"réseau « {network.name} » : {len(network.records)} fiches incluses ({network.status})")


# --- the combined catalogue and its pages -----------------------------------------------------

def combine(local: Catalogue, networks: list[Network]) -> Catalogue:
    """The local catalogue plus every network's records, relations and related resources rebuilt."""
    valid = ValidCatalogue(records=[Located(e.id, e.type, e.record, e.path) for e in local.entries],
                           themes=dict(local.themes), organisations=dict(local.organisations),
                           sources=dict(local.sources))
    for network in networks:
        valid.records += network.records
        for theme_id, theme in network.themes.items():
            valid.themes.setdefault(theme_id, theme)  # the first network to name an unknown theme names it
        valid.organisations.update(network.organisations)
        valid.sources.update(network.sources)
    return build_catalogue(valid)


class NetworkPresenter(Presenter):
    """The presenter, plus each record's network: a « réseau » facet on every record, and on
    imported ones their network, licence and original page."""

    def __init__(self, catalogue: Catalogue, networks: list[Network], local_name: str, edit_base: str = ""):
        super().__init__(catalogue, edit_base=edit_base)
        self.local_name = local_name
        self.network_of = {located.id: network for network in networks for located in network.records}

    def filters(self, entry) -> dict[str, list[str]]:
        values = super().filters(entry)
        network = self.network_of.get(entry.id)
        values[NETWORK_FACET] = [network.name if network else self.local_name]
        return dict(sorted(values.items()))

    def key_facts(self, entry) -> list[str]:
        network = self.network_of.get(entry.id)
        facts = super().key_facts(entry)
        return [f"Réseau : {network.name}", *facts] if network else facts

    def _facts(self, entry, url: str) -> list[dict]:
        facts = super()._facts(entry, url)
        network = self.network_of.get(entry.id)
        if network is None:
            return facts
        name = Markup('<a href="{}">{}</a>').format(network.home, network.name) if network.home else network.name
        facts.insert(0, {"label": "Réseau", "value": name})
        original = network.origins.get(entry.id)
        if original:
            facts.append({"label": "Fiche d'origine", "value": Markup('<a href="{}">{}</a>').format(original, original)})
        if network.licence:
            facts.append({"label": "Licence", "value": Markup('<a href="{}">{}</a>').format(
                network.licence["url"], network.licence["title"])})
        return facts


def site_pages(renderer, networks: list[Network], local_name: str, intro: str, written: dict) -> list:
    """Every generated page: from the local catalogue alone without networks; otherwise from the
    combined catalogue, but the open data and news pages (which describe this site's own exports
    and feed) from the local one."""
    if not networks:
        return renderer.all_pages(intro, written)
    from .render import SiteRenderer
    combined = SiteRenderer(combine(renderer.catalogue, networks), site_url=renderer.site_url)
    combined.env = renderer.env
    combined.presenter = NetworkPresenter(combined.catalogue, networks, local_name)
    own = {page.src_uri: page for page in renderer.open_data_pages()}
    return [own.get(page.src_uri, page) for page in combined.all_pages(intro, written)]


def original_page(networks: list[Network], record_id: str) -> str | None:
    """The original page of an imported record (for its canonical link), else None."""
    for network in networks:
        if record_id in network.origins:
            return network.origins[record_id]
    return None


def included(networks: list[Network]) -> list[dict]:
    """The included networks, as campus.json lists them (name and export address, in config order)."""
    return [{"name": n.name, "url": n.url} for n in networks]


def networks_from_config(config_path: Path) -> list[dict]:
    """The `networks` option of the campus plugin in an mkdocs.yml (following INHERIT), as
    campus.json lists them, so `campus export` writes the bytes the site publishes."""
    for _path, data in config_chain(config_path):
        for plugin in data.get("plugins") or []:
            if isinstance(plugin, dict) and isinstance(plugin.get("campus"), dict):
                found, names = [], set()
                for item in plugin["campus"].get("networks") or []:
                    if isinstance(item, dict) and isinstance(item.get("name"), str) and isinstance(item.get("url"), str):
                        slug = slugify(item["name"])
                        if slug and slug not in names:  # as load_networks: a repeated name is left out
                            names.add(slug)
                            found.append({"name": item["name"], "url": item["url"]})
                return found
    return []
