"""JSON Schemas for editors, generated from the record models (never written by hand).

Editors read a field's help where their language server looks for it: on the property itself.
Pydantic leaves a type's description where the type is (inside `anyOf`, `items` or a `$ref`'d
model), so each property gets the description of what it holds, and the labels of its choices
(`enumDescriptions` on the values, and a `markdownDescription` listing them, which
yaml-language-server shows in completion and hover).
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, TypeAdapter

from ..catalogue import records as r

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


# No `$id` here: a relative one would be taken as the base of references by some validators
# (check-jsonschema), and without one every tool uses the file's own address, wherever the
# repository is. The copies the site publishes get their absolute address (exports.py).


def choice_labels(values: list) -> dict[str, str]:
    """The French labels of a controlled vocabulary, found by its values (records.VOCABULARIES)."""
    for labels in r.VOCABULARIES:
        if list(labels) == values:
            return labels
    raise ValueError(f"choix sans libellés dans records.VOCABULARIES : {values}")


def _choices_text(values: list) -> str:
    labels = choice_labels(values)
    return "Valeurs possibles : " + ", ".join(f"`{v}` ({labels[v]})" if labels[v] else f"`{v}`"
                                              for v in values) + "."


def _held(prop: dict, defs: dict) -> list[dict]:
    """The schemas a property's value goes through: its `anyOf` branches, items, referenced models."""
    found, pending = [], [prop]
    while pending:
        node = pending.pop(0)
        found.append(node)
        pending += [b for b in node.get("anyOf", []) if b.get("type") != "null"]
        if isinstance(node.get("items"), dict):
            pending.append(node["items"])
        if "$ref" in node:
            pending.append(defs[node["$ref"].rsplit("/", 1)[-1]])
    return found


def _with_help(schema: dict) -> dict:
    """Descriptions and choice labels lifted onto every property, labels beside every `enum`."""
    defs = schema.get("$defs", {})
    for model_schema in (schema, *defs.values()):
        for prop in model_schema.get("properties", {}).values():
            held = _held(prop, defs)
            description = next((s["description"] for s in held if s.get("description")), None)
            if description:
                prop["description"] = description
            values = next((s["enum"] for s in held if "enum" in s), None)
            if values:
                choices = _choices_text(values)
                prop["markdownDescription"] = f"{description}\n\n{choices}" if description else choices
    pending = [schema]
    while pending:  # the values themselves, for value completion and hover (an optional field's
        node = pending.pop()  # hover shows its `anyOf` branches' help)
        if isinstance(node, dict):
            if isinstance(node.get("enum"), list):
                node["enumDescriptions"] = [choice_labels(node["enum"])[v] or v for v in node["enum"]]
                node["markdownDescription"] = _choices_text(node["enum"])
            pending += list(node.values())
        elif isinstance(node, list):
            pending += node
    return schema


def record_schema(model: type[BaseModel], name: str) -> dict:
    schema = model.model_json_schema(mode="validation")
    return _with_help({"$schema": SCHEMA_DIALECT, **schema})


def list_schema(model: type[BaseModel], name: str, label: str) -> dict:
    schema = TypeAdapter(list[model]).json_schema(mode="validation")
    return _with_help({"$schema": SCHEMA_DIALECT, "title": f"Liste des {label}s", **schema})


@lru_cache(maxsize=1)
def all_schemas() -> dict[str, dict]:
    """File name -> schema, for every record type and reference list."""
    schemas = {f"{t.name}.schema.json": record_schema(t.model, t.name) for t in r.RECORD_TYPES.values()}
    for name, (model, label) in r.REFERENCE_LISTS.items():
        schemas[f"{name}.schema.json"] = list_schema(model, name, label)
    return schemas


def schema_text(schema: dict) -> str:
    return json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def write_schemas(out_dir: Path) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, schema in sorted(all_schemas().items()):
        path = out_dir / name
        path.write_text(schema_text(schema), encoding="utf-8")
        written.append(path)
    return written


def stale_schemas(out_dir: Path) -> list[str]:
    """Names of schema files that are missing or differ from the models."""
    return [name for name, schema in sorted(all_schemas().items())
            if not (out_dir / name).is_file()
            or (out_dir / name).read_text(encoding="utf-8") != schema_text(schema)]
