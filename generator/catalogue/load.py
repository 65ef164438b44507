"""Load stage: YAML files -> plain Python data, with the position of every key and value.

PyYAML alone would keep the last of two duplicate keys, build Python objects from tags and
expand alias bombs; here the file is only *composed* (parsed into nodes) and the nodes are
turned into data by hand, so every one of those cases becomes a located problem instead.
"""

from __future__ import annotations

import datetime as dt
import errno
import os
import re
import stat
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

from .errors import HIDDEN_CHARACTERS, Problem, describe_character, quote
from . import yaml_syntax

MAX_FILE_BYTES = 512 * 1024
MAX_DEPTH = 64
MAX_INT_DIGITS = 100  # no field's bound has more than 8; Python refuses to convert more than 4,300

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
    # Numbers YAML 1.1 would silently reinterpret (010, 5:00, 0x1F, 1_000, +300): kept as their text.
    loose_numbers: dict[Loc, str] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)  # found while loading, file still read

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
_resolver = Resolver()
_PLAIN_INT = re.compile(r"-?(0|[1-9][0-9]*)")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# A value may hold newlines (checked per field) and zero-width characters (refused only where
# they mislead: ids and one-line texts), never the other HIDDEN_CHARACTERS.


def too_many_digits(text: str) -> bool:
    """True for an integer longer than any field accepts (and than Python converts: 4,300 digits)."""
    return sum(char.isdigit() for char in text) > MAX_INT_DIGITS


def _pos(mark) -> Position:
    return (mark.line + 1, mark.column + 1)


def _explicit(node) -> bool:
    """True when the file wrote the tag (`!!int '1'`) rather than YAML guessing it."""
    return node.tag != _resolver.resolve(yaml.ScalarNode, node.value, (not node.style, False))


def _scalar(node, loc: Loc, doc: Document) -> Any:
    tag, text = node.tag[len(_TAG):], node.value
    if tag == "int" and too_many_digits(text):
        doc.loose_numbers[loc] = text  # never turned into a number: validation says it is too long
        return text
    if tag == "int":
        if _PLAIN_INT.fullmatch(text):
            return int(text)
        if not _explicit(node):
            doc.loose_numbers[loc] = text  # validation says what to write instead
            return text
    elif tag == "float" and ("_" in text or ":" in text) and not _explicit(node):
        doc.loose_numbers[loc] = text  # 1_000.5, 1:30.5 (base 60): kept as written
        return text
    elif tag == "timestamp" and not _explicit(node) and not _ISO_DATE.fullmatch(text) and ":" not in text \
            and "t" not in text.lower():
        return text  # 2024-1-5: validation asks for AAAA-MM-JJ
    try:
        if tag == "int":
            raise ValueError(text)
        if tag == "timestamp":
            # An impossible date such as 2024-04-31 stays text: validation reports it in place.
            try:
                value = _scalars.construct_yaml_timestamp(node)
            except ValueError:
                if _explicit(node):
                    raise
                return text
            return value.date() if isinstance(value, dt.datetime) and text.count(":") == 0 else value
        value = _scalars.construct_object(node)
        if tag == "float" and _explicit(node) and not text.strip():
            raise ValueError(text)
        return value
    except (ValueError, KeyError, IndexError, AttributeError, TypeError, OverflowError):
        raise _Refused(f"valeur {quote(text) if text else 'vide'} impossible pour l'étiquette !!{tag}", node.start_mark,
                       "retirez l'étiquette et écrivez la valeur simplement") from None


def _check_characters(value: str, loc: Loc, doc: Document, mark) -> None:
    """Hidden characters that reached a value through an escape ("\\x1b", "\\ud800") are refused."""
    found = HIDDEN_CHARACTERS.search(value)
    if found:
        doc.problems.append(Problem(doc.path, *_pos(mark),
                                    f"caractère interdit {describe_character(found.group())} dans la valeur "
                                    f"{quote(value)}", "retirez-le : il est invisible ou perturbe l'affichage"))


def _to_data(node, loc: Loc, doc: Document, depth: int = 0) -> Any:
    if depth > MAX_DEPTH:
        raise _Refused("structure trop profonde", node.start_mark)
    if node.tag not in _ALLOWED_TAGS:
        raise _Refused(f"étiquette YAML non autorisée {quote(node.tag.replace(_TAG, '!!'))}", node.start_mark,
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
                raise _Refused(f"clé {quote(key)} en double (déjà à la ligne {first[0]})",
                               key_node.start_mark, "gardez une seule fois chaque champ")
            _check_characters(key, loc + (key,), doc, key_node.start_mark)
            doc.keys[loc + (key,)] = _pos(key_node.start_mark)
            result[key] = _to_data(value_node, loc + (key,), doc, depth + 1)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_to_data(item, loc + (i,), doc, depth + 1) for i, item in enumerate(node.value)]
    value = _scalar(node, loc, doc)
    if isinstance(value, str):
        _check_characters(value, loc, doc, node.start_mark)
    return value


def _decode(raw: bytes, path: str) -> tuple[str | None, list[Problem]]:
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        # Columns count characters, as editors do: the bytes before the bad one are valid UTF-8.
        column = len(before[before.rfind(b"\n") + 1:].decode("utf-8", "replace")) + 1
        return None, [Problem(path, line, column, "le fichier n'est pas en UTF-8",
                              "enregistrez-le en UTF-8 depuis votre éditeur")]
    return text.replace("\r\n", "\n").replace("\r", "\n"), []


