"""A mapping validated against its pydantic model, every error turned into a French, located
problem; items repeated in a list; the suggestions (« vouliez-vous dire … ? ») and ids drawn from
titles that messages use."""

from __future__ import annotations

import datetime as dt
import difflib
import json
import re
import unicodedata
from typing import Any

from pydantic import BaseModel, ValidationError

from . import records as r
from .errors import Problem, counted, quote
from .load import MAX_INT_DIGITS, Document, too_many_digits


def slugify(text: str) -> str:
    """A valid id from any title: accents folded, lowercase, hyphens."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")[:80].strip("-")


def suggest(value: Any, candidates) -> str:
    """'vouliez-vous dire « x » ?' for the closest candidate, or nothing."""
    if not isinstance(value, str):
        return ""
    match = difflib.get_close_matches(value, sorted(candidates), n=1, cutoff=0.6)
    return f"vouliez-vous dire « {match[0]} » ?" if match else ""


_TYPE_NAMES = {"string_type": "un texte", "int_type": "un nombre entier", "list_type": "une liste",
               "model_type": "un ensemble de champs (champ: valeur)", "dict_type": "un ensemble de champs",
               "bool_type": "vrai ou faux", "float_type": "un nombre", "int_from_float": "un nombre entier",
               "model_attributes_type": "un ensemble de champs (champ: valeur)"}


def describe(value: Any) -> str:
    if isinstance(value, bool):
        return "un booléen"
    if isinstance(value, (int, float)):
        return f"le nombre {value}"
    if isinstance(value, str):
        return f"le texte {quote(value)}"
    if isinstance(value, list):
        return "une liste"
    if isinstance(value, dict):
        return "un ensemble de champs"
    if isinstance(value, dt.datetime):
        return "une date avec heure"
    if value is None:
        return "une valeur vide"
    return type(value).__name__


def _decimal_hint(text: str) -> str:
    """What to write instead of a number YAML 1.1 reads in another base or notation."""
    digits = text.replace("_", "")
    sign = "-" if digits.startswith("-") else ""
    digits = digits.lstrip("+-")
    if digits.isascii() and digits.isdigit():
        return f"écrivez {sign}{digits.lstrip('0') or '0'}"
    return "écrivez le nombre en chiffres décimaux, sans préfixe, « : » ni « _ », par exemple 10"


def _model_at(model: type[BaseModel], loc: tuple) -> type[BaseModel] | None:
    """The sub-model that holds the last element of `loc` (for field suggestions)."""
    current: Any = model
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        info = current.model_fields.get(part) if isinstance(current, type) and issubclass(current, BaseModel) else None
        if info is None:
            return None
        current = _inner_model(info.annotation)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _inner_model(annotation: Any) -> Any:
    for arg in getattr(annotation, "__args__", ()) or ():
        found = _inner_model(arg)
        if found is not None:
            return found
    return annotation if isinstance(annotation, type) and issubclass(annotation, BaseModel) else None


def _field_name(loc: tuple) -> str:
    names = [str(p) for p in loc if not isinstance(p, int)]
    return names[-1] if names else "fiche"


def _pydantic_problem(error: dict, doc: Document, model: type[BaseModel]) -> Problem:
    loc = tuple(error["loc"])
    kind, ctx, value = error["type"], error.get("ctx") or {}, error.get("input")
    name = _field_name(loc)
    line, column = doc.position(loc)
    hint = ""
    if kind == "missing":
        line, column = doc.position(loc[:-1])
        message = f"champ obligatoire manquant : « {name} »"
    elif kind == "extra_forbidden":
        line, column = doc.position(loc, key=True)
        message = f"champ inconnu « {name} »"
        holder = _model_at(model, loc)
        if holder is not None:
            hint = suggest(name, holder.model_fields) or (
                "champs possibles : " + ", ".join(holder.model_fields))
    elif kind == "impossible_date":
        message = f"date impossible « {value} » dans « {name} »"
        hint = "ce jour n'existe pas dans le calendrier"
    elif kind in ("date_type", "date_parsing", "date_from_datetime_parsing", "date_from_datetime_inexact"):
        loose = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", value) if isinstance(value, str) else None
        if loose and len(value) == 10:
            message = f"date impossible {quote(value)} dans « {name} »"
            hint = "ce jour n'existe pas dans le calendrier"
        elif loose:
            message = f"date mal écrite {quote(value)} dans « {name} » : le format est AAAA-MM-JJ"
            year, month, day = (int(x) for x in loose.groups())
            try:
                hint = f"écrivez {dt.date(year, month, day).isoformat()}"
            except ValueError:
                hint = "ce jour n'existe pas non plus dans le calendrier ; par exemple 2024-12-10"
        else:
            message = f"date attendue dans « {name} », trouvé {describe(value)}"
            hint = "écrivez la date sous la forme AAAA-MM-JJ, par exemple 2024-12-10"
    elif kind == "one_line":
        message = f"{ctx.get('what')} interdit dans « {name} » (caractère {ctx.get('position')} de {quote(value)})"
        hint = "ce champ tient sur une ligne, sans caractère invisible"
    elif kind == "int_type" and loc in doc.loose_numbers and too_many_digits(doc.loose_numbers[loc]):
        text = doc.loose_numbers[loc]
        message = f"nombre {quote(text, 20)} trop long dans « {name} » ({sum(c.isdigit() for c in text)} chiffres)"
        hint = f"un nombre de {MAX_INT_DIGITS} chiffres au plus est accepté ; vérifiez la valeur"
    elif kind == "int_type" and loc in doc.loose_numbers:
        text = doc.loose_numbers[loc]
        message = f"nombre {quote(text)} refusé dans « {name} » : seuls les entiers décimaux simples sont acceptés"
        hint = _decimal_hint(text)
    elif kind in _TYPE_NAMES:
        message = f"type incorrect pour « {name} » : attendu {_TYPE_NAMES[kind]}, trouvé {describe(value)}"
    elif kind == "greater_than_equal":
        message = (f"nombre négatif interdit dans « {name} »" if isinstance(value, int) and value < 0
                   else f"« {name} » doit être au moins {ctx.get('ge')}")
    elif kind == "less_than_equal":
        message = f"« {name} » doit être au plus {ctx.get('le')}"
    elif kind == "string_too_short":
        message = f"« {name} » est vide"
    elif kind == "string_too_long":
        message = f"« {name} » est trop long ({len(value)} caractères, maximum {ctx.get('max_length')})"
    elif kind == "too_short":
        message = f"« {name} » doit contenir au moins {counted(ctx.get('min_length'), 'élément')}"
    elif kind == "literal_error":
        allowed = re.findall(r"'([^']*)'", str(ctx.get("expected", "")))
        # An empty value is a field left to fill (as `campus new` writes it), not a wrong value.
        message = f"« {name} » est vide" if value == "" else f"valeur « {value} » non autorisée pour « {name} »"
        hint = (value and suggest(value, allowed)) or ("valeurs possibles : " + ", ".join(allowed))
    elif (reason := web_address_reason(error)) is not None:
        message, hint = f"adresse web invalide {quote(value, 120)}", reason
    elif kind == "string_pattern_mismatch":
        pattern = ctx.get("pattern")
        if pattern == r.EMAIL_PATTERN:
            message = f"adresse e-mail invalide « {value} »"
            hint = "une boîte fonctionnelle, par exemple contact@exemple.gouv.fr"
        elif value == "":
            message = f"« {name} » est vide"
            hint = "un identifiant : lettres minuscules sans accent, chiffres et tirets"
        else:
            message = f"identifiant invalide « {value} » dans « {name} »"
            hint = (f"vouliez-vous dire « {slugify(value)} » ? " if isinstance(value, str) and slugify(value) else "") + \
                "lettres minuscules sans accent, chiffres et tirets"
    else:
        message = f"« {name} » : {error['msg']}"
    return Problem(doc.path, line, column, message, hint.strip())


def web_address_reason(error) -> str | None:
    """Why a pydantic error refuses a web address (the `Url` rule's pattern or its parser), in
    French; None for any other error."""
    if error["type"] == "web_address":
        return error.get("ctx", {}).get("reason", "")
    if error["type"] == "string_pattern_mismatch" and error.get("ctx", {}).get("pattern") == r.URL_PATTERN:
        return r.web_address_problem(error.get("input")) or ""
    return None


def validate_mapping(doc: Document, model: type[BaseModel], loc: tuple = ()) -> tuple[Any, list[Problem]]:
    """Validate one mapping of `doc` (at `loc`) against `model`."""
    data = doc.data
    for part in loc:
        data = data[part]
    try:
        return model.model_validate(data), []
    except ValidationError as exc:
        shifted = []
        for error in exc.errors(include_url=False):
            error = dict(error)
            error["loc"] = loc + tuple(error["loc"])
            shifted.append(_pydantic_problem(error, doc, model))
        return None, shifted


def duplicate_items(doc: Document) -> list[Problem]:
    """Every item that repeats an earlier one of the same list, at the line of the repeat."""
    problems = []

    def key(value: Any) -> str:
        return json.dumps(value, sort_keys=True, default=str, ensure_ascii=False)

    def walk(value: Any, loc: tuple) -> None:
        if isinstance(value, dict):
            for name, item in value.items():
                walk(item, loc + (name,))
        elif isinstance(value, list):
            seen: dict[str, int] = {}
            for index, item in enumerate(value):
                walk(item, loc + (index,))
                if not loc:
                    continue  # the entries of a reference list: their ids say which repeats
                marker = key(item)
                if marker in seen:
                    first = doc.position(loc + (seen[marker],))[0]
                    shown = quote(item) if isinstance(item, (str, int)) else "élément"
                    problems.append(Problem(doc.path, *doc.position(loc + (index,)),
                                            f"{shown} en double dans « {_field_name(loc)} » "
                                            f"(déjà à la ligne {first})", "gardez-le une seule fois"))
                else:
                    seen[marker] = index

    walk(doc.data, ())
    return problems
