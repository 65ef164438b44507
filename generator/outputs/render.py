"""Render stage: catalogue -> Markdown pages with front matter, through Jinja templates.

The output is builder-independent: a list of (path, text) that MkDocs takes as generated
files, and that `campus pages DIR` writes to disk for any other builder.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Callable

import datetime as dt

import jinja2
import yaml

from . import calendar, exports, feed, jsonld
from ..catalogue import records as r
from .fields import field_tables
from ..catalogue.model import Catalogue
from .present import Presenter, relative_url, render_markdown, safe_data, safe_text
from .resources import template_dir
from ..catalogue.clock import build_today
from ..catalogue.timings import stage

TEMPLATE_DIR = template_dir()


@dataclass(frozen=True)
class GeneratedPage:
    """A page to build: its path in the docs tree (e.g. 'communautes/x.md') and its text."""

    src_uri: str
    text: str


def template_environment(template_dir: Path = TEMPLATE_DIR) -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(template_dir)),
        autoescape=True,  # values are escaped unless present.py marked them safe
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        finalize=safe_data,  # no control character reaches a page, whatever validation let through
        auto_reload=False,  # one environment per build: templates are not checked on disk for every page
    )


def _meta_text(text: str) -> str:
    """Text from records for front matter `title`/`description`, which mkdocs-material prints as HTML
    (MkDocs does not autoescape): '&', '<', '>' and '"' escaped, so a summary cannot break out of
    <meta content="…"> nor a title out of <title>."""
    return safe_text(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def _front_matter(meta: dict) -> str:
    # libyaml's emitter when PyYAML has it: same bytes, twenty times faster than the pure-Python one.
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    return "---\n" + yaml.dump(meta, Dumper=dumper, allow_unicode=True, sort_keys=True, width=1000) + "---\n\n"


class SiteRenderer:
    """Renders every generated page of the site."""

    def __init__(self, catalogue: Catalogue, *, edit_base: str = "", template_dir: Path = TEMPLATE_DIR,
                 site_url: str = "", today: dt.date | None = None):
        self.catalogue = catalogue
        self.site_url = site_url or ""  # absolute URLs in JSON-LD; site-relative when unknown
        self.today = today or build_today()  # one « today » for the whole build (catalogue/clock.py)
        self.presenter = Presenter(catalogue, edit_base=edit_base, today=self.today)
        self.env = template_environment(template_dir)

    def _page(self, src_uri: str, template: str, meta: dict, **context) -> GeneratedPage:
        body = self.env.get_template(template).render(**context)
        return GeneratedPage(src_uri, _front_matter(meta) + body)

    def record_page(self, entry) -> GeneratedPage:
        page = self.presenter.record_page(entry)
        meta = {"title": _meta_text(f"{entry.title} — {entry.type_info.label}"),
                "description": _meta_text(entry.record.summary),
                "campus": {"id": entry.id, "type": entry.type,
                           **({"calendar": calendar.training_feed_path(entry)} if page.get("calendar_url") else {})},
                "jsonld": jsonld.script_text(jsonld.record_jsonld(entry, self.catalogue, self.site_url))}
        return self._page(f"{entry.type_info.section}/{entry.id}.md", f"{entry.type}.md.jinja", meta, page=page)

    def listing_page(self, info: r.RecordType) -> GeneratedPage:
        listing = self.presenter.listing_page(info.name)
        meta = {"title": info.plural,
                "description": f"{listing['count_text'].capitalize()} du campus.",
                "campus": {"listing": info.name}}
        return self._page(f"{info.section}/index.md", "listing.md.jinja", meta, listing=listing)

    def theme_page(self, theme_id: str) -> GeneratedPage:
        theme = self.presenter.theme_page(theme_id)
        meta = {"title": _meta_text(f"{theme['title']} — Thématique"),
                "description": _meta_text(f"Toutes les ressources du campus sur la thématique « {theme['title']} »."),
                "campus": {"theme": theme_id}}
        return self._page(f"thematiques/{theme_id}.md", "theme.md.jinja", meta, theme=theme)

    def themes_index(self) -> GeneratedPage:
        return self._page("thematiques/index.md", "themes.md.jinja",
                          {"title": "Thématiques", "description": "Les thématiques du campus et leurs ressources."},
                          index=self.presenter.themes_index())

    def home_page(self, intro_markdown: str) -> GeneratedPage:
        """The home page: the hand-written introduction, then counts, themes and latest additions."""
        meta, body = split_front_matter(intro_markdown)
        meta.setdefault("title", "Accueil")
        meta["campus"] = {"home": True}
        return self._page("index.md", "home.md.jinja", meta, intro=body, home=self.presenter.home_page())

    def site_map(self, written_pages: dict[str, str]) -> GeneratedPage:
        """'Plan du site': every section, hand-written page, theme and record."""
        url = "plan-du-site/"
        sections = [{"title": info.plural, "url": relative_url(url, f"{info.section}/"),
                     "items": [self.presenter.link(e, url) for e in self.catalogue.of_type(info.name)]}
                    for info in r.RECORD_TYPES.values()]
        themes = [{"title": t.title, "url": relative_url(url, f"thematiques/{t.id}/")}
                  for t in sorted(self.catalogue.themes.values(), key=lambda t: t.title.casefold())]
        written = [{"title": title, "url": relative_url(url, page_url(src))}
                   for src, title in sorted(written_pages.items(), key=lambda i: i[1].casefold())]
        meta = {"title": "Plan du site", "description": "Toutes les pages du campus."}
        return self._page("plan-du-site.md", "site-map.md.jinja", meta, sections=sections, themes=themes,
                          written=written, themes_url=relative_url(url, "thematiques/"),
                          home_url=relative_url(url, ""))

    def search_page(self) -> GeneratedPage:
        """'Rechercher': the page that runs queries typed in the header's search box."""
        url = "recherche/"
        meta = {"title": "Rechercher", "description": "Rechercher dans le campus.",
                "campus": {"search": True}, "hide": ["toc"]}
        return self._page("recherche.md", "search.md.jinja", meta, site_map_url=relative_url(url, "plan-du-site/"),
                          themes_url=relative_url(url, "thematiques/"))

    def open_data_pages(self) -> list[GeneratedPage]:
        """'Données' (the export files, their columns, the licence), 'Nouveautés' (with the feed) and
        'Agenda' (with its calendar feed): what this site itself publishes."""
        return [self.data_page(), self.news_page(), self.agenda_page()]

    def data_page(self) -> GeneratedPage:
        meta = {"title": "Données ouvertes", "description": "Le catalogue du campus en données ouvertes : "
                "JSON, CSV et schémas, sous Licence Ouverte 2.0."}
        data = exports.data_page(self.catalogue)
        data["calendar"] = {"name": calendar.AGENDA_FEED, "href": calendar.AGENDA_FEED, "page": "agenda.md",
                            "per_training": calendar.training_feed_path_pattern()}
        return self._page("donnees.md", "donnees.md.jinja", meta, data=data)

    def news_page(self) -> GeneratedPage:
        meta = {"title": "Nouveautés", "description": "Les ressources ajoutées ou mises à jour récemment "
                "dans le campus."}
        return self._page("nouveautes.md", "nouveautes.md.jinja", meta, news=feed.news_page(self.catalogue))

    def agenda_page(self) -> GeneratedPage:
        """'Agenda': the sessions to come across the catalogue, and its calendar feed."""
        meta = {"title": "Agenda", "description": "Les prochaines sessions des formations du campus, "
                "et leur agenda à ajouter à votre calendrier (iCalendar).", "campus": {"agenda": True}}
        return self._page("agenda.md", "agenda.md.jinja", meta,
                          agenda=calendar.agenda_page(self.catalogue, self.today))

    def fields_page(self) -> GeneratedPage:
        meta = {"title": "Champs des fiches",
                "description": "Les champs de chaque type de fiche du catalogue, pour les éditeurs."}
        return self._page("champs-des-fiches.md", "fields.md.jinja", meta, tables=field_tables())

    def data_files(self, site_name: str, networks: list[dict] = ()) -> dict[str, str | bytes]:
        """Files published beside the pages: the open data exports (donnees/) and the Atom feed."""
        files: dict[str, str | bytes] = {f"{exports.EXPORT_DIR}/{name}": text for name, text in
                                         exports.export_files(self.catalogue, self.site_url, networks).items()}
        files[feed.FEED_PATH] = feed.atom_feed(self.catalogue, self.site_url, site_name)
        files.update(calendar.calendar_files(self.catalogue, self.today, self.site_url, site_name))
        return files

    def data_file_names(self) -> list[str]:
        """The paths `data_files` gives, in its order, without computing the files."""
        return ([f"{exports.EXPORT_DIR}/{name}" for name in exports.export_names()] + [feed.FEED_PATH]
                + calendar.calendar_names(self.catalogue))

    def page_plan(self, intro_markdown: str = "", written_pages: dict[str, str] | None = None,
                  wanted=None) -> dict[str, Callable[[], GeneratedPage]]:
        """Every generated page, not rendered yet: its path -> a function rendering it, in the
        order of the paths. `written_pages` maps hand-written pages' paths to their titles.

        With `wanted` (a predicate on a page's path), only the pages it accepts: an incremental
        build passes the pages whose inputs changed (generator/speed/dependencies.py)."""
        plan: dict[str, Callable[[], GeneratedPage]] = {}
        for entry in self.catalogue.entries:
            plan[f"{entry.type_info.section}/{entry.id}.md"] = partial(self.record_page, entry)
        for info in r.RECORD_TYPES.values():
            plan[f"{info.section}/index.md"] = partial(self.listing_page, info)
        for theme_id in sorted(self.catalogue.themes):
            plan[f"thematiques/{theme_id}.md"] = partial(self.theme_page, theme_id)
        plan["thematiques/index.md"] = self.themes_index
        plan["index.md"] = partial(self.home_page, intro_markdown)
        plan["champs-des-fiches.md"] = self.fields_page
        plan["donnees.md"] = self.data_page
        plan["nouveautes.md"] = self.news_page
        plan["agenda.md"] = self.agenda_page
        plan["plan-du-site.md"] = partial(self.site_map, site_map_pages(written_pages))
        plan["recherche.md"] = self.search_page
        return {src_uri: plan[src_uri] for src_uri in sorted(plan) if wanted is None or wanted(src_uri)}

    def all_pages(self, intro_markdown: str = "", written_pages: dict[str, str] | None = None,
                  wanted=None) -> list[GeneratedPage]:
        """Every generated page (those `wanted` accepts, if given; see `page_plan`), rendered."""
        plan = self.page_plan(intro_markdown, written_pages, wanted)
        with stage("render"):
            return [render() for render in plan.values()]


