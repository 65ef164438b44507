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

Fetching, checking and importing one export are in network_import.py.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin, urlparse

from markupsafe import Markup

from ..catalogue import records as r
from ..catalogue.mkdocs_config import config_chain
from ..catalogue.model import Catalogue, build_catalogue
from ..catalogue.errors import counted, visible
from ..catalogue.files import replace_file
from ..catalogue.validate import Located, ValidCatalogue, slugify
from .network_fetch import read_regular_file
from .network_import import (DEFAULT_MAX_BYTES, DEFAULT_MAX_PROBLEMS, DEFAULT_MAX_RECORDS, DEFAULT_TIMEOUT,
                             ExportError, Network, fetch, import_export, parse_export)
from .present import Presenter

CACHE_DIR = ".campus-cache/reseaux"
NETWORK_FACET = "reseau"

log = logging.getLogger("mkdocs.plugins.campus")


# --- loading, or the last good copy -----------------------------------------------------------

@dataclass(frozen=True)
class Limits:
    """Work allowed per network (plugin options network_max_records, network_max_problems)."""

    records: int = DEFAULT_MAX_RECORDS
    problems: int = DEFAULT_MAX_PROBLEMS


def _home(url: str) -> str:
    return urljoin(url, "../") if urlparse(url).scheme in ("http", "https") else ""


def _shown_path(path: Path, project: Path) -> str:
    return str(path.relative_to(project) if path.is_relative_to(project) else path)


def _imported(options, slug: str, raw: bytes, local_themes: dict[str, r.Theme], limits: Limits) -> Network:
    """One export's bytes, checked and imported into a new Network (ExportError if unusable)."""
    network = Network(options.name, slug, options.url, bool(options.required), home=_home(options.url),
                      max_records=limits.records, max_problems=limits.problems)
    import_export(network, parse_export(raw), local_themes)
    return network


def _cached_count(raw: bytes, state: Path, read) -> int | None:
    """How many records the cached copy yields: from its state file when that describes these very
    bytes (sha256), else by importing the copy (`read`); None when the copy is unusable."""
    digest = hashlib.sha256(raw).hexdigest()
    try:
        known = json.loads(read_regular_file(state, 4096)) if os.path.lexists(state) else None
    except (ExportError, ValueError, RecursionError):
        known = None
    if isinstance(known, dict) and known.get("sha256") == digest and type(known.get("records")) is int:
        return known["records"]
    network = read()
    return None if network is None else len(network.records)


def _keep(cache: Path, state: Path, raw: bytes, records: int) -> None:
    """The new last good copy, and its state (data, not code: its hash and record count)."""
    for path, data in ((cache, raw), (state, json.dumps({"sha256": hashlib.sha256(raw).hexdigest(),
                                                          "records": records}).encode())):
        replace_file(path, data)


