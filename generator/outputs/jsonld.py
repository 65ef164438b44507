"""schema.org metadata of record pages, as JSON-LD that search engines read.

A community is an Organization, a training a Course, a tool a CreativeWork and an
intervention an Event. Each carries only properties schema.org defines for its type (a test
checks every page against the published vocabulary): an Organization has no `audience`, a
Course's mode belongs to its CourseInstances. The JSON text is escaped so it can sit in a
<script type="application/ld+json"> element: no "</script>" can close it early.
"""

from __future__ import annotations

import json

from ..catalogue import records as r
from .exports import absolute_url
from ..catalogue.model import Catalogue, Entry
from .present import UNSAFE_CHARACTERS

SCHEMA_TYPES = {"community": "Organization", "training": "Course", "tool": "CreativeWork",
                "intervention": "Event"}
_COURSE_MODES = {"online": "online", "in_person": "onsite", "blended": "blended"}


def _organisation(catalogue: Catalogue, org_id: str | None) -> dict | None:
    if not org_id:
        return None
    org = catalogue.organisations[org_id]
    data = {"@type": "GovernmentOrganization", "name": org.name}
    if org.acronym:
        data["alternateName"] = org.acronym
    if org.url:
        data["url"] = org.url
    return data


def _ref(entry: Entry, site_url: str | None) -> dict:
    url = absolute_url(site_url, entry.url)
    return {"@type": SCHEMA_TYPES[entry.type], "@id": url, "name": entry.title, "url": url}


def _audience(codes) -> list[dict]:
    return [{"@type": "Audience", "audienceType": r.AUDIENCES[a]} for a in codes]


def record_jsonld(entry: Entry, catalogue: Catalogue, site_url: str | None = None) -> dict:
    """The schema.org description of one record page."""
    rec, url = entry.record, absolute_url(site_url, entry.url)
    data: dict = {"@context": "https://schema.org", "@type": SCHEMA_TYPES[entry.type], "@id": url,
                  "name": entry.title, "description": rec.summary, "url": url,
                  "keywords": [catalogue.themes[t].title for t in rec.themes]}
    if entry.type != "community":  # Course, CreativeWork and Event are in French; an Organization has no language
        data["inLanguage"] = "fr"
    if entry.type in ("training", "tool"):  # CreativeWorks carry their publication dates
        data["datePublished"] = rec.published.isoformat()
        data["dateModified"] = (rec.updated or rec.published).isoformat()
    links = entry.links
    if entry.type == "community":
        parent = _organisation(catalogue, rec.organisation)
        if parent:
            data["parentOrganization"] = parent
        if rec.url:
            data["sameAs"] = rec.url
        if rec.founded:
            data["foundingDate"] = str(rec.founded)
        if rec.location:
            data["areaServed"] = rec.location
        if rec.contact and rec.contact.email:
            data["email"] = rec.contact.email
    elif entry.type == "training":
        provider = _organisation(catalogue, rec.organisation)
        if provider:
            data["provider"] = provider
        if rec.level:
            data["educationalLevel"] = r.LEVELS[rec.level]
        if rec.audience:
            data["audience"] = _audience(rec.audience)
        if rec.url:
            data["sameAs"] = rec.url
        instances = []
        for session in rec.sessions:
            instance = {"@type": "CourseInstance", "startDate": session.start.isoformat()}
            if session.end:
                instance["endDate"] = session.end.isoformat()
            if session.place:
                instance["location"] = {"@type": "Place", "name": session.place}
            if rec.format:
                instance["courseMode"] = _COURSE_MODES[rec.format]
            instances.append(instance)
        if not instances and rec.format:  # the mode is known though no session is dated
            instances.append({"@type": "CourseInstance", "courseMode": _COURSE_MODES[rec.format]})
        if instances:
            data["hasCourseInstance"] = instances
        if links.get("communities"):
            data["about"] = [_ref(e, site_url) for e in links["communities"]]
    elif entry.type == "tool":
        data["genre"] = r.TOOL_KINDS[rec.kind]
        publisher = _organisation(catalogue, rec.publisher)
        if publisher:
            data["publisher"] = publisher
        if rec.url:
            data["sameAs"] = rec.url
        if rec.audience:
            data["audience"] = _audience(rec.audience)
        if links.get("collection"):
            data["isPartOf"] = _ref(links["collection"][0], site_url)
        if links.get("parts"):
            data["hasPart"] = [_ref(e, site_url) for e in links["parts"]]
    elif entry.type == "intervention":
        if rec.date:
            data["startDate"] = rec.date.isoformat()
        if rec.end_date or rec.date:
            data["endDate"] = (rec.end_date or rec.date).isoformat()
        if rec.location:
            data["location"] = {"@type": "Place", "name": rec.location}
        organizers = [_ref(e, site_url) for e in links.get("facilitated_by", [])]
        organizers += [_organisation(catalogue, o) for o in rec.organisations]
        if organizers:
            data["organizer"] = organizers
        if rec.requested_by:
            data["sponsor"] = [_organisation(catalogue, o) for o in rec.requested_by]
        if rec.url:
            data["sameAs"] = rec.url
    return data


def script_text(data: dict) -> str:
    """JSON safe inside <script type="application/ld+json">: '<', '>' and '&', and any character a
    page cannot hold (controls, lone surrogates, noncharacters), as \\u escapes: the data stay exact."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    text = UNSAFE_CHARACTERS.sub(lambda m: json.dumps(m.group(0))[1:-1], text)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
