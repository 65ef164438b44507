"""The MkDocs adapter: thin event hooks over the builder-independent core."""

from __future__ import annotations

import gc
import logging
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from functools import partial
from pathlib import Path

import jinja2
from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority
from mkdocs.structure.files import File
from mkdocs.structure.toc import get_toc

from . import branding, material_markup, networks, parallel, passthrough, serve_watch, timings
from . import editor  # the /admin/ web editor (issue 23)
from .cache import ENV_VAR as CACHE_ENV_VAR
from .cache import CachedPage, FileMemo, PageCache, RecordMemo, records_key, replace_file, site_key
from .dependencies import Dependencies
from .errors import CatalogueError, format_problems, summary_line
from .model import Relations
from .pipeline import read_catalogue
from .render import GeneratedPage, SiteRenderer, page_title, site_map_pages
from .search import SearchIndexError, WrittenPages, build_search_index, pagefind_binary

log = logging.getLogger("mkdocs.plugins.campus")

# mkdocs serve: the garbage of frozen builds is collected after this many idle seconds, or after
# this many builds in a row (bounding the memory they hold meanwhile).
IDLE_BEFORE_COLLECTION = 3.0
MAX_FROZEN_BUILDS = 8

# A reused page is laid out by this empty template; its cached output replaces the result.
REUSED_TEMPLATE = "campus-reused-page.html"
RELATIONS_FILE = "relations.json"  # in the cache folder: the previous build's relations (generator/model.py)

# The search index's capture of each page runs after every other plugin's on_post_page (MkDocs
# runs higher priorities first; 0 is the default, -100 "last").
SEARCH_CAPTURE_PRIORITY = -1000


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
    cache_dir = c.Optional(c.Type(str))
    """Folder keeping each generated page's output for the next build (env CAMPUS_CACHE_DIR
    overrides; relative to mkdocs.yml). Unset: no cache, except under `mkdocs serve`."""


_DIRTY_NOTICE = "A 'dirty' build"  # how MkDocs' warning about --dirty builds begins


class _WarningCounter(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record):
        if not record.getMessage().startswith(_DIRTY_NOTICE):  # MkDocs' own notice under --dirty
            self.count += 1


def _dirty_notice_as_info(record: logging.LogRecord) -> bool:
    """MkDocs warns that a --dirty build may leave navigation stale; under `mkdocs serve --dirty`
    the plugin keeps generated pages exact, so the notice must not abort a `strict` preview."""
    if record.levelno == logging.WARNING and record.getMessage().startswith(_DIRTY_NOTICE):
        record.levelno, record.levelname = logging.INFO, "INFO"
    return True


