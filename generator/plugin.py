"""The MkDocs adapter: thin event hooks over the builder-independent core."""

from __future__ import annotations

import gc
import os
from pathlib import Path

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File

from . import branding, material_markup, networks, passthrough, timings
from .errors import CatalogueError, format_problems, summary_line
from .pipeline import read_catalogue
from .render import SiteRenderer, page_title
from .search import SearchIndexError, build_search_index

class CampusConfig(base.Config):
    catalogue = c.Type(str, default="catalogue")
    """Folder of the YAML records, relative to mkdocs.yml."""
    edit_base = c.Optional(c.Type(str))
    """URL that, followed by a file path, edits that file (default: repo_url + '/edit/main')."""
    # Branding (generator/branding.py): the network's name, header name, logo and primary colour.
    name = c.Optional(c.Type(str))
    """The network's full name; replaces site_name when given."""
    short_name = c.Optional(c.Type(str))
    """Name shown in the header bar (default: the site name)."""
    logo = c.Optional(c.Type(str))
    """Logo, a path under docs_dir or the theme (default: the theme's logo setting)."""
    primary_color = c.Optional(branding.PrimaryColour())
    """Primary colour, '#rrggbb'; refused when white text on it fails AA contrast (4.5:1)."""
    # Other campuses included (generator/networks.py): [{name, url, required}].
    network_timeout = c.Type((int, float), default=networks.DEFAULT_TIMEOUT)
    """Seconds allowed to fetch one network's export."""
    network_max_bytes = c.Type(int, default=networks.DEFAULT_MAX_BYTES)
    """Largest export accepted, in bytes."""
    networks = c.ListOfItems(c.SubConfig(networks.NetworkConfig), default=[])  # (the module, then the option)


class CampusPlugin(BasePlugin[CampusConfig]):
    supports_multiple_instances = False

    def on_config(self, config):
        timings.reset()
        self._raw_html: dict[str, list[str]] = {}
        project = Path(config.config_file_path).resolve().parent
        branding.use_packaged_theme(config)
        branding.apply(config, self.config)
        self.catalogue_dir = (project / self.config.catalogue).resolve()
        gc.unfreeze()  # under mkdocs serve, the previous build's catalogue can be collected again
        try:
            self.catalogue = read_catalogue(self.catalogue_dir, project)
        except CatalogueError as exc:
            raise PluginError("Le catalogue contient des erreurs :\n" + format_problems(exc.problems)
                              + "\n" + summary_line(exc.problems)) from None
        self.networks = networks.load_networks(self.config.networks, project, self.catalogue.themes,
                                               self.config.network_timeout, self.config.network_max_bytes)
        # The catalogue lives as long as the build: keep its objects out of the garbage collector's
        # scans (at 10,000 records these scans cost a fifth of the rendering time).
        gc.freeze()
        edit_base = self.config.edit_base or os.environ.get("CAMPUS_EDIT_BASE")
        if not edit_base and config.repo_url:
            edit_base = config.repo_url.rstrip("/") + "/edit/main"
        self.edit_base = (edit_base or "").rstrip("/")
        return config

    def on_files(self, files, config):
        # The page templates in theme/campus/ are ours, not static files to publish.
        for file in [f for f in files if f.src_uri.startswith("campus/") and not f.is_documentation_page()
                     and f.abs_src_path and "theme" in Path(f.abs_src_path).parts]:
            files.remove(file)
        intro_file = files.get_file_from_path("index.md")
        intro = intro_file.content_string if intro_file else ""
        custom_dir = config.theme.custom_dir
        renderer = (SiteRenderer(self.catalogue, template_dir=Path(custom_dir) / "campus", site_url=config.site_url)
                    if custom_dir and (Path(custom_dir) / "campus").is_dir()
                    else SiteRenderer(self.catalogue, site_url=config.site_url))
        written = {f.src_uri: page_title(f.content_string, f.name) for f in files.documentation_pages()
                   if not f.generated_by}
        for page in networks.site_pages(renderer, self.networks, config.site_name, intro, written):
            existing = files.get_file_from_path(page.src_uri)
            if existing is not None:
                files.remove(existing)
            files.append(File.generated(config, page.src_uri, content=page.text))
        with timings.stage("exports"):
            data_files = renderer.data_files(config.site_name, networks.included(self.networks))
        for path, content in data_files.items():  # open data and Atom feed
            files.append(File.generated(config, path, content=content))
        if self.config.primary_color:
            files.append(File.generated(config, branding.BRAND_CSS, content=branding.stylesheet(self.config.primary_color)))
        return files

    def on_page_markdown(self, markdown, page, config, files):
        # Generated pages: their HTML blocks skip Markdown (see generator/passthrough.py).
        if page.file.generated_by != "campus":
            return markdown
        text, self._raw_html[page.file.src_uri] = passthrough.protect(markdown)
        return text

    def on_page_content(self, html, page, config, files):
        blocks = self._raw_html.pop(page.file.src_uri, None)
        if not blocks:
            return html
        if page.present_anchor_ids is not None:
            page.present_anchor_ids |= passthrough.anchor_ids(blocks)
        return passthrough.restore(html, blocks)

    def on_page_context(self, context, page, config, nav):
        campus = page.meta.get("campus") or {}
        entry = self.catalogue.by_id.get(campus.get("id", "")) if isinstance(campus, dict) else None
        if entry is not None:
            # "Modifier cette page" opens the record's YAML, not a generated Markdown file.
            page.edit_url = f"{self.edit_base}/{entry.path}" if self.edit_base else None
        elif isinstance(campus, dict) and networks.original_page(self.networks, campus.get("id", "")):
            page.canonical_url = networks.original_page(self.networks, campus["id"])  # an included network's
            page.edit_url = None
        return context

    def on_post_page(self, output, page, config):
        return material_markup.tidy_page(output)

    def on_post_template(self, output_content, template_name, config):
        # 404.html is a theme template, rendered without on_post_page.
        return material_markup.tidy_page(output_content) if template_name.endswith(".html") else output_content

    def on_post_build(self, config):
        try:  # the Pagefind search index of the site just written (generator/search.py)
            with timings.stage("search"):
                build_search_index(Path(config.site_dir))
        except SearchIndexError as exc:
            raise PluginError(f"Index de recherche : {exc}") from None

    def on_shutdown(self):
        timings.write_if_requested()  # CAMPUS_TIMINGS=path: seconds per stage, for bench/run.py

    def on_serve(self, server, config, builder):
        server.watch(str(self.catalogue_dir))
        return server
