"""The plugin's options in mkdocs.yml (`plugins: - campus: …`), declared with MkDocs' config_options."""

from __future__ import annotations

import os

from mkdocs.config import base
from mkdocs.config import config_options as c

from ..outputs import networks
from . import branding


class Positive(c.Type):
    """A number above zero (a limit of 0 or less would refuse, or allow, everything)."""

    def run_validation(self, value):
        value = super().run_validation(value)
        if isinstance(value, bool) or value <= 0:
            raise c.ValidationError(f"un nombre supérieur à 0 est attendu, trouvé {value!r}")
        return value


class NetworkConfig(base.Config):
    """One included network (plugin option `networks`)."""

    name = c.Type(str)
    """Its name, as shown on its records and in the « réseau » facet."""
    url = c.Type(str)
    """Its export: the address of its donnees/campus.json, or a path (relative to mkdocs.yml)."""
    required = c.Type(bool, default=False)
    """When true, any problem with this network fails a --strict build."""


class CampusConfig(base.Config):
    catalogue = c.Type(str, default="catalogue")
    """Folder of the YAML records, relative to mkdocs.yml."""
    edit_base = c.Optional(c.Type(str))
    """URL that, followed by a file path, edits that file (default: repo_url + '/edit/main')."""
    # Branding (generator/adapter/branding.py): the network's name, header name, logo and primary colour.
    name = c.Optional(c.Type(str))
    """The network's full name; replaces site_name when given."""
    short_name = c.Optional(c.Type(str))
    """Name shown in the header bar (default: the site name)."""
    logo = c.Optional(c.Type(str))
    """Logo, a path under docs_dir or the theme (default: the theme's logo setting)."""
    primary_color = c.Optional(branding.PrimaryColour())
    """Primary colour, '#rrggbb'; refused when white text on it fails AA contrast (4.5:1)."""
    # Other campuses included (generator/outputs/networks.py): [{name, url, required}], and the
    # work one network may cost (docs/networks.md, « Limits »).
    network_timeout = Positive((int, float), default=networks.DEFAULT_TIMEOUT)
    """Seconds allowed to fetch one network's export: connecting, headers and body together."""
    network_max_bytes = Positive(int, default=networks.DEFAULT_MAX_BYTES)
    """Largest export accepted, in bytes."""
    network_max_records = Positive(int, default=networks.DEFAULT_MAX_RECORDS)
    """Records read from one export; those after them are counted and left out."""
    network_max_problems = Positive(int, default=networks.DEFAULT_MAX_PROBLEMS)
    """Problems reported per network, located; those after them are counted."""
    networks = c.ListOfItems(c.SubConfig(NetworkConfig), default=[])  # (the module, then the option)
    cache_dir = c.Optional(c.Type(str))
    """Folder keeping each generated page's output for the next build (env CAMPUS_CACHE_DIR
    overrides; relative to mkdocs.yml). Unset: no cache, except under `mkdocs serve`."""


def edit_base(options: CampusConfig, repo_url: str | None) -> str:
    """The address that, followed by a file's path, edits it: the `edit_base` option, else
    CAMPUS_EDIT_BASE, else repo_url + '/edit/main'; no trailing slash ('' for none)."""
    base_url = options.edit_base or os.environ.get("CAMPUS_EDIT_BASE")
    if not base_url and repo_url:
        base_url = repo_url.rstrip("/") + "/edit/main"
    return (base_url or "").rstrip("/")