def site_map_pages(written_pages: dict[str, str] | None) -> dict[str, str]:
    """The hand-written (and hand-like generated) pages the site map lists: path -> title."""
    return {k: v for k, v in {**(written_pages or {}), "donnees.md": "Données ouvertes",
                              "nouveautes.md": "Nouveautés", "agenda.md": "Agenda"}.items() if k != "index.md"}


def split_front_matter(text: str) -> tuple[dict, str]:
    """Split '---\\nyaml\\n---\\nbody' into its metadata and body."""
    if text.startswith("---\n"):
        end = text.find("\n---", 4)
        if end != -1:
            meta = yaml.safe_load(text[4:end]) or {}
            if isinstance(meta, dict):
                return meta, text[end + 4:].lstrip("\n")
    return {}, text


def page_url(src_uri: str) -> str:
    """Directory-style URL of a Markdown path: 'a/b.md' -> 'a/b/', 'a/index.md' -> 'a/'."""
    stem = src_uri[:-3] if src_uri.endswith(".md") else src_uri
    if stem == "index" or stem.endswith("/index"):
        return stem[:-5]
    return stem + "/"


def page_title(text: str, fallback: str) -> str:
    """A hand-written page's title: front matter `title`, else its first level-1 heading."""
    meta, body = split_front_matter(text)
    if isinstance(meta.get("title"), str):
        return meta["title"]
    for line in body.splitlines():
        if line.startswith("# "):
            return line[2:].strip()
    return fallback


def written_pages(content_dir: Path) -> dict[str, str]:
    """Hand-written Markdown pages under `content_dir`: path -> title."""
    return {p.relative_to(content_dir).as_posix(): page_title(p.read_text(encoding="utf-8"), p.stem)
            for p in sorted(content_dir.rglob("*.md"))}


def write_pages(pages: list[GeneratedPage], out_dir: Path) -> None:
    """Write generated pages under `out_dir` (for builders other than MkDocs)."""
    for page in pages:
        target = out_dir / page.src_uri
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(page.text, encoding="utf-8")


__all__ = ["GeneratedPage", "SiteRenderer", "write_pages", "split_front_matter", "render_markdown", "site_map_pages"]
