"""`campus fmt`: every catalogue file in the one format the web editor writes.

The web editor (Decap CMS, /admin/) rewrites a whole file on save with the emitter of
theme/admin/campus-format.js; this module is the same emitter in Python, byte for byte, so a
file kept in this format shows in a pull request only the lines the editor changed.

Rules of the format (both emitters):
- the file starts with its header, written by the format itself (HEADERS): for a record
  `# yaml-language-server: $schema=../../schemas/<type>.schema.json`, for a reference list
  `# yaml-language-server: $schema=../schemas/<list>.schema.json` then its fixed French comment.
  Any other comment is refused (`campus fmt`) and reported (`campus check`): the editor would drop it.
- keys in the model's field order (generator/records.py, nested models too); keys the model does
  not know follow, in their order, so `campus check` still reports them.
- block style only: mappings `key: value`, lists `- item` indented by 2 under their key
  (top level at column 0 for the reference lists), `[]` and `{}` for empty ones. No line folding.
- a string is plain when it reads back as the same string in YAML 1.1 (PyYAML, the loader) and
  1.2 (js-yaml, the editor): not empty, no space at either end, no indicator first
  (``-?:,[]{}#&*!|>'"%@` ``), no `: ` or ` #`, no `:` last, not a null, boolean, number or date
  of either version (SPECIAL), no character that needs an escape (ESCAPED); else double-quoted,
  escapes `\\\\ \\" \\n \\t \\r` and `\\uXXXX` (lowercase hex). Exception: a `YYYY-MM-DD` string
  in a date field (DATE fields of the model) is written plain, so it stays a date.
- a string with a newline is a literal block, `|` (one final newline) or `|-` (none), its lines
  indented by 2 more than its key, empty lines empty; double-quoted instead when a block cannot
  hold it: a leading newline, a space first on its first non-empty line, a line ending with a
  space, two final newlines or more, or a character of ESCAPED.
- integers as digits, `true`/`false`, `null`; the file ends with one newline.

The editor sees a reference list (a top-level YAML list) as `{items: [...]}`: campus-format.js
wraps it in `fromFile` and unwraps it in `toFile`. Its toFile also drops keys whose value is
null, undefined, "", [] or {} (an empty widget); `campus fmt` keeps every value it reads.
`campus fmt --drop-comments` drops the comments instead of refusing the file (asked for, so not
silent). `campus new` and `campus init` write their files in this format, without comments: a
field's help is in the schema, the editor and the page « Champs des fiches ».
"""

from __future__ import annotations

import datetime as dt
import json
import re
import typing
from bisect import bisect_right
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel

from . import records as r
from .errors import Problem, format_problems
from .load import parse_yaml, read_regular

HEADERS = {name: f"# yaml-language-server: $schema=../../schemas/{name}.schema.json"
           for name in r.RECORD_TYPES}
_LISTS = {
    "themes": "# Thématiques du campus : identifiant, nom affiché, description facultative.",
    "organisations": "# Administrations qui animent un réseau, forment, publient un outil, demandent "
                     "ou reçoivent une intervention.",
    "sources": "# Documents sources : chaque fait du catalogue renvoie à l’un d’eux.",
}
HEADERS.update({name: f"# yaml-language-server: $schema=../schemas/{name}.schema.json\n{line}"
                for name, line in _LISTS.items()})

SPECIAL = re.compile(
    r"(?:~|null|Null|NULL|y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE"
    r"|on|On|ON|off|Off|OFF|<<|=)"
    r"|[-+]?(?:[0-9][0-9_]*(?::[0-5]?[0-9])*(?:\.[0-9_]*)?(?:[eE][-+]?[0-9]+)?"
    r"|\.[0-9][0-9_]*(?:[eE][-+]?[0-9]+)?|0b[01_]+|0o[0-7_]+|0x[0-9a-fA-F_]+"
    r"|\.(?:inf|Inf|INF|nan|NaN|NAN))"
    r"|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt ].*)?")