MAX_CHARACTER_PROBLEMS = 20


def _hidden_characters(text: str, path: str) -> list[Problem]:
    """Control characters, U+2028/U+2029/U+0085, bidi overrides and noncharacters written raw in
    the file, each at its place. Editors do not break lines at U+2028, U+2029 or U+0085 but YAML
    1.1 does: refusing them first keeps every position the editor's."""
    problems = []
    for number, line in enumerate(text.split("\n"), start=1):
        for found in HIDDEN_CHARACTERS.finditer(line):
            index, char = found.start(), found.group()
            if char != "\t":  # tabs have their own message
                problems.append(Problem(path, number, index + 1, f"caractère interdit {describe_character(char)}",
                                        "retirez-le : il est invisible ou perturbe l'affichage"))
                if len(problems) >= MAX_CHARACTER_PROBLEMS:
                    return problems
    return problems




class _Bounds:
    """Clamps positions to ones the file has, as an editor numbers lines and columns."""

    def __init__(self, text: str):
        lines = text.split("\n")
        if len(lines) > 1 and lines[-1] == "":
            lines.pop()  # the newline that ends the last line opens no new line
        self.lengths = [len(line) for line in lines]

    def __call__(self, line: int, column: int) -> Position:
        if line > len(self.lengths):
            line, column = len(self.lengths), self.lengths[-1] + 1
        line = max(line, 1)
        return line, max(1, min(column, self.lengths[line - 1] + 1))

    def problem(self, problem: Problem) -> Problem:
        line, column = self(problem.line, problem.column)
        return Problem(problem.path, line, column, problem.message, problem.hint)


def parse_yaml(raw: bytes, path: str) -> tuple[Document | None, list[Problem]]:
    """Parse one YAML document from bytes; return it, or the problems that stop it.

    Every position, in the document and in the problems, is one the file has."""
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
    problems = _hidden_characters(text, path)
    if problems:
        return None, problems
    if not text.strip() or all(not l.strip() or l.lstrip().startswith("#") for l in text.split("\n")):
        return None, [Problem(path, 1, 1, "fichier vide")]
    bounds = _Bounds(text)
    doc = Document(path, None)
    try:
        node = _compose(text)
        doc.data = _to_data(node, (), doc) if node is not None else None
    except _Refused as exc:
        line, column = _pos(exc.mark) if exc.mark else (1, 1)
        return None, [bounds.problem(Problem(path, line, column, exc.message, exc.hint))]
    except yaml.MarkedYAMLError as exc:
        mark, message, hint = yaml_syntax.explain(exc)  # in French, at the line to correct
        line, column = _pos(mark) if mark else (1, 1)
        return None, [bounds.problem(Problem(path, line, column, message, hint))]
    except (yaml.YAMLError, RecursionError, ValueError, OverflowError) as exc:
        return None, [Problem(path, 1, 1, f"YAML illisible : {exc}")]
    for table in (doc.values, doc.keys):
        for loc, (line, column) in table.items():
            table[loc] = bounds(line, column)
    if doc.problems:
        return None, [bounds.problem(p) for p in doc.problems]
    return doc, []


def load_file(path: Path, display: str) -> tuple[Document | None, list[Problem]]:
    """Read and parse a regular file without ever reading more than the size limit.

    Anything else (a named pipe, a socket, a device) is a problem, never waited on."""
    raw, problems = read_regular(path, display)
    return (None, problems) if raw is None else parse_yaml(raw, display)


def read_regular(path: Path, display: str) -> tuple[bytes | None, list[Problem]]:
    """The bytes of a regular file, at most one more than the size limit (`parse_yaml` reports a
    larger file); None and the problem for anything else or an unreadable file."""
    try:
        mode = os.stat(path).st_mode
        if not stat.S_ISREG(mode):  # never open a socket, a device or a pipe
            return None, [not_regular_file(display, mode)]
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        return None, [symlink_loop(display) if exc.errno == errno.ELOOP
                      else Problem(display, 1, 1, f"fichier illisible : {exc.strerror}")]
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            return None, [not_regular_file(display, st.st_mode)]
        # Its size first, then until the end (a file may grow meanwhile), never past the limit + 1.
        parts = [os.read(fd, min(st.st_size, MAX_FILE_BYTES) + 1)]
        total = len(parts[-1])
        while parts[-1] and total <= MAX_FILE_BYTES:
            parts.append(os.read(fd, MAX_FILE_BYTES + 1 - total))
            total += len(parts[-1])
        raw = b"".join(parts)
    except OSError as exc:
        return None, [Problem(display, 1, 1, f"fichier illisible : {exc.strerror}")]
    finally:
        os.close(fd)
    return raw, []


def not_regular_file(display: str, mode: int) -> Problem:
    """The problem for a catalogue entry that is neither a regular file nor a folder."""
    kind = ("un tube nommé (FIFO)" if stat.S_ISFIFO(mode) else "une socket" if stat.S_ISSOCK(mode)
            else "un périphérique" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "un fichier spécial")
    return Problem(display, 1, 1, f"{kind} n'est pas un fichier ordinaire : il n'est pas lu",
                   "remplacez-le par un vrai fichier YAML ou retirez-le")


def symlink_loop(display: str) -> Problem:
    """The problem for a symbolic link that leads back to itself (a.yml -> b.yml -> a.yml)."""
    return Problem(display, 1, 1, "lien symbolique en boucle : il n'est pas lu",
                   "faites-le pointer vers un fichier du catalogue, ou placez le fichier lui-même")
