"""Problems are values: where (file, line, column), what, and what to try."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One located problem in the catalogue. Lines and columns count from 1."""

    path: str
    line: int
    column: int
    message: str
    hint: str = ""

    def __str__(self) -> str:
        text = f"{self.path}:{self.line}:{self.column}: {self.message}"
        return f"{text} ({self.hint})" if self.hint else text


class CatalogueError(Exception):
    """Raised with every problem found, so callers can print them all at once."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems)
        super().__init__(format_problems(self.problems))


def summary_line(problems: list[Problem]) -> str:
    files = len({p.path for p in problems})
    plural = "s" if len(problems) > 1 else ""
    return (f"{len(problems)} problème{plural} dans {files} fichier"
            f"{'s' if files > 1 else ''}")


def format_problems(problems: list[Problem], fmt: str = "text") -> str:
    """Render problems as text lines, GitHub workflow annotations or JSON."""
    if fmt == "json":
        return json.dumps([asdict(p) for p in problems], ensure_ascii=False, indent=2)
    if fmt == "github":
        def esc(s: str) -> str:
            return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
        return "\n".join(
            f"::error file={p.path},line={p.line},col={p.column},title=campus check::"
            f"{esc(p.message + (f' ({p.hint})' if p.hint else ''))}" for p in problems)
    return "\n".join(str(p) for p in problems)
