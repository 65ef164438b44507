"""The generated pages and data files as MkDocs' files: what the plugin's hooks hand to MkDocs
once generator/speed/ has chosen what to render, reuse and write.

The theme's page templates removed from the published files; the renderer of the site's theme;
each generated page and data file as a `File` (under `mkdocs serve --dirty`, the ones already
written are not written again; the worker's data files are written only at the end); a reused
page laid out by an empty template, its front matter and anchors from the cache; a record's page
linked to its YAML (or an included network's record to its original page).
"""

from __future__ import annotations

from pathlib import Path

import jinja2
from mkdocs.exceptions import PluginError
from markupsafe import escape
from mkdocs.structure.files import File
from mkdocs.structure.toc import get_toc

from ..outputs import editor
from ..outputs import networks as site_networks
from ..outputs.render import GeneratedPage, SiteRenderer, page_title
from ..speed.cache import CachedPage, PageCache
from ..speed.exporting import Exports
from ..speed.incremental import CacheFolder

# A reused page is laid out by this empty template; its cached output replaces the result.
REUSED_TEMPLATE = "campus-reused-page.html"


def drop_theme_templates(files) -> None:
    """The page templates in theme/campus/ are ours, not static files to publish."""
    for file in [f for f in files if f.src_uri.startswith("campus/") and not f.is_documentation_page()
                 and f.abs_src_path and "theme" in Path(f.abs_src_path).parts]:
        files.remove(file)


def hand_written(files) -> tuple[str, dict[str, str]]:
    """The home page's text and the hand-written pages' titles, by path."""
    intro_file = files.get_file_from_path("index.md")
    intro = intro_file.content_string if intro_file else ""
    return intro, {f.src_uri: page_title(f.content_string, f.name) for f in files.documentation_pages()
                   if not f.generated_by}


def renderer(catalogue, config) -> SiteRenderer:
    """The renderer, with the theme's own page templates (custom_dir/campus/) if any."""
    custom_dir = config.theme.custom_dir
    if custom_dir and (Path(custom_dir) / "campus").is_dir():
        return SiteRenderer(catalogue, template_dir=Path(custom_dir) / "campus", site_url=config.site_url)
    return SiteRenderer(catalogue, site_url=config.site_url)


def page_cache(folder: CacheFolder, config, settings: dict, previous: PageCache | None) -> PageCache | None:
    """The cache folder's pages under the key of this configuration, its hand-written pages and
    its theme folders (not the installed packages': their versions are in the key), and `settings`."""
    theme_dirs = [Path(d) for d in config.theme.dirs if Path(d).is_dir() and "site-packages" not in Path(d).parts]
    return folder.page_cache(config_file=Path(config.config_file_path), folders=[Path(config.docs_dir), *theme_dirs],
                             settings=settings, previous=previous)


def add_pages(files, config, pages: list[GeneratedPage], reused: dict[str, CachedPage],
              written: set[str]) -> dict[str, File]:
    """The generated pages (and the reused ones, without text) in the files, in the order of a
    full build (the sitemap follows it); `written`: output files already there (serve --dirty)."""
    generated = {page.src_uri: File.generated(config, page.src_uri, content=page.text) for page in pages}
    for src_uri in reused:
        file = generated[src_uri] = File.generated(config, src_uri, content="")
        if file.abs_dest_path in written:
            file.is_modified = lambda: False  # mkdocs serve --dirty: its output is already there
    for src_uri in sorted(generated):
        _put(files, generated[src_uri])
    return generated


def _put(files, file: File) -> None:
    """`file` in the files, in place of one with the same path."""
    existing = files.get_file_from_path(file.src_uri)
    if existing is not None:
        files.remove(existing)
    files.append(file)


def add_editor_files(files, config, project: Path, catalogue=None) -> None:
    """/admin/, the web editor (outputs/editor.py): its page, its configuration and the copied bundle;
    a missing piece stops the build with its French message."""
    try:
        found = editor.admin_files(config.repo_url, config.site_url, config.site_name, project,
                                   catalogue.entries if catalogue is not None else ())
    except editor.EditorError as exc:
        raise PluginError(f"Campus : {exc}") from None
    for uri, content in found.items():
        _put(files, File.generated(config, uri, content=content) if isinstance(content, str)
             else File.generated(config, uri, abs_src_path=str(content)))


def add_data_files(files, config, exports: Exports, dirty: bool) -> dict[str, File]:
    """The open data and the Atom feed in the files; those the worker computes, by path (written
    by `writer` at the end)."""
    apart = {}
    for path, content in exports.files.items():
        file = File.generated(config, path, content=content)
        if exports.due is not None and dirty:
            file.is_modified = lambda: False  # mkdocs serve --dirty: these are the files already written
        if exports.apart:
            file.copy_file = lambda dirty=False: None  # not yet: on_post_build writes it
            apart[path] = file
        files.append(file)
    return apart


def writer(apart: dict[str, File], dirty: bool):
    """Writes a data file registered by add_data_files with the content the worker computed."""
    def write(path: str, content: str | bytes) -> None:
        file = apart[path]
        del file.copy_file  # MkDocs' own again
        if isinstance(content, bytes):
            file.content_bytes = content
        else:
            file.content_string = content
        file.copy_file(dirty=dirty)
    return write


def reuse(page, cached: CachedPage) -> None:
    """A reused page: its front matter and anchors come from the cache, its output in on_post_page."""
    def read_source(config):
        page.markdown, page.meta = "", {**cached.meta, "template": REUSED_TEMPLATE}

    def render(config, files):
        page.content, page.toc = "", get_toc([])
        page.present_anchor_ids, page.links_to_anchors = set(cached.anchors), {}

    page.read_source, page.render = read_source, render


def link_to_record(page, catalogue, networks: list, edit_base: str) -> None:
    """A record's page: "Modifier cette page" opens the record's YAML, not a generated Markdown
    file; an included network's record points to its original page."""
    campus = page.meta.get("campus") or {}
    entry = catalogue.by_id.get(campus.get("id", "")) if isinstance(campus, dict) else None
    if entry is not None:
        page.edit_url = f"{edit_base}/{entry.path}" if edit_base else None
    elif isinstance(campus, dict):
        original = site_networks.original_page(networks, campus.get("id", ""))
        if original:  # a record of an included network: its address passed the URL rule, and is
            # escaped here too, since Material prints canonical_url in an attribute without escaping
            page.canonical_url, page.edit_url = escape(original), None


def with_reused_template(env):
    env.loader = jinja2.ChoiceLoader([env.loader, jinja2.DictLoader({REUSED_TEMPLATE: ""})])
    return env


def captured_as_written(events: dict, plugin) -> bool:
    """Whether the pages the plugin's `_capture_for_search` kept are what MkDocs wrote: the capture
    ran after every other post_page step, and no other plugin's post_build (which could rewrite
    pages) runs before the plugin's own."""
    if events["post_page"] and events["post_page"][-1] == plugin._capture_for_search:
        for method in events["post_build"]:
            if method == plugin.on_post_build:
                return True
            if getattr(method, "__self__", None) is not plugin:
                break
    return False
