"""The fields of each record type, described for editors from the models' JSON Schemas.

The 'Champs des fiches' page and the README's pointer to it come from here, so the field
list lives only in records.py.
"""

from __future__ import annotations

from ..catalogue import records as r
from .schema import all_schemas, choice_labels


def _describe(prop: dict, defs: dict, name: str) -> str:
    """A French description of what a JSON Schema property accepts."""
    if "anyOf" in prop:
        options = [p for p in prop["anyOf"] if p.get("type") != "null"]
        return _describe({**options[0], **{k: v for k, v in prop.items() if k != "anyOf"}}, defs, name)
    if "$ref" in prop:
        return f"ensemble de champs « {defs[prop['$ref'].split('/')[-1]]['title']} »"
    if prop.get("type") == "array":
        return "liste ; chaque élément : " + _describe(prop["items"], defs, name)
    if "enum" in prop:
        labels = choice_labels(prop["enum"])
        return "une valeur parmi : " + ", ".join(
            f"{v} ({labels[v]})" if labels.get(v) else str(v) for v in prop["enum"])
    if prop.get("format") == "date":
        return "date AAAA-MM-JJ"
    if prop.get("pattern") == r.ID_PATTERN:
        return "identifiant"
    if prop.get("pattern") == r.URL_PATTERN:
        return "adresse web http(s)"
    if prop.get("pattern") == r.EMAIL_PATTERN:
        return "adresse e-mail"
    if prop.get("type") == "integer":
        low = prop.get("minimum")
        return "nombre entier" + (" positif ou nul" if low == 0 else "")
    if prop.get("type") == "string":
        return "texte Markdown" if "Markdown" in prop.get("description", "") else "texte"
    return prop.get("type", "valeur")


def _rows(schema: dict, defs: dict) -> list[dict]:
    required = set(schema.get("required", []))
    rows = []
    for name, prop in schema["properties"].items():
        description = prop.get("description") or next(
            (p.get("description") for p in prop.get("anyOf", []) if p.get("description")), "")
        rows.append({"name": name, "title": prop.get("title", name), "required": name in required,
                     "accepts": _describe(prop, defs, name), "description": description})
    return rows


def field_tables() -> list[dict]:
    """One table per record type and per nested group of fields, in model order."""
    schemas = all_schemas()
    tables, nested = [], {}
    for record_type in r.RECORD_TYPES.values():
        schema = schemas[f"{record_type.name}.schema.json"]
        defs = schema.get("$defs", {})
        tables.append({"title": record_type.label, "folder": f"catalogue/{record_type.folder}/",
                       "description": schema.get("description", ""), "rows": _rows(schema, defs)})
        for def_schema in defs.values():
            nested.setdefault(def_schema["title"], (def_schema, defs))
    groups = [{"title": title, "folder": "", "description": s.get("description", ""), "rows": _rows(s, d)}
              for title, (s, d) in sorted(nested.items())]
    lists = []
    for name, (model, label) in r.REFERENCE_LISTS.items():
        schema = model.model_json_schema()
        lists.append({"title": f"Liste des {label}s", "folder": f"catalogue/{name}.yml",
                      "description": schema.get("description", ""), "rows": _rows(schema, schema.get("$defs", {}))})
    return tables + groups + lists