def load_network(options, project: Path, local_themes: dict[str, r.Theme], cache_root: Path,
                 timeout: float = DEFAULT_TIMEOUT, max_bytes: int = DEFAULT_MAX_BYTES,
                 limits: Limits | None = None) -> Network:
    """Fetch, check and import one network, or its last good copy; never raises for its content.

    A fresh export replaces the cached copy only when it is usable and not much poorer: at least
    one valid record, and at least half as many as the cached copy yields. Otherwise the cached
    copy (read with the same checks) is used, and the build says which copy and why."""
    limits = limits or Limits()
    slug = slugify(options.name)
    cache, state = cache_root / f"{slug}.json", cache_root / f"{slug}.state.json"
    shown_cache = _shown_path(cache, project)
    fresh, fresh_raw, reason = None, b"", ""
    try:
        fresh_raw = fetch(options.url, project, timeout, max_bytes)
        fresh = _imported(options, slug, fresh_raw, local_themes, limits)
    except ExportError as exc:
        reason = str(exc)

    cached_raw, cached = None, None
    if os.path.lexists(cache):  # read as a fresh export is: a regular file, within the size limit
        try:
            cached_raw = read_regular_file(cache, max_bytes)
        except ExportError:
            cached_raw = b""

    def read_cached() -> Network | None:
        nonlocal cached
        if cached is None and cached_raw:
            try:
                cached = _imported(options, slug, cached_raw, local_themes, limits)
            except ExportError:
                return None
        return cached

    if fresh is not None:
        count = len(fresh.records)
        known = _cached_count(cached_raw, state, read_cached) if cached_raw else None
        if count > 0 and (not known or 2 * count >= known):
            fresh.status = "à jour"
            _keep(cache, state, fresh_raw, count)
            return _checked(fresh)
        reason = (f"l'export reçu ne contient aucune fiche valide ({counted(fresh.problem_count(), 'problème')})"
                  if count == 0 else
                  f"l'export reçu n'a que {counted(count, 'fiche valide', 'fiches valides')} contre {known} dans la "
                  f"dernière copie valide "
                  f"(moins de la moitié)")
        if not known:  # nothing better: the fresh export, as it is (not kept as the last good copy)
            fresh.status = "à jour"
            if cached_raw is not None:
                fresh.headline(f"copie en cache {shown_cache} inutilisable")
            return _checked(fresh)

    network = read_cached()
    if network is not None:
        dated = f" (données du {network.updated})" if network.updated else ""
        network.status = "copie en cache"
        network.headline(f"{reason} ; le site utilise la dernière copie valide{dated}, gardée dans {shown_cache}")
        return _checked(network)
    network = Network(options.name, slug, options.url, bool(options.required), home=_home(options.url),
                      status="indisponible")
    unusable = " ; la copie en cache est inutilisable" if cached_raw is not None else " ; aucune copie en cache"
    network.headline(f"{reason}{unusable} : aucune fiche de ce réseau n'est publiée")
    return network


def _checked(network: Network) -> Network:
    if not network.records:
        network.headline("aucune fiche de ce réseau n'est publiée")
    return network


def load_networks(configured: list, project: Path, local_themes: dict[str, r.Theme],
                  timeout: float = DEFAULT_TIMEOUT, max_bytes: int = DEFAULT_MAX_BYTES,
                  limits: Limits | None = None) -> list[Network]:
    """Every configured network, imported; problems are logged (warnings only for required ones,
    so that --strict fails only for them)."""
    networks, seen = [], set()
    for options in configured:
        slug = slugify(options.name)
        if not slug or slug in seen:
            log.warning(visible(f"réseau « {options.name} » : nom vide ou déjà utilisé par un autre réseau ; "
                                f"réseau ignoré"))
            continue
        seen.add(slug)
        network = load_network(options, project, local_themes, project / CACHE_DIR, timeout, max_bytes, limits)
        report(network)
        networks.append(network)
    return networks


def report(network: Network) -> None:
    """The network's problems, one line each (the first `max_problems`, then how many others),
    then what was included. Every line is escaped (NetworkProblem.__str__, visible)."""
    level = logging.WARNING if network.required else logging.INFO
    for problem in network.problems:
        log.log(level, str(problem))
    if network.more_problems:
        log.log(level, visible(f"réseau « {network.name} » : … et "
                               f"{counted(network.more_problems, 'autre problème', 'autres problèmes')}"))
    included = counted(len(network.records), "fiche incluse", "fiches incluses")
    log.info(visible(f"réseau « {network.name} » : {included} ({network.status})"))


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

    def __init__(self, catalogue: Catalogue, networks: list[Network], local_name: str, edit_base: str = "",
                 today=None):
        super().__init__(catalogue, edit_base=edit_base, today=today)
        self.local_name = local_name
        self.network_of = {located.id: network for network in networks for located in network.records}

    def filters(self, entry) -> dict[str, list[str]]:
        values = super().filters(entry)
        network = self.network_of.get(entry.id)
        values[NETWORK_FACET] = [network.name if network else self.local_name]
        return dict(sorted(values.items()))

    def record_page(self, entry) -> dict:
        page = super().record_page(entry)
        if entry.id in self.network_of:  # its sessions' calendar is published by its own network
            page["calendar_url"] = ""
        return page

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
    combined = SiteRenderer(combine(renderer.catalogue, networks), site_url=renderer.site_url, today=renderer.today)
    combined.env = renderer.env
    combined.presenter = NetworkPresenter(combined.catalogue, networks, local_name, today=renderer.today)
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
