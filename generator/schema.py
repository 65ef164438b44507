"""JSON Schemas for editors, generated from the record models (never written by hand)."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, TypeAdapter

from . import records as r

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


# No `$id` here: a relative one would be taken as the base of references by some validators
# (check-jsonschema), and without one every tool uses the file's own address, wherever the
# repository is. The copies the site publishes get their absolute address (exports.py).


def record_schema(model: type[BaseModel], name: str) -> dict:
    schema = model.model_json_schema(mode="validation")
    return {"$schema": SCHEMA_DIALECT, **schema}


def list_schema(model: type[BaseModel], name: str, label: str) -> dict:
    schema = TypeAdapter(list[model]).json_schema(mode="validation")
    return {"$schema": SCHEMA_DIALECT, "title": f"Liste des {label}s", **schema}


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
