"""The web editor at /admin/ (Decap CMS), its configuration derived from the record models.

Like the JSON Schemas, the scaffold and the fields page, nothing here is written by hand per
field: `editor_config()` walks each model's JSON Schema (schema.all_schemas) and gives every
field its widget, French label (the field's title), hint (its description), required flag,
pattern or length with a French message, choices with their French labels (records.VOCABULARIES)
and, for every identifier pointing at another record, a `relation` widget that offers the
existing entries by title (REFERENCES says where each one points; a new identifier field with no
entry there stops the build).

Every save opens a pull (merge) request (`publish_mode: editorial_workflow`), on GitHub or GitLab
as mkdocs.yml's `repo_url` (or CAMPUS_REPO_URL) says. The build writes admin/index.html and
admin/config.yml (admin_files) and copies Decap's bundle from node_modules/decap-cms/dist and
js-yaml's ES module, so that the page loads nothing from another host; the theme's admin/ folder
gives campus-editor.js (starts Decap) and campus-format.js (the catalogue's YAML format, the
emitter of generator/catalogue/fmt.py: `campus-<type>` for records, `campus-list` for the reference lists,
which a Decap file entry sees as `{themes: [...]}` since a top-level list cannot be one).
"""

from __future__ import annotations

import functools
import json
import logging
import os
import re
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from ..catalogue import records as r
from .schema import all_schemas, choice_labels
from .resources import REPOSITORY_NODE_MODULES

DECAP_VERSION = "3.16.3"
ADMIN = "admin"
LOCAL_BACKEND_ENV = "CAMPUS_EDITOR_LOCAL_BACKEND"
LOCAL_BACKEND = "http://127.0.0.1:8081/api/v1"
AUTH_URL_ENV = "CAMPUS_EDITOR_AUTH_URL"  # GitHub: the OAuth client a maintainer deploys once
GITLAB_APP_ENV = "CAMPUS_EDITOR_GITLAB_APP_ID"  # GitLab: the application id (PKCE, no secret)
REPO_ENV = "CAMPUS_REPO_URL"
REFERENCE_COLLECTION = "references"

# field name -> (collection, file or None, value field, display field) of what it points at.
_ORGANISATION = (REFERENCE_COLLECTION, "organisations", "organisations.*.id", "organisations.*.name")
_SOURCE = (REFERENCE_COLLECTION, "sources", "sources.*.id", "sources.*.title")
_THEME = (REFERENCE_COLLECTION, "themes", "themes.*.id", "themes.*.title")
_COMMUNITY = ("communities", None, "{{slug}}", "title")
_TOOL = ("tools", None, "{{slug}}", "title")
REFERENCES = {
    "themes": _THEME, "sources": _SOURCE, "source": _SOURCE,
    "organisation": _ORGANISATION, "organisations": _ORGANISATION, "requested_by": _ORGANISATION,
    "publisher": _ORGANISATION, "parent": _ORGANISATION,
    "communities": _COMMUNITY, "facilitated_by": _COMMUNITY,
    "collection": _TOOL, "tools": _TOOL,
}
_ONE_LINE = "^[^\\n\\u200b\\u200c\\u200d\\u2060\\ufeff]{1,%d}$"
_PATTERN_MESSAGES = {
    r.ID_PATTERN: "Identifiant invalide : lettres minuscules sans accent, chiffres et tirets.",
    r.URL_PATTERN: "Adresse web invalide : elle commence par http:// ou https://.",
    r.EMAIL_PATTERN: "Adresse e-mail invalide : une boîte fonctionnelle, par exemple contact@exemple.gouv.fr.",
}


RELATION_HINT = "Tapez quelques lettres du nom, puis choisissez dans la liste."
DATE_WIDGET = "campus-date"
DATE_PATTERN = "^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"
DATE_MESSAGE = "Date au format AAAA-MM-JJ, par exemple 2026-03-31."
# Decap's commit_messages: French, with the record's identifier (its templates offer {{slug}},
# {{collection}}, {{path}} and the author, not the title; the identifier is the title's slug).
COMMIT_MESSAGES = {
    "create": "Nouvelle fiche {{collection}} : {{slug}}",
    "update": "Modification de la fiche {{collection}} : {{slug}}",
    "delete": "Suppression de la fiche {{collection}} : {{slug}}",
    "uploadMedia": "Ajout du fichier {{path}}",
    "deleteMedia": "Suppression du fichier {{path}}",
    "openAuthoring": "{{message}} (proposé par {{author-login}})",
}
# A list of sub-records' item, as the list counts them (« 1 session », « Ajouter session »).
LIST_ITEM_LABELS = {"Figure": "chiffre", "Activity": "activité", "Session": "session"}
NO_MEDIA = "campus-sans-media"  # registered by campus-editor.js: no « Médias » tab (no field takes media)
IDS_FILE = "identifiants.json"  # id -> [collection, title] of every record, read by campus-ids.js


