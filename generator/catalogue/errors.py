"""Problems are values: where (file, line, column), what, and what to try."""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import asdict, dataclass

# Characters a message never shows raw: they would break the line, drive the terminal or
# reorder the text (bidi), or cannot be encoded at all (lone surrogates).
_BIDI_CONTROLS = set(range(0x202A, 0x202F)) | set(range(0x2066, 0x206A))
_ZERO_WIDTH = {0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF}
_SHORT_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def is_noncharacter(code: int) -> bool:
    return 0xFDD0 <= code <= 0xFDEF or (code & 0xFFFE) == 0xFFFE


def is_hidden_character(char: str) -> bool:
    """True for a character that must not appear raw in a one-line message or a text field:
    C0/C1 controls, line and paragraph separators, bidi overrides and isolates, zero-width
    characters, surrogates and noncharacters."""
    code = ord(char)
    return (unicodedata.category(char) in ("Cc", "Cs", "Zl", "Zp") or code in _BIDI_CONTROLS
            or code in _ZERO_WIDTH or is_noncharacter(code))


# The same set as a regular expression (newline and zero-width characters aside), to find them fast.
_ASTRAL_NONCHARACTERS = "".join(chr(plane << 16 | low) for plane in range(1, 17) for low in (0xFFFE, 0xFFFF))
HIDDEN_CHARACTERS = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069"
                               "\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff" + _ASTRAL_NONCHARACTERS + "]")


def visible(text: str) -> str:
    """`text` on one line, every hidden character written as a visible escape (\\n, \\e, \\u202e)."""
    if text.isprintable() and not any(ord(c) in _ZERO_WIDTH for c in text):
        return text
    out = []
    for char in text:
        if char in _SHORT_ESCAPES:
            out.append(_SHORT_ESCAPES[char])
        elif is_hidden_character(char) or not char.isprintable() and char != " ":
            code = ord(char)
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000
                       else f"\\U{code:08x}")
        else:
            out.append(char)
    return "".join(out)


def shown(value: object, limit: int = 80) -> str:
    """`value` shortened to `limit` characters, on one line with hidden characters escaped."""
    text = str(value)
    return visible(text[:limit] + "…" if len(text) > limit else text)


def quote(value: object, limit: int = 60) -> str:
    """« value », shortened to `limit` characters, hidden characters escaped: safe in a message."""
    return f"« {shown(value, limit)} »"


def describe_character(char: str) -> str:
    """'U+202E (RIGHT-TO-LEFT OVERRIDE)': how a message names a character it refuses."""
    code = ord(char)
    name = unicodedata.name(char, "")
    if not name:
        name = {0xD800 <= code <= 0xDFFF: "demi-codet UTF-16 isolé", is_noncharacter(code): "non-caractère",
                unicodedata.category(char) == "Cc": "caractère de contrôle"}.get(True, "")
    return f"U+{code:04X}" + (f" ({name})" if name else "")


@dataclass(frozen=True, order=True)
class Problem:
    """One located problem in the catalogue. Lines and columns count from 1.

    Path, message and hint are kept on one line with visible escapes, whatever the file held.
    """

    path: str
    line: int
    column: int
    message: str
    hint: str = ""

    def __post_init__(self):
        for name in ("path", "message", "hint"):
            value = getattr(self, name)
            if not isinstance(value, str):
                value = str(value)
            object.__setattr__(self, name, visible(value))

    def __str__(self) -> str:
        text = f"{self.path}:{self.line}:{self.column}: {self.message}"
        return f"{text} ({self.hint})" if self.hint else text


class CatalogueError(Exception):
    """Raised with every problem found, so callers can print them all at once."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems)
        super().__init__(format_problems(self.problems))


def counted(number: int, singular: str, plural: str | None = None) -> str:
    """`number` and its noun agreed in French: 0 and 1 take the singular (« 0 fiche », « 2 fiches »)."""
    return f"{number} {singular if abs(number) < 2 else plural or singular + 's'}"


def summary_line(problems: list[Problem]) -> str:
    files = len({p.path for p in problems})
    return f"{counted(len(problems), 'problème')} dans {counted(files, 'fichier')}"


def format_problems(problems: list[Problem], fmt: str = "text", *, title: str = "campus check",
                    level: str = "error") -> str:
    """Render problems as text lines, GitHub workflow annotations (`level`: error or warning,
    titled `title`) or JSON."""
    if fmt == "json":
        return json.dumps([asdict(p) for p in problems], ensure_ascii=False, indent=2)
    if fmt == "github":
        def esc(s: str) -> str:
            return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")

        def prop(s: str) -> str:
            return esc(s).replace(":", "%3A").replace(",", "%2C")
        return "\n".join(
            f"::{level} file={prop(p.path)},line={p.line},col={p.column},title={prop(title)}::"
            f"{esc(p.message + (f' ({p.hint})' if p.hint else ''))}" for p in problems)
    return "\n".join(str(p) for p in problems)
