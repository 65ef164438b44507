"""Load stage: YAML files -> plain Python data, with the position of every key and value.

PyYAML alone would keep the last of two duplicate keys, build Python objects from tags and
expand alias bombs; here the file is only *composed* (parsed into nodes) and the nodes are
turned into data by hand, so every one of those cases becomes a located problem instead.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.parser import Parser
from yaml.reader import Reader
from yaml.resolver import Resolver
from yaml.scanner import Scanner

from .errors import Problem

MAX_FILE_BYTES = 512 * 1024
MAX_DEPTH = 64

Position = tuple[int, int]  # (line, column), from 1
Loc = tuple  # path of keys and indexes inside a document, e.g. ("sessions", 0, "start")

_TAG = "tag:yaml.org,2002:"
_ALLOWED_TAGS = {_TAG + t for t in ("str", "int", "float", "bool", "null", "timestamp",
                                    "map", "seq")}


@dataclass
class Document:
    """The data of one YAML file and where each part of it stands."""

    path: str
    data: Any
    values: dict[Loc, Position] = field(default_factory=dict)  # where each value starts
    keys: dict[Loc, Position] = field(default_factory=dict)  # where each mapping key stands

    def position(self, loc: Loc, *, key: bool = False) -> Position:
        """The closest known position for `loc`: the key itself, its value, or a parent."""
        loc = tuple(loc)
        while loc:
            table = (self.keys, self.values) if key else (self.values, self.keys)
            for t in table:
                if loc in t:
                    return t[loc]
            loc = loc[:-1]
        return self.values.get((), (1, 1))


class _Refused(Exception):
    def __init__(self, message: str, mark, hint: str = ""):
        super().__init__(message)
        self.message, self.mark, self.hint = message, mark, hint


class _NoAliasComposer(Composer):
    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise _Refused("alias YAML (*%s) refusé" % event.anchor, event.start_mark,
                           "recopiez la valeur au lieu d'utiliser une ancre")
        self._depth = getattr(self, "_depth", 0) + 1
        try:
            if self._depth > MAX_DEPTH:
                raise _Refused("structure trop profonde", self.peek_event().start_mark)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


class _SafeComposingLoader(Reader, Scanner, Parser, _NoAliasComposer, Resolver):
    """Parses and resolves implicit tags, but constructs nothing."""

    def __init__(self, stream):
        Reader.__init__(self, stream)
        Scanner.__init__(self)
        Parser.__init__(self)
        Composer.__init__(self)
        Resolver.__init__(self)


try:
    from yaml.cyaml import CParser
except ImportError:  # PyYAML built without libyaml
    CParser = None

if CParser is not None:
    class _FastComposingLoader(_NoAliasComposer, CParser, Resolver):
        """The same composer over libyaml's parser: several times faster on valid files."""

        def __init__(self, stream):
            CParser.__init__(self, stream)
            Composer.__init__(self)
            Resolver.__init__(self)


def _compose(text: str):
    """The node tree of a document. A file libyaml rejects is parsed again by PyYAML's own
    parser, whose messages and positions are the ones reported."""
    if CParser is not None:
        loader = _FastComposingLoader(text)
        try:
            return loader.get_single_node()
        except yaml.YAMLError:
            pass
        finally:
            loader.dispose()
    loader = _SafeComposingLoader(text)
    try:
        return loader.get_single_node()
    finally:
        loader.dispose()


_scalars = SafeConstructor()


def _pos(mark) -> Position:
    return (mark.line + 1, mark.column + 1)


def _to_data(node, loc: Loc, doc: Document, depth: int = 0) -> Any:
    if depth > MAX_DEPTH:
        raise _Refused("structure trop profonde", node.start_mark)
    if node.tag not in _ALLOWED_TAGS:
        raise _Refused(f"étiquette YAML non autorisée « {node.tag.replace(_TAG, '!!')} »", node.start_mark,
                       "retirez l'étiquette : seules les valeurs simples sont acceptées")
    doc.values[loc] = _pos(node.start_mark)
    if isinstance(node, yaml.MappingNode):
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == _TAG + "null":
                raise _Refused("clé invalide : une clé doit être un simple mot", key_node.start_mark)
            key = key_node.value
            if key == "<<":
                raise _Refused("fusion YAML (<<) refusée", key_node.start_mark)
            if key in result:
                first = doc.keys[loc + (key,)]
                raise _Refused(f"clé « {key} » en double (déjà à la ligne {first[0]})",
                               key_node.start_mark, "gardez une seule fois chaque champ")
            doc.keys[loc + (key,)] = _pos(key_node.start_mark)
            result[key] = _to_data(value_node, loc + (key,), doc, depth + 1)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_to_data(item, loc + (i,), doc, depth + 1) for i, item in enumerate(node.value)]
    if node.tag == _TAG + "timestamp":
        # An impossible date such as 2024-04-31 stays text: validation reports it in place.
        try:
            value = _scalars.construct_yaml_timestamp(node)
        except ValueError:
            return node.value
        return value.date() if isinstance(value, dt.datetime) and node.value.count(":") == 0 else value
    return _scalars.construct_object(node)


def _decode(raw: bytes, path: str) -> tuple[str | None, list[Problem]]:
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        column = exc.start - (before.rfind(b"\n") + 1) + 1
        return None, [Problem(path, line, column, "le fichier n'est pas en UTF-8",
                              "enregistrez-le en UTF-8 depuis votre éditeur")]
    return text.replace("\r\n", "\n").replace("\r", "\n"), []


def parse_yaml(raw: bytes, path: str) -> tuple[Document | None, list[Problem]]:
    """Parse one YAML document from bytes; return it, or the problems that stop it."""
    if len(raw) > MAX_FILE_BYTES:
        return None, [Problem(path, 1, 1, f"fichier trop volumineux ({len(raw) // 1024} Kio, "
                                          f"maximum {MAX_FILE_BYTES // 1024} Kio)")]
    text, problems = _decode(raw, path)
    if text is None:
        return None, problems
    for number, line in enumerate(text.split("\n"), start=1):
        if "\t" in line:
            return None, [Problem(path, number, line.index("\t") + 1, "tabulation interdite",
                                  "indentez avec des espaces")]
    if not text.strip() or all(not l.strip() or l.lstrip().startswith("#") for l in text.split("\n")):
        return None, [Problem(path, 1, 1, "fichier vide")]
    doc = Document(path, None)
    try:
        node = _compose(text)
        doc.data = _to_data(node, (), doc) if node is not None else None
    except _Refused as exc:
        line, column = _pos(exc.mark) if exc.mark else (1, 1)
        return None, [Problem(path, line, column, exc.message, exc.hint)]
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        # An unclosed quote or bracket is reported at the end of the file: point at its start.
        if exc.context_mark and exc.problem and "end of stream" in exc.problem:
            mark = exc.context_mark
        line, column = _pos(mark) if mark else (1, 1)
        what = "; ".join(x for x in (exc.problem, exc.context) if x) or "syntaxe invalide"
        return None, [Problem(path, line, column, f"erreur de syntaxe YAML : {what}",
                              "vérifiez l'indentation, les deux-points et les guillemets")]
    except (yaml.YAMLError, RecursionError, ValueError, OverflowError) as exc:
        return None, [Problem(path, 1, 1, f"YAML illisible : {exc}")]
    return doc, []


def load_file(path: Path, display: str) -> tuple[Document | None, list[Problem]]:
    """Read and parse a file without ever reading more than the size limit."""
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        return None, [Problem(display, 1, 1, f"fichier illisible : {exc.strerror}")]
    return parse_yaml(raw, display)