ESCAPED = re.compile("[\x00-\x1f\x7f-\x9f\u200b-\u200d\u2028\u2029\u202a-\u202e\u2060\u2066-\u2069"
                     "\ud800-\udfff\ufeff\ufffe\uffff]")
ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_INDICATORS = set("-?:,[]{}#&*!|>'\"%@`")
_SHORT = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r"}


# --- the model's shape: field order, nested models, date fields ------------------------------

def _inner(annotation: Any) -> Any:
    """The model class or type a field holds, through Optional, list and Annotated."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (list, typing.Union) or str(origin) == "<class 'types.UnionType'>":
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            annotation = args[0]
        else:
            return annotation


def shapes() -> dict[str, list[str]]:
    """Each model's fields in order, `name:Model` for a nested model, `name:date` for a date.

    campus-format.js holds the same table (MODELS); tests/test_fmt.py checks they agree."""
    roots = {t.model for t in r.RECORD_TYPES.values()} | {m for m, _ in r.REFERENCE_LISTS.values()}
    table: dict[str, list[str]] = {}
    todo = sorted(roots, key=lambda m: m.__name__)
    while todo:
        model = todo.pop(0)
        if model.__name__ in table:
            continue
        fields = []
        for name, info in model.model_fields.items():
            inner = _inner(info.annotation)
            if isinstance(inner, type) and issubclass(inner, BaseModel):
                fields.append(f"{name}:{inner.__name__}")
                todo.append(inner)
            elif inner is dt.date:
                fields.append(f"{name}:date")
            else:
                fields.append(name)
        table[model.__name__] = fields
    return dict(sorted(table.items()))


KINDS = {**{name: t.model.__name__ for name, t in r.RECORD_TYPES.items()},
         **{name: m.__name__ for name, (m, _) in r.REFERENCE_LISTS.items()}}
_SHAPES = {model: [tuple((f.split(":") + [None])[:2]) for f in fields] for model, fields in shapes().items()}


# --- the emitter -------------------------------------------------------------------------------

class Unsupported(ValueError):
    """A value the format has no way to write (a timestamp, an odd float, a complex key)."""


def _quoted(text: str) -> str:
    return '"' + "".join(_SHORT.get(c) or (f"\\u{ord(c):04x}" if ESCAPED.match(c) else c) for c in text) + '"'


def is_plain(text: str) -> bool:
    return bool(text) and text[0] != " " and text[-1] != " " and text[0] not in _INDICATORS \
        and ": " not in text and " #" not in text and not text.endswith(":") \
        and not SPECIAL.fullmatch(text) and not ESCAPED.search(text) and "\n" not in text


def _literal_lines(text: str) -> tuple[str, list[str]] | None:
    """(`|` or `|-`, the lines) when a literal block holds `text` exactly, else None."""
    if ESCAPED.search(text.replace("\n", "")) or text.startswith("\n") or text.endswith("\n\n"):
        return None
    indicator, body = ("|", text[:-1]) if text.endswith("\n") else ("|-", text)
    lines = body.split("\n")
    first = next((line for line in lines if line), "")
    if first.startswith(" ") or any(line.endswith(" ") for line in lines):
        return None
    return indicator, lines


def _scalar(value: Any, date: bool = False) -> str:
    if value is None:
        return "null"
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        text = repr(value)
        if value != value or value in (float("inf"), float("-inf")) or "e" in text:
            raise Unsupported(text)
        return text
    if isinstance(value, dt.datetime):
        raise Unsupported(value.isoformat())
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        if date and ISO_DATE.fullmatch(value):
            return value
        return value if is_plain(value) else _quoted(value)
    raise Unsupported(type(value).__name__)


def _key(key: Any) -> str:
    if not isinstance(key, str):
        raise Unsupported(repr(key))
    return key if is_plain(key) else _quoted(key)


def _value(value: Any, indent: int, model: str | None, date: bool, lead: str) -> list[str]:
    """The lines of `value` after `lead` (`key:` or `-`), its content at `indent`."""
    pad = " " * indent
    if isinstance(value, dict) and value:
        block = _mapping(value, indent, model)
        return [lead] + block if lead.endswith(":") else [lead + " " + block[0][indent:]] + block[1:]
    if isinstance(value, list) and value:
        block = _sequence(value, indent if lead.endswith(":") else indent, model, date)
        return [lead] + block if lead.endswith(":") else [lead + " " + block[0][indent:]] + block[1:]
    if isinstance(value, (dict, list)):
        return [f"{lead} {'{}' if isinstance(value, dict) else '[]'}"]
    if isinstance(value, str) and "\n" in value:
        literal = _literal_lines(value)
        if literal:
            return [f"{lead} {literal[0]}"] + [pad + line if line else "" for line in literal[1]]
    return [f"{lead} {_scalar(value, date)}"]


def _mapping(data: dict, indent: int, model: str | None) -> list[str]:
    fields = _SHAPES.get(model, []) if model else []
    known = [f for f in fields if f[0] in data]
    names = {f[0] for f in fields}
    order = [(f[0], f[1]) for f in known] + [(k, None) for k in data if k not in names]
    out = []
    for key, kind in order:
        nested = kind if kind in _SHAPES else None
        out += _value(data[key], indent + 2, nested, kind == "date", " " * indent + _key(key) + ":")
    return out


def _sequence(items: list, indent: int, model: str | None, date: bool) -> list[str]:
    out = []
    for item in items:
        out += _value(item, indent + 2, model, date, " " * indent + "-")
    return out


def emit(kind: str, data: Any) -> str:
    """The text of a catalogue file of `kind` (a record type or a reference list name)."""
    model = KINDS[kind]
    if isinstance(data, dict) and kind in r.RECORD_TYPES:
        lines = _mapping(data, 0, model) if data else ["{}"]
    elif isinstance(data, list) and kind in r.REFERENCE_LISTS:
        lines = _sequence(data, 0, model, False) if data else ["[]"]
    else:
        raise Unsupported(type(data).__name__)
    return "\n".join([HEADERS[kind]] + lines) + "\n"


# --- comments ----------------------------------------------------------------------------------

_HASH = re.compile(r"(?:^|(?<=[ \t]))#", re.M)


def comments(text: str, kind: str) -> list[tuple[int, int]]:
    """(line, column) of every comment but the header on line 1: PyYAML skips comments, so a `#`
    counts when it starts a line or follows a space outside every scalar the scanner found. The
    leading lines that are lines of the file's header are the format's own: it rewrites them."""
    candidates = [m.start() for m in _HASH.finditer(text)]
    owned, starts, at = set(HEADERS[kind].split("\n")), set(), 0
    while text.find("\n", at) >= 0 and text[at:text.find("\n", at)] in owned:  # header lines, any order
        starts.add(at)
        at = text.find("\n", at) + 1
    candidates = [c for c in candidates if c not in starts]
    if not candidates:
        return []
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    spans = []
    for token in yaml.scan(text, Loader=loader):
        if isinstance(token, yaml.ScalarToken):
            spans.append((token.start_mark.index, token.end_mark.index))
    starts = [s for s, _ in spans]
    found = []
    for index in candidates:
        i = bisect_right(starts, index) - 1
        if i >= 0 and spans[i][0] <= index < spans[i][1]:
            continue
        line = text.count("\n", 0, index) + 1
        found.append((line, index - (text.rfind("\n", 0, index) + 1) + 1))
    return found


COMMENT_MESSAGE = "commentaire : l'éditeur en ligne le supprimerait"
COMMENT_HINT = "déplacez-le dans la description ou supprimez-le (campus fmt --drop-comments FICHIER les supprime)"


def comment_problems(text: str, kind: str, display: str) -> list[Problem]:
    """One problem per comment, or per block of comments on consecutive lines (its first)."""
    try:
        found = comments(text, kind)
    except yaml.YAMLError:
        return []  # the loader reports the syntax error
    return [Problem(display, line, column, COMMENT_MESSAGE, COMMENT_HINT)
            for i, (line, column) in enumerate(found) if i == 0 or found[i - 1][0] not in (line - 1, line)]


def catalogue_comments(root: Path, base: Path) -> list[Problem]:
    """`campus check`: the comments of the catalogue's regular .yml files (the editor would drop them)."""
    found = []
    targets = [(root / f"{name}.yml", name) for name in r.REFERENCE_LISTS]
    for folder, name in _FOLDERS.items():
        if (root / folder).is_dir() and not (root / folder).is_symlink():
            targets += [(p, name) for p in sorted((root / folder).glob("*.yml"))]
    for path, kind in targets:
        if path.is_symlink() or not path.is_file() or path.name.startswith("."):
            continue
        raw, _ = read_regular(path, str(path))
        if raw is None or b"#" not in raw:
            continue
        try:
            text = raw.decode("utf-8-sig").replace("\r\n", "\n").replace("\r", "\n")
        except UnicodeDecodeError:
            continue  # the loader reports it
        try:
            display = path.relative_to(base).as_posix()
        except ValueError:
            display = path.as_posix()
        found += comment_problems(text, kind, display)
    return found