class CampusPlugin(BasePlugin[CampusConfig]):
    supports_multiple_instances = False

    def __init__(self):
        self.command = "build"
        self.dirty = False
        self.catalogue = None  # under mkdocs serve: the last valid catalogue
        self._serve_cache: str | None = None
        self._outputs: set[str] = set()  # generated pages' output files of the last build
        self._search_lock = threading.Lock()  # one background index at a time
        self._indexer: subprocess.Popen | None = None  # that index's process, while it runs
        self._site_lock = threading.Lock()  # held by a serve build from on_pre_build to on_post_build
        self._holding_site = False
        self._search_generation = 0
        self._memo: FileMemo | None = None  # under mkdocs serve: unchanged files are not read again
        self._digests: dict | None = None  # under mkdocs serve: records' digests, kept while unchanged
        self._data_files: dict[str, str | bytes] | None = None  # under mkdocs serve: the latest exports written
        self._after_lock = threading.Lock()  # one background step after a serve build at a time
        self._build_generation = 0  # under mkdocs serve: counts builds, so older background work gives way
        self._frozen_builds = 0  # under mkdocs serve: builds frozen since the last garbage collection

    def on_startup(self, *, command, dirty):
        # Defining on_startup keeps this instance across `mkdocs serve` rebuilds (MkDocs ≥ 1.4).
        self.command, self.dirty = command, dirty
        if command == "serve":
            self._serve_cache = tempfile.mkdtemp(prefix="campus-serve-cache-")
            self._memo = FileMemo()
            self._digests = {}
            if dirty:
                logging.getLogger("mkdocs.commands.build").addFilter(_dirty_notice_as_info)

    def on_config(self, config):
        timings.reset()
        self._raw_html: dict[str, list[str]] = {}
        self._reused: dict[str, CachedPage] = {}
        self._inputs: dict[str, str] = {}
        self._outputs_now: set[str] = set()
        self._background: parallel.BackgroundPages | None = None  # pages rendered by a second process
        self._exports_apart: dict[str, File] = {}  # data files computed by that process, written in on_post_build
        self._exports_due = None
        self.project = Path(config.config_file_path).resolve().parent
        self._close_captured()
        # mkdocs build: the pages as written, for the search index (digests for its cache's keys).
        self._captured = WrittenPages(digests=self._search_cache() is not None) if self.command == "build" else None
        branding.use_packaged_theme(config)
        branding.apply(config, self.config)
        self.catalogue_dir = (self.project / self.config.catalogue).resolve()
        serving = self.command == "serve"
        if not serving:  # under serve, the step after each build unfreezes, collects and freezes
            gc.unfreeze()
        kept = None if serving else self._kept_relations()
        memo = self._memo if self._memo is not None else self._record_memo()
        try:
            catalogue = read_catalogue(self.catalogue_dir, self.project, memo,
                                       parallel=self.command == "build",
                                       previous=self.catalogue if serving else kept)
        except CatalogueError as exc:
            message = ("Le catalogue contient des erreurs :\n" + format_problems(exc.problems)
                       + "\n" + summary_line(exc.problems))
            if not (serving and self.catalogue is not None):
                raise PluginError(message) from None
            # mkdocs serve: keep serving the last valid catalogue (an aborted build would leave
            # every request waiting) and keep the located problems in the terminal, outside
            # MkDocs' log so that `strict` does not abort the build.
            print(message + "\nL'aperçu montre la dernière version valide du catalogue.",
                  file=sys.stderr, flush=True)
        else:
            self.catalogue = catalogue
            if not serving:
                self._keep_relations(kept)
        finally:
            if self._memo is not None:
                self._memo.prune()
            elif memo is not None:
                with timings.stage("records memo"):
                    memo.save()
                log.info(f"Campus : {memo.reused} fiches reprises du cache, {memo.computed} fiches lues")
        self.networks = networks.load_networks(self.config.networks, self.project, self.catalogue.themes,
                                               self.config.network_timeout, self.config.network_max_bytes)
        if not serving:
            # One build: keep the catalogue out of the garbage collector's scans (at 10,000
            # records they cost a fifth of the rendering). Under serve, freezing here would also
            # freeze the previous build's garbage: _after_serving collects it first.
            gc.freeze()
        edit_base = self.config.edit_base or os.environ.get("CAMPUS_EDIT_BASE")
        if not edit_base and config.repo_url:
            edit_base = config.repo_url.rstrip("/") + "/edit/main"
        self.edit_base = (edit_base or "").rstrip("/")
        self._warnings = _WarningCounter()
        logging.getLogger("mkdocs").addHandler(self._warnings)
        return config

    def _record_memo(self) -> RecordMemo | None:
        """Under a build with a cache folder: each record file's validation, kept by content.
        Unlike the page cache, also with included networks: a file's own validation does not
        depend on them (they are read after the catalogue, apart)."""
        folder = self._cache_folder()
        return RecordMemo(folder, records_key()) if folder else None

    def _cache_folder(self) -> Path | None:
        """The folder kept between builds (CAMPUS_CACHE_DIR, the `cache_dir` option, or a serving
        process's temporary one), if any."""
        folder = os.environ.get(CACHE_ENV_VAR) or self.config.cache_dir or self._serve_cache
        return self.project / folder if folder else None

    def _kept_relations(self) -> Relations | None:
        """The previous build's relations (generator/model.py), from the cache folder."""
        folder = self._cache_folder()
        try:
            return Relations.from_json((folder / RELATIONS_FILE).read_text(encoding="utf-8")) if folder else None
        except (OSError, UnicodeDecodeError):
            return None

    def _keep_relations(self, kept: Relations | None) -> None:
        """Keep this build's relations in the cache folder for the next one (when they changed)."""
        folder = self._cache_folder()
        if folder is None or (kept is not None and kept.shape == self.catalogue.shape):
            return
        try:
            replace_file(folder / RELATIONS_FILE, self.catalogue.relations().to_json().encode())
        except OSError:
            pass  # no kept relations: the next build computes them

    def _page_cache(self, config) -> PageCache | None:
        folder = self._cache_folder()
        if not folder or self.networks:  # included networks' records are not in the cache's key
            return None
        theme_dirs = [Path(d) for d in config.theme.dirs if Path(d).is_dir() and "site-packages" not in Path(d).parts]
        key = site_key(config_file=Path(config.config_file_path), folders=[Path(config.docs_dir), *theme_dirs],
                       settings={"site_url": config.site_url, "plugin": dict(self.config), "edit_base": self.edit_base,
                                 "catalogue": self.config.catalogue, "command": self.command})
        previous = getattr(self, "cache", None)
        if self.command == "serve" and previous is not None and previous.key == key:
            return previous  # mkdocs serve: the pages of the previous rebuild, already in memory
        return PageCache(folder, key)

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
        self.cache = self._page_cache(config)
        wanted = None
        if self.cache is not None:
            with timings.stage("dependencies"):
                dependencies = Dependencies(self.catalogue, intro, site_map_pages(written), self._digests)

            def changed(src_uri: str) -> bool:  # render only the pages whose inputs changed
                self._inputs[src_uri] = dependencies.page(src_uri)
                cached = self.cache.get(src_uri, self._inputs[src_uri])
                if cached is not None:
                    self._reused[src_uri] = cached
                return cached is None
            wanted = changed
        plan = {}
        if not self.networks:
            with timings.stage("render"):
                plan = renderer.page_plan(intro, written, wanted)
        building = self.command == "build"
        pages_apart = building and not self.networks and parallel.wanted(len(plan))
        exports_apart = building and parallel.wanted(len(self.catalogue.entries))
        included = networks.included(self.networks)
        if pages_apart or exports_apart:
            # A second process renders the pages while MkDocs reads the first ones (on_pre_page),
            # then computes the open data and the feed, written at the end (on_post_build).
            self._background = parallel.BackgroundPages(
                plan if pages_apart else {},
                exports=partial(renderer.data_files, config.site_name, included) if exports_apart else None)
        if self.networks:
            pages = networks.site_pages(renderer, self.networks, config.site_name, intro, written)
        elif pages_apart:
            pages = [GeneratedPage(src_uri, "") for src_uri in plan]
        else:
            with timings.stage("render"):
                pages = [render() for render in plan.values()]
        generated = {page.src_uri: File.generated(config, page.src_uri, content=page.text) for page in pages}
        for src_uri in self._reused:
            file = generated[src_uri] = File.generated(config, src_uri, content="")
            if self.command == "serve" and self.dirty and file.abs_dest_path in self._outputs:
                file.is_modified = lambda: False  # mkdocs serve --dirty: its output is already there
        for src_uri in sorted(generated):  # the order of a full build (the sitemap follows it)
            self._add(files, generated[src_uri])
        self._outputs_now = {file.abs_dest_path for file in generated.values()} if self.cache is not None else set()
        if self.cache is not None:
            log.info(f"Campus : {len(self._reused)} pages reprises du cache, "
                     f"{len(generated) - len(self._reused)} pages rendues")
        if exports_apart:  # their names now (pages link to them), their contents in on_post_build
            data_files = dict.fromkeys(renderer.data_file_names(), "")
        elif self.command == "serve" and self._data_files is not None:
            # mkdocs serve: the edited page must not wait for the open data and the feed (seconds at
            # 10,000 records). The latest ones written are kept in place; on_post_build computes the
            # new ones in the background.
            data_files = self._data_files
            self._exports_due = (renderer, config.site_name, included)
        else:
            with timings.stage("exports"):
                data_files = renderer.data_files(config.site_name, included)
            if self.command == "serve":
                self._data_files = data_files
        for path, content in data_files.items():  # open data and Atom feed
            file = File.generated(config, path, content=content)
            if self._exports_due is not None and self.dirty:
                file.is_modified = lambda: False  # mkdocs serve --dirty: these are the files already written
            if exports_apart:
                file.copy_file = lambda dirty=False: None  # not yet: on_post_build writes it
                self._exports_apart[path] = file
            files.append(file)
        for file in editor.site_files(config, self.project):  # /admin/ (issue 23)
            self._add(files, file)
        if self.config.primary_color:
            files.append(File.generated(config, branding.BRAND_CSS, content=branding.stylesheet(self.config.primary_color)))
        return files

    @staticmethod
    def _add(files, file):
        existing = files.get_file_from_path(file.src_uri)
        if existing is not None:
            files.remove(existing)
        files.append(file)

    def on_pre_page(self, page, config, files):
        if self._background is not None and page.file.src_uri in self._background:
            page.file.content_string = self._background.text(page.file.src_uri)
            return page
        cached = self._reused.get(page.file.src_uri)
        if cached is None or page.file.generated_by != "campus":
            return page

        # A reused page: its front matter and anchors come from the cache, its output in on_post_page.
        def read_source(config):
            page.markdown, page.meta = "", {**cached.meta, "template": REUSED_TEMPLATE}

        def render(config, files):
            page.content, page.toc = "", get_toc([])
            page.present_anchor_ids, page.links_to_anchors = set(cached.anchors), {}

        page.read_source, page.render = read_source, render
        return page

    def on_page_markdown(self, markdown, page, config, files):
        # Generated pages: their HTML blocks skip Markdown (see generator/passthrough.py).
        if page.file.generated_by != "campus" or page.file.src_uri in self._reused:
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
        if self._background is not None and not self._background.has_exports:  # every page was read:
            self._background.close()  # the render worker is done
            self._background = None
        env.loader = jinja2.ChoiceLoader([env.loader, jinja2.DictLoader({REUSED_TEMPLATE: ""})])
        return env

    def on_page_context(self, context, page, config, nav):
        campus = page.meta.get("campus") or {}
        entry = self.catalogue.by_id.get(campus.get("id", "")) if isinstance(campus, dict) else None
        if entry is not None:
            # "Modifier cette page" opens the record's YAML, not a generated Markdown file.
            page.edit_url = f"{self.edit_base}/{entry.path}" if self.edit_base else None
        elif isinstance(campus, dict):
            original = networks.original_page(self.networks, campus.get("id", ""))
            if original:  # a record of an included network
                page.canonical_url, page.edit_url = original, None
        return context

    def _post_page(self, output, page, config):
        src_uri = page.file.src_uri
        cached = self._reused.get(src_uri)
        if cached is not None:
            return self.cache.html(cached)
        output = material_markup.tidy_page(output)
        if self.cache is not None and src_uri in self._inputs and page.file.generated_by == "campus":
            self.cache.put(src_uri, self._inputs[src_uri], page.meta, page.present_anchor_ids, output)
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
        """The pages kept by _capture_for_search, if they are surely what MkDocs wrote: the capture
        ran after every other post_page step, and no other plugin's post_build (which could
        rewrite pages) ran before this one. Otherwise None: the index reads the pages back."""
        captured = self._captured
        if captured is None:
            return None
        events = config.plugins.events
        if events["post_page"] and events["post_page"][-1] == self._capture_for_search:
            for method in events["post_build"]:
                if method == self.on_post_build:
                    return captured
                if getattr(method, "__self__", None) is not self:
                    break
        log.info("Campus : un autre greffon peut modifier les pages après leur écriture ; "
                 "l'index de recherche les relit sur le disque")
        return None

    def on_post_template(self, output_content, template_name, config):
        # 404.html is a theme template, rendered without on_post_page.
        return material_markup.tidy_page(output_content) if template_name.endswith(".html") else output_content

    def on_post_build(self, config):
        self._write_exports_apart()
        if self.command == "serve" and self.dirty:
            for stale in self._outputs - self._outputs_now:  # pages of deleted records
                Path(stale).unlink(missing_ok=True)
        self._outputs = self._outputs_now
        logging.getLogger("mkdocs").removeHandler(self._warnings)
        if self.cache is not None:
            if self._warnings.count:  # a page that warned must be rendered (and warn) again
                self.cache.invalidate()
            else:
                self.cache.save(set(self._inputs), write=self.command != "serve")
        if self.command == "serve":
            # The catalogue and MkDocs' pages are about a million objects at 10,000 records: a full
            # garbage collection holds the interpreter 1.5 s, and one fell in most rebuilds. Frozen,
            # they are not scanned by the next build's collections; their garbage is collected in
            # _after_serving, when the preview is idle or after MAX_FROZEN_BUILDS builds.
            gc.freeze()
            self._frozen_builds += 1
            threading.Thread(target=self._after_serving, args=(Path(config.site_dir), self._build_generation,
                                                               self._exports_due), daemon=True).start()
            # The edited page must not wait for the search index: it is rebuilt in the background,
            # from a snapshot of the pages, and swapped in between two builds.
            self._search_generation += 1
            threading.Thread(target=self._index_in_background, args=(Path(config.site_dir), self._search_generation),
                             daemon=True).start()
            self._release_site()
            return
        try:  # the Pagefind search index of the site just written (generator/search.py)
            with timings.stage("search"):
                build_search_index(Path(config.site_dir), pagefind_binary(self.project), self._search_cache(),
                                   written=self._captured_pages(config))
        except SearchIndexError as exc:
            raise PluginError(f"Index de recherche : {exc}") from None
        finally:
            self._close_captured()

    def _write_exports_apart(self):
        """mkdocs build: the open data and the feed, as the second process computed them."""
        if self._background is None:
            return
        if self._exports_apart:
            with timings.stage("exports.wait"):
                contents = self._background.exports()
            if list(contents) != list(self._exports_apart):
                raise PluginError(f"Données ouvertes : fichiers inattendus ({', '.join(contents)})")
            for path, file in self._exports_apart.items():
                del file.copy_file  # MkDocs' own again
                if isinstance(contents[path], bytes):
                    file.content_bytes = contents[path]
                else:
                    file.content_string = contents[path]
                file.copy_file(dirty=self.dirty)
        self._background.close()
        self._background = None

    def _search_cache(self) -> Path | None:
        """Where the search index's parts are kept between builds (generator/search.py), beside
        the pages' cache: a part whose pages did not change is not indexed again."""
        folder = self._cache_folder()
        return folder / "search" if folder else None

    def on_pre_build(self, config):
        if self.command == "serve":  # no background work touches the site while MkDocs writes it
            self._build_generation += 1
            self._site_lock.acquire()
            self._holding_site = True

    def _release_site(self):
        if self._holding_site:
            self._holding_site = False
            self._site_lock.release()

    def _after_serving(self, site_dir: Path, generation: int, exports_due: tuple | None):
        """mkdocs serve, once the build is served: write the open data and the feed of that build,
        then collect the garbage of the previous ones, unless a newer build started meanwhile."""
        with self._after_lock:
            if generation != self._build_generation:
                return
            if exports_due is not None:
                self._write_exports(site_dir, generation, *exports_due)
            # Collect the garbage of the builds frozen since the last collection (on_post_build)
            # once the preview has been idle a while, or at once after many builds in a row.
            deadline = time.monotonic() + (0 if self._frozen_builds >= MAX_FROZEN_BUILDS else IDLE_BEFORE_COLLECTION)
            while time.monotonic() < deadline:
                if generation != self._build_generation:
                    return  # a newer build: its own step will collect
                time.sleep(0.1)
            if generation == self._build_generation:
                gc.unfreeze()
                gc.collect()
                gc.freeze()
                self._frozen_builds = 0

    def _write_exports(self, site_dir: Path, generation: int, renderer: SiteRenderer, site_name: str,
                       included: list[dict]):
        try:
            data_files = renderer.data_files(site_name, included)
        except Exception as exc:  # never a traceback in the terminal for a background step
            print(f"Données ouvertes : {exc}", file=sys.stderr, flush=True)
            return
        with self._site_lock:
            if generation != self._build_generation:
                return  # a newer build started: it will write its own
            try:
                for path, content in data_files.items():
                    target = site_dir / path
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
            except OSError as exc:
                print(f"Données ouvertes : {exc}", file=sys.stderr, flush=True)
                return
            self._data_files = data_files

    def _index_in_background(self, site_dir: Path, generation: int):
        with self._search_lock:
            if generation != self._search_generation:
                return  # a newer build will index its own pages
            snapshot = Path(tempfile.mkdtemp(prefix="campus-index-", dir=site_dir.parent))
            try:
                with self._site_lock:
                    if generation != self._search_generation:
                        return
                    for page in site_dir.rglob("*.html"):
                        target = snapshot / page.relative_to(site_dir)
                        target.parent.mkdir(parents=True, exist_ok=True)
                        try:
                            os.link(page, target)
                        except OSError:
                            shutil.copyfile(page, target)
                # In another process, at a lower priority: reading thousands of pages in this
                # one would hold the interpreter lock while the next edit is being built.
                # Its own process group, so that stopping the preview stops it and its Pagefind
                # runs too (on_shutdown).
                self._indexer = subprocess.Popen(
                    [sys.executable, "-c", "import sys; from generator.search import build_search_index; "
                     "build_search_index(sys.argv[1], sys.argv[2], sys.argv[3] or None)", str(snapshot),
                     str(pagefind_binary(self.project)), str(self._search_cache() or "")],
                    stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                    preexec_fn=lambda: os.nice(10), start_new_session=True,
                    cwd=str(Path(__file__).resolve().parent.parent))
                _, errors = self._indexer.communicate()
                if self._indexer.returncode != 0:
                    raise SearchIndexError((errors.strip().splitlines() or ["échec"])[-1])
                with self._site_lock:
                    old = site_dir / ".campus-pagefind-old"
                    shutil.rmtree(old, ignore_errors=True)
                    if (site_dir / "pagefind").exists():
                        os.replace(site_dir / "pagefind", old)
                    os.replace(snapshot / "pagefind", site_dir / "pagefind")
                    shutil.rmtree(old, ignore_errors=True)
            except (SearchIndexError, OSError) as exc:
                print(f"Index de recherche : {exc}", file=sys.stderr, flush=True)
            finally:
                shutil.rmtree(snapshot, ignore_errors=True)

    def on_build_error(self, error):
        self._release_site()
        self._close_captured()
        if getattr(self, "_background", None) is not None:
            self._background.abandon()
            self._background = None
        logging.getLogger("mkdocs").removeHandler(getattr(self, "_warnings", None) or logging.NullHandler())
        cache = getattr(self, "cache", None)
        if cache is not None:
            cache.invalidate()

    def on_shutdown(self):
        timings.write_if_requested()  # CAMPUS_TIMINGS=path: seconds per stage, for bench/run.py
        if self._indexer is not None and self._indexer.poll() is None:  # mkdocs serve stopped while indexing
            try:
                os.killpg(self._indexer.pid, signal.SIGTERM)
            except OSError:
                pass
        if self._serve_cache:
            shutil.rmtree(self._serve_cache, ignore_errors=True)

    def on_serve(self, server, config, builder):
        # The operating system's notifications rather than MkDocs' polling when possible
        # (generator/serve_watch.py); CAMPUS_SERVE_POLLING=1 keeps the polling.
        if os.environ.get("CAMPUS_SERVE_POLLING") or not serve_watch.use_native_observer(
                server, also=[str(self.catalogue_dir)]):
            log.info("Campus : modifications suivies par scrutation (toutes les 0,5 s)")
        server.watch(str(self.catalogue_dir))
        return server
