"""Presentation: the catalogue as plain data for templates.

Templates receive only strings, numbers, lists and dicts, already formatted in French and
already sanitised, so they hold no logic and call no Python (MiniJinja can render them too).
"""

from __future__ import annotations

import datetime as dt
import posixpath
import re
from functools import lru_cache

import markdown
import nh3
from markupsafe import Markup

from ..catalogue import records as r
from ..catalogue.clock import build_today
from .dates import CALENDAR_FILE, SESSION_FACET, SESSION_UPCOMING, french_date, session_dates, session_row, split_sessions
from ..catalogue.errors import counted
from ..catalogue.model import FORWARD, Catalogue, Entry

# Markdown may carry links, emphasis, lists, tables; never scripts, styles or handlers.
_ALLOWED_TAGS = {"a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "dl", "dt", "em", "h3", "h4",
                 "h5", "h6", "hr", "i", "li", "ol", "p", "pre", "s", "strong", "sub", "sup", "table",
                 "tbody", "td", "th", "thead", "tr", "ul"}
_ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "td": {"align"}, "th": {"align"}}
_DEAD_LINK = re.compile(r'<a(?: title="[^"]*")? rel="noopener noreferrer">(.*?)</a>', re.DOTALL)


# One converter, reset between texts: building a Markdown instance costs as much as converting.
_MARKDOWN = markdown.Markdown(extensions=["extra", "sane_lists"], output_format="html")


@lru_cache(maxsize=4096)
def _markdown_html(text: str) -> str:
    html = _MARKDOWN.reset().convert(text)
    # Record pages own h1 and h2: a description's headings start at h3.
    html = re.sub(r"<(/?)h([1-6])\b", lambda m: f"<{m.group(1)}h{min(int(m.group(2)) + 2, 6)}", html)
    html = nh3.clean(html, tags=_ALLOWED_TAGS, attributes=_ALLOWED_ATTRIBUTES,
                     url_schemes={"http", "https", "mailto"}, link_rel="noopener noreferrer")
    # A link whose address nh3 refused (javascript:…) keeps its rel and loses its href: invalid HTML
    # and not a link any more. Its text stays, as text.
    return _DEAD_LINK.sub(r"\1", html)


# Characters HTML (and XML 1.0) cannot carry: C0/C1 controls but tab and newlines, lone surrogates,
# noncharacters. Validation refuses them; whatever gets through is replaced, never written raw.
UNSAFE_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff]")


def safe_text(text: str) -> str:
    """`text` with every character an HTML or XML document cannot hold replaced by U+FFFD."""
    return UNSAFE_CHARACTERS.sub("\ufffd", text) if UNSAFE_CHARACTERS.search(text) else text


def safe_data(value):
    """`safe_text` applied to every string of template data (Markup stays Markup): the templates'
    `finalize`, so nothing a template prints carries such a character."""
    if isinstance(value, str):  # Markup too (a str): most values are clean and returned as they are
        if not UNSAFE_CHARACTERS.search(value):
            return value
        return Markup(safe_text(str(value))) if isinstance(value, Markup) else safe_text(value)
    if isinstance(value, dict):
        return {key: safe_data(item) for key, item in value.items()}
    if isinstance(value, list):
        return [safe_data(item) for item in value]
    return value


def render_markdown(text: str | None) -> Markup:
    """Markdown -> sanitised HTML, safe to place in a page."""
    return Markup(_markdown_html(text)) if text else Markup("")


@lru_cache(maxsize=1 << 16)  # listings and cards ask for the same links thousands of times
def relative_url(from_url: str, to_url: str) -> str:
    """Link from one directory-style page URL to another ('' is the home page)."""
    if from_url == to_url:
        return "./"
    start = [part for part in (from_url or "").split("/") if part and part != "."]
    target = [part for part in to_url.split("/") if part and part != "."]
    if ".." in start or ".." in target:
        path = posixpath.relpath("/" + to_url, "/" + (from_url or ""))
    else:  # the same as posixpath.relpath, several times faster (pages hold thousands of links)
        common = 0
        for a, b in zip(start, target):
            if a != b:
                break
            common += 1
        path = "/".join([".."] * (len(start) - common) + target[common:]) or "."
    return "./" if path == "." else (path.rstrip("/") + "/" if to_url.endswith("/") or not to_url else path)


