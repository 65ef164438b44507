"""News: the Atom feed and the "Nouveautés" page, from the records' own `published`/`updated` dates.

Nothing comes from the clock or from Git: the feed's <updated> is the newest record date, so
the same catalogue always gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

from .exports import LICENCE, absolute_url
from ..catalogue.model import Catalogue, Entry
from .present import french_date, relative_url, safe_text

ATOM_NS = "http://www.w3.org/2005/Atom"
FEED_PATH = "feed.xml"
NEWS_URL = "nouveautes/"
NEWS_LIMIT = 50  # entries in the feed and on the page: the most recent changes
FEED_TITLE = "Nouveautés du campus"


def latest(catalogue: Catalogue) -> list[Entry]:
    return catalogue.latest(NEWS_LIMIT)


def _timestamp(day: dt.date) -> str:
    return f"{day.isoformat()}T00:00:00Z"


def _change(entry: Entry) -> str:
    return "Fiche mise à jour" if entry.record.updated and entry.record.updated != entry.record.published \
        else "Nouvelle fiche"


def entry_id(entry: Entry, site_url: str | None) -> str:
    """Permanent id: the record page's absolute URL (a URN when the site's address is unknown)."""
    return absolute_url(site_url, entry.url) if site_url else f"urn:campus:{entry.type}:{entry.id}"


def atom_feed(catalogue: Catalogue, site_url: str | None, site_name: str) -> bytes:
    """The Atom 1.0 (RFC 4287) feed of the most recently added or updated records."""
    ET.register_namespace("", ATOM_NS)

    def sub(parent, tag, text=None, **attrs):
        # XML 1.0 cannot hold control characters or noncharacters, even escaped: never write one.
        element = ET.SubElement(parent, f"{{{ATOM_NS}}}{tag}", {k: safe_text(v) for k, v in attrs.items()})
        if text is not None:
            element.text = safe_text(text)
        return element

    entries = latest(catalogue)
    feed = ET.Element(f"{{{ATOM_NS}}}feed", {"{http://www.w3.org/XML/1998/namespace}lang": "fr"})
    sub(feed, "id", absolute_url(site_url, FEED_PATH) if site_url else "urn:campus:nouveautes")
    sub(feed, "title", f"{FEED_TITLE} — {site_name}")
    sub(feed, "subtitle", "Les ressources ajoutées ou mises à jour dans le catalogue.")
    newest = max((e.last_change for e in entries), default=dt.date(1970, 1, 1))
    sub(feed, "updated", _timestamp(newest))
    sub(feed, "link", rel="self", type="application/atom+xml", href=absolute_url(site_url, FEED_PATH))
    sub(feed, "link", rel="alternate", type="text/html", href=absolute_url(site_url, NEWS_URL))
    author = sub(feed, "author")
    sub(author, "name", site_name)
    sub(feed, "rights", LICENCE["title"])
    for entry in entries:
        item = sub(feed, "entry")
        sub(item, "id", entry_id(entry, site_url))
        sub(item, "title", entry.title)
        sub(item, "link", rel="alternate", type="text/html", href=absolute_url(site_url, entry.url))
        sub(item, "published", _timestamp(entry.record.published))
        sub(item, "updated", _timestamp(entry.last_change))
        sub(item, "summary", f"{_change(entry)} ({entry.type_info.label.lower()}) : {entry.record.summary}")
        sub(item, "category", term=entry.type, label=entry.type_info.label)
        for theme_id in entry.record.themes:
            sub(item, "category", term=theme_id, label=catalogue.themes[theme_id].title,
                scheme=absolute_url(site_url, "thematiques/"))
    ET.indent(feed)
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True) + b"\n"


def news_page(catalogue: Catalogue) -> dict:
    """Template data of the "Nouveautés" page (at NEWS_URL)."""
    return {"feed_path": FEED_PATH, "limit": NEWS_LIMIT,
            "items": [{"title": e.title, "url": relative_url(NEWS_URL, e.url), "type_label": e.type_info.label,
                       "summary": e.record.summary, "change": _change(e),
                       "date": french_date(e.last_change), "date_iso": e.last_change.isoformat()}
                      for e in latest(catalogue)]}