def format_warnings(problems: list[Problem], fmt: str = "text") -> str:
    """`campus check`'s warnings (comments): `attention :` lines, or GitHub `::warning` annotations."""
    problems = sorted(set(problems))
    if fmt == "github":
        return format_problems(problems, "github").replace("::error ", "::warning ")
    return "\n".join(f"{p.path}:{p.line}:{p.column}: attention : {p.message} ({p.hint})" for p in problems)


# --- files -------------------------------------------------------------------------------------

_FOLDERS = {t.folder: name for name, t in r.RECORD_TYPES.items()}


def kind_of(path: Path) -> str | None:
    """The record type of catalogue/<folder>/x.yml, or the list name of catalogue/<list>.yml."""
    if path.suffix not in (".yml", ".yaml"):
        return None
    if path.parent.name in _FOLDERS and (path.parent.parent / "themes.yml").exists():
        return _FOLDERS[path.parent.name]
    if path.stem in r.REFERENCE_LISTS and path.suffix == ".yml":
        return path.stem
    return None


def _normalised(value: Any, date: bool = False, model: str | None = None) -> Any:
    """What a file means for the format: a date field's `YYYY-MM-DD` string equals the date."""
    if isinstance(value, dict):
        fields = {f[0]: f[1] for f in _SHAPES.get(model, [])} if model else {}
        return {k: _normalised(v, fields.get(k) == "date", fields.get(k) if fields.get(k) in _SHAPES else None)
                for k, v in value.items()}
    if isinstance(value, list):
        return [_normalised(v, date, model) for v in value]
    if date and isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value.isoformat()
    return value


