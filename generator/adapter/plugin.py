"""The MkDocs adapter: thin event hooks over the builder-independent core. What a hook decides
is in generator/speed/ (incremental.py: the cache folder and the pages to render; exporting.py:
the open data and the feed; serving.py: `mkdocs serve`'s session and background steps), what it
hands to MkDocs in pages.py."""

from __future__ import annotations

import gc
import logging
import os
from functools import partial
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority
from mkdocs.structure.files import File

from . import branding, logs, material_markup, options, pages, passthrough, serve_day, serve_watch
from ..outputs import networks
from ..speed import incremental
from ..catalogue import timings
from .options import CampusConfig
from ..catalogue.files import resolved
from ..catalogue.errors import CatalogueError, counted
from ..outputs.search import SearchIndexError, WrittenPages, build_search_index, pagefind_binary
from ..speed.exporting import Exports, ExportsError
from ..speed.serving import ServeSession

log = logging.getLogger("mkdocs.plugins.campus")

# The search index's capture of each page runs after every other plugin's on_post_page (MkDocs
# runs higher priorities first; 0 is the default, -100 "last").
SEARCH_CAPTURE_PRIORITY = -1000


class CampusPlugin(BasePlugin[CampusConfig]):
    supports_multiple_instances = False

    def __init__(self):
        self.command = "build"
        self.dirty = False
        self.catalogue = None  # under mkdocs serve: the last valid catalogue
        self.session: ServeSession | None = None  # under mkdocs serve: what rebuilds keep
        self.cache = None  # the page cache, if any
        self.day: serve_day.DayChange | None = None  # under mkdocs serve: the rebuild at the change of day

    def on_startup(self, *, command, dirty):
        # Defining on_startup keeps this instance across `mkdocs serve` rebuilds (MkDocs ≥ 1.4).
        self.command, self.dirty = command, dirty
        if command == "serve":
            self.session = ServeSession()
            if dirty:
                logging.getLogger("mkdocs.commands.build").addFilter(logs.dirty_notice_as_info)

    def on_config(self, config):
        timings.reset()
        self._raw_html: dict[str, list[str]] = {}
        self._outputs: set[str] = set()
        self.pages: incremental.BuildPages | None = None
        self.exports: Exports | None = None
        self._exports_apart: dict[str, File] = {}  # data files computed by the worker, written in on_post_build
        self.project = Path(config.config_file_path).resolve().parent
        self._close_captured()
        self.folder = incremental.CacheFolder.choose(self.project, self.config.cache_dir, self.session)
        # mkdocs build: the pages as written, for the search index (digests for its cache's keys).
        self._captured = WrittenPages(digests=self.folder.search is not None) if self.command == "build" else None
        branding.use_packaged_theme(config)
        branding.apply(config, self.config)
        self.catalogue_dir = resolved(self.project / self.config.catalogue)
        serving = self.session is not None
        if not serving:  # under serve, the step after each build unfreezes, collects and freezes
            gc.unfreeze()
        try:
            self.catalogue = incremental.read(self.folder, self.catalogue_dir, self.project, session=self.session,
                                              previous=self.catalogue, prefetch=self.command == "build")
        except CatalogueError as exc:  # under serve, the last valid catalogue is served meanwhile
            logs.catalogue_problems(exc, last_valid=serving and self.catalogue is not None)
        self.networks = networks.load_networks(
            self.config.networks, self.project, self.catalogue.themes, self.config.network_timeout,
            self.config.network_max_bytes, networks.Limits(self.config.network_max_records,
                                                           self.config.network_max_problems))
        if not serving:
            # One build: keep the catalogue out of the garbage collector's scans (at 10,000
            # records they cost a fifth of the rendering). Under serve, freezing here would also
            # freeze the previous build's garbage: the step after the build collects it first.
            gc.freeze()
        self.edit_base = options.edit_base(self.config, config.repo_url)
        self._warnings = logs.WarningCounter()
        logging.getLogger("mkdocs").addHandler(self._warnings)
        return config

    def on_files(self, files, config):
        pages.drop_theme_templates(files)
        intro, written = pages.hand_written(files)
        renderer = pages.renderer(self.catalogue, config)
        self.cache = None if self.networks else pages.page_cache(  # networks' records are not in its key
            self.folder, config, {"site_url": config.site_url, "plugin": dict(self.config), "edit_base": self.edit_base,
                                  "catalogue": self.config.catalogue, "command": self.command},
            previous=self.cache if self.command == "serve" else None)
        self.pages = incremental.BuildPages(self.cache)
        exports = partial(renderer.data_files, config.site_name, networks.included(self.networks))
        generated = self.pages.render(renderer, self.catalogue, self.networks, intro, written,
                                      digests=self.session.digests if self.session else None,
                                      building=self.command == "build", site_name=config.site_name, exports=exports)
        kept = self.session.outputs if self.session and self.dirty else set()
        generated = pages.add_pages(files, config, generated, self.pages.reused, kept)
        # Under serve, what this build wrote, whether the page cache is on or not (networks turn it off):
        # the next build removes only what it no longer writes (keep_outputs).
        self._outputs = {file.abs_dest_path for file in generated.values()} if self.session is not None else set()
        if self.cache is not None:
            log.info(f"Campus : {counted(len(self.pages.reused), 'page reprise', 'pages reprises')} du cache, "
                     f"{counted(len(generated) - len(self.pages.reused), 'page rendue', 'pages rendues')}")
        self.exports = Exports(exports, renderer.data_file_names, apart=self.pages.exports_apart, session=self.session)
        self._exports_apart = pages.add_data_files(files, config, self.exports, self.dirty)
        pages.add_editor_files(files, config, self.project, self.catalogue)  # /admin/
        if self.config.primary_color:
            files.append(File.generated(config, branding.BRAND_CSS, content=branding.stylesheet(self.config.primary_color)))
        return files

    def on_pre_page(self, page, config, files):
        text = self.pages.text(page.file.src_uri)
        if text is not None:
            page.file.content_string = text
            return page
        cached = self.pages.reused.get(page.file.src_uri)
        if cached is not None and page.file.generated_by == "campus":
            pages.reuse(page, cached)
        return page

    def on_page_markdown(self, markdown, page, config, files):
        # Generated pages: their HTML blocks skip Markdown (see generator/adapter/passthrough.py).
        if page.file.generated_by != "campus" or page.file.src_uri in self.pages.reused:
            return markdown
        if self.command == "build":  # MkDocs has read the page: its text need not stay in memory
            page.file.content_string = ""  # until the end of the build (about 200 MB at 10,000 records)
        text, self._raw_html[page.file.src_uri] = passthrough.protect(markdown)
        return text

    def on_page_content(self, html, page, config, files):
        blocks = self._raw_html.pop(page.file.src_uri, None)
        if not blocks:
            return html
        if page.present_anchor_ids is not None:
            page.present_anchor_ids |= passthrough.anchor_ids(blocks)
        return passthrough.restore(html, blocks)

    def on_env(self, env, config, files):
        self.pages.pages_read()  # every page was read: a render worker without exports is done
        # Edit links and canonical addresses before MkDocs renders sitemap.xml (before the pages).
        for file in files.documentation_pages():
            if file.page is not None:
                pages.link_to_record(file.page, self.catalogue, self.networks, self.edit_base)
        return pages.with_reused_template(env)

    def _post_page(self, output, page, config):
        reused = self.pages.output(page.file.src_uri)
        if reused is not None:
            return reused
        output = material_markup.tidy_page(output)
        if page.file.generated_by == "campus":
            self.pages.keep(page.file.src_uri, page.meta, page.present_anchor_ids, output)
        return output

    @event_priority(SEARCH_CAPTURE_PRIORITY)
    def _capture_for_search(self, output, page, config):
        # mkdocs build: the search index takes each page's indexed part from here, the text MkDocs
        # writes once every plugin has changed it, instead of reading 10,000 pages back.
        if self._captured is not None and output.strip():  # MkDocs writes no empty page
            with timings.stage("search.capture"):
                self._captured.add(page.file.dest_uri, output)
        return output

    def _close_captured(self):
        captured, self._captured = getattr(self, "_captured", None), None
        if captured is not None:
            captured.close()

    # The page's own step keeps its place among other plugins; the capture runs after all of them.
    on_post_page = CombinedEvent(_post_page, _capture_for_search)

    def _captured_pages(self, config) -> WrittenPages | None:
        """The pages kept by _capture_for_search if they are surely what MkDocs wrote (see
        pages.captured_as_written); otherwise None: the index reads the pages back."""
        if self._captured is None or pages.captured_as_written(config.plugins.events, self):
            return self._captured
        log.info("Campus : un autre greffon peut modifier les pages après leur écriture ; "
                 "l'index de recherche les relit sur le disque")
        return None

    def on_post_template(self, output_content, template_name, config):
        # 404.html is a theme template, rendered without on_post_page.
        return material_markup.tidy_page(output_content) if template_name.endswith(".html") else output_content

    def on_post_build(self, config):
        if self.pages.background is not None:  # mkdocs build: the data files the worker computed
            try:
                self.exports.write_apart(self.pages.background, pages.writer(self._exports_apart, self.dirty))
            except ExportsError as exc:
                raise PluginError(str(exc)) from None
            self.pages.close()
        if self.session is not None:
            self.session.keep_outputs(self._outputs, self.dirty)
        logging.getLogger("mkdocs").removeHandler(self._warnings)
        self.pages.finish(warned=self._warnings.count > 0, write=self.command != "serve")
        if self.session is not None:  # the open data, the garbage and the search index in the background
            self.session.served(Path(config.site_dir), self.exports.due, self.project, self.folder.search)
            return
        try:  # the Pagefind search index of the site just written (generator/outputs/search.py)
            with timings.stage("search"):
                build_search_index(Path(config.site_dir), pagefind_binary(self.project), self.folder.search,
                                   written=self._captured_pages(config))
        except SearchIndexError as exc:
            raise PluginError(f"Index de recherche : {exc}") from None
        finally:
            self._close_captured()

    def on_pre_build(self, config):
        if self.session is not None:
            self.session.begin_build()

    def on_build_error(self, error):
        if self.session is not None:
            self.session.release_site()
        self._close_captured()
        if getattr(self, "pages", None) is not None:
            self.pages.abandon()
        logging.getLogger("mkdocs").removeHandler(getattr(self, "_warnings", None) or logging.NullHandler())
        if self.cache is not None:
            self.cache.invalidate()

    def on_shutdown(self):
        timings.write_if_requested()  # CAMPUS_TIMINGS=path: seconds per stage, for bench/run.py
        if self.session is not None:  # stops a running indexer, removes the session's cache folder
            self.session.shutdown()
        if self.day is not None:
            self.day.stop()

    def on_serve(self, server, config, builder):
        # The operating system's notifications rather than MkDocs' polling when possible
        # (generator/adapter/serve_watch.py); CAMPUS_SERVE_POLLING=1 keeps the polling.
        if os.environ.get("CAMPUS_SERVE_POLLING") or not serve_watch.use_native_observer(
                server, also=[str(self.catalogue_dir)]):
            log.info("Campus : modifications suivies par scrutation (toutes les 0,5 s)")
        server.watch(str(self.catalogue_dir))
        if self.day is not None:
            self.day.stop()
        self.day = serve_day.watch_day(server)  # a rebuild when the day changes (sessions that ended)
        return server
