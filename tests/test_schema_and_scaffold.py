"""JSON Schemas agree with the models; `campus new` scaffolds records editors can complete."""

from __future__ import annotations

import datetime as dt
import functools
import shutil
from pathlib import Path

import jsonschema
import pytest

from mkdocs_campus.catalogue import records as r
from mkdocs_campus.commands.cli import main
from mkdocs_campus.catalogue.load import load_file
from mkdocs_campus.outputs.schema import all_schemas, stale_schemas

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def to_json(value):
    """YAML data as JSON would carry it (dates become ISO strings)."""
    if isinstance(value, dict):
        return {k: to_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [to_json(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


@functools.cache
def validator(type_name: str) -> jsonschema.Draft202012Validator:
    schema = all_schemas()[f"{type_name}.schema.json"]
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


def schema_accepts(type_name: str, data) -> bool:
    return validator(type_name).is_valid(to_json(data))


def model_accepts(type_name: str, data) -> bool:
    try:
        r.RECORD_TYPES[type_name].model.model_validate(data)
    except Exception:
        return False
    return True


@functools.cache
def _documents() -> tuple:
    return tuple(_read_documents())


def record_documents():
    return _documents()


def _read_documents():
    for root in (ROOT / "catalogue", FIXTURES / "mini" / "catalogue"):
        for record_type in r.RECORD_TYPES.values():
            for path in sorted((root / record_type.folder).glob("*.yml")):
                doc, problems = load_file(path, str(path))
                assert not problems
                yield record_type.name, doc.data


def test_committed_schemas_match_the_models():
    assert stale_schemas(ROOT / "schemas") == []


def test_every_valid_record_is_valid_for_its_schema():
    documents = list(record_documents())
    assert len(documents) > 50
    for type_name, data in documents:
        assert model_accepts(type_name, data) and schema_accepts(type_name, data), data.get("title")


MUTATIONS = [
    ("unknown field", lambda d: {**d, "sumary": "x"}),
    ("missing title", lambda d: {k: v for k, v in d.items() if k != "title"}),
    ("title not text", lambda d: {**d, "title": ["a"]}),
    ("impossible date", lambda d: {**d, "published": "2024-04-31"}),
    ("date with words", lambda d: {**d, "published": "31 avril"}),
    ("javascript url", lambda d: {**d, "url": "javascript:alert(1)"}),
    ("negative figure", lambda d: {**d, "key_figures": [{"value": -1}]}),
    ("bad theme id", lambda d: {**d, "themes": ["Facilitation Publique"]}),
    ("empty sources", lambda d: {**d, "sources": []}),
    ("unknown figure qualifier", lambda d: {**d, "key_figures": [{"value": 3, "qualifier": "many"}]}),
    ("quoted ISO date is fine", lambda d: {**d, "published": "2024-10-31"}),
    ("count as text", lambda d: {**d, "key_figures": [{"value": "3"}]}),
]


@pytest.mark.parametrize("name,mutate", MUTATIONS, ids=[m[0] for m in MUTATIONS])
def test_model_and_schema_agree_on_changed_records(name, mutate):
    for type_name, data in record_documents():
        changed = mutate(dict(data))
        assert model_accepts(type_name, changed) == schema_accepts(type_name, changed), (name, type_name)


def test_schemas_speak_french_to_editors():
    schema = all_schemas()["community.schema.json"]
    assert schema["title"] == "Communauté"
    assert schema["properties"]["members"]["title"] == "Nombre de membres"
    assert set(schema["required"]) == {"title", "summary", "published", "sources", "organisation"}


def test_new_scaffolds_a_record_with_required_fields(tmp_path, capsys, monkeypatch):
    catalogue = tmp_path / "catalogue"
    shutil.copytree(FIXTURES / "mini" / "catalogue", catalogue)
    monkeypatch.chdir(tmp_path)
    assert main(["new", "training", "Découvrir l'Évaluation d'impact"]) == 0
    path = catalogue / "trainings" / "decouvrir-l-evaluation-d-impact.yml"
    text = path.read_text(encoding="utf-8")
    assert text.splitlines()[0] == "# yaml-language-server: $schema=../../schemas/training.schema.json"
    doc, problems = load_file(path, "x")
    today = dt.date.today()
    assert doc.data == {"title": "Découvrir l'Évaluation d'impact", "summary": "", "published": today,
                        "updated": today, "sources": []}
    capsys.readouterr()
    # Unfilled, the scaffold is refused with what to fill in.
    assert main(["check", "catalogue"]) == 1
    out = capsys.readouterr().out
    assert "catalogue/trainings/decouvrir-l-evaluation-d-impact.yml:3:10: « summary » est vide" in out
    # Filled, it passes.
    path.write_text(text.replace('summary: ""', "summary: Une initiation.").replace(
        "sources: []", "sources: [article-campus]"), encoding="utf-8")
    assert main(["check", "catalogue"]) == 0


def test_new_never_overwrites(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["new", "tool", "Guide des communautés"]) == 0
    path = tmp_path / "catalogue" / "tools" / "guide-des-communautes.yml"
    path.write_text("title: modifié\n", encoding="utf-8")
    assert main(["new", "tool", "Guide des communautés"]) == 1
    assert "existe déjà" in capsys.readouterr().err
    assert path.read_text(encoding="utf-8") == "title: modifié\n"