def format_text(raw: bytes, kind: str, display: str, drop_comments: bool = False) -> tuple[str | None, list[Problem]]:
    """The file's canonical text, or the problems that keep it as it is (`drop_comments`: asked for)."""
    doc, problems = parse_yaml(raw, display)
    if doc is None:
        return None, problems
    text = raw.decode("utf-8-sig").replace("\r\n", "\n").replace("\r", "\n")
    found = [] if drop_comments else comment_problems(text, kind, display)
    if found:
        return None, found
    if doc.loose_numbers:
        loc, written = next(iter(doc.loose_numbers.items()))
        return None, [Problem(display, *doc.position(loc), f"nombre ambigu « {written} »",
                              "corrigez-le d'abord (campus check dit comment)")]
    try:
        new = emit(kind, doc.data)
    except Unsupported as exc:
        return None, [Problem(display, 1, 1, f"valeur que l'éditeur en ligne ne sait pas écrire : {exc}",
                              "corrigez la fiche (campus check)")]
    after, again = parse_yaml(new.encode("utf-8"), display)
    model = KINDS[kind]
    if after is None or _normalised(after.data, model=model) != _normalised(doc.data, model=model):
        return None, [Problem(display, 1, 1, "la mise en forme changerait le contenu du fichier : fichier laissé tel quel",
                              "signalez ce cas aux mainteneurs de Campus")]
    return new, []


def js_table() -> str:
    """The MODELS table of campus-format.js, as it must read (tests/test_fmt.py)."""
    return json.dumps(shapes(), ensure_ascii=False, separators=(", ", ": "))