def _points_at_records(name: str, value: dict, defs: dict) -> bool:
    if value.get("type") == "array":
        value, _ = _resolved(value["items"], defs)
    return value.get("pattern") == r.ID_PATTERN and name != "id"


class EditorError(ValueError):
    """The editor cannot be configured or copied; the message says why, in French."""


def _resolved(prop: dict, defs: dict) -> tuple[dict, bool]:
    """The schema of a property's value without its `null` branch, and whether null was allowed."""
    nullable = False
    if "anyOf" in prop:
        branches = [b for b in prop["anyOf"] if b.get("type") != "null"]
        nullable = len(branches) < len(prop["anyOf"])
        prop = {**branches[0], **{k: v for k, v in prop.items() if k not in ("anyOf", "default")}}
    if "$ref" in prop:
        prop = {**defs[prop["$ref"].rsplit("/", 1)[-1]], **{k: v for k, v in prop.items() if k != "$ref"}}
    return prop, nullable


def _relation(name: str, where: str) -> dict:
    if name not in REFERENCES:
        raise EditorError(f"{where} : identifiant sans liste de référence dans editor.REFERENCES")
    collection, file, value, display = REFERENCES[name]
    # theme/admin/campus-select.js offers every entry, sorted and searched typography aside: no options_length
    widget = {"widget": "relation", "collection": collection, "value_field": value,
              "search_fields": [display], "display_fields": [display]}
    if file:
        widget["file"] = file
    return widget


def _value_widget(name: str, prop: dict, defs: dict, where: str) -> dict:
    """The widget of one value (a field's, or a list's items')."""
    prop, _ = _resolved(prop, defs)
    if prop.get("type") == "object":
        return {"widget": "object", "collapsed": False, "fields": _fields(prop, defs, where)}
    if "enum" in prop:
        labels = choice_labels(prop["enum"])
        return {"widget": "select", "options": [{"label": labels[v] or v.capitalize(), "value": v}
                                                for v in prop["enum"]]}
    if prop.get("format") == "date":  # typed AAAA-MM-JJ, as the hints say (theme/admin/campus-date.js)
        return {"widget": DATE_WIDGET, "pattern": [DATE_PATTERN, DATE_MESSAGE]}
    if prop.get("type") == "integer":
        widget = {"widget": "number", "value_type": "int"}
        if "minimum" in prop:
            widget["min"] = prop["minimum"]
        if "maximum" in prop:
            widget["max"] = prop["maximum"]
        return widget
    if prop.get("pattern") == r.ID_PATTERN and name != "id":
        return _relation(name, where)
    if prop.get("type") != "string":
        raise EditorError(f"{where} : type sans widget ({prop.get('type')})")
    pattern = prop.get("pattern")
    if pattern:
        return {"widget": "string", "pattern": [pattern, _PATTERN_MESSAGES[pattern]]}
    longest = prop.get("maxLength", 300)
    if "Markdown" in (prop.get("description") or "") or longest > 400:
        return {"widget": "text", "pattern": ["^[\\s\\S]{1,%d}$" % longest,
                                              f"{longest} caractères au plus."]}
    return {"widget": "string", "pattern": [_ONE_LINE % longest,
                                            f"Une seule ligne de {longest} caractères au plus."]}


def _plain_hint(description: str, value: dict, defs: dict) -> str:
    """A field's description as its hint; a choice list's that names the stored values (`at_least`)
    gives the French labels the list shows instead."""
    value, _ = _resolved(value, defs)
    values = value.get("enum") or []
    if sum(bool(re.search(rf"\b{re.escape(v)}\b", description)) for v in values) >= 2:
        labels = choice_labels(values)
        return "Au choix : " + ", ".join(labels[v] or v.capitalize() for v in values) + "."
    return description


