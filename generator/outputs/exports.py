"""Open data: the catalogue as one JSON file, one CSV per record type and the JSON Schemas.

Every column, key and description derives from the models of records.py and the relations of
model.py, so a field added to a model appears in the exports and on the "Données" page
without another edit. Output is deterministic: same catalogue, same bytes.
"""

from __future__ import annotations

import csv
import io
import json
import types
import typing
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin

from pydantic import BaseModel

from ..catalogue import records as r
from ..catalogue.errors import counted
from ..catalogue.mkdocs_config import config_chain
from ..catalogue.model import FORWARD, Catalogue, Entry
from .present import french_date
from .schema import SCHEMA_DIALECT, all_schemas
from ..catalogue.validate import REFERENCE_FIELDS

EXPORT_DIR = "donnees"  # where the site publishes the exports
JSON_NAME = "campus.json"
SCHEMA_DIR = "schemas"
CATALOGUE_SCHEMA = "campus.schema.json"
LIST_SEPARATOR = " | "
LICENCE = {"title": "Licence Ouverte / Open Licence version 2.0 (Etalab)",
           "url": "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"}
REFERENCE_ORDER = ("themes", "organisations", "sources")
FORMAT_VERSION = "1.0"  # of campus.json (major.minor): bump the major when a reader must refuse the file


def absolute_url(site_url: str | None, path: str) -> str:
    """A site path ('communautes/x/') as an absolute URL when the site's address is known."""
    return urljoin(site_url.rstrip("/") + "/", path) if site_url else path


def _type_order(type_name: str) -> int:
    return list(r.RECORD_TYPES).index(type_name)


def ordered_entries(catalogue: Catalogue) -> list[Entry]:
    """Exports list records by type (in RECORD_TYPES order), then by id: stable across title edits."""
    return sorted(catalogue.entries, key=lambda e: (_type_order(e.type), e.id))


# --- relations ----------------------------------------------------------------------------

def backlinks(type_name: str) -> list[tuple[str, str, str]]:
    """(relation name, source type, source field) of the relations that point *to* a type.

    Forward relations are record fields already; these are the ones the model adds on the
    other side (a community's trainings, a tool's parts…).
    """
    found = []
    for (source_type, field_name), (_here, there) in FORWARD.items():
        if REFERENCE_FIELDS.get(field_name) == type_name:
            found.append((there, source_type, field_name))
    return sorted(found)


def _relations(entry: Entry) -> dict[str, list[str]]:
    return {name: [e.id for e in items] for name, items in sorted(entry.links.items()) if items}


# --- JSON ---------------------------------------------------------------------------------

def catalogue_data(catalogue: Catalogue, site_url: str | None = None, networks: list[dict] = ()) -> dict:
    """The whole catalogue as plain JSON data.

    Each record keeps its YAML fields untouched under `fields` (valid against
    `<type>.schema.json`), with its id, type, page address (`page`) and every relation, both
    ways, under `relations` (ids).
    """
    records = [{"id": e.id, "type": e.type, "page": absolute_url(site_url, e.url),
                "fields": e.record.model_dump(mode="json"), "relations": _relations(e)}
               for e in ordered_entries(catalogue)]
    newest = max((e.last_change for e in catalogue.entries), default=None)
    data = {"version": FORMAT_VERSION, "licence": dict(LICENCE), "updated": newest.isoformat() if newest else None,
            "records": records}
    for name in REFERENCE_ORDER:
        items = getattr(catalogue, name)
        data[name] = [items[key].model_dump(mode="json") for key in sorted(items)]
    data["networks"] = [{"name": n["name"], "url": n["url"]} for n in networks]  # included, not re-exported
    return data


def catalogue_schema() -> dict:
    """JSON Schema of campus.json, referring to the per-type and reference-list schemas."""
    id_schema = {"type": "string", "pattern": r.ID_PATTERN}
    variants = []
    for info in r.RECORD_TYPES.values():
        variants.append({
            "type": "object", "title": info.label, "additionalProperties": False,
            "required": ["id", "type", "page", "fields", "relations"],
            "properties": {
                "id": id_schema, "type": {"const": info.name},
                "page": {"type": "string", "description": "Adresse de la page de la fiche."},
                "fields": {"$ref": f"{info.name}.schema.json"},
                "relations": {"type": "object", "propertyNames": {"enum": sorted(
                    {here for (t, _), (here, _there) in FORWARD.items() if t == info.name}
                    | {name for name, _, _ in backlinks(info.name)})},
                    "additionalProperties": {"type": "array", "items": id_schema}},
            }})
    properties = {
        "version": {"type": "string", "pattern": r"^[0-9]+\.[0-9]+$",
                    "description": "Version du format de ce fichier (majeure.mineure) ; un lecteur refuse une "
                                   "version majeure plus récente que la sienne."},
        "licence": {"type": "object", "required": ["title", "url"], "additionalProperties": False,
                    "properties": {"title": {"type": "string"}, "url": {"type": "string"}}},
        "updated": {"anyOf": [{"type": "string", "format": "date"}, {"type": "null"}],
                    "description": "Date de la fiche publiée ou mise à jour le plus récemment."},
        "records": {"type": "array", "items": {"oneOf": variants}},
    }
    for name in REFERENCE_ORDER:
        properties[name] = {"$ref": f"{name}.schema.json"}
    properties["networks"] = {
        "type": "array", "description": "Réseaux inclus dans le site ; leurs fiches ne sont pas dans ce fichier.",
        "items": {"type": "object", "required": ["name", "url"], "additionalProperties": False,
                  "properties": {"name": {"type": "string"}, "url": {"type": "string",
                                 "description": "Adresse de l'export (donnees/campus.json) du réseau."}}}}
    return {"$schema": SCHEMA_DIALECT, "title": "Catalogue Campus (export)",
            "type": "object", "additionalProperties": False, "required": list(properties),
            "properties": properties}