def _plural(count: int, one: str, many: str) -> str:
    return counted(count, one, many)  # French: 0 and 1 take the singular


class Presenter:
    """Turns entries into template data for pages at given URLs."""

    def __init__(self, catalogue: Catalogue, edit_base: str = "", today: dt.date | None = None):
        self.catalogue = catalogue
        self.today = today or build_today()  # the build's one « today » (catalogue/clock.py)
        self.edit_base = edit_base.rstrip("/")
        # An entry's facts and facets do not depend on the page showing it, and each entry is shown
        # on many pages (listing, themes, related resources): computed once per entry object.
        self._per_entry: dict[tuple[str, int], tuple[Entry, object]] = {}

    def _once(self, kind: str, entry: Entry, compute):
        key = (kind, id(entry))
        cached = self._per_entry.get(key)
        if cached is None or cached[0] is not entry:
            cached = self._per_entry[key] = (entry, compute(entry))
        return cached[1]

    # --- small pieces ---------------------------------------------------------------------

    def organisation(self, org_id: str | None) -> str:
        if not org_id:
            return ""
        org = self.catalogue.organisations[org_id]
        return f"{org.name} ({org.acronym})" if org.acronym and org.acronym != org.name else org.name

    def source_label(self, source_id: str | None) -> str:
        if not source_id:
            return ""
        source = self.catalogue.sources[source_id]
        return f"{source.title}, {source.publisher}" + (f", {french_date(source.date)}" if source.date else "")

    def figure(self, figure: r.Figure) -> dict:
        qualifier = r.QUALIFIERS[figure.qualifier]
        value = f"{figure.value:,}".replace(",", "\u202f")
        text = " ".join(part for part in (qualifier, value, figure.label or "") if part)
        context = []
        if figure.as_of:
            context.append(f"au {french_date(figure.as_of)}")
        if figure.source:
            context.append(f"source : {self.source_label(figure.source)}")
        return {"value": value, "qualifier": qualifier, "label": figure.label or "", "text": text,
                "context": " — ".join(context)}

    def link(self, entry: Entry, page_url: str) -> dict:
        return {"title": entry.title, "url": relative_url(page_url, entry.url), "type": entry.type,
                "type_label": entry.type_info.label, "summary": entry.record.summary}

    def theme_links(self, theme_ids, page_url: str) -> list[dict]:
        return [{"id": t, "title": self.catalogue.themes[t].title,
                 "url": relative_url(page_url, f"thematiques/{t}/")} for t in theme_ids]

    # --- cards in listings ----------------------------------------------------------------

    def card(self, entry: Entry, page_url: str) -> dict:
        """One entry as shown in a listing: title, summary and its key facts."""
        card = self.link(entry, page_url)
        card["facts"] = self.key_facts(entry)
        card["themes"] = self.theme_links(entry.record.themes, page_url)
        card["filters"] = self.filters(entry)
        return card

    def key_facts(self, entry: Entry) -> list[str]:
        """The facts a card shows (the same list object for every card of an entry: do not mutate)."""
        return self._once("facts", entry, self._key_facts)

    def filters(self, entry: Entry) -> dict[str, list[str]]:
        """Facet values, as French labels, for search filters (shared between pages: do not mutate)."""
        return self._once("filters", entry, self._filters)

    def _key_facts(self, entry: Entry) -> list[str]:
        rec = entry.record
        facts: list[str] = []
        if entry.type == "community":
            if rec.members:
                first = self.figure(rec.members[0])
                facts.append(f"{first['qualifier']} {first['value']} membre{'s' * (rec.members[0].value > 1)}".strip())
            facts += [self.organisation(rec.organisation), r.SCOPES.get(rec.scope, ""), rec.location or ""]
        elif entry.type == "training":
            facts += [self.next_session(entry), r.FORMATS.get(rec.format, ""), rec.duration or "",
                      r.LEVELS.get(rec.level, ""), self.organisation(rec.organisation)]
        elif entry.type == "tool":
            facts += [r.TOOL_KINDS[rec.kind], self.organisation(rec.publisher)]
        elif entry.type == "intervention":
            facts += [r.INTERVENTION_FORMATS.get(rec.format, ""), self.when(rec),
                      ", ".join(self.organisation(o) for o in rec.requested_by)]
        return [f for f in facts if f]

    def _filters(self, entry: Entry) -> dict[str, list[str]]:
        rec = entry.record
        places = []
        if entry.type == "community" and rec.location:
            places.append(rec.location)
        if entry.type == "intervention" and rec.location:
            places.append(rec.location)
        if entry.type == "training":
            places += [s.place for s in rec.sessions if s.place]
        values = {
            "type": [entry.type_info.label],
            "thematique": [self.catalogue.themes[t].title for t in rec.themes],
            "format": [label for label in (
                r.FORMATS.get(getattr(rec, "format", None) or "", ""),
                r.INTERVENTION_FORMATS.get(getattr(rec, "format", None) or "", "")
                if entry.type == "intervention" else "") if label],
            "public": [r.AUDIENCES[a] for a in getattr(rec, "audience", [])],
            "perimetre": [r.SCOPES[rec.scope]] if getattr(rec, "scope", None) else [],
            "lieu": sorted(set(places)),
            SESSION_FACET: [SESSION_UPCOMING] if self.next_session(entry) else [],
        }
        return {k: v for k, v in values.items() if v}

    def next_session(self, entry: Entry) -> str:
        """'Prochaine session : 12 mars 2025 (Paris)' for a training with a session to come, else ''."""
        return self._once("next", entry, self._next_session)

    def _next_session(self, entry: Entry) -> str:
        if entry.type != "training":
            return ""
        upcoming, _ = split_sessions(entry.record.sessions, self.today)
        if not upcoming:
            return ""
        first = upcoming[0]
        return f"Prochaine session : {session_dates(first.start, first.end)}" + (f" ({first.place})" if first.place else "")

    def when(self, rec: r.Intervention) -> str:
        if rec.date and rec.end_date and rec.end_date != rec.date:
            return f"du {french_date(rec.date)} au {french_date(rec.end_date)}"
        if rec.date:
            return french_date(rec.date)
        return rec.period or ""

    # --- record pages ---------------------------------------------------------------------

    def record_page(self, entry: Entry) -> dict:
        """Everything a record page shows, in the order the template lays it out."""
        rec, url = entry.record, entry.url
        page = self.link(entry, url)
        page.update({
            "id": entry.id,
            "section_url": relative_url(url, f"{entry.type_info.section}/"),
            "section_label": entry.type_info.plural,
            "description": render_markdown(rec.description),
            "themes": self.theme_links(rec.themes, url),
            "key_figures": [self.figure(f) for f in rec.key_figures],
            "published": french_date(rec.published),
            "updated": french_date(rec.updated),
            "published_iso": rec.published.isoformat(),
            "updated_iso": rec.updated.isoformat() if rec.updated else "",
            "sources": [self._source(s) for s in rec.sources],
            "related": [self.card(e, url) for e in entry.related],
            "relations": self._relations(entry, url),
            "facts": self._facts(entry, url),
            "filters": self.filters(entry),
            "next_session": self.next_session(entry),
            "edit_url": f"{self.edit_base}/{entry.path}" if self.edit_base else "",
            "source_path": entry.path,
        })
        if entry.type == "community":
            page["members"] = [self.figure(f) for f in rec.members]
            page["activities"] = [{"title": a.title, "frequency": a.frequency or "",
                                   "format": r.FORMATS.get(a.format, ""), "duration": a.duration or "",
                                   "description": render_markdown(a.description)} for a in rec.activities]
            page["join"] = render_markdown(rec.join)
        elif entry.type == "training":
            upcoming, passed = split_sessions(rec.sessions, self.today)
            page["sessions"] = [session_row(s) for s in upcoming]
            page["past_sessions"] = [session_row(s) for s in passed]
            page["calendar_url"] = CALENDAR_FILE if rec.sessions else ""
        elif entry.type == "intervention":
            page["participants"] = [self.figure(f) for f in rec.participants]
            page["objectives"] = [render_markdown(o) for o in rec.objectives]
            page["methods"] = [render_markdown(m) for m in rec.methods]
            page["outcomes"] = [render_markdown(o) for o in rec.outcomes]
        return page

    def _source(self, source_id: str) -> dict:
        s = self.catalogue.sources[source_id]
        return {"title": s.title, "publisher": s.publisher, "date": french_date(s.date),
                "updated": french_date(s.updated), "url": s.url or "", "note": s.note or ""}

    def _facts(self, entry: Entry, url: str) -> list[dict]:
        """The key facts at the top of a record page: label and (escaped or safe) value."""
        rec = entry.record
        facts: list[tuple[str, object]] = []

        def links(items):
            return Markup(", ").join(Markup('<a href="{}">{}</a>').format(i["url"], i["title"]) for i in items)

        def external(href, text=None):
            return Markup('<a href="{}">{}</a>').format(href, text or href)

        if entry.type == "community":
            if rec.members:
                facts.append(("Membres", Markup("<br>").join(
                    Markup("{}{}").format(f["text"], Markup(" <small>({})</small>").format(f["context"])
                                          if f["context"] else "") for f in map(self.figure, rec.members))))
            facts.append(("Animée par", ", ".join(x for x in (rec.animator, self.organisation(rec.organisation)) if x)))
            facts.append(("Périmètre", r.SCOPES.get(rec.scope, "")))
            facts.append(("Lieu", rec.location or ""))
            facts.append(("Création", str(rec.founded) if rec.founded else ""))
            facts.append(("Public", ", ".join(r.AUDIENCES[a] for a in rec.audience)))
            if rec.contact and rec.contact.email:
                facts.append(("Contact", external("mailto:" + rec.contact.email, rec.contact.email)))
            if rec.contact and rec.contact.url:
                facts.append(("Page de contact", external(rec.contact.url)))
            if rec.url:
                facts.append(("Site web", external(rec.url)))
        elif entry.type == "training":
            facts += [("Format", r.FORMATS.get(rec.format, "")), ("Durée", rec.duration or ""),
                      ("Type", r.LEVELS.get(rec.level, "")),
                      ("Public", ", ".join(r.AUDIENCES[a] for a in rec.audience)),
                      ("Organisme", self.organisation(rec.organisation)),
                      ("Communautés", links(self.link(e, url) for e in entry.links.get("communities", []))),
                      ("Coût", rec.cost or "")]
            if rec.url:
                facts.append(("Inscription", external(rec.url)))
        elif entry.type == "tool":
            facts += [("Nature", r.TOOL_KINDS[rec.kind]),
                      ("Fait partie de", links(self.link(e, url) for e in entry.links.get("collection", []))),
                      ("Éditeur", self.organisation(rec.publisher)),
                      ("Format", r.FORMATS.get(rec.format, "")),
                      ("Public", ", ".join(r.AUDIENCES[a] for a in rec.audience))]
            if rec.url:
                facts.append(("Accéder à l'outil", external(rec.url)))
        elif entry.type == "intervention":
            facts += [("Demandée par", ", ".join(self.organisation(o) for o in rec.requested_by)),
                      ("Quand", self.when(rec)),
                      ("Animée par", links(self.link(e, url) for e in entry.links.get("facilitated_by", []))
                       or ", ".join(self.organisation(o) for o in rec.organisations)),
                      ("Format", r.INTERVENTION_FORMATS.get(rec.format, "")),
                      ("Participants", "; ".join(self.figure(f)["text"] for f in rec.participants)),
                      ("Lieu", rec.location or "")]
            if rec.facilitated_by and rec.organisations:
                facts.append(("Avec", ", ".join(self.organisation(o) for o in rec.organisations)))
            if rec.url:
                facts.append(("En savoir plus", external(rec.url)))
        return [{"label": label, "value": value} for label, value in facts if value]

    # A relation's heading depends on the page's record type (an intervention's « tools » are the
    # tools it used, a community's those it publishes): a record's own field is titled as in
    # records.py, a relation pointing to the record here.
    _RELATION_TITLES = {
        **{(type_name, name): r.RECORD_TYPES[type_name].model.model_fields[field_name].title
           for (type_name, field_name), (name, _) in FORWARD.items()},
        ("tool", "parts"): "Contenu de cette collection",
        ("community", "trainings"): "Formations liées",
        ("community", "tools"): "Outils publiés ou diffusés",
        ("community", "interventions"): "Interventions animées",
        ("tool", "used_in"): "Utilisé lors de",
    }
    _RELATION_ORDER = ["parts", "collection", "facilitated_by", "communities", "trainings", "tools",
                       "interventions", "used_in"]  # as pages show them

    def _relations(self, entry: Entry, url: str) -> list[dict]:
        order = self._RELATION_ORDER
        return [{"name": name, "title": self._RELATION_TITLES[entry.type, name],
                 "items": [self.card(e, url) for e in items]}
                for name, items in sorted(entry.links.items(), key=lambda i: order.index(i[0])) if items]

    # --- listings and home ----------------------------------------------------------------

    def listing_page(self, type_name: str) -> dict:
        info = r.RECORD_TYPES[type_name]
        url = f"{info.section}/"
        entries = self.catalogue.of_type(type_name)
        return {"title": info.plural, "type": type_name, "count": len(entries),
                "count_text": _plural(len(entries), info.label.lower(), info.plural.lower()),
                "cards": [self.card(e, url) for e in entries]}

    def theme_page(self, theme_id: str) -> dict:
        theme = self.catalogue.themes[theme_id]
        url = f"thematiques/{theme_id}/"
        entries = self.catalogue.by_theme.get(theme_id, [])
        groups = []
        for info in r.RECORD_TYPES.values():
            cards = [self.card(e, url) for e in entries if e.type == info.name]
            if cards:
                groups.append({"title": info.plural, "type": info.name, "cards": cards})
        return {"id": theme_id, "title": theme.title, "description": render_markdown(theme.description),
                "count_text": _plural(len(entries), "ressource", "ressources"), "groups": groups}

    def themes_index(self) -> dict:
        url = "thematiques/"
        return {"themes": [{"title": t.title, "url": relative_url(url, f"thematiques/{t.id}/"),
                            "count": len(self.catalogue.by_theme.get(t.id, [])),
                            "description": render_markdown(t.description)}
                           for t in sorted(self.catalogue.themes.values(), key=lambda t: t.title.casefold())]}

    def home_page(self, intro_html: str = "") -> dict:
        counts = [{"label": info.plural if count > 1 else info.label, "count": count, "url": f"{info.section}/"}
                  for info, count in ((i, len(self.catalogue.of_type(i.name))) for i in r.RECORD_TYPES.values())]
        return {"counts": counts,
                "themes": [{"title": t.title, "url": f"thematiques/{t.id}/",
                            "count": len(self.catalogue.by_theme.get(t.id, []))}
                           for t in sorted(self.catalogue.themes.values(), key=lambda t: t.title.casefold())
                           if self.catalogue.by_theme.get(t.id)],
                "latest": [dict(self.link(e, ""), date=french_date(e.last_change))
                           for e in self.catalogue.latest(8)]}


__all__ = ["Presenter", "french_date", "render_markdown", "relative_url", "safe_data", "safe_text"]