def _field(name: str, prop: dict, required: bool, defs: dict, where: str) -> dict:
    where = f"{where}.{name}"
    value, _ = _resolved(prop, defs)
    field = {"name": name, "label": prop.get("title") or value.get("title") or name}
    description = prop.get("description") or value.get("description")
    if description:
        field["hint"] = _plain_hint(description, value, defs)
    if _points_at_records(name, value, defs):
        field["hint"] = RELATION_HINT
    if value.get("type") == "array":
        items, _ = _resolved(value["items"], defs)
        item_widget = _value_widget(name, value["items"], defs, where)
        if item_widget["widget"] in ("relation", "select"):
            field.update(item_widget, multiple=True)
            if value.get("minItems"):
                field["min"] = value["minItems"]
        elif item_widget["widget"] == "object":
            model = value["items"].get("$ref", "").rsplit("/", 1)[-1]
            if model not in LIST_ITEM_LABELS:
                raise EditorError(f"{where} : liste de {model or '?'} sans libellé dans editor.LIST_ITEM_LABELS")
            field.update(widget="list", collapsed=False, fields=item_widget["fields"],
                         label_singular=LIST_ITEM_LABELS[model],
                         summary="{{fields.%s}}" % next(iter(items["properties"])))
        else:
            field.update(widget="list", field={"name": name, "label": field["label"], **item_widget})
        field["required"] = bool(required or value.get("minItems"))
        if not field["required"] and item_widget["widget"] != "relation":
            field["default"] = []
    else:
        field.update(_value_widget(name, prop, defs, where))
        field["required"] = required
        if field["widget"] == DATE_WIDGET and name == "published":  # a new record: today
            field["default"] = "{{now}}"
        if "default" in prop and prop["default"] is not None and field["widget"] == "select":
            field["default"] = prop["default"]
    return field


def _fields(model_schema: dict, defs: dict, where: str) -> list[dict]:
    required = set(model_schema.get("required", []))
    return [_field(name, prop, name in required, defs, where)
            for name, prop in model_schema["properties"].items()]


def _backend(repo_url: str | None) -> dict:
    """GitHub or GitLab, from the repository's address; main is the branch pull requests go to."""
    repo_url = os.environ.get(REPO_ENV) or repo_url
    if not repo_url:
        raise EditorError("repo_url manque dans mkdocs.yml : l'éditeur /admin/ propose ses "
                          "modifications à ce dépôt (GitHub ou GitLab)")
    parts = urlsplit(repo_url)
    repo = parts.path.strip("/").removesuffix(".git")
    if not parts.netloc or repo.count("/") < 1:
        raise EditorError(f"repo_url « {repo_url} » : adresse d'un dépôt attendue, "
                          "par exemple https://github.com/organisation/campus")
    host = parts.netloc.lower()
    if host == "github.com":
        # open_authoring: a contributor without write access proposes from a fork of their own
        backend = {"name": "github", "repo": repo, "branch": "main", "open_authoring": True}
        auth = os.environ.get(AUTH_URL_ENV)
        if auth:
            backend["base_url"] = auth.rstrip("/")
        return backend
    backend = {"name": "gitlab", "repo": repo, "branch": "main", "auth_type": "pkce",
               "app_id": os.environ.get(GITLAB_APP_ENV, "")}
    if host != "gitlab.com":
        base = f"{parts.scheme}://{parts.netloc}"
        backend.update(base_url=base, api_root=f"{base}/api/v4", auth_endpoint="oauth/authorize")
    return backend


def editor_config(repo_url: str | None, site_url: str | None = None) -> dict:
    """The Decap CMS configuration (config.yml) of the site."""
    schemas = all_schemas()
    collections = []
    for record_type in r.RECORD_TYPES.values():
        schema = schemas[f"{record_type.name}.schema.json"]
        collections.append({
            "name": record_type.folder, "label": record_type.plural, "label_singular": record_type.label,
            "description": schema.get("description", ""),
            "folder": f"catalogue/{record_type.folder}", "extension": "yml",
            "format": f"campus-{record_type.name}", "create": True, "delete": False,
            "slug": "{{slug}}", "identifier_field": "title", "summary": "{{title}}",
            "sortable_fields": ["title", "published"], "editor": {"preview": False},
            "fields": _fields(schema, schema.get("$defs", {}), record_type.name),
        })
    files = []
    for name, (model, label) in r.REFERENCE_LISTS.items():
        schema = schemas[f"{name}.schema.json"]
        item = schema["$defs"][model.__name__]
        display = "name" if "name" in item["properties"] else "title"
        files.append({
            "name": name, "label": schema["title"], "file": f"catalogue/{name}.yml",
            "editor": {"preview": False},
            "fields": [{"name": name, "label": schema["title"], "label_singular": label.capitalize(),
                        "widget": "list", "collapsed": True, "summary": "{{fields.%s}}" % display,
                        "fields": _fields(item, schema["$defs"], name)}],
        })
    collections.append({"name": REFERENCE_COLLECTION, "label": "Listes de référence",
                        "extension": "yml", "delete": False, "files": files,
                        # Decap takes a format per collection: campus-list tells the lists apart
                        "format": "campus-list", "editor": {"preview": False}})
    config = {
        "locale": "fr",
        "backend": {**_backend(repo_url), "commit_messages": COMMIT_MESSAGES},
        "publish_mode": "editorial_workflow",
        "local_backend": {"url": os.environ.get(LOCAL_BACKEND_ENV, LOCAL_BACKEND),
                          "allowed_hosts": ["127.0.0.1", "localhost"]},
        "media_folder": "content/assets/images",
        "public_folder": "/assets/images",
        "media_library": {"name": NO_MEDIA},
        "slug": {"encoding": "ascii", "clean_accents": True, "sanitize_replacement": "-"},
        "search": False,
        "collections": collections,
    }
    if site_url:
        config["site_url"] = config["display_url"] = site_url
    return config


