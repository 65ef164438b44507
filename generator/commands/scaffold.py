"""`campus new`: a new record file with its required fields, derived from the model."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import yaml
from pydantic.fields import FieldInfo

from ..catalogue import records as r
from ..outputs.schema import all_schemas
from ..catalogue.validate import slugify


def _placeholder(name: str, info: FieldInfo, title: str, today: dt.date):
    if name == "title":
        return title
    if name in ("published", "updated"):
        return today
    origin = getattr(info.annotation, "__origin__", None)
    if origin is list:
        return []
    return ""


def _comment(info: FieldInfo, schema_property: dict) -> str:
    """Title and description, as the editor shows them (the schema's, lifted from the field's type)."""
    text = info.title or ""
    description = schema_property.get("description") or info.description
    if description:
        text += f" — {description}"
    return text


def scaffold_text(type_name: str, title: str, today: dt.date) -> str:
    """The YAML of a new record: required fields to fill in, optional ones as comments."""
    record_type = r.RECORD_TYPES[type_name]
    properties = all_schemas()[f"{type_name}.schema.json"]["properties"]
    lines = [f"# yaml-language-server: $schema=../../schemas/{type_name}.schema.json",
             f"# {record_type.label} — remplissez les champs puis lancez « campus check »."]
    for name, info in record_type.model.model_fields.items():
        if info.is_required() or name == "updated":
            value = _placeholder(name, info, title, today)
            dumped = f"{name}: []" if value == [] else yaml.safe_dump(
                {name: value}, allow_unicode=True, default_flow_style=False, width=1000).strip()
            lines.append(f"{dumped}  # {_comment(info, properties[name])}")
    lines.append("# Champs facultatifs :")
    for name, info in record_type.model.model_fields.items():
        if not info.is_required() and name != "updated":
            lines.append(f"# {name}:  # {_comment(info, properties[name])}")
    return "\n".join(lines) + "\n"


def new_record(catalogue: Path, type_name: str, title: str, today: dt.date) -> Path:
    """Write the scaffold and return its path; refuse to overwrite (FileExistsError)."""
    record_id = slugify(title)
    if not record_id:
        raise ValueError("le titre doit contenir au moins une lettre ou un chiffre")
    path = catalogue / r.RECORD_TYPES[type_name].folder / f"{record_id}.yml"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("x", encoding="utf-8") as handle:
        handle.write(scaffold_text(type_name, title, today))
    return path