def schema_address(site_url: str | None, name: str) -> str:
    """Where the site publishes a schema: its `$id` (relative only when the address is unknown)."""
    return absolute_url(site_url, f"{EXPORT_DIR}/{SCHEMA_DIR}/{name}")


def published_schemas(site_url: str | None = None) -> dict[str, dict]:
    """File name -> JSON Schema, as published in donnees/schemas/.

    With the site's address known, each schema's `$id` is its absolute address, so references
    resolve against the site wherever a copy is read from. campus.schema.json also embeds the
    schemas it refers to (a compound document, JSON Schema 2020-12 section 9.3): it validates
    offline, from any folder or host, without fetching anything. Without an address, no `$id`:
    references resolve next to the file itself.
    """
    def identified(name: str, schema: dict) -> dict:
        return {"$id": schema_address(site_url, name), **schema} if site_url else dict(schema)

    schemas = {name: identified(name, schema) for name, schema in all_schemas().items()}
    catalogue = identified(CATALOGUE_SCHEMA, catalogue_schema())
    if site_url:
        catalogue["$defs"] = {name: schemas[name] for name in sorted(schemas)}
    schemas[CATALOGUE_SCHEMA] = catalogue
    return schemas


def json_text(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


# --- CSV ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Column:
    """One CSV column: its header, what it holds (French), and how a record fills it."""

    name: str
    title: str
    description: str
    path: tuple[str, ...]  # ("field",) or ("field", "subfield")
    many: bool  # a list, joined with LIST_SEPARATOR


def _unwrap(annotation):
    """Optional[X] -> X, Annotated[X, …] -> X."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            if len(args) != 1:
                return annotation
            annotation = args[0]
        else:
            return annotation


def _shape(annotation) -> tuple[bool, type | None]:
    """(is a list, nested model or None)."""
    annotation = _unwrap(annotation)
    many = typing.get_origin(annotation) is list
    if many:
        annotation = _unwrap(typing.get_args(annotation)[0])
    model = annotation if isinstance(annotation, type) and issubclass(annotation, BaseModel) else None
    return many, model


def csv_columns(type_name: str) -> list[Column]:
    """The columns of `<type>.csv`, derived from the record model and the relations."""
    info = r.RECORD_TYPES[type_name]
    columns = [Column("id", "Identifiant", "Identifiant de la fiche (nom de son fichier YAML).", (), False),
               Column("page", "Page", "Adresse de la page de la fiche sur le site.", (), False)]
    for name, field in info.model.model_fields.items():
        many, model = _shape(field.annotation)
        title = field.title or name
        if model is None:
            columns.append(Column(name, title, field.description or "", (name,), many))
            continue
        for sub_name, sub_field in model.model_fields.items():
            sub_many, sub_model = _shape(sub_field.annotation)
            if sub_many or sub_model is not None:
                raise TypeError(f"{type_name}.{name}.{sub_name}: nested lists have no CSV column")
            columns.append(Column(f"{name}.{sub_name}", f"{title} : {sub_field.title or sub_name}",
                                  sub_field.description or "", (name, sub_name), many))
    for relation, source_type, field_name in backlinks(type_name):
        source = r.RECORD_TYPES[source_type]
        field_title = source.model.model_fields[field_name].title
        columns.append(Column(relation, f"{source.plural} liées",
                              f"Identifiants des {source.plural.lower()} dont le champ « {field_title} » "
                              "cite cette fiche.", ("@relation", relation), True))
    return columns


def escape_item(value: str) -> str:
    """A list item in a CSV cell: '\\' and '|' are preceded by '\\' so the separator stays unambiguous."""
    return value.replace("\\", "\\\\").replace("|", "\\|")


def _scalar(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _cell(column: Column, entry: Entry, fields: dict, site_url: str | None) -> str:
    if column.name == "id":
        return entry.id
    if column.name == "page":
        return absolute_url(site_url, entry.url)
    if column.path[0] == "@relation":
        return LIST_SEPARATOR.join(escape_item(e.id) for e in entry.links.get(column.path[1], []))
    value = fields.get(column.path[0])
    if len(column.path) == 2:
        if column.many:
            return LIST_SEPARATOR.join(escape_item(_scalar(item.get(column.path[1]))) for item in value or [])
        value = (value or {}).get(column.path[1])
    if column.many:
        return LIST_SEPARATOR.join(escape_item(_scalar(item)) for item in value or [])
    return _scalar(value)


FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formula(cell: str) -> str:
    """A cell a spreadsheet would run as a formula (OWASP's rule: it begins with =, +, -, @, tab or
    carriage return) gets a leading apostrophe, so it is shown as text. campus.json stays exact."""
    return "'" + cell if cell.startswith(FORMULA_PREFIXES) else cell


def csv_text(catalogue: Catalogue, type_name: str, site_url: str | None = None) -> str:
    """`<type>.csv`: a header row of column names, then one row per record (RFC 4180, UTF-8)."""
    columns = csv_columns(type_name)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([c.name for c in columns])
    for entry in ordered_entries(catalogue):
        if entry.type == type_name:
            fields = entry.record.model_dump(mode="json")
            writer.writerow([neutralise_formula(_cell(c, entry, fields, site_url)) for c in columns])
    return out.getvalue()


# --- the "Données" page ------------------------------------------------------------------

def _allowed_values(type_name: str, column: Column) -> list[str]:
    """The codes a column may hold when its field is a closed vocabulary (a Literal)."""
    if not column.path or column.path[0] == "@relation":
        return []
    model = r.RECORD_TYPES[type_name].model
    field = model.model_fields[column.path[0]]
    annotation = field.annotation
    if len(column.path) == 2:
        annotation = _shape(annotation)[1].model_fields[column.path[1]].annotation
    annotation = _unwrap(annotation)
    if typing.get_origin(annotation) is list:
        annotation = _unwrap(typing.get_args(annotation)[0])
    return [str(v) for v in typing.get_args(annotation)] if typing.get_origin(annotation) is typing.Literal else []


def data_page(catalogue: Catalogue) -> dict:
    """Template data of the "Données" page: each file, its columns, the licence."""
    newest = max((e.last_change for e in catalogue.entries), default=None)
    tables = []
    for info in r.RECORD_TYPES.values():
        name = f"{info.name}.csv"
        tables.append({"name": name, "href": f"{EXPORT_DIR}/{name}", "title": info.plural,
                       "count": len(catalogue.of_type(info.name)),
                       "columns": [{"name": c.name, "title": c.title, "description": c.description,
                                    "many": c.many, "allowed": ", ".join(_allowed_values(info.name, c))}
                                   for c in csv_columns(info.name)]})
    schemas = sorted(all_schemas()) + [CATALOGUE_SCHEMA]
    return {"json": {"name": JSON_NAME, "href": f"{EXPORT_DIR}/{JSON_NAME}", "count": len(catalogue.entries),
                     "count_text": counted(len(catalogue.entries), "fiche")},
            "tables": tables,
            "schemas": [{"name": n, "href": f"{EXPORT_DIR}/{SCHEMA_DIR}/{n}"} for n in schemas],
            "separator": LIST_SEPARATOR, "formula_prefixes": ", ".join(
                {"\t": "tabulation", "\r": "retour chariot"}.get(p, p) for p in FORMULA_PREFIXES),
            "licence": dict(LICENCE),
            "updated": french_date(newest) if newest else "",
            "reference_lists": list(REFERENCE_ORDER)}


# --- all files ----------------------------------------------------------------------------

def export_files(catalogue: Catalogue, site_url: str | None = None, networks: list[dict] = ()) -> dict[str, str]:
    """Relative path -> text of every export file, in a stable order (`networks`: those included)."""
    files = {JSON_NAME: json_text(catalogue_data(catalogue, site_url, networks))}
    for info in r.RECORD_TYPES.values():
        files[f"{info.name}.csv"] = csv_text(catalogue, info.name, site_url)
    schemas = published_schemas(site_url)
    for name in sorted(schemas):
        files[f"{SCHEMA_DIR}/{name}"] = json.dumps(schemas[name], ensure_ascii=False, indent=2,
                                                   sort_keys=True) + "\n"
    return files


def export_names() -> list[str]:
    """The relative paths `export_files` gives, in its order, without computing the files."""
    return [JSON_NAME, *(f"{info.name}.csv" for info in r.RECORD_TYPES.values()),
            *(f"{SCHEMA_DIR}/{name}" for name in sorted([*all_schemas(), CATALOGUE_SCHEMA]))]


def write_exports(catalogue: Catalogue, out_dir: Path, site_url: str | None = None,
                  networks: list[dict] = ()) -> list[Path]:
    """Write every export file under `out_dir`; returns the paths written."""
    written = []
    for name, text in export_files(catalogue, site_url, networks).items():
        path = out_dir / name
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        written.append(path)
    return written


def site_url_from_config(config_path: Path) -> str | None:
    """`site_url` of an mkdocs.yml (following `INHERIT`), so `campus export` matches the site
    (None: exports then use site paths)."""
    for _path, data in config_chain(config_path):
        if data.get("site_url"):
            return str(data["site_url"])
    return None