def config_text(config: dict) -> str:
    return ("# Configuration de l'éditeur /admin/ (Decap CMS), générée depuis generator/records.py.\n"
            + yaml.safe_dump(config, allow_unicode=True, sort_keys=False, width=1000))


INDEX = """<!doctype html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>Éditeur du catalogue – {site_name}</title>
<link rel="stylesheet" href="campus-editor.css">
</head>
<body>
<noscript>L'éditeur du catalogue demande JavaScript. La page « Contribuer » du site décrit les autres façons de proposer une modification.</noscript>
<script>window.CMS_MANUAL_INIT = true;</script>
<script src="decap-cms.js"></script>
<script type="module" src="campus-editor.js"></script>
</body>
</html>
"""


def index_html(site_name: str) -> str:
    return INDEX.format(site_name=site_name.replace("&", "&amp;").replace("<", "&lt;"))


NODE_MODULES_ENV = "CAMPUS_NODE_MODULES"  # another node_modules/ to take the bundle from


def _npm_folder(project: Path, package: str) -> Path:
    """The package in the site's node_modules/ (`make npm`), $CAMPUS_NODE_MODULES, or this repository's."""
    named = os.environ.get(NODE_MODULES_ENV)
    roots = [project / "node_modules", *([Path(named)] if named else []),
             REPOSITORY_NODE_MODULES]
    for root in roots:
        folder = root / package
        if (folder / "package.json").is_file():
            return folder
    raise EditorError(f"l'éditeur /admin/ demande le paquet npm {package} (package.json) : lancez « make npm »")


def bundle_files(project: Path) -> dict[str, Path]:
    """Site path -> file of what Decap's page loads: its bundle and chunks, js-yaml."""
    dist = _npm_folder(project, "decap-cms") / "dist"
    found = {f"{ADMIN}/{p.name}": p for p in sorted(dist.iterdir())
             if p.name.endswith(("decap-cms.js", ".wasm")) or p.name == "decap-cms.js.LICENSE.txt"}
    js_yaml = _npm_folder(project, "js-yaml")  # the YAML parser of theme/admin/campus-format.js
    found[f"{ADMIN}/vendor/js-yaml.mjs"] = js_yaml / "dist" / "js-yaml.mjs"
    found[f"{ADMIN}/vendor/js-yaml.LICENSE"] = js_yaml / "LICENSE"
    return found


_READ_ENV = (REPO_ENV, AUTH_URL_ENV, GITLAB_APP_ENV, LOCAL_BACKEND_ENV)  # what editor_config reads


@functools.lru_cache(maxsize=8)
def _config_file(repo_url: str | None, site_url: str | None, _environment: tuple) -> str:
    """config.yml's text: a function of its arguments and of the variables editor_config reads (in
    the key), so each `mkdocs serve` rebuild does not walk the schemas again (50 ms a build)."""
    return config_text(editor_config(repo_url, site_url))


def ids_text(entries) -> str:
    """admin/identifiants.json: every record's id -> [collection, title], and each collection's
    label, which campus-ids.js checks a new record's id against before Decap saves it."""
    types = {t.folder: t.label for t in r.RECORD_TYPES.values()}
    ids = {e.id: [r.RECORD_TYPES[e.type].folder, e.title] for e in entries}
    return json.dumps({"types": types, "ids": ids}, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def admin_files(repo_url: str | None, site_url: str | None, site_name: str,
                project: Path, entries=()) -> dict[str, str | Path]:
    """Site path -> text (the page, the configuration, the ids of `entries`, the catalogue's records)
    or file to copy (the bundle) of /admin/; empty without a repository to propose to (the theme's
    admin/ folder gives the campus-*.js modules). EditorError says, in French, what is missing."""
    if not (os.environ.get(REPO_ENV) or repo_url):
        logging.getLogger("mkdocs.plugins.campus").info("Campus : pas de repo_url, pas d'éditeur /admin/")
        return {}
    return {f"{ADMIN}/index.html": index_html(site_name),
            f"{ADMIN}/config.yml": _config_file(repo_url, site_url, tuple(map(os.environ.get, _READ_ENV))),
            f"{ADMIN}/{IDS_FILE}": ids_text(entries),
            **bundle_files(project)}
