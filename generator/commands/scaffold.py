"""`campus new`: a new record file with its required fields, derived from the model."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from pydantic.fields import FieldInfo

from ..catalogue import fmt
from ..catalogue import records as r
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


def scaffold_text(type_name: str, title: str, today: dt.date) -> str:
    """The YAML of a new record: its required fields to fill in, in the web editor's format (campus
    fmt), with no comment it would drop. Each field's help is in the schema (the editor's hover and
    completion), the /admin/ editor and the page « Champs des fiches »."""
    record_type = r.RECORD_TYPES[type_name]
    data = {name: _placeholder(name, info, title, today)
            for name, info in record_type.model.model_fields.items() if info.is_required() or name == "updated"}
    return fmt.emit(type_name, data)


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
